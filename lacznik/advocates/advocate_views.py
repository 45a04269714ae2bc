"""The advocate's work (issue #6 points 5-7): the advocate's own page, the support advocates receive,
activity reports with their evidence and the reporting periods, the JST's local action plan, the
cyclical evaluation and the reminders.

Thin views: the rules are activity.py's. The role is checked before any lookup (wrong role 403), the
territory by the lookup (404 for "missing" and "outside your territory" alike).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from lacznik.accounts.roles import Role
from lacznik.core.scope import code_in_scope
from lacznik.territory.models import Unit

from . import activity
from .activity_forms import (
    ActivityReportForm,
    EvaluationForm,
    EvaluationPeriodForm,
    PeriodForm,
    PlanItemForm,
    ReportFilterForm,
    SupportFilterForm,
    SupportForm,
)
from .models import (
    ActionPlanItem,
    ActivityReport,
    Advocate,
    Enrolment,
    Evaluation,
    ReportingPeriod,
    Stage,
    Support,
)

PAGE_SIZE = 50
SUPPORT_PERMISSION = "advocates.record_support"

SUPPORT_READERS = (Role.REGIONAL_COORDINATOR, Role.OWES_ADVISOR, Role.NATIONAL_COORDINATOR)
REPORT_READERS = (Role.ADVOCATE, Role.REGIONAL_COORDINATOR, Role.NATIONAL_COORDINATOR)
PLAN_EDITORS = (Role.ADVOCATE, Role.REGIONAL_COORDINATOR)
COORDINATORS = (Role.REGIONAL_COORDINATOR, Role.NATIONAL_COORDINATOR)


# The section's own menu: each page links the others its reader may open.
LINKS = [
    ("advocates:dashboard", gettext_lazy("My advocate's page"), (Role.ADVOCATE,)),
    ("advocates:reports", gettext_lazy("Activity reports"), REPORT_READERS),
    ("advocates:plan", gettext_lazy("Local action plans"), REPORT_READERS),
    ("advocates:support_list", gettext_lazy("Support for advocates"), SUPPORT_READERS),
    ("advocates:periods", gettext_lazy("Reporting periods"), COORDINATORS),
    ("advocates:evaluations", gettext_lazy("Evaluation"), COORDINATORS),
    ("advocates:reminders", gettext_lazy("Reminders"), COORDINATORS),
]


def _page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    held = request.user.roles
    links = [(name, label) for name, label, granted in LINKS if held & set(granted)]
    return render(request, template, {**context, "activity_links": links})


def roles_required(*granted: str):
    """403 unless the user holds one of the roles (checked before any object is looked up)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not set(granted) & request.user.roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def _advocates(prefixes):
    return Advocate.objects.in_scope(prefixes).select_related("user", "enrolment__unit")


def _closed_periods(regions) -> list[ReportingPeriod]:
    return list(ReportingPeriod.objects.filter(region__in=set(regions), closed_at__isnull=False))


def _is_open(report: ActivityReport, closed: list[ReportingPeriod]) -> bool:
    return not any(
        period.region == report.teryt[:2] and period.starts_on <= report.on <= period.ends_on
        for period in closed
    )


def _extension(report: ActivityReport) -> str:
    return report.attachment.name.rsplit(".", 1)[-1].lower() if report.attachment else ""


def _with_extensions(reports):
    """Each report with the type of its attachment, which the attachment's address ends with."""
    for report in reports:
        report.evidence_extension = _extension(report)
    return reports


def _regions(prefixes) -> list[tuple[str, str]]:
    """The voivodeships a coordinator runs (the 2-digit prefixes), with their names."""
    codes = sorted(prefix for prefix in prefixes if len(prefix) == 2)
    names = {unit.code: unit.display_name for unit in Unit.objects.filter(code__in=codes)}
    return [(code, names.get(code, code)) for code in codes]


# --- the advocate's own page ----------------------------------------------------------------------


@login_required
@roles_required(Role.ADVOCATE)
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    advocacies = list(activity.own_advocacies(request.user))
    reports = activity.reachable(ActivityReport.objects, request.user, Role.ADVOCATE).select_related(
        "advocate__enrolment__unit"
    )
    support = activity.reachable(Support.objects, request.user, Role.ADVOCATE)
    last = reports.aggregate(last=Max("on"))["last"]
    today = timezone.localdate()
    return _page(
        request,
        "advocates/advocate_dashboard.html",
        {
            "advocacies": advocacies,
            "reports": reports[:10],
            "report_count": reports.count(),
            "last_report_on": last,
            "days_since_last_report": (today - last).days if last else None,
            "plan": activity.reachable(ActionPlanItem.objects, request.user, Role.ADVOCATE).select_related(
                "enrolment__unit"
            ),
            "support": support.select_related("advocate__enrolment__unit")[:10],
            "support_totals": [row for row in activity.hours_by_kind(support) if row["count"]],
            "threshold": activity.reminder_threshold_days(),
        },
    )


@login_required
@roles_required(Role.ADVOCATE)
@require_POST
def contact_consent(request: HttpRequest, pk: int) -> HttpResponse:
    """The advocate's consent to show the contact e-mail on the public list, given or withdrawn."""
    advocate = get_object_or_404(activity.own_advocacies(request.user), pk=pk)
    publish = request.POST.get("publish") == "1"
    activity.set_contact_consent(advocate=advocate, publish=publish, by=request.user)
    if publish:
        messages.success(request, _("Your contact e-mail is shown on the public list of advocates."))
    else:
        messages.success(request, _("Your contact e-mail is no longer shown on the public list of advocates."))
    return redirect("advocates:dashboard")


# --- support --------------------------------------------------------------------------------------


@login_required
@roles_required(*SUPPORT_READERS)
@require_safe
def support_list(request: HttpRequest) -> HttpResponse:
    prefixes = activity.support_reader_prefixes(request.user)
    form = SupportFilterForm(request.GET or None, advocates=_advocates(prefixes))
    rows = form.filter(Support.objects.in_scope(prefixes)).select_related(
        "advocate__user", "advocate__enrolment__unit"
    )
    totals = activity.hours_by_kind(rows)
    return _page(
        request,
        "advocates/support_list.html",
        {
            "form": form,
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "totals": totals,
            "total_count": sum(row["count"] for row in totals),
            "total_hours": sum(row["hours"] for row in totals),
            "may_record": request.user.has_perm(SUPPORT_PERMISSION),
        },
    )


def _support_form(request: HttpRequest, support: Support | None) -> HttpResponse:
    prefixes = activity.support_prefixes(request.user)
    advocates = _advocates(prefixes)
    if support is None:
        advocates = advocates.filter(ended_on__isnull=True)
        instance = Support()
    else:
        instance = support
    initial = (
        {"advocate": request.GET.get("rzecznik")} if support is None and request.GET.get("rzecznik") else {}
    )
    form = SupportForm(request.POST or None, instance=instance, advocates=advocates, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            activity.record_support(support=form.save(commit=False), by=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The support was saved."))
            return redirect("advocates:support_list")
    return _page(request, "advocates/support_form.html", {"form": form, "support": support})


@login_required
@permission_required(SUPPORT_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def support_create(request: HttpRequest) -> HttpResponse:
    return _support_form(request, None)


@login_required
@permission_required(SUPPORT_PERMISSION, raise_exception=True)
@require_http_methods(["GET", "HEAD", "POST"])
def support_edit(request: HttpRequest, pk: int) -> HttpResponse:
    support = get_object_or_404(Support.objects.in_scope(activity.support_prefixes(request.user)), pk=pk)
    return _support_form(request, support)


# --- activity reports -----------------------------------------------------------------------------


@login_required
@roles_required(*REPORT_READERS)
@require_safe
def reports(request: HttpRequest) -> HttpResponse:
    own = activity.own_jst_codes(request.user)
    advocates = activity.reachable(Advocate.objects, request.user, *REPORT_READERS)
    form = ReportFilterForm(
        request.GET or None, advocates=advocates.select_related("user", "enrolment__unit")
    )
    reachable = activity.reachable(ActivityReport.objects, request.user, *REPORT_READERS)
    rows = form.filter(reachable).select_related("advocate__user", "advocate__enrolment__unit")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    closed = _closed_periods(report.teryt[:2] for report in page)
    for report in _with_extensions(page):
        report.editable = report.teryt in own and _is_open(report, closed)
    return _page(
        request,
        "advocates/report_list.html",
        {
            "form": form,
            "page": page,
            "may_report": activity.own_advocacies(request.user).exists(),
            "is_advocate": bool(own),
        },
    )


@login_required
@roles_required(Role.ADVOCATE)
@require_http_methods(["GET", "HEAD", "POST"])
def report_create(request: HttpRequest) -> HttpResponse:
    advocacies = activity.own_advocacies(request.user)
    if not advocacies.exists():
        return _page(request, "advocates/report_form.html", {"form": None, "report": None})
    form = ActivityReportForm(
        request.POST or None,
        request.FILES or None,
        advocates=advocacies,
        initial={"on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            report = activity.save_report(
                report=form.save(commit=False), by=request.user, attachment=form.cleaned_data.get("upload")
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The activity was reported."))
            return redirect("advocates:report_detail", pk=report.pk)
    return _page(request, "advocates/report_form.html", {"form": form, "report": None})


def _report_or_404(request: HttpRequest, pk: int, *roles: str) -> ActivityReport:
    return get_object_or_404(
        activity.reachable(ActivityReport.objects, request.user, *roles).select_related(
            "advocate__user", "advocate__enrolment__unit"
        ),
        pk=pk,
    )


@login_required
@roles_required(*REPORT_READERS)
@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _with_extensions([_report_or_404(request, pk, *REPORT_READERS)])[0]
    period = activity.closed_period_on(teryt=report.teryt, on=report.on)
    own = report.teryt in activity.own_jst_codes(request.user)
    return _page(
        request,
        "advocates/report_detail.html",
        {"report": report, "closed_period": period, "may_edit": own and period is None},
    )


@login_required
@roles_required(Role.ADVOCATE)
@require_http_methods(["GET", "HEAD", "POST"])
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    report = _with_extensions([_report_or_404(request, pk, Role.ADVOCATE)])[0]
    if not activity.report_is_editable(report):
        messages.error(
            request, _("The reporting period of this report is closed; it can no longer be changed.")
        )
        return redirect("advocates:report_detail", pk=report.pk)
    form = ActivityReportForm(
        request.POST or None, request.FILES or None, instance=report, advocates=Advocate.objects.none()
    )
    if request.method == "POST" and form.is_valid():
        try:
            activity.save_report(
                report=form.save(commit=False), by=request.user, attachment=form.cleaned_data.get("upload")
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect("advocates:report_detail", pk=report.pk)
    return _page(request, "advocates/report_form.html", {"form": form, "report": report})


@login_required
@roles_required(*REPORT_READERS)
@require_safe
def report_attachment(request: HttpRequest, pk: int, extension: str) -> FileResponse:
    report = _report_or_404(request, pk, *REPORT_READERS)
    if not report.attachment or _extension(report) != extension:
        raise Http404
    return FileResponse(
        report.attachment.open("rb"),
        as_attachment=True,
        filename=f"dowod-{report.pk}.{extension}",
        content_type=activity.ATTACHMENT_CONTENT_TYPES.get(extension, "application/octet-stream"),
    )


# --- reporting periods ----------------------------------------------------------------------------


@login_required
@roles_required(*COORDINATORS)
@require_http_methods(["GET", "HEAD", "POST"])
def periods(request: HttpRequest) -> HttpResponse:
    regions = _regions(request.user.prefixes_for(*COORDINATORS))
    own_regions = _regions(activity.coordinator_prefixes(request.user))
    form = None
    if own_regions:
        form = PeriodForm(request.POST or None, regions=own_regions)
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                activity.open_period(
                    region=form.region,
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The reporting period was opened."))
                return redirect("advocates:periods")
    rows = ReportingPeriod.objects.filter(region__in=[code for code, _name in regions]).order_by(
        "region", "-starts_on"
    )
    names = dict(regions)
    own = {code for code, _name in own_regions}
    for period in rows:
        period.region_name = names.get(period.region, period.region)
        period.may_change = period.region in own
    return _page(request, "advocates/report_periods.html", {"form": form, "periods": rows})


@login_required
@roles_required(Role.REGIONAL_COORDINATOR)
@require_POST
def period_status(request: HttpRequest, pk: int) -> HttpResponse:
    regions = [code for code, _name in _regions(activity.coordinator_prefixes(request.user))]
    period = get_object_or_404(ReportingPeriod.objects.filter(region__in=regions), pk=pk)
    action = request.POST.get("action")
    if action not in ("close", "open"):
        messages.error(request, _("Choose whether to close or to open the period."))
        return redirect("advocates:periods")
    activity.set_period_closed(period=period, closed=action == "close", by=request.user)
    if action == "close":
        messages.success(request, _("The period was closed: its reports can no longer be changed."))
    else:
        messages.success(request, _("The period was opened again: advocates may change its reports."))
    return redirect("advocates:periods")


# --- the local action plan ------------------------------------------------------------------------


@login_required
@roles_required(*REPORT_READERS)
@require_safe
def plan(request: HttpRequest) -> HttpResponse:
    editable = set(
        activity.reachable(ActionPlanItem.objects, request.user, *PLAN_EDITORS).values_list("pk", flat=True)
    )
    items = (
        activity.reachable(ActionPlanItem.objects, request.user, *REPORT_READERS)
        .select_related("enrolment__unit")
        .order_by("teryt", "deadline", "pk")
    )
    status = request.GET.get("status", "")
    if status in ActionPlanItem.Status.values:
        items = items.filter(status=status)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    for item in page:
        item.may_edit = item.pk in editable
    return _page(
        request,
        "advocates/plan_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ActionPlanItem.Status.choices,
            "may_add": bool(
                activity.own_jst_codes(request.user) or activity.coordinator_prefixes(request.user)
            ),
        },
    )


def _plan_form(request: HttpRequest, item: ActionPlanItem | None) -> HttpResponse:
    wanted = Q(stage__in=[Stage.APPOINTED, Stage.SUSPENDED])
    if item is not None:
        wanted |= Q(pk=item.enrolment_id)
    reachable = activity.reachable(Enrolment.objects, request.user, *PLAN_EDITORS)
    enrolments = reachable.filter(wanted).select_related("unit")
    form = PlanItemForm(request.POST or None, instance=item or ActionPlanItem(), enrolments=enrolments)
    if request.method == "POST" and form.is_valid():
        activity.save_plan_item(item=form.save(commit=False), by=request.user)
        messages.success(request, _("The local action plan was saved."))
        return redirect("advocates:plan")
    return _page(
        request, "advocates/plan_form.html", {"form": form, "item": item, "has_jst": enrolments.exists()}
    )


@login_required
@roles_required(*PLAN_EDITORS)
@require_http_methods(["GET", "HEAD", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    return _plan_form(request, None)


@login_required
@roles_required(*PLAN_EDITORS)
@require_http_methods(["GET", "HEAD", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(activity.reachable(ActionPlanItem.objects, request.user, *PLAN_EDITORS), pk=pk)
    return _plan_form(request, item)


# --- evaluation -----------------------------------------------------------------------------------


@login_required
@roles_required(*COORDINATORS)
@require_safe
def evaluations(request: HttpRequest) -> HttpResponse:
    prefixes = activity.evaluation_reader_prefixes(request.user)
    advocates = (
        _advocates(prefixes)
        .annotate(
            evaluation_count=Count("evaluations", distinct=True),
            last_evaluated=Max("evaluations__ends_on"),
            last_report=Max("reports__on"),
        )
        .order_by("ended_on", "teryt", "pk")
    )
    page = Paginator(advocates, PAGE_SIZE).get_page(request.GET.get("page"))
    own = activity.coordinator_prefixes(request.user)
    for advocate in page:
        advocate.may_evaluate = code_in_scope(advocate.teryt, own)
    return _page(request, "advocates/evaluation_list.html", {"page": page})


@login_required
@roles_required(*COORDINATORS)
@require_safe
def evaluation_advocate(request: HttpRequest, pk: int) -> HttpResponse:
    advocate = get_object_or_404(_advocates(activity.evaluation_reader_prefixes(request.user)), pk=pk)
    rows = (
        Evaluation.objects.in_scope([advocate.teryt]).filter(advocate=advocate).select_related("evaluated_by")
    )
    return _page(
        request,
        "advocates/evaluation_advocate.html",
        {
            "advocate": advocate,
            "evaluations": [(evaluation, _scored(evaluation)) for evaluation in rows],
            "criteria": activity.CRITERIA,
            "may_evaluate": code_in_scope(advocate.teryt, activity.coordinator_prefixes(request.user)),
        },
    )


def _scored(evaluation: Evaluation) -> list[tuple[str, int | None]]:
    return [(criterion.label, evaluation.scores.get(criterion.key)) for criterion in activity.CRITERIA]


@login_required
@roles_required(Role.REGIONAL_COORDINATOR)
@require_http_methods(["GET", "HEAD", "POST"])
def evaluation_create(request: HttpRequest, pk: int) -> HttpResponse:
    advocate = get_object_or_404(_advocates(activity.coordinator_prefixes(request.user)), pk=pk)
    starts_on, ends_on = activity.default_evaluation_period(advocate)
    period_form = EvaluationPeriodForm(request.GET or None, auto_id="period_%s")
    if request.method != "POST" and period_form.is_valid():
        starts_on, ends_on = period_form.cleaned_data["starts_on"], period_form.cleaned_data["ends_on"]
    if request.method == "POST":
        form = EvaluationForm(request.POST)
        if form.is_valid():
            starts_on, ends_on = form.cleaned_data["starts_on"], form.cleaned_data["ends_on"]
            try:
                evaluation = activity.evaluate_advocate(
                    advocate=advocate,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    scores=form.scores,
                    comments=form.cleaned_data["comments"],
                    by=request.user,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The evaluation was saved with the figures of its period."))
                return redirect("advocates:evaluation_detail", pk=evaluation.pk)
    else:
        form = EvaluationForm(initial={"starts_on": starts_on, "ends_on": ends_on})
        if not request.GET:
            period_form = EvaluationPeriodForm(
                initial={"starts_on": starts_on, "ends_on": ends_on}, auto_id="period_%s"
            )
    figures = activity.activity_figures(advocate=advocate, starts_on=starts_on, ends_on=ends_on)
    return _page(
        request,
        "advocates/evaluation_form.html",
        {
            "advocate": advocate,
            "form": form,
            "period_form": period_form,
            "starts_on": starts_on,
            "ends_on": ends_on,
            "figures": activity.figures_for_display(figures),
        },
    )


@login_required
@roles_required(*COORDINATORS)
@require_safe
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = get_object_or_404(
        Evaluation.objects.in_scope(activity.evaluation_reader_prefixes(request.user)).select_related(
            "advocate__user", "advocate__enrolment__unit", "evaluated_by"
        ),
        pk=pk,
    )
    return _page(
        request,
        "advocates/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "advocate": evaluation.advocate,
            "scored": _scored(evaluation),
            "figures": activity.figures_for_display(evaluation.figures),
        },
    )


# --- reminders ------------------------------------------------------------------------------------


@login_required
@roles_required(*COORDINATORS)
@require_safe
def reminders(request: HttpRequest) -> HttpResponse:
    prefixes = request.user.prefixes_for(*COORDINATORS)
    rows = activity.reminders_in_scope(prefixes)
    return _page(
        request,
        "advocates/reminder_list.html",
        {
            "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
            "due": activity.advocates_due(prefixes=prefixes),
            "threshold": activity.reminder_threshold_days(),
            "repeat_days": activity.REMINDER_REPEAT_DAYS,
        },
    )


urlpatterns = [
    path("moj-panel/", dashboard, name="dashboard"),
    path("moj-panel/<int:pk>/zgoda-na-kontakt/", contact_consent, name="contact_consent"),
    path("wsparcie/", support_list, name="support_list"),
    path("wsparcie/nowe/", support_create, name="support_create"),
    path("wsparcie/<int:pk>/edycja/", support_edit, name="support_edit"),
    path("moje-dzialania/", reports, name="reports"),
    path("moje-dzialania/nowe/", report_create, name="report_create"),
    path("moje-dzialania/<int:pk>/", report_detail, name="report_detail"),
    path("moje-dzialania/<int:pk>/edycja/", report_edit, name="report_edit"),
    # The address ends with the file's type, as a download's does (browsers and crawlers see it is one).
    path("moje-dzialania/<int:pk>/dowod.<slug:extension>", report_attachment, name="report_attachment"),
    path("okresy-sprawozdawcze/", periods, name="periods"),
    path("okresy-sprawozdawcze/<int:pk>/status/", period_status, name="period_status"),
    path("plan-dzialan/", plan, name="plan"),
    path("plan-dzialan/nowe/", plan_create, name="plan_create"),
    path("plan-dzialan/<int:pk>/edycja/", plan_edit, name="plan_edit"),
    path("ocena/", evaluations, name="evaluations"),
    path("ocena/rzecznik/<int:pk>/", evaluation_advocate, name="evaluation_advocate"),
    path("ocena/rzecznik/<int:pk>/nowa/", evaluation_create, name="evaluation_create"),
    path("ocena/<int:pk>/", evaluation_detail, name="evaluation_detail"),
    path("przypomnienia/", reminders, name="reminders"),
]
