"""Synthetic events and their recruitment at national scale (lacznik.core.datagen), for the benchmark
of issue #7 and for trying the indicators at full size.

At scale 1.0, over the last three years and the next one: about 200 trainings a year nationally (the
programme's "200 trainings for 3,000 JST employees", sources/w-sieci-dobrych-polaczen-spoldzielczosc-
socjalna.txt) and a few dozen conferences, networking meetings, study visits, seminars and fairs per
voivodeship a year (sources/warmia-mazury-projekt-es-2018-2020.txt), larger voivodeships getting more.
Seats run from 15 (a study visit) to 200 (a conference, a fair); registrations fill 60–110% of them,
so popular events have a waiting list; some registrations are cancelled, rejected or never confirmed.
Past events have their attendance per day and certificates for some of those who came every day.
People repeat: a voivodeship's participants come from a pool about half the size of its registrations,
so the indicators count unique persons as they must. The programme's national targets are added.

Everything is what services.py would have left behind: registrations numbered densely in their order of
arrival, `confirmed_count` equal to the confirmed registrations, never above the seats, no one waiting
while a seat is free, `next_sequence` after the last number. Everything looks synthetic: titles say
"przykładowe" and carry a number, descriptions begin with SYNTHETIC_DESCRIPTION, people are
"Przykładowa"/"Przykładowy" with e-mails on syntetyczne.example, certificate codes begin with "SYNT-".
Bulk inserts write no history rows. The data depends on the seed and the day it is generated on.
"""

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from itertools import count

from django.utils import timezone

from lacznik.core.datagen import SYNTHETIC_DOMAIN, BatchWriter, generator, scaled
from lacznik.territory.models import Unit

from .indicators import add_default_targets
from .models import (
    AskedField,
    Attendance,
    Certificate,
    Event,
    EventKind,
    Registration,
    TargetGroup,
    token_hash,
)

YEARS_BACK = 3
YEARS_AHEAD = 1
TRAININGS_PER_YEAR = 200  # nationally
# Other events per voivodeship per year, for a voivodeship of average size.
PER_VOIVODESHIP_PER_YEAR = {
    EventKind.CONFERENCE: 4,
    EventKind.NETWORKING_MEETING: 12,
    EventKind.STUDY_VISIT: 4,
    EventKind.SEMINAR: 10,
    EventKind.FAIR: 3,
}
# Unique participants nationally at scale 1.0: about one for every two and a half registrations.
PARTICIPANTS = 55_000
# At least this many people per voivodeship, so that a large event can fill at a small scale.
MIN_PARTICIPANTS_PER_VOIVODESHIP = 400
CERTIFICATE_PREFIX = "SYNT-"
SYNTHETIC_DESCRIPTION = "Wydarzenie fikcyjne z danych syntetycznych."
CONSENT_TEXT = (
    "Wyrażam zgodę na przetwarzanie moich danych osobowych w celu rekrutacji na wydarzenie "
    "i rozliczenia projektu (tekst przykładowy, dane syntetyczne)."
)

# Population in millions (GUS, rounded): half of every voivodeship's events are shared equally, half
# follow its population, so Mazowieckie gets about twice the average and Opolskie about two thirds.
POPULATION = {
    "02": 2.9, "04": 2.0, "06": 2.0, "08": 1.0, "10": 2.4, "12": 3.4, "14": 5.5, "16": 0.95,
    "18": 2.1, "20": 1.15, "22": 2.3, "24": 4.4, "26": 1.2, "28": 1.4, "30": 3.5, "32": 1.65,
}  # fmt: skip
NATIONAL_POPULATION = sum(POPULATION.values())
VOIVODESHIPS = len(POPULATION)


def voivodeship_share(code: str) -> float:
    """The voivodeship's share of the country's events (the 16 shares add up to 1)."""
    population = POPULATION.get(code, NATIONAL_POPULATION / VOIVODESHIPS)
    return 0.5 / VOIVODESHIPS + 0.5 * population / NATIONAL_POPULATION


@dataclass(frozen=True)
class KindProfile:
    label: str  # the start of the title
    seats: tuple[int, int]
    days: tuple[tuple[int, int], ...]  # (days, weight)
    hours: tuple[int, int]  # length of a one-day event
    online_share: float
    approval_share: float
    # Who may register: (groups, weight)
    eligible: tuple[tuple[tuple[str, ...], int], ...]
    asked: tuple[str, ...]
    certificate_share: float
    lead_days: tuple[int, int]  # registration opens this many days before the start
    topics: tuple[str, ...]


G = TargetGroup
PROFILES = {
    EventKind.TRAINING: KindProfile(
        "Szkolenie przykładowe",
        (15, 40),
        ((1, 8), (2, 2)),
        (5, 7),
        0.3,
        0.2,
        (
            ((G.JST_STAFF,), 40),
            ((G.JST_STAFF, G.ADVOCATES), 15),
            ((G.ROPS_STAFF,), 8),
            ((G.COMMITTEE_MEMBERS,), 8),
            ((G.MARSHAL_OFFICE_STAFF,), 6),
            ((G.PES_STAFF, G.OWES_STAFF), 23),
        ),
        (AskedField.ORGANISATION, AskedField.POSITION, AskedField.JST),
        0.9,
        (21, 60),
        (
            "Klauzule społeczne w zamówieniach publicznych",
            "Zlecanie zadań publicznych podmiotom ekonomii społecznej",
            "Spółdzielnia socjalna osób prawnych w gminie",
            "Ekonomia społeczna w strategii rozwiązywania problemów społecznych",
            "Status przedsiębiorstwa społecznego w praktyce",
            "Partnerstwo samorządu z CIS i KIS",
            "Reintegracja społeczna i zawodowa",
            "Zakupy prospołeczne w jednostkach samorządu",
        ),
    ),
    EventKind.CONFERENCE: KindProfile(
        "Konferencja przykładowa",
        (80, 200),
        ((1, 7), (2, 3)),
        (6, 8),
        0.0,
        0.0,
        ((tuple(G.values), 1),),
        (AskedField.ORGANISATION, AskedField.DIET, AskedField.ACCESSIBILITY),
        0.2,
        (45, 90),
        (
            "Dni Ekonomii Społecznej",
            "Regionalne Forum Ekonomii Społecznej",
            "Ekonomia społeczna w polityce regionu",
            "Solidarna gospodarka lokalna",
        ),
    ),
    EventKind.NETWORKING_MEETING: KindProfile(
        "Spotkanie sieciujące (przykładowe)",
        (20, 60),
        ((1, 1),),
        (3, 4),
        0.2,
        0.0,
        (((G.PES_STAFF, G.OWES_STAFF, G.JST_STAFF), 2), ((G.PES_STAFF, G.OWES_STAFF), 1)),
        (AskedField.ORGANISATION,),
        0.0,
        (14, 45),
        (
            "Regionalna Platforma Współpracy CIS, KIS, ZAZ i WTZ",
            "Sieć OWES regionu",
            "Kooperacja podmiotów ekonomii społecznej",
            "Spotkanie partnerstwa lokalnego",
        ),
    ),
    EventKind.STUDY_VISIT: KindProfile(
        "Wizyta studyjna (przykładowa)",
        (15, 30),
        ((2, 2), (3, 1)),
        (8, 8),
        0.0,
        0.7,
        (((G.JST_STAFF, G.PES_STAFF, G.OWES_STAFF, G.ROPS_STAFF, G.COMMITTEE_MEMBERS), 1),),
        (AskedField.ORGANISATION, AskedField.POSITION, AskedField.PHONE, AskedField.DIET),
        0.8,
        (30, 60),
        (
            "Spółdzielnie socjalne regionu",
            "Dobre praktyki centrów integracji społecznej",
            "Zakłady aktywności zawodowej",
            "Ekonomia społeczna na obszarach wiejskich",
        ),
    ),
    EventKind.SEMINAR: KindProfile(
        "Seminarium przykładowe",
        (25, 80),
        ((1, 1),),
        (3, 5),
        0.3,
        0.0,
        (((G.JST_STAFF, G.PES_STAFF, G.OWES_STAFF, G.ADVOCATES, G.PUBLIC), 1),),
        (AskedField.ORGANISATION,),
        0.3,
        (21, 45),
        (
            "Rzecznik ekonomii społecznej w gminie",
            "Finansowanie podmiotów ekonomii społecznej",
            "Usługi społeczne użyteczności publicznej",
            "Mieszkalnictwo wspomagane",
        ),
    ),
    EventKind.FAIR: KindProfile(
        "Targi przykładowe",
        (50, 200),
        ((1, 3), (2, 1)),
        (7, 8),
        0.0,
        0.0,
        (((G.PUBLIC, G.PES_STAFF, G.OWES_STAFF, G.JST_STAFF), 1),),
        (AskedField.ORGANISATION,),
        0.0,
        (30, 60),
        ("Targi Ekonomii Społecznej", "Jarmark produktów PES", "Kiermasz świąteczny PES"),
    ),
}

# Who the participants of a voivodeship are: (group, relative weight).
GROUP_WEIGHTS = {
    G.JST_STAFF: 30,
    G.PES_STAFF: 25,
    G.OWES_STAFF: 8,
    G.ROPS_STAFF: 4,
    G.COMMITTEE_MEMBERS: 5,
    G.MARSHAL_OFFICE_STAFF: 3,
    G.ADVOCATES: 7,
    G.PUBLIC: 18,
}
POSITIONS = {
    G.JST_STAFF: ("specjalista", "inspektor", "kierownik referatu", "pracownik socjalny"),
    G.PES_STAFF: ("prezes zarządu", "członek spółdzielni", "koordynator", "księgowa"),
    G.OWES_STAFF: ("doradca kluczowy", "animator", "doradca biznesowy"),
    G.ROPS_STAFF: ("specjalista", "koordynator regionalny"),
    G.COMMITTEE_MEMBERS: ("członek komitetu",),
    G.MARSHAL_OFFICE_STAFF: ("inspektor", "główny specjalista"),
    G.ADVOCATES: ("rzecznik ekonomii społecznej",),
    G.PUBLIC: ("",),
}
FIRST_NAMES = {
    "f": ("Anna", "Maria", "Katarzyna", "Małgorzata", "Agnieszka", "Barbara", "Ewa", "Zofia", "Joanna"),
    "m": ("Jan", "Piotr", "Krzysztof", "Andrzej", "Tomasz", "Paweł", "Marek", "Michał", "Adam"),
}
LAST_NAMES = {"f": "Przykładowa", "m": "Przykładowy"}
AGENDA = (
    "9:30 Rejestracja uczestników\n10:00 Otwarcie\n10:15 {topic}\n12:00 Przerwa\n"
    "12:30 Dyskusja i pytania uczestników\n14:00 Zakończenie"
)


@dataclass(frozen=True)
class Person:
    email: str
    first_name: str
    last_name: str
    target_group: str
    organisation: str
    position: str
    jst: str


# --- removing what was made before --------------------------------------------------------------


def synthetic_events():
    return Event.objects.unscoped(reason="synthetic data of every territory").filter(
        description__startswith=SYNTHETIC_DESCRIPTION
    )


def clear_events() -> int:
    """Remove the synthetic events with their registrations, attendance and certificates, in bulk and
    without history (they were made without any). The programme's targets stay."""
    events = synthetic_events()
    registrations = Registration.objects.unscoped(reason="synthetic data of every territory").filter(
        event__in=events
    )
    removed = 0
    for related in (
        Certificate.objects.filter(registration__in=registrations),
        Attendance.objects.filter(registration__in=registrations),
        registrations,
    ):
        removed += related._raw_delete(related.db)
    return removed + events._raw_delete(events.db)


@contextmanager
def given_timestamps() -> Iterator[None]:
    """Let bulk_create keep the creation times the generator gives (when a past registration was made,
    a certificate issued) instead of auto_now_add's "now"."""
    fields = [
        Event._meta.get_field("created_at"),
        Registration._meta.get_field("created_at"),
        Certificate._meta.get_field("issued_at"),
    ]
    saved = [field.auto_now_add for field in fields]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field, value in zip(fields, saved, strict=True):
            field.auto_now_add = value


# --- the generator ------------------------------------------------------------------------------


class EventMaker:
    """Makes the events of one voivodeship with their registrations, attendance and certificates."""

    def __init__(self, rng: random.Random, writer: BatchWriter, *, now: datetime):
        self.rng = rng
        self.writer = writer
        self.now = now
        self.events = count(1)
        self.people = count(1)
        self.certificates = count(1)

    # People --------------------------------------------------------------------------------------

    def participants(self, code: str, size: int, gminas: list[tuple[str, str]]) -> dict[str, list[Person]]:
        """The voivodeship's pool of participants, by target group."""
        rng = self.rng
        groups = list(GROUP_WEIGHTS)
        weights = list(GROUP_WEIGHTS.values())
        pool: dict[str, list[Person]] = {group: [] for group in groups}
        for _ in range(size):
            number = next(self.people)
            group = rng.choices(groups, weights)[0]
            sex = rng.choice("fm")
            gmina_code, gmina_name = rng.choice(gminas) if gminas else ("", "")
            organisation, jst = self._organisation(group, number, gmina_code, gmina_name)
            pool[group].append(
                Person(
                    email=f"uczestnik.{code}.{number:06d}@{SYNTHETIC_DOMAIN}",
                    first_name=rng.choice(FIRST_NAMES[sex]),
                    last_name=f"{LAST_NAMES[sex]}-{number:06d}",
                    target_group=group,
                    organisation=organisation,
                    position=rng.choice(POSITIONS[group]),
                    jst=jst,
                )
            )
        return pool

    def _organisation(self, group: str, number: int, gmina_code: str, gmina_name: str) -> tuple[str, str]:
        if group in (G.JST_STAFF, G.ADVOCATES):
            office = self.rng.choice(("Urząd Gminy", "Ośrodek Pomocy Społecznej, gmina"))
            return f"{office} {gmina_name} (przykładowy)", gmina_code
        if group == G.PES_STAFF:
            return f"Spółdzielnia Socjalna „Przykładowa” nr {number}", gmina_code
        if group == G.OWES_STAFF:
            return f"Ośrodek Wsparcia Ekonomii Społecznej „Przykładowy” nr {number % 5 + 1}", ""
        if group == G.ROPS_STAFF:
            return "Regionalny Ośrodek Polityki Społecznej (przykładowy)", ""
        if group == G.COMMITTEE_MEMBERS:
            return "Regionalny Komitet Rozwoju Ekonomii Społecznej (przykładowy)", ""
        if group == G.MARSHAL_OFFICE_STAFF:
            return "Urząd Marszałkowski (przykładowy)", ""
        return "", ""

    # Events --------------------------------------------------------------------------------------

    def make(
        self,
        *,
        kind: str,
        code: str,
        start_day,
        places: list[tuple[str, str]],
        pool: dict[str, list[Person]],
        projects: list[str],
        open_now: bool = False,
    ) -> None:
        rng = self.rng
        profile = PROFILES[kind]
        number = next(self.events)
        days = rng.choices([d for d, _w in profile.days], [w for _d, w in profile.days])[0]
        starts_at = timezone.make_aware(datetime.combine(start_day, time(rng.choice((9, 10)))))
        last_day = starts_at + timedelta(days=days - 1)
        ends_at = last_day + timedelta(hours=rng.randint(*profile.hours))
        lead = rng.randint(*profile.lead_days)
        opens_at = starts_at - timedelta(days=lead)
        closes_at = starts_at - timedelta(days=rng.randint(1, 3), hours=-5)  # at 14:00 or 15:00
        if open_now:
            opens_at = min(opens_at, self.now - timedelta(days=10))
        # For whom: the voivodeship (most events), the powiat or the gmina of the venue.
        gmina_code, town = rng.choice(places) if places else (code, "")
        teryt = rng.choices((code, gmina_code[:4], gmina_code), (6, 3, 1))[0]
        is_online = rng.random() < profile.online_share
        groups = rng.choices([g for g, _w in profile.eligible], [w for _g, w in profile.eligible])[0]
        needs_approval = rng.random() < profile.approval_share and not open_now
        has_waiting_list = open_now or rng.random() < 0.9
        status = Event.Status.PUBLISHED
        if not open_now:
            chance = rng.random()
            if chance < 0.02:
                status = Event.Status.CANCELLED
            elif chance < 0.06 and opens_at > self.now:
                status = Event.Status.DRAFT
        topic = rng.choice(profile.topics)
        event = Event(
            teryt=teryt,
            kind=kind,
            title=f"{profile.label} „{topic}” nr {number}",
            description=f"{SYNTHETIC_DESCRIPTION} {topic}.",
            agenda=AGENDA.format(topic=topic),
            starts_at=starts_at,
            ends_at=ends_at,
            is_online=is_online,
            venue="" if is_online else f"ul. Przykładowa {rng.randint(1, 99)}, {town}",
            online_link=f"https://spotkania.{SYNTHETIC_DOMAIN}/{number}" if is_online else "",
            project=rng.choice(projects),
            seats=rng.randint(*profile.seats),
            has_waiting_list=has_waiting_list,
            needs_approval=needs_approval,
            registration_opens_at=opens_at,
            registration_closes_at=closes_at,
            eligible_groups=list(groups),
            asked_fields=list(profile.asked),
            status=status,
            created_at=opens_at - timedelta(days=rng.randint(1, 14)),
        )
        registrations = self._registrations(event, pool) if status != Event.Status.DRAFT else []
        event.confirmed_count = sum(1 for r in registrations if r.status == Registration.Status.CONFIRMED)
        event.next_sequence = len(registrations) + 1
        self.writer.add(event)
        for registration in registrations:
            registration.event = event
            self.writer.add(registration)
        if event.status == Event.Status.PUBLISHED and event.ends_at < self.now:
            self._attendance(event, registrations, profile)

    def _registrations(self, event: Event, pool: dict[str, list[Person]]) -> list[Registration]:
        """What the recruitment would have left: in order of arrival, seats to the first who were placed."""
        rng = self.rng
        now = self.now
        if event.registration_opens_at >= now:
            return []
        # Those placed fill 60-110% of the seats; about one in seven more cancels or never confirms.
        wanted = event.seats * rng.uniform(0.6, 1.1) / 0.86
        last = min(event.registration_closes_at, now)
        if now < event.registration_closes_at:
            # Registration still open: the share of the window that has passed.
            window = event.registration_closes_at - event.registration_opens_at
            passed = (now - event.registration_opens_at) / window
            wanted *= passed
        if not event.has_waiting_list:
            wanted = min(wanted, event.seats * 1.05)
        candidates = [person for group in event.eligible_groups for person in pool.get(group, ())]
        people = rng.sample(candidates, min(round(wanted), len(candidates)))
        span = (last - event.registration_opens_at).total_seconds()
        times = sorted(event.registration_opens_at + timedelta(seconds=rng.uniform(0, span)) for _ in people)
        still_open = now < event.registration_closes_at
        Status = Registration.Status
        made = []
        confirmed = 0
        for person, created in zip(people, times, strict=True):
            chance = rng.random()
            recent = now - created < timedelta(days=2)
            if event.status == Event.Status.CANCELLED:
                status = Status.CANCELLED
            elif chance < 0.06:
                status = Status.CANCELLED
            elif chance < (0.36 if still_open and recent else 0.08):
                status = Status.PENDING_EMAIL
            elif event.needs_approval and chance < 0.14:
                status = Status.REJECTED
            elif event.needs_approval and still_open and now - created < timedelta(days=7):
                status = Status.AWAITING_APPROVAL
            elif confirmed < event.seats:
                status = Status.CONFIRMED
                confirmed += 1
            elif event.has_waiting_list:
                status = Status.WAITLISTED
            else:
                continue  # full and no waiting list: the service refused, nothing was stored
            made.append(self._registration(event, person, created, status, sequence=len(made) + 1))
        return made

    def _registration(self, event: Event, person: Person, created: datetime, status: str, *, sequence: int):
        asked = set(event.asked_fields)
        decided = None
        if status != Registration.Status.PENDING_EMAIL:
            decided = created + timedelta(minutes=self.rng.randint(1, 60 * 24))
        return Registration(
            teryt=event.teryt,
            email=person.email,
            first_name=person.first_name,
            last_name=person.last_name,
            target_group=person.target_group,
            organisation=person.organisation if AskedField.ORGANISATION in asked else "",
            position=person.position if AskedField.POSITION in asked else "",
            jst=person.jst if AskedField.JST in asked else "",
            phone=f"+48 000 000 {sequence:03d}" if AskedField.PHONE in asked else "",
            consent_text=CONSENT_TEXT,
            consented_at=created,
            status=status,
            sequence=sequence,
            reason="Wydarzenie jest przeznaczone dla innej grupy (dane syntetyczne)."
            if status == Registration.Status.REJECTED
            else "",
            token_hash=token_hash(f"synthetic-{self.rng.getrandbits(128):032x}"),
            created_at=created,
            decided_at=decided,
        )

    def _attendance(self, event: Event, registrations: list[Registration], profile: KindProfile) -> None:
        rng = self.rng
        days = event.days
        for registration in registrations:
            if registration.status != Registration.Status.CONFIRMED:
                continue
            came = rng.random() >= 0.08
            present = [came and rng.random() < 0.95 for _ in days]
            for day, was_there in zip(days, present, strict=True):
                self.writer.add(Attendance(registration=registration, day=day, present=was_there))
            if all(present) and rng.random() < profile.certificate_share:
                self.writer.add(
                    Certificate(
                        registration=registration,
                        code=f"{CERTIFICATE_PREFIX}{next(self.certificates):08d}",
                        issued_at=event.ends_at + timedelta(days=rng.randint(1, 10)),
                    )
                )


def _places(code: str) -> list[tuple[str, str]]:
    """The voivodeship's gminas as (code, name): an event's venue and, often, its territory."""
    units = Unit.objects.current().filter(code__startswith=code)
    return list(units.gminas().order_by("code").values_list("code", "name"))


def _projects(code: str) -> list[str]:
    return [
        f"Przykładowy projekt szkoleń dla JST ({code}), 2021–2027",
        f"Przykładowy projekt „Ekonomia społeczna w regionie” ({code})",
        f"Przykładowy projekt sieciowania PES i OWES ({code})",
    ]


@generator("events", order=30, clear=clear_events)
def generate_events(scale: float, rng: random.Random, writer: BatchWriter) -> None:
    voivodeships = list(Unit.objects.current().voivodeships().order_by("code").values_list("code", flat=True))
    if not voivodeships:
        raise LookupError("The TERC register is empty: run manage.py import_terc first.")
    # The start of today: the data does not change within a day (the same seed, the same rows).
    now = timezone.make_aware(datetime.combine(timezone.localdate(), time(0)))
    today = timezone.localdate()
    first_day = today.replace(year=today.year - YEARS_BACK)
    maker = EventMaker(rng, writer, now=now)
    kinds = [EventKind.TRAINING, *PER_VOIVODESHIP_PER_YEAR]
    with given_timestamps():
        for number, code in enumerate(voivodeships):
            share = voivodeship_share(code)
            places = _places(code)
            projects = _projects(code)
            size = max(MIN_PARTICIPANTS_PER_VOIVODESHIP, round(PARTICIPANTS * scale * share))
            pool = maker.participants(code, size, places)
            per_year = {EventKind.TRAINING: TRAININGS_PER_YEAR * share}
            for kind, number in PER_VOIVODESHIP_PER_YEAR.items():
                per_year[kind] = number * VOIVODESHIPS * share
            # Every voivodeship has an upcoming training open for registration, whatever the scale.
            soon = today + timedelta(days=rng.randint(14, 28))
            maker.make(
                kind=EventKind.TRAINING,
                code=code,
                start_day=_weekday(soon),
                places=places,
                pool=pool,
                projects=projects,
                open_now=True,
            )
            # Every kind somewhere, whatever the scale: the n-th voivodeship makes sure of the n-th kind
            # (at a small scale the draws can give a kind no event in the whole country).
            ensured = kinds[number % len(kinds)]
            for kind, yearly in per_year.items():
                days = [
                    first_day + timedelta(days=365 * year + rng.randrange(365))
                    for year in range(YEARS_BACK + YEARS_AHEAD)
                    for _ in range(scaled(rng, yearly * scale))
                ]
                if not days and kind == ensured:
                    days = [first_day + timedelta(days=rng.randrange(365 * (YEARS_BACK + YEARS_AHEAD)))]
                for day in days:
                    maker.make(
                        kind=kind,
                        code=code,
                        start_day=_weekday(day),
                        places=places,
                        pool=pool,
                        projects=projects,
                    )
        writer.flush()
    # The programme's national targets, unless they are there already (they are not synthetic data).
    add_default_targets()


def _weekday(day):
    """The day, moved to the Monday after when it falls on a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def consistency_problems(events=None) -> list[str]:
    """What services.py would never leave behind, event by event: more confirmed than seats, a
    counter that differs from the confirmed registrations, gaps or repeats in the order of arrival,
    `next_sequence` not after the last number, someone waiting while a seat is free."""
    events = events if events is not None else synthetic_events()
    problems = []
    registrations = Registration.objects.unscoped(reason="consistency of every territory")
    for event in events.order_by("pk").iterator(chunk_size=2000):
        rows = registrations.filter(event_id=event.pk)
        sequences = sorted(rows.values_list("sequence", flat=True))
        confirmed = rows.filter(status=Registration.Status.CONFIRMED).count()
        waiting = rows.filter(status=Registration.Status.WAITLISTED).exists()
        if confirmed > event.seats:
            problems.append(f"{event.pk}: {confirmed} confirmed for {event.seats} seats")
        if event.confirmed_count != confirmed:
            problems.append(f"{event.pk}: confirmed_count {event.confirmed_count}, confirmed {confirmed}")
        if sequences != list(range(1, len(sequences) + 1)):
            problems.append(f"{event.pk}: the order of arrival has gaps or repeats")
        if event.next_sequence <= len(sequences):
            problems.append(f"{event.pk}: next_sequence {event.next_sequence} for {len(sequences)} arrivals")
        if waiting and confirmed < event.seats:
            problems.append(f"{event.pk}: people wait while {event.seats - confirmed} seats are free")
    return problems
