"""Security events from Django's own signals go to the security log."""

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lacznik.core.security_log import log_event


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    log_event("login", outcome="success", request=request, actor=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    log_event("logout", outcome="success", request=request, actor=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted e-mail is not logged: it may be a password typed into the wrong field.
    log_event("login", outcome="failure", request=request)


@receiver(user_locked_out)
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    log_event("lockout", outcome="denied", request=request)
