"""The starter pack: versioned documents per voivodeship that the region's advocates read and download."""

import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from lacznik.accounts.roles import Role
from lacznik.advocates.models import StarterPackDocument
from tests.factories import UserFactory, assign
from tests.helpers import login_verified

PDF = b"%PDF-1.7\n" + b"\0" * 64


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def upload(name: str, data: bytes) -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def odt() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def publish(client, title: str, name: str = "poradnik.pdf", data: bytes = PDF, region: str = "14"):
    return client.post(
        reverse("advocates:starter_pack_upload"),
        {"region": region, "title": title, "file": upload(name, data)},
    )


def test_advocates_see_the_current_version_and_coordinators_the_older_ones(
    client, mazowsze_coordinator, advocate_146501
):
    login_verified(client, mazowsze_coordinator)
    assert publish(client, "Poradnik rzecznika").status_code == 302
    assert publish(client, "poradnik  RZECZNIKA", "poradnik-2.pdf", PDF + b"v2").status_code == 302
    assert publish(client, "Ekonomia społeczna w pigułce", "pigulka.odt", odt()).status_code == 302
    versions = list(StarterPackDocument.objects.order_by("title", "version").values_list("title", "version"))
    assert versions == [
        ("Ekonomia społeczna w pigułce", 1),
        ("Poradnik rzecznika", 1),
        ("Poradnik rzecznika", 2),
    ]
    old, new = StarterPackDocument.objects.filter(title="Poradnik rzecznika").order_by("version")

    page = client.get(reverse("advocates:starter_pack")).content.decode()
    assert reverse("advocates:starter_pack_file", args=[old.pk, "pdf"]) in page  # listed for the coordinator

    client.force_login(advocate_146501)
    page = client.get(reverse("advocates:starter_pack"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Poradnik rzecznika" in text and "Ekonomia społeczna w pigułce" in text
    assert reverse("advocates:starter_pack_file", args=[new.pk, "pdf"]) in text
    assert reverse("advocates:starter_pack_file", args=[old.pk, "pdf"]) not in text
    download = client.get(reverse("advocates:starter_pack_file", args=[new.pk, "pdf"]))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="poradnik-rzecznika-v2.pdf"'
    assert b"".join(download.streaming_content) == PDF + b"v2"
    assert client.get(reverse("advocates:starter_pack_file", args=[old.pk, "pdf"])).status_code == 404


def test_advocates_of_another_voivodeship_see_nothing_of_it(client, mazowsze_coordinator):
    login_verified(client, mazowsze_coordinator)
    publish(client, "Poradnik rzecznika")
    document = StarterPackDocument.objects.get()
    client.force_login(assign(UserFactory(email="rzecznik.286201@lacznik.example"), Role.ADVOCATE, "286201"))
    page = client.get(reverse("advocates:starter_pack")).content.decode()
    assert reverse("advocates:starter_pack_file", args=[document.pk, "pdf"]) not in page
    assert client.get(reverse("advocates:starter_pack_file", args=[document.pk, "pdf"])).status_code == 404


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("poradnik.exe", b"MZ" + b"\0" * 32, "PDF, DOCX or ODT"),
        ("poradnik.pdf", b"<html>not a pdf</html>", "not PDF"),
        ("poradnik.odt", b"PK\x03\x04" + b"\0" * 32, "not a valid ODT"),
        ("poradnik.docx", odt(), "not a valid DOCX"),
        ("poradnik.pdf", b"%PDF-" + b"\0" * (20 * 1024 * 1024), "larger than 20 MB"),
    ],
    ids=["exe", "html-named-pdf", "broken-odt", "odt-named-docx", "over-20-mb"],
)
def test_a_file_of_a_wrong_type_or_size_is_refused(client, mazowsze_coordinator, name, data, reason):
    login_verified(client, mazowsze_coordinator)
    response = publish(client, "Poradnik", name, data)
    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not StarterPackDocument.objects.exists()


def test_a_coordinator_publishes_only_to_the_own_voivodeship(client, warmia_coordinator):
    login_verified(client, warmia_coordinator)
    assert publish(client, "Poradnik", region="14").status_code == 400
    assert not StarterPackDocument.objects.exists()


def test_roles_outside_the_programme_get_403_and_advocates_cannot_publish(
    client, owes_advisor, advocate_146501
):
    client.force_login(owes_advisor)
    assert client.get(reverse("advocates:starter_pack")).status_code == 403
    client.force_login(advocate_146501)
    assert publish(client, "Poradnik").status_code == 403
    assert not StarterPackDocument.objects.exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(reverse("advocates:starter_pack"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
