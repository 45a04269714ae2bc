"""The benchmark of headline operations (`make bench` → `manage.py bench`; DESIGN.md §5 "Speed").

An app registers an operation with the function that performs it once and returns the number of rows
it touched, and the reference it is compared with: the "physical limit" of the same work, measured in
the same run on the same database:

    STATIC_FILE   a page: the same request, through the same stack, for a static file;
    STATIC_PAGE   a page: the same request, through the same stack, for a page without data of its
                  own (the accessibility statement: a template and the layout), by the same reader
                  (`reader=`: the operation's signed-in client, so both pay for session and menu);
    CAPTURED_SQL  a query or search: the SQL the operation sent, replayed bare through a cursor;
    FULL_TEXT_SQL a full-text search: only the full-text statements the operation sent (FTS5's MATCH,
                  PostgreSQL's @@), replayed bare: what the page or API call adds to the search itself;
    BULK_LOAD     an import: the database's own bulk load of the same rows into the same tables, with
                  their indexes and triggers (executemany on SQLite, COPY on PostgreSQL, in a
                  transaction that is undone), given by the operation's `rows` callable as BulkRows.

    @operation("territory.index_page", reference=STATIC_FILE)
    def territory_index(ctx: BenchContext) -> int:
        return ctx.get(reverse("territory:index")).rows

Each app may keep its operations in its own `bench.py` (imported by `operations()`); the operations of
territory and accounts live at the end of this module until those apps take them over.
"""

import json
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import autodiscover_modules

STATIC_FILE = "static file"
STATIC_PAGE = "static page"
CAPTURED_SQL = "bare SQL"
FULL_TEXT_SQL = "bare full-text SQL"
BULK_LOAD = "bulk load"
REFERENCES = (STATIC_FILE, STATIC_PAGE, CAPTURED_SQL, FULL_TEXT_SQL, BULK_LOAD)
# A full-text statement: FTS5's MATCH on SQLite, a tsvector's @@ on PostgreSQL.
FULL_TEXT_STATEMENT = re.compile(r"\bMATCH\b|@@")
REFERENCE_STATIC_PATH = "core/site.css"


@dataclass
class Page:
    status: int
    content: bytes
    rows: int


class BenchContext:
    """What an operation works with: a test client through the whole middleware stack."""

    def __init__(self) -> None:
        host = next(
            (host for host in settings.ALLOWED_HOSTS if host and not host.startswith(".")), "127.0.0.1"
        )
        self.client = Client(HTTP_HOST=host.replace("*", "127.0.0.1"), raise_request_exception=True)
        self.secure = bool(settings.SECURE_SSL_REDIRECT)

    def get(self, path: str, *, rows: bytes | None = None, **params: Any) -> Page:
        """GET through the whole stack; `rows` is a pattern whose distinct matches count the rows shown."""
        response = self.client.get(path, params, secure=self.secure)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        content = b"".join(response) if response.streaming else response.content
        return Page(status=response.status_code, content=content, rows=count_rows(response, content, rows))


def count_rows(response: Any, content: bytes, pattern: bytes | None = None) -> int:
    """Rows a page or API answer shows: JSON items, or the distinct matches of `pattern` (by default
    the distinct links to objects) in the page."""
    if pattern is not None:
        return len(set(re.findall(pattern, content)))
    if "json" in response.get("Content-Type", ""):
        data = json.loads(content)
        if isinstance(data, dict):
            for key in ("items", "results", "data"):
                if isinstance(data.get(key), list):
                    return len(data[key])
            return 1
        return len(data) if isinstance(data, list) else 1
    links = re.findall(rb'href="(/[^"?#]*/[^"?#/]+/)"', content)
    return len(set(links))


@dataclass(frozen=True)
class BulkRows:
    """Rows of one table as the database stores them, for a BULK_LOAD reference."""

    table: str
    columns: list[str]
    rows: list[tuple]


@dataclass(frozen=True)
class Operation:
    name: str
    run: Callable[[BenchContext], int]
    reference: str
    # BULK_LOAD only: the rows the bulk load inserts, table by table.
    rows: Callable[[], list[BulkRows]] | None = None
    # BULK_LOAD only: untimed work before each repetition, inside the transaction that is undone.
    setup: Callable[[], None] | None = None
    # Fewer repetitions for an operation whose every run is long (an import).
    repetitions: int | None = None
    description: str = ""
    # STATIC_PAGE only: the client the operation reads with (default: the anonymous context client).
    reader: Callable[[BenchContext], Client] | None = None


_registry: dict[str, Operation] = {}


def operation(
    name: str,
    *,
    reference: str,
    rows: Callable[[], list[BulkRows]] | None = None,
    setup: Callable[[], None] | None = None,
    repetitions: int | None = None,
    description: str = "",
    reader: Callable[[BenchContext], Client] | None = None,
):
    if reference not in REFERENCES:
        raise ValueError(f"reference must be one of {REFERENCES}")
    if reference == BULK_LOAD and rows is None:
        raise ValueError("a BULK_LOAD reference needs rows=")

    def register(function: Callable[[BenchContext], int]) -> Callable[[BenchContext], int]:
        _registry[name] = Operation(
            name=name,
            run=function,
            reference=reference,
            rows=rows,
            setup=setup,
            repetitions=repetitions,
            description=description or function.__doc__ or "",
            reader=reader,
        )
        return function

    return register


def operations() -> list[Operation]:
    autodiscover_modules("bench")
    return [_registry[name] for name in sorted(_registry)]


# --- measuring ------------------------------------------------------------------------------------


@dataclass
class Measurement:
    operation: str
    reference: str
    repetitions: int
    rows: int
    p50_ms: float
    p95_ms: float
    reference_p50_ms: float
    ratio: float
    samples_ms: list[float] = field(repr=False, default_factory=list)
    error: str = ""


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _once(function: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = function()
    return (time.perf_counter() - started) * 1000, result


def _time(
    function: Callable[[], Any],
    *,
    warmup: int,
    repetitions: int,
    setup: Callable[[], None] | None = None,
    rolled_back: bool = False,
) -> tuple[list[float], Any]:
    """Run `function` warmup + repetitions times and time the repetitions. With `rolled_back`, each run
    and its untimed `setup` happen in a transaction that is undone, so every run meets the same data."""
    result = None
    samples = []
    for number in range(warmup + repetitions):
        if rolled_back:
            with transaction.atomic():
                if setup is not None:
                    setup()
                elapsed, result = _once(function)
                transaction.set_rollback(True)
        else:
            elapsed, result = _once(function)
        if number >= warmup:
            samples.append(elapsed)
    return samples, result


class _SqlRecorder:
    """Records the SQL statements (with their parameters) an operation sends."""

    def __init__(self) -> None:
        self.statements: list[tuple[str, Any]] = []

    def __call__(self, execute, sql, params, many, context):
        if not many:
            self.statements.append((sql, params))
        return execute(sql, params, many, context)


def _captured_sql(run: Callable[[], Any], *, full_text_only: bool = False) -> Callable[[], int]:
    """The reference of a query: the reads the operation sent, replayed bare (session and
    authentication reads of a page included, since the request needs them too); with
    `full_text_only`, only its full-text statements."""
    recorder = _SqlRecorder()
    with connection.execute_wrapper(recorder):
        run()
    reads = [
        (sql, params)
        for sql, params in recorder.statements
        if sql.lstrip().upper().startswith("SELECT")
        and (not full_text_only or FULL_TEXT_STATEMENT.search(sql))
    ]
    if not reads:
        kind = "full-text SELECT" if full_text_only else "SELECT"
        raise RuntimeError(f"the operation sent no {kind} to compare with")

    def replay() -> int:
        fetched = 0
        with connection.cursor() as cursor:
            for sql, params in reads:
                cursor.execute(sql, params)
                fetched += len(cursor.fetchall())
        return fetched

    return replay


def _static_file(context: BenchContext) -> Callable[[], int]:
    """The reference of a page: a static file through the same middleware stack (WhiteNoise)."""
    path = settings.STATIC_URL + REFERENCE_STATIC_PATH
    return lambda: context.get(path).status


def _static_page(context: BenchContext, client: Client | None = None) -> Callable[[], int]:
    """The reference of a page for an issue's "within N× a static page": a page rendered through the
    same stack, for the same reader, that reads no data of its own (a static file, served before any
    view, says nothing of views)."""
    path = reverse("core:accessibility")
    if client is None:
        return lambda: context.get(path).status

    def get() -> int:
        response = client.get(path, secure=context.secure)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response.status_code

    return get


def rows_written(
    run: Callable[[], Any], *models: Any, setup: Callable[[], None] | None = None
) -> list[BulkRows]:
    """The rows `run` inserts into the tables of `models` (every column as stored), read back from a
    run that is undone (after the untimed `setup`): what a BULK_LOAD reference loads."""
    tables = []
    with transaction.atomic(), connection.cursor() as cursor:
        if setup is not None:
            setup()
        newest = {}
        quote = connection.ops.quote_name
        for model in models:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {quote(model._meta.db_table)}")
            newest[model] = cursor.fetchone()[0]
        run()
        for model in models:
            columns = [field.column for field in model._meta.concrete_fields]
            cursor.execute(
                f"SELECT {', '.join(map(quote, columns))} FROM {quote(model._meta.db_table)} "
                "WHERE id > %s ORDER BY id",
                [newest[model]],
            )
            tables.append(BulkRows(model._meta.db_table, columns, cursor.fetchall()))
        transaction.set_rollback(True)
    return tables


def _bulk_load(tables: list[BulkRows]) -> Callable[[], int]:
    """The reference of an import: the same rows into the same tables by the database's bulk path
    (run inside a transaction that `_time` undoes)."""

    def load() -> int:
        loaded = 0
        with connection.cursor() as cursor:
            for table in tables:
                name = connection.ops.quote_name(table.table)
                columns = ", ".join(map(connection.ops.quote_name, table.columns))
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {name} ({columns}) FROM STDIN") as copy:
                        for row in table.rows:
                            copy.write_row(row)
                else:
                    marks = ", ".join(["%s"] * len(table.columns))
                    cursor.executemany(f"INSERT INTO {name} ({columns}) VALUES ({marks})", table.rows)
                loaded += len(table.rows)
        return loaded

    return load


def _vacuum() -> None:
    """PostgreSQL: clear what undone runs left behind. An undone insert leaves its rows dead in the
    table and in its indexes until a vacuum, and the next operations would read past them (a search
    after the import runs: 3 → 12 ms). Not inside a transaction (a test's), where VACUUM cannot run."""
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def measure(
    *,
    repetitions: int = 30,
    warmup: int = 3,
    only: list[str] | None = None,
    out: Callable[[str], None] = print,
) -> list[Measurement]:
    """Measure every registered operation (or those named in `only`) against its reference."""
    context = BenchContext()
    results = []
    _vacuum()
    for entry in operations():
        if only and entry.name not in only:
            continue

        def run(entry: Operation = entry) -> int:
            return entry.run(context)

        reps = min(repetitions, entry.repetitions or repetitions)
        # An import's run and its bulk load alike: after the untimed setup, in a transaction undone.
        timing = {
            "warmup": min(warmup, reps),
            "repetitions": reps,
            "setup": entry.setup,
            "rolled_back": entry.reference == BULK_LOAD,
        }
        try:
            samples, rows = _time(run, **timing)
            if entry.reference == STATIC_FILE:
                reference = _static_file(context)
            elif entry.reference == STATIC_PAGE:
                reference = _static_page(context, entry.reader(context) if entry.reader else None)
            elif entry.reference in (CAPTURED_SQL, FULL_TEXT_SQL):
                reference = _captured_sql(run, full_text_only=entry.reference == FULL_TEXT_SQL)
            else:
                reference = _bulk_load(entry.rows())
            reference_samples, _ = _time(reference, **timing)
        except Exception as error:  # one broken operation must not hide the others' figures
            out(f"  {entry.name}: FAILED: {error}")
            results.append(
                Measurement(
                    entry.name,
                    entry.reference,
                    0,
                    0,
                    float("nan"),
                    float("nan"),
                    float("nan"),
                    float("nan"),
                    error=f"{type(error).__name__}: {error}",
                )
            )
            continue
        finally:
            if entry.reference == BULK_LOAD:
                _vacuum()  # also after a failed run: its undone rows are dead all the same
        p50 = statistics.median(samples)
        reference_p50 = statistics.median(reference_samples)
        result = Measurement(
            operation=entry.name,
            reference=entry.reference,
            repetitions=reps,
            rows=int(rows or 0),
            p50_ms=p50,
            p95_ms=_percentile(samples, 0.95),
            reference_p50_ms=reference_p50,
            ratio=p50 / reference_p50 if reference_p50 else float("inf"),
            samples_ms=samples,
        )
        out(f"  {entry.name}: p50 {result.p50_ms:.2f} ms ({result.ratio:.1f}× its {entry.reference})")
        results.append(result)
    return results


def table(results: list[Measurement]) -> str:
    header = ("operation", "p50 ms", "p95 ms", "rows", "reference", "ref p50 ms", "ratio")
    lines = [
        (
            r.operation,
            f"{r.p50_ms:.2f}",
            f"{r.p95_ms:.2f}",
            f"{r.rows:,}",
            r.reference,
            f"{r.reference_p50_ms:.2f}",
            f"{r.ratio:.1f}×",
        )
        if not r.error
        else (r.operation, "—", "—", "—", r.reference, "—", "failed")
        for r in results
    ]
    widths = [max(len(str(row[i])) for row in [header, *lines]) for i in range(len(header))]

    def fmt(row: tuple) -> str:
        cells = [
            str(cell).ljust(width) if i in (0, 4) else str(cell).rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells)

    rule = "  ".join("-" * width for width in widths)
    failures = [f"{r.operation} failed: {r.error}" for r in results if r.error]
    return "\n".join([fmt(header), rule, *(fmt(line) for line in lines), *failures])


def write_results(path: Path, results: list[Measurement], meta: dict[str, Any]) -> None:
    payload = {
        "meta": meta,
        "results": [{key: value for key, value in asdict(r).items() if key != "samples_ms"} for r in results],
    }
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


# --- operations of apps without a bench.py of their own ------------------------------------------
# TODO(#4): move these into lacznik/territory/bench.py and lacznik/accounts/bench.py.


UNIT_LINK = rb'href="/teryt/\d+/"'


def _bundled_terc() -> bytes:
    from lacznik.territory.management.commands.import_terc import BUNDLED_FILE

    return BUNDLED_FILE.read_bytes()


def _empty_the_register() -> None:
    # Inside the transaction the runner undoes; raw deletes, so that emptying writes no history.
    from lacznik.territory.models import Unit

    Unit.history.all()._raw_delete(connection.alias)
    Unit.objects.update(parent=None, successor=None)
    Unit.objects.all()._raw_delete(connection.alias)


def _terc_rows() -> list[BulkRows]:
    from lacznik.territory.models import Unit

    return rows_written(lambda: territory_terc_import(None), Unit, setup=_empty_the_register)


@operation(
    "territory.terc_import", reference=BULK_LOAD, rows=_terc_rows, setup=_empty_the_register, repetitions=5
)
def territory_terc_import(ctx: BenchContext) -> int:
    """The whole bundled TERC file into an empty register: checks, units, parents, history."""
    from lacznik.territory.services import import_register

    report = import_register(data=_bundled_terc(), source_name="bench.csv")
    return len(report.created)


@operation("territory.index_page", reference=STATIC_FILE)
def territory_index_page(ctx: BenchContext) -> int:
    """The public TERYT register's first page."""
    return ctx.get(reverse("territory:index"), rows=UNIT_LINK).rows


@operation("territory.search_page", reference=CAPTURED_SQL)
def territory_search_page(ctx: BenchContext) -> int:
    """A search of the register as a visitor types it (Polish letters folded)."""
    return ctx.get(reverse("territory:index"), rows=UNIT_LINK, q="góra").rows


@operation("territory.api_units", reference=STATIC_FILE)
def territory_api_units(ctx: BenchContext) -> int:
    """The API's list of units, first page."""
    return ctx.get("/api/v1/territory/units").rows


@operation("accounts.people_in_scope", reference=CAPTURED_SQL)
def accounts_people_in_scope(ctx: BenchContext) -> int:
    """The people holding a role within or over Mazowieckie (14): the user list's TERYT filter."""
    from lacznik.accounts.models import User

    return len(list(User.objects.holding(prefix="14").order_by("last_name", "email")))
