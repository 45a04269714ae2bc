"""A URLconf for the harness's own test: the project's URLs plus scoped views on the test-only Parcel
model, done right and done wrong, so that the matrix can be seen to catch a leak."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import include, path
from django.utils.html import escape
from django.views.decorators.http import require_http_methods

from lacznik.accounts.roles import Role
from lacznik.core.policy import Policy, Sample, roles
from lacznik.core.scope import get_in_scope_or_404, system_scope
from lacznik.urls import urlpatterns as project_urlpatterns
from tests.scopeapp.models import Parcel

handler403 = "lacznik.core.views.error_403"
handler404 = "lacznik.core.views.error_404"
handler500 = "lacznik.core.views.error_500"


def parcel_sample(code: str) -> Sample:
    parcel = Parcel.objects.create(teryt=code, name=f"Działka próbna {code}")
    return Sample(kwargs={"pk": parcel.pk}, marker=parcel.name)


def _coordinator(request) -> None:
    if Role.REGIONAL_COORDINATOR not in request.user.roles:
        raise PermissionDenied


def _page(parcels) -> HttpResponse:
    return HttpResponse("<ul>" + "".join(f"<li>{escape(p.name)}</li>" for p in parcels) + "</ul>")


@login_required
def parcels(request):
    _coordinator(request)
    return _page(Parcel.objects.in_scope(request.user.scope_prefixes))


@login_required
@require_http_methods(["GET", "POST"])
def parcel(request, pk):
    _coordinator(request)
    found = get_in_scope_or_404(Parcel.objects, request.user, pk=pk)
    if request.method == "POST":
        Parcel.objects.in_scope(request.user.scope_prefixes).filter(pk=pk).update(name="changed")
    return _page([found])


@login_required
def leaky_parcels(request):
    _coordinator(request)
    return _page(Parcel.objects.unscoped(reason="the mistake under test"))


@login_required
@require_http_methods(["GET", "POST"])
def leaky_parcel(request, pk):
    _coordinator(request)
    with system_scope("the mistake under test"):
        found = get_object_or_404(Parcel, pk=pk)
        if request.method == "POST":
            Parcel.objects.filter(pk=pk).update(name="changed")
    return _page([found])


COORDINATORS = roles(Role.REGIONAL_COORDINATOR)
RIGHT = {
    "probe:parcels": Policy(read=COORDINATORS, rows=parcel_sample, scoped=True),
    "probe:parcel": Policy(
        read=COORDINATORS, change=COORDINATORS, methods=("POST",), object=parcel_sample, scoped=True
    ),
}
WRONG = {
    "probe:leaky_parcels": Policy(read=COORDINATORS, rows=parcel_sample, scoped=True),
    "probe:leaky_parcel": Policy(
        read=COORDINATORS, change=COORDINATORS, methods=("POST",), object=parcel_sample, scoped=True
    ),
}

probe_patterns = (
    [
        path("parcels/", parcels, name="parcels"),
        path("parcels/<int:pk>/", parcel, name="parcel"),
        path("leaky/", leaky_parcels, name="leaky_parcels"),
        path("leaky/<int:pk>/", leaky_parcel, name="leaky_parcel"),
    ],
    "probe",
)
urlpatterns = [path("probe/", include(probe_patterns)), *project_urlpatterns]
