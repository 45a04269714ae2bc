"""Password rules beyond Django's: words from our own context are refused (ASVS 6.2.11)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lacznik.core.text import fold

CONTEXT_WORDS = [
    "lacznik", "mcps", "rops", "owes", "rkres", "kpres", "rpres", "ekonomia", "spoleczna", "rzecznik",
    "haslo", "password", "polska",
    "dolnoslaskie", "kujawsko", "pomorskie", "lubelskie", "lubuskie", "lodzkie", "malopolskie",
    "mazowieckie", "mazowsze", "opolskie", "podkarpackie", "podlaskie", "slaskie", "swietokrzyskie",
    "warminsko", "mazurskie", "warmia", "mazury", "wielkopolskie", "zachodniopomorskie", "warszawa",
]


class ContextWordsValidator:
    """Refuse passwords that are mostly a word of our context (the platform, the regions)."""

    def validate(self, password: str, user=None) -> None:
        folded = "".join(char for char in fold(password) if char.isalnum())
        for word in CONTEXT_WORDS:
            # A context word that makes up at least half of the password is its whole secret.
            if word in folded and len(word) * 2 >= len(folded):
                raise ValidationError(
                    _("The password is too easy to guess: it is built around the word “%(word)s”.")
                    % {"word": word},
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return _("The password cannot be built around the name of this platform or of a region.")
