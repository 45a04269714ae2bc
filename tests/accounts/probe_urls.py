"""The site's URLs plus one page that needs the regional coordinator role (for AC-07)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from lacznik.accounts.roles import Role
from lacznik.urls import handler403, handler404, handler500  # noqa: F401
from lacznik.urls import urlpatterns as site_urlpatterns


@login_required
def regional_page(request: HttpRequest) -> HttpResponse:
    prefixes = request.user.prefixes_for(Role.REGIONAL_COORDINATOR)
    if not prefixes:
        raise PermissionDenied
    return HttpResponse(",".join(sorted(prefixes)))


urlpatterns = [path("probe/regional/", regional_page, name="probe_regional"), *site_urlpatterns]
