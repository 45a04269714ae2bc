"""Events and their recruitment: trainings, conferences, networking meetings, study visits, seminars and
fairs, with who may come, how many, in what order, who came, and who got a certificate.

The target groups and their sizes come from the programme documents: 60 ROPS staff, 160 committee
members, 40 marshal office staff (sources/spojna-integracja-regionalna-es.txt); 3,000 JST employees in
200 trainings (sources/w-sieci-dobrych-polaczen-spoldzielczosc-socjalna.txt).

Seats are counted on the event (`confirmed_count`), changed only by `services.py` under a lock on the
event row, and a database constraint keeps the count within the seats on SQLite and PostgreSQL alike:
no interleaving of requests can overbook an event.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lacznik.core.errors import WorkflowError
from lacznik.core.scope import ScopedModel, ScopedQuerySet


class EventKind(models.TextChoices):
    TRAINING = "szkolenie", _("training")
    CONFERENCE = "konferencja", _("conference")
    NETWORKING_MEETING = "spotkanie-sieciujace", _("networking meeting")
    STUDY_VISIT = "wizyta-studyjna", _("study visit")
    SEMINAR = "seminarium", _("seminar")
    FAIR = "targi", _("fair")


class TargetGroup(models.TextChoices):
    """Who an event is for; a participant declares one when registering."""

    ROPS_STAFF = "pracownicy-rops", _("ROPS staff")
    COMMITTEE_MEMBERS = "czlonkowie-rkres", _("RKRES members")
    MARSHAL_OFFICE_STAFF = "pracownicy-urzedu-marszalkowskiego", _("marshal office staff")
    JST_STAFF = "pracownicy-jst", _("JST employees")
    ADVOCATES = "rzecznicy-es", _("social economy advocates")
    PES_STAFF = "pracownicy-pes", _("PES staff")
    OWES_STAFF = "pracownicy-owes", _("OWES staff")
    PUBLIC = "mieszkancy", _("residents and the public")


class AskedField(models.TextChoices):
    """What an event may ask of a participant beyond name and e-mail: only what the event needs."""

    ORGANISATION = "organisation", _("organisation")
    POSITION = "position", _("position")
    JST = "jst", _("gmina or powiat of the organisation (TERYT)")
    PHONE = "phone", _("phone")
    DIET = "diet", _("dietary needs")
    ACCESSIBILITY = "accessibility", _("accessibility needs")


class EventQuerySet(ScopedQuerySet):
    def published(self) -> "EventQuerySet":
        return self.filter(status=Event.Status.PUBLISHED)


class Event(ScopedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    TRANSITIONS = {
        Status.DRAFT: {Status.PUBLISHED, Status.CANCELLED},
        Status.PUBLISHED: {Status.CANCELLED},
        Status.CANCELLED: set(),
    }

    # The territory the event is for: a voivodeship (2 digits), a powiat (4) or a gmina (7).
    teryt = models.CharField(_("territory (TERYT)"), max_length=7, db_index=True)
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    agenda = models.TextField(_("agenda"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    is_online = models.BooleanField(_("online"), default=False)
    venue = models.CharField(_("place"), max_length=300, blank=True, help_text=_("Address of the venue."))
    online_link = models.URLField(_("link to the online meeting"), blank=True)
    project = models.CharField(
        _("project that pays for it"), max_length=200, blank=True, help_text=_("e.g. the EU-funded project's name.")
    )
    seats = models.PositiveIntegerField(_("seats"))
    has_waiting_list = models.BooleanField(_("waiting list when full"), default=True)
    needs_approval = models.BooleanField(_("registrations need approval"), default=False)
    registration_opens_at = models.DateTimeField(_("registration opens"))
    registration_closes_at = models.DateTimeField(_("registration closes"))
    eligible_groups = models.JSONField(_("who may register"), default=list)
    participants_from_territory_only = models.BooleanField(
        _("only participants from the event's territory"),
        default=False,
        help_text=_("Participants then give the TERYT code of their gmina or powiat, which must lie in it."),
    )
    limit_per_organisation = models.PositiveIntegerField(_("seats per organisation"), null=True, blank=True)
    limit_per_jst = models.PositiveIntegerField(_("seats per gmina or powiat"), null=True, blank=True)
    asked_fields = models.JSONField(_("questions asked"), default=list)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    # Kept by services.py only, under a lock on this row.
    confirmed_count = models.PositiveIntegerField(default=0, editable=False)
    next_sequence = models.PositiveIntegerField(default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["confirmed_count", "next_sequence"])

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["starts_at", "pk"]
        permissions = [
            ("manage_events", _("Can create events and run their recruitment in the own territory")),
            ("view_indicators", _("Can see participant indicators")),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(confirmed_count__lte=F("seats")), name="event_not_overbooked"),
            models.CheckConstraint(condition=Q(ends_at__gte=F("starts_at")), name="event_ends_after_start"),
            models.CheckConstraint(
                condition=Q(registration_closes_at__gte=F("registration_opens_at")), name="event_window_in_order"
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"], name="event_status_start")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", args=[self.pk])

    def clean(self) -> None:
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The event cannot end before it starts.")
        if self.registration_opens_at and self.registration_closes_at:
            if self.registration_closes_at < self.registration_opens_at:
                errors["registration_closes_at"] = _("Registration cannot close before it opens.")
            elif self.ends_at and self.registration_closes_at > self.ends_at:
                errors["registration_closes_at"] = _("Registration must close by the end of the event.")
        if self.seats is not None and self.seats < self.confirmed_count:
            errors["seats"] = _(
                "%(count)s participants are already confirmed; the seats cannot be fewer."
            ) % {"count": self.confirmed_count}
        unknown = set(self.eligible_groups) - set(TargetGroup.values)
        if unknown or not self.eligible_groups:
            errors["eligible_groups"] = _("Choose who may register.")
        if set(self.asked_fields) - set(AskedField.values):
            errors["asked_fields"] = _("Unknown question.")
        if not self.is_online and not self.venue:
            errors["venue"] = _("Give the place, or mark the event as online.")
        if errors:
            raise ValidationError(errors)

    def move_to(self, status: str, *, by) -> None:
        if status not in self.TRANSITIONS[self.status]:
            raise WorkflowError(
                _("Status change not allowed: %(old)s → %(new)s.")
                % {"old": self.get_status_display(), "new": self.Status(status).label}
            )
        self.status = status
        self._history_user = by
        self._change_reason = f"events.event.{status}"
        self.save(update_fields=["status"])

    @property
    def free_seats(self) -> int:
        return max(self.seats - self.confirmed_count, 0)

    def registration_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.status == self.Status.PUBLISHED and self.registration_opens_at <= at <= self.registration_closes_at

    @property
    def days(self) -> list:
        """The calendar days the event lasts (local time), for attendance."""
        from datetime import timedelta

        first = timezone.localtime(self.starts_at).date()
        last = timezone.localtime(self.ends_at).date()
        return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class RegistrationQuerySet(ScopedQuerySet):
    def active(self) -> "RegistrationQuerySet":
        """Registrations that hold or wait for a seat."""
        return self.filter(status__in=Registration.ACTIVE)


class Registration(ScopedModel):
    """One person's registration for one event. Personal data is only what the event asked for."""

    class Status(models.TextChoices):
        PENDING_EMAIL = "pending_email", _("waiting for e-mail confirmation")
        AWAITING_APPROVAL = "awaiting_approval", _("waiting for approval")
        CONFIRMED = "confirmed", _("confirmed")
        WAITLISTED = "waitlisted", _("on the waiting list")
        REJECTED = "rejected", _("rejected")
        CANCELLED = "cancelled", _("cancelled")

    TRANSITIONS = {
        Status.PENDING_EMAIL: {Status.AWAITING_APPROVAL, Status.CONFIRMED, Status.WAITLISTED, Status.CANCELLED},
        Status.AWAITING_APPROVAL: {Status.CONFIRMED, Status.WAITLISTED, Status.REJECTED, Status.CANCELLED},
        Status.WAITLISTED: {Status.CONFIRMED, Status.CANCELLED, Status.REJECTED},
        Status.CONFIRMED: {Status.CANCELLED},
        Status.REJECTED: set(),
        Status.CANCELLED: set(),
    }
    ACTIVE = (Status.PENDING_EMAIL, Status.AWAITING_APPROVAL, Status.CONFIRMED, Status.WAITLISTED)

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("event"))
    # Copied from the event: the coordinator of the event's territory sees its registrations.
    teryt = models.CharField(max_length=7, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="registrations"
    )
    email = models.EmailField(_("e-mail"))
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    target_group = models.CharField(_("I take part as"), max_length=40, choices=TargetGroup)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    position = models.CharField(_("position"), max_length=200, blank=True)
    jst = models.CharField(_("TERYT code of the gmina or powiat"), max_length=7, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    diet = models.CharField(_("dietary needs"), max_length=300, blank=True)
    accessibility = models.CharField(_("accessibility needs"), max_length=300, blank=True)
    consent_text = models.TextField(_("consent given"))
    consented_at = models.DateTimeField(_("consent given at"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING_EMAIL)
    # The order of arrival on the event (from Event.next_sequence, under its lock): the waiting list's order.
    sequence = models.PositiveIntegerField(_("order of arrival"), null=True, editable=False)
    reason = models.TextField(_("reason"), blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["event", "sequence", "pk"]
        constraints = [
            # One active registration per person and event, whatever arrives at once (RC-02).
            models.UniqueConstraint(
                fields=["event", "email"],
                condition=Q(status__in=["pending_email", "awaiting_approval", "confirmed", "waitlisted"]),
                name="one_active_registration_per_email",
            ),
            models.UniqueConstraint(fields=["event", "sequence"], name="one_place_in_the_order"),
        ]
        indexes = [models.Index(fields=["event", "status", "sequence"], name="registration_queue")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} — {self.event}"

    def move_to(self, status: str, *, by=None, reason: str = "") -> None:
        if status not in self.TRANSITIONS[self.status]:
            raise WorkflowError(
                _("Status change not allowed: %(old)s → %(new)s.")
                % {"old": self.get_status_display(), "new": self.Status(status).label}
            )
        self.status = status
        self.reason = reason or self.reason
        self.decided_at = timezone.now()
        self._history_user = by
        self._change_reason = f"events.registration.{status}"
        self.save(update_fields=["status", "reason", "decided_at"])

    @property
    def person_key(self) -> str:
        """Who the person is, for counting unique persons across events."""
        return f"user:{self.user_id}" if self.user_id else f"email:{self.email.strip().lower()}"


class Attendance(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="attendance")
    day = models.DateField(_("day"))
    present = models.BooleanField(_("present"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["registration", "day"], name="one_attendance_per_day")]


class Certificate(models.Model):
    """A certificate of participation; anyone can check its code at a public address."""

    registration = models.OneToOneField(Registration, on_delete=models.PROTECT, related_name="certificate")
    code = models.CharField(_("code"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("events:verify_certificate", args=[self.code])


class Target(models.Model):
    """A target of the programme a region or the country measures its events against, e.g. "JST
    employees trained: 3,000" or "trainings held: 200" (sources/w-sieci-dobrych-polaczen-...)."""

    class Measure(models.TextChoices):
        PERSONS = "persons", _("unique persons who attended")
        EVENTS = "events", _("events held")

    label = models.CharField(_("name"), max_length=200)
    # A voivodeship's code, or empty for the whole country.
    region = models.CharField(_("voivodeship (TERYT)"), max_length=2, blank=True)
    measure = models.CharField(_("what is counted"), max_length=20, choices=Measure)
    target_group = models.CharField(_("target group"), max_length=40, choices=TargetGroup, blank=True)
    event_kind = models.CharField(_("kind of event"), max_length=30, choices=EventKind, blank=True)
    project = models.CharField(_("project"), max_length=200, blank=True)
    value = models.PositiveIntegerField(_("target value"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["region", "label"]

    def __str__(self) -> str:
        return f"{self.label}: {self.value}"
