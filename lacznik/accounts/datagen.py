"""Synthetic accounts at national scale (lacznik.core.datagen): who works with Łącznik in every region.

At scale 1.0: an advocate in every gmina and every powiat office (2,477 + 380), about 40 OWES
centres with one advisor each covering a few powiats of its voivodeship, three regional coordinators,
ten committee members and three certification reviewers per voivodeship, three national coordinators
and two administrators. Smaller scales thin out the per-JST and per-voivodeship people in proportion
(at least one of each per voivodeship); the OWES centres stay, since their coverage is the structure.
All people are fictional ("Przykładowa", "Przykładowy"), with e-mails on syntetyczne.example and no
usable password. Bulk inserts write no history rows: this is generated data, not a change by anyone.
"""

import random
from datetime import UTC, datetime, timedelta
from itertools import count

from django.contrib.auth.models import Group

from lacznik.core.datagen import SYNTHETIC_DOMAIN, UNUSABLE_PASSWORD, BatchWriter, generator, scaled
from lacznik.territory.models import Unit

from .models import RoleAssignment, User
from .roles import Role

FIRST_NAMES = {
    "f": [
        "Anna",
        "Maria",
        "Katarzyna",
        "Małgorzata",
        "Agnieszka",
        "Barbara",
        "Ewa",
        "Zofia",
        "Joanna",
        "Irena",
    ],
    "m": ["Jan", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Marek", "Michał", "Józef", "Adam"],
}
LAST_NAMES = {"f": "Przykładowa", "m": "Przykładowy"}
OWES_CENTRES = 40
JOINED_FROM = datetime(2025, 1, 1, tzinfo=UTC)


def clear_accounts() -> int:
    """Remove the synthetic people with their roles and group memberships, in bulk and without
    history rows (they were made without any)."""
    people = User.objects.filter(email__endswith=f"@{SYNTHETIC_DOMAIN}")
    removed = 0
    for related in (
        User.groups.through.objects.filter(user__in=people),
        RoleAssignment.objects.filter(user__in=people),
    ):
        removed += related._raw_delete(related.db)
    return removed + people._raw_delete(people.db)


class People:
    """Makes synthetic people and their roles, numbered so that every e-mail is unique."""

    def __init__(self, rng: random.Random, writer: BatchWriter):
        self.rng = rng
        self.writer = writer
        self.numbers = count(1)
        self.groups = {group.name: group.pk for group in Group.objects.filter(name__in=Role.values)}
        self.membership = User.groups.through

    def add(self, role: str, prefixes: list[str], mailbox: str) -> User:
        number = next(self.numbers)
        sex = self.rng.choice("fm")
        user = self.writer.add(
            User(
                email=f"{mailbox}.{number:06d}@{SYNTHETIC_DOMAIN}",
                first_name=self.rng.choice(FIRST_NAMES[sex]),
                last_name=f"{LAST_NAMES[sex]}-{number:06d}",
                password=UNUSABLE_PASSWORD,
                is_staff=role == Role.ADMINISTRATOR,
                date_joined=JOINED_FROM + timedelta(minutes=self.rng.randrange(365 * 24 * 60)),
            )
        )
        # The scope as RoleAssignment.save() would store it (bulk_create does not call save()).
        self.writer.add(RoleAssignment(user=user, role=role, scope=",".join(sorted(set(prefixes)))))
        self.writer.add(self.membership(user=user, group_id=self.groups[role]))
        return user


@generator("accounts", order=10, clear=clear_accounts)
def generate_accounts(scale: float, rng: random.Random, writer: BatchWriter) -> None:
    people = People(rng, writer)
    units = Unit.objects.current()
    voivodeships = list(units.voivodeships().order_by("code").values_list("code", flat=True))
    if not voivodeships:
        raise LookupError("The TERC register is empty: run manage.py import_terc first.")
    everywhere = voivodeships

    for _ in range(2):
        people.add(Role.ADMINISTRATOR, everywhere, "administrator")
    for _ in range(3):
        people.add(Role.NATIONAL_COORDINATOR, everywhere, "koordynator.krajowy")
    for code in voivodeships:
        for _ in range(max(1, scaled(rng, 3 * scale))):
            people.add(Role.REGIONAL_COORDINATOR, [code], f"koordynator.{code}")
        for _ in range(max(1, scaled(rng, 10 * scale))):
            people.add(Role.COMMITTEE_MEMBER, [code], f"rkres.{code}")
        for _ in range(max(1, scaled(rng, 3 * scale))):
            people.add(Role.CERTIFICATION_REVIEWER, [code], f"recenzent.{code}")

    # Advocates: one per JST office at scale 1.0 (gminas and powiats; a city with powiat rights is a
    # powiat office), fewer or more in proportion.
    for code in units.powiats().order_by("code").values_list("code", flat=True).iterator(chunk_size=2000):
        for _ in range(scaled(rng, scale)):
            people.add(Role.ADVOCATE, [code], f"rzecznik.{code}")
    for code in units.gminas().order_by("code").values_list("code", flat=True).iterator(chunk_size=2000):
        for _ in range(scaled(rng, scale)):
            # The scope is the gmina's six-digit prefix: the gmina with its town and rural parts.
            people.add(Role.ADVOCATE, [code[:6]], f"rzecznik.{code}")

    # OWES centres: ~40 nationally, shared out by the voivodeships' powiat counts; each serves a run
    # of neighbouring powiats (consecutive codes) of its voivodeship.
    powiats: dict[str, list[str]] = {code: [] for code in voivodeships}
    for code in units.powiats().order_by("code").values_list("code", flat=True):
        powiats[code[:2]].append(code)
    total = sum(len(codes) for codes in powiats.values())
    for voivodeship, codes in powiats.items():
        centres = max(1, round(OWES_CENTRES * len(codes) / total))
        size = -(-len(codes) // centres)  # ceiling division
        for start in range(0, len(codes), size):
            served = codes[start : start + size]
            for _ in range(max(1, scaled(rng, scale))):
                people.add(Role.OWES_ADVISOR, served, f"owes.{voivodeship}")
