"""Open data: the filtered catalogue as CSV, XLSX and JSON (issue #5 point 3; FU-04 formula injection)."""

import csv
import io
import json
import re
from datetime import date

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from lacznik.entities import exports
from lacznik.entities.models import Mark

from .factories import EntityFactory, OfferItemFactory, cpv

FORMULA = '=HYPERLINK("http://x","y")'


def body(response) -> bytes:
    assert response.streaming
    return b"".join(response.streaming_content)


def csv_rows(response) -> list[dict[str, str]]:
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")  # Excel reads UTF-8 only with the byte-order mark
    return list(csv.DictReader(io.StringIO(text[1:], newline="")))


def json_file(response) -> dict:
    return json.loads(body(response).decode("utf-8"))


def xlsx_sheets(response):
    workbook = load_workbook(io.BytesIO(body(response)))
    return workbook["Katalog PES"], workbook["Informacje"]


@pytest.fixture
def catalogue_entities(db):
    """A social cooperative in Warsaw (14) with an offer and a mark, a foundation in Olsztyn (28), and an
    unpublished entity in 28."""
    mark, _created = Mark.objects.get_or_create(
        code="zakup-prospoleczny", defaults={"name": "Zakup Prospołeczny"}
    )
    warsaw = EntityFactory(
        name="Spółdzielnia Socjalna „Zażółć Gęślą Jaźń”",
        code="1465011",
        nip="5260250274",
        street="ul. Źródlana 5",
        postal_code="00-950",
        email="kontakt@zazolc.example",
        ps_granted_on=date(2023, 5, 4),
        ps_decision_number="WPS-II.9410.1.2023",
    )
    warsaw.marks.add(mark)
    OfferItemFactory(entity=warsaw, cpv=cpv("55520000-1"), name="Catering dla szkół")
    OfferItemFactory(entity=warsaw, cpv=cpv("55520000-1"), name="Obiady dla przedszkoli")
    OfferItemFactory(entity=warsaw, cpv=cpv("90910000-9", "Usługi sprzątania"), name="Sprzątanie biur")
    OfferItemFactory(
        entity=warsaw, cpv=cpv("79800000-2", "Usługi drukowania"), name="Druk", is_published=False
    )
    olsztyn = EntityFactory(name="Fundacja Warmińska Pomoc", code="2862011", legal_form="fundacja")
    hidden = EntityFactory(name="Stowarzyszenie Ukryte", code="2862011", is_published=False)
    return warsaw, olsztyn, hidden


def test_csv_holds_exactly_the_filtered_published_rows(client, catalogue_entities):
    warsaw, olsztyn, hidden = catalogue_entities
    response = client.get(reverse("entities:export_csv"), {"teryt": "28"})
    assert response.status_code == 200
    assert [row["id"] for row in csv_rows(response)] == [str(olsztyn.pk)]
    everything = csv_rows(client.get(reverse("entities:export_csv")))
    assert {row["id"] for row in everything} == {str(warsaw.pk), str(olsztyn.pk)}
    searched = csv_rows(
        client.get(reverse("entities:export_csv"), {"q": "spółdzielni socjalnych", "cpv": "55"})
    )
    assert [row["id"] for row in searched] == [str(warsaw.pk)]


def test_csv_columns_are_the_documented_ones_with_values(client, catalogue_entities):
    warsaw, _olsztyn, _hidden = catalogue_entities
    response = client.get(reverse("entities:export_csv"), {"teryt": "14"})
    header = body(client.get(reverse("entities:export_csv"))).decode("utf-8-sig").split("\r\n")[0]
    assert header == ",".join(exports.COLUMN_NAMES)
    (row,) = csv_rows(response)
    assert row["nazwa"] == "Spółdzielnia Socjalna „Zażółć Gęślą Jaźń”"
    assert row["forma_prawna"] == "spoldzielnia-socjalna"
    assert (row["przedsiebiorstwo_spoleczne"], row["ps_od"], row["ps_utrata"]) == ("tak", "2023-05-04", "")
    assert row["ps_decyzja"] == "WPS-II.9410.1.2023"
    assert (row["teryt"], row["gmina"], row["powiat"], row["wojewodztwo"]) == (
        "1465011",
        "Gmina Próbna 1465011",
        "Powiat Próbny 1465",
        "Próbne 14",
    )
    assert (row["nip"], row["adres"], row["kod_pocztowy"]) == ("5260250274", "ul. Źródlana 5", "00-950")
    # The unpublished offer item counts for nothing; a CPV code shared by two items is listed once.
    assert (row["liczba_pozycji_oferty"], row["kody_cpv"]) == ("3", "55520000-1|90910000-9")
    assert row["znaki"] == "zakup-prospoleczny"
    assert row["url"] == f"http://testserver/katalog/{warsaw.pk}/"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["data_aktualizacji"])


def test_download_is_an_attachment_with_a_safe_name_and_names_its_licence(client, catalogue_entities):
    response = client.get(reverse("entities:export_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert re.fullmatch(
        r'attachment; filename="katalog-pes-\d{4}-\d{2}-\d{2}\.csv"', response["Content-Disposition"]
    )
    assert f'<{exports.LICENCE_URL}>; rel="license"' in response["Link"]
    assert '<http://testserver/katalog/dane-otwarte/>; rel="describedby"' in response["Link"]
    body(response)


def test_formula_in_a_cell_is_neutralised_in_csv(client, db):
    entity = EntityFactory(name=FORMULA, description="@SUM(1+1)*cmd|' /C calc'!A0", phone="+48 22 000 00 00")
    (row,) = csv_rows(client.get(reverse("entities:export_csv")))
    assert row["nazwa"] == "'" + FORMULA
    assert row["opis"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert row["telefon"] == "'+48 22 000 00 00"
    assert row["id"] == str(entity.pk) and row["miejscowosc"] == "Warszawa"  # plain texts stay as they are


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_every_formula_start_gets_the_apostrophe(start):
    assert exports.neutralise_formula(f"{start}1+1") == f"'{start}1+1"
    assert exports.neutralise_formula(f"A{start}1") == f"A{start}1"


def test_formula_in_a_cell_is_text_in_xlsx(client, db):
    EntityFactory(name=FORMULA, description=FORMULA + "\x01")
    response = client.get(reverse("entities:export_xlsx"))
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert re.fullmatch(
        r'attachment; filename="katalog-pes-\d{4}-\d{2}-\d{2}\.xlsx"', response["Content-Disposition"]
    )
    sheet, _info = xlsx_sheets(response)
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    row = dict(zip(header, next(sheet.iter_rows(min_row=2, max_row=2)), strict=True))
    assert row["nazwa"].value == FORMULA and row["nazwa"].data_type == "s"
    # A control character XML cannot hold is dropped rather than failing the whole file.
    assert row["opis"].value == FORMULA and row["opis"].data_type == "s"


def test_xlsx_has_the_rows_and_a_sheet_with_the_licence(client, catalogue_entities):
    warsaw, olsztyn, _hidden = catalogue_entities
    sheet, info = xlsx_sheets(
        client.get(reverse("entities:export_xlsx"), {"forma": ["fundacja", "spoldzielnia-socjalna"]})
    )
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == exports.COLUMN_NAMES
    by_name = {row[1]: dict(zip(exports.COLUMN_NAMES, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {warsaw.name, olsztyn.name}  # Polish letters intact
    assert by_name[warsaw.name]["id"] == warsaw.pk and by_name[warsaw.name]["liczba_pozycji_oferty"] == 3
    assert by_name[warsaw.name]["przedsiebiorstwo_spoleczne"] == "tak"
    assert by_name[olsztyn.name]["przedsiebiorstwo_spoleczne"] == "nie"
    texts = [value for row in info.iter_rows(values_only=True) for value in row if value]
    assert exports.LICENCE_URL in texts
    with translation.override("pl"):
        assert str(exports.ATTRIBUTION) in texts
    assert "forma=fundacja&forma=spoldzielnia-socjalna" in texts
    assert set(exports.COLUMN_NAMES) <= set(texts)  # every column explained


def test_json_envelope_names_licence_source_and_filters(client, catalogue_entities):
    warsaw, olsztyn, _hidden = catalogue_entities
    response = client.get(reverse("entities:export_json"), {"teryt": "28"})
    assert response["Content-Type"] == "application/json"
    data = json_file(response)
    assert data["licencja_url"] == exports.LICENCE_URL and data["licencja_kod"] == "CC-BY-4.0"
    with translation.override("pl"):
        assert data["zrodlo"] == str(exports.ATTRIBUTION) and data["licencja"] == str(exports.LICENCE_NAME)
    assert data["filtry"] == {"teryt": "28"}
    assert data["dokumentacja"] == "http://testserver/katalog/dane-otwarte/"
    assert [row["id"] for row in data["dane"]] == [olsztyn.pk] and data["liczba_rekordow"] == 1
    (row,) = json_file(client.get(reverse("entities:export_json"), {"ps": "1"}))["dane"]
    assert row["nazwa"] == "Spółdzielnia Socjalna „Zażółć Gęślą Jaźń”"
    assert (
        row["przedsiebiorstwo_spoleczne"] is True
        and row["ps_od"] == "2023-05-04"
        and row["ps_utrata"] is None
    )
    assert row["kody_cpv"] == ["55520000-1", "90910000-9"] and row["znaki"] == ["zakup-prospoleczny"]
    assert list(row) == list(exports.COLUMN_NAMES)


def test_empty_list_is_still_a_valid_file(client, db):
    assert json_file(client.get(reverse("entities:export_json")))["dane"] == []
    assert csv_rows(client.get(reverse("entities:export_csv"))) == []
    sheet, _info = xlsx_sheets(client.get(reverse("entities:export_xlsx")))
    assert list(sheet.iter_rows(values_only=True)) == [exports.COLUMN_NAMES]


def test_rows_are_read_in_chunks_with_two_queries_a_chunk(client, db, monkeypatch):
    marked, _created = Mark.objects.get_or_create(
        code="zakup-prospoleczny", defaults={"name": "Zakup Prospołeczny"}
    )
    entities = [EntityFactory(code="1465011" if n % 2 else "2862011") for n in range(7)]
    for entity in entities:
        entity.marks.add(marked)
        OfferItemFactory(entity=entity)
    monkeypatch.setattr(exports, "CHUNK_SIZE", 3)
    with CaptureQueriesContext(connection) as queries:
        data = json_file(client.get(reverse("entities:export_json")))
    # The units once, the entities once (one cursor), then marks and offer per chunk of 3 (3 chunks).
    assert len(data["dane"]) == 7 and data["liczba_rekordow"] == 7
    assert all(
        row["znaki"] == ["zakup-prospoleczny"] and row["liczba_pozycji_oferty"] == 1 for row in data["dane"]
    )
    assert (
        len([q for q in queries.captured_queries if "entities_" in q["sql"] or "territory_" in q["sql"]])
        <= 2 + 2 * 3
    )
    assert len(csv_rows(client.get(reverse("entities:export_csv")))) == 7


def test_a_search_downloads_in_the_pages_order(client, db):
    # By name the weaker hit comes first; ranked, the stronger, as on the page and in the API.
    EntityFactory(name="Agencja Usług", description="Usługi biurowe, transportowe i remontowe, też catering.")
    EntityFactory(name="Zakład Catering", description="Catering dla szkół: catering codzienny.")
    ranked = ["Zakład Catering", "Agencja Usług"]
    page = client.get(reverse("entities:catalogue"), {"q": "catering"}).context["entities"]
    assert [entity["name"] if isinstance(entity, dict) else entity.name for entity in page] == ranked
    for sort, expected in (("", ranked), ("trafnosc", ranked), ("nazwa", ranked[::-1])):
        params = {"q": "catering", "sort": sort}
        rows = csv_rows(client.get(reverse("entities:export_csv"), params))
        assert [row["nazwa"] for row in rows] == expected, sort
        assert [
            row["nazwa"] for row in json_file(client.get(reverse("entities:export_json"), params))["dane"]
        ] == expected


def test_invalid_filter_is_refused_with_its_name(client, catalogue_entities):
    response = client.get(reverse("entities:export_csv"), {"forma": "spolka-akcyjna"})
    assert response.status_code == 400
    assert "forma" in response.content.decode()


def test_only_get_and_head(client, db):
    assert client.post(reverse("entities:export_csv")).status_code in (403, 405)  # CSRF may answer first
    assert client.head(reverse("entities:export_json")).status_code == 200


def test_drain_produces_the_whole_export_for_the_benchmark(catalogue_entities):
    rows, size = exports.drain("csv", {"teryt": "28"})
    assert rows == 1 and size > 100
    assert exports.drain("json")[0] == 2
    assert exports.drain("xlsx", {"forma": ["fundacja"]})[0] == 1
    (result, growth) = exports.peak_memory_growth(lambda: exports.drain("csv"))
    assert result[0] == 2 and growth >= 0


def test_export_links_carry_the_query_string():
    html = render_to_string("entities/_export_links.html", {"query_string": "teryt=28&ps=1"})
    for name in ("export_csv", "export_xlsx", "export_json"):
        assert f'href="{reverse("entities:" + name)}?teryt=28&amp;ps=1"' in html
    assert reverse("entities:open_data") in html
    assert 'href="/katalog/eksport.csv"' in render_to_string("entities/_export_links.html", {})


def test_open_data_page_documents_columns_licence_and_api(client, db):
    response = client.get(reverse("entities:open_data"))
    assert response.status_code == 200
    page = response.content.decode()
    for name in exports.COLUMN_NAMES:
        assert f"<code>{name}</code>" in page
    assert exports.LICENCE_URL in page and "/api/v1/entities/" in page
    assert "spoldzielnia-socjalna" in page  # the legal form codes
