"""Search that behaves like Polish (DESIGN.md §3 "Search").

A document is computed in Python: for every word, its own form and every lemma Morfeusz 2 (with the
SGJP dictionary inside its wheel) gives it, lower-cased and without diacritics. It is stored in
`Entity.search_document` and indexed by the database: an FTS5 table on SQLite, a stored, GIN-indexed
tsvector (`simple` configuration) on PostgreSQL (migration 0002). A query goes through the same
analysis, so "spółdzielni socjalnych" finds "Spółdzielnia Socjalna", "usługami cateringowymi" finds
"usługi cateringowe", and "lodz" finds "Łódź", on both databases alike.

The query that reaches the database is built from the analysed tokens alone (letters and digits), so
nothing a visitor types can act as FTS5 or tsquery syntax.

Filters inside the index. A document also carries facet tokens, which no Polish word looks like: `zzt`
with every TERYT prefix of the entity's gmina (zzt14, zzt1465, zzt146501, zzt1465011), `zzf` with its
legal form, `zzp` when it has ever held the social enterprise status, `zzc` with the first 2 to 5
digits of the CPV code of each published offer item. A search with filters adds the filters' tokens
to its full-text query, so the index itself returns only the hits inside the filters (posting lists
intersected) instead of every hit of the words, each then checked against the filters. The filters are
still applied to the rows as well: the tokens only narrow, the row conditions decide (the status of
today, the scope of the reader, the full CPV code).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import cache

from django.db import connection
from django.db.models import QuerySet
from django.db.models.expressions import RawSQL
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from lacznik.core.polish import WORD, document, word_keys, words

from .models import LegalForm

# Hits are counted up to this many; past it the page says "over 1,000".
COUNT_CAP = 1000
# Words of a query beyond this many are ignored (a query is a few words, not a document).
MAX_QUERY_WORDS = 8


# Facet tokens (see the module's docstring): a prefix no word of the documents starts with.
FACET_TERYT, FACET_FORM, FACET_PS, FACET_CPV = "zzt", "zzf", "zzp", "zzc"
CPV_FACET_DIGITS = range(2, 6)
FACET_TOKEN = re.compile(r"^zz[a-z][a-z0-9]*$")


@dataclass(frozen=True)
class Query:
    """A visitor's query: per word, the keys any of which may match (all words must match); and the
    filters' facet tokens, per filter the tokens any of which may match (all filters must match)."""

    terms: tuple[tuple[str, ...], ...]
    facets: tuple[tuple[str, ...], ...] = ()

    @classmethod
    def parse(cls, text: str) -> "Query":
        terms = []
        for word in words(text[:500])[:MAX_QUERY_WORDS]:
            # A typed "zzt14" is no word of any document, only a filter's token: it finds nothing.
            keys = tuple(key for key in word_keys(word) if not FACET_TOKEN.match(key))
            if keys and keys not in terms:
                terms.append(keys)
        return cls(tuple(terms))

    def within(self, *facets: tuple[str, ...]) -> "Query":
        """The same words inside the filters given as facet tokens (see `filter_facets`)."""
        assert all(FACET_TOKEN.match(token) for group in facets for token in group), facets
        return replace(self, facets=self.facets + tuple(group for group in facets if group))

    def __bool__(self) -> bool:
        return bool(self.terms)

    @property
    def keys(self) -> frozenset[str]:
        """The keys of the words (what highlighting marks); never the facet tokens."""
        return frozenset(key for term in self.terms for key in term)

    def fts5(self) -> str:
        """`("spoldzielnia") AND ("socjalna" OR "socjalny") AND ("zzt14")` for FTS5's MATCH."""
        groups = self.terms + self.facets
        return " AND ".join("(" + " OR ".join(f'"{key}"' for key in group) + ")" for group in groups)

    def tsquery(self) -> str:
        """`(spoldzielnia) & (socjalna | socjalny) & (zzt14)` for PostgreSQL's to_tsquery('simple', ...)."""
        return " & ".join("(" + " | ".join(group) + ")" for group in self.terms + self.facets)


# --- the database side -----------------------------------------------------------------------------

FTS_TABLE = "entities_entity_fts"


_SQLITE_INDEX = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(search_document, content='entities_entity', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_insert AFTER INSERT ON entities_entity BEGIN "
    f"INSERT INTO {FTS_TABLE}(rowid, search_document) VALUES (new.id, new.search_document); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_delete AFTER DELETE ON entities_entity BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_document) VALUES ('delete', old.id, old.search_document); END",
    f"CREATE TRIGGER IF NOT EXISTS {FTS_TABLE}_update AFTER UPDATE OF search_document ON entities_entity BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, search_document) VALUES ('delete', old.id, old.search_document); "
    f"INSERT INTO {FTS_TABLE}(rowid, search_document) VALUES (new.id, new.search_document); END",
]
_POSTGRESQL_INDEX = [
    "ALTER TABLE entities_entity ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('simple', search_document)) STORED",
    "CREATE INDEX IF NOT EXISTS entities_entity_search_vector ON entities_entity USING GIN (search_vector)",
]


def install_index(using_connection=None) -> None:
    """Create the full-text index of entities where it is missing (idempotent).

    Run by migration 0002 and after every migrate: on SQLite a later migration that rebuilds the
    entity table drops its triggers, and this puts them back and rebuilds the index from the column."""
    conn = using_connection or connection
    with conn.cursor() as cursor:
        if conn.vendor == "postgresql":
            for statement in _POSTGRESQL_INDEX:
                cursor.execute(statement)
            return
        if conn.vendor != "sqlite":
            return
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{FTS_TABLE}_%"]
        )
        complete = cursor.fetchone()[0] == 3
        for statement in _SQLITE_INDEX:
            cursor.execute(statement)
        if not complete:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def _inner(queryset: QuerySet) -> tuple[str, tuple]:
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    return sql, tuple(params)


def _of_hit(queryset: QuerySet) -> tuple[str, tuple]:
    # SQLite: `queryset`'s row of the FTS5 hit at hand, a primary-key lookup per hit. (`rowid IN
    # (inner)` lets SQLite run the MATCH once per row of `inner`, with rowid = ?: seconds, not ms.)
    return _inner(queryset.filter(pk=RawSQL(f"{FTS_TABLE}.rowid", ())))


def ranked_ids(queryset: QuerySet, query: Query, *, limit: int, offset: int = 0) -> list[int]:
    """Primary keys of the rows of `queryset` (already filtered and scoped) that match `query`,
    best first."""
    if queryset.query.is_empty():  # a filter refused its value (e.g. teryt=12345): no SQL to run
        return []
    inner, params = _inner(queryset) if connection.vendor == "postgresql" else _of_hit(queryset)
    if connection.vendor == "postgresql":
        sql = (
            "SELECT e.id FROM entities_entity e, to_tsquery('simple', %s) q "
            f"WHERE e.search_vector @@ q AND e.id IN ({inner}) "
            "ORDER BY ts_rank(e.search_vector, q) DESC, e.id LIMIT %s OFFSET %s"
        )
        arguments = (query.tsquery(), *params, limit, offset)
    else:
        # ORDER BY rank alone lets FTS5 hand the hits over best first (its own sort; ties in its
        # fixed order), so the lookups stop when the page is full.
        sql = (
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND EXISTS ({inner}) "
            "ORDER BY rank LIMIT %s OFFSET %s"
        )
        arguments = (query.fts5(), *params, limit, offset)
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        return [row[0] for row in cursor.fetchall()]


# PostgreSQL lists a common word's hits newest first from the newest rows alone when they hold a page of
# hits (see `newest_ids`); at most this many rows are read that way.
NEWEST_ROWS_MAX = 5000


def newest_ids(queryset: QuerySet, query: Query, *, limit: int, offset: int = 0) -> list[int]:
    """Like ranked_ids, newest first: a word in half the catalogue costs no more than a rare one.

    SQLite: FTS5 walks its index by rowid, backwards. PostgreSQL: a GIN index has no order, and walking
    the primary key backwards testing every row's tsvector reads the whole table when the hits are old
    (a powiat whose entities were all added long ago). So, for a common word, the newest rows are read
    first: when by the planner's statistics twice the rows that should hold the hits wanted are fewer
    than the hits (reading a row's document costs about what fetching a hit by its key does). When
    they do not hold the page, or the hits are few (two words within a powiat), every hit comes from
    the GIN index (MATERIALIZED: never the backward walk), newest first, each checked against the
    filters until the page is full."""
    if queryset.query.is_empty():
        return []
    if connection.vendor != "postgresql":
        inner, params = _of_hit(queryset)
        sql = (
            f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s AND EXISTS ({inner}) "
            "ORDER BY rowid DESC LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, (query.fts5(), *params, limit, offset))
            return [row[0] for row in cursor.fetchall()]
    tsquery = query.tsquery()
    with connection.cursor() as cursor:
        rows = _planned_rows(cursor, "SELECT 1 FROM entities_entity", ())
        matching_sql = "SELECT 1 FROM entities_entity WHERE search_vector @@ to_tsquery('simple', %s)"
        hits = _planned_rows(cursor, matching_sql, (tsquery,))
        recent = 2 * (offset + limit) * rows // max(hits, 1)
        if recent < min(hits, NEWEST_ROWS_MAX):
            inner, params = _inner(queryset)
            cursor.execute(
                "SELECT e.id FROM "
                "(SELECT id, search_vector FROM entities_entity ORDER BY id DESC LIMIT %s) e "
                f"WHERE e.search_vector @@ to_tsquery('simple', %s) AND e.id IN ({inner}) "
                "ORDER BY e.id DESC LIMIT %s OFFSET %s",
                (recent, tsquery, *params, limit, offset),
            )
            ids = [row[0] for row in cursor.fetchall()]
            if len(ids) == limit:
                return ids
        # The hits sorted newest first, then each looked up by its key until the page is full (OFFSET 0
        # keeps the sort below the check, and the EXISTS a lookup per hit: PostgreSQL would make it a
        # join, which walks the key backwards).
        of_hit, of_hit_params = _inner(queryset.filter(pk=RawSQL("hits.id", ())))
        cursor.execute(
            "WITH hits AS MATERIALIZED (SELECT id FROM entities_entity "
            "WHERE search_vector @@ to_tsquery('simple', %s)) "
            "SELECT id FROM (SELECT id FROM hits ORDER BY id DESC OFFSET 0) hits "
            f"WHERE EXISTS ({of_hit} OFFSET 0) LIMIT %s OFFSET %s",
            (tsquery, *of_hit_params, limit, offset),
        )
        return [row[0] for row in cursor.fetchall()]


def _planned_rows(cursor, sql: str, params: tuple) -> int:
    """How many rows PostgreSQL's planner expects `sql` to return (its statistics; nothing is read)."""
    cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
    return int(cursor.fetchone()[0][0]["Plan"]["Plan Rows"])  # psycopg reads the JSON


def capped_count(queryset: QuerySet, query: Query | None, cap: int = COUNT_CAP) -> int:
    """How many rows match, counted up to `cap` + 1 (more than `cap` means "over cap")."""
    if not query:
        return queryset.order_by()[: cap + 1].count()
    if queryset.query.is_empty():
        return 0
    if connection.vendor == "postgresql":
        # The hits come from the GIN index, each looked up by key (a subplan, as in newest_ids): joined
        # instead, PostgreSQL walks the primary key testing every row's document until the cap.
        inner, params = _inner(queryset.filter(pk=RawSQL("e.id", ())))
        sql = (
            "SELECT count(*) FROM (SELECT 1 FROM entities_entity e "
            f"WHERE e.search_vector @@ to_tsquery('simple', %s) AND EXISTS ({inner} OFFSET 0) LIMIT %s) hits"
        )
        arguments = (query.tsquery(), *params, cap + 1)
    else:
        inner, params = _of_hit(queryset)
        sql = (
            f"SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            f"AND EXISTS ({inner}) LIMIT %s)"
        )
        arguments = (query.fts5(), *params, cap + 1)
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        return cursor.fetchone()[0]


def matching(queryset: QuerySet, query: Query) -> QuerySet:
    """`queryset` narrowed to the rows that match `query`, unranked (for exports and the map)."""
    if connection.vendor == "postgresql":
        return queryset.filter(
            pk__in=RawSQL(
                "SELECT id FROM entities_entity WHERE search_vector @@ to_tsquery('simple', %s)",
                (query.tsquery(),),
            )
        )
    return queryset.filter(
        pk__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", (query.fts5(),))
    )


# --- showing hits ----------------------------------------------------------------------------------


def highlight_spans(text: str, query: Query) -> list[tuple[str, bool]]:
    """`text` cut into (piece, is_hit), for `marked` to put the hits in <mark>."""
    if not query or not text:
        return [(text, False)]
    wanted = query.keys
    pieces: list[tuple[str, bool]] = []
    position = 0
    for match in WORD.finditer(text):
        if wanted.intersection(word_keys(match.group())):
            if match.start() > position:
                pieces.append((text[position : match.start()], False))
            pieces.append((match.group(), True))
            position = match.end()
    if position < len(text):
        pieces.append((text[position:], False))
    return pieces


def marked(text: str, query: Query | None) -> SafeString:
    """`text` with the words that match `query` in <mark>; everything escaped."""
    text = text or ""
    if not query:
        return escape(text)
    return mark_safe(
        "".join(
            f"<mark>{escape(piece)}</mark>" if hit else escape(piece)
            for piece, hit in highlight_spans(text, query)
        )
    )


def snippet(text: str, length: int = 220) -> str:
    """The first `length` characters of `text`, cut at a word."""
    text = " ".join((text or "").split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + "…"


@cache
def legal_form_words(legal_form: str) -> str:
    """The legal form as the catalogue names it in Polish, abbreviation included ("zakład aktywności
    zawodowej (ZAZ)"): "ZAZ" or "fundacja" finds the entities of that form."""
    if legal_form not in LegalForm.values:
        return ""
    with translation.override("pl"):
        return str(LegalForm(legal_form).label)


def entity_document(entity, offer_items: Iterable) -> str:
    """The document of an entity: its name twice (a hit in the name ranks higher), its description,
    town and legal form, and the names, descriptions and CPV names of its published offer; then its
    facets."""
    items = list(offer_items)
    texts = [entity.name, entity.name, entity.city, entity.description, legal_form_words(entity.legal_form)]
    for item in items:
        texts += [item.name, item.description, item.cpv.name if item.cpv_id else ""]
    return " ".join(filter(None, [document(*texts), entity_facets(entity, items)]))


def entity_facets(entity, offer_items: Iterable) -> str:
    """The facet tokens of an entity (`offer_items`: its published offer), space-separated."""
    code = entity.teryt or (entity.gmina.code if entity.gmina_id else "")
    tokens = [FACET_TERYT + code[:size] for size in (2, 4, 6, 7) if len(code) >= size]
    tokens.append(form_facet(entity.legal_form))
    if entity.ps_granted_on:
        tokens.append(FACET_PS)
    cpv_prefixes = sorted(
        {item.cpv_id[:size] for item in offer_items if item.cpv_id for size in CPV_FACET_DIGITS}
    )
    tokens += [FACET_CPV + prefix for prefix in cpv_prefixes]
    return " ".join(tokens)


def form_facet(legal_form: str) -> str:
    return FACET_FORM + re.sub(r"[^a-z0-9]", "", legal_form.lower())


def filter_facets(*, teryt: Iterable[str] = (), forms: Iterable[str] = (), ps: bool = False, cpv: str = ""):
    """The facet-token groups of the catalogue's filters: every TERYT prefix given (all must hold),
    any of the legal forms, the status held at some time, the offer's CPV digits (up to 5)."""
    groups = [(FACET_TERYT + prefix,) for prefix in teryt]
    groups.append(tuple(form_facet(form) for form in forms))
    if ps:
        groups.append((FACET_PS,))
    if len(cpv) >= CPV_FACET_DIGITS.start:
        groups.append((FACET_CPV + cpv[: CPV_FACET_DIGITS.stop - 1],))
    return [group for group in groups if group]
