"""Benchmark operations of events and recruitment (lacznik.core.bench; issue #7 "Figures").

Pages are compared with a static file through the same stack (STATIC_FILE). The registration is a
guest's POST of the registration form through the whole stack, with a new e-mail address each time,
for an upcoming event of the generated data (lacznik.events.datagen makes one open in every
voivodeship): the service locks the event's row, checks the rules, numbers the registration and queues
the confirmation mail. The same request at a steady rate from many clients is
`manage.py loadtest_registration` (the "50 requests/s for 60 s" figure).
"""

import itertools
import uuid
from functools import cache

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from lacznik.core.bench import STATIC_FILE, BenchContext, operation

from .models import AskedField, Event, Registration

EVENT_LINK = rb'href="/wydarzenia/\d+/"'
# The bench's own national coordinator (not synthetic data: generate_national_data --replace keeps it).
BENCH_COORDINATOR = "bench.krajowy@lacznik.example"
_numbers = itertools.count(1)
# New addresses in every run, so that a run on a database kept from an earlier one registers anew.
_RUN = uuid.uuid4().hex[:10]


def _public_events():
    return Event.objects.unscoped(reason="the public events of every region").published()


@cache
def open_event_pk() -> int:
    """An upcoming published event that a guest can register for now, with a waiting list."""
    now = timezone.now()
    candidates = _public_events().filter(
        registration_opens_at__lte=now,
        registration_closes_at__gt=now,
        has_waiting_list=True,
        needs_approval=False,
        participants_from_territory_only=False,
    )
    event = candidates.order_by("teryt", "starts_at", "pk").first()
    if event is None:
        raise LookupError("No event open for registration: generate the events first.")
    return event.pk


def registration_form(event: Event, email: str) -> dict[str, str]:
    """What a guest types into the registration form of `event` (lacznik.events.registration_forms)."""
    asked = set(event.asked_fields)
    data = {
        "first_name": "Uczestniczka",
        "last_name": "Przykładowa-Obciążeniowa",
        "email": email,
        "target_group": event.eligible_groups[0],
        "declares_eligibility": "on",
        "consent": "on",
    }
    if AskedField.ORGANISATION in asked:
        data["organisation"] = "Urząd Gminy Przykładowej"
    if AskedField.POSITION in asked:
        data["position"] = "specjalistka"
    if AskedField.JST in asked:
        data["jst"] = f"{event.teryt[:2]}01011"
    if AskedField.PHONE in asked:
        data["phone"] = "+48 000 000 000"
    return data


@operation("events.calendar_page", reference=STATIC_FILE)
def calendar_page(ctx: BenchContext) -> int:
    """The public calendar, list view, first page of the upcoming events of every region."""
    return ctx.get(reverse("events:calendar"), rows=EVENT_LINK).rows


@operation("events.calendar_month", reference=STATIC_FILE)
def calendar_month(ctx: BenchContext) -> int:
    """The public calendar's month view of this month, every region."""
    return ctx.get(reverse("events:calendar"), rows=EVENT_LINK, widok="miesiac").rows


@operation("events.event_page", reference=STATIC_FILE)
def event_page(ctx: BenchContext) -> int:
    """An upcoming event's public page (territory, who may come, seats, the registration link)."""
    ctx.get(reverse("events:detail", args=[open_event_pk()]))
    return 1


@operation("events.register_post", reference=STATIC_FILE)
def register_post(ctx: BenchContext) -> int:
    """A guest's registration: the form POSTed through the whole stack with a new e-mail address,
    answered with the redirect to "check your e-mail" (the row lock, the rules, the queued mail)."""
    event = _public_events().get(pk=open_event_pk())
    email = f"bench.{_RUN}.{next(_numbers)}@syntetyczne.example"
    response = ctx.client.post(
        reverse("events:register", args=[event.pk]), registration_form(event, email), secure=ctx.secure
    )
    if response.status_code != 302:
        raise RuntimeError(f"the registration answered {response.status_code}, not the redirect")
    if not Registration.objects.unscoped(reason="the bench's own registration").filter(email=email).exists():
        raise RuntimeError("the registration was not stored")
    return 1


@cache
def _coordinator_client(host: str) -> Client:
    """A client signed in as the bench's national coordinator with the second factor confirmed."""
    from lacznik.accounts.models import User
    from lacznik.accounts.roles import Role
    from lacznik.accounts.services import assign_role

    user, created = User.objects.get_or_create(
        email=BENCH_COORDINATOR, defaults={"first_name": "Benchmark", "last_name": "Krajowy", "password": "!"}
    )
    if created or Role.NATIONAL_COORDINATOR not in user.roles:
        voivodeships = [f"{number:02d}" for number in range(2, 33, 2)]
        assign_role(user=user, role=Role.NATIONAL_COORDINATOR, prefixes=voivodeships, by=None)
    device, _created = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
    client = Client(HTTP_HOST=host, raise_request_exception=True)
    client.force_login(user)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


@operation("events.indicators_page", reference=STATIC_FILE)
def indicators_page(ctx: BenchContext) -> int:
    """The national coordinator's indicators for the whole country: unique persons by target group,
    event kind and project, and the programme's targets."""
    client = _coordinator_client(ctx.client.defaults["HTTP_HOST"])
    response = client.get(reverse("events:indicators"), secure=ctx.secure)
    if response.status_code != 200:
        raise RuntimeError(f"the indicators page answered {response.status_code}")
    return 1
