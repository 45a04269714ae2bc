"""The pilot's case study (issue #6 point 8): its numbers equal the records of the voivodeship, the PDF is
typeset with charts from JSON data (a name with Typst markup is printed as written), the DOCX opens in
python-docx with the same numbers as tables; only regional coordinators generate it, for their region."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from docx import Document

from lacznik.advocates import case_study
from lacznik.advocates.models import (
    ActionPlanItem,
    ActivityReport,
    Advocate,
    Evaluation,
    Stage,
    Support,
    SupportKind,
    TaskCategory,
)
from lacznik.territory.models import Unit
from tests.helpers import login_verified

from .factories import EnrolmentFactory, appoint

PAGE = reverse("advocates:case_study")
PDF = reverse("advocates:case_study_pdf")
DOCX = reverse("advocates:case_study_docx")


@pytest.fixture
def english(client, settings):
    settings.LANGUAGE_CODE = "en"
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def report(advocate: Advocate, category: str, on: date, people: int = 10) -> ActivityReport:
    return ActivityReport.objects.create(
        advocate=advocate,
        category=category,
        on=on,
        description="Spotkanie informacyjne",
        people_reached=people,
    )


@pytest.fixture
def pilot(db):
    """Mazowieckie: two advocates with reports, support, evaluations and plans; Warmia: one more."""
    warszawa = appoint(EnrolmentFactory(code="1465011"))
    ciechanow = appoint(EnrolmentFactory(code="1402011"))
    EnrolmentFactory(code="1401011", stage=Stage.LETTER_SENT)
    olsztyn = appoint(EnrolmentFactory(code="2862011"))
    report(warszawa, TaskCategory.INFORM, date(2025, 4, 3), 30)
    report(warszawa, TaskCategory.INFORM, date(2025, 4, 20), 12)
    report(warszawa, TaskCategory.LOCAL_EVENTS, date(2025, 5, 9), 150)
    report(ciechanow, TaskCategory.WEBSITE, date(2025, 5, 30), 0)
    report(olsztyn, TaskCategory.INFORM, date(2025, 4, 3), 999)
    Support.objects.create(
        advocate=warszawa,
        kind=SupportKind.TRAINING,
        on=date(2025, 4, 1),
        hours=Decimal("6"),
        provider="OWES Mazowsze",
    )
    Support.objects.create(
        advocate=ciechanow,
        kind=SupportKind.TRAINING,
        on=date(2025, 4, 2),
        hours=Decimal("8"),
        provider="ROPS",
    )
    Support.objects.create(
        advocate=ciechanow,
        kind=SupportKind.STUDY_VISIT,
        on=date(2025, 6, 2),
        hours=Decimal("16.5"),
        provider="ROPS",
    )
    Support.objects.create(
        advocate=olsztyn, kind=SupportKind.TRAINING, on=date(2025, 4, 2), hours=Decimal("99"), provider="ROPS"
    )
    period = {"starts_on": date(2025, 3, 1), "ends_on": date(2025, 8, 31)}
    Evaluation.objects.create(advocate=warszawa, scores={"activity": 5, "local_impact": 4}, **period)
    Evaluation.objects.create(advocate=ciechanow, scores={"activity": 2, "local_impact": 3}, **period)
    Evaluation.objects.create(advocate=olsztyn, scores={"activity": 1, "local_impact": 1}, **period)
    ActionPlanItem.objects.create(
        enrolment=warszawa.enrolment, action="Strona o ES", owner="Wydział", deadline=date(2025, 9, 1)
    )
    ActionPlanItem.objects.create(
        enrolment=ciechanow.enrolment,
        action="Klauzule",
        owner="Zamówienia",
        deadline=date(2025, 9, 1),
        status="done",
    )
    return warszawa, ciechanow, olsztyn


def test_the_numbers_are_those_of_the_voivodeship(pilot, settings):
    settings.LANGUAGE_CODE = "en"
    study = case_study.build_case_study(("14",), "Mazowieckie", today=date(2025, 9, 1))
    assert [line.teryt for line in study.advocates] == ["1402011", "1465011"]
    assert study.advocates_in_office == 2
    assert {(line.teryt, line.reports, line.people_reached, line.support) for line in study.advocates} == {
        ("1465011", 3, 192, 1),
        ("1402011", 1, 0, 2),
    }
    categories = {label: (count, people) for label, count, people in study.by_category}
    assert categories[str(TaskCategory.INFORM.label)] == (2, 42)  # not Olsztyn's 999
    assert categories[str(TaskCategory.LOCAL_EVENTS.label)] == (1, 150)
    assert categories[str(TaskCategory.COOPERATE_OWES.label)] == (0, 0)
    assert len(study.by_category) == len(TaskCategory.choices)
    assert study.by_month == [(date(2025, 4, 1), 2), (date(2025, 5, 1), 2)]
    assert study.reports == 4 and study.people_reached == 192
    support = {label: (count, hours) for label, count, hours in study.support}
    assert support[str(SupportKind.TRAINING.label)] == (2, 14.0)
    assert support[str(SupportKind.STUDY_VISIT.label)] == (1, 16.5)
    assert study.support_hours == 30.5
    assert study.evaluations == 2
    criteria = {label: (average, count) for label, average, count in study.criteria}
    assert criteria["activity"] == (3.5, 2) and criteria["local impact"] == (3.5, 2)
    assert study.average_score == 3.5
    assert dict(study.plan)["planned"] == 1 and dict(study.plan)["done"] == 1
    assert study.summary.gminas.with_advocate == 2 and study.summary.gminas.total == 3


def test_the_pdf_is_typeset_with_charts(pilot, english, mazowsze_coordinator):
    login_verified(english, mazowsze_coordinator)
    response = english.get(PDF)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="studium-przypadku-rzecznicy-14-' in response["Content-Disposition"]


def test_a_name_with_typst_markup_is_printed_as_written(pilot, settings):
    settings.LANGUAGE_CODE = "en"
    warszawa = pilot[0]
    Unit.objects.filter(pk=warszawa.enrolment.unit_id).update(name='#panic("x") ] [ $ *')
    study = case_study.build_case_study(("14",), '#panic("y")')
    assert case_study.case_study_pdf(study).startswith(b"%PDF")


def test_the_docx_has_the_charts_as_pictures_and_the_numbers_as_tables(pilot, english, mazowsze_coordinator):
    login_verified(english, mazowsze_coordinator)
    response = english.get(DOCX)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    assert "Case study of the advocates pilot: Próbne 14" in text
    assert "Each chart is followed by a table of its numbers." in text
    # Every chart of the report is a picture, named by its title for a screen reader.
    with translation.override("en"):
        study = case_study.build_case_study(("14",), "Próbne 14")
        charts = [block for block in case_study.blocks(study) if block["kind"] == "chart" and block["items"]]
        titles = [block["title"] for block in charts]
    pictures = [shape._inline.docPr.get("descr") for shape in document.inline_shapes]
    assert titles and pictures == titles
    images = [part for part in document.part.package.parts if part.content_type == "image/png"]
    assert len(images) == len(titles) and all(image.blob.startswith(b"\x89PNG") for image in images)
    cells = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    assert [str(TaskCategory.INFORM.label), "2", "42"] in cells
    assert [str(SupportKind.STUDY_VISIT.label), "1", "16.5"] in cells
    assert ["activity", "3.50", "2"] in cells
    assert ["04.2025", "2"] in cells  # the chart by month, as a table
    jsts = {row[1] for row in cells if len(row) == 7}
    assert {"1465011", "1402011"} <= jsts and "2862011" not in jsts


def test_the_page_shows_the_report_and_links_the_files(pilot, english, mazowsze_coordinator):
    login_verified(english, mazowsze_coordinator)
    response = english.get(PAGE)
    assert response.status_code == 200
    text = response.content.decode()
    assert PDF in text and DOCX in text
    assert "Gmina Próbna 1465011" in text and "Gmina Próbna 2862011" not in text
    assert "The DOCX has the same charts as pictures" in text


def test_only_a_regional_coordinator_generates_it(
    pilot, client, national_coordinator, advocate_146501, owes_advisor
):
    assert client.get(PAGE).status_code == 302
    for user in (national_coordinator, advocate_146501, owes_advisor):
        login_verified(client, user)
        for url in (PAGE, PDF, DOCX):
            assert client.get(url).status_code == 403


def test_another_voivodeship_is_not_in_it(pilot, english, warmia_coordinator):
    login_verified(english, warmia_coordinator)
    response = english.get(PAGE, {"woj": "14"})
    assert response.context["territory"].region == "28"
    assert [line.teryt for line in response.context["study"].advocates] == ["2862011"]
    document = Document(io.BytesIO(english.get(DOCX, {"woj": "14"}).content))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert "2862011" in cells and "1465011" not in cells
