"""Personal data of registrations: the consent text, how long data is kept, and anonymisation.

Registrations of EU-funded (ESF+) events are project files kept for the audit: five years from the
end of the year (Reg. (EU) 2021/1060 art. 82; /work/shared/reference/security-and-reliability-tests.md
1.1 RODO). So a person who asks for erasure before then gets a restriction and the date their data
will be anonymised (RODO art. 17(3)(b), art. 18), not early erasure. After the retention period the
registration is anonymised, not deleted: its status, target group, JST, event, attendance and
certificate code stay, so the indicators keep counting it (anonymised counts).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Event, Registration, new_token, token_hash

# Registration data of an event is kept until the end of the RETENTION-th full calendar year after
# the year of the event, and anonymised from the first day of the year after that.
RETENTION = 5

# The voivodeship in the controller's name (Polish genitive: "województwa mazowieckiego").
VOIVODESHIP_GENITIVE = {
    "02": "dolnośląskiego",
    "04": "kujawsko-pomorskiego",
    "06": "lubelskiego",
    "08": "lubuskiego",
    "10": "łódzkiego",
    "12": "małopolskiego",
    "14": "mazowieckiego",
    "16": "opolskiego",
    "18": "podkarpackiego",
    "20": "podlaskiego",
    "22": "pomorskiego",
    "24": "śląskiego",
    "26": "świętokrzyskiego",
    "28": "warmińsko-mazurskiego",
    "30": "wielkopolskiego",
    "32": "zachodniopomorskiego",
}

# What anonymisation replaces; everything else (status, target group, jst, event, attendance,
# certificate, consent text) is kept for the counts and the audit.
PERSONAL_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "organisation",
    "position",
    "phone",
    "diet",
    "accessibility",
    "reason",
)


def controller(event: Event) -> str:
    """The data controller: the regional centre (ROPS) of the event's voivodeship, by the name the
    operator configured (settings.LACZNIK_EVENT_CONTROLLERS, voivodeship code → name) when given."""
    region = event.teryt[:2]
    named = getattr(settings, "LACZNIK_EVENT_CONTROLLERS", {}).get(region)
    if named:
        return named
    return "regionalny ośrodek polityki społecznej województwa " + VOIVODESHIP_GENITIVE.get(region, region)


def consent_text(event: Event) -> str:
    """The consent a person gives when registering; the service stores it with the registration."""
    return _(
        "I consent to the processing of my personal data given in this form by %(controller)s, the "
        "controller of the data and organiser of the event, for the recruitment for and participation in "
        "“%(title)s”, the attendance list, the certificate of participation and the settlement and audit "
        "of the project that pays for the event. The data are kept until %(until)s (the end of the fifth "
        "full year after the year of the event, as the rules of EU-funded projects require) and then "
        "anonymised. I may withdraw this consent at any time without affecting the processing before the "
        "withdrawal; I have the right to access my data, to have them corrected, to restrict their "
        "processing, to their erasure after the retention period, and to lodge a complaint with the "
        "President of the Personal Data Protection Office (PUODO). Giving the data is voluntary, but "
        "without it I cannot take part."
    ) % {"controller": controller(event), "title": event.title, "until": f"{retained_until(event):%d.%m.%Y}"}


def _event_year(event: Event) -> int:
    return timezone.localtime(event.ends_at).year


def retained_until(event: Event) -> date:
    """The last day the registration data of `event` is kept."""
    return date(_event_year(event) + RETENTION, 12, 31)


def anonymised_from(event: Event) -> date:
    """The day from which the registration data of `event` is anonymised."""
    return date(_event_year(event) + RETENTION + 1, 1, 1)


def past_retention(queryset, *, today: date | None = None):
    """The registrations of `queryset` whose retention has ended and that still hold personal data."""
    today = today or timezone.localdate()
    # An event held in year Y is kept until 31.12 of Y + RETENTION: past retention when it ended
    # before 1 January of (today's year - RETENTION).
    cutoff = timezone.make_aware(datetime(today.year - RETENTION, 1, 1))
    return queryset.filter(event__ends_at__lt=cutoff, anonymised_at__isnull=True)


def is_past_retention(registration: Registration, *, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return today >= anonymised_from(registration.event)


def placeholder_email(number: int) -> str:
    return f"anonim-{number}@usunieto.example"


@transaction.atomic
def anonymise(registration: Registration, *, as_person: int | None = None) -> Registration:
    """Replace the personal data of `registration` and of its history rows.

    `as_person` numbers the placeholder e-mail; registrations of one person anonymised together share
    it (see `anonymise_all`), so counts of unique persons stay as they were.
    """
    registration = (
        Registration.objects.unscoped(reason="anonymising one registration")
        .select_for_update()
        .get(pk=registration.pk)
    )
    if registration.anonymised_at:
        return registration
    person = registration.user_id
    replaced = {field: "" for field in PERSONAL_FIELDS}
    replaced.update(
        first_name="Anonim",
        last_name=str(as_person or registration.pk),
        email=placeholder_email(as_person or registration.pk),
        user=None,
    )
    for field, value in replaced.items():
        setattr(registration, field, value)
    registration.anonymised_at = timezone.now()
    # The person's links (confirm, cancel) stop working.
    registration.token_hash = token_hash(new_token())
    registration._change_reason = "events.registration.anonymised"
    registration.save(update_fields=[*replaced, "anonymised_at", "token_hash"])
    # The history must not keep what the record no longer does; nor name the person as the author of
    # the changes they made themselves (registering, cancelling).
    history = Registration.history.filter(id=registration.pk)
    history.update(**replaced)
    if person is not None:
        history.filter(history_user_id=person).update(history_user=None)
    return registration


def anonymise_all(registrations: Iterable[Registration]) -> int:
    """Anonymise `registrations`; those of one person (account or e-mail) share one placeholder."""
    by_person = defaultdict(list)
    for registration in registrations:
        if not registration.anonymised_at:
            by_person[registration.person_key].append(registration)
    done = 0
    for group in by_person.values():
        number = min(registration.pk for registration in group)
        for registration in group:
            anonymise(registration, as_person=number)
            done += 1
    return done


def purge(*, today: date | None = None) -> int:
    """Anonymise every registration past retention; running it again changes nothing."""
    due = past_retention(
        Registration.objects.unscoped(reason="retention applies to every region"), today=today
    ).select_related("event")
    return anonymise_all(list(due.order_by("pk")))


def record_erasure_request(registrations: Iterable[Registration], *, by) -> None:
    """Write the request for erasure into the history of each registration still under retention
    (a restriction until its anonymisation date)."""
    Registration.history.bulk_history_create(
        list(registrations),
        update=True,
        default_user=by,
        default_change_reason="events.registration.erasure_requested",
    )
