"""Open data: downloads of the filtered catalogue (CSV, XLSX, JSON) and the page that documents them.

The downloads take the catalogue page's query string (lacznik.entities.filters), so the list a visitor
sees is the list they download. Everything here is public and read-only.
"""

import tempfile

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from lacznik.core.policy import PUBLIC, Policy, Sample

from . import exports
from .filters import SORTS, Catalogue, CatalogueFilter, catalogue, public_entities
from .models import LegalForm


def _export(request: HttpRequest) -> tuple[Catalogue, exports.Export]:
    found = catalogue(request.GET, public_entities())
    export = exports.Export(
        found.in_order(),
        base_url=request.build_absolute_uri("/"),
        filters=exports.used_filters(request.GET),
    )
    return found, export


def _refused(found: Catalogue) -> HttpResponse:
    # A download link with a filter the page would refuse: say which, rather than an empty file.
    lines = [_("The list was not exported: a filter is not valid.")]
    for name, errors in found.filterset.errors.items():
        lines += [f"{name}: {error}" for error in errors]
    return HttpResponse("\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8")


def _described(response: HttpResponse, export: exports.Export) -> HttpResponse:
    # RFC 8288 links: where the columns are documented and which licence applies (a CSV file has no
    # room for it inside).
    response["Link"] = (
        f'<{export.documentation_url}>; rel="describedby", <{exports.LICENCE_URL}>; rel="license"'
    )
    response["X-Licence"] = exports.LICENCE_CODE
    return response


@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    found, export = _export(request)
    if not found.is_valid:
        return _refused(found)
    response = StreamingHttpResponse(export.csv(), content_type=exports.CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export.filename("csv")}"'
    return _described(response, export)


@require_safe
def export_json(request: HttpRequest) -> HttpResponse:
    found, export = _export(request)
    if not found.is_valid:
        return _refused(found)
    response = StreamingHttpResponse(export.json(), content_type=exports.JSON_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{export.filename("json")}"'
    return _described(response, export)


@require_safe
def export_xlsx(request: HttpRequest) -> HttpResponse:
    found, export = _export(request)
    if not found.is_valid:
        return _refused(found)
    # openpyxl writes a zip file, which needs seeking: build it in a temporary file, then stream the
    # file (FileResponse closes it, and so deletes it, when the download ends).
    target = tempfile.TemporaryFile()
    try:
        export.xlsx(target)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    response = FileResponse(
        target, as_attachment=True, filename=export.filename("xlsx"), content_type=exports.XLSX_CONTENT_TYPE
    )
    return _described(response, export)


@require_safe
def open_data(request: HttpRequest) -> HttpResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    examples = [
        (
            _("Social enterprises of Warmińsko-Mazurskie, as CSV"),
            reverse("entities:export_csv") + "?teryt=28&ps=1",
        ),
        (
            _("Social cooperatives offering catering, as XLSX"),
            reverse("entities:export_xlsx") + "?q=catering&forma=spoldzielnia-socjalna",
        ),
        (
            _("Entities of Warsaw whose offer is in CPV division 55, as JSON"),
            reverse("entities:export_json") + "?teryt=1465&cpv=55",
        ),
        (
            _("The API: the first 20 entities found by a search"),
            reverse("api-1:list_entities") + "?q=spoldzielnia+socjalna",
        ),
        (
            _("The API: entities 101 to 200 of the Mazowieckie voivodeship"),
            reverse("api-1:list_entities") + "?teryt=14&limit=100&offset=100",
        ),
    ]
    filters = CatalogueFilter.base_filters
    parameters = [
        ("q", _("Words to search for; diacritics and grammatical forms do not matter.")),
        ("forma", _("Legal form code; repeat the parameter for several forms.")),
        ("ps", _("1: social enterprises only; 0: entities without the status.")),
        ("teryt", _("TERYT code prefix: 2 digits a voivodeship, 4 a powiat, 7 a gmina.")),
        (
            "woj",
            _(
                "The catalogue page's territory pickers send woj (2 digits), pow (4) and gmi (7); the "
                "downloads and the API take them too, and they narrow as teryt does."
            ),
        ),
        ("cpv", _("CPV division (2 digits), group (3 digits) or a whole code of the offer.")),
        ("znak", _("Code of a mark the entity holds, e.g. zakup-prospoleczny.")),
        ("sort", _("Order: trafnosc (relevance, with q), nazwa, -nazwa, najnowsze.")),
    ]
    context = {
        "columns": exports.COLUMNS,
        "legal_forms": LegalForm.choices,
        "parameters": [(name, filters[name].label, meaning) for name, meaning in parameters],
        "sorts": SORTS,
        "examples": [(label, base + url) for label, url in examples],
        "licence_name": exports.LICENCE_NAME,
        "licence_text": exports.LICENCE_TEXT,
        "licence_url": exports.LICENCE_URL,
        "attribution": exports.ATTRIBUTION,
        "list_separator": exports.LIST_SEPARATOR,
        "api_list_url": base + reverse("api-1:list_entities"),
        "openapi_url": reverse("api-1:openapi-view"),
    }
    return render(request, "entities/open_data.html", context)


urlpatterns = [
    path("katalog/eksport.csv", export_csv, name="export_csv"),
    path("katalog/eksport.xlsx", export_xlsx, name="export_xlsx"),
    path("katalog/eksport.json", export_json, name="export_json"),
    path("katalog/dane-otwarte/", open_data, name="open_data"),
]


# --- who may call them -----------------------------------------------------------------------------


def _entity(code: str) -> Sample:
    # Imported here: lacznik.entities.policy imports this module.
    from .policy import entity_sample

    return entity_sample(code)


def _api_entity(code: str) -> Sample:
    sample = _entity(code)
    return Sample(kwargs={"entity_id": sample.kwargs["pk"]}, marker=sample.marker)


# Open data: every download, the page and the API are public and read-only (GET and HEAD only).
# The matrix does not read streamed answers for rows; tests/entities/test_exports.py checks that the
# downloads hold exactly the filtered rows of every region.
POLICIES: dict[str, Policy] = {
    "entities:export_csv": Policy(read=PUBLIC),
    "entities:export_xlsx": Policy(read=PUBLIC),
    "entities:export_json": Policy(read=PUBLIC),
    "entities:open_data": Policy(read=PUBLIC),
    "api-1:list_entities": Policy(read=PUBLIC, rows=_entity),
    "api-1:get_entity": Policy(read=PUBLIC, object=_api_entity),
}
