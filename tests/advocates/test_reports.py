"""Activity reports: the advocate reports and edits the own JST's, until the period closes; bad input
is refused with a message and changes nothing (issue #6 point 6, "Bad input")."""

import html
import io
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from lacznik.advocates.models import ActivityReport, ReportingPeriod, TaskCategory
from tests.helpers import login_verified

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def says(response, msgid: str, **params) -> bool:
    """The page shows the message in the language the user reads (Polish), whatever its translation."""
    with translation.override("pl"):
        text = gettext(msgid)
    return (text % params if params else text) in html.unescape(response.content.decode())


def today():
    return timezone.localdate()


def report_of(advocate, **fields):
    values = {
        "category": TaskCategory.INFORM,
        "on": today() - timedelta(days=3),
        "description": "Spotkanie informacyjne w urzędzie",
        "people_reached": 10,
        "link": "https://gmina.example/es",
    }
    values.update(fields)
    return ActivityReport.objects.create(advocate=advocate, **values)


def form_data(**fields):
    data = {
        "category": TaskCategory.EDUCATE_STAFF,
        "on": (today() - timedelta(days=1)).isoformat(),
        "description": "Szkolenie pracowników OPS z klauzul społecznych",
        "people_reached": "15",
        "link": "",
    }
    data.update(fields)
    return data


def post_report(client, **fields):
    return client.post(reverse("advocates:report_create"), form_data(**fields))


def stored():
    return list(ActivityReport.objects.unscoped(reason="test").order_by("pk"))


def test_advocate_reports_an_activity_with_a_link(client, advocate_146501, own):
    login_verified(client, advocate_146501)
    response = post_report(client, link="https://warszawa.example/ekonomia-spoleczna")
    report = ActivityReport.objects.unscoped(reason="test").get()
    assert response.status_code == 302
    assert report.advocate == own
    assert report.teryt == "1465011"
    assert report.history.first().history_user == advocate_146501
    listed = client.get(reverse("advocates:reports"))
    assert "Szkolenie pracowników OPS" in listed.content.decode()


def test_attachment_is_stored_under_a_server_made_name_and_downloaded_in_scope(
    client, advocate_146501, own, mazowsze_coordinator, warmia_coordinator
):
    login_verified(client, advocate_146501)
    upload = SimpleUploadedFile("../../etc/Moje sprawozdanie.pdf", PDF, content_type="application/pdf")
    response = post_report(client, upload=upload)
    assert response.status_code == 302
    report = ActivityReport.objects.unscoped(reason="test").get()
    assert report.attachment.name.startswith("advocates/reports/")
    assert "sprawozdanie" not in report.attachment.name and ".." not in report.attachment.name
    url = reverse("advocates:report_attachment", args=[report.pk, "pdf"])
    login_verified(client, mazowsze_coordinator)
    download = client.get(url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert client.get(reverse("advocates:report_attachment", args=[report.pk, "png"])).status_code == 404
    login_verified(client, warmia_coordinator)
    assert client.get(url).status_code == 404


def test_a_date_in_the_future_is_refused(client, advocate_146501, own):
    login_verified(client, advocate_146501)
    response = post_report(client, on=(today() + timedelta(days=1)).isoformat(), link="https://a.example/")
    assert response.status_code == 200
    assert says(response, "A report cannot be dated in the future.")
    assert stored() == []


def test_a_date_in_a_closed_period_is_refused(client, advocate_146501, own):
    day = today() - timedelta(days=40)
    ReportingPeriod.objects.create(
        region="14",
        starts_on=day - timedelta(days=5),
        ends_on=day + timedelta(days=5),
        closed_at=timezone.now(),
    )
    login_verified(client, advocate_146501)
    response = post_report(client, on=day.isoformat(), link="https://a.example/")
    assert response.status_code == 200
    assert says(
        response,
        "The reporting period %(start)s – %(end)s is closed: "
        "a report dated %(date)s can no longer be added or changed.",
        start=day - timedelta(days=5),
        end=day + timedelta(days=5),
        date=day,
    )
    assert stored() == []


def test_a_report_of_a_closed_period_can_no_longer_be_changed(client, advocate_146501, own):
    report = report_of(own, on=today() - timedelta(days=40))
    period = ReportingPeriod.objects.create(
        region="14", starts_on=today() - timedelta(days=60), ends_on=today() - timedelta(days=30)
    )
    login_verified(client, advocate_146501)
    # Open: the advocate changes it.
    response = client.post(
        reverse("advocates:report_edit", args=[report.pk]),
        form_data(on=report.on.isoformat(), description="Poprawiony opis", link="https://a.example/"),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.description == "Poprawiony opis"
    period.closed_at = timezone.now()
    period.save()
    response = client.post(
        reverse("advocates:report_edit", args=[report.pk]),
        form_data(on=report.on.isoformat(), description="Zmiana po zamknięciu", link="https://a.example/"),
        follow=True,
    )
    assert says(response, "The reporting period of this report is closed; it can no longer be changed.")
    report.refresh_from_db()
    assert report.description == "Poprawiony opis"
    # Nor moved out of the closed period into an open date.
    response = client.post(
        reverse("advocates:report_edit", args=[report.pk]),
        form_data(on=today().isoformat(), link="https://a.example/"),
    )
    report.refresh_from_db()
    assert report.on == today() - timedelta(days=40)


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 60, ("type", "exe")),
        ("zdjecie.gif", b"GIF89a" + b"\x00" * 60, ("type", "gif")),
        ("bez-rozszerzenia", PDF, ("type", "?")),
        ("udaje.pdf", PNG, ("content", "pdf")),
        ("udaje.png", PDF, ("content", "png")),
        ("archiwum.docx", None, ("content", "docx")),
    ],
)
def test_an_attachment_of_a_disallowed_type_is_refused(client, advocate_146501, own, name, content, message):
    problem, extension = message
    if content is None:  # a plain zip renamed to .docx
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("notatki.txt", "to nie jest dokument")
        content = buffer.getvalue()
    login_verified(client, advocate_146501)
    response = post_report(client, upload=SimpleUploadedFile(name, content))
    assert response.status_code == 200
    allowed = "PDF, DOCX, ODT, JPEG, PNG"
    if problem == "type":
        assert says(
            response,
            "Files of type “%(extension)s” are not accepted; attach %(allowed)s.",
            extension=extension,
            allowed=allowed,
        )
    else:
        assert says(
            response,
            "The file named .%(extension)s does not contain a %(kind)s document; attach %(allowed)s.",
            extension=extension,
            kind=extension.upper(),
            allowed=allowed,
        )
    assert stored() == []


def test_real_docx_odt_jpeg_and_png_are_accepted(client, advocate_146501, own):
    docx, odt = io.BytesIO(), io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    with zipfile.ZipFile(odt, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    login_verified(client, advocate_146501)
    files = [
        ("a.docx", docx.getvalue()),
        ("b.ODT", odt.getvalue()),
        ("c.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 32),
        ("d.png", PNG),
    ]
    for name, content in files:
        assert post_report(client, upload=SimpleUploadedFile(name, content)).status_code == 302, name
    extensions = sorted(report.attachment.name.rsplit(".", 1)[1] for report in stored())
    assert extensions == ["docx", "jpg", "odt", "png"]


def test_an_attachment_over_10_mb_is_refused(client, advocate_146501, own):
    login_verified(client, advocate_146501)
    big = SimpleUploadedFile("duzy.pdf", PDF + b"\x00" * (10 * 1024 * 1024))
    response = post_report(client, upload=big)
    assert response.status_code == 200
    assert says(
        response, "The file is %(size)s MB; the limit is 10 MB.", size=f"{big.size / 1024 / 1024:.1f}"
    )
    assert stored() == []


def test_evidence_is_required(client, advocate_146501, own):
    login_verified(client, advocate_146501)
    response = post_report(client)
    assert says(response, "Give the evidence: a link or an attachment.")
    assert stored() == []


def test_an_advocate_of_another_jst_gets_404_and_changes_nothing(client, advocate_146501, own, other):
    report = report_of(other, description="Sprawozdanie innej gminy")
    login_verified(client, advocate_146501)
    assert client.get(reverse("advocates:report_detail", args=[report.pk])).status_code == 404
    assert client.get(reverse("advocates:report_edit", args=[report.pk])).status_code == 404
    response = client.post(
        reverse("advocates:report_edit", args=[report.pk]),
        form_data(description="Przejęte", link="https://a.example/"),
    )
    assert response.status_code == 404
    report.refresh_from_db()
    assert report.description == "Sprawozdanie innej gminy"
    assert "Sprawozdanie innej gminy" not in client.get(reverse("advocates:reports")).content.decode()
    assert "Sprawozdanie innej gminy" not in client.get(reverse("advocates:dashboard")).content.decode()


def test_coordinators_see_the_reports_of_their_region_only(
    client, mazowsze_coordinator, warmia_coordinator, own
):
    report_of(own, description="Sprawozdanie z Mazowsza")
    login_verified(client, mazowsze_coordinator)
    assert "Sprawozdanie z Mazowsza" in client.get(reverse("advocates:reports")).content.decode()
    # A coordinator reads reports but does not write them in the advocate's name.
    assert client.get(reverse("advocates:report_create")).status_code == 403
    login_verified(client, warmia_coordinator)
    assert "Sprawozdanie z Mazowsza" not in client.get(reverse("advocates:reports")).content.decode()


def test_the_coordinator_opens_and_closes_periods(client, mazowsze_coordinator, warmia_coordinator):
    login_verified(client, mazowsze_coordinator)
    response = client.post(reverse("advocates:periods"), {"starts_on": "2025-01-01", "ends_on": "2025-06-30"})
    assert response.status_code == 302
    period = ReportingPeriod.objects.get()
    assert period.region == "14" and period.closed_at is None
    # Overlapping periods are refused.
    response = client.post(reverse("advocates:periods"), {"starts_on": "2025-06-01", "ends_on": "2025-12-31"})
    assert says(
        response,
        "The period overlaps the period %(start)s – %(end)s.",
        start=period.starts_on,
        end=period.ends_on,
    )
    assert ReportingPeriod.objects.count() == 1
    client.post(reverse("advocates:period_status", args=[period.pk]), {"action": "close"})
    period.refresh_from_db()
    assert period.closed_at is not None
    login_verified(client, warmia_coordinator)
    assert (
        client.post(reverse("advocates:period_status", args=[period.pk]), {"action": "open"}).status_code
        == 404
    )
    period.refresh_from_db()
    assert period.closed_at is not None


def test_the_dashboard_shows_the_own_jst_reports_plan_and_support(client, advocate_146501, own, other):
    from lacznik.advocates.models import ActionPlanItem, Support

    report_of(own, description="Moje spotkanie")
    report_of(other, description="Cudze spotkanie")
    ActionPlanItem.objects.create(
        enrolment=own.enrolment, action="Strona o ES", owner="Wydział", deadline=today()
    )
    Support.objects.create(advocate=own, kind="training", on=today(), hours=6, provider="OWES Warszawa")
    login_verified(client, advocate_146501)
    page = client.get(reverse("advocates:dashboard")).content.decode()
    assert own.enrolment.unit.name in page
    assert "Moje spotkanie" in page and "Cudze spotkanie" not in page
    assert "Strona o ES" in page and "OWES Warszawa" in page
    assert f'href="{reverse("advocates:starter_pack")}"' in page


def test_others_than_advocates_have_no_dashboard(client, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    assert client.get(reverse("advocates:dashboard")).status_code == 403


def test_a_powiats_advocate_reaches_the_powiats_records_not_its_gminas(client, own):
    """A powiat's code (1465) also starts the codes of its gminas (1465011): the advocate of the
    powiat reads and edits the powiat's own reports and plan, never those of the gminas in it."""
    from lacznik.advocates.models import ActionPlanItem

    from .factories import EnrolmentFactory, appoint

    powiat = appoint(EnrolmentFactory(code="1465"), email="rzecznik.powiatu@lacznik.example")
    mine = report_of(powiat, description="Sprawozdanie powiatu")
    gminas = report_of(own, description="Sprawozdanie gminy w powiecie")
    ActionPlanItem.objects.create(
        enrolment=own.enrolment, action="Plan gminy w powiecie", owner="OPS", deadline=today()
    )
    login_verified(client, powiat.user)
    for page in ("advocates:reports", "advocates:dashboard", "advocates:plan"):
        text = client.get(reverse(page)).content.decode()
        assert "Sprawozdanie gminy w powiecie" not in text and "Plan gminy w powiecie" not in text, page
    assert "Sprawozdanie powiatu" in client.get(reverse("advocates:reports")).content.decode()
    assert client.get(reverse("advocates:report_detail", args=[gminas.pk])).status_code == 404
    response = client.post(
        reverse("advocates:report_edit", args=[gminas.pk]), form_data(description="Przejęte", link="https://a.pl/")
    )
    assert response.status_code == 404
    gminas.refresh_from_db()
    assert gminas.description == "Sprawozdanie gminy w powiecie"
    assert client.get(reverse("advocates:report_edit", args=[mine.pk])).status_code == 200
    # The plan form offers the powiat alone.
    form = client.get(reverse("advocates:plan_create")).content.decode()
    assert f'value="{powiat.enrolment.pk}"' in form and f'value="{own.enrolment.pk}"' not in form


def test_an_advocate_whose_term_ended_reaches_nothing(client, advocate_146501, own):
    report = report_of(own, description="Sprawozdanie z kadencji")
    own.ended_on = today()
    own.save(update_fields=["ended_on"])
    login_verified(client, advocate_146501)
    assert "Sprawozdanie z kadencji" not in client.get(reverse("advocates:reports")).content.decode()
    assert client.get(reverse("advocates:report_edit", args=[report.pk])).status_code == 404
    assert client.post(reverse("advocates:report_create"), form_data(link="https://a.pl/")).status_code == 200
    assert ActivityReport.objects.unscoped(reason="test").count() == 1


def test_the_national_coordinator_reaches_the_programme_from_the_menu(client, national_coordinator, own):
    report_of(own, description="Sprawozdanie z Mazowsza")
    login_verified(client, national_coordinator)
    assert f'href="{reverse("advocates:pipeline")}"' in client.get("/").content.decode()
    pipeline = client.get(reverse("advocates:pipeline")).content.decode()
    for name in ("advocates:reports", "advocates:plan", "advocates:evaluations", "advocates:reminders"):
        assert f'href="{reverse(name)}"' in pipeline, name
    assert "Sprawozdanie z Mazowsza" in client.get(reverse("advocates:reports")).content.decode()


def test_the_advocate_gives_and_withdraws_consent_to_publish_the_e_mail(client, advocate_146501, own, other):
    public = reverse("advocates:public_list")
    login_verified(client, advocate_146501)
    assert advocate_146501.email not in client.get(public).content.decode()
    response = client.post(reverse("advocates:contact_consent", args=[own.pk]), {"publish": "1"})
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.publish_contact and advocate_146501.email in client.get(public).content.decode()
    assert own.history.first().history_user == advocate_146501
    client.post(reverse("advocates:contact_consent", args=[own.pk]), {"publish": "0"})
    own.refresh_from_db()
    assert not own.publish_contact and advocate_146501.email not in client.get(public).content.decode()
    # Another JST's advocate's consent is not the persona's to give: 404, nothing changes.
    assert client.post(reverse("advocates:contact_consent", args=[other.pk]), {"publish": "1"}).status_code == 404
    other.refresh_from_db()
    assert not other.publish_contact


def test_a_period_with_an_unknown_action_is_left_as_it_was(client, mazowsze_coordinator):
    from datetime import date

    period = ReportingPeriod.objects.create(region="14", starts_on=date(2025, 1, 1), ends_on=date(2025, 6, 30))
    login_verified(client, mazowsze_coordinator)
    response = client.post(reverse("advocates:period_status", args=[period.pk]), {"action": "delete"}, follow=True)
    assert says(response, "Choose whether to close or to open the period.")
    period.refresh_from_db()
    assert period.closed_at is None
