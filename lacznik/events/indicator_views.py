"""Participant indicators against the programme's targets, their exports, and keeping the targets
(issue #7 point 5). The counting is lacznik.events.indicators; these views choose the territory
(the user's, or one voivodeship of it), read the filters from the query string and render.
"""

import csv
import io
import tempfile
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.validators import MinValueValidator
from django.http import FileResponse, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lacznik.accounts.forms import StyledFormMixin
from lacznik.accounts.roles import Role
from lacznik.core.policy import NOBODY, Policy, Sample, roles
from lacznik.core.scope import code_in_scope
from lacznik.core.text import neutralise_formula
from lacznik.entities.exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, XML_ILLEGAL
from lacznik.territory.models import Unit

from . import indicators
from .indicators import VOIVODESHIPS, Filters
from .models import Event, EventKind, Target

COORDINATOR_ROLES = (Role.REGIONAL_COORDINATOR, Role.NATIONAL_COORDINATOR)


def voivodeship_names() -> dict[str, str]:
    return {unit.code: unit.display_name for unit in Unit.objects.current().voivodeships()}


def _prefixes(user) -> tuple[str, ...]:
    """The territory in which the user sees indicators: where they hold a coordinator's role."""
    return tuple(sorted(user.prefixes_for(*COORDINATOR_ROLES)))


def manageable_regions(user) -> set[str]:
    """The regions whose targets the user may add and edit: their whole voivodeships, and "" (the
    national targets) for a national coordinator."""
    if not user.has_perm("events.manage_events"):
        return set()
    regions = {prefix for prefix in user.prefixes_for(*COORDINATOR_ROLES) if len(prefix) == 2}
    if Role.NATIONAL_COORDINATOR in user.roles:
        regions.add("")
    return regions


# --- the filters --------------------------------------------------------------------------------------


class IndicatorFilters(forms.Form):
    woj = forms.ChoiceField(label=gettext_lazy("Voivodeship"), required=False)
    rok = forms.ChoiceField(label=gettext_lazy("Year"), required=False)
    projekt = forms.ChoiceField(label=gettext_lazy("Project"), required=False)
    rodzaj = forms.ChoiceField(label=gettext_lazy("Kind of event"), required=False)
    porownaj = forms.ChoiceField(label=gettext_lazy("Compare the regions by"), required=False)

    def __init__(self, data: QueryDict, *, prefixes: tuple[str, ...], names: dict[str, str]) -> None:
        super().__init__(data)
        self.prefixes = prefixes
        self.regions = [code for code in VOIVODESHIPS if code_in_scope(code, prefixes)]
        self.fields["woj"].choices = [("", _("the whole territory"))] + [
            (code, names.get(code, code)) for code in self.regions
        ]
        events = Event.objects.in_scope(prefixes)
        # The years in which the territory's events start, in local time.
        years = sorted({moment.year for moment in events.datetimes("starts_at", "year")}, reverse=True)
        self.fields["rok"].choices = [("", _("all years"))] + [(str(year), str(year)) for year in years]
        projects = sorted(set(events.exclude(project="").values_list("project", flat=True)), key=str.lower)
        self.fields["projekt"].choices = [("", _("all projects"))] + [(name, name) for name in projects]
        self.fields["rodzaj"].choices = [("", _("all kinds"))] + list(EventKind.choices)
        national = Target.objects.filter(region="").order_by("label")
        self.fields["porownaj"].choices = [
            ("persons", _("unique persons who attended")),
            ("events", _("events held")),
        ] + [(str(target.pk), _("target: %(label)s") % {"label": target.label}) for target in national]

    @property
    def compares(self) -> bool:
        """The comparison of regions is for whoever sees more than one."""
        return len(self.regions) > 1

    def chosen(self) -> tuple[Filters, str]:
        """The filters to count with and the region chosen ("" none); invalid values are left out
        (the form shows their errors)."""
        self.is_valid()
        data = {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if name not in self.errors
        }
        year = data.get("rok")
        filters = Filters(
            prefixes=self.prefixes,
            year=int(year) if year else None,
            project=data.get("projekt", ""),
            kind=data.get("rodzaj", ""),
        )
        region = data.get("woj", "")
        return filters.narrowed_to(region), region


def _territory_label(region: str, filters: Filters, names: dict[str, str]) -> str:
    if region:
        return names.get(region, region)
    if set(VOIVODESHIPS) <= set(filters.prefixes):
        return _("the whole country")
    return ", ".join(names.get(prefix, prefix) for prefix in filters.prefixes)


def _report(request: HttpRequest) -> tuple[IndicatorFilters, indicators.Report, str, dict[str, str]]:
    names = voivodeship_names()
    prefixes = _prefixes(request.user)
    form = IndicatorFilters(request.GET, prefixes=prefixes, names=names)
    filters, region = form.chosen()
    report = indicators.build_report(filters)
    report.targets = indicators.progress_of(indicators.visible_targets(filters.prefixes), filters)
    where = _territory_label(region, filters, names)
    for item in report.targets:
        item.where = names.get(item.target.region, item.target.region) if item.target.region else where
    if form.compares:
        # Every region of the user's territory, with the year, project and kind chosen.
        everywhere = Filters(prefixes=prefixes, year=filters.year, project=filters.project, kind=filters.kind)
        choice = form.cleaned_data.get("porownaj", "") if "porownaj" not in form.errors else ""
        report.comparison = indicators.compare_regions(choice, everywhere, names)
    return form, report, where, names


@login_required
@permission_required("events.view_indicators", raise_exception=True)
@require_safe
def indicators_page(request: HttpRequest) -> HttpResponse:
    form, report, where, _names = _report(request)
    query = request.GET.urlencode()
    context = {
        "form": form,
        "report": report,
        "where": where,
        "query": query,
        "may_manage": manageable_regions(request.user),
        "may_add_programme_targets": "" in manageable_regions(request.user),
    }
    return render(request, "events/indicators.html", context)


def _export_rows(request: HttpRequest) -> list[list[Any]]:
    _form, report, _where, names = _report(request)
    return indicators.export_rows(report, names)


@login_required
@permission_required("events.view_indicators", raise_exception=True)
@require_safe
def indicators_export_csv(request: HttpRequest) -> HttpResponse:
    """The numbers of the page (same query string) as CSV: UTF-8 with a byte-order mark, CRLF, texts
    that look like formulas marked with an apostrophe (as lacznik/entities/exports.py)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(indicators.EXPORT_COLUMNS)
    for row in _export_rows(request):
        writer.writerow([neutralise_formula(cell) if isinstance(cell, str) else cell for cell in row])
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode("utf-8"), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = (
        f'attachment; filename="wskazniki-{timezone.localdate().isoformat()}.csv"'
    )
    return response


@login_required
@permission_required("events.view_indicators", raise_exception=True)
@require_safe
def indicators_export_xlsx(request: HttpRequest) -> HttpResponse:
    rows = _export_rows(request)
    target = tempfile.TemporaryFile()
    try:
        _write_xlsx(target, rows)
    except BaseException:
        target.close()
        raise
    target.seek(0)
    filename = f"wskazniki-{timezone.localdate().isoformat()}.xlsx"
    return FileResponse(target, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def _write_xlsx(target, rows: list[list[Any]]) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Wskazniki")

    def cell(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        # As lacznik/entities/exports.py: a text is always a string cell, never a formula.
        text = WriteOnlyCell(sheet, value=XML_ILLEGAL.sub("", value))
        text.data_type = "s"
        return text

    sheet.append(list(indicators.EXPORT_COLUMNS))
    for row in rows:
        sheet.append([cell(value) for value in row])
    workbook.save(target)


# --- keeping targets ----------------------------------------------------------------------------------


class TargetForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = Target
        fields = ["label", "region", "measure", "target_group", "event_kind", "project", "value"]

    def __init__(self, *args: Any, regions: set[str], names: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("whole country (national target)"))] if "" in regions else []
        choices += [(code, names.get(code, code)) for code in VOIVODESHIPS if code in regions]
        # Only a national coordinator may leave the region empty (a national target).
        self.fields["region"] = forms.ChoiceField(
            label=_("Voivodeship"), choices=choices, required="" not in regions
        )
        self.fields["target_group"].help_text = _("Only for a target counting persons; empty: every group.")
        self.fields["event_kind"].help_text = _("Empty: every kind of event.")
        self.fields["project"].help_text = _("Exactly as the events name it; empty: every project.")
        self.fields["value"].validators.append(MinValueValidator(1))
        self.fields["value"].widget.attrs["min"] = 1

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("measure") == Target.Measure.EVENTS and data.get("target_group"):
            self.add_error(
                "target_group", _("Events are counted whoever came: leave the target group empty.")
            )
        return data


def _target_form(request: HttpRequest, target: Target, regions: set[str]) -> HttpResponse:
    names = voivodeship_names()
    form = TargetForm(request.POST or None, instance=target, regions=regions, names=names)
    if request.method == "POST" and form.is_valid():
        indicators.save_target(target=form.save(commit=False), by=request.user)
        messages.success(request, _("The target was saved."))
        return redirect("events:indicators")
    return render(request, "events/targets_form.html", {"form": form, "target": target})


@login_required
@permission_required("events.manage_events", raise_exception=True)
@require_http_methods(["GET", "POST"])
def target_create(request: HttpRequest) -> HttpResponse:
    regions = manageable_regions(request.user)
    if not regions:
        raise PermissionDenied
    return _target_form(request, Target(), regions)


@login_required
@permission_required("events.manage_events", raise_exception=True)
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    regions = manageable_regions(request.user)
    # One 404 for "missing" and "another region's target".
    target = get_object_or_404(Target, pk=pk, region__in=regions)
    return _target_form(request, target, regions)


@login_required
@permission_required("events.manage_events", raise_exception=True)
@require_POST
def targets_default(request: HttpRequest) -> HttpResponse:
    if "" not in manageable_regions(request.user):
        raise PermissionDenied
    added = indicators.add_default_targets(by=request.user)
    messages.success(request, _("Targets of the programme added: %(count)s.") % {"count": len(added)})
    return redirect("events:indicators")


urlpatterns = [
    path("wskazniki/", indicators_page, name="indicators"),
    # Suffixes, so that a browser (and the crawl of the quality harness) knows them for downloads.
    path("wskazniki/eksport.csv", indicators_export_csv, name="indicators_export_csv"),
    path("wskazniki/eksport.xlsx", indicators_export_xlsx, name="indicators_export_xlsx"),
    path("wskazniki/cele/nowy/", target_create, name="target_create"),
    path("wskazniki/cele/<int:pk>/", target_edit, name="target_edit"),
    path("wskazniki/cele/programu/", targets_default, name="targets_default"),
]


# --- who may call them -----------------------------------------------------------------------------


def target_sample(code: str) -> Sample:
    """A target of the voivodeship of `code`; its name shows it on the indicators page."""
    target, _created = Target.objects.get_or_create(
        label=f"Cel próbny województwa {code[:2]}",
        region=code[:2],
        defaults={"measure": Target.Measure.PERSONS, "value": 100},
    )
    return Sample(kwargs={"pk": target.pk}, marker=target.label)


COORDINATORS = roles(*COORDINATOR_ROLES)

POLICIES: dict[str, Policy] = {
    # The indicators of the coordinator's territory, with the targets of its regions and the
    # national ones: a Warmia target never shows to a Mazowsze coordinator.
    "events:indicators": Policy(read=COORDINATORS, rows=target_sample, scoped=True),
    # The same numbers as a file (tests/events/test_indicators.py checks they are the page's).
    "events:indicators_export_csv": Policy(read=COORDINATORS),
    "events:indicators_export_xlsx": Policy(read=COORDINATORS),
    "events:target_create": Policy(read=COORDINATORS, change=COORDINATORS, methods=("POST",)),
    "events:target_edit": Policy(
        read=COORDINATORS, change=COORDINATORS, methods=("POST",), object=target_sample, scoped=True
    ),
    # The programme's national targets: national coordinators only.
    "events:targets_default": Policy(read=NOBODY, change=roles(Role.NATIONAL_COORDINATOR), methods=("POST",)),
}
