from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from .navigation import main_menu


def site(request: HttpRequest) -> dict:
    return {
        "csp_nonce": getattr(request, "csp_nonce", ""),
        "request_id": getattr(request, "request_id", ""),
        "main_menu": SimpleLazyObject(lambda: main_menu(request)),
        "debug_skip_second_factor": settings.SKIP_SECOND_FACTOR,
    }
