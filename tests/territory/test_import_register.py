"""Importing official TERC files (issue #3 point 4; FU-05)."""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lacznik.core.errors import ImportRejected
from lacznik.territory.management.commands.import_terc import BUNDLED_FILE
from lacznik.territory.models import RegisterImport, Unit
from lacznik.territory.services import import_register
from tests.scopeapp.models import Parcel

TERC_2025 = Path(__file__).parent / "data" / "TERC_Urzedowy_2025-11-18.csv"
HEADER = "WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA"


def counts() -> dict[str, int]:
    current = Unit.objects.current()
    return {
        "voivodeships": current.voivodeships().count(),
        "powiats": current.powiats().count(),
        "gminas": current.gminas().count(),
        **{f"kind {kind}": current.filter(kind=kind).count() for kind in "1234589"},
    }


def test_bundled_2024_register_has_the_official_counts(terc):
    assert counts() == {
        "voivodeships": 16, "powiats": 380, "gminas": 2477,
        "kind 1": 302, "kind 2": 1464, "kind 3": 711, "kind 4": 711, "kind 5": 711, "kind 8": 18, "kind 9": 19,
    }
    warszawa = Unit.objects.get(code="1465011")
    assert warszawa.parent.code == "1465" and warszawa.parent.is_city_with_powiat_rights
    assert Unit.objects.get(code="1465028").parent == warszawa  # Bemowo, a district
    assert Unit.objects.get(code="1261029").parent.code == "1261011"  # a delegatura of Kraków
    assert Unit.objects.get(code="0201044").parent.code == "0201043"  # the town of Nowogrodziec in its gmina


def test_2025_register_over_2024_gives_exactly_the_published_changes(terc):
    kazanow = Unit.objects.get(code="1436012")
    linked = Parcel.objects.create(teryt="1436012", unit=kazanow)
    before = {unit.code: (unit.name, unit.name_extra, unit.parent_id) for unit in Unit.objects.all()}

    report = import_register(data=TERC_2025.read_bytes(), source_name=TERC_2025.name)

    kind_changes = {"0614052", "0614062", "0614102", "1436012", "2212062", "2602082", "3025052"}
    assert set(report.retired) == kind_changes
    assert {old: new for old, new in report.kind_changes} == {code: code[:6] + "3" for code in kind_changes}
    new_gminas = {"1207132", "2002162"}
    assert set(report.created) == new_gminas | {code[:6] + rodz for code in kind_changes for rodz in "345"}
    assert report.updated == [] and report.reinstated == []
    assert counts()["gminas"] == 2479
    # Nothing renamed, nothing else changed, nothing deleted.
    for code, values in before.items():
        unit = Unit.objects.get(code=code)
        assert (unit.name, unit.name_extra, unit.parent_id) == values
    assert Unit.objects.count() == len(before) + len(report.created)
    # The record linked to Kazanów keeps its link; the unit is historical and names its successor.
    linked.refresh_from_db()
    assert linked.unit_id == kazanow.pk
    kazanow.refresh_from_db()
    assert str(kazanow.valid_to) == "2025-01-01"
    assert kazanow.successor.code == "1436013" and kazanow.successor.kind == Unit.Kind.URBAN_RURAL
    assert Unit.objects.get(code="1207132").name == "Szczawa"
    assert Unit.objects.get(code="2002162").name == "Grabówka"


def test_importing_the_same_file_again_changes_nothing(terc):
    history = Unit.history.count()
    report = import_register(data=BUNDLED_FILE.read_bytes(), source_name="again.csv")
    assert not report.changed and report.unchanged == 4332
    assert Unit.history.count() == history


def test_the_start_command_skips_an_imported_register_and_never_downgrades(terc, capsys, tmp_path):
    call_command("import_terc", str(TERC_2025))
    call_command("import_terc")  # what `make run` does on every start
    assert counts()["gminas"] == 2479
    assert "aktualny" in capsys.readouterr().out
    # Named explicitly, an older file is an error, not a silent downgrade.
    older = tmp_path / "TERC_2024.csv"
    older.write_bytes(BUNDLED_FILE.read_bytes())
    with pytest.raises(CommandError):
        call_command("import_terc", str(older))
    assert counts()["gminas"] == 2479


def test_windows_1250_file_imports_like_utf8(db):
    data = BUNDLED_FILE.read_text(encoding="utf-8").encode("cp1250")
    import_register(data=data, source_name="cp1250.csv")
    assert Unit.objects.get(code="1061011").name == "Łódź"
    assert Unit.objects.current().gminas().count() == 2477


def test_gus_2025_file_with_bom_and_crlf_is_read(db):
    raw = TERC_2025.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    import_register(data=raw, source_name=TERC_2025.name)
    assert Unit.objects.current().gminas().count() == 2479


def _rejected(db_text: str | bytes) -> list:
    data = db_text.encode("utf-8") if isinstance(db_text, str) else db_text
    units, history, imports = Unit.objects.count(), Unit.history.count(), RegisterImport.objects.count()
    with pytest.raises(ImportRejected) as rejected:
        import_register(data=data, source_name="bad.csv")
    # Nothing in the database changed.
    assert (Unit.objects.count(), Unit.history.count(), RegisterImport.objects.count()) == (units, history, imports)
    return [(error.row, error.column, error.reason) for error in rejected.value.errors]


GOOD = f"{HEADER}\n14;;;;MAZOWIECKIE;województwo;2024-01-01\n14;01;;;białobrzeski;powiat;2024-01-01\n14;01;01;3;Białobrzegi;gmina miejsko-wiejska;2024-01-01\n"


def test_a_small_valid_file_is_accepted(db):
    import_register(data=GOOD.encode(), source_name="good.csv")
    assert Unit.objects.count() == 3


def test_wrong_header_is_rejected(terc):
    errors = _rejected(GOOD.replace("NAZWA_DOD", "NAZWA_DODATKOWA"))
    assert errors == [(1, "nagłówek", "Oczekiwano kolumn WOJ;POW;GMI;RODZ;NAZWA;NAZWA_DOD;STAN_NA.")]


def test_bad_code_is_rejected_with_row_and_column(terc):
    errors = _rejected(GOOD.replace("14;01;01;3", "14;0X;01;3"))
    assert errors == [(4, "POW", "Kod powiatu to dwie cyfry od 01 do 99.")]


def test_odd_voivodeship_code_is_rejected(terc):
    errors = _rejected(GOOD + "15;;;;NIBYLANDIA;województwo;2024-01-01\n")
    assert errors == [(5, "WOJ", "Kod województwa to parzysta liczba dwucyfrowa od 02 do 32.")]


def test_unknown_rodz_is_rejected(terc):
    errors = _rejected(GOOD.replace("14;01;01;3", "14;01;01;7"))
    assert (4, "RODZ", "Nieznany rodzaj gminy; rejestr używa 1, 2, 3, 4, 5, 8 i 9.") in errors


def test_duplicate_code_is_rejected(terc):
    errors = _rejected(GOOD + "14;01;01;3;Białobrzegi bis;gmina miejsko-wiejska;2024-01-01\n")
    assert errors == [(5, "WOJ/POW/GMI/RODZ", "Kod 1401013 występuje już w wierszu 4.")]


def test_broken_encoding_is_rejected_naming_the_row(terc):
    data = GOOD.encode("utf-8").replace("Białobrzegi".encode(), "Bia\xc5obrzegi".encode("latin-1"))
    errors = _rejected(data)
    assert errors == [(4, "—", "Plik nie jest poprawnie zapisany ani w UTF-8, ani w Windows-1250 (uszkodzony bajt w tym wierszu).")]


def test_missing_parent_is_rejected(terc):
    errors = _rejected(f"{HEADER}\n14;;;;MAZOWIECKIE;województwo;2024-01-01\n14;02;01;2;Sierota;gmina wiejska;2024-01-01\n")
    assert errors == [(3, "POW", "Jednostki nadrzędnej 1402 nie ma w pliku.")]


def test_bad_date_is_rejected(terc):
    errors = _rejected(GOOD.replace("białobrzeski;powiat;2024-01-01", "białobrzeski;powiat;01.01.2024"))
    assert errors == [(3, "STAN_NA", "Datę należy zapisać jako RRRR-MM-DD.")]


def test_wrong_field_count_is_rejected(terc):
    errors = _rejected(GOOD + "14;01;02;2;Stara Błotnica;gmina wiejska\n")
    assert errors == [(5, "—", "Wiersz ma 6 pól zamiast 7.")]


def test_empty_file_is_rejected(terc):
    assert _rejected("") == [(1, "—", "Plik jest pusty.")]


def test_every_problem_of_a_file_is_reported_at_once(terc):
    errors = _rejected(GOOD.replace("14;01;01;3", "14;01;01;7") + "14;01;0A;2;Zła;gmina wiejska;2024-13-01\n")
    assert [(row, column) for row, column, _reason in errors] == [(4, "RODZ"), (5, "GMI"), (5, "STAN_NA")]


def test_an_older_register_is_refused(terc):
    import_register(data=TERC_2025.read_bytes(), source_name=TERC_2025.name)
    errors = _rejected(BUNDLED_FILE.read_bytes())
    assert errors[0][1] == "STAN_NA" and "starszego niż rejestr już zaimportowany (2025-01-01)" in errors[0][2]


def test_oversized_file_is_refused(terc):
    errors = _rejected(b"x" * (5 * 1024 * 1024 + 1))
    assert errors == [(1, "—", "Plik jest większy niż 5 MB; plik TERC ma około 0,2 MB.")]
