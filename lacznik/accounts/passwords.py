"""Password rules beyond Django's (ASVS 6.2): no composition rules, but guessable passwords are refused.

Django's validators already refuse short passwords (12), the 20,000 most common ones and those close
to the user's name or address. These add what an attacker guessing at *our* users tries first: the
platform's and the regions' names, the person's own name with a year, and keyboard walks.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lacznik.core.text import fold

CONTEXT_WORDS = """
lacznik mcps rops owes rkres kpres rpres ekonomia spoleczna rzecznik haslo password polska teryt
gmina powiat urzad starostwo wojewodztwo marszalkowski koordynator administrator admin
spoldzielnia socjalna dolnoslaskie kujawsko pomorskie lubelskie lubuskie lodzkie malopolskie
mazowieckie mazowsze opolskie podkarpackie podlaskie slaskie swietokrzyskie warminsko mazurskie
warmia mazury wielkopolskie zachodniopomorskie warszawa
""".split()

# What is left after the context words are taken out must be a secret of its own: this many characters
# that are not a run like "2024" or "123456".
MIN_REST = 8

SEQUENCES = [
    "abcdefghijklmnopqrstuvwxyz",
    "qwertyuiopasdfghjklzxcvbnm",
    "qazwsxedcrfvtgbyhnujmikolp",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "1q2w3e4r5t6y7u8i9o0p",
    "01234567890123456789",
]
SEQUENCES += [sequence[::-1] for sequence in SEQUENCES]


def _letters_and_digits(text: str) -> str:
    return "".join(char for char in fold(text) if char.isalnum())


def is_predictable(folded: str) -> bool:
    """A handful of distinct characters, a keyboard or alphabet walk, or the same chunk repeated."""
    if len(set(folded)) < 5:
        return True
    if any(folded in sequence * 3 for sequence in SEQUENCES):
        return True
    return any(
        folded == folded[:size] * (len(folded) // size) for size in range(1, 5) if len(folded) % size == 0
    )


def _personal_words(user) -> list[str]:
    if user is None:
        return []
    parts = [getattr(user, "first_name", "") or "", getattr(user, "last_name", "") or ""]
    email = getattr(user, "email", "") or ""
    local, _at, domain = email.partition("@")
    parts += re.split(r"[._+\-]", local) + domain.split(".")[:-1]
    words = {_letters_and_digits(part) for part in parts}
    return [word for word in words if len(word) >= 3]


class ContextWordsValidator:
    """Refuse passwords built around a word of our context (the platform, the regions, the person)."""

    def validate(self, password: str, user=None) -> None:
        folded = _letters_and_digits(password)
        rest = folded
        found = []
        for word in sorted({*CONTEXT_WORDS, *_personal_words(user)}, key=len, reverse=True):
            if word in rest:
                found.append(word)
                rest = rest.replace(word, "")
        if found and (len(rest) < MIN_REST or is_predictable(rest)):
            raise ValidationError(
                _("The password is too easy to guess: it is built around the word “%(word)s”.")
                % {"word": found[0]},
                code="password_context_word",
            )

    def get_help_text(self) -> str:
        return _("The password cannot be built around your name, the name of this platform or of a region.")


class PredictablePatternValidator:
    """Refuse keyboard walks, alphabet and digit runs and a few characters repeated ("aaaa…", "1q2w3e…")."""

    def validate(self, password: str, user=None) -> None:
        if is_predictable(_letters_and_digits(password) or password):
            raise ValidationError(
                _("The password is too easy to guess: it is a run of keys or repeats a few characters."),
                code="password_predictable",
            )

    def get_help_text(self) -> str:
        return _("The password cannot be a run of keys such as “qwerty” or repeat a few characters.")
