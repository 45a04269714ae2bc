"""Loading the CPV 2008 dictionary (issue #5 point 4): the whole bundled file, its tree, all-or-nothing."""

import time

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lacznik.core.errors import ImportRejected
from lacznik.cpv.models import CpvCode
from lacznik.cpv.services import BUNDLED_FILE, import_cpv

HEADER = "kod,kod_nadrzedny,rodzaj,nazwa_pl,nazwa_en\n"


def write(tmp_path, text: str, name: str = "cpv.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_bundled_dictionary_loads_whole_with_its_tree(db):
    # CPU time of this process (SQLite runs in it): the 2 CPUs are shared, so wall time would measure
    # the neighbours. About 1 s here, morphological analysis of the names included.
    started = time.process_time()
    report = import_cpv()
    assert time.process_time() - started < 2
    assert len(report.created) == CpvCode.objects.count() == 9454
    assert CpvCode.objects.divisions().count() == 45
    assert not CpvCode.objects.filter(parent__isnull=True).exclude(level=CpvCode.DIVISION).exists()
    catering = CpvCode.objects.get(code="55520000-1")
    assert (catering.name, catering.name_en) == ("Usługi dostarczania posiłków", "Catering services")
    assert (catering.level, catering.kind) == (CpvCode.CLASS, CpvCode.Kind.SERVICES)
    assert catering.parent.code == "55500000-5" and catering.parent.parent.code == "55000000-0"
    assert catering.parent.level == CpvCode.GROUP and catering.parent.parent.level == CpvCode.DIVISION
    assert CpvCode.objects.get(code="55521100-9").level == 6
    assert CpvCode.objects.get(code="45000000-7").kind == CpvCode.Kind.WORKS
    # The EU text keeps a no-break space after one-letter words; the search form folds it away.
    produce = CpvCode.objects.get(code="03100000-2")
    assert produce.name == "Produkty rolnictwa i\xa0ogrodnictwa"
    assert produce.search_name == "produkty rolnictwa i ogrodnictwa"


def test_loading_again_changes_nothing_and_a_changed_name_is_updated(db, tmp_path):
    import_cpv()
    before = dict(CpvCode.objects.values_list("code", "name"))
    again = import_cpv()
    assert not again.changed and again.unchanged == 9454
    assert dict(CpvCode.objects.values_list("code", "name")) == before

    text = BUNDLED_FILE.read_text(encoding="utf-8").replace(
        "55520000-1,55500000-5,usługi,Usługi dostarczania posiłków,",
        "55520000-1,55500000-5,usługi,Usługi cateringowe,",
    )
    report = import_cpv(write(tmp_path, text))
    assert report.updated == ["55520000-1"] and report.unchanged == 9453 and not report.created
    catering = CpvCode.objects.get(code="55520000-1")
    assert catering.name == "Usługi cateringowe" and catering.search_name == "uslugi cateringowe"
    assert " cateringowy " in catering.search_document


def test_the_management_command_says_what_it_did_in_polish(db, capsys):
    call_command("import_cpv")
    assert "Słownik CPV 2008 (cpv_2008_pl.csv): dodano 9454, zmieniono 0" in capsys.readouterr().out
    call_command("import_cpv")
    assert "jest aktualny" in capsys.readouterr().out


def test_a_malformed_file_is_rejected_whole_with_every_problem_and_nothing_changes(db, tmp_path):
    import_cpv()
    text = BUNDLED_FILE.read_text(encoding="utf-8")
    lines = [f"{line}\n" for line in text.split("\n") if line]
    # Row 4 gets a new name, valid in itself: it must not be written either.
    assert lines[3].startswith('03110000-5,03100000-2,dostawy,"Rośliny uprawne')
    lines[3] = lines[3].replace("Rośliny uprawne", "Rośliny ZMIENIONE")
    bad_rows = [
        "5552000-1,55500000-5,usługi,Za krótki kod,Too short\r\n",  # code format
        "99990000-1,99900000-0,usługi,Bez rodzica,No parent\r\n",  # parent not in file
        "55590000-0,55500000-5,usluga,Zły rodzaj,Wrong kind\r\n",  # kind
        "55580000-3,03100000-2,usługi,Nie pod rodzicem,Not under its parent\r\n",  # parent not an ancestor
        "55520000-1,55500000-5,usługi,Powtórzony,Duplicate\r\n",  # duplicate code
    ]
    path = write(tmp_path, "".join(lines + bad_rows))
    with pytest.raises(ImportRejected) as rejected:
        import_cpv(path)
    errors = {(error.row, error.column) for error in rejected.value.errors}
    first_bad = len(lines) + 1
    assert errors == {
        (first_bad, "kod"),
        (first_bad + 1, "kod_nadrzedny"),
        (first_bad + 2, "rodzaj"),
        (first_bad + 3, "kod_nadrzedny"),
        (first_bad + 4, "kod"),
    }
    reasons = {error.row: error.reason for error in rejected.value.errors}
    assert reasons[first_bad] == "Kod CPV to 8 cyfr, łącznik i cyfra kontrolna, np. 55520000-1."
    assert reasons[first_bad + 1] == "Kodu nadrzędnego 99900000-0 nie ma w pliku."
    assert reasons[first_bad + 2].startswith("Nieznany rodzaj")
    assert reasons[first_bad + 3] == "Kod 55580000-3 nie leży pod kodem 03100000-2 w drzewie cyfr."
    catering_row = next(number for number, line in enumerate(lines, 1) if line.startswith("55520000-1,"))
    assert reasons[first_bad + 4] == f"Kod 55520000-1 występuje już w wierszu {catering_row}."
    # Nothing was written: the valid renamed row stayed as it was and no new code appeared.
    assert CpvCode.objects.get(code="03110000-5").name.startswith("Rośliny uprawne")
    assert CpvCode.objects.count() == 9454


def test_header_empty_file_and_encoding_are_refused_clearly(db, tmp_path):
    with pytest.raises(ImportRejected) as rejected:
        import_cpv(write(tmp_path, "code,parent,kind,name,name_en\n55000000-0,,usługi,A,B\n"))
    assert (rejected.value.errors[0].row, rejected.value.errors[0].column) == (1, "nagłówek")
    with pytest.raises(ImportRejected):
        import_cpv(write(tmp_path, ""))
    with pytest.raises(ImportRejected) as rejected:
        import_cpv(write(tmp_path, HEADER))
    assert rejected.value.errors[0].row == 2
    cp1250 = tmp_path / "cp1250.csv"
    cp1250.write_bytes((HEADER + "55000000-0,,usługi,Usługi hotelarskie,Hotel services\n").encode("cp1250"))
    with pytest.raises(ImportRejected) as rejected:
        import_cpv(cp1250)
    assert rejected.value.errors[0].row == 2
    assert not CpvCode.objects.exists()


def test_a_division_without_parent_and_a_category_below_it(db, tmp_path):
    report = import_cpv(
        write(
            tmp_path,
            HEADER
            + "55000000-0,,usługi,Usługi hotelarskie,Hotel services\n"
            + "55520000-1,55000000-0,usługi,Usługi dostarczania posiłków,Catering services\n",
        )
    )
    assert report.created == ["55000000-0", "55520000-1"]
    assert CpvCode.objects.get(code="55520000-1").parent_id == "55000000-0"
    with pytest.raises(ImportRejected) as rejected:
        import_cpv(write(tmp_path, HEADER + "55500000-5,,usługi,Grupa bez rodzica,Orphan group\n"))
    assert rejected.value.errors[0].column == "kod_nadrzedny"


def test_the_command_reports_a_rejected_file_and_fails(db, tmp_path, capsys):
    with pytest.raises(CommandError, match="Nic nie zmieniono"):
        call_command("import_cpv", str(write(tmp_path, HEADER + "5500000-0,,usługi,A,B\n")))
    assert "wiersz 2, kolumna kod" in capsys.readouterr().err
