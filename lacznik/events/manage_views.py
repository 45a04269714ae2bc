"""Running events: the regional coordinator (in the own voivodeship) and the national coordinator
(everywhere) create and edit events, publish and cancel them, decide on registrations, record
attendance, print the sign-in sheet and issue certificates; anyone checks a certificate's code.

Thin views: the recruitment rules and the seats are services.py's, the documents documents.py's. The
role is checked before the object is looked up (wrong role 403), the territory by the lookup (404).
"""

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lacznik.accounts.roles import Role
from lacznik.core.errors import WorkflowError
from lacznik.core.policy import NOBODY, PUBLIC, SAFE_METHODS, Policy, Sample, roles
from lacznik.core.scope import code_in_scope

from . import documents, services
from .forms import EventForm, RejectForm, VerifyForm, normalise_code
from .models import AskedField, Certificate, Event, EventKind, Registration, TargetGroup

PERMISSION = "events.manage_events"
MANAGERS = (Role.REGIONAL_COORDINATOR, Role.NATIONAL_COORDINATOR)
PAGE_SIZE = 25
REGISTRATIONS_PAGE_SIZE = 100

# Fields whose change is an edit of the event (never the counters, which services.py keeps).
EDITABLE = EventForm.Meta.fields


def manager_prefixes(user) -> frozenset[str]:
    """Where the user runs events: the scope of the coordinator roles only (not of other roles held)."""
    return user.prefixes_for(*MANAGERS)


def _event_or_404(request: HttpRequest, pk: int) -> Event:
    # One 404 for "missing" and "outside your territory" (as core.scope.get_in_scope_or_404).
    return get_object_or_404(Event.objects.in_scope(manager_prefixes(request.user)), pk=pk)


def _registration_or_404(request: HttpRequest, event: Event, registration_pk: int) -> Registration:
    return get_object_or_404(
        Registration.objects.in_scope(manager_prefixes(request.user)).select_related("event"),
        pk=registration_pk,
        event=event,
    )


def _counts(queryset):
    status = Registration.Status
    return queryset.annotate(
        n_confirmed=Count("registrations", filter=Q(registrations__status=status.CONFIRMED)),
        n_waitlisted=Count("registrations", filter=Q(registrations__status=status.WAITLISTED)),
        n_pending=Count(
            "registrations",
            filter=Q(registrations__status__in=[status.AWAITING_APPROVAL, status.PENDING_EMAIL]),
        ),
        n_awaiting=Count("registrations", filter=Q(registrations__status=status.AWAITING_APPROVAL)),
    )


def _today() -> date:
    return timezone.localdate()


# --- events ---------------------------------------------------------------------------------------

WHEN = {"nadchodzace", "minione"}


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_safe
def manage_list(request: HttpRequest) -> HttpResponse:
    events = Event.objects.in_scope(manager_prefixes(request.user))
    status = request.GET.get("status", "")
    if status in Event.Status.values:
        events = events.filter(status=status)
    kind = request.GET.get("rodzaj", "")
    if kind in EventKind.values:
        events = events.filter(kind=kind)
    moment = request.GET.get("kiedy", "")
    now = timezone.now()
    if moment == "nadchodzace":
        events = events.filter(ends_at__gte=now).order_by("starts_at", "pk")
    elif moment == "minione":
        events = events.filter(ends_at__lt=now).order_by("-starts_at", "-pk")
    else:
        events = events.order_by("-starts_at", "-pk")
    page = Paginator(_counts(events), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/manage_list.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "moment": moment if moment in WHEN else "",
            "statuses": Event.Status.choices,
            "kinds": EventKind.choices,
        },
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def manage_create(request: HttpRequest) -> HttpResponse:
    prefixes = manager_prefixes(request.user)
    initial = {"teryt": min(prefixes, key=len) if prefixes else "", "has_waiting_list": True}
    form = EventForm(request.POST or None, prefixes=prefixes, initial=initial)
    if request.method == "POST" and form.is_valid():
        event = form.save(commit=False)
        event.created_by = request.user
        event._history_user = request.user
        event._change_reason = "events.event.created"
        event.save()
        messages.success(request, _("The event was saved as a draft. Publish it to open the registration."))
        return redirect("events:manage_detail", pk=event.pk)
    return render(request, "events/manage_form.html", {"form": form, "event": None})


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_safe
def manage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    counted = _counts(Event.objects.in_scope([event.teryt]).filter(pk=event.pk)).get()
    return render(
        request,
        "events/manage_detail.html",
        {
            "event": event,
            "counted": counted,
            "may_publish": Event.Status.PUBLISHED in Event.TRANSITIONS[event.status],
            "may_cancel": Event.Status.CANCELLED in Event.TRANSITIONS[event.status],
            "eligible": [TargetGroup(group).label for group in event.eligible_groups if group in TargetGroup.values],
            "asked": [AskedField(field).label for field in event.asked_fields if field in AskedField.values],
            "history": event.history.select_related("history_user").order_by("-history_date")[:10],
        },
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def manage_edit(request: HttpRequest, pk: int) -> HttpResponse:
    prefixes = manager_prefixes(request.user)
    event = _event_or_404(request, pk)
    if event.status == Event.Status.CANCELLED:
        messages.error(request, _("A cancelled event cannot be changed."))
        return redirect("events:manage_detail", pk=event.pk)
    if request.method != "POST":
        form = EventForm(instance=event, prefixes=prefixes)
        return render(request, "events/manage_form.html", {"form": form, "event": event})
    with transaction.atomic():
        # Under the event's lock, so that the seats are checked against the confirmed count of this
        # moment, and saved without the counters (registrations change them meanwhile).
        locked = Event.objects.in_scope(prefixes).select_for_update().get(pk=event.pk)
        old_teryt = locked.teryt
        form = EventForm(request.POST, instance=locked, prefixes=prefixes)
        if form.is_valid():
            saved = form.save(commit=False)
            saved._history_user = request.user
            saved._change_reason = "events.event.changed"
            saved.save(update_fields=EDITABLE)
            if saved.teryt != old_teryt:
                # Registrations carry the event's territory, for the scope of who sees them.
                Registration.objects.unscoped(reason="the registrations of an event being moved").filter(
                    event=saved
                ).update(teryt=saved.teryt)
    if not form.is_valid():
        return render(request, "events/manage_form.html", {"form": form, "event": event})
    promoted = services.fill_from_waiting_list(event=saved)
    messages.success(request, _("The changes were saved."))
    if promoted:
        messages.info(
            request,
            ngettext(
                "%(count)d person moved from the waiting list to a free seat and was told by e-mail.",
                "%(count)d people moved from the waiting list to free seats and were told by e-mail.",
                len(promoted),
            )
            % {"count": len(promoted)},
        )
    return redirect("events:manage_detail", pk=saved.pk)


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def manage_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish or cancel an event (the workflow table of Event decides what is allowed)."""
    event = _event_or_404(request, pk)
    status = request.POST.get("status", "")
    if status not in (Event.Status.PUBLISHED, Event.Status.CANCELLED):
        messages.error(request, _("Choose what to do with the event."))
    elif status == Event.Status.CANCELLED and not request.POST.get("confirm"):
        messages.error(request, _("Tick the confirmation to cancel the event."))
    else:
        try:
            if status == Event.Status.CANCELLED:
                services.cancel_event(event=event, by=request.user)
            else:
                event.move_to(status, by=request.user)
        except WorkflowError as error:
            messages.error(request, str(error))
        else:
            if status == Event.Status.PUBLISHED:
                messages.success(request, _("The event was published."))
            else:
                messages.success(request, _("The event was cancelled."))
    return redirect("events:manage_detail", pk=event.pk)


# --- registrations --------------------------------------------------------------------------------

# What the table shows of a registration's answers, beyond name, e-mail, group and organisation.
ANSWERS = [AskedField.POSITION, AskedField.JST, AskedField.PHONE, AskedField.DIET, AskedField.ACCESSIBILITY]


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_safe
def manage_registrations(request: HttpRequest, pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    registrations = Registration.objects.in_scope([event.teryt]).filter(event=event).order_by("sequence", "pk")
    status = request.GET.get("status", "")
    if status in Registration.Status.values:
        registrations = registrations.filter(status=status)
    page = Paginator(registrations, REGISTRATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    answers = [field for field in ANSWERS if field in event.asked_fields]
    rows = [
        {"registration": registration, "answers": [getattr(registration, field) for field in answers]}
        for registration in page
    ]
    return render(
        request,
        "events/manage_registrations.html",
        {
            "event": event,
            "page": page,
            "rows": rows,
            "answer_labels": [AskedField(field).label for field in answers],
            "status": status,
            "statuses": Registration.Status.choices,
            "asks_organisation": AskedField.ORGANISATION in event.asked_fields,
            "may_reject": {Registration.Status.AWAITING_APPROVAL, Registration.Status.WAITLISTED},
            "active": set(Registration.ACTIVE),
        },
    )


def _back_to_registrations(event: Event, request: HttpRequest) -> HttpResponse:
    url = reverse("events:manage_registrations", args=[event.pk])
    status = request.POST.get("status_filter", "")
    return redirect(f"{url}?status={status}" if status in Registration.Status.values else url)


def _name(registration: Registration) -> str:
    return f"{registration.first_name} {registration.last_name}"


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_POST
def manage_approve(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    registration = _registration_or_404(request, event, registration_pk)
    try:
        registration = services.approve(registration=registration, by=request.user)
    except (services.RegistrationError, WorkflowError) as error:
        messages.error(request, str(error))
    else:
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(request, _("%(name)s was approved and has a seat.") % {"name": _name(registration)})
        else:
            messages.success(
                request,
                _("%(name)s was approved; all seats are taken, so they wait on the waiting list.")
                % {"name": _name(registration)},
            )
    return _back_to_registrations(event, request)


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def manage_reject(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    registration = _registration_or_404(request, event, registration_pk)
    form = RejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reject(registration=registration, reason=form.cleaned_data["reason"], by=request.user)
        except (services.RegistrationError, WorkflowError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("The registration of %(name)s was rejected; the reason was sent by e-mail.")
                % {"name": _name(registration)},
            )
            return redirect("events:manage_registrations", pk=event.pk)
    return render(
        request, "events/manage_reject.html", {"event": event, "registration": registration, "form": form}
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def manage_cancel_registration(request: HttpRequest, pk: int, registration_pk: int) -> HttpResponse:
    event = _event_or_404(request, pk)
    registration = _registration_or_404(request, event, registration_pk)
    if request.method == "POST":
        try:
            promoted = services.cancel(registration=registration, by=request.user)
        except (services.RegistrationError, WorkflowError) as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, _("The registration of %(name)s was cancelled.") % {"name": _name(registration)}
            )
            if promoted is not None:
                messages.info(
                    request,
                    _("%(name)s moved from the waiting list to the freed seat and was told by e-mail.")
                    % {"name": _name(promoted)},
                )
        return redirect("events:manage_registrations", pk=event.pk)
    return render(
        request, "events/manage_cancel_registration.html", {"event": event, "registration": registration}
    )


# --- attendance and the sign-in sheet -------------------------------------------------------------


def _day_or_404(event: Event, day: str) -> date:
    try:
        value = date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    if value not in event.days:
        raise Http404
    return value


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Who was present on which day: confirmed participants × the days of the event. Days still to
    come cannot be marked."""
    event = _event_or_404(request, pk)
    days = event.days
    open_days = [day for day in days if day <= _today()]
    people = list(documents.participants(event))
    if request.method == "POST":
        if event.status != Event.Status.PUBLISHED:
            messages.error(request, _("Attendance is recorded for published events only."))
        else:
            known = {registration.pk for registration in people}
            present = set()
            for value in request.POST.getlist("obecnosc"):
                registration_pk, _sep, day = value.partition(":")
                try:
                    mark = (int(registration_pk), date.fromisoformat(day))
                except ValueError:
                    continue
                if mark[0] in known and mark[1] in open_days:
                    present.add(mark)
            written = documents.record_attendance(event=event, days=open_days, present=present, by=request.user)
            messages.success(
                request,
                ngettext(
                    "Attendance saved (%(count)d change).", "Attendance saved (%(count)d changes).", written
                )
                % {"count": written},
            )
        return redirect("events:attendance", pk=event.pk)
    marks = documents.attendance_marks(event)
    grid = [
        {
            "registration": registration,
            "cells": [
                {"day": day, "value": f"{registration.pk}:{day.isoformat()}", "present": (registration.pk, day) in marks,
                 "open": day in open_days}
                for day in days
            ],
        }
        for registration in people
    ]
    return render(
        request,
        "events/attendance.html",
        {"event": event, "days": days, "grid": grid, "any_open": bool(open_days)},
    )


def _download(content: bytes, content_type: str, filename: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_safe
def sign_in_sheet_pdf(request: HttpRequest, pk: int, day: str) -> HttpResponse:
    event = _event_or_404(request, pk)
    value = _day_or_404(event, day)
    return _download(
        documents.sign_in_sheet_pdf(event, value), "application/pdf", f"lista-obecnosci-{event.pk}-{value}.pdf"
    )


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_safe
def sign_in_sheet_xlsx(request: HttpRequest, pk: int, day: str) -> HttpResponse:
    event = _event_or_404(request, pk)
    value = _day_or_404(event, day)
    return _download(
        documents.sign_in_sheet_xlsx(event, value),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"lista-obecnosci-{event.pk}-{value}.xlsx",
    )


# --- certificates ---------------------------------------------------------------------------------


@login_required
@permission_required(PERMISSION, raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def certificates(request: HttpRequest, pk: int) -> HttpResponse:
    """Certificates of an event: everyone present on at least one day gets one (issuing again adds
    only those who have none yet)."""
    event = _event_or_404(request, pk)
    if request.method == "POST":
        if event.status != Event.Status.PUBLISHED:
            messages.error(request, _("Certificates are issued for published events only."))
        else:
            issued = documents.issue_certificates(event=event, by=request.user)
            if issued:
                messages.success(
                    request,
                    ngettext(
                        "%(count)d certificate was issued.", "%(count)d certificates were issued.", len(issued)
                    )
                    % {"count": len(issued)},
                )
            else:
                messages.info(request, _("No new certificates: everyone present already has one."))
        return redirect("events:certificates", pk=event.pk)
    attendees = list(documents.attendees(event).select_related("certificate"))
    marks = documents.attendance_marks(event)
    rows = [
        {
            "registration": registration,
            "certificate": getattr(registration, "certificate", None),
            "days": sorted(day for registration_pk, day in marks if registration_pk == registration.pk),
        }
        for registration in attendees
    ]
    return render(
        request,
        "events/certificate_list.html",
        {"event": event, "rows": rows, "missing": sum(1 for row in rows if row["certificate"] is None)},
    )


def _may_download(user, certificate: Certificate) -> bool:
    registration = certificate.registration
    if registration.user_id is not None and registration.user_id == user.pk:
        return True
    if user.email and registration.email and user.email.strip().lower() == registration.email.strip().lower():
        return True
    return user.has_perm(PERMISSION) and code_in_scope(registration.teryt, manager_prefixes(user))


@login_required
@require_safe
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A certificate as PDF, for its owner and for the coordinators of the event's territory."""
    certificate = get_object_or_404(Certificate.objects.select_related("registration__event"), pk=pk)
    if not _may_download(request.user, certificate):
        raise Http404
    return _download(
        documents.certificate_pdf(certificate), "application/pdf", f"zaswiadczenie-{certificate.code}.pdf"
    )


# --- public verification --------------------------------------------------------------------------


@require_safe
def verify_lookup(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("events:verify_certificate", code=form.cleaned_data["kod"])
    return render(request, "events/verify_form.html", {"form": form})


@require_safe
def verify_certificate(request: HttpRequest, code: str) -> HttpResponse:
    certificate = (
        Certificate.objects.select_related("registration__event").filter(code=normalise_code(code)).first()
    )
    if certificate is None:
        form = VerifyForm(initial={"kod": code[:40]})
        return render(request, "events/verify.html", {"code": code[:40], "form": form}, status=404)
    facts = documents.certificate_facts(certificate)
    return render(
        request,
        "events/verify.html",
        {
            "certificate": certificate,
            "facts": facts,
            "when": documents.when(facts.event),
            "anonymised": bool(certificate.registration.anonymised_at),
        },
    )


urlpatterns = [
    path("zarzadzanie/", manage_list, name="manage_list"),
    path("zarzadzanie/nowe/", manage_create, name="manage_create"),
    path("zarzadzanie/<int:pk>/", manage_detail, name="manage_detail"),
    path("zarzadzanie/<int:pk>/edycja/", manage_edit, name="manage_edit"),
    path("zarzadzanie/<int:pk>/status/", manage_status, name="manage_status"),
    path("zarzadzanie/<int:pk>/zgloszenia/", manage_registrations, name="manage_registrations"),
    path(
        "zarzadzanie/<int:pk>/zgloszenia/<int:registration_pk>/zatwierdz/", manage_approve, name="manage_approve"
    ),
    path("zarzadzanie/<int:pk>/zgloszenia/<int:registration_pk>/odrzuc/", manage_reject, name="manage_reject"),
    path(
        "zarzadzanie/<int:pk>/zgloszenia/<int:registration_pk>/anuluj/",
        manage_cancel_registration,
        name="manage_cancel_registration",
    ),
    path("zarzadzanie/<int:pk>/obecnosc/", attendance, name="attendance"),
    path("zarzadzanie/<int:pk>/lista-obecnosci/<str:day>.pdf", sign_in_sheet_pdf, name="sign_in_sheet_pdf"),
    path("zarzadzanie/<int:pk>/lista-obecnosci/<str:day>.xlsx", sign_in_sheet_xlsx, name="sign_in_sheet_xlsx"),
    path("zarzadzanie/<int:pk>/zaswiadczenia/", certificates, name="certificates"),
    path("zaswiadczenia/", verify_lookup, name="verify_lookup"),
    path("zaswiadczenia/<int:pk>/zaswiadczenie.pdf", certificate_pdf, name="certificate_pdf"),
    path("zaswiadczenia/<str:code>/", verify_certificate, name="verify_certificate"),
]


# --- who may call which URL -----------------------------------------------------------------------

COORDINATORS = roles(*MANAGERS)


def _sample_event(code: str) -> tuple[Event, Registration, Certificate]:
    """A published event in `code` under way today, with one confirmed participant who was present
    and holds a certificate (so every page of the event has content)."""
    now = timezone.now()
    event = Event.objects.create(
        teryt=code,
        kind=EventKind.TRAINING,
        title=f"Szkolenie próbne {code}",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(hours=3),
        venue="ul. Próbna 1, 00-001 Warszawa",
        seats=10,
        registration_opens_at=now - timedelta(days=1),
        registration_closes_at=now + timedelta(hours=2),
        eligible_groups=list(TargetGroup.values),
        asked_fields=[AskedField.ORGANISATION, AskedField.DIET],
        status=Event.Status.PUBLISHED,
    )
    registered = services.register(
        event=event,
        data={
            "email": f"uczestnik.{code}@przyklad.example",
            "first_name": "Uczestnik",
            "last_name": f"Próbny {code}",
            "target_group": TargetGroup.JST_STAFF,
            "organisation": "Urząd Gminy Próbnej",
        },
        consent_text="Zgoda próbna.",
    )
    registration = services.confirm_email(token=registered.token)
    documents.record_attendance(event=event, days=event.days[:1], present={(registration.pk, event.days[0])}, by=None)
    certificate = documents.issue_certificates(event=event, by=None)[0]
    return event, registration, certificate


def event_sample(code: str) -> Sample:
    event, _registration, _certificate = _sample_event(code)
    return Sample(kwargs={"pk": event.pk}, marker=event.title)


def registration_sample(code: str) -> Sample:
    event, registration, _certificate = _sample_event(code)
    return Sample(kwargs={"pk": event.pk, "registration_pk": registration.pk}, marker=registration.last_name)


def day_sample(code: str) -> Sample:
    event, _registration, _certificate = _sample_event(code)
    return Sample(kwargs={"pk": event.pk, "day": event.days[0].isoformat()})


def certificate_sample(code: str) -> Sample:
    _event, registration, certificate = _sample_event(code)
    return Sample(kwargs={"pk": certificate.pk})


def certificate_code_sample(code: str) -> Sample:
    _event, registration, certificate = _sample_event(code)
    return Sample(kwargs={"code": certificate.code}, marker=registration.last_name)


def _owner_or_coordinator(user, method: str, in_scope: bool) -> set[str]:
    """A certificate's PDF: its owner (never one of the personas) and the coordinators of the event's
    territory get it; everyone else signed in gets 404, as for a certificate that does not exist."""
    if user is None or not user.is_authenticated:
        return {"login"}
    if method not in SAFE_METHODS:
        return {"not_allowed"}
    return {"ok"} if in_scope and user.has_perm(PERMISSION) else {"hidden"}


def _coordinators(sample=None, rows=None, post: bool = False) -> Policy:
    if post:
        return Policy(
            read=COORDINATORS, change=COORDINATORS, methods=("POST",), object=sample, rows=rows, scoped=True
        )
    return Policy(read=COORDINATORS, object=sample, rows=rows, scoped=True)


def _coordinators_post_only(sample) -> Policy:
    return Policy(read=NOBODY, change=COORDINATORS, methods=("POST",), object=sample, scoped=True)


POLICIES: dict[str, Policy] = {
    "events:manage_list": _coordinators(rows=event_sample),
    "events:manage_create": Policy(read=COORDINATORS, change=COORDINATORS, methods=("POST",)),
    "events:manage_detail": _coordinators(sample=event_sample),
    "events:manage_edit": _coordinators(sample=event_sample, post=True),
    "events:manage_status": _coordinators_post_only(event_sample),
    "events:manage_registrations": _coordinators(sample=event_sample),
    "events:manage_approve": _coordinators_post_only(registration_sample),
    "events:manage_reject": _coordinators(sample=registration_sample, post=True),
    "events:manage_cancel_registration": _coordinators(sample=registration_sample, post=True),
    "events:attendance": _coordinators(sample=event_sample, post=True),
    "events:sign_in_sheet_pdf": _coordinators(sample=day_sample),
    "events:sign_in_sheet_xlsx": _coordinators(sample=day_sample),
    "events:certificates": _coordinators(sample=event_sample, post=True),
    # Checking a certificate is public: anyone holding the paper may check its code.
    "events:verify_lookup": Policy(read=PUBLIC),
    "events:verify_certificate": Policy(read=PUBLIC, object=certificate_code_sample),
    "events:certificate_pdf": Policy(
        read=COORDINATORS,
        object=certificate_sample,
        scoped=True,
        expect=_owner_or_coordinator,
        note="The owner (registration's user or e-mail) or a coordinator of the event's territory; others 404.",
    ),
}
