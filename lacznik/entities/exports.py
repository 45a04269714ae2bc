"""Open data: the catalogue's filtered list as CSV, XLSX and JSON, streamed (issue #5, point 3).

The files are one format for everyone, whatever the reader's language: Polish column names (COLUMNS,
documented on /katalog/dane-otwarte/), UTF-8, dates as YYYY-MM-DD, the licence and the source named
in every file (JSON envelope, XLSX sheet "Informacje", CSV `Link` header).

    CSV   RFC 4180: comma-separated, fields quoted when needed, CRLF line ends, a header row, UTF-8 with
          a byte-order mark (so Excel reads Polish letters); lists (marks, CPV codes) joined with "|".
    XLSX  sheet "Katalog PES" with the same columns, sheet "Informacje" with the licence and the
          columns' meaning; written by openpyxl in write-only mode to a temporary file.
    JSON  {"licencja": ..., "zrodlo": ..., "wygenerowano": ..., "dane": [...], "liczba_rekordow": n}.

Memory stays flat for any size: rows are read with `.iterator(chunk_size=2000)` over `values()`, the
names of territorial units are read once into a dict, the marks and CPV codes of each chunk of 2,000
entities in one query each, and each chunk is written out before the next is read.

Spreadsheet formula injection (OWASP "CSV injection"; FU-04): in CSV a text that starts with = + - @,
a tab or a carriage return gets a leading apostrophe, so that Excel and LibreOffice show it as text;
in XLSX every text is written as a string cell (never as a formula), so it needs no apostrophe.
"""

import csv
import io
import json
import re
import resource
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import IO, Any

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from lacznik.core.text import neutralise_formula
from lacznik.territory.models import Unit

from .filters import CatalogueFilter, catalogue, public_entities
from .models import Entity, LegalForm, OfferItem

CHUNK_SIZE = 2000

# The licence of the open data (one place to change it) and the attribution it asks for.
LICENCE_CODE = "CC-BY-4.0"
LICENCE_NAME = _("Creative Commons Attribution 4.0 International (CC BY 4.0)")
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.pl"
LICENCE_TEXT = _(
    "The data are made available under the Creative Commons Attribution 4.0 International licence "
    "(CC BY 4.0): you may copy, share and adapt them for any purpose, also commercial, provided you "
    "name the source."
)
ATTRIBUTION = _(
    "Source: Łącznik, the catalogue of social economy entities. "
    "Names of territorial units: GUS, TERYT register."
)

# Characters XML 1.0 (so XLSX) cannot hold; openpyxl refuses them.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
XLSX_CELL_LIMIT = 32_767
LIST_SEPARATOR = "|"
YES, NO = "tak", "nie"

CSV_CONTENT_TYPE = "text/csv; charset=utf-8; header=present"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_CONTENT_TYPE = "application/json"
CONTENT_TYPES = {"csv": CSV_CONTENT_TYPE, "xlsx": XLSX_CONTENT_TYPE, "json": JSON_CONTENT_TYPE}

# The fields read from the database for one entity (exports and the API).
ENTITY_FIELDS = (
    "id",
    "name",
    "legal_form",
    "ps_granted_on",
    "ps_lost_on",
    "ps_decision_number",
    "nip",
    "regon",
    "krs",
    "teryt",
    "street",
    "postal_code",
    "city",
    "email",
    "phone",
    "website",
    "description",
    "updated_at",
)


@dataclass(frozen=True)
class Column:
    name: str
    description: Any  # a lazy translation
    kind: str = "text"  # text, number, date, yes/no, list


COLUMNS = (
    Column("id", _("Identifier of the entity in Łącznik (stable)."), "number"),
    Column("nazwa", _("Name of the entity.")),
    Column("forma_prawna", _("Legal form, as a code (the list is below).")),
    Column("forma_prawna_nazwa", _("Legal form, in words.")),
    Column(
        "przedsiebiorstwo_spoleczne",
        _("Whether the entity holds the social enterprise status today: tak (yes) or nie (no)."),
        "yes/no",
    ),
    Column("ps_od", _("Date of the wojewoda's decision granting the social enterprise status."), "date"),
    Column("ps_utrata", _("Date the social enterprise status was lost (empty while it is held)."), "date"),
    Column("ps_decyzja", _("Number of the wojewoda's decision.")),
    Column("nip", _("NIP (tax identification number), 10 digits.")),
    Column("regon", _("REGON, 9 or 14 digits.")),
    Column("krs", _("KRS number, 10 digits.")),
    Column(
        "teryt",
        _("TERYT code of the gmina (7 digits; the first 2 are the voivodeship, the first 4 the powiat)."),
    ),
    Column("gmina", _("Name of the gmina (GUS, TERYT register).")),
    Column("powiat", _("Name of the powiat (GUS, TERYT register).")),
    Column("wojewodztwo", _("Name of the voivodeship (GUS, TERYT register).")),
    Column("adres", _("Street and number.")),
    Column("kod_pocztowy", _("Postal code, 00-000.")),
    Column("miejscowosc", _("Town.")),
    Column("email", _("Contact e-mail address.")),
    Column("telefon", _("Phone number.")),
    Column("www", _("Website.")),
    Column("opis", _("Description of the entity.")),
    Column("znaki", _("Codes of the marks the entity holds (e.g. zakup-prospoleczny)."), "list"),
    Column("liczba_pozycji_oferty", _("Number of published offer items."), "number"),
    Column("kody_cpv", _("CPV 2008 codes of the published offer, without repetitions."), "list"),
    Column("data_aktualizacji", _("Date of the last change of the entity's data."), "date"),
    Column("url", _("Address of the entity's page in the catalogue.")),
)
COLUMN_NAMES = tuple(column.name for column in COLUMNS)


# --- reading, chunk by chunk -------------------------------------------------------------------------


def territory_codes(teryt: str) -> tuple[str, str, str]:
    """The codes of the gmina, powiat and voivodeship of an entity's TERYT code."""
    return teryt, teryt[:4], teryt[:2]


def marks_of(ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """Entity id → [(mark code, mark name)], in one query."""
    found: dict[int, list[tuple[str, str]]] = defaultdict(list)
    through = Entity.marks.through.objects.filter(entity_id__in=ids).order_by("mark__code")
    for entity_id, code, name in through.values_list("entity_id", "mark__code", "mark__name"):
        found[entity_id].append((code, name))
    return found


def offers_of(ids: list[int]) -> dict[int, tuple[int, list[str]]]:
    """Entity id → (number of published offer items, their distinct CPV codes sorted), in one query."""
    items = (
        OfferItem.objects.unscoped(reason="the published offer of public entities")
        .filter(entity_id__in=ids, is_published=True)
        .values_list("entity_id", "cpv_id")
    )
    counts: dict[int, int] = defaultdict(int)
    codes: dict[int, set[str]] = defaultdict(set)
    for entity_id, cpv in items:
        counts[entity_id] += 1
        codes[entity_id].add(cpv)
    return {entity_id: (count, sorted(codes[entity_id])) for entity_id, count in counts.items()}


def holds_ps_status(row: dict, today: date) -> bool:
    granted, lost = row["ps_granted_on"], row["ps_lost_on"]
    return bool(granted and granted <= today and (lost is None or lost > today))


def detail_url_maker(base_url: str) -> Callable[[int], str]:
    """pk → absolute address of the entity's page; reverse() once, not once a row."""
    sentinel = 987654321
    path = reverse("entities:detail", args=[sentinel])
    head, tail = path.split(str(sentinel))
    prefix = base_url.rstrip("/") + head
    return lambda pk: f"{prefix}{pk}{tail}"


def rows_by_ids(queryset: QuerySet, ids: list[int], fields: Iterable[str]) -> list[dict[str, Any]]:
    """`values(*fields)` rows of `queryset` with these ids, in the order of `ids` (a page of hits)."""
    by_id = {row["id"]: row for row in queryset.filter(pk__in=ids).values(*fields)}
    return [by_id[pk] for pk in ids if pk in by_id]


@dataclass
class Shown:
    """What a page or an API answer shows of `values()` rows of entities besides their columns, read
    once for all the rows: the names of their units, their marks, the legal forms' names, the address
    of each entity's page and whether it holds the status today."""

    names: dict[str, str]
    marks: dict[int, list[tuple[str, str]]]
    url: Callable[[int], str]
    labels: dict[str, str] = field(default_factory=lambda: dict(LegalForm.choices))
    today: date = field(default_factory=timezone.localdate)

    @classmethod
    def of(cls, rows: list[dict[str, Any]], base_url: str = "") -> "Shown":
        """Two queries for any number of rows (none for none)."""
        codes = {code for row in rows for code in territory_codes(row["teryt"])}
        ids = [row["id"] for row in rows]
        return cls(
            names=Unit.objects.display_names(codes) if codes else {},
            marks=marks_of(ids) if ids else {},
            url=detail_url_maker(base_url),
        )

    def places(self, row: dict[str, Any]) -> tuple[str, str, str]:
        """The names of the row's gmina, powiat and voivodeship."""
        gmina, powiat, voivodeship = (self.names.get(code, "") for code in territory_codes(row["teryt"]))
        return gmina, powiat, voivodeship

    def legal_form(self, row: dict[str, Any]) -> str:
        return str(self.labels.get(row["legal_form"], row["legal_form"]))

    def social_enterprise(self, row: dict[str, Any]) -> bool:
        return holds_ps_status(row, self.today)


@dataclass
class Export:
    """One export of a queryset of public entities; `rows` counts what was written."""

    queryset: QuerySet
    base_url: str  # scheme and host, for the links in the file
    filters: dict[str, str | list[str]] = field(default_factory=dict)
    generated: datetime = field(default_factory=timezone.now)
    rows: int = 0

    def __post_init__(self) -> None:
        # The file's texts are Polish whatever the reader's language: read them now, not mid-stream.
        with translation.override("pl"):
            self.form_labels = {form.value: str(form.label) for form in LegalForm}
            self.licence_name = str(LICENCE_NAME)
            self.licence_text = str(LICENCE_TEXT)
            self.attribution = str(ATTRIBUTION)
            self.descriptions = [str(column.description) for column in COLUMNS]
            self.info_labels = {
                "licence": str(_("Licence")),
                "licence_url": str(_("Licence text")),
                "source": str(_("Source")),
                "generated": str(_("Generated")),
                "filters": str(_("Filters")),
                "records": str(_("Records")),
                "documentation": str(_("Documentation")),
                "column": str(_("Column")),
                "meaning": str(_("Meaning")),
            }
        self.documentation_url = self.base_url.rstrip("/") + reverse("entities:open_data")
        self.detail_url = detail_url_maker(self.base_url)

    @property
    def generated_iso(self) -> str:
        return timezone.localtime(self.generated).isoformat(timespec="seconds")

    def filename(self, extension: str) -> str:
        # ASCII only, so that Content-Disposition needs no RFC 5987 encoding.
        return f"katalog-pes-{timezone.localdate(self.generated):%Y-%m-%d}.{extension}"

    def records(self) -> Iterator[list[dict[str, Any]]]:
        """The rows, typed (str, int, bool, date or list), in chunks of CHUNK_SIZE."""
        names = Unit.objects.display_names()
        today = timezone.localdate()
        zone = timezone.get_current_timezone()
        rows = self.queryset.values(*ENTITY_FIELDS).iterator(chunk_size=CHUNK_SIZE)
        while chunk := list(islice(rows, CHUNK_SIZE)):
            ids = [row["id"] for row in chunk]
            marks, offers = marks_of(ids), offers_of(ids)
            records = []
            for row in chunk:
                gmina, powiat, voivodeship = territory_codes(row["teryt"])
                offer_count, cpv_codes = offers.get(row["id"], (0, []))
                records.append(
                    {
                        "id": row["id"],
                        "nazwa": row["name"],
                        "forma_prawna": row["legal_form"],
                        "forma_prawna_nazwa": self.form_labels.get(row["legal_form"], row["legal_form"]),
                        "przedsiebiorstwo_spoleczne": holds_ps_status(row, today),
                        "ps_od": row["ps_granted_on"],
                        "ps_utrata": row["ps_lost_on"],
                        "ps_decyzja": row["ps_decision_number"],
                        "nip": row["nip"],
                        "regon": row["regon"],
                        "krs": row["krs"],
                        "teryt": row["teryt"],
                        "gmina": names.get(gmina, ""),
                        "powiat": names.get(powiat, ""),
                        "wojewodztwo": names.get(voivodeship, ""),
                        "adres": row["street"],
                        "kod_pocztowy": row["postal_code"],
                        "miejscowosc": row["city"],
                        "email": row["email"],
                        "telefon": row["phone"],
                        "www": row["website"],
                        "opis": row["description"],
                        "znaki": [code for code, _name in marks.get(row["id"], [])],
                        "liczba_pozycji_oferty": offer_count,
                        "kody_cpv": cpv_codes,
                        "data_aktualizacji": row["updated_at"].astimezone(zone).date(),
                        "url": self.detail_url(row["id"]),
                    }
                )
            self.rows += len(records)
            yield records

    # --- CSV ------------------------------------------------------------------------------------------

    def csv(self) -> Iterator[bytes]:
        """The CSV file in pieces of one chunk each (the first piece: byte-order mark and header)."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(COLUMN_NAMES)
        yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
        cells = [(column.name, CSV_CELL[column.kind]) for column in COLUMNS]
        for records in self.records():
            buffer.seek(0)
            buffer.truncate()
            writer.writerows([convert(record[name]) for name, convert in cells] for record in records)
            yield buffer.getvalue().encode("utf-8")

    # --- JSON -----------------------------------------------------------------------------------------

    def envelope(self) -> dict[str, Any]:
        return {
            "licencja": self.licence_name,
            "licencja_kod": LICENCE_CODE,
            "licencja_url": LICENCE_URL,
            "zrodlo": self.attribution,
            "dokumentacja": self.documentation_url,
            "wygenerowano": self.generated_iso,
            "filtry": self.filters,
        }

    def json(self) -> Iterator[bytes]:
        """{"licencja": ..., ..., "dane": [...], "liczba_rekordow": n}, one chunk of records a piece."""
        head = json.dumps(self.envelope(), ensure_ascii=False)
        yield (head[:-1] + ', "dane": [').encode("utf-8")
        first = True
        for records in self.records():
            text = ",\n".join(json.dumps(json_record(record), ensure_ascii=False) for record in records)
            yield (("\n" if first else ",\n") + text).encode("utf-8")
            first = False
        yield f'\n], "liczba_rekordow": {self.rows}}}\n'.encode()

    # --- XLSX -----------------------------------------------------------------------------------------

    def xlsx(self, target: IO[bytes]) -> None:
        """Write the workbook to `target` (a file): openpyxl's write-only mode keeps rows on disk, and
        writes texts as inline strings (no shared-string table growing in memory)."""
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("Katalog PES")
        sheet.append(COLUMN_NAMES)

        def cell(value: Any) -> Any:
            if isinstance(value, list):
                value = LIST_SEPARATOR.join(value)
            elif isinstance(value, bool):
                return YES if value else NO
            if not isinstance(value, str):
                return value
            value = XML_ILLEGAL.sub("", value)[:XLSX_CELL_LIMIT]
            if value.startswith("="):
                # openpyxl takes a text starting with "=" for a formula: force a string cell.
                text = WriteOnlyCell(sheet, value=value)
                text.data_type = "s"
                return text
            return value

        for records in self.records():
            for record in records:
                sheet.append([cell(record[name]) for name in COLUMN_NAMES])

        info = workbook.create_sheet("Informacje")
        labels = self.info_labels
        for label, value in (
            (labels["licence"], self.licence_name),
            (labels["licence_url"], LICENCE_URL),
            ("", self.licence_text),
            (labels["source"], self.attribution),
            (labels["generated"], self.generated_iso),
            (labels["filters"], describe_filters(self.filters)),
            (labels["records"], self.rows),
            (labels["documentation"], self.documentation_url),
            ("", ""),
            (labels["column"], labels["meaning"]),
        ):
            info.append([cell(label), cell(value)])
        for column, description in zip(COLUMNS, self.descriptions, strict=True):
            info.append([column.name, cell(description)])
        workbook.save(target)


# How a value of each kind of column is written in CSV (ints the csv module writes itself).
CSV_CELL: dict[str, Callable[[Any], Any]] = {
    "text": neutralise_formula,
    "number": lambda value: value,
    "date": lambda value: value.isoformat() if value else "",
    "yes/no": lambda value: YES if value else NO,
    "list": lambda value: neutralise_formula(LIST_SEPARATOR.join(value)),
}


def json_record(record: dict[str, Any]) -> dict[str, Any]:
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in record.items()}


def describe_filters(filters: dict[str, str | list[str]]) -> str:
    parts = []
    for key, value in filters.items():
        for item in value if isinstance(value, list) else [value]:
            parts.append(f"{key}={item}")
    return "&".join(parts) or "—"


def used_filters(params: QueryDict) -> dict[str, str | list[str]]:
    """The catalogue's filters present in a query string (for the file's own description)."""
    used: dict[str, str | list[str]] = {}
    for name in CatalogueFilter.base_filters:
        values = [value for value in params.getlist(name) if value]
        if values:
            used[name] = values if name == "forma" else values[0]
    return used


# --- for the benchmark --------------------------------------------------------------------------------


def drain(
    fmt: str = "csv", params: dict | None = None, *, base_url: str = "http://127.0.0.1"
) -> tuple[int, int]:
    """Produce the whole export of the public catalogue filtered by `params`, the way the view streams
    it, and throw the bytes away: (rows, bytes). The benchmark measures the memory this takes."""
    query = QueryDict(mutable=True)
    for key, value in (params or {}).items():
        query.setlist(key, value if isinstance(value, list) else [value])
    found = catalogue(query, public_entities())
    export = Export(found.in_order(), base_url=base_url, filters=used_filters(query))
    size = 0
    if fmt == "xlsx":
        with tempfile.TemporaryFile() as target:
            export.xlsx(target)
            size = target.tell()
    else:
        for piece in export.csv() if fmt == "csv" else export.json():
            size += len(piece)
    return export.rows, size


def peak_memory_growth(run: Callable[[], Any]) -> tuple[Any, int]:
    """(result of `run()`, growth of the process's peak resident memory in bytes while it ran).

    On Linux the peak (VmHWM) is reset first through /proc/self/clear_refs, so the figure is the growth
    during `run` alone; elsewhere it is the growth of the lifetime peak (ru_maxrss), a lower bound."""

    def status(field_name: str) -> int | None:
        try:
            with open("/proc/self/status") as handle:
                for line in handle:
                    if line.startswith(field_name + ":"):
                        return int(line.split()[1]) * 1024
        except OSError:
            return None
        return None

    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        reset = True
    except OSError:
        reset = False
    before = status("VmRSS") if reset else None
    if before is None:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    result = run()
    after = status("VmHWM") if reset else None
    if after is None:
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return result, max(0, after - before)
