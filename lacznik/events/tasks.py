"""E-mail of recruitment, sent through the django-tasks interface (a worker in production)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from lacznik.core.scope import system_scope

# What happened to a registration → the template of the mail (templates/events/email/<what>_*.txt).
MAILS = {"confirm_email", "registered", "approved", "rejected", "cancelled", "promoted", "event_cancelled"}


@task()
def send_registration_mail(*, registration_id: int, what: str, token: str = "", language: str = "pl") -> None:
    """Tell the person what happened to their registration; a confirmed seat comes with a calendar file."""
    from .calendar import event_ics
    from .models import Registration

    if what not in MAILS:
        raise ValueError(f"Unknown registration mail: {what!r}")
    with system_scope("mail to the person registered"):
        registration = Registration.objects.select_related("event").filter(pk=registration_id).first()
    if registration is None or registration.anonymised_at:
        return
    site = settings.LACZNIK_SITE_URL.rstrip("/")
    links = {}
    if token:
        links = {
            "confirm_url": site + reverse("events:confirm_email", args=[token]),
            "cancel_url": site + reverse("events:cancel", args=[token]),
        }
    with translation.override(language):
        context = {"registration": registration, "event": registration.event, "site": site, **links}
        subject = render_to_string(f"events/email/{what}_subject.txt", context)
        body = render_to_string(f"events/email/{what}_body.txt", context)
    message = EmailMessage(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [registration.email])
    if registration.status == Registration.Status.CONFIRMED:
        message.attach("wydarzenie.ics", event_ics([registration.event], with_link=True), "text/calendar")
    message.send()
