"""Recruitment: registering, confirming, approving, cancelling and promoting from the waiting list.

Every operation that gives or frees a seat runs in one transaction holding the event's row lock
(`select_for_update` on PostgreSQL; on SQLite every write transaction is IMMEDIATE, so writers take
turns), decides from the event's own counter and updates it with a conditional UPDATE that the
`event_not_overbooked` constraint backs up. The order of arrival is the event's `next_sequence`, taken
under the same lock, so the waiting list is in the order in which requests reached the database.
E-mails are queued as tasks after the commit: a rolled-back registration mails nobody.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from lacznik.core.scope import code_in_scope

from .models import Event, Registration, new_token, token_hash


class RegistrationError(Exception):
    """A registration the rules refuse; the message says why, in the user's language."""


@dataclass
class Registered:
    registration: Registration
    token: str  # the secret of the person's links (cancel, confirm); only ever mailed, never stored


def _locked(event: Event) -> Event:
    return Event.objects.unscoped(reason="the event being registered for").select_for_update().get(pk=event.pk)


def _check_rules(event: Event, data: dict[str, Any], *, now: datetime) -> None:
    if not event.registration_open(now):
        if event.status != Event.Status.PUBLISHED:
            raise RegistrationError(_("This event does not take registrations."))
        if now < event.registration_opens_at:
            opens = f"{timezone.localtime(event.registration_opens_at):%Y-%m-%d %H:%M}"
            raise RegistrationError(_("Registration opens on %(date)s.") % {"date": opens})
        closed = f"{timezone.localtime(event.registration_closes_at):%Y-%m-%d %H:%M}"
        raise RegistrationError(_("Registration for this event closed on %(date)s.") % {"date": closed})
    if data["target_group"] not in event.eligible_groups:
        raise RegistrationError(_("This event is not open to the group you declared."))
    if event.participants_from_territory_only and not code_in_scope(data.get("jst", ""), [event.teryt]):
        raise RegistrationError(_("This event is for participants from its territory only."))
    active = Registration.objects.unscoped(reason="limits of the event").active().filter(event=event)
    if event.limit_per_organisation and data.get("organisation"):
        if active.filter(organisation__iexact=data["organisation"].strip()).count() >= event.limit_per_organisation:
            raise RegistrationError(_("Your organisation has used all the seats it may take."))
    if event.limit_per_jst and data.get("jst"):
        if active.filter(jst=data["jst"]).count() >= event.limit_per_jst:
            raise RegistrationError(_("Your gmina or powiat has used all the seats it may take."))
    if not event.has_waiting_list and not event.needs_approval and event.free_seats == 0:
        raise RegistrationError(_("All seats are taken and this event has no waiting list."))


def _take_seat(event: Event) -> bool:
    """Take one seat if one is free: a conditional UPDATE, never above the seats."""
    taken = Event.objects.unscoped(reason="the locked event").filter(
        pk=event.pk, confirmed_count__lt=F("seats")
    ).update(confirmed_count=F("confirmed_count") + 1)
    if taken:
        event.confirmed_count += 1
    return bool(taken)


def _free_seat(event: Event) -> None:
    Event.objects.unscoped(reason="the locked event").filter(pk=event.pk, confirmed_count__gt=0).update(
        confirmed_count=F("confirmed_count") - 1
    )
    event.confirmed_count -= 1


def _place(registration: Registration, event: Event, *, by=None) -> None:
    """Give a registration its place: approval, a seat, or the waiting list (or refuse it)."""
    if event.needs_approval and registration.status == Registration.Status.PENDING_EMAIL:
        registration.move_to(Registration.Status.AWAITING_APPROVAL, by=by)
    elif _take_seat(event):
        registration.move_to(Registration.Status.CONFIRMED, by=by)
    elif event.has_waiting_list:
        registration.move_to(Registration.Status.WAITLISTED, by=by)
    else:
        raise RegistrationError(_("All seats are taken and this event has no waiting list."))


def _notify(registration: Registration, what: str, token: str = "") -> None:
    from .tasks import send_registration_mail

    transaction.on_commit(
        lambda: send_registration_mail.enqueue(registration_id=registration.pk, what=what, token=token)
    )


def register(
    *, event: Event, data: dict[str, Any], consent_text: str, user=None, now: datetime | None = None
) -> Registered:
    """Register a person. A signed-in user with a confirmed e-mail is placed at once; a guest first
    confirms the e-mail address from the link mailed to it.

    The event's row stays locked from the read of its counters to the commit, so this does as little as
    it can meanwhile: one UPDATE of the counters and one INSERT of the registration in its final state
    (a duplicate e-mail is left to the unique constraint)."""
    now = now or timezone.now()
    token = new_token()
    email = data["email"].strip().lower()
    placed_now = user is not None and user.email.lower() == email
    try:
        with transaction.atomic():
            event = _locked(event)
            _check_rules(event, data, now=now)
            status = _decide(event) if placed_now else Registration.Status.PENDING_EMAIL
            seat = 1 if status == Registration.Status.CONFIRMED else 0
            Event.objects.unscoped(reason="the locked event").filter(pk=event.pk).update(
                next_sequence=F("next_sequence") + 1, confirmed_count=F("confirmed_count") + seat
            )
            registration = Registration(
                event=event,
                teryt=event.teryt,
                user=user,
                consent_text=consent_text,
                consented_at=now,
                token_hash=token_hash(token),
                status=status,
                decided_at=now if placed_now else None,
                sequence=event.next_sequence,
                **{key: value for key, value in data.items() if key in _DATA_FIELDS},
            )
            registration.email = email
            registration._history_user = user
            registration.save()
            _notify(registration, "registered" if placed_now else "confirm_email", token)
    except IntegrityError as error:
        # The same person twice: the unique constraint on (event, e-mail) refused the second one.
        raise RegistrationError(_("This e-mail address is already registered for this event.")) from error
    return Registered(registration=registration, token=token)


def _decide(event: Event) -> str:
    """Where a newcomer goes on the locked event: approval, a seat, or the waiting list."""
    if event.needs_approval:
        return Registration.Status.AWAITING_APPROVAL
    if event.free_seats:
        return Registration.Status.CONFIRMED
    if event.has_waiting_list:
        return Registration.Status.WAITLISTED
    raise RegistrationError(_("All seats are taken and this event has no waiting list."))


def registration_for_token(token: str) -> Registration | None:
    return (
        Registration.objects.unscoped(reason="a person's own link")
        .select_related("event")
        .filter(token_hash=token_hash(token))
        .first()
    )


@transaction.atomic
def confirm_email(*, token: str) -> Registration:
    registration = registration_for_token(token)
    if registration is None:
        raise RegistrationError(_("This link is not valid."))
    event = _locked(registration.event)
    registration.refresh_from_db()
    if registration.status != Registration.Status.PENDING_EMAIL:
        return registration  # clicked twice: nothing more to do
    if not event.registration_open():
        raise RegistrationError(_("Registration for this event has closed."))
    _place(registration, event)
    _notify(registration, "registered")
    return registration


@transaction.atomic
def approve(*, registration: Registration, by) -> Registration:
    event = _locked(registration.event)
    registration.refresh_from_db()
    if registration.status != Registration.Status.AWAITING_APPROVAL:
        raise RegistrationError(_("Only a registration waiting for approval can be approved."))
    if _take_seat(event):
        registration.move_to(Registration.Status.CONFIRMED, by=by)
    elif event.has_waiting_list:
        registration.move_to(Registration.Status.WAITLISTED, by=by)
    else:
        raise RegistrationError(_("All seats are taken and this event has no waiting list."))
    _notify(registration, "approved")
    return registration


@transaction.atomic
def reject(*, registration: Registration, reason: str, by) -> Registration:
    if not reason.strip():
        raise RegistrationError(_("Give the reason; the person receives it by e-mail."))
    _locked(registration.event)
    registration.refresh_from_db()
    registration.move_to(Registration.Status.REJECTED, by=by, reason=reason.strip())
    _notify(registration, "rejected")
    return registration


@transaction.atomic
def cancel(*, registration: Registration, by=None) -> Registration | None:
    """Cancel a registration; a freed seat goes to the first on the waiting list who may still take
    it (limits per organisation and JST are checked again). Returns the promoted registration."""
    event = _locked(registration.event)
    registration.refresh_from_db()
    if registration.status == Registration.Status.CANCELLED:
        return None
    held_seat = registration.status == Registration.Status.CONFIRMED
    registration.move_to(Registration.Status.CANCELLED, by=by)
    _notify(registration, "cancelled")
    if held_seat:
        _free_seat(event)
        return _promote(event)
    return None


@transaction.atomic
def cancel_event(*, event: Event, by) -> int:
    """Cancel an event: every registration that holds or waits for a seat is cancelled and its person
    told by e-mail. Returns how many registrations were cancelled."""
    event = _locked(event)
    event.move_to(Event.Status.CANCELLED, by=by)
    active = Registration.objects.unscoped(reason="the registrations of the cancelled event").active()
    cancelled = 0
    for registration in active.filter(event=event).order_by("sequence"):
        registration.move_to(Registration.Status.CANCELLED, by=by, reason=_("The event was cancelled."))
        _notify(registration, "event_cancelled")
        cancelled += 1
    Event.objects.unscoped(reason="the locked event").filter(pk=event.pk).update(confirmed_count=0)
    return cancelled


@transaction.atomic
def fill_from_waiting_list(*, event: Event) -> list[Registration]:
    """Give free seats (e.g. after the seats were raised) to the waiting list, in order."""
    event = _locked(event)
    promoted = []
    while event.free_seats and (candidate := _promote(event)) is not None:
        promoted.append(candidate)
    return promoted


def _promote(event: Event) -> Registration | None:
    waiting = (
        Registration.objects.unscoped(reason="the waiting list of the locked event")
        .filter(event=event, status=Registration.Status.WAITLISTED)
        .order_by("sequence")
    )
    for candidate in waiting:
        if _take_seat(event):
            candidate.move_to(Registration.Status.CONFIRMED)
            _notify(candidate, "promoted")
            return candidate
    return None


_DATA_FIELDS = {
    "email",
    "first_name",
    "last_name",
    "target_group",
    "organisation",
    "position",
    "jst",
    "phone",
    "diet",
    "accessibility",
}
