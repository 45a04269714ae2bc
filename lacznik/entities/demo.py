"""Demo entities for `make run`: fictional PES in Mazowieckie and Warmińsko-Mazurskie with their offer.

Deterministic and safe to run again (entities are found by their NIP). Each demo PES representative
acts for one entity of their gmina. Needs the TERC register and the CPV dictionary imported first.
"""

import random
from datetime import date
from typing import TextIO

from stdnum.pl import nip, regon

from lacznik.accounts.models import User
from lacznik.core.scope import system_scope
from lacznik.cpv.models import CpvCode
from lacznik.territory.models import Unit

from .models import NO_SOCIAL_ENTERPRISE_STATUS, Entity, LegalForm, Mark, OfferItem
from .services import refresh_search_documents

NAMES = {
    LegalForm.SOCIAL_COOPERATIVE: "Spółdzielnia Socjalna „{word}” (demo)",
    LegalForm.FOUNDATION: "Fundacja {word} (demo)",
    LegalForm.ASSOCIATION: "Stowarzyszenie {word} (demo)",
    LegalForm.SOCIAL_INTEGRATION_CENTRE: "Centrum Integracji Społecznej {word} (demo)",
    LegalForm.VOCATIONAL_ACTIVITY_ESTABLISHMENT: "Zakład Aktywności Zawodowej {word} (demo)",
    LegalForm.WORKERS_COOPERATIVE: "Spółdzielnia Pracy {word} (demo)",
    LegalForm.NONPROFIT_COMPANY: "{word} sp. z o.o. non-profit (demo)",
}
WORDS = [
    "Przykładowa Zieleń",
    "Smaczny Kąsek",
    "Czysty Dom",
    "Dobra Nić",
    "Drukarnia Pod Lipą",
    "Warsztat Marzeń",
    "Kolorowy Ogród",
    "Złota Rączka",
    "Pracownia Wspólna",
    "Pod Dębem",
    "Wspólny Stół",
    "Nowy Start",
]
OFFERS = [
    (
        "55520000-1",
        "Usługi cateringowe na spotkania i konferencje",
        "Obiady, przerwy kawowe i poczęstunki dla 20–200 osób.",
    ),
    ("55523100-3", "Posiłki dla szkół", "Codzienne obiady dla uczniów z dowozem."),
    ("90910000-9", "Sprzątanie biur i urzędów", "Regularne sprzątanie pomieszczeń biurowych."),
    ("77310000-6", "Utrzymanie terenów zielonych", "Koszenie, przycinanie krzewów, nasadzenia."),
    ("79800000-2", "Druk materiałów promocyjnych", "Ulotki, plakaty, broszury i wizytówki."),
    ("18000000-9", "Szycie odzieży roboczej", "Fartuchy, torby i odzież robocza na zamówienie."),
    ("80500000-9", "Szkolenia z ekonomii społecznej", "Warsztaty dla pracowników samorządów."),
    ("45000000-7", "Drobne roboty remontowe", "Malowanie, naprawy i remonty pomieszczeń."),
]
# Gminas of the demo: Warszawa (1465011) and Olsztyn (2862011) with a few others around them.
GMINAS = ["1465011", "1461011", "1462011", "1421011", "2862011", "2814013", "2801011"]


def _identifier(rng: random.Random, module, length: int) -> str:
    """A random number of `length` digits that `module` (stdnum's nip or regon) accepts."""
    while True:
        body = "".join(str(rng.randint(0, 9)) for _ in range(length - 1))
        for digit in "0123456789":
            if module.is_valid(body + digit):
                return body + digit


def seed(*, stdout: TextIO) -> None:
    rng = random.Random("lacznik-demo-entities")
    gminas = {unit.code: unit for unit in Unit.objects.filter(code__in=GMINAS)}
    offers = {code.code: code for code in CpvCode.objects.filter(code__in=[o[0] for o in OFFERS])}
    mark = Mark.objects.filter(code="zakup-prospoleczny").first()
    made = []
    with system_scope("demo data"):
        for number in range(36):
            form = list(NAMES)[number % len(NAMES)]
            code = GMINAS[number % len(GMINAS)]
            # Every draw happens whatever is found, so a second run meets the same numbers.
            tax_number = _identifier(rng, nip, 10)
            statistics_number = _identifier(rng, regon, 9)
            description = "Podmiot fikcyjny, do pokazu platformy. " + rng.choice(OFFERS)[2]
            founded, employees = rng.randint(2005, 2023), rng.randint(3, 40)
            offer = rng.sample(OFFERS, 2)
            word = WORDS[number % len(WORDS)]
            if code not in gminas:
                continue
            entity, created = Entity.objects.get_or_create(
                nip=tax_number,
                defaults={
                    "name": NAMES[form].format(word=f"{word} {number + 1}"),
                    "legal_form": form,
                    "regon": statistics_number,
                    "gmina": gminas[code],
                    "city": gminas[code].name,
                    "email": f"kontakt{number + 1}@podmiot-demo.example",
                    "description": description,
                    "founded_year": founded,
                    "employees": employees,
                },
            )
            if not created:
                continue
            if form not in NO_SOCIAL_ENTERPRISE_STATUS and number % 3 == 0:
                entity.ps_granted_on = date(2023, 1 + number % 12, 10)
                entity.ps_decision_number = f"WPS-DEMO.{number + 1}.2023"
                entity.save()
            if mark is not None and number % 5 == 0:
                entity.marks.add(mark)
            for cpv_code, name, item_description in offer:
                if cpv_code in offers:
                    OfferItem.objects.create(
                        entity=entity, cpv=offers[cpv_code], name=name, description=item_description
                    )
            made.append(entity.pk)
        refresh_search_documents(made)
        # Each demo PES representative acts for the first demo entity of their gmina.
        for user in User.objects.filter(
            email__in=["pes.mazowsze@lacznik.example", "pes.warmia@lacznik.example"]
        ):
            prefixes = sorted(user.scope_prefixes)
            entity = Entity.objects.in_scope(prefixes).filter(name__endswith="(demo)").order_by("pk").first()
            if entity is not None:
                entity.representatives.add(user)
    stdout.write(f"Podmioty demonstracyjne: dodano {len(made)}.\n")
