"""AU-01: password rules (ASVS 6.2): at least 12 characters, no composition rules, 64+ accepted,
common passwords and words of our context refused; hashes are PBKDF2 or Argon2."""

import pytest
from django.conf import global_settings, settings
from django.contrib.auth.hashers import identify_hasher
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from lacznik.accounts.models import User
from tests.factories import UserFactory

PERSON = {"email": "jan.kowalski@gmina-przykladowa.example", "first_name": "Jan", "last_name": "Kowalski"}

ACCEPTED = [
    "correct horse battery staple",  # a passphrase with spaces, lower case only
    "zielony-słoń-pije-kawę",  # Polish letters, no digits, no capitals
    "tramwajnaprzystankuzima",  # one long lower-case word chain
    "mój kot ma na imię Filemon",
    "7 dni w tygodniu i 12 miesięcy",
    "k2#mP9!qLw4z",  # exactly 12, random-looking
    "ąęłńśźżó ĄĘŁŃŚŹŻÓ",  # diacritics only
    "x" * 3 + "kalarepa-w-ogrodzie",
    "Warszawa to piękne miasto nad Wisłą",  # a region's name inside a long sentence is fine
    "lacznik-zielony-slon-w-kapeluszu",  # the platform's name plus a real secret
    "a" + "bcdxyz-ptak-" * 6,  # 73 characters
    "Ten przykładowy pasażer wysiadł z autobusu na pętli przy ulicy Długiej 15 w środę rano",  # 88, pasted
    "🙂 emoji też są w porządku 🙃",
    "jeż " * 3 + "zjadł jabłko pod gruszą o świcie, a potem poszedł spać do lasu",  # 76 characters
]

REFUSED = [
    ("short1", "password_too_short"),
    ("Kr0tk!e-11c", "password_too_short"),  # 11 characters, all "composition rules" met
    ("leavemealone", "password_too_common"),
    ("jamesbond007", "password_too_common"),
    ("finalfantasy", "password_too_common"),
    ("pq" * 40, "password_predictable"),  # 80 characters of two letters
    ("123456789012", "password_predictable"),
    ("qwertyuiopas", "password_predictable"),
    ("aaaaaaaaaaaaaaaa", "password_predictable"),
    ("1q2w3e4r5t6y", "password_predictable"),
    ("abababababab", "password_predictable"),
    ("Łącznik2024!!", "password_context_word"),
    ("lacznik123456", "password_context_word"),
    ("mcps-haslo-2025", "password_context_word"),
    ("ROPS_Mazowsze_1", "password_context_word"),
    ("Mazowieckie123", "password_context_word"),
    ("WarmiaMazury2024", "password_context_word"),
    ("rzecznik-owes-rkres", "password_context_word"),
    ("Kowalski1990!!", "password_context_word"),  # the person's own name and a year
    ("jan.kowalski.2024", "password_similar"),  # near the e-mail address
]


def person() -> User:
    return User(**PERSON)


@pytest.mark.parametrize("password", ACCEPTED)
def test_accepted_passwords(password):
    validate_password(password, user=person())


@pytest.mark.parametrize(("password", "code"), REFUSED)
def test_refused_passwords(password, code):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user=person())
    codes = {error.code for error in refused.value.error_list}
    if code == "password_similar":
        assert codes & {"password_too_similar", "password_context_word"}
    else:
        assert code in codes


def test_at_least_thirty_cases_are_covered():
    assert len(ACCEPTED) + len(REFUSED) >= 30
    assert any(len(password) >= 64 for password in ACCEPTED)


def test_no_composition_rules_and_twelve_is_the_minimum():
    validate_password("dom nad rzeką", user=person())  # 13, lower case, no digit, no symbol
    with pytest.raises(ValidationError):
        validate_password("domnadrzeką", user=person())  # 11


def test_a_very_long_password_is_stored_and_checked(db):
    password = "Ten przykładowy pasażer wysiadł z autobusu " * 4  # 176 characters
    user = UserFactory()
    user.set_password(password)
    user.save()
    user.refresh_from_db()
    assert user.check_password(password)


def test_hashes_are_pbkdf2_or_argon2(db):
    assert settings.PASSWORD_HASHERS[0].rsplit(".", 1)[-1] in {"PBKDF2PasswordHasher", "Argon2PasswordHasher"}
    user = UserFactory()
    assert identify_hasher(user.password).algorithm in {"pbkdf2_sha256", "argon2"}


def test_production_hashers_are_pbkdf2_or_argon2():
    # The product settings keep Django's list (PBKDF2 first) unless they name Argon2 first.
    import lacznik.settings as product

    hashers = getattr(product, "PASSWORD_HASHERS", global_settings.PASSWORD_HASHERS)
    assert hashers[0].rsplit(".", 1)[-1] in {"PBKDF2PasswordHasher", "Argon2PasswordHasher"}
