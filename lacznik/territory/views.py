from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .models import Unit


# TODO(#3): browsing pages, search and counts are being built (helper session).
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "territory/index.html", {"units": Unit.objects.current().voivodeships()})


def unit(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "territory/unit.html", {"unit": get_object_or_404(Unit, code=code)})
