"""Coverage of the advocates programme, the public list of advocates and the pilot's case study
(issue #6 points 8 and 9).

- `coverage`: regional coordinators see their voivodeship, the national coordinator all 16 (or one,
  picked): gminas and powiats by stage and with an advocate in office, per powiat, per unit, on a map
  of the boundaries (lacznik/core/static/core/choropleth.js in its categorical mode, no tile server),
  with CSV and XLSX exports of the table. The counting is lacznik.advocates.coverage.
- `public_list`: everyone sees the JSTs with an advocate in office, and the advocate's contact e-mail
  only when the advocate agreed to publish it.
- `case_study`: a regional coordinator generates the report of the pilot as PDF and DOCX
  (lacznik.advocates.case_study), on request.
"""

import csv
import io
import tempfile
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from lacznik.accounts.roles import Role
from lacznik.core.scope import prefix_q
from lacznik.core.text import neutralise_formula
from lacznik.entities.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, XML_ILLEGAL
from lacznik.territory.boundaries import GMINA, POWIAT, VOIVODESHIP, boundary_url
from lacznik.territory.models import Unit

from . import case_study, coverage
from .models import Advocate, Stage

COVERAGE_ROLES = (Role.REGIONAL_COORDINATOR, Role.NATIONAL_COORDINATOR)
ALL_VOIVODESHIPS = frozenset(f"{number:02d}" for number in range(2, 33, 2))
MAP_LEVELS = {GMINA.param: GMINA, POWIAT.param: POWIAT}
PUBLIC_PAGE_SIZE = 50
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def voivodeship_names() -> dict[str, str]:
    return {unit.code: unit.display_name for unit in Unit.objects.current().voivodeships()}


@dataclass(frozen=True)
class Territory:
    """Where a coordinator looks: the prefixes counted, the voivodeship picked ("" for all of the
    user's territory) and the voivodeships the user may pick from (more than one: a picker)."""

    prefixes: tuple[str, ...]
    region: str
    regions: list[tuple[str, str]]
    name: str

    @property
    def query(self) -> str:
        return f"woj={self.region}" if self.region and len(self.regions) > 1 else ""


def territory_of(request: HttpRequest, *held: str) -> Territory:
    """The territory of the user's coordinator roles `held`, narrowed to the voivodeship ?woj= when
    it is one of theirs (anything else is ignored: the whole territory is shown)."""
    prefixes = sorted(request.user.prefixes_for(*held))
    names = voivodeship_names()
    codes = sorted({prefix[:2] for prefix in prefixes})
    wanted = request.GET.get("woj", "")
    region = codes[0] if len(codes) == 1 else wanted if wanted in codes else ""
    shown = tuple(prefix for prefix in prefixes if prefix.startswith(region))
    if region:
        name = names.get(region, region)
    elif set(prefixes) >= ALL_VOIVODESHIPS:
        name = _("the whole country")
    else:
        name = ", ".join(names.get(prefix, prefix) for prefix in prefixes)
    return Territory(
        prefixes=shown, region=region, regions=[(code, names.get(code, code)) for code in codes], name=name
    )


# --- coverage -------------------------------------------------------------------------------------


def _map_level(request: HttpRequest):
    return MAP_LEVELS.get(request.GET.get("poziom") or GMINA.param)


@login_required
@permission_required("advocates.view_coverage", raise_exception=True)
@require_safe
def coverage_page(request: HttpRequest) -> HttpResponse:
    territory = territory_of(request, *COVERAGE_ROLES)
    level = _map_level(request) or GMINA
    # Per powiat for one voivodeship; the whole country is compared by voivodeship.
    summary = coverage.summarise(territory.prefixes, per_powiat=bool(territory.region))
    # One row per unit for one voivodeship (a few hundred); the whole country is in the exports.
    rows = coverage.unit_rows(territory.prefixes) if territory.region else []
    query = territory.query
    map_query = f"poziom={level.param}" + (f"&{query}" if query else "")
    context = {
        "territory": territory,
        "summary": summary,
        "stage_lines": list(zip(summary.gminas.lines, summary.powiats.lines, strict=True)),
        "rows": rows,
        "query": query,
        "level": level,
        "levels": [
            (
                choice,
                f"{reverse('advocates:coverage')}?poziom={choice.param}" + (f"&{query}" if query else ""),
            )
            for choice in MAP_LEVELS.values()
        ],
        "map_query": map_query,
        "boundaries_url": boundary_url(level),
        "outline_url": boundary_url(VOIVODESHIP),
        "categories": coverage.CATEGORIES,
    }
    return render(request, "advocates/coverage.html", context)


@login_required
@permission_required("advocates.view_coverage", raise_exception=True)
@require_safe
def coverage_map(request: HttpRequest) -> JsonResponse:
    """{"level", "digits", "counts": {join key: category}, "categories": [{value, label, colour}]}:
    every gmina (joined on its first 6 digits) or powiat of the territory, for core/choropleth.js."""
    level = _map_level(request)
    if level is None:
        error = _("Unknown level; use one of: %(choices)s.") % {"choices": ", ".join(MAP_LEVELS)}
        return JsonResponse({"error": error}, status=400)
    territory = territory_of(request, *COVERAGE_ROLES)
    values = coverage.map_values(territory.prefixes, level)
    return JsonResponse(
        {
            "level": level.param,
            "digits": level.digits,
            "counts": values,
            "categories": [
                {"value": category.value, "label": str(category.label), "colour": category.colour}
                for category in coverage.CATEGORIES
            ],
        }
    )


def export_columns() -> list[str]:
    return [
        _("TERYT code"),
        _("JST"),
        _("Kind"),
        _("Powiat"),
        _("Voivodeship"),
        _("Stage"),
        _("In this stage since"),
        _("Advocate in office"),
        _("On the map"),
    ]


def export_rows(prefixes: tuple[str, ...]) -> list[list[Any]]:
    """One row per gmina and powiat of the territory: the page's table with the powiat and
    voivodeship named."""
    rows = coverage.unit_rows(prefixes)
    names = coverage.names_of({row.code[:4] for row in rows} | {row.code[:2] for row in rows})
    yes, no = _("yes"), _("no")
    return [
        [
            row.code,
            row.name,
            str(row.kind_label),
            names.get(row.code[:4], row.code[:4]),
            names.get(row.code[:2], row.code[:2]),
            str(row.stage_label),
            row.since.isoformat() if row.since else "",
            yes if row.advocate_in_office else no,
            str(row.category.label),
        ]
        for row in rows
    ]


def summary_rows(summary: coverage.Summary) -> list[list[Any]]:
    """The page's numbers by stage: (level, stage, units, per cent), then the advocates in office."""
    out: list[list[Any]] = []
    for label, tally in ((_("gminas"), summary.gminas), (_("powiats"), summary.powiats)):
        for _stage, stage_label, count, share in tally.lines:
            out.append([label, str(stage_label), count, share])
        out.append([label, _("advocate in office"), tally.with_advocate, tally.with_advocate_percent])
        out.append([label, _("all"), tally.total, 100.0 if tally.total else 0.0])
    return out


def _filename(territory: Territory, extension: str) -> str:
    where = territory.region or "kraj"
    return f"zasieg-rzecznikow-{where}-{timezone.localdate().isoformat()}.{extension}"


@login_required
@permission_required("advocates.view_coverage", raise_exception=True)
@require_safe
def coverage_export_csv(request: HttpRequest) -> HttpResponse:
    """The table of units as CSV: UTF-8 with a byte-order mark, CRLF, texts that look like formulas
    marked with an apostrophe (as lacznik/entities/exports.py)."""
    territory = territory_of(request, *COVERAGE_ROLES)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(export_columns())
    for row in export_rows(territory.prefixes):
        writer.writerow([neutralise_formula(cell) if isinstance(cell, str) else cell for cell in row])
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(territory, "csv")}"'
    return response


@login_required
@permission_required("advocates.view_coverage", raise_exception=True)
@require_safe
def coverage_export_xlsx(request: HttpRequest) -> FileResponse:
    """The table of units (first sheet) and the numbers by stage (second sheet) as a workbook."""
    territory = territory_of(request, *COVERAGE_ROLES)
    target = tempfile.TemporaryFile()
    try:
        _write_xlsx(
            target,
            units=export_rows(territory.prefixes),
            summary=summary_rows(coverage.summarise(territory.prefixes, per_powiat=False)),
        )
    except BaseException:
        target.close()
        raise
    target.seek(0)
    return FileResponse(
        target, as_attachment=True, filename=_filename(territory, "xlsx"), content_type=XLSX_CONTENT_TYPE
    )


def _write_xlsx(target, *, units: list[list[Any]], summary: list[list[Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)

    def sheet_of(title: str, header: list[str], rows: list[list[Any]]) -> None:
        sheet = workbook.create_sheet(title)

        def cell(value: Any) -> Any:
            if not isinstance(value, str):
                return value
            # A text is always a string cell, never a formula (as lacznik/entities/exports.py).
            text = WriteOnlyCell(sheet, value=XML_ILLEGAL.sub("", value))
            text.data_type = "s"
            return text

        sheet.append([cell(value) for value in header])
        for row in rows:
            sheet.append([cell(value) for value in row])

    sheet_of(_("Units")[:31], export_columns(), units)
    sheet_of(_("Summary")[:31], [_("Level"), _("Stage"), _("Units"), _("Share of units (%)")], summary)
    workbook.save(target)


# --- the public list ------------------------------------------------------------------------------


class PublicFilters(forms.Form):
    woj = forms.ChoiceField(label=gettext_lazy("Voivodeship"), required=False)
    pow = forms.ChoiceField(label=gettext_lazy("Powiat"), required=False)

    def __init__(self, data, *, names: dict[str, str]) -> None:
        super().__init__(data)
        self.fields["woj"].choices = [("", _("all voivodeships"))] + sorted(names.items())
        region = data.get("woj", "")
        powiats = []
        if region in names:
            powiats = [
                (unit.code, unit.name)
                for unit in Unit.objects.current().powiats().filter(code__startswith=region).alphabetical()
            ]
        self.fields["pow"].choices = [("", _("all powiats"))] + powiats
        self.has_powiats = bool(powiats)

    def chosen(self) -> str:
        """The narrowest valid territory chosen ("" for everywhere); invalid values are left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        region = data.get("woj", "") if "woj" not in self.errors else ""
        powiat = data.get("pow", "") if "pow" not in self.errors else ""
        return powiat if powiat and powiat.startswith(region) else region


@dataclass
class PublicRow:
    code: str
    name: str
    kind: object
    powiat: str
    voivodeship: str
    since: date
    email: str  # empty unless the advocate agreed to publish it


def public_advocates():
    """Advocates in office of JSTs (still in the register) in the stage APPOINTED, in every region
    (the list is public)."""
    return (
        Advocate.objects.unscoped(reason="the public list of advocates of every region")
        .active()
        .filter(enrolment__stage=Stage.APPOINTED, enrolment__unit__valid_to__isnull=True)
    )


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    names = voivodeship_names()
    form = PublicFilters(request.GET, names=names)
    prefix = form.chosen()
    advocates = public_advocates()
    if prefix:
        advocates = advocates.filter(prefix_q([prefix]))
    advocates = advocates.select_related("enrolment__unit", "user").order_by("teryt", "pk")
    page = Paginator(advocates, PUBLIC_PAGE_SIZE).get_page(request.GET.get("page"))
    codes = {advocate.teryt[:4] for advocate in page} | {advocate.teryt[:2] for advocate in page}
    places = coverage.names_of(codes)
    rows = []
    for advocate in page:
        unit = advocate.enrolment.unit
        rows.append(
            PublicRow(
                code=advocate.teryt,
                name=unit.name,
                kind=coverage.kind_label(unit.code, unit.level, unit.kind),
                powiat=places.get(advocate.teryt[:4], "") if len(advocate.teryt) > 4 else "",
                voivodeship=places.get(advocate.teryt[:2], ""),
                since=advocate.appointed_on,
                # Published only with the advocate's consent (Advocate.publish_contact).
                email=advocate.user.email if advocate.publish_contact else "",
            )
        )
    context = {"form": form, "page": page, "rows": rows, "filtered": bool(prefix)}
    return render(request, "advocates/public_list.html", context)


# --- the case study -------------------------------------------------------------------------------


def _case_study_territory(request: HttpRequest) -> Territory:
    return territory_of(request, Role.REGIONAL_COORDINATOR)


@login_required
@permission_required("advocates.manage_enrolments", raise_exception=True)
@require_safe
def case_study_page(request: HttpRequest) -> HttpResponse:
    territory = _case_study_territory(request)
    study = None
    if territory.region:
        study = case_study.build_case_study(territory.prefixes, territory.name)
    context = {
        "territory": territory,
        "study": study,
        "blocks": case_study.blocks(study) if study else [],
        "query": territory.query,
    }
    return render(request, "advocates/case_study.html", context)


def _study_or_404(request: HttpRequest) -> tuple[Territory, case_study.CaseStudy]:
    territory = _case_study_territory(request)
    if not territory.region:
        raise Http404(_("Choose a voivodeship."))
    return territory, case_study.build_case_study(territory.prefixes, territory.name)


def _study_filename(territory: Territory, extension: str) -> str:
    return f"studium-przypadku-rzecznicy-{territory.region}-{timezone.localdate().isoformat()}.{extension}"


@login_required
@permission_required("advocates.manage_enrolments", raise_exception=True)
@require_safe
def case_study_pdf(request: HttpRequest) -> HttpResponse:
    territory, study = _study_or_404(request)
    response = HttpResponse(case_study.case_study_pdf(study), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_study_filename(territory, "pdf")}"'
    return response


@login_required
@permission_required("advocates.manage_enrolments", raise_exception=True)
@require_safe
def case_study_docx(request: HttpRequest) -> HttpResponse:
    territory, study = _study_or_404(request)
    response = HttpResponse(case_study.case_study_docx(study), content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_study_filename(territory, "docx")}"'
    return response


urlpatterns = [
    path("zasieg/", coverage_page, name="coverage"),
    path("zasieg/mapa.json", coverage_map, name="coverage_map"),
    # Suffixes, so that a browser (and the crawl of the quality harness) knows them for downloads.
    path("zasieg/eksport.csv", coverage_export_csv, name="coverage_export_csv"),
    path("zasieg/eksport.xlsx", coverage_export_xlsx, name="coverage_export_xlsx"),
    path("lista/", public_list, name="public_list"),
    path("studium-przypadku/", case_study_page, name="case_study"),
    path("studium-przypadku/raport.pdf", case_study_pdf, name="case_study_pdf"),
    path("studium-przypadku/raport.docx", case_study_docx, name="case_study_docx"),
]
