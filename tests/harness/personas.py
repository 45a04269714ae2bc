"""The actors of the quality harness: one user per role of DESIGN.md §1, plus anonymous.

Each persona has a home code (a gmina inside its scope, where in-scope objects are made) and foreign
codes (gminas outside its scope, or inside it for the national roles; voivodeship 28 always, and a
neighbouring gmina of voivodeship 14 for the roles narrower than a voivodeship).
"""

import time
from dataclasses import dataclass
from functools import cache

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from lacznik.accounts.models import RoleAssignment, User
from lacznik.accounts.roles import Role
from lacznik.core.scope import code_in_scope

ALL_VOIVODESHIPS = "02,04,06,08,10,12,14,16,18,20,22,24,26,28,30,32"
PASSWORD = "harness-only-password-of-good-length-42"


@dataclass(frozen=True)
class Persona:
    key: str
    role: str | None
    scope: str = ""
    home: str = "1465011"
    foreign: tuple[str, ...] = ("2862011",)

    @property
    def anonymous(self) -> bool:
        return self.role is None

    @property
    def email(self) -> str:
        return f"harness.{self.key.replace('_', '.')}@lacznik.example"

    @property
    def prefixes(self) -> list[str]:
        return [part for part in self.scope.split(",") if part]

    def covers(self, code: str) -> bool:
        return code_in_scope(code, self.prefixes)

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.home, *self.foreign)


PERSONAS = [
    Persona("anonymous", None),
    Persona("administrator", Role.ADMINISTRATOR, ALL_VOIVODESHIPS),
    Persona("national_coordinator", Role.NATIONAL_COORDINATOR, ALL_VOIVODESHIPS),
    Persona("regional_coordinator_14", Role.REGIONAL_COORDINATOR, "14"),
    Persona("advocate_146501", Role.ADVOCATE, "146501", foreign=("1461011", "2862011")),
    Persona(
        "owes_advisor_1461_1462",
        Role.OWES_ADVISOR,
        "1461,1462",
        home="1461011",
        foreign=("1465011", "2862011"),
    ),
    Persona("pes_representative", Role.PES_REPRESENTATIVE, "1465011"),
    Persona("committee_member_14", Role.COMMITTEE_MEMBER, "14"),
    Persona("certification_reviewer_14", Role.CERTIFICATION_REVIEWER, "14"),
]
PERSONA_KEYS = [persona.key for persona in PERSONAS]
BY_KEY = {persona.key: persona for persona in PERSONAS}
# Every territory an object is made in by some persona.
ALL_CODES = sorted({code for persona in PERSONAS for code in persona.codes})


@cache
def _password_hash() -> str:
    # One PBKDF2 hash for all personas: hashing is the slow part of making users.
    return make_password(PASSWORD)


def make_user(persona: Persona) -> User | None:
    """The persona's user with its role, group and (staff roles) a confirmed TOTP device."""
    if persona.anonymous:
        return None
    user, _created = User.objects.get_or_create(
        email=persona.email,
        defaults={
            "first_name": "Persona",
            "last_name": persona.key.replace("_", " ").title(),
            "is_staff": persona.role == Role.ADMINISTRATOR,
            "password": _password_hash(),
        },
    )
    RoleAssignment.objects.update_or_create(user=user, role=persona.role, defaults={"scope": persona.scope})
    user.groups.add(Group.objects.get(name=persona.role))
    user = User.objects.get(pk=user.pk)
    if user.needs_second_factor:
        TOTPDevice.objects.get_or_create(user=user, name="harness", defaults={"confirmed": True})
    return user


def totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def current_token(device: TOTPDevice) -> str:
    """The code an authenticator app shows now for `device` (what the person would type)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def sign_in(client: Client, user: User | None) -> Client:
    """Start a new session on `client` as `user`, with the second factor confirmed when the user needs
    one (the session a person has after the real sign-in and TOTP steps)."""
    client.cookies.clear()
    if user is None:
        return client
    client.force_login(user)
    device = totp_device(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def signed_in_client(user: User | None, **client_kwargs) -> Client:
    """A test client signed in as `user` (see sign_in). Making a client loads the middleware, which
    is slow (WhiteNoise indexes the static files): reuse it and call sign_in for a fresh session."""
    # A view that crashes is one more mismatch in the report, not the end of the sweep.
    client_kwargs.setdefault("raise_request_exception", False)
    return sign_in(Client(**client_kwargs), user)
