"""E-mail of the accounts app, sent through the django-tasks interface (a worker in production).

The set-password link is made inside the task, from the user's id: the queue table then never holds
a reset token, and the link's hour of validity starts when the mail actually leaves.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

# Why a set-password link is sent: the person asked for it, or an account was made for them.
PURPOSES = {"reset", "invitation"}


@task()
def send_email(*, to: list[str], subject: str, body: str) -> None:
    """Send one plain-text e-mail (subject on one line)."""
    send_mail(" ".join(subject.split()), body, settings.DEFAULT_FROM_EMAIL, to)


@task()
def send_password_link(*, user_id: int, purpose: str, site_url: str, language: str = "pl") -> None:
    """Mail an active user a single-use link to set a password, valid PASSWORD_RESET_TIMEOUT seconds."""
    from .models import User

    if purpose not in PURPOSES:
        raise ValueError(f"Unknown purpose of a password link: {purpose!r}")
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "link": site_url.rstrip("/") + path,
        "login_link": site_url.rstrip("/") + reverse("accounts:login"),
        "reset_link": site_url.rstrip("/") + reverse("accounts:password_reset"),
        "hours": max(1, settings.PASSWORD_RESET_TIMEOUT // 3600),
    }
    with translation.override(language):
        subject = render_to_string(f"accounts/email/{purpose}_subject.txt", context)
        body = render_to_string(f"accounts/email/{purpose}_body.txt", context)
    send_email.call(to=[user.email], subject=subject, body=body)
