"""Facts about the request that several apps need."""

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the one our own trusted proxies put in X-Forwarded-For.

    A client cannot choose its address by sending X-Forwarded-For: only the entries added by the
    `LACZNIK_TRUSTED_PROXY_COUNT` proxies in front of us are believed (ASVS 4.1.3, 15.3.4).
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
