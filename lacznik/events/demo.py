"""Demo events for `make run`: a few fictional events in Mazowieckie (14) and Warmińsko-Mazurskie (28).

Upcoming events take registrations now: one nearly full, one that needs the coordinator's approval, one
online. Past ones show attendance and certificates of the demo accounts. The programme's national
targets are added for the indicators. Everything goes through the recruitment services, as if people
had registered on the site; events are found by their title, so running it again adds nothing. Dates
are relative to the day of the first run. Needs the demo accounts (lacznik.accounts.demo) first.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TextIO

from django.utils import timezone

from lacznik.accounts.models import User

from . import documents, services
from .indicators import add_default_targets
from .models import AskedField, Event, EventKind, Registration, TargetGroup
from .privacy import consent_text

G = TargetGroup

# The demo accounts who take part, with the group each declares.
PARTICIPANTS = {
    "koordynator.mazowsze@lacznik.example": G.ROPS_STAFF,
    "rzecznik.warszawa@lacznik.example": G.ADVOCATES,
    "owes.mazowsze@lacznik.example": G.OWES_STAFF,
    "pes.mazowsze@lacznik.example": G.PES_STAFF,
    "rkres.mazowsze@lacznik.example": G.COMMITTEE_MEMBERS,
    "koordynator.warmia@lacznik.example": G.ROPS_STAFF,
    "rzecznik.olsztyn@lacznik.example": G.ADVOCATES,
    "owes.warmia@lacznik.example": G.OWES_STAFF,
    "pes.warmia@lacznik.example": G.PES_STAFF,
    "rkres.warmia@lacznik.example": G.COMMITTEE_MEMBERS,
}


@dataclass
class DemoEvent:
    title: str
    kind: str
    teryt: str
    organiser: str  # the demo coordinator who creates it
    starts_in_days: int  # negative: in the past
    seats: int
    groups: list[str]
    venue: str = ""
    online_link: str = ""
    days: int = 1
    hours: int = 6
    needs_approval: bool = False
    asked: list[str] = field(default_factory=lambda: [AskedField.ORGANISATION])
    project: str = "Projekt demonstracyjny „Ekonomia społeczna w regionie” (demo)"
    description: str = ""
    # Who registers: demo accounts (placed at once) and how many guests who confirm their e-mail.
    accounts: list[str] = field(default_factory=list)
    guests: int = 0
    # Guests who register but have not confirmed their e-mail address yet.
    unconfirmed_guests: int = 0


MAZOWSZE = "koordynator.mazowsze@lacznik.example"
WARMIA = "koordynator.warmia@lacznik.example"
EVENTS = [
    DemoEvent(
        title="Szkolenie: klauzule społeczne w zamówieniach gminy (demo)",
        kind=EventKind.TRAINING,
        teryt="14",
        organiser=MAZOWSZE,
        starts_in_days=21,
        seats=12,
        groups=[G.JST_STAFF, G.ADVOCATES],
        venue="ul. Przykładowa 10, 00-001 Warszawa",
        asked=[AskedField.ORGANISATION, AskedField.POSITION],
        description="Jak zapisać klauzule społeczne w zamówieniu gminy i kto może je spełnić. Prawie pełne.",
        guests=11,
    ),
    DemoEvent(
        title="Wizyta studyjna w spółdzielniach socjalnych Mazowsza (demo)",
        kind=EventKind.STUDY_VISIT,
        teryt="14",
        organiser=MAZOWSZE,
        starts_in_days=35,
        days=2,
        hours=8,
        seats=15,
        groups=[G.JST_STAFF, G.PES_STAFF, G.OWES_STAFF],
        venue="ul. Przykładowa 2, 05-800 Pruszków",
        needs_approval=True,
        asked=[AskedField.ORGANISATION, AskedField.PHONE, AskedField.DIET],
        description="Dwa dni w spółdzielniach socjalnych; zgłoszenia zatwierdza koordynator regionalny.",
        accounts=["pes.mazowsze@lacznik.example"],
        guests=3,
    ),
    DemoEvent(
        title="Seminarium online: ekonomia społeczna w strategii gminy (demo)",
        kind=EventKind.SEMINAR,
        teryt="1465",
        organiser=MAZOWSZE,
        starts_in_days=10,
        hours=3,
        seats=100,
        groups=list(G.values),
        online_link="https://spotkanie.lacznik-demo.example/seminarium",
        description="Seminarium w internecie dla gmin powiatu warszawskiego i ich partnerów.",
        accounts=["rzecznik.warszawa@lacznik.example"],
        guests=4,
        unconfirmed_guests=2,
    ),
    DemoEvent(
        title="Konferencja „Mazowieckie Dni Ekonomii Społecznej” (demo)",
        kind=EventKind.CONFERENCE,
        teryt="14",
        organiser=MAZOWSZE,
        starts_in_days=-60,
        seats=150,
        groups=list(G.values),
        venue="ul. Przykładowa 1, 00-001 Warszawa",
        asked=[AskedField.ORGANISATION, AskedField.DIET],
        description="Doroczna konferencja regionu: dobre praktyki PES, JST i OWES.",
        accounts=[
            "koordynator.mazowsze@lacznik.example",
            "rzecznik.warszawa@lacznik.example",
            "owes.mazowsze@lacznik.example",
            "pes.mazowsze@lacznik.example",
            "rkres.mazowsze@lacznik.example",
        ],
    ),
    DemoEvent(
        title="Spotkanie sieciujące Regionalnej Platformy Współpracy CIS, KIS, ZAZ i WTZ (demo)",
        kind=EventKind.NETWORKING_MEETING,
        teryt="28",
        organiser=WARMIA,
        starts_in_days=14,
        hours=4,
        seats=30,
        groups=[G.PES_STAFF, G.OWES_STAFF, G.JST_STAFF],
        venue="ul. Przykładowa 5, 10-001 Olsztyn",
        description="Spotkanie CIS, KIS, ZAZ i WTZ regionu z OWES: współpraca i wspólne zamówienia.",
        accounts=["pes.warmia@lacznik.example"],
        guests=6,
    ),
    DemoEvent(
        title="Warmińsko-Mazurskie Dni Ekonomii Społecznej (demo)",
        kind=EventKind.CONFERENCE,
        teryt="28",
        organiser=WARMIA,
        starts_in_days=-90,
        days=2,
        seats=120,
        groups=list(G.values),
        venue="ul. Przykładowa 3, 10-001 Olsztyn",
        description="Dwudniowe Dni Ekonomii Społecznej z targami produktów PES.",
        accounts=[
            "koordynator.warmia@lacznik.example",
            "rzecznik.olsztyn@lacznik.example",
            "owes.warmia@lacznik.example",
            "pes.warmia@lacznik.example",
            "rkres.warmia@lacznik.example",
        ],
    ),
    DemoEvent(
        title="Szkolenie dla pracowników JST: zlecanie zadań podmiotom ekonomii społecznej (demo)",
        kind=EventKind.TRAINING,
        teryt="2862",
        organiser=WARMIA,
        starts_in_days=-30,
        seats=20,
        groups=[G.JST_STAFF, G.ADVOCATES],
        venue="ul. Przykładowa 8, 10-001 Olsztyn",
        asked=[AskedField.ORGANISATION, AskedField.POSITION],
        description="Zlecanie zadań publicznych i partnerstwo gminy z PES w praktyce.",
        accounts=["rzecznik.olsztyn@lacznik.example"],
    ),
]


def _create(spec: DemoEvent, organiser: User | None, today_start: datetime) -> Event:
    starts_at = today_start + timedelta(days=spec.starts_in_days, hours=10)
    past = spec.starts_in_days < 0
    event = Event(
        teryt=spec.teryt,
        kind=spec.kind,
        title=spec.title,
        description=f"Wydarzenie fikcyjne, do pokazu platformy. {spec.description}",
        agenda="10:00 Powitanie\n10:15 Część merytoryczna\n12:30 Przerwa\n13:00 Dyskusja\n15:00 Zakończenie",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(days=spec.days - 1, hours=spec.hours),
        is_online=bool(spec.online_link),
        venue=spec.venue,
        online_link=spec.online_link,
        project=spec.project,
        seats=spec.seats,
        needs_approval=spec.needs_approval,
        registration_opens_at=starts_at - timedelta(days=45),
        registration_closes_at=starts_at - timedelta(days=1) if past else starts_at - timedelta(hours=2),
        eligible_groups=spec.groups,
        asked_fields=spec.asked,
        status=Event.Status.PUBLISHED,
        created_by=organiser,
    )
    event.full_clean()
    event._history_user = organiser
    event.save()
    return event


def _data(spec: DemoEvent, email: str, first_name: str, last_name: str, group: str) -> dict:
    answers = {
        AskedField.ORGANISATION: ("organisation", "Organizacja demonstracyjna"),
        AskedField.POSITION: ("position", "specjalista"),
        AskedField.PHONE: ("phone", "+48 000 000 000"),
        AskedField.DIET: ("diet", ""),
    }
    data = {"email": email, "first_name": first_name, "last_name": last_name, "target_group": group}
    data.update(dict(answers[asked] for asked in spec.asked if asked in answers))
    return data


def _register(spec: DemoEvent, event: Event, organiser: User | None) -> None:
    consent = consent_text(event)
    # A past event took its registrations while it was open.
    when = event.registration_opens_at + timedelta(days=1) if spec.starts_in_days < 0 else None
    for email in spec.accounts:
        user = User.objects.filter(email=email).first()
        group = PARTICIPANTS[email]
        if user is None or group not in event.eligible_groups:
            continue
        data = _data(spec, user.email, user.first_name, user.last_name, group)
        services.register(event=event, data=data, consent_text=consent, user=user, now=when)
    group = next(g for g in (G.JST_STAFF, G.PES_STAFF, G.PUBLIC) if g in event.eligible_groups)
    for number in range(1, spec.guests + spec.unconfirmed_guests + 1):
        female = number % 2
        data = _data(
            spec,
            f"uczestnik{event.pk}.{number}@uczestnicy-demo.example",
            "Anna" if female else "Jan",
            f"{'Przykładowa' if female else 'Przykładowy'}-Demo {number}",
            group,
        )
        done = services.register(event=event, data=data, consent_text=consent)
        if number <= spec.guests:
            services.confirm_email(token=done.token)


def _attendance_and_certificates(event: Event, organiser: User | None) -> int:
    """Everyone confirmed came every day; each gets a certificate."""
    confirmed = Registration.objects.unscoped(reason="demo data").filter(
        event=event, status=Registration.Status.CONFIRMED
    )
    present = {(pk, day) for pk in confirmed.values_list("pk", flat=True) for day in event.days}
    documents.record_attendance(event=event, days=event.days, present=present, by=organiser)
    return len(documents.issue_certificates(event=event, by=organiser))


def seed(*, stdout: TextIO) -> None:
    today_start = timezone.make_aware(datetime.combine(timezone.localdate(), time(0)))
    made = certificates = 0
    for spec in EVENTS:
        if Event.objects.unscoped(reason="demo data").filter(title=spec.title).exists():
            continue
        organiser = User.objects.filter(email=spec.organiser).first()
        event = _create(spec, organiser, today_start)
        _register(spec, event, organiser)
        if spec.starts_in_days < 0:
            certificates += _attendance_and_certificates(event, organiser)
        made += 1
    targets = add_default_targets(by=None)
    stdout.write(
        f"Wydarzenia demonstracyjne: dodano {made} (zaświadczeń: {certificates}); "
        f"cele programu: dodano {len(targets)}.\n"
    )
