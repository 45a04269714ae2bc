"""E-mail of the advocates programme, sent through the django-tasks interface (a worker in production)."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

from lacznik.core.scope import system_scope


@task()
def send_advocate_reminder(*, reminder_id: int, language: str = "pl") -> None:
    """Remind an advocate who has not reported for a while to report the activities."""
    from .models import Reminder

    with system_scope("mail to the advocate reminded"):
        reminder = (
            Reminder.objects.select_related("advocate__user", "advocate__enrolment__unit")
            .filter(pk=reminder_id)
            .first()
        )
    if reminder is None or not reminder.advocate.user.email:
        return
    site = settings.LACZNIK_SITE_URL.rstrip("/")
    context = {
        "reminder": reminder,
        "advocate": reminder.advocate,
        "unit": reminder.advocate.enrolment.unit,
        "report_url": site + reverse("advocates:report_create"),
        "dashboard_url": site + reverse("advocates:dashboard"),
    }
    with translation.override(language):
        subject = render_to_string("advocates/email/reminder_subject.txt", context)
        body = render_to_string("advocates/email/reminder_body.txt", context)
    EmailMessage(
        " ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, [reminder.advocate.user.email]
    ).send()
