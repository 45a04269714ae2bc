"""Browsing the register publicly, its API and the administrator's import (issue #3 points 3 and 4)."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from lacznik.territory.models import Unit
from tests.helpers import login_verified

TERC_2025 = Path(__file__).parent / "data" / "TERC_Urzedowy_2025-11-18.csv"


def test_index_lists_the_16_voivodeships_with_counts(client, terc):
    html = client.get("/teryt/").content.decode()
    assert "W rejestrze: 16 województw, 380 powiatów i 2\xa0477 gmin" in html or "2 477 gmin" in html or "2477 gmin" in html
    assert '<a href="/teryt/14/">Mazowieckie</a>' in html
    row = html.split('<a href="/teryt/14/">Mazowieckie</a>')[1].split("</tr>")[0]
    assert ">42<" in row and ">314<" in row


def test_voivodeship_page_lists_powiats_and_cities_with_powiat_rights(client, terc):
    html = client.get("/teryt/14/").content.decode()
    assert "42 powiaty" in html
    warszawa_row = html.split('href="/teryt/1465/"')[1].split("</tr>")[0]
    assert "miasto na prawach powiatu" in warszawa_row


def test_powiat_and_gmina_pages_show_kinds_and_parts(client, terc):
    html = client.get("/teryt/1465/").content.decode()
    assert "Gminy powiatu" in html and "gmina miejska" in html
    warszawa = client.get("/teryt/1465011/").content.decode()
    assert "Bemowo" in warszawa and "dzielnica m.st. Warszawy" in warszawa
    nowogrodziec = client.get("/teryt/0201043/").content.decode()
    assert "miasto w gminie miejsko-wiejskiej" in nowogrodziec and "obszar wiejski w gminie miejsko-wiejskiej" in nowogrodziec


def test_search_ignores_diacritics(client, terc):
    html = client.get("/teryt/", {"q": "lodz"}).content.decode()
    assert '<a href="/teryt/1061011/">Łódź</a>' in html
    html = client.get("/teryt/", {"q": "zielona gora"}).content.decode()
    assert "Zielona Góra" in html


def test_retired_units_are_found_only_when_asked_and_point_to_their_successor(client, terc):
    from lacznik.territory.services import import_register

    import_register(data=TERC_2025.read_bytes(), source_name=TERC_2025.name)
    assert "1436012" not in client.get("/teryt/", {"q": "kazanow"}).content.decode()
    assert "1436012" in client.get("/teryt/", {"q": "kazanow", "historyczne": "1"}).content.decode()
    html = client.get("/teryt/1436012/").content.decode()
    assert "nie występuje już w rejestrze" in html and 'href="/teryt/1436013/"' in html


def test_unknown_code_is_404(client, terc):
    assert client.get("/teryt/9999999/").status_code == 404


def test_api_lists_with_filters_and_pagination(client, terc):
    page = client.get("/api/v1/territory/units", {"level": "voivodeship"}).json()
    assert page["count"] == 16 and len(page["items"]) == 16
    page = client.get("/api/v1/territory/units", {"parent": "1465", "limit": 5, "offset": 5}).json()
    assert page["count"] == 1  # the powiat of Warsaw holds one gmina, the city
    page = client.get("/api/v1/territory/units", {"q": "lodz", "kind": "1"}).json()
    # "lodz" is also inside "Kłodzko": a search by part of a name finds both.
    assert {"1061011", "0208021"} <= {item["code"] for item in page["items"]}
    page = client.get("/api/v1/territory/units", {"level": "gmina", "limit": 100, "offset": 100}).json()
    assert page["count"] == Unit.objects.current().filter(level="gmina").count() and len(page["items"]) == 100
    assert client.get("/api/v1/territory/units", {"limit": 1000}).status_code == 422


def test_api_detail_names_parts_and_successor(client, terc):
    body = client.get("/api/v1/territory/units/0201043").json()
    assert body["children"] == ["0201044", "0201045"] and body["parent"] == "0201"
    assert body["kind_label"] == "gmina miejsko-wiejska"
    assert client.get("/api/v1/territory/units/0000000").status_code == 404


def test_administrator_imports_a_newer_register_from_the_admin(client, terc, administrator):
    login_verified(client, administrator)
    upload = SimpleUploadedFile("TERC_2025.csv", TERC_2025.read_bytes(), content_type="text/csv")
    response = client.post("/admin/territory/unit/import/", {"file": upload}, follow=True)
    assert response.status_code == 200
    assert "Zaimportowano rejestr według stanu na 2025-01-01: dodano 23" in response.content.decode()
    assert Unit.objects.get(code="1436012").history.first().history_user == administrator


def test_admin_import_lists_every_problem_and_changes_nothing(client, terc, administrator):
    login_verified(client, administrator)
    bad = b"WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA\n14;01;01;7;Zla;gmina;2024-01-01\n14;02;01;2;Sierota;gmina;2024-01-01\n"
    before = Unit.history.count()
    response = client.post("/admin/territory/unit/import/", {"file": SimpleUploadedFile("bad.csv", bad)})
    html = response.content.decode()
    assert "Plik odrzucono: 2 problemy" in html
    assert "<td>2</td><td>RODZ</td><td>7</td><td>Nieznany rodzaj gminy" in html
    assert "<td>3</td><td>POW</td><td>1402012</td><td>Jednostki nadrzędnej 1402 nie ma w pliku." in html
    assert Unit.history.count() == before


def test_import_is_refused_without_the_permission(client, terc, national_coordinator):
    login_verified(client, national_coordinator)
    response = client.post("/admin/territory/unit/import/", {"file": SimpleUploadedFile("x.csv", b"x")})
    assert response.status_code in (302, 403)
    assert Unit.objects.current().gminas().count() == 2477
