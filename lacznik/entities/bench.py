"""Benchmark operations of the catalogue (lacznik.core.bench; issue #5 "Figures").

    search page and API list   p95 ≤ 50 ms (page) / 30 ms (API), each within 3× the bare full-text SQL
                               it sent (FULL_TEXT_SQL: the FTS5 MATCH / tsvector @@ statements replayed)
    import of 10,000 rows      ≤ 20 s and within 5× the database's bulk load of the same rows (the
                               entities and offer items the import wrote, every column as written,
                               into the same tables with their indexes: executemany / COPY)
    the same file, 1 bad row   rejected in ≤ 10 s, naming that row
    CSV export of everything   streamed; the growth of peak memory is printed (≤ 100 MB)

The queries are words people type into a catalogue of PES, as they type them: inflected ("usługami
cateringowymi"), without Polish letters ("sprzatanie"), a word that is in most offers ("usługi").
"""

import csv
import io
import random
import sys
from functools import cache

from django.urls import reverse

from lacznik.core.bench import (
    BULK_LOAD,
    CAPTURED_SQL,
    FULL_TEXT_SQL,
    BenchContext,
    BulkRows,
    operation,
    rows_written,
)

ENTITY_LINK = rb'href="/katalog/\d+/"'
IMPORT_ROWS = 10_000
# On a data set this small (the test suite's) the import files are smaller, so the suite stays quick.
SMALL_DATA_SET = 10_000
SMALL_IMPORT_ROWS = 300
# The bad row of the rejected file (a spreadsheet's row number: the header is row 1).
BAD_ROW = 5_001
BAD_ROW_SMALL = 151
# Identifiers of imported rows: a part of the synthetic ranges the generator does not reach.
IMPORT_NUMBERS_FROM = 900_000


def _search(ctx: BenchContext, **params: str) -> int:
    return ctx.get(reverse("entities:catalogue"), rows=ENTITY_LINK, **params).rows


@operation("entities.catalogue_search_1word", reference=FULL_TEXT_SQL)
def catalogue_search_1word(ctx: BenchContext) -> int:
    """The catalogue page searched for one word as typed without Polish letters ("sprzatanie")."""
    return _search(ctx, q="sprzatanie")


@operation("entities.catalogue_search_common_word", reference=FULL_TEXT_SQL)
def catalogue_search_common_word(ctx: BenchContext) -> int:
    """The catalogue page searched for a word most offers contain ("usługi"): ranking the most hits."""
    return _search(ctx, q="usługi")


@operation("entities.catalogue_search_2words", reference=FULL_TEXT_SQL)
def catalogue_search_2words(ctx: BenchContext) -> int:
    """The catalogue page searched for two inflected words ("usługami cateringowymi")."""
    return _search(ctx, q="usługami cateringowymi")


@operation("entities.catalogue_search_filtered", reference=FULL_TEXT_SQL)
def catalogue_search_filtered(ctx: BenchContext) -> int:
    """One word with filters: social cooperatives in Mazowieckie that do green areas ("zieleni")."""
    return _search(ctx, q="zieleni", teryt="14", forma="spoldzielnia-socjalna")


@operation("entities.catalogue_search_2words_filtered", reference=FULL_TEXT_SQL)
def catalogue_search_2words_filtered(ctx: BenchContext) -> int:
    """Two words with filters: social enterprises offering CPV group 909 ("sprzątanie biur", ps=1)."""
    return _search(ctx, q="sprzątanie biur", cpv="909", ps="1")


@operation("entities.catalogue_search_no_hit", reference=FULL_TEXT_SQL)
def catalogue_search_no_hit(ctx: BenchContext) -> int:
    """The catalogue page searched for a word nothing matches: what the page costs with no row to read
    or show (the layout, the form and its options), against the floor of the figure "within 3×"."""
    return _search(ctx, q="qqxyzzy")


@operation("entities.api_list_search", reference=FULL_TEXT_SQL)
def api_list_search(ctx: BenchContext) -> int:
    """The API's list of entities, first page, for a search ("catering")."""
    return ctx.get("/api/v1/entities/", q="catering").rows


@operation("entities.api_list_filtered", reference=FULL_TEXT_SQL)
def api_list_filtered(ctx: BenchContext) -> int:
    """The API's list: two words within a powiat-sized territory (Warsaw, 1465)."""
    return ctx.get("/api/v1/entities/", q="opieka seniorów", teryt="1465").rows


@operation("entities.api_list", reference=CAPTURED_SQL)
def api_list(ctx: BenchContext) -> int:
    """The API's list of entities without a search, first page (by name)."""
    return ctx.get("/api/v1/entities/", forma="spoldzielnia-socjalna").rows


# --- import -----------------------------------------------------------------------------------------


@cache
def _importer():
    """A regional coordinator of Mazowieckie from the generated accounts: the import's author."""
    from lacznik.accounts.models import User
    from lacznik.accounts.roles import Role

    user = User.objects.holding(role=Role.REGIONAL_COORDINATOR, prefix="14").order_by("pk").first()
    if user is None:
        raise LookupError("No regional coordinator of Mazowieckie: generate the accounts first.")
    return user


def _import_size() -> tuple[int, int]:
    from .models import Entity

    small = Entity.objects.unscoped(reason="size of the data set").count() < SMALL_DATA_SET
    return (SMALL_IMPORT_ROWS, BAD_ROW_SMALL) if small else (IMPORT_ROWS, BAD_ROW)


@cache
def import_rows() -> tuple[list[str], list[tuple[str, ...]]]:
    """New entities of Mazowieckie, one offer item each, as a coordinator's file has them."""
    from lacznik.territory.models import Unit

    from .datagen import FORM_TRADES, NAME_PATTERNS, TRADES, Numbers

    rng = random.Random("entities.bench.import")
    gminas = list(
        Unit.objects.current()
        .gminas()
        .filter(code__startswith="14")
        .order_by("code")
        .values_list("code", "name")
    )
    numbers = Numbers(start=IMPORT_NUMBERS_FROM)
    forms = list(NAME_PATTERNS)
    columns = [
        "nazwa",
        "forma_prawna",
        "nip",
        "regon",
        "krs",
        "teryt_gminy",
        "ulica",
        "kod_pocztowy",
        "miejscowosc",
        "email",
        "opis",
        "oferta_nazwa",
        "oferta_cpv",
        "oferta_opis",
    ]
    rows = []
    size, _bad_row = _import_size()
    for number in range(IMPORT_NUMBERS_FROM, IMPORT_NUMBERS_FROM + size):
        form = rng.choice(forms)
        trade = TRADES[rng.choice(list(FORM_TRADES[form]))]
        code, item = rng.choice(trade.items)
        gmina_code, gmina_name = rng.choice(gminas)
        rows.append(
            (
                NAME_PATTERNS[form].format(theme=rng.choice(trade.themes), number=number),
                form.value,
                numbers.nip(),
                numbers.regon(),
                numbers.krs() if rng.random() < 0.7 else "",
                gmina_code,
                f"ul. Przykładowa {rng.randint(1, 120)}",
                f"0{rng.randint(0, 9)}-{rng.randint(0, 999):03d}",
                gmina_name,
                f"import.{number}@syntetyczne.example",
                rng.choice(trade.phrases),
                item,
                code,
                " ".join(rng.sample(trade.phrases, 2)),
            )
        )
    return columns, rows


def _csv(columns: list[str], rows: list[tuple[str, ...]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


@cache
def _valid_file() -> bytes:
    return _csv(*import_rows())


@cache
def _file_with_one_bad_row() -> tuple[bytes, int]:
    columns, rows = import_rows()
    _size, bad_row = _import_size()
    rows = list(rows)
    bad = list(rows[bad_row - 2])
    nip = bad[columns.index("nip")]
    # The same NIP with another check digit: a typo in the last digit.
    bad[columns.index("nip")] = nip[:-1] + str((int(nip[-1]) + 1) % 10)
    rows[bad_row - 2] = tuple(bad)
    return _csv(columns, rows), bad_row


@cache
def written_rows() -> list[BulkRows]:
    """The entities and offer items the valid file's import writes (not the history rows it writes
    too), as stored."""
    from .models import Entity, OfferItem

    return rows_written(lambda: import_file(None), Entity, OfferItem)


@operation("entities.import_file", reference=BULK_LOAD, rows=written_rows, repetitions=3)
def import_file(ctx: BenchContext) -> int:
    """A coordinator's CSV file of 10,000 new entities with an offer item each, checked and written
    (300 rows on a data set under 10,000 entities)."""
    from .imports import run_import

    report = run_import(_valid_file(), user=_importer())
    if report.entities_created != len(import_rows()[1]):
        raise RuntimeError(f"the import created {report.entities_created} entities")
    return report.entities_created


@operation("entities.import_file_one_bad_row", reference=BULK_LOAD, rows=written_rows, repetitions=3)
def import_file_one_bad_row(ctx: BenchContext) -> int:
    """The same file with one wrong NIP check digit: rejected whole, the row named."""
    from .imports import ImportFileRejected, run_import

    data, bad_row = _file_with_one_bad_row()
    try:
        run_import(data, user=_importer())
    except ImportFileRejected as rejected:
        named = {(error.row, error.column) for error in rejected.errors}
        if named != {(bad_row, "nip")}:
            raise RuntimeError(
                f"expected row {bad_row}, column nip; the import named {sorted(named)[:5]}"
            ) from None
        return len(import_rows()[1])
    raise RuntimeError("the file with a bad row was accepted")


# --- export -----------------------------------------------------------------------------------------


@operation("entities.export_csv_all", reference=CAPTURED_SQL, repetitions=3)
def export_csv_all(ctx: BenchContext) -> int:
    """The whole public catalogue as CSV, streamed through the whole stack and thrown away; prints the
    growth of the process's peak memory while it streamed."""
    from .exports import peak_memory_growth

    def stream() -> int:
        response = ctx.client.get(reverse("entities:export_csv"), secure=ctx.secure)
        if response.status_code != 200 or not response.streaming:
            raise RuntimeError(
                f"the CSV export answered {response.status_code}, streaming={response.streaming}"
            )
        lines = 0
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
        return lines

    lines, growth = peak_memory_growth(stream)
    sys.stdout.write(
        f"    entities.export_csv_all: {lines:,} lines, peak memory growth {growth / 2**20:.1f} MB\n"
    )
    return lines
