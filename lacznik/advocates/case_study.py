"""The pilot's case study (issue #6 point 8): a report of the programme in a voivodeship, generated
on request as PDF (Typst, with bar charts) and as DOCX (python-docx, with tables).

The report is a list of blocks (headings, paragraphs, tables, charts) built once from the database and
drawn twice: `typst/case_study.typ` draws a chart with Typst's shapes; the DOCX shows the same chart
as a picture typeset by Typst (`typst/chart_image.typ`, PNG, with the chart's title as its alternative
text), followed by the table of its numbers. Every text reaches
Typst as JSON in `sys.inputs`, never as markup, so a JST or provider called `#panic("x")` or `]` is
printed as written.

What it counts, in the voivodeship: the gminas and powiats by stage (lacznik.advocates.coverage),
the advocates (in office and in all) with each one's reports, people reached and support, the
activity reports by task category and by month, the support by kind (with hours), the evaluations'
scores averaged per criterion, and the local action plans by status. A handful of GROUP BY queries.
"""

import io
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import typst
from django.db.models import Count, Sum
from django.db.models.functions import TruncMonth
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from . import coverage
from .models import ActionPlanItem, ActivityReport, Advocate, Evaluation, Support, SupportKind, TaskCategory

TEMPLATE = Path(__file__).resolve().parent / "typst" / "case_study.typ"
CHART_IMAGE = TEMPLATE.with_name("chart_image.typ")
CHART_PPI = 150
# The chart by month shows at most the last two years of reports.
MONTHS_SHOWN = 24


def number(value: float | int, digits: int = 0) -> str:
    """A number as the reader's language writes it ("1 234", "33,3")."""
    return formats.number_format(value, digits, use_l10n=True, force_grouping=True)


@dataclass
class AdvocateLine:
    jst: str
    teryt: str
    appointed_on: date
    ended_on: date | None
    reports: int
    people_reached: int
    support: int


@dataclass
class CaseStudy:
    prefixes: tuple[str, ...]
    region_name: str
    generated_on: date
    summary: coverage.Summary
    advocates: list[AdvocateLine]
    # (label, reports, people reached)
    by_category: list[tuple[str, int, int]]
    # (first day of the month, reports)
    by_month: list[tuple[date, int]]
    # (label, records, hours)
    support: list[tuple[str, int, float]]
    evaluations: int
    # (label, average score, scores given)
    criteria: list[tuple[str, float, int]]
    plan: list[tuple[str, int]]
    notes: list[str] = field(default_factory=list)

    @property
    def advocates_in_office(self) -> int:
        return sum(1 for line in self.advocates if line.ended_on is None)

    @property
    def reports(self) -> int:
        return sum(count for _label, count, _people in self.by_category)

    @property
    def people_reached(self) -> int:
        return sum(people for _label, _count, people in self.by_category)

    @property
    def support_records(self) -> int:
        return sum(count for _label, count, _hours in self.support)

    @property
    def support_hours(self) -> float:
        return round(sum(hours for _label, _count, hours in self.support), 1)

    @property
    def average_score(self) -> float | None:
        given = sum(count for _label, _average, count in self.criteria)
        if not given:
            return None
        return round(sum(average * count for _label, average, count in self.criteria) / given, 2)


def _criterion_labels() -> dict[str, str]:
    """The evaluation's criteria (lacznik.advocates.activity.CRITERIA) by key; a key no longer
    listed keeps its key as its label."""
    from . import activity

    return {criterion.key: str(criterion.label) for criterion in getattr(activity, "CRITERIA", [])}


def build_case_study(prefixes: tuple[str, ...], region_name: str, *, today: date | None = None) -> CaseStudy:
    """The figures of the pilot in the territory `prefixes` (a voivodeship: ("14",))."""
    scope = tuple(prefixes)
    today = today or timezone.localdate()
    summary = coverage.summarise(scope)

    reports = ActivityReport.objects.in_scope(scope).order_by()
    per_advocate = {
        row["advocate"]: (row["count"], row["people"] or 0)
        for row in reports.values("advocate").annotate(count=Count("pk"), people=Sum("people_reached"))
    }
    support = Support.objects.in_scope(scope).order_by()
    support_per_advocate = dict(support.values_list("advocate").annotate(count=Count("pk")))
    advocates = [
        AdvocateLine(
            jst=advocate.enrolment.unit.name,
            teryt=advocate.teryt,
            appointed_on=advocate.appointed_on,
            ended_on=advocate.ended_on,
            reports=per_advocate.get(advocate.pk, (0, 0))[0],
            people_reached=per_advocate.get(advocate.pk, (0, 0))[1],
            support=support_per_advocate.get(advocate.pk, 0),
        )
        for advocate in Advocate.objects.in_scope(scope)
        .select_related("enrolment__unit")
        .order_by("teryt", "appointed_on", "pk")
    ]

    categories = {
        row["category"]: (row["count"], row["people"] or 0)
        for row in reports.values("category").annotate(count=Count("pk"), people=Sum("people_reached"))
    }
    by_category = [(str(label), *categories.get(value, (0, 0))) for value, label in TaskCategory.choices]
    months = [
        (_month_start(row["month"]), row["count"])
        for row in reports.annotate(month=TruncMonth("on"))
        .values("month")
        .annotate(count=Count("pk"))
        .order_by("month")
        if row["month"] is not None
    ]
    by_month = months[-MONTHS_SHOWN:]

    kinds = {
        row["kind"]: (row["count"], float(row["hours"] or 0))
        for row in support.values("kind").annotate(count=Count("pk"), hours=Sum("hours"))
    }
    support_lines = [(str(label), *kinds.get(value, (0, 0.0))) for value, label in SupportKind.choices]

    labels = _criterion_labels()
    totals: dict[str, list[float]] = defaultdict(list)
    evaluations = 0
    for scores in Evaluation.objects.in_scope(scope).values_list("scores", flat=True).iterator():
        evaluations += 1
        for key, value in (scores or {}).items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                totals[key].append(value)
    order = list(labels) + sorted(set(totals) - set(labels))
    criteria = [
        (labels.get(key, key), round(sum(totals[key]) / len(totals[key]), 2), len(totals[key]))
        for key in order
        if totals.get(key)
    ]

    statuses = dict(
        ActionPlanItem.objects.in_scope(scope).order_by().values_list("status").annotate(count=Count("pk"))
    )
    plan = [(str(label), statuses.get(value, 0)) for value, label in ActionPlanItem.Status.choices]

    if len(months) > MONTHS_SHOWN:
        notes = [
            _("The chart by month shows the last %(count)s months of reports.") % {"count": MONTHS_SHOWN}
        ]
    else:
        notes = []
    return CaseStudy(
        prefixes=scope,
        region_name=region_name,
        generated_on=today,
        summary=summary,
        advocates=advocates,
        by_category=by_category,
        by_month=by_month,
        support=support_lines,
        evaluations=evaluations,
        criteria=criteria,
        plan=plan,
        notes=notes,
    )


def _month_start(value: Any) -> date:
    # TruncMonth of a DateField gives a date; some backends give a datetime.
    return value.date() if hasattr(value, "date") and callable(value.date) else value


# --- the blocks of the report ---------------------------------------------------------------------


def _table(caption: str, columns: list[str], rows: list[list[str]], numeric_from: int = 1) -> dict:
    return {
        "kind": "table",
        "caption": caption,
        "columns": columns,
        "rows": rows,
        "numeric_from": numeric_from,
    }


def _chart(
    title: str, items: list[tuple[str, float, str]], *, value_heading: str, in_a_table: bool = True
) -> dict:
    """A bar chart: (label, value, the value as text). `in_a_table`: a table of the report has the
    same numbers; otherwise the DOCX and the page show the chart as a table of its own."""
    return {
        "kind": "chart",
        "title": title,
        "value_heading": value_heading,
        "in_a_table": in_a_table,
        "items": [{"label": label, "value": float(value), "text": text} for label, value, text in items],
    }


def title_of(study: CaseStudy) -> str:
    return _("Case study of the advocates pilot: %(region)s") % {"region": study.region_name}


def blocks(study: CaseStudy) -> list[dict]:
    """The report as headings, paragraphs, tables and charts, in the order it is read."""
    summary = study.summary
    out: list[dict] = []

    def heading(text: str) -> None:
        out.append({"kind": "heading", "text": text})

    def paragraph(text: str) -> None:
        out.append({"kind": "paragraph", "text": text})

    heading(_("1. JSTs in the programme"))
    paragraph(
        _(
            "Of %(gminas)s gminas, %(gminas_enrolled)s were contacted and %(gminas_advocate)s "
            "(%(gminas_percent)s%%) have an advocate in office; of %(powiats)s powiats, %(powiats_enrolled)s "
            "were contacted and %(powiats_advocate)s (%(powiats_percent)s%%) have an advocate in office."
        )
        % {
            "gminas": number(summary.gminas.total),
            "gminas_enrolled": number(summary.gminas.enrolled),
            "gminas_advocate": number(summary.gminas.with_advocate),
            "gminas_percent": number(summary.gminas.with_advocate_percent, 1),
            "powiats": number(summary.powiats.total),
            "powiats_enrolled": number(summary.powiats.enrolled),
            "powiats_advocate": number(summary.powiats.with_advocate),
            "powiats_percent": number(summary.powiats.with_advocate_percent, 1),
        }
    )
    rows = []
    for (_stage, label, gminas, gminas_pct), (_s, _l, powiats, powiats_pct) in zip(
        summary.gminas.lines, summary.powiats.lines, strict=True
    ):
        rows.append(
            [str(label), number(gminas), number(gminas_pct, 1), number(powiats), number(powiats_pct, 1)]
        )
    out.append(
        _table(
            _("Gminas and powiats by stage"),
            [_("Stage"), _("Gminas"), _("Share of gminas (%)"), _("Powiats"), _("Share of powiats (%)")],
            rows,
        )
    )
    out.append(
        _chart(
            _("Gminas by stage"),
            [(str(label), count, number(count)) for _stage, label, count, _pct in summary.gminas.lines],
            value_heading=_("Gminas"),
        )
    )

    heading(_("2. Advocates"))
    paragraph(
        _("Advocates in office: %(office)s; appointed since the start of the pilot: %(all)s.")
        % {"office": number(study.advocates_in_office), "all": number(len(study.advocates))}
    )
    if study.advocates:
        out.append(
            _table(
                _("Advocates by JST"),
                [
                    _("JST"),
                    _("TERYT"),
                    _("Appointed on"),
                    _("Ended on"),
                    _("Reports"),
                    _("People reached"),
                    _("Support"),
                ],
                [
                    [
                        line.jst,
                        line.teryt,
                        formats.date_format(line.appointed_on, "SHORT_DATE_FORMAT"),
                        formats.date_format(line.ended_on, "SHORT_DATE_FORMAT") if line.ended_on else "—",
                        number(line.reports),
                        number(line.people_reached),
                        number(line.support),
                    ]
                    for line in study.advocates
                ],
                numeric_from=4,
            )
        )

    heading(_("3. Activities of the advocates"))
    paragraph(
        _("Activity reports: %(reports)s; people reached: %(people)s.")
        % {"reports": number(study.reports), "people": number(study.people_reached)}
    )
    out.append(
        _table(
            _("Activities by task category"),
            [_("Task"), _("Reports"), _("People reached")],
            [[label, number(count), number(people)] for label, count, people in study.by_category],
        )
    )
    out.append(
        _chart(
            _("Reports by task category"),
            [(label, count, number(count)) for label, count, _people in study.by_category],
            value_heading=_("Reports"),
        )
    )
    out.append(
        _chart(
            _("Reports by month"),
            [(f"{month:%m.%Y}", count, number(count)) for month, count in study.by_month],
            value_heading=_("Reports"),
            in_a_table=False,
        )
    )
    for note in study.notes:
        paragraph(note)

    heading(_("4. Support received"))
    paragraph(
        _("Support given to advocates: %(records)s records, %(hours)s hours.")
        % {"records": number(study.support_records), "hours": number(study.support_hours, 1)}
    )
    out.append(
        _table(
            _("Support by kind"),
            [_("Kind of support"), _("Records"), _("Hours")],
            [[label, number(count), number(hours, 1)] for label, count, hours in study.support],
        )
    )
    out.append(
        _chart(
            _("Support by kind (records)"),
            [(label, count, number(count)) for label, count, _hours in study.support],
            value_heading=_("Records"),
        )
    )

    heading(_("5. Evaluation of the advocates"))
    if study.evaluations:
        paragraph(
            _("Evaluations: %(count)s; average score of all criteria: %(average)s (scale 1–5).")
            % {"count": number(study.evaluations), "average": number(study.average_score or 0, 2)}
        )
        out.append(
            _table(
                _("Average score by criterion"),
                [_("Criterion"), _("Average score"), _("Scores given")],
                [[label, number(average, 2), number(count)] for label, average, count in study.criteria],
            )
        )
        out.append(
            _chart(
                _("Average score by criterion (1–5)"),
                [(label, average, number(average, 2)) for label, average, _count in study.criteria],
                value_heading=_("Average score"),
            )
        )
    else:
        paragraph(_("No evaluation has been made yet."))

    heading(_("6. Local action plans"))
    out.append(
        _table(
            _("Actions of the local plans by status"),
            [_("Status"), _("Actions")],
            [[label, number(count)] for label, count in study.plan],
        )
    )
    return out


def document_data(study: CaseStudy) -> dict:
    """What the Typst template reads (JSON)."""
    return {
        "title": title_of(study),
        "subtitle": _("Advocates of social economy: enrolment, activities, support and evaluation"),
        "generated": _("Generated on %(date)s from the data of Łącznik.")
        % {"date": formats.date_format(study.generated_on, "j E Y")},
        "blocks": blocks(study),
    }


# --- the two formats ------------------------------------------------------------------------------


def case_study_pdf(study: CaseStudy) -> bytes:
    return typst.compile(
        str(TEMPLATE),
        format="pdf",
        sys_inputs={"data": json.dumps(document_data(study), ensure_ascii=False)},
        ignore_system_fonts=True,
    )


def chart_png(block: dict) -> bytes:
    """One chart block as a PNG picture (the same drawing as in the PDF)."""
    picture = typst.compile(
        str(CHART_IMAGE),
        format="png",
        ppi=CHART_PPI,
        sys_inputs={"data": json.dumps(block, ensure_ascii=False)},
        ignore_system_fonts=True,
    )
    return picture[0] if isinstance(picture, list) else picture


def case_study_docx(study: CaseStudy) -> bytes:
    """The same report as a Word document: headings, paragraphs, tables, and each chart as a picture
    with its title as alternative text, followed by the table of its numbers."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    data = document_data(study)
    document = Document()
    document.core_properties.title = data["title"]
    document.core_properties.language = "pl-PL"
    document.add_heading(data["title"], level=0)
    document.add_paragraph(data["subtitle"])
    document.add_paragraph(data["generated"])
    document.add_paragraph(_("Each chart is followed by a table of its numbers."))

    def table(caption: str, columns: list[str], rows: list[list[str]], numeric_from: int) -> None:
        document.add_paragraph(caption, style="Caption")
        grid = document.add_table(rows=1, cols=len(columns))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, columns, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
        for row in rows:
            cells = grid.add_row().cells
            for index, (cell, text) in enumerate(zip(cells, row, strict=True)):
                cell.text = text
                if index >= numeric_from:
                    cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT

    for block in data["blocks"]:
        kind = block["kind"]
        if kind == "heading":
            document.add_heading(block["text"], level=1)
        elif kind == "paragraph":
            document.add_paragraph(block["text"])
        elif kind == "table":
            table(block["caption"], block["columns"], block["rows"], block["numeric_from"])
        elif kind == "chart" and block["items"]:
            shape = document.add_picture(io.BytesIO(chart_png(block)), width=Cm(16))
            shape._inline.docPr.set("descr", block["title"])  # the alternative text Word reads out
        if kind == "chart" and block["items"] and not block["in_a_table"]:
            table(
                block["title"],
                [_("Month"), block["value_heading"]],
                [[item["label"], item["text"]] for item in block["items"]],
                1,
            )
    target = io.BytesIO()
    document.save(target)
    return target.getvalue()
