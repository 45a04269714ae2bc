"""The enrolment pipeline of a voivodeship (a board and a table), an enrolment's page with its steps,
and the recruitment key. Regional coordinators run it in their voivodeship; the national coordinator
reads the pipeline of every region and changes nothing.

Thin views: the workflow is Enrolment.move_to's, the rest services.py's. The role is checked before
the object is looked up (wrong role 403), the territory by the lookup (404).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lacznik.accounts.roles import Role
from lacznik.core.errors import WorkflowError
from lacznik.core.scope import code_in_scope, in_scope
from lacznik.core.text import fold
from lacznik.territory.models import Unit

from . import services
from .forms import AppointmentForm, OfficeForm, SelectionForm, StepForm, WeightsForm
from .models import NEEDS_REASON, Enrolment, Selection, Stage

MANAGE = "advocates.manage_enrolments"
# The national coordinator's permission in this app; with it, the pipeline of every region is readable.
READ_ALL = "advocates.view_coverage"
PAGE_SIZE = 50
# Cards per column of the board; the table shows the rest.
BOARD_LIMIT = 40


def managing_prefixes(user) -> frozenset[str]:
    """Where the user runs the programme: the regional coordinator's scope, with the permission."""
    return user.prefixes_for(Role.REGIONAL_COORDINATOR) if user.has_perm(MANAGE) else frozenset()


def reading_prefixes(user) -> frozenset[str]:
    """Where the user sees the pipeline: the managed territory, and the national coordinator's."""
    prefixes = set(managing_prefixes(user))
    if user.has_perm(READ_ALL):
        prefixes |= user.prefixes_for(Role.NATIONAL_COORDINATOR)
    return frozenset(prefixes)


def _require(prefixes: frozenset[str]) -> frozenset[str]:
    # The role is checked before any lookup: a wrong role gets 403 whatever the object.
    if not prefixes:
        raise PermissionDenied
    return prefixes


def _regions(prefixes) -> list[str]:
    return sorted({prefix[:2] for prefix in prefixes})


def _region_names(codes) -> dict[str, str]:
    return {unit.code: unit.display_name for unit in Unit.objects.filter(code__in=list(codes))}


# --- the pipeline ---------------------------------------------------------------------------------

SORTS = {
    "nazwa": ("unit__search_name", "teryt"),
    "-nazwa": ("-unit__search_name", "-teryt"),
    "teryt": ("teryt",),
    "-teryt": ("-teryt",),
    "etap": ("stage_order", "unit__search_name", "teryt"),
    "-etap": ("-stage_order", "unit__search_name", "teryt"),
    "od": ("stage_since", "unit__search_name", "teryt"),
    "-od": ("-stage_since", "unit__search_name", "teryt"),
}
STAGE_ORDER = Case(
    *[When(stage=stage.value, then=Value(number)) for number, stage in enumerate(Stage)],
    output_field=IntegerField(),
)


def _pipeline_filters(request: HttpRequest, prefixes: frozenset[str]) -> dict:
    """The filters of the board and the table, each checked against what the user may choose."""
    regions = _regions(prefixes)
    region = request.GET.get("woj", "")
    region = region if region in regions and len(regions) > 1 else ""
    powiats = in_scope(Unit.objects.current().powiats(), [region] if region else prefixes, "code")
    powiats = list(in_scope(powiats, prefixes, "code").order_by("code"))
    powiat = request.GET.get("powiat", "")
    powiat = powiat if powiat in {unit.code for unit in powiats} else ""
    kind = request.GET.get("rodzaj", "")
    kind = kind if kind in dict(services.JST_KINDS) else ""
    stage = request.GET.get("etap", "")
    stage = stage if stage in Stage.values else ""
    query = request.GET.get("q", "").strip()[:100]
    return {
        "regions": list(_region_names(regions).items()) if len(regions) > 1 else [],
        "region": region,
        "powiats": powiats,
        "powiat": powiat,
        "kinds": services.JST_KINDS,
        "kind": kind,
        "stages": Stage.choices,
        "stage": stage,
        "query": query,
    }


def _filtered(prefixes: frozenset[str], filters: dict):
    """The enrolments in scope that pass every filter but the stage (the counts per stage use it)."""
    enrolments = Enrolment.objects.in_scope(prefixes).select_related("unit")
    for narrower in (filters["region"], filters["powiat"]):
        if narrower:
            enrolments = enrolments.in_scope([narrower])
    if filters["kind"]:
        enrolments = enrolments.filter(services.kind_filter(filters["kind"]))
    if filters["query"]:
        enrolments = enrolments.filter(unit__search_name__contains=fold(filters["query"]))
    return enrolments


SORT_COLUMNS = [
    ("nazwa", gettext_lazy("Gmina or powiat")),
    ("teryt", gettext_lazy("TERYT code")),
    ("etap", gettext_lazy("Stage")),
    ("od", gettext_lazy("Since")),
]


def _sort_column(key: str, label, sort: str) -> dict:
    """A sortable column: its order now ("ascending", "descending" or none) and the sort its link sets."""
    order = "ascending" if sort == key else "descending" if sort == "-" + key else ""
    return {"label": label, "order": order, "link": "-" + key if sort == key else key}


def _card(enrolment: Enrolment) -> dict:
    return {"enrolment": enrolment, "kind": services.jst_kind_label(enrolment.unit)}


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pipeline(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _start(request)
    prefixes = _require(reading_prefixes(request.user))
    filters = _pipeline_filters(request, prefixes)
    enrolments = _filtered(prefixes, filters)
    counted = dict(enrolments.order_by().values_list("stage").annotate(count=Count("pk")))
    counts = [
        {"value": value, "label": label, "count": counted.get(value, 0)} for value, label in Stage.choices
    ]
    as_table = request.GET.get("widok") == "tabela"
    context = {
        **filters,
        "as_table": as_table,
        "counts": counts,
        "total": sum(counted.values()),
        "may_start": bool(managing_prefixes(request.user)),
    }
    if as_table:
        sort = request.GET.get("sort", "nazwa")
        sort = sort if sort in SORTS else "nazwa"
        rows = enrolments.filter(stage=filters["stage"]) if filters["stage"] else enrolments
        rows = rows.annotate(stage_order=STAGE_ORDER).order_by(*SORTS[sort])
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
        context |= {
            "page": page,
            "rows": [_card(enrolment) for enrolment in page],
            "sort": sort,
            "sort_columns": [_sort_column(key, label, sort) for key, label in SORT_COLUMNS],
        }
    else:
        shown = [filters["stage"]] if filters["stage"] else Stage.values
        columns = []
        for entry in counts:
            if entry["value"] not in shown:
                continue
            cards = enrolments.filter(stage=entry["value"]).order_by("unit__search_name", "teryt")[
                :BOARD_LIMIT
            ]
            columns.append({**entry, "cards": [_card(enrolment) for enrolment in cards]})
        context["columns"] = columns
        context["board_limit"] = BOARD_LIMIT
    return render(request, "advocates/pipeline.html", context)


def _start(request: HttpRequest) -> HttpResponse:
    """Enrol every gmina and powiat of the coordinator's territory not enrolled yet."""
    prefixes = _require(managing_prefixes(request.user))
    if request.POST.get("action") != "start":
        messages.error(request, _("Choose what to do."))
        return redirect("advocates:pipeline")
    added = sum(services.start_pipeline(prefix, request.user) for prefix in sorted(prefixes))
    if added:
        messages.success(
            request,
            ngettext(
                "%(count)d gmina or powiat was added to the pipeline as not contacted.",
                "%(count)d gminas and powiats were added to the pipeline as not contacted.",
                added,
            )
            % {"count": added},
        )
    else:
        messages.info(request, _("Every gmina and powiat of your territory is already in the pipeline."))
    return redirect("advocates:pipeline")


# --- one enrolment --------------------------------------------------------------------------------


def _enrolment_page(
    request: HttpRequest,
    enrolment: Enrolment,
    *,
    step_form: StepForm | None = None,
    office_form: OfficeForm | None = None,
    appointment_form: AppointmentForm | None = None,
) -> HttpResponse:
    may_change = code_in_scope(enrolment.teryt, managing_prefixes(request.user))
    if may_change:
        step_form = step_form or StepForm(enrolment=enrolment)
        office_form = office_form or OfficeForm(instance=enrolment)
        if enrolment.stage == Stage.AGREEMENT_SIGNED:
            appointment_form = appointment_form or AppointmentForm(initial={"appointed_on": timezone.localdate()})
    return render(
        request,
        "advocates/enrolment.html",
        {
            "enrolment": enrolment,
            "kind": services.jst_kind_label(enrolment.unit),
            "head_title": enrolment.head_title or services.default_head_title(enrolment.unit),
            "may_change": may_change,
            "step_form": step_form if may_change else None,
            "office_form": office_form if may_change else None,
            "appointment_form": appointment_form if may_change else None,
            "advocates": enrolment.advocates.unscoped(reason="the advocates of an enrolment already in scope")
            .select_related("user")
            .order_by("-appointed_on"),
            "needs_reason": [Stage(stage).label for stage in Stage if stage in NEEDS_REASON],
            "steps": enrolment.steps.select_related("by").order_by("on", "pk"),
        },
    )


def _enrolment_or_404(prefixes: frozenset[str], pk: int) -> Enrolment:
    # One 404 for "missing" and "outside your territory" (as core.scope.get_in_scope_or_404).
    return get_object_or_404(Enrolment.objects.in_scope(prefixes).select_related("unit__parent"), pk=pk)


@login_required
@require_safe
def enrolment(request: HttpRequest, pk: int) -> HttpResponse:
    prefixes = _require(reading_prefixes(request.user))
    return _enrolment_page(request, _enrolment_or_404(prefixes, pk))


@login_required
@require_POST
def enrolment_step(request: HttpRequest, pk: int) -> HttpResponse:
    """Take the next step; an illegal one (whatever sent it) gets move_to's message and changes nothing."""
    prefixes = _require(managing_prefixes(request.user))
    enrolment = _enrolment_or_404(prefixes, pk)
    form = StepForm(request.POST, enrolment=enrolment)
    if form.is_valid():
        try:
            services.take_step(
                enrolment=enrolment,
                stage=form.cleaned_data["stage"],
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("%(jst)s is now: %(stage)s.")
                % {"jst": enrolment.unit.name, "stage": enrolment.get_stage_display()},
            )
            return redirect(enrolment.get_absolute_url())
    return _enrolment_page(request, enrolment, step_form=form)


@login_required
@require_POST
def enrolment_appoint(request: HttpRequest, pk: int) -> HttpResponse:
    """Appoint the advocate: the person gets an account with the advocate role in the JST."""
    prefixes = _require(managing_prefixes(request.user))
    enrolment = _enrolment_or_404(prefixes, pk)
    form = AppointmentForm(request.POST)
    if form.is_valid():
        try:
            services.appoint_advocate(
                enrolment=enrolment, by=request.user, site_url=request.build_absolute_uri("/"), **form.cleaned_data
            )
        except WorkflowError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The advocate was appointed and invited by e-mail."))
            return redirect(enrolment.get_absolute_url())
    return _enrolment_page(request, enrolment, appointment_form=form)


@login_required
@require_POST
def enrolment_office(request: HttpRequest, pk: int) -> HttpResponse:
    prefixes = _require(managing_prefixes(request.user))
    enrolment = _enrolment_or_404(prefixes, pk)
    form = OfficeForm(request.POST, instance=enrolment)
    if form.is_valid():
        services.save_office(enrolment=form.save(commit=False), by=request.user)
        messages.success(request, _("The details of the office were saved."))
        return redirect(enrolment.get_absolute_url())
    # The page shows the stored values beside the form with the ones sent.
    return _enrolment_page(request, _enrolment_or_404(prefixes, pk), office_form=form)


# --- the recruitment key --------------------------------------------------------------------------


def _weights_query(weights: dict[str, int]) -> str:
    return urlencode(sorted(weights.items()))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def selection(request: HttpRequest) -> HttpResponse:
    prefixes = _require(managing_prefixes(request.user))
    regions = _regions(prefixes)
    data = request.POST if request.method == "POST" else request.GET
    region = data.get("woj", "") if data.get("woj", "") in regions else regions[0]
    region_prefixes = [prefix for prefix in prefixes if prefix[:2] == region]
    keys = {criterion.key for criterion in services.available_criteria()}

    if request.method == "POST":
        codes = list(services.candidates_in(region_prefixes).values_list("teryt", flat=True))
        form = SelectionForm(request.POST, candidates=codes)
        weights = form.weights()
        if form.is_valid():
            chosen = set(form.cleaned_data["chosen"])
            ranked = services.rank(prefixes=region_prefixes, weights=weights)
            result = services.save_selection(
                region=region,
                name=form.cleaned_data["name"],
                weights=weights,
                chosen=[item for item in ranked if item.enrolment.teryt in chosen],
                move_to_selected=form.cleaned_data["move_to_selected"],
                by=request.user,
            )
            _report_selection(request, result)
            query = (
                urlencode({"woj": region}) + "&" + _weights_query(weights)
                if len(regions) > 1
                else _weights_query(weights)
            )
            return redirect(reverse("advocates:selection") + "?" + query)
        weights_form = WeightsForm(initial=weights)
    else:
        weights_form = WeightsForm(request.GET if keys & set(request.GET) else None)
        weights = weights_form.weights()
        form = SelectionForm(
            candidates=[],
            initial={
                **weights,
                "name": _("Recruitment key of %(date)s") % {"date": timezone.localdate().isoformat()},
            },
        )
    ranked = services.rank(prefixes=region_prefixes, weights=weights)
    chosen = set(form["chosen"].value() or []) if form.is_bound else set()
    saved = list(Selection.objects.filter(region=region).select_related("created_by")[:20])
    names = {
        enrolment.teryt: enrolment.unit.name
        for enrolment in Enrolment.objects.in_scope(region_prefixes)
        .filter(teryt__in={code for item in saved for code in item.chosen})
        .select_related("unit")
    }
    return render(
        request,
        "advocates/selection.html",
        {
            "weights_form": weights_form,
            "form": form,
            "weights": weights,
            "ranked": ranked,
            "chosen": chosen,
            "kind_fields": weights_form.fields_of("kind"),
            "other_fields": weights_form.fields_of(""),
            "unavailable": services.unavailable_criteria(),
            "regions": list(_region_names(regions).items()) if len(regions) > 1 else [],
            "region": region,
            "saved": [
                {
                    "selection": item,
                    "weights": [
                        (services.CRITERIA_BY_KEY[key].label, value)
                        for key, value in item.weights.items()
                        if key in services.CRITERIA_BY_KEY
                    ],
                    "chosen": [names.get(code, code) for code in item.chosen],
                    "query": _weights_query(item.weights),
                }
                for item in saved
            ],
        },
    )


def _report_selection(request: HttpRequest, result: services.SelectionResult) -> None:
    chosen = len(result.selection.chosen)
    messages.success(
        request,
        ngettext(
            "The selection “%(name)s” was saved with %(count)d JST.",
            "The selection “%(name)s” was saved with %(count)d JSTs.",
            chosen,
        )
        % {"name": result.selection.name, "count": chosen},
    )
    if result.moved:
        messages.success(
            request,
            ngettext(
                "%(count)d JST moved to “selected for the pilot”.",
                "%(count)d JSTs moved to “selected for the pilot”.",
                len(result.moved),
            )
            % {"count": len(result.moved)},
        )
    if result.not_moved:
        messages.warning(
            request,
            _("Not moved, because their stage does not allow it (send the cover letter first): %(names)s.")
            % {"names": ", ".join(enrolment.unit.name for enrolment in result.not_moved)},
        )


urlpatterns = [
    path("", pipeline, name="pipeline"),
    path("jst/<int:pk>/", enrolment, name="enrolment"),
    path("jst/<int:pk>/krok/", enrolment_step, name="enrolment_step"),
    path("jst/<int:pk>/urzad/", enrolment_office, name="enrolment_office"),
    path("jst/<int:pk>/powolanie/", enrolment_appoint, name="enrolment_appoint"),
    path("klucz-naboru/", selection, name="selection"),
]
