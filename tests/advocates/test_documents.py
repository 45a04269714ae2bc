"""Documents of the advocates programme: the cover letter and the agreement from DOCX templates with PDF
copies, template versions and their checks, batches as ZIP files, signed scans; who may do what."""

import io
import zipfile
from datetime import date

import docx
import pytest
from django.urls import reverse
from django.utils import translation

from lacznik.advocates import documents
from lacznik.advocates.models import DocumentTemplate, Enrolment, EnrolmentDocument, Stage
from lacznik.core.models import Job
from lacznik.territory.models import Unit
from tests.advocates.factories import EnrolmentFactory
from tests.helpers import login_verified

COVER, AGREEMENT = DocumentTemplate.Kind.COVER_LETTER, DocumentTemplate.Kind.AGREEMENT


def _register(*units: tuple[str, str, str, str]) -> None:
    """Units with their real names (code, level, kind, name), parents first."""
    for code, level, kind, name in units:
        parent = (
            Unit.objects.filter(code=code[:4] if len(code) == 7 else code[:2]).first()
            if len(code) > 2
            else None
        )
        Unit.objects.get_or_create(
            code=code,
            defaults={
                "level": level,
                "kind": kind,
                "name": name,
                "parent": parent,
                "valid_from": date(2024, 1, 1),
            },
        )


@pytest.fixture(autouse=True)
def english(settings):
    # Messages are asserted in English (the Polish catalogue is checked by its own test).
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def plock(db):
    _register(
        ("14", Unit.Level.VOIVODESHIP, "", "MAZOWIECKIE"),
        ("1462", Unit.Level.POWIAT, "", "Płock"),
        ("1462011", Unit.Level.GMINA, Unit.Kind.URBAN, "Płock"),
    )
    return EnrolmentFactory(
        code="1462011",
        head_name="Jan Próbny",
        head_gender="m",
        office_address="Stary Rynek 1\n09-400 Płock",
        agreement_number="7/2026",
    )


@pytest.fixture
def coordinator(client, mazowsze_coordinator):
    return login_verified(client, mazowsze_coordinator)


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    texts = [paragraph.text for paragraph in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def a_template(*lines: str) -> bytes:
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(name: str, data: bytes) -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def generate(client, enrolment, kind=COVER, **extra):
    data = {
        "kind": kind,
        "on": "2026-03-02",
        "place": "Warszawa",
        "centre": "Mazowieckie Centrum Polityki Społecznej",
    }
    return client.post(reverse("advocates:document_generate", args=[enrolment.pk]), {**data, **extra})


# --- one JST --------------------------------------------------------------------------------------


def test_cover_letter_is_addressed_to_the_president_with_the_city_declined(coordinator, plock):
    response = generate(coordinator, plock, centre_representative="Anna Próbna – Dyrektor")
    assert response.status_code == 302
    made = {document.file.name[-4:]: document for document in plock.documents.all()}
    assert set(made) == {"docx", ".pdf"}
    text = docx_text(made["docx"].file.read())
    assert "Prezydent Miasta Płocka" in text
    assert "Szanowny Panie Prezydencie," in text
    assert "urzędu Miasta Płocka" in text
    assert "Stary Rynek 1" in text and "09-400 Płock" in text
    assert "2 marca 2026" in text
    assert "Anna Próbna – Dyrektor" in text
    assert made[".pdf"].file.read().startswith(b"%PDF-")
    assert made["docx"].created_by.email == "koordynator.14@lacznik.example"


def test_agreement_names_the_parties_and_carries_its_number(coordinator, plock):
    generate(coordinator, plock, kind=AGREEMENT)
    document = plock.documents.get(kind=EnrolmentDocument.Kind.AGREEMENT, file__endswith=".docx")
    text = docx_text(document.file.read())
    assert "POROZUMIENIE nr 7/2026" in text
    assert "Stroną 2: Miasto Płock" in text
    assert "Jan Próbny – Prezydent Miasta Płocka" in text
    assert "województwa mazowieckiego" in text


def test_a_name_with_xml_signs_renders_as_written(coordinator, plock):
    Enrolment.objects.unscoped(reason="test").filter(pk=plock.pk).update(
        head_name='Jan "Kowal" & <Syn>', office_address="ul. A&B <1>"
    )
    plock.refresh_from_db()
    assert generate(coordinator, plock).status_code == 302
    for kind in (COVER, AGREEMENT):
        documents.generate(
            enrolment=plock, kind=kind, options=documents.Options(on=date(2026, 3, 2)), by=None
        )
    for document in plock.documents.filter(file__endswith=".docx"):
        text = docx_text(document.file.read())
        assert 'Jan "Kowal" & <Syn>' in text
        assert "ul. A&B <1>" in text


def test_documents_page_lists_them_and_downloads_with_a_safe_name(coordinator, plock):
    generate(coordinator, plock)
    page = coordinator.get(reverse("advocates:documents", args=[plock.pk]))
    assert page.status_code == 200
    assert "Prezydent Miasta Płocka" in page.content.decode()
    document = plock.documents.get(file__endswith=".docx")
    response = coordinator.get(reverse("advocates:document_file", args=[document.pk, "docx"]))
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="pismo-przewodnie-1462011-plock-{document.pk}.docx"'
    )


def test_an_invalid_generation_form_changes_nothing(coordinator, plock):
    response = coordinator.post(reverse("advocates:document_generate", args=[plock.pk]), {"kind": COVER})
    assert response.status_code == 400
    assert not plock.documents.exists()


# --- templates ------------------------------------------------------------------------------------


def test_the_current_template_is_the_default_until_a_version_is_uploaded(coordinator, plock):
    response = coordinator.get(reverse("advocates:template_file", args=["14", COVER]))
    assert response.status_code == 200
    assert response.content == documents.default_template(COVER)
    assert "domyslny" in response["Content-Disposition"]


def test_an_uploaded_version_is_used_for_new_documents(coordinator, plock):
    url = reverse("advocates:templates", args=["14"])
    for text in ("Wersja pierwsza dla {{ adresat_tytul }}", "Wersja druga dla {{ adresat_tytul }}"):
        response = coordinator.post(url, {"kind": COVER, "file": upload("moje pismo.docx", a_template(text))})
        assert response.status_code == 302
    assert list(
        DocumentTemplate.objects.filter(region="14", kind=COVER).values_list("version", flat=True)
    ) == [2, 1]
    generate(coordinator, plock)
    document = plock.documents.get(file__endswith=".docx")
    assert docx_text(document.file.read()) == "Wersja druga dla Prezydent Miasta Płocka"
    assert document.template.version == 2
    assert "moje pismo" not in document.template.file.name  # the stored name is the server's own
    first = DocumentTemplate.objects.get(version=1)
    download = coordinator.get(reverse("advocates:template_version", args=[first.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="szablon-pismo-przewodnie-14-v1.docx"'
    assert "Wersja pierwsza" in docx_text(b"".join(download.streaming_content))


def test_a_template_with_an_unknown_placeholder_is_refused_naming_it(coordinator, plock):
    data = a_template("{{ jst_nazwa }} {{ nazwisko_wojta }}", "{{ adresat_tytul }}")
    response = coordinator.post(
        reverse("advocates:templates", args=["14"]), {"kind": COVER, "file": upload("pismo.docx", data)}
    )
    assert response.status_code == 400
    assert "{{ nazwisko_wojta }}" in response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')
    assert not DocumentTemplate.objects.exists()


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("{{ jst_nazwa.__class__.__mro__ }}", "cannot be filled in"),
        ("{{ jst_nazwa ", "mistake in a placeholder"),
    ],
)
def test_a_template_that_fails_to_render_is_refused(line, reason):
    with pytest.raises(documents.DocumentRejected) as refused:
        documents.check_template("pismo.docx", a_template(line))
    assert reason in refused.value.problems[0]


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return out.getvalue()


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("pismo.pdf", b"%PDF-1.4 not a template", "DOCX format"),
        ("pismo.docx", b"Just text, not a zip", "not a valid DOCX"),
        ("pismo.docx", _zip({"[Content_Types].xml": b"<x/>", "other.xml": b"<x/>"}), "not a valid DOCX"),
        # 150 MB of zeros packs into a few hundred kB: refused from the zip directory, never unpacked.
        (
            "bomba.docx",
            _zip({"[Content_Types].xml": b"<x/>", "word/document.xml": b"\0" * (150 * 1024 * 1024)}),
            "unpacks to more than",
        ),
        (
            "wiele.docx",
            _zip(
                {
                    "[Content_Types].xml": b"<x/>",
                    "word/document.xml": b"<x/>",
                    **{f"p/{i}": b"" for i in range(1001)},
                }
            ),
            "too many parts",
        ),
    ],
    ids=["pdf", "text", "zip-without-document", "zip-bomb", "too-many-entries"],
)
def test_a_file_that_is_not_a_sane_docx_is_refused(coordinator, db, name, data, reason):
    response = coordinator.post(
        reverse("advocates:templates", args=["14"]), {"kind": COVER, "file": upload(name, data)}
    )
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_a_template_over_5_mb_is_refused(coordinator, db):
    big = b"PK\x03\x04" + b"\0" * (5 * 1024 * 1024)
    response = coordinator.post(
        reverse("advocates:templates", args=["14"]), {"kind": COVER, "file": upload("duzy.docx", big)}
    )
    assert response.status_code == 400
    assert "larger than 5 MB" in response.content.decode()
    assert not DocumentTemplate.objects.exists()


def test_templates_page_documents_every_placeholder(coordinator, db):
    page = coordinator.get(reverse("advocates:templates", args=["14"])).content.decode()
    for name in documents.PLACEHOLDERS:
        assert f"{{{{ {name} }}}}" in page


# --- batches --------------------------------------------------------------------------------------


def test_a_batch_makes_a_zip_with_a_docx_and_a_pdf_per_jst(coordinator, plock):
    others = [EnrolmentFactory(code=code) for code in ("1465011", "1461011")]
    chosen = [plock, *others]
    data = {
        "kind": COVER,
        "on": "2026-03-02",
        "place": "Warszawa",
        "centre": "MCPS",
        "scope": "selected",
        "enrolments": [enrolment.pk for enrolment in chosen],
        "region": "14",
    }
    response = coordinator.post(reverse("advocates:batch"), data)
    job = Job.objects.get(kind=documents.BATCH_KIND)
    assert response.url == reverse("advocates:batch_job", args=[job.pk])
    assert job.status == Job.Status.DONE and job.done == job.total == 3
    assert coordinator.get(reverse("advocates:batch_job", args=[job.pk])).status_code == 200
    download = coordinator.get(reverse("advocates:batch_file", args=[job.pk]))
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    names = sorted(archive.namelist())
    assert len([name for name in names if name.endswith(".docx")]) == 3
    assert len([name for name in names if name.endswith(".pdf")]) == 3
    assert "docx/pismo-przewodnie-1462011-plock.docx" in names
    assert "Prezydent Miasta Płocka" in docx_text(archive.read("docx/pismo-przewodnie-1462011-plock.docx"))
    # Each document is also kept against its JST.
    assert EnrolmentDocument.objects.filter(enrolment__in=chosen).count() == 6


def test_a_batch_of_every_jst_in_a_stage_leaves_the_other_stages_out(coordinator, plock):
    EnrolmentFactory(code="1465011", stage=Stage.SELECTED)
    data = {
        "kind": AGREEMENT,
        "on": "2026-03-02",
        "place": "Warszawa",
        "centre": "MCPS",
        "scope": "stage",
        "stage": Stage.NOT_CONTACTED,
    }
    coordinator.post(reverse("advocates:batch"), data)
    job = Job.objects.get(kind=documents.BATCH_KIND)
    assert job.payload["enrolments"] == [plock.pk]
    assert job.result["documents"] == 1


def test_a_batch_without_any_jst_is_refused(coordinator, plock):
    data = {"kind": COVER, "on": "2026-03-02", "place": "Warszawa", "centre": "MCPS", "scope": "selected"}
    response = coordinator.post(reverse("advocates:batch"), data)
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_another_coordinators_batch_is_hidden(client, plock, mazowsze_coordinator, warmia_coordinator):
    login_verified(client, mazowsze_coordinator)
    client.post(
        reverse("advocates:batch"),
        {
            "kind": COVER,
            "on": "2026-03-02",
            "place": "W",
            "centre": "MCPS",
            "scope": "selected",
            "enrolments": [plock.pk],
        },
    )
    job = Job.objects.get(kind=documents.BATCH_KIND)
    login_verified(client, warmia_coordinator)
    assert client.get(reverse("advocates:batch_job", args=[job.pk])).status_code == 404
    assert client.get(reverse("advocates:batch_file", args=[job.pk])).status_code == 404


def test_a_batch_takes_only_jsts_of_the_coordinators_territory(db, plock, warmia_coordinator):
    # A payload naming a JST of Mazowieckie, run for the coordinator of Warmia: nothing of 14 is made.
    job = documents.start_batch(
        enrolment_ids=[plock.pk],
        kind=COVER,
        options=documents.Options(on=date(2026, 3, 2)),
        user=warmia_coordinator,
        region="14",
    )
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result["documents"] == 0
    assert not plock.documents.exists()


# --- signed scans ---------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.7\n" + b"\0" * 64


@pytest.mark.parametrize(
    ("name", "data"),
    [("skan.pdf", PDF), ("skan.PNG", PNG), ("zdjęcie skanu.jpeg", b"\xff\xd8\xff\xe0" + b"\0" * 64)],
)
def test_a_signed_scan_is_stored_under_a_name_the_server_makes(coordinator, plock, name, data):
    response = coordinator.post(
        reverse("advocates:scan_upload", args=[plock.pk]), {"file": upload(name, data)}
    )
    assert response.status_code == 302
    scan = plock.documents.get(kind=EnrolmentDocument.Kind.SIGNED_SCAN)
    assert "skan" not in scan.file.name.rsplit("/", 1)[-1]
    download = coordinator.get(
        reverse("advocates:document_file", args=[scan.pk, scan.file.name.rsplit(".", 1)[-1]])
    )
    assert download["Content-Disposition"].startswith(
        'attachment; filename="porozumienie-podpisane-1462011-plock-'
    )
    assert b"".join(download.streaming_content) == data


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("skan.exe", b"MZ" + b"\0" * 64, "PDF, JPEG or PNG"),
        ("skan.pdf", PNG, "not PDF"),  # a PNG named .pdf
        ("skan.png", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "not PNG"),
        ("skan.pdf", b"%PDF-" + b"\0" * (10 * 1024 * 1024), "larger than 10 MB"),
    ],
    ids=["exe", "png-named-pdf", "svg-named-png", "over-10-mb"],
)
def test_a_scan_of_a_wrong_type_or_size_is_refused(coordinator, plock, name, data, reason):
    response = coordinator.post(
        reverse("advocates:scan_upload", args=[plock.pk]), {"file": upload(name, data)}
    )
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not plock.documents.exists()


# --- who may ------------------------------------------------------------------------------------


def test_coordinator_of_another_voivodeship_gets_404(client, plock, warmia_coordinator):
    login_verified(client, warmia_coordinator)
    assert client.get(reverse("advocates:documents", args=[plock.pk])).status_code == 404
    assert generate(client, plock).status_code == 404
    assert (
        client.post(
            reverse("advocates:scan_upload", args=[plock.pk]), {"file": upload("s.pdf", PDF)}
        ).status_code
        == 404
    )
    assert client.get(reverse("advocates:templates", args=["14"])).status_code == 404
    assert client.get(reverse("advocates:template_file", args=["14", COVER])).status_code == 404
    assert not plock.documents.exists()


def test_a_document_of_another_voivodeship_cannot_be_downloaded(client, plock, warmia_coordinator):
    document = documents.save_scan(enrolment=plock, name="s.pdf", data=PDF, by=None)
    url = reverse("advocates:document_file", args=[document.pk, "pdf"])
    login_verified(client, warmia_coordinator)
    assert client.get(url).status_code == 404


def test_advocate_gets_403_on_management(client, plock, advocate_146501):
    client.force_login(advocate_146501)
    for url in (
        reverse("advocates:documents", args=[plock.pk]),
        reverse("advocates:templates", args=["14"]),
        reverse("advocates:template_index"),
        reverse("advocates:batch"),
    ):
        assert client.get(url).status_code == 403, url
    assert generate(client, plock).status_code == 403
    assert not plock.documents.exists()


def test_the_pdf_copy_of_an_edited_template_says_what_the_docx_says(coordinator, plock):
    """From a template the region edited, the PDF copy is typeset from the rendered DOCX itself."""
    import json

    import typst

    from lacznik.advocates import documents

    edited = a_template("Zmieniona treść pisma dla {{ adresat_tytul }}")
    response = coordinator.post(
        reverse("advocates:templates", args=["14"]), {"kind": COVER, "file": upload("pismo.docx", edited)}
    )
    assert response.status_code == 302
    generate(coordinator, plock)
    docx = plock.documents.get(file__endswith=".docx").file.read()
    pdf = plock.documents.get(file__endswith=".pdf").file.read()
    assert pdf.startswith(b"%PDF")
    blocks = documents.docx_blocks(docx)
    assert [run["text"] for block in blocks for run in block.get("runs", [])] == [
        "Zmieniona treść pisma dla Prezydent Miasta Płocka"
    ]
    shown = typst.query(
        str(documents.TYPST / "docx_copy.typ"),
        "<copy-paragraph>",
        sys_inputs={"data": json.dumps({"title": "t", "blocks": blocks})},
        ignore_system_fonts=True,
    )
    assert "Zmieniona treść pisma dla Prezydent Miasta Płocka" in shown
    # The stored copy is that typesetting, not the default wording's.
    default = documents.render_pdf(COVER, documents.document_data(plock, documents.Options.defaults("14")))
    assert pdf != default and len(pdf) < len(default)
