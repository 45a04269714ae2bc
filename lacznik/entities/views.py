from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from .filters import catalogue as filter_catalogue
from .filters import public_entities

PAGE_SIZE = 20


def catalogue(request: HttpRequest) -> HttpResponse:
    found = filter_catalogue(request.GET, public_entities())
    return render(request, "entities/catalogue.html", {"catalogue": found})


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    entity = get_object_or_404(public_entities(), pk=pk)
    return render(request, "entities/detail.html", {"entity": entity})
