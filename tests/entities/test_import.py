"""The bulk import (issue 5, point 6): every bad input of the issue gets a message naming its row and
column and changes nothing; a valid file creates or updates by identifier; re-importing changes nothing."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.utils import translation

from lacznik.accounts.roles import Role
from lacznik.core.text import polish_sort_key
from lacznik.entities import import_files
from lacznik.entities.imports import ImportFileRejected, parse_file, run_import
from lacznik.entities.models import Entity, OfferItem
from lacznik.entities.services import refresh_search_documents
from tests.factories import assign

from .factories import EntityFactory, OfferItemFactory, cpv, gmina
from .import_helpers import counts, csv_file, krs, nip, regon, row, xlsx_file


@pytest.fixture(autouse=True)
def english():
    """The messages are asserted in English, the language of the message ids."""
    with translation.override("en"):
        yield


@pytest.fixture
def register(db):
    """Two gminas (Warszawa and Olsztyn) and one CPV code: enough for the bad-input cases."""
    gmina("1465011")
    gmina("2862011")
    cpv("55520000-1")


def rejected(data, user) -> list:
    """Import `data`, expect it refused, and return its problems as (row, column) pairs and reasons."""
    before = counts()
    with pytest.raises(ImportFileRejected) as caught:
        run_import(data, user=user)
    assert counts() == before, "a refused file changed the database"
    return caught.value.errors


def problem_at(errors, row: int, column: str):
    found = [error for error in errors if error.row == row and error.column == column]
    assert found, f"no problem at row {row}, column {column}: {errors}"
    return found[0]


# --- bad input -------------------------------------------------------------------------------------


def test_wrong_nip_checksum_is_refused(register, mazowsze_coordinator):
    errors = rejected(csv_file([row(1), row(2, nip="5261043820")]), mazowsze_coordinator)
    assert "check digit" in problem_at(errors, 3, "nip").reason
    assert problem_at(errors, 3, "nip").value == "5261043820"
    assert len(errors) == 1


def test_wrong_regon_checksum_is_refused(register, mazowsze_coordinator):
    wrong = regon(5)[:-1] + str((int(regon(5)[-1]) + 1) % 10)
    errors = rejected(csv_file([row(5, regon=wrong)]), mazowsze_coordinator)
    assert "check digit" in problem_at(errors, 2, "regon").reason


def test_krs_of_wrong_length_is_refused(register, mazowsze_coordinator):
    errors = rejected(csv_file([row(1, krs="123456")]), mazowsze_coordinator)
    assert "10 digits" in problem_at(errors, 2, "krs").reason


def test_unknown_legal_form_is_refused(register, mazowsze_coordinator):
    errors = rejected(csv_file([row(1, forma_prawna="spółka z o.o.")]), mazowsze_coordinator)
    assert "Unknown legal form" in problem_at(errors, 2, "forma_prawna").reason


def test_legal_form_may_be_written_as_its_polish_name(register, mazowsze_coordinator):
    report = run_import(
        csv_file([row(1, forma_prawna="Spółdzielnia Socjalna"), row(2, forma_prawna="FUNDACJA")]),
        user=mazowsze_coordinator,
    )
    assert report.entities_created == 2
    forms = set(Entity.objects.unscoped(reason="test").values_list("legal_form", flat=True))
    assert forms == {"spoldzielnia-socjalna", "fundacja"}


def test_gmina_missing_from_the_register_is_refused(register, mazowsze_coordinator):
    errors = rejected(csv_file([row(1, teryt_gminy="1499011")]), mazowsze_coordinator)
    assert "no gmina" in problem_at(errors, 2, "teryt_gminy").reason


def test_gmina_outside_the_coordinators_territory_is_refused(register, mazowsze_coordinator):
    errors = rejected(csv_file([row(1), row(2, teryt_gminy="2862011")]), mazowsze_coordinator)
    assert "outside your territory" in problem_at(errors, 3, "teryt_gminy").reason


def test_a_part_of_a_gmina_is_refused(register, mazowsze_coordinator):
    # 1465028: Bemowo, a district of Warsaw; 1401014: the town part of an urban-rural gmina.
    gmina("1465028")
    gmina("1401014")
    errors = rejected(
        csv_file([row(1, teryt_gminy="1465028"), row(2, teryt_gminy="1401014")]), mazowsze_coordinator
    )
    for number in (2, 3):
        assert "part of a gmina" in problem_at(errors, number, "teryt_gminy").reason


def test_duplicate_identifier_inside_the_file_is_refused(register, mazowsze_coordinator):
    # Same NIP, different names: two entities cannot share it.
    errors = rejected(csv_file([row(1), row(2), row(1, nazwa="Inna Fundacja")]), mazowsze_coordinator)
    error = problem_at(errors, 4, "nazwa")
    assert "Row 2" in error.reason and error.value == "Inna Fundacja"


def test_a_repeated_row_is_refused_as_a_duplicate(register, mazowsze_coordinator):
    errors = rejected(csv_file([row(1), row(1)]), mazowsze_coordinator)
    assert "duplicate" in problem_at(errors, 3, "nip").reason


def test_identifiers_of_two_entities_of_the_file_in_one_row_are_refused(register, mazowsze_coordinator):
    errors = rejected(
        csv_file([row(1, krs=krs(1)), row(2, krs=krs(2)), row(1, krs=krs(2))]),
        mazowsze_coordinator,
    )
    assert errors[0].row == 4 and "rows 2 and 3" in errors[0].reason


def test_identifiers_pointing_at_two_entities_of_the_register_are_refused(register, mazowsze_coordinator):
    first = EntityFactory(nip=nip(1))
    EntityFactory(krs=krs(7))
    errors = rejected(csv_file([row(1, krs=krs(7))]), mazowsze_coordinator)
    reason = problem_at(errors, 2, "krs").reason
    assert "cannot be one entity" in reason and first.name in reason
    # An entity of another territory, hidden from the catalogue, is not named.
    hidden = EntityFactory(regon=regon(3), code="2862011", name="Fundacja Ukryta", is_published=False)
    errors = rejected(csv_file([row(1, regon=regon(3))]), mazowsze_coordinator)
    reason = problem_at(errors, 2, "regon").reason
    assert "cannot be one entity" in reason and hidden.name not in reason


def test_an_entity_of_another_territory_is_not_updated(register, mazowsze_coordinator):
    EntityFactory(nip=nip(1), code="2862011", name="Fundacja z Olsztyna")
    errors = rejected(csv_file([row(1)]), mazowsze_coordinator)
    assert "outside your territory" in problem_at(errors, 2, "nip").reason
    assert Entity.objects.unscoped(reason="test").get().name == "Fundacja z Olsztyna"


def test_missing_required_column_rejects_the_file(register, mazowsze_coordinator):
    data = csv_file([row(1)], header=["nazwa", "nip", "teryt_gminy"])
    errors = rejected(data, mazowsze_coordinator)
    assert problem_at(errors, 1, "forma_prawna").reason == "A required column is missing from the header."


def test_an_unknown_extra_column_gives_a_warning_not_an_error(register, mazowsze_coordinator):
    data = csv_file([dict(row(1), uwagi="do sprawdzenia")])
    report = run_import(data, user=mazowsze_coordinator)
    assert report.entities_created == 1
    assert any("uwagi" in warning for warning in report.warnings)


def test_an_empty_file_is_refused(register, mazowsze_coordinator):
    for data in (b"", b"\xef\xbb\xbf", b"\r\n\r\n"):
        errors = rejected(data, mazowsze_coordinator)
        assert errors[0].reason == "The file is empty."


def test_a_header_without_rows_is_refused(register, mazowsze_coordinator):
    errors = rejected(";".join(import_files.COLUMN_NAMES).encode(), mazowsze_coordinator)
    assert errors[0].row == 2 and "no rows" in errors[0].reason


def test_windows_1250_is_detected_and_said(register, mazowsze_coordinator):
    data = csv_file([row(1, nazwa="Spółdzielnia Socjalna Łąka")], encoding="cp1250")
    report = run_import(data, user=mazowsze_coordinator)
    assert report.source["encoding"] == "Windows-1250"
    assert any("Windows-1250" in warning for warning in report.warnings)
    assert Entity.objects.unscoped(reason="test").get().name == "Spółdzielnia Socjalna Łąka"


def test_an_unknown_encoding_is_refused_clearly(register, mazowsze_coordinator):
    # ISO 8859-2 ("Łąka" has bytes that Windows-1250 reads as other signs) and UTF-16.
    for data in (
        csv_file([row(1, nazwa="Spółdzielnia Łąka Ślężą")], encoding="iso8859_2"),
        "nazwa".encode("utf-16"),
    ):
        errors = rejected(data, mazowsze_coordinator)
        assert "UTF-8" in errors[0].reason


def test_a_comma_separated_file_with_bom_is_read(register, mazowsze_coordinator):
    data = b"\xef\xbb\xbf" + csv_file([row(1, nazwa="Fundacja, która ma przecinek")], delimiter=",").replace(
        "Fundacja, która ma przecinek".encode(), '"Fundacja, która ma przecinek"'.encode()
    )
    report = run_import(data, user=mazowsze_coordinator)
    assert report.source["delimiter"] == ","
    assert Entity.objects.unscoped(reason="test").get().name == "Fundacja, która ma przecinek"


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(register, mazowsze_coordinator, tmp_path):
    big = tmp_path / "duzy.csv"
    with big.open("wb") as out:
        out.write(csv_file([row(1)]))
        out.truncate(50 * 1024 * 1024)
    errors = rejected(big, mazowsze_coordinator)
    assert "20 MB" in errors[0].reason


def test_xlsx_with_several_sheets_reads_the_first_and_says_so(register, mazowsze_coordinator):
    report = run_import(xlsx_file([row(1), row(2)], extra_sheets=2), user=mazowsze_coordinator)
    assert report.entities_created == 2
    assert report.source == {"format": "XLSX", "sheet": "dane"}
    assert any("3 sheets" in warning and "dane" in warning for warning in report.warnings)


def test_xlsx_numbers_get_their_leading_zeros_back(register, mazowsze_coordinator):
    gmina("0201011")
    cells = row(1, krs=krs(123), teryt_gminy="0201011")
    dolnoslaskie = run_import(
        xlsx_file([cells], numeric={"krs": 1, "teryt_gminy": 1, "nip": 1}), user=_coordinator("02")
    )
    assert dolnoslaskie.entities_created == 1
    entity = Entity.objects.unscoped(reason="test").get()
    assert (entity.krs, entity.teryt) == ("0000000123", "0201011")


def test_unknown_cpv_code_is_refused(register, mazowsze_coordinator):
    errors = rejected(
        csv_file([row(1, oferta_nazwa="Obiady", oferta_cpv="99999999-9")]), mazowsze_coordinator
    )
    assert "CPV" in problem_at(errors, 2, "oferta_cpv").reason


def test_every_problem_of_the_file_is_listed_at_once(register, mazowsze_coordinator):
    errors = rejected(
        csv_file(
            [
                row(1, nip="5261043820"),
                row(2),
                row(3, teryt_gminy="2862011", kod_pocztowy="00950", email="nie-adres"),
            ]
        ),
        mazowsze_coordinator,
    )
    assert {(error.row, error.column) for error in errors} == {
        (2, "nip"),
        (4, "teryt_gminy"),
        (4, "kod_pocztowy"),
        (4, "email"),
    }


def test_social_enterprise_rules_of_the_model_apply(register, mazowsze_coordinator):
    errors = rejected(
        csv_file(
            [
                row(1, forma_prawna="cis", data_decyzji_ps="2024-05-20", numer_decyzji_ps="WPS.1"),
                row(2, data_decyzji_ps="20.05.2024"),
            ]
        ),
        mazowsze_coordinator,
    )
    assert "cannot hold the social enterprise status" in problem_at(errors, 2, "data_decyzji_ps").reason
    assert "decision" in problem_at(errors, 3, "numer_decyzji_ps").reason


def test_a_bad_xlsx_is_refused(register, mazowsze_coordinator):
    errors = rejected(b"PK\x03\x04 this is not a workbook", mazowsze_coordinator)
    assert "XLSX" in errors[0].reason


def test_an_xlsx_that_unpacks_to_too_much_is_refused_before_it_is_opened(register, mazowsze_coordinator):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (import_files.MAX_XLSX_UNPACKED_BYTES + 1))
    errors = rejected(out.getvalue(), mazowsze_coordinator)
    assert "too much data" in errors[0].reason


def test_xlsx_is_read_with_defusedxml():
    assert openpyxl.DEFUSEDXML is True


# --- valid files -----------------------------------------------------------------------------------


def test_a_valid_file_creates_entities_and_offer_with_history(terc, mazowsze_coordinator):
    cpv("55520000-1")
    cpv("90910000-9", "Usługi sprzątania")
    data = csv_file(
        [
            row(
                1,
                regon=regon(1),
                oferta_nazwa="Obiady dla szkół",
                oferta_cpv="55520000-1",
                ulica="ul. Długa 5",
                kod_pocztowy="00-950",
                www="przyklad.example",
            ),
            row(1, regon=regon(1), oferta_nazwa="Sprzątanie biur", oferta_cpv="90910000"),
            row(
                2,
                krs=krs(2),
                nip="",
                teryt_gminy="1432013",
                forma_prawna="fundacja",
                data_decyzji_ps="",
                oferta_nazwa="",
            ),
        ]
    )
    report = run_import(data, user=mazowsze_coordinator)
    assert (report.entities_created, report.entities_updated, report.offers_created) == (2, 0, 2)
    first = Entity.objects.unscoped(reason="test").get(nip=nip(1))
    assert (first.teryt, first.website, first.postal_code) == (
        "1465011",
        "https://przyklad.example",
        "00-950",
    )
    offer = OfferItem.objects.unscoped(reason="test").filter(entity=first)
    assert sorted(offer.values_list("cpv_id", flat=True)) == ["55520000-1", "90910000-9"]
    assert first.history.get().history_user == mazowsze_coordinator
    assert OfferItem.history.filter(history_user=mazowsze_coordinator).count() == 2
    assert set(OfferItem.objects.unscoped(reason="test").values_list("teryt", flat=True)) == {"1465011"}
    # The search documents were computed: the catalogue finds the offer; they are the documents the
    # entities' data gives (recomputing changes none).
    assert "sprzatanie" in first.search_document and "obiad" in first.search_document
    assert refresh_search_documents(report.entity_ids) == 0


def test_reimporting_the_same_file_changes_nothing(terc, mazowsze_coordinator):
    cpv("55520000-1")
    data = csv_file(
        [
            row(n, regon=regon(n), oferta_nazwa="Obiady", oferta_cpv="55520000-1", opis="Catering")
            for n in range(1, 6)
        ]
    )
    run_import(data, user=mazowsze_coordinator)
    before = counts()
    again = run_import(data, user=mazowsze_coordinator)
    assert (again.entities_unchanged, again.offers_unchanged, again.changes) == (5, 5, 0)
    assert counts() == before


def test_a_known_entity_is_updated_once_and_empty_cells_keep_its_values(terc, mazowsze_coordinator):
    cpv("55520000-1")
    entity = EntityFactory(nip=nip(1), name="Stara nazwa", email="stary@przyklad.example", code="1465011")
    item = OfferItemFactory(entity=entity, name="Obiady", description="stary opis")
    history_before = entity.history.count()
    report = run_import(
        csv_file(
            [
                row(
                    1,
                    nazwa="Nowa nazwa",
                    teryt_gminy="1432013",
                    oferta_nazwa="Obiady",
                    oferta_cpv="55520000-1",
                    oferta_opis="nowy opis",
                    email="",
                )
            ]
        ),
        user=mazowsze_coordinator,
    )
    assert (report.entities_updated, report.offers_updated, report.offers_created) == (1, 1, 0)
    # The preview names what changes: the columns of the entity and its offer items.
    assert report.preview == [
        {
            "row": 2,
            "name": "Nowa nazwa",
            "action": "updated",
            "columns": ["nazwa", "teryt_gminy"],
            "offers_new": 0,
            "offers_updated": 1,
        }
    ]
    entity.refresh_from_db()
    item.refresh_from_db()
    assert (entity.name, entity.email, entity.teryt) == ("Nowa nazwa", "stary@przyklad.example", "1432013")
    assert entity.sort_name == polish_sort_key("Nowa nazwa")  # the list by name follows the new name
    assert (item.description, item.teryt) == ("nowy opis", "1432013")
    assert entity.history.count() == history_before + 1
    assert entity.history.first().history_user == mazowsze_coordinator


def test_a_warmia_coordinator_cannot_import_into_mazowieckie(terc, warmia_coordinator):
    errors = rejected(csv_file([row(1, teryt_gminy="1465011")]), warmia_coordinator)
    assert "outside your territory" in problem_at(errors, 2, "teryt_gminy").reason


def test_only_the_keepers_territory_counts_not_another_roles(terc, mazowsze_coordinator):
    # A committee seat in Warmia gives no right to keep Warmia's entities: not by the form, not by a file.
    assign(mazowsze_coordinator, Role.COMMITTEE_MEMBER, "28")
    existing = EntityFactory(code="2862011", nip=nip(7))
    errors = rejected(
        csv_file([row(1, teryt_gminy="2862011"), row(2, nip=nip(7), teryt_gminy="2862011", opis="nowy")]),
        mazowsze_coordinator,
    )
    assert "outside your territory" in problem_at(errors, 2, "teryt_gminy").reason
    assert "outside your territory" in problem_at(errors, 3, "nip").reason
    existing.refresh_from_db()
    assert existing.description != "nowy"


def test_the_template_files_match_the_columns_and_import(terc, mazowsze_coordinator):
    cpv("55520000-1")
    static = Path(settings.BASE_DIR) / "lacznik/entities/static/entities/szablon-importu-pes.csv"
    parsed = parse_file(static.read_bytes())
    assert parsed.columns == import_files.COLUMN_NAMES and not parsed.warnings
    # Sent unchanged, its example row would add "Spółdzielnia Socjalna Przykład": refused as the example.
    with pytest.raises(ImportFileRejected) as caught:
        run_import(parsed, user=mazowsze_coordinator, dry_run=True)
    assert [(error.row, error.column) for error in caught.value.errors] == [(2, "nazwa")]
    assert "template's example row" in caught.value.errors[0].reason
    from_xlsx = parse_file(import_files.template_xlsx())
    assert from_xlsx.rows == parsed.rows
    # Its sheet of legal forms is the template's own reference: no warning of an unread sheet.
    assert from_xlsx.warnings == []
    # With the example replaced, every other cell of it imports.
    parsed.rows[0][1]["nazwa"] = "Spółdzielnia Socjalna Nasza"
    assert run_import(parsed, user=mazowsze_coordinator, dry_run=True).entities_created == 1


def test_a_check_writes_nothing(register, mazowsze_coordinator):
    before = counts()
    report = run_import(csv_file([row(1), row(2)]), user=mazowsze_coordinator, dry_run=True)
    assert report.entities_created == 2
    assert counts() == before


def test_the_problem_list_neutralises_formulas():
    text = import_files.problems_csv(
        [{"row": 2, "column": "nazwa", "value": '=HYPERLINK("http://x.example")', "reason": "zła"}]
    )
    assert "'=HYPERLINK" in text and ";=" not in text and ';"=' not in text


def _coordinator(prefix: str):
    from lacznik.accounts.roles import Role

    from ..factories import UserFactory, assign

    return assign(UserFactory(), Role.REGIONAL_COORDINATOR, prefix)


def test_progress_is_reported_while_rows_are_checked(register, mazowsze_coordinator):
    seen = []
    rows = [row(n, regon=regon(n)) for n in range(1, 1201)]
    run_import(
        csv_file(rows),
        user=mazowsze_coordinator,
        dry_run=True,
        progress=lambda done, total: seen.append((done, total)),
    )
    # Every 500 rows, and at the last row (a writing job then says it is saving).
    assert seen == [(500, 1200), (1000, 1200), (1200, 1200)]


def test_a_row_without_an_identifier_has_its_other_problems_listed_too(register, mazowsze_coordinator):
    errors = rejected(
        csv_file([row(1), row(2, nip="", teryt_gminy="2862011", forma_prawna="partia")]), mazowsze_coordinator
    )
    assert "at least one identifier" in problem_at(errors, 3, "nip").reason
    assert "outside your territory" in problem_at(errors, 3, "teryt_gminy").reason
    assert problem_at(errors, 3, "forma_prawna")
    assert {error.row for error in errors} == {3}


def test_an_offer_row_without_its_identifier_is_told_only_that(register, mazowsze_coordinator):
    errors = rejected(
        csv_file([row(1), row(2, nazwa="", forma_prawna="", nip="", teryt_gminy="", oferta_nazwa="Obiady")]),
        mazowsze_coordinator,
    )
    assert [(error.row, error.column) for error in errors] == [(3, "nip")]
