"""What a participant or visitor sees: the public calendar (list, month, iCal feed), an event's page,
registration, the mailed confirmation and cancellation links, "my events" and the request to erase
one's data (issue #7 points 2, 3 and 6).

Every state change goes through `services.py` (seats, the waiting list) or `privacy.py`
(anonymisation); a GET never changes anything (WEB-06): the mailed links show a button that POSTs.
"""

import calendar as month_calendar
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Max, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from lacznik.core.errors import WorkflowError
from lacznik.core.policy import PUBLIC, SIGNED_IN, Policy, Sample
from lacznik.core.security_log import log_event
from lacznik.territory.models import Unit

from . import privacy, services
from .calendar import event_ics
from .models import Certificate, Event, EventKind, Registration, TargetGroup
from .registration_forms import CalendarFilterForm, RegistrationForm
from .services import RegistrationError

PAGE_SIZE = 20
SESSION_REGISTERED = "events_registered"


def public_events():
    reason = "the public calendar shows the published events of every region"
    return Event.objects.unscoped(reason=reason).published()


def _start_of(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def calendar_events(form: CalendarFilterForm, *, now: datetime | None = None):
    """The published events the calendar's filters choose: in the list view the upcoming ones (or the
    chosen period), in the month view those that take place in the chosen month. The iCal feed uses
    the same function, so it holds exactly the events the page shows."""
    now = now or timezone.now()
    form.is_valid()
    data = form.cleaned_data
    events = public_events()
    if data.get("rodzaj"):
        events = events.filter(kind=data["rodzaj"])
    if data.get("woj"):
        events = events.in_scope([data["woj"]])
    if data.get("od"):
        events = events.filter(ends_at__gte=_start_of(data["od"]))
    if data.get("do"):
        events = events.filter(starts_at__lt=_start_of(data["do"] + timedelta(days=1)))
    if data.get("widok") == "miesiac":
        first = form.month(timezone.localdate(now))
        following = (first + timedelta(days=32)).replace(day=1)
        events = events.filter(starts_at__lt=_start_of(following), ends_at__gte=_start_of(first))
    elif not data.get("od") and not data.get("do"):
        events = events.filter(ends_at__gte=now)
    return events.order_by("starts_at", "pk")


def _month_grid(events, first) -> list[list[dict]]:
    """The weeks (Monday first) of the month of `first`, each day with the events held on it."""
    weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    by_day: dict = {}
    for event in events:
        day = timezone.localtime(event.starts_at).date()
        last = timezone.localtime(event.ends_at).date()
        while day <= last:
            by_day.setdefault(day, []).append(event)
            day += timedelta(days=1)
    today = timezone.localdate()
    return [
        [
            {
                "date": day,
                "in_month": day.month == first.month,
                "today": day == today,
                "events": by_day.get(day, []),
            }
            for day in week
        ]
        for week in weeks
    ]


def _query(request: HttpRequest, *drop: str, **changes: str) -> str:
    query = request.GET.copy()
    for name in ("page", *drop):
        query.pop(name, None)
    for name, value in changes.items():
        query[name] = value
    return query.urlencode()


@require_safe
def calendar(request: HttpRequest) -> HttpResponse:
    form = CalendarFilterForm(request.GET)
    events = calendar_events(form)
    context = {
        "form": form,
        "month_view": form.month_view,
        "kinds": EventKind.choices,
        "voivodeships": Unit.objects.current().voivodeships().alphabetical(),
        "ical_query": _query(request),
        "list_query": _query(request, "widok", "miesiac"),
    }
    if form.month_view:
        first = form.month(timezone.localdate())
        previous = (first - timedelta(days=1)).replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        context.update(
            month=first,
            weeks=_month_grid(events, first),
            event_count=events.count(),
            previous_query=_query(request, miesiac=f"{previous:%Y-%m}"),
            next_query=_query(request, miesiac=f"{following:%Y-%m}"),
        )
        return render(request, "events/calendar_month.html", context)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    context.update(page=page, month_query=_query(request, "miesiac", widok="miesiac"))
    return render(request, "events/calendar.html", context)


@require_safe
def ical(request: HttpRequest) -> HttpResponse:
    events = calendar_events(CalendarFilterForm(request.GET))
    response = HttpResponse(event_ics(events), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="wydarzenia.ics"'
    return response


def _territory_name(code: str) -> str:
    unit = Unit.objects.filter(code=code).select_related("parent__parent").first()
    if unit is None:
        return code
    names = [unit.display_name]
    while unit.parent is not None:
        unit = unit.parent
        names.append(unit.display_name)
    return ", ".join(names)


def _event_context(event: Event) -> dict:
    labels = dict(TargetGroup.choices)
    return {
        "event": event,
        "eligible": [labels[group] for group in event.eligible_groups if group in labels],
        "territory": _territory_name(event.teryt),
        "open": event.registration_open(),
        "not_yet_open": (
            event.status == Event.Status.PUBLISHED and timezone.now() < event.registration_opens_at
        ),
    }


def _visible_event(pk: int) -> Event:
    # A cancelled event keeps its page: the people registered get mails that link to it.
    events = Event.objects.unscoped(reason="published and cancelled events are public").filter(
        status__in=[Event.Status.PUBLISHED, Event.Status.CANCELLED]
    )
    return get_object_or_404(events, pk=pk)


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "events/detail.html", _event_context(_visible_event(pk)))


@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest, pk: int) -> HttpResponse:
    event = _visible_event(pk)
    user = request.user if request.user.is_authenticated else None
    form = RegistrationForm(request.POST or None, event=event, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            done = services.register(
                event=event,
                data=form.registration_data(),
                consent_text=privacy.consent_text(event),
                user=user,
            )
        except RegistrationError as error:
            form.add_error(None, str(error))
        else:
            request.session[SESSION_REGISTERED] = {"event": event.pk, "registration": done.registration.pk}
            return redirect("events:registered", pk=event.pk)
    context = {**_event_context(event), "form": form, "consent_text": privacy.consent_text(event)}
    return render(request, "events/register.html", context)


@require_safe
def registered(request: HttpRequest, pk: int) -> HttpResponse:
    """What happens next, after a registration this browser just made (nothing to show otherwise)."""
    event = _visible_event(pk)
    remembered = request.session.get(SESSION_REGISTERED) or {}
    if remembered.get("event") != event.pk:
        return redirect(event.get_absolute_url())
    registration = (
        Registration.objects.unscoped(reason="the registration this browser just made")
        .filter(pk=remembered.get("registration"), event=event)
        .first()
    )
    if registration is None:
        return redirect(event.get_absolute_url())
    return render(request, "events/register_done.html", {"event": event, "registration": registration})


def _invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "events/confirm_invalid.html", status=404)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    registration = services.registration_for_token(token)
    if registration is None:
        return _invalid_link(request)
    error = ""
    if request.method == "POST":
        try:
            registration = services.confirm_email(token=token)
        except RegistrationError as refused:
            error = str(refused)
    context = {"registration": registration, "event": registration.event, "error": error, "token": token}
    return render(request, "events/confirm.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = services.registration_for_token(token)
    if registration is None:
        return _invalid_link(request)
    error = ""
    cancelled_now = False
    if request.method == "POST":
        if registration.status in Registration.ACTIVE:
            try:
                by = request.user if request.user.is_authenticated else None
                services.cancel(registration=registration, by=by)
            except (RegistrationError, WorkflowError) as refused:
                error = str(refused)
            else:
                cancelled_now = True
            registration.refresh_from_db()
        else:
            error = _("This registration is no longer active; there is nothing to cancel.")
    context = {
        "registration": registration,
        "event": registration.event,
        "active": registration.status in Registration.ACTIVE,
        "cancelled_now": cancelled_now,
        "error": error,
        "token": token,
    }
    return render(request, "events/cancel.html", context)


def own_registrations(user):
    """The registrations of `user`: made while signed in, or with the account's e-mail address."""
    return (
        Registration.objects.unscoped(reason="a person's own registrations in every region")
        .filter(Q(user=user) | Q(email__iexact=user.email))
        .select_related("event", "certificate")
    )


def _certificate_url(registration: Registration) -> str:
    try:
        certificate = registration.certificate
    except Certificate.DoesNotExist:
        return ""
    try:
        return reverse("events:certificate_pdf", args=[certificate.pk])
    except NoReverseMatch:
        return ""


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def my_events(request: HttpRequest) -> HttpResponse:
    own = own_registrations(request.user)
    if request.method == "POST":
        number = request.POST.get("cancel", "")
        if not number.isdigit():
            messages.error(request, _("Choose the registration to cancel."))
            return redirect("events:my_events")
        registration = own.filter(pk=int(number)).first()
        if registration is None:
            raise Http404
        if registration.status not in Registration.ACTIVE:
            messages.error(request, _("This registration is no longer active; there is nothing to cancel."))
        else:
            try:
                services.cancel(registration=registration, by=request.user)
            except (RegistrationError, WorkflowError) as refused:
                messages.error(request, str(refused))
            else:
                text = _("Your registration for “%(title)s” is cancelled.")
                messages.success(request, text % {"title": registration.event.title})
        return redirect("events:my_events")
    registrations = list(own.order_by("-event__starts_at", "-pk"))
    for registration in registrations:
        registration.certificate_url = _certificate_url(registration)
        registration.is_active = registration.status in Registration.ACTIVE
    return render(request, "events/my_events.html", {"registrations": registrations})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def erase_my_data(request: HttpRequest) -> HttpResponse:
    own = list(
        own_registrations(request.user).filter(anonymised_at__isnull=True).order_by("event__starts_at", "pk")
    )
    due = [registration for registration in own if privacy.is_past_retention(registration)]
    kept = [registration for registration in own if not privacy.is_past_retention(registration)]
    if request.method == "POST":
        anonymised = privacy.anonymise_all(due)
        privacy.record_erasure_request(kept, by=request.user)
        log_event(
            "personal_data_erasure_request",
            outcome="success",
            request=request,
            anonymised=anonymised,
            restricted=len(kept),
        )
        if anonymised:
            messages.success(
                request,
                ngettext(
                    "%(count)s registration past its retention period was anonymised.",
                    "%(count)s registrations past their retention period were anonymised.",
                    anonymised,
                )
                % {"count": anonymised},
            )
        if kept:
            messages.info(
                request,
                _(
                    "Your request is recorded. The registrations below are kept until the end of their "
                    "retention period, used only for the audit of the project, and anonymised on the date "
                    "shown."
                ),
            )
        if not anonymised and not kept:
            messages.info(request, _("We keep no registration data of yours."))
        return redirect("events:erase_my_data")
    for registration in kept:
        registration.anonymised_from = privacy.anonymised_from(registration.event)
    requested = (
        Registration.history.filter(
            id__in=[registration.pk for registration in kept],
            history_change_reason="events.registration.erasure_requested",
        ).aggregate(last=Max("history_date"))["last"]
        if kept
        else None
    )
    context = {"due": due, "kept": kept, "requested": requested, "retention": privacy.RETENTION}
    return render(request, "events/erase_my_data.html", context)


urlpatterns = [
    path("", calendar, name="calendar"),
    path("kalendarz.ics", ical, name="ical"),
    path("<int:pk>/", detail, name="detail"),
    path("<int:pk>/zapisy/", register, name="register"),
    path("<int:pk>/zapisy/gotowe/", registered, name="registered"),
    path("potwierdzenie/<str:token>/", confirm_email, name="confirm_email"),
    path("rezygnacja/<str:token>/", cancel, name="cancel"),
    path("moje/", my_events, name="my_events"),
    path("moje/usuniecie-danych/", erase_my_data, name="erase_my_data"),
]


# --- samples for the permission matrix (only tests/harness calls them) --------------------------


def event_sample(code: str) -> Sample:
    """A published event for the territory `code` whose registration is open."""
    now = timezone.now()
    event = Event.objects.create(
        teryt=code,
        kind=EventKind.TRAINING,
        title=f"Szkolenie próbne {code}",
        starts_at=now + timedelta(days=30),
        ends_at=now + timedelta(days=30, hours=6),
        venue="ul. Próbna 1, 00-001 Warszawa",
        seats=10,
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(days=29),
        eligible_groups=list(TargetGroup.values),
        status=Event.Status.PUBLISHED,
    )
    return Sample(kwargs={"pk": event.pk}, marker=event.title)


def token_sample(code: str) -> Sample:
    """A guest's registration for an event in `code`, named by the token of the mailed links."""
    event = Event.objects.unscoped(reason="a sample of the matrix").get(pk=event_sample(code).kwargs["pk"])
    done = services.register(
        event=event,
        data={
            "email": f"probny.{code}@przyklad.example",
            "first_name": "Uczestnik",
            "last_name": f"Próbny {code}",
            "target_group": TargetGroup.JST_STAFF,
        },
        consent_text=privacy.consent_text(event),
    )
    return Sample(kwargs={"token": done.token}, marker=event.title)


POLICIES: dict[str, Policy] = {
    # The calendar and the events' pages are public, like the feed built from the same filters.
    "events:calendar": Policy(read=PUBLIC, rows=event_sample),
    "events:ical": Policy(read=PUBLIC, rows=event_sample),
    "events:detail": Policy(read=PUBLIC, object=event_sample),
    # Anyone may register (guests confirm their e-mail address); the page after it shows only what
    # this browser's session just did.
    "events:register": Policy(read=PUBLIC, change=PUBLIC, methods=("POST",), object=event_sample),
    "events:registered": Policy(read=PUBLIC, object=event_sample),
    # The mailed links: the secret token is the authority, whoever is signed in; GET only shows a button.
    "events:confirm_email": Policy(read=PUBLIC, change=PUBLIC, methods=("POST",), object=token_sample),
    "events:cancel": Policy(read=PUBLIC, change=PUBLIC, methods=("POST",), object=token_sample),
    # A person's own registrations, whatever their role: shown and cancelled by account or e-mail.
    "events:my_events": Policy(read=SIGNED_IN, change=SIGNED_IN, methods=("POST",)),
    "events:erase_my_data": Policy(read=SIGNED_IN, change=SIGNED_IN, methods=("POST",)),
}
