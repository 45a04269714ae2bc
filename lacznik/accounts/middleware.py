import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from lacznik.core.security_log import log_event

SESSION_STARTED = "lacznik_started"
SESSION_SEEN = "lacznik_seen"
SESSION_EXPIRED_NOTICE = "lacznik_expired"
# The last-seen time is written at most this often, so that reading a page does not always write.
SEEN_RESOLUTION_SECONDS = 60


class SessionLifetimeMiddleware:
    """End a session after 30 minutes without a request and 12 hours after sign-in (ASVS 7.3)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.setdefault(SESSION_STARTED, now)
            seen = request.session.get(SESSION_SEEN, now)
            idle = settings.SESSION_IDLE_TIMEOUT.total_seconds()
            absolute = settings.SESSION_ABSOLUTE_TIMEOUT.total_seconds()
            if now - seen > idle or now - started > absolute:
                log_event("session_expired", outcome="success", request=request)
                logout(request)
                # The message framework runs after this middleware; the sign-in page shows the notice.
                request.session[SESSION_EXPIRED_NOTICE] = True
                return redirect(
                    f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': request.get_full_path()})}"
                )
            if now - seen >= SEEN_RESOLUTION_SECONDS or SESSION_SEEN not in request.session:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


# Paths a signed-in staff user may reach before confirming the second factor.
SECOND_FACTOR_EXEMPT_NAMES = {
    "accounts:otp_verify",
    "accounts:otp_setup",
    "accounts:logout",
    "core:accessibility",
    "core:healthz",
    "core:set_language",
}


class SecondFactorMiddleware:
    """Staff roles (administrator, national and regional coordinator) confirm sign-in with TOTP."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self._exempt_paths: set[str] | None = None

    def exempt_paths(self) -> set[str]:
        if self._exempt_paths is None:
            self._exempt_paths = {reverse(name) for name in SECOND_FACTOR_EXEMPT_NAMES}
        return self._exempt_paths

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not settings.SKIP_SECOND_FACTOR
            and user.needs_second_factor
            and not user.is_verified()
            and request.path not in self.exempt_paths()
            and not request.path.startswith(settings.STATIC_URL)
        ):
            target = "accounts:otp_verify" if user_has_device(user) else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def user_has_device(user) -> bool:
    from django_otp import user_has_device as has_device

    return has_device(user, confirmed=True)
