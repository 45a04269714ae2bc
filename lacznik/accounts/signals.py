"""Security events from Django's and django-axes' signals go to the security log (one record each)."""

import time

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from lacznik.core.security_log import log_event

from .middleware import SESSION_SEEN, SESSION_STARTED


def _refused_while_locked(request) -> bool:
    # django-axes marks a request it refused because the (account, address) pair is locked already;
    # a request that has just caused the lockout carries its failure count instead.
    return (
        bool(getattr(request, "axes_locked_out", False))
        and getattr(request, "axes_failures_since_start", None) is None
    )


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        # The 12-hour limit counts from the sign-in, not from the first page after it.
        now = time.time()
        request.session[SESSION_STARTED] = now
        request.session[SESSION_SEEN] = now
    log_event("login", outcome="success", request=request, actor=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    log_event("logout", outcome="success", request=request, actor=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    # The attempted e-mail is not logged: it may be a password typed into the wrong field.
    if request is not None and _refused_while_locked(request):
        log_event("login", outcome="denied", request=request, reason="locked_out")
    else:
        log_event("login", outcome="failure", request=request)


@receiver(user_locked_out)
def on_locked_out(sender, request, username=None, ip_address=None, **kwargs):
    # Sent by axes both when a lockout starts and for every attempt refused during it; the refused
    # attempts are already recorded as denied sign-ins above, so only the start is a lockout event.
    if request is not None and _refused_while_locked(request):
        return
    log_event(
        "lockout",
        outcome="denied",
        request=request,
        failures=getattr(request, "axes_failures_since_start", None),
    )
