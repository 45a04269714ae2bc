"""Bulk import of entities and their offer from a CSV or XLSX file (issue 5, point 6).

All or nothing (STYLE.md §4): the whole file is read and every row checked first (each entity with
the model's own validators and Entity.clean()), every problem is collected as a RowError, and only a
file without problems is written, in one transaction. Rows are matched to the register by NIP, REGON
and KRS: a known entity is updated (when it is inside the coordinator's territory), an unknown one is
created. An empty cell leaves the stored value as it is, so importing the same file twice changes
nothing and adds no history.

Several rows with the same identifier describe one entity with several offer items (one item per
row, identified by the entity, its CPV code and its name). Offer items missing from the file are kept.

Speed (issue 5 figures: 10,000 rows ≤ 20 s): identifiers, gminas, CPV codes and offer items are read
in a few queries for the whole file, not per row; new rows are written with bulk_create and their
history with simple_history's bulk helpers; search documents are refreshed once, at the end.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lacznik.core.errors import ImportRejected, RowError
from lacznik.core.models import Job
from lacznik.core.scope import code_in_scope, system_scope
from lacznik.core.text import fold
from lacznik.cpv.models import CpvCode
from lacznik.territory.models import Unit

from . import services
from .models import Entity, LegalForm, OfferItem
from .search import entity_document
from .validators import compact_krs, compact_nip, compact_regon

logger = logging.getLogger(__name__)

# Limits (documented on the import page and in the README).
MAX_FILE_BYTES = 20 * 1024 * 1024  # a 50 MB file is refused before it is read
MAX_ROWS = 50_000
# An XLSX file is a zip: its directory says how large the parts become once unpacked (ASVS 5.2.3).
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_XLSX_PARTS = 1_000
# Files up to this many rows are checked and written during the request; larger ones by the worker.
INLINE_ROWS = 500
# The problem list keeps this many problems (the total is always counted).
MAX_LISTED_PROBLEMS = 10_000
PROGRESS_EVERY = 500

CHECK_KIND = "entities.import.check"
WRITE_KIND = "entities.import"
CHANGE_REASON = "entities.import"


@dataclass(frozen=True)
class Column:
    name: str
    label: str | Promise
    required: bool
    format: str | Promise
    example: str
    offer: bool = False


COLUMNS = [
    Column("nazwa", _("name"), True, _("text, up to 300 characters"), "Spółdzielnia Socjalna Przykład"),
    Column(
        "forma_prawna",
        _("legal form"),
        True,
        _("a code from the list of legal forms, or its Polish name"),
        "spoldzielnia-socjalna",
    ),
    Column(
        "nip", _("NIP"), False, _("10 digits; dashes, spaces and the PL prefix are allowed"), "526-104-38-21"
    ),
    Column("regon", _("REGON"), False, _("9 or 14 digits"), "012345675"),
    Column("krs", _("KRS number"), False, _("10 digits with the leading zeros"), "0000123456"),
    Column(
        "teryt_gminy",
        _("gmina"),
        True,
        _("7-digit TERYT code of the gmina (WOJ POW GMI RODZ), inside your territory"),
        "1465011",
    ),
    Column("ulica", _("street and number"), False, _("text, up to 200 characters"), "ul. Przykładowa 1"),
    Column("kod_pocztowy", _("postal code"), False, _("00-000"), "00-950"),
    Column("miejscowosc", _("town"), False, _("text, up to 120 characters"), "Warszawa"),
    Column("email", _("contact e-mail"), False, _("an e-mail address"), "biuro@przyklad.example"),
    Column("telefon", _("phone"), False, _("text, up to 30 characters"), "+48 22 000 00 00"),
    Column(
        "www",
        _("website"),
        False,
        _("an address; https:// is added when missing"),
        "https://przyklad.example",
    ),
    Column("opis", _("description"), False, _("text"), "Catering i usługi porządkowe."),
    Column(
        "data_decyzji_ps",
        _("social enterprise status since"),
        False,
        _("date of the wojewoda's decision: YYYY-MM-DD or DD.MM.YYYY"),
        "2024-05-20",
    ),
    Column(
        "numer_decyzji_ps",
        _("wojewoda's decision number"),
        False,
        _("text; required with the date"),
        "WPS-II.8141.1.2024",
    ),
    Column(
        "oferta_nazwa",
        _("offer item: name"),
        False,
        _("text, up to 200 characters; one offer item per row"),
        "Obiady dla szkół",
        offer=True,
    ),
    Column(
        "oferta_cpv",
        _("offer item: CPV code"),
        False,
        _("a CPV 2008 code, e.g. 55520000-1 (the check digit may be left out)"),
        "55520000-1",
        offer=True,
    ),
    Column(
        "oferta_opis", _("offer item: description"), False, _("text"), "Dowóz ciepłych posiłków.", offer=True
    ),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
REQUIRED_COLUMNS = [column.name for column in COLUMNS if column.required]
IDENTIFIERS = ("nip", "regon", "krs")
OFFER_COLUMNS = ("oferta_nazwa", "oferta_cpv", "oferta_opis")
ENTITY_COLUMNS = [name for name in COLUMN_NAMES if name not in OFFER_COLUMNS]
# Column → the field of Entity it fills.
FIELD_OF = {
    "nazwa": "name",
    "forma_prawna": "legal_form",
    "nip": "nip",
    "regon": "regon",
    "krs": "krs",
    "teryt_gminy": "gmina",
    "ulica": "street",
    "kod_pocztowy": "postal_code",
    "miejscowosc": "city",
    "email": "email",
    "telefon": "phone",
    "www": "website",
    "opis": "description",
    "data_decyzji_ps": "ps_granted_on",
    "numer_decyzji_ps": "ps_decision_number",
}
COLUMN_OF = {field_name: column for column, field_name in FIELD_OF.items()}
# Entity attributes an import may change: compared before saving, so an unchanged row writes nothing.
COMPARED = [
    "name",
    "legal_form",
    "nip",
    "regon",
    "krs",
    "gmina_id",
    "street",
    "postal_code",
    "city",
    "email",
    "phone",
    "website",
    "description",
    "ps_granted_on",
    "ps_decision_number",
]
# Texts that keep their line breaks; in every other cell runs of white space become one space.
MULTILINE = {"opis", "oferta_opis"}
POLISH_LETTERS = set("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")
# What ISO 8859-2 Polish letters look like when read as Windows-1250 (ą ś ź Ą Ś Ź).
ISO_8859_2_SIGNS = set("±¶Ľˇ¦¬")
XLSX_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls
# Numeric XLSX cells lose leading zeros; these columns get them back.
ZERO_PADDED = {"krs": 10, "teryt_gminy": 7, "nip": 10}


def legal_form_choices() -> list[tuple[str, str]]:
    """(code, Polish name): the two spellings of a legal form that a file may use."""
    return [(form.value, POLISH_NAMES[form]) for form in LegalForm]


# --- errors ---------------------------------------------------------------------------------------


class ImportFileRejected(ImportRejected):
    """The file is refused; carries every problem and the warnings found on the way."""

    def __init__(self, errors: list[RowError], warnings: Iterable[str] = ()):
        super().__init__(errors)
        self.warnings = list(warnings)


def _file_problem(reason: str, column: str = "", row: int = 0, value: str = "") -> ImportFileRejected:
    return ImportFileRejected([RowError(row=row, column=column, reason=reason, value=value)])


# --- reading the file -----------------------------------------------------------------------------


@dataclass
class ParsedFile:
    """The rows of a file as text, keyed by known column names; row numbers as a spreadsheet shows them
    (the header is row 1). `columns` lists the known columns present in the file."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    warnings: list[str] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)

    def to_payload(self) -> dict[str, Any]:
        return {
            "columns": self.columns,
            "rows": [[number, [cells.get(name, "") for name in self.columns]] for number, cells in self.rows],
            "warnings": self.warnings,
            "source": self.source,
        }

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> ParsedFile:
        columns = list(payload["columns"])
        rows = [(number, dict(zip(columns, values, strict=True))) for number, values in payload["rows"]]
        return cls(columns, rows, list(payload.get("warnings", [])), dict(payload.get("source", {})))


def parse_file(upload: Any, name: str = "") -> ParsedFile:
    """Read a CSV or XLSX file (bytes, a path or an uploaded file); ImportFileRejected when unreadable."""
    if isinstance(upload, (bytes, bytearray)):
        data = bytes(upload)
    elif isinstance(upload, (str, Path)):
        path = Path(upload)
        if path.stat().st_size > MAX_FILE_BYTES:
            raise _too_large()
        data = path.read_bytes()
        name = name or path.name
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > MAX_FILE_BYTES:
            raise _too_large()
        name = name or getattr(upload, "name", "") or ""
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise _too_large()
    if not data.strip():
        raise _file_problem(gettext("The file is empty."))
    if data.startswith(OLE_SIGNATURE):
        raise _file_problem(
            gettext("This is an old Excel file (.xls). Save it as XLSX or as CSV UTF-8 and send it again.")
        )
    if data.startswith(XLSX_SIGNATURE):
        return _parse_table(*_read_xlsx(data))
    return _parse_table(*_read_csv(data))


def _too_large() -> ImportFileRejected:
    return _file_problem(
        gettext("The file is larger than %(limit)s MB. Split it into smaller files.")
        % {"limit": MAX_FILE_BYTES // (1024 * 1024)}
    )


def _decode(data: bytes) -> tuple[str, str, list[str]]:
    """The text of a CSV file and the encoding it was read in: UTF-8 (with or without BOM), or
    Windows-1250 (the "CSV" of older Polish Excel) when the bytes are that and carry Polish letters."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _file_problem(gettext("The file is in UTF-16. Save it as “CSV UTF-8” and send it again."))
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "UTF-8", []
        except UnicodeDecodeError:
            pass
    else:
        try:
            return data.decode("utf-8"), "UTF-8", []
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("cp1250")
    except UnicodeDecodeError:
        text = ""
    if text and POLISH_LETTERS & set(text) and not ISO_8859_2_SIGNS & set(text):
        return (
            text,
            "Windows-1250",
            [
                gettext(
                    "The file is not in UTF-8; it was read as Windows-1250. Check that Polish letters "
                    "look right in the preview."
                )
            ],
        )
    raise _file_problem(
        gettext(
            "The file's encoding is neither UTF-8 nor Windows-1250. Save it as “CSV UTF-8” and send it again."
        )
    )


def _read_csv(data: bytes) -> tuple[list[Any], Iterable[tuple[int, list[Any]]], list[str], dict[str, Any]]:
    text, encoding, warnings = _decode(data)
    if "\x00" in text:
        raise _file_problem(gettext("This is not a CSV text file. Send a CSV or XLSX file."))
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    if not first_line.count(delimiter):
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = [(number, row) for number, row in enumerate(reader, start=1)]
    except csv.Error as error:
        raise _file_problem(gettext("The CSV file cannot be read: %(error)s") % {"error": error}) from error
    lines = [(number, row) for number, row in lines if any(cell.strip() for cell in row)]
    if not lines:
        raise _file_problem(gettext("The file is empty."))
    header = lines[0][1]
    source = {"format": "CSV", "encoding": encoding, "delimiter": delimiter}
    return header, lines[1:], warnings, source


def _read_xlsx(data: bytes) -> tuple[list[Any], Iterable[tuple[int, list[Any]]], list[str], dict[str, Any]]:
    # openpyxl parses XML with defusedxml when it is installed; without it, refuse (XXE, billion laughs).
    if not openpyxl.DEFUSEDXML:
        raise ImproperlyConfigured("defusedxml must be installed to read XLSX files safely.")
    not_xlsx = gettext(
        "The file cannot be read as XLSX. Save it again as an Excel workbook (.xlsx) or as CSV UTF-8."
    )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as error:
        raise _file_problem(not_xlsx) from error
    # Read the sizes from the zip directory before unpacking anything: a small file may unpack to
    # gigabytes (a zip bomb). Python's zipfile stops every part at its declared size.
    if len(parts) > MAX_XLSX_PARTS or sum(part.file_size for part in parts) > MAX_XLSX_UNPACKED_BYTES:
        raise _file_problem(gettext("The XLSX file unpacks to too much data; it is refused."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a damaged file
        raise _file_problem(not_xlsx) from error
    warnings = []
    try:
        sheets = workbook.worksheets
        if not sheets:
            raise _file_problem(gettext("The file is empty."))
        sheet = sheets[0]
        if len(sheets) > 1:
            warnings.append(
                gettext("The workbook has %(count)s sheets; only the first one, “%(name)s”, was read.")
                % {"count": len(sheets), "name": sheet.title}
            )
        lines = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if any(value not in (None, "") and str(value).strip() for value in values):
                lines.append((number, list(values)))
                if len(lines) > MAX_ROWS + 1:
                    break
    except ImportFileRejected:
        raise
    except Exception as error:
        raise _file_problem(not_xlsx) from error
    finally:
        workbook.close()
    if not lines:
        raise _file_problem(gettext("The file is empty."))
    source = {"format": "XLSX", "sheet": sheet.title}
    return lines[0][1], lines[1:], warnings, source


def _header_name(value: Any) -> str:
    return re.sub(r"[\s\-]+", "_", fold(str(value or "")).strip(" *"))


def _cell_text(column: str, value: Any) -> str:
    """The text of one cell as the import reads it (XLSX cells may be numbers and dates)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (int, float)):
        text = str(int(value)) if float(value).is_integer() else str(value)
        if column in ZERO_PADDED:
            return text.zfill(ZERO_PADDED[column])
        if column == "regon":
            return text.zfill(9 if len(text) <= 9 else 14)
        return text
    text = str(value)
    return text.strip() if column in MULTILINE else " ".join(text.split())


def _parse_table(
    header: list[Any], lines: Iterable[tuple[int, list[Any]]], warnings: list[str], source: dict
) -> ParsedFile:
    names = [_header_name(value) for value in header]
    problems = []
    seen: dict[str, int] = {}
    unknown = []
    for position, name in enumerate(names):
        if not name:
            continue
        if name in seen:
            problems.append(RowError(1, name, gettext("The column appears twice in the header.")))
        seen[name] = position
        if name not in COLUMN_NAMES:
            unknown.append(str(header[position]).strip())
    for name in REQUIRED_COLUMNS:
        if name not in seen:
            problems.append(RowError(1, name, gettext("A required column is missing from the header.")))
    if problems:
        raise ImportFileRejected(problems, warnings)
    if unknown:
        warnings.append(
            ngettext(
                "The file has a column the import does not know; it was ignored: %(columns)s.",
                "The file has columns the import does not know; they were ignored: %(columns)s.",
                len(unknown),
            )
            % {"columns": ", ".join(unknown)}
        )
    columns = [name for name in COLUMN_NAMES if name in seen]
    rows = []
    extra_cells = []
    for number, values in lines:
        cells = {
            name: _cell_text(name, values[seen[name]] if seen[name] < len(values) else None)
            for name in columns
        }
        if len(values) > len(names) and any(_cell_text("", value) for value in values[len(names) :]):
            extra_cells.append(
                RowError(number, "", gettext("The row has more cells than the header has columns."))
            )
        rows.append((number, cells))
        if len(rows) > MAX_ROWS:
            raise _file_problem(
                gettext("The file has more than %(limit)s rows. Split it into smaller files.")
                % {"limit": f"{MAX_ROWS:,}".replace(",", " ")}
            )
    if extra_cells:
        raise ImportFileRejected(extra_cells, warnings)
    if not rows:
        raise ImportFileRejected([RowError(2, "", gettext("The file has a header but no rows."))], warnings)
    return ParsedFile(columns, rows, warnings, source)


# --- checking the rows ----------------------------------------------------------------------------


def _gmina(code: str, gminas: Mapping[str, Unit], prefixes: Iterable[str]) -> tuple[Unit | None, str]:
    """The gmina of a 7-digit TERYT code (looked up in gminas read beforehand), or why not."""
    if not code:
        return None, gettext("Give the gmina's TERYT code.")
    if not re.fullmatch(r"\d{7}", code):
        return None, gettext("A gmina TERYT code has 7 digits (with the leading zero, e.g. 0201011).")
    unit = gminas.get(code)
    if unit is None:
        return None, gettext("There is no gmina with this TERYT code in the register.")
    if not code_in_scope(code, prefixes):
        return None, gettext("This gmina is outside your territory.")
    return unit, ""


# Fields of Entity that the import does not fill: left out of the model's field checks.
_NOT_IMPORTED = [
    f.name for f in Entity._meta.get_fields() if f.concrete and f.name not in FIELD_OF.values()
] + ["gmina"]


def _check_entity(
    entity: Entity, data: Mapping[str, str], gminas: Mapping[str, Unit], prefixes: Iterable[str]
) -> dict[str, list[str]]:
    """Fill `entity` from one entity's cells and check it with the model's own validators and
    Entity.clean(), the rules the editing form applies; field → messages.

    Not a ModelForm per row: building one costs more than the checks themselves (a deep copy of
    every field), 10,000 rows must be checked in seconds, and the form adds nothing the model lacks.
    Unique and check constraints are left to check_rows, which looks at the whole file at once.
    """
    errors: dict[str, list[str]] = {}
    unit, problem = _gmina(data["gmina"], gminas, prefixes)
    if problem:
        errors["gmina"] = [problem]
    else:
        entity.gmina = unit
    for field_name, value in data.items():
        if field_name == "gmina":
            continue
        if field_name == "ps_granted_on":
            try:
                value = date.fromisoformat(value) if value else None
            except ValueError:
                errors[field_name] = [gettext("Write the date as YYYY-MM-DD or DD.MM.YYYY.")]
                continue
        elif field_name == "website" and value and "://" not in value:
            value = "https://" + value
        elif field_name == "legal_form" and value and value not in LegalForm.values:
            errors[field_name] = [
                gettext("Unknown legal form: use one of the codes listed on the import page.")
            ]
            continue
        setattr(entity, field_name, value)
    try:
        entity.full_clean(
            exclude=[*_NOT_IMPORTED, *errors], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            errors.setdefault(field_name, []).extend(messages)
    return errors


@dataclass
class _Group:
    """The rows of one entity: the first row, merged entity cells and where each came from."""

    first_row: int
    values: dict[str, str] = field(default_factory=dict)
    row_of: dict[str, int] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    offers: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    existing: Entity | None = None
    rows: int = 0


@dataclass
class ImportReport:
    """What an import did (or, checked with dry_run, would do)."""

    rows: int = 0
    entities_created: int = 0
    entities_updated: int = 0
    entities_unchanged: int = 0
    offers_created: int = 0
    offers_updated: int = 0
    offers_unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False
    entity_ids: list[int] = field(default_factory=list)

    @property
    def changes(self) -> int:
        return self.entities_created + self.entities_updated + self.offers_created + self.offers_updated

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("entity_ids")
        return data


@dataclass
class _Plan:
    report: ImportReport
    new_entities: list[Entity] = field(default_factory=list)
    changed_entities: list[tuple[Entity, list[str]]] = field(default_factory=list)
    new_offers: list[OfferItem] = field(default_factory=list)
    changed_offers: list[OfferItem] = field(default_factory=list)
    moved_entities: list[Entity] = field(default_factory=list)


def _normalise(column: str, text: str, legal_forms: Mapping[str, str]) -> str:
    if not text:
        return ""
    if column == "nip":
        return compact_nip(text)
    if column == "regon":
        return compact_regon(text)
    if column == "krs":
        return compact_krs(text)
    if column == "forma_prawna":
        return legal_forms.get(fold(text), text)
    if column == "data_decyzji_ps":
        for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
            try:
                return datetime.strptime(text, pattern).date().isoformat()
            except ValueError:
                continue
    return text


# The Polish names a file may give instead of a code. Part of the file format, so kept here and not
# taken from the interface's translation alone (which may change its wording).
POLISH_NAMES = {
    LegalForm.SOCIAL_COOPERATIVE: "spółdzielnia socjalna",
    LegalForm.OCCUPATIONAL_THERAPY_WORKSHOP: "warsztat terapii zajęciowej",
    LegalForm.VOCATIONAL_ACTIVITY_ESTABLISHMENT: "zakład aktywności zawodowej",
    LegalForm.SOCIAL_INTEGRATION_CENTRE: "centrum integracji społecznej",
    LegalForm.SOCIAL_INTEGRATION_CLUB: "klub integracji społecznej",
    LegalForm.WORKERS_COOPERATIVE: "spółdzielnia pracy",
    LegalForm.AGRICULTURAL_COOPERATIVE: "rolnicza spółdzielnia produkcyjna",
    LegalForm.FOUNDATION: "fundacja",
    LegalForm.ASSOCIATION: "stowarzyszenie",
    LegalForm.OTHER_NGO: "inna organizacja pozarządowa",
    LegalForm.CHURCH_LEGAL_PERSON: "kościelna osoba prawna",
    LegalForm.NONPROFIT_COMPANY: "spółka non-profit",
    LegalForm.SPORTS_CLUB: "klub sportowy",
}


def _legal_form_names() -> dict[str, str]:
    """Folded code, Polish and English name → code ("Spółdzielnia socjalna" → spoldzielnia-socjalna)."""
    names = {fold(name): form.value for form, name in POLISH_NAMES.items()}
    names.update({fold(form.value.replace("-", " ")): form.value for form in LegalForm})
    for form in LegalForm:
        names[fold(form.value)] = form.value
        for language in ("pl", "en"):
            with translation.override(language):
                names[fold(str(form.label))] = form.value
    return names


def _chunks(values: Iterable[Any], size: int = 500) -> Iterable[list[Any]]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _group_rows(parsed: ParsedFile, errors: list[RowError]) -> list[_Group]:
    legal_forms = _legal_form_names()
    groups: list[_Group] = []
    by_identifier: dict[tuple[str, str], _Group] = {}
    for number, raw in parsed.rows:
        cells = {column: _normalise(column, raw.get(column, ""), legal_forms) for column in parsed.columns}
        ids = {kind: cells[kind] for kind in IDENTIFIERS if cells.get(kind)}
        if not ids:
            errors.append(
                RowError(
                    number,
                    "nip",
                    gettext(
                        "Give at least one identifier (NIP, REGON or KRS): rows are matched to the "
                        "register by them."
                    ),
                )
            )
            continue
        hits: list[_Group] = []
        for kind, value in ids.items():
            found = by_identifier.get((kind, value))
            if found is not None and found not in hits:
                hits.append(found)
        if len(hits) > 1:
            errors.append(
                RowError(
                    number,
                    "/".join(ids),
                    gettext(
                        "The identifiers of this row belong to two different entities of the file (rows "
                        "%(first)s and %(second)s)."
                    )
                    % {"first": hits[0].first_row, "second": hits[1].first_row},
                    " / ".join(ids.values()),
                )
            )
            continue
        group = hits[0] if hits else None
        if group is not None:
            clash = next((kind for kind, value in ids.items() if group.ids.get(kind, value) != value), None)
            if clash:
                errors.append(
                    RowError(
                        number,
                        clash,
                        gettext(
                            "Row %(row)s has the same identifier but a different %(column)s (%(other)s); "
                            "rows with one identifier describe one entity."
                        )
                        % {"row": group.first_row, "column": clash, "other": group.ids[clash]},
                        ids[clash],
                    )
                )
                continue
        else:
            group = _Group(first_row=number)
            groups.append(group)
        group.rows += 1
        brings_new = False
        for column in ENTITY_COLUMNS:
            value = cells.get(column, "")
            if not value:
                continue
            known = group.values.get(column)
            if not known:
                group.values[column] = value
                group.row_of[column] = number
                brings_new = True
            elif known != value:
                errors.append(
                    RowError(
                        number,
                        column,
                        gettext(
                            "Row %(row)s has the same identifier but a different value here (%(other)s); "
                            "rows with one identifier describe one entity."
                        )
                        % {"row": group.row_of[column], "other": known},
                        value,
                    )
                )
        for kind, value in ids.items():
            group.ids[kind] = value
            by_identifier[(kind, value)] = group
        if any(cells.get(column) for column in OFFER_COLUMNS):
            group.offers.append((number, cells))
        elif number != group.first_row and not brings_new:
            errors.append(
                RowError(
                    number,
                    next(iter(ids)),
                    gettext("This row repeats the entity of row %(row)s (a duplicate identifier).")
                    % {"row": group.first_row},
                    next(iter(ids.values())),
                )
            )
    return groups


def _existing_entities(groups: list[_Group]) -> dict[tuple[str, str], Entity]:
    wanted: dict[str, set[str]] = {kind: set() for kind in IDENTIFIERS}
    for group in groups:
        for kind, value in group.ids.items():
            wanted[kind].add(value)
    found: dict[tuple[str, str], Entity] = {}
    # Identifiers are unique in the whole register, so matching looks at every territory; what may
    # be changed is limited to the user's territory below.
    entities = Entity.objects.unscoped(
        reason="an import matches identifiers across the register"
    ).select_related("gmina")
    for kind, values in wanted.items():
        for chunk in _chunks(values):
            for entity in entities.filter(**{f"{kind}__in": chunk}):
                found[(kind, getattr(entity, kind))] = entity
    return found


def _match_existing(groups: list[_Group], prefixes: list[str], errors: list[RowError]) -> None:
    existing = _existing_entities(groups)
    for group in groups:
        matches: dict[int, tuple[str, Entity]] = {}
        for kind, value in group.ids.items():
            entity = existing.get((kind, value))
            if entity is not None and entity.pk not in matches:
                matches[entity.pk] = (kind, entity)
        if len(matches) > 1:
            (kind_a, a), (kind_b, b) = list(matches.values())[:2]
            errors.append(
                RowError(
                    group.first_row,
                    kind_b,
                    gettext(
                        "The %(first)s matches “%(one)s” and the %(second)s matches “%(other)s” in the "
                        "register: they cannot be one entity."
                    )
                    % {"first": kind_a.upper(), "one": a.name, "second": kind_b.upper(), "other": b.name},
                    group.ids[kind_b],
                )
            )
            continue
        if not matches:
            continue
        kind, entity = next(iter(matches.values()))
        if not code_in_scope(entity.teryt, prefixes):
            errors.append(
                RowError(
                    group.first_row,
                    kind,
                    gettext(
                        "An entity with this %(identifier)s is in the register outside your territory; "
                        "this import cannot change it."
                    )
                    % {"identifier": kind.upper()},
                    group.ids[kind],
                )
            )
            continue
        for other in IDENTIFIERS:
            stored = getattr(entity, other)
            if group.ids.get(other) and stored and stored != group.ids[other]:
                errors.append(
                    RowError(
                        group.row_of.get(other, group.first_row),
                        other,
                        gettext(
                            "The entity found by its %(identifier)s has a different %(other)s in the "
                            "register (%(stored)s)."
                        )
                        % {"identifier": kind.upper(), "other": other.upper(), "stored": stored},
                        group.ids[other],
                    )
                )
                break
        else:
            group.existing = entity


def _entity_data(group: _Group) -> dict[str, str]:
    data: dict[str, str] = {}
    entity = group.existing
    for column, field_name in FIELD_OF.items():
        value = group.values.get(column, "")
        if not value and entity is not None:
            # An empty cell keeps what the register holds.
            stored = entity.gmina.code if field_name == "gmina" else getattr(entity, field_name)
            value = (
                stored.isoformat() if isinstance(stored, date) else ("" if stored is None else str(stored))
            )
        data[field_name] = value
    return data


def _cpv_lookup(groups: list[_Group]) -> dict[str, str]:
    if not any(group.offers for group in groups):
        return {}
    lookup = {}
    for code in CpvCode.objects.values_list("code", flat=True).iterator(chunk_size=5000):
        lookup[code] = code
        lookup.setdefault(code.split("-", 1)[0], code)
    return lookup


def _existing_offers(groups: list[_Group]) -> dict[tuple[int, str, str], OfferItem]:
    ids = [group.existing.pk for group in groups if group.existing is not None and group.offers]
    found: dict[tuple[int, str, str], OfferItem] = {}
    items = OfferItem.objects.unscoped(reason="offer items of entities matched inside the user's scope")
    for chunk in _chunks(ids):
        for item in items.filter(entity_id__in=chunk).order_by("-pk"):
            found[(item.entity_id, item.cpv_id, item.name)] = item  # the oldest wins on duplicates
    return found


def check_rows(
    parsed: ParsedFile,
    *,
    user: Any,
    progress: Callable[[int, int], None] | None = None,
) -> _Plan:
    """Check every row; raise ImportFileRejected with every problem, or return what to write."""
    prefixes = sorted(user.scope_prefixes)
    errors: list[RowError] = []
    report = ImportReport(rows=len(parsed.rows), warnings=list(parsed.warnings), source=dict(parsed.source))
    plan = _Plan(report=report)
    groups = _group_rows(parsed, errors)
    _match_existing(groups, prefixes, errors)
    codes = {group.values.get("teryt_gminy", "") for group in groups} | {
        group.existing.gmina.code for group in groups if group.existing is not None
    }
    gminas = {}
    for chunk in _chunks(sorted(code for code in codes if code)):
        gminas.update({unit.code: unit for unit in Unit.objects.filter(code__in=chunk)})
    cpv_codes = _cpv_lookup(groups)
    offers = _existing_offers(groups)
    done = 0
    total = len(parsed.rows)
    for group in groups:
        entity = group.existing or Entity()
        before = {name: getattr(entity, name) for name in COMPARED}
        problems = _check_entity(entity, _entity_data(group), gminas, prefixes)
        for field_name, messages in problems.items():
            column = COLUMN_OF.get(field_name, "")
            for message in messages:
                errors.append(
                    RowError(
                        group.row_of.get(column, group.first_row),
                        column,
                        message,
                        group.values.get(column, ""),
                    )
                )
        if not problems:
            entity.teryt = entity.gmina.code
            if group.existing is None:
                plan.new_entities.append(entity)
            else:
                changed = [name for name in COMPARED if getattr(entity, name) != before[name]]
                if changed:
                    plan.changed_entities.append((entity, changed))
                    if "gmina_id" in changed:
                        plan.moved_entities.append(entity)
                else:
                    report.entities_unchanged += 1
        _check_offers(group, entity, cpv_codes, offers, plan, errors)
        if progress is not None and (done + group.rows) // PROGRESS_EVERY != done // PROGRESS_EVERY:
            progress(min(done + group.rows, total), total)
        done += group.rows
    if not errors:
        _prepare_documents(plan)
    if errors:
        errors.sort(
            key=lambda error: (
                error.row,
                COLUMN_NAMES.index(error.column) if error.column in COLUMN_NAMES else -1,
            )
        )
        raise ImportFileRejected(errors, report.warnings)
    report.entities_created = len(plan.new_entities)
    report.entities_updated = len(plan.changed_entities)
    report.offers_created = len(plan.new_offers)
    report.offers_updated = len(plan.changed_offers)
    return plan


def _check_offers(
    group: _Group,
    entity: Entity,
    cpv_codes: Mapping[str, str],
    offers: Mapping[tuple[int, str, str], OfferItem],
    plan: _Plan,
    errors: list[RowError],
) -> None:
    seen: dict[tuple[str, str], int] = {}
    for number, cells in group.offers:
        name, raw_cpv, description = (
            cells.get("oferta_nazwa", ""),
            cells.get("oferta_cpv", ""),
            cells.get("oferta_opis", ""),
        )
        problems_before = len(errors)
        if not name:
            errors.append(RowError(number, "oferta_nazwa", gettext("An offer item needs a name.")))
        elif len(name) > 200:
            errors.append(
                RowError(
                    number,
                    "oferta_nazwa",
                    gettext("An offer item's name has at most 200 characters."),
                    name[:50] + "…",
                )
            )
        code = cpv_codes.get(raw_cpv.replace(" ", ""))
        if not raw_cpv:
            errors.append(RowError(number, "oferta_cpv", gettext("An offer item needs a CPV code.")))
        elif code is None:
            errors.append(
                RowError(
                    number,
                    "oferta_cpv",
                    gettext("There is no such code in the CPV 2008 dictionary."),
                    raw_cpv,
                )
            )
        if len(errors) > problems_before:
            continue
        key = (code, name)
        if key in seen:
            errors.append(
                RowError(
                    number,
                    "oferta_nazwa",
                    gettext("This offer item (CPV code and name) repeats row %(row)s.") % {"row": seen[key]},
                    name,
                )
            )
            continue
        seen[key] = number
        stored = offers.get((entity.pk, code, name)) if entity.pk else None
        if stored is None:
            plan.new_offers.append(OfferItem(entity=entity, cpv_id=code, name=name, description=description))
        elif description and description != stored.description:
            stored.description = description
            plan.changed_offers.append(stored)
        else:
            plan.report.offers_unchanged += 1


def _prepare_documents(plan: _Plan) -> None:
    """Give new entities their search document before they are inserted (the same document that
    services.refresh_search_documents computes), so that the refresh after the write finds them up
    to date instead of updating 10,000 rows a second time."""
    names = CpvCode.objects.in_bulk({item.cpv_id for item in plan.new_offers})
    offers: dict[int, list[OfferItem]] = {}
    for item in plan.new_offers:
        item.cpv = names[item.cpv_id]
        offers.setdefault(id(item.entity), []).append(item)
    for entity in plan.new_entities:
        entity.search_document = entity_document(entity, offers.get(id(entity), []))


# --- writing --------------------------------------------------------------------------------------


def _write(plan: _Plan, *, user: Any) -> list[int]:
    """Write the plan in one transaction, with history rows by `user`; the touched entities' ids."""
    touched: set[int] = set()
    now = timezone.now()
    history = {
        "default_user": user,
        "default_change_reason": CHANGE_REASON,
        "default_date": now,
        "batch_size": 500,
    }
    # Every row was checked against the user's scope in check_rows.
    with transaction.atomic(), system_scope("an import writes rows checked against the user's scope"):
        if plan.new_entities:
            bulk_create_with_history(plan.new_entities, Entity, **history)
            touched.update(entity.pk for entity in plan.new_entities)
        if plan.changed_entities:
            changed = sorted(
                {name for _entity, names in plan.changed_entities for name in names} | {"teryt", "updated_at"}
            )
            entities = []
            for entity, _names in plan.changed_entities:
                entity.updated_at = now
                entities.append(entity)
            bulk_update_with_history(
                entities, Entity, [name.removesuffix("_id") for name in changed], **history
            )
            touched.update(entity.pk for entity in entities)
        for entity in plan.moved_entities:
            # Offer items carry their entity's TERYT code for territorial filters (OfferItem.save).
            OfferItem.objects.unscoped(reason="offer items follow their entity").filter(entity=entity).update(
                teryt=entity.teryt
            )
        for item in plan.new_offers:
            # bulk_create takes entity_id from the entity saved above.
            item.teryt = item.entity.teryt
        if plan.new_offers:
            bulk_create_with_history(plan.new_offers, OfferItem, **history)
        if plan.changed_offers:
            bulk_update_with_history(plan.changed_offers, OfferItem, ["description"], **history)
        touched.update(item.entity_id for item in plan.new_offers + plan.changed_offers)
        for chunk in _chunks(sorted(touched), 2000):
            services.refresh_search_documents(chunk)
    return sorted(touched)


def run_import(
    rows_or_file: Any,
    *,
    user: Any,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check and (unless `dry_run`) write a file: a ParsedFile, bytes, a path, an uploaded file, or
    rows as dicts of column → text (numbered from 2, as under a header). Raises ImportFileRejected
    with every problem when anything is wrong; nothing is written then."""
    if isinstance(rows_or_file, ParsedFile):
        parsed = rows_or_file
    elif isinstance(rows_or_file, list) and (not rows_or_file or isinstance(rows_or_file[0], Mapping)):
        header = list(dict.fromkeys(name for row in rows_or_file for name in row))
        lines = [
            (number, [row.get(name, "") for name in header])
            for number, row in enumerate(rows_or_file, start=2)
        ]
        parsed = _parse_table(header, lines, [], {"format": "rows"})
    else:
        parsed = parse_file(rows_or_file)
    plan = check_rows(parsed, user=user, progress=progress)
    report = plan.report
    report.dry_run = dry_run
    if not dry_run and report.changes:
        report.entity_ids = _write(plan, user=user)
    return report


# --- background jobs ------------------------------------------------------------------------------


def start_import_job(*, parsed: ParsedFile, user: Any, kind: str = CHECK_KIND, language: str = "pl") -> Job:
    """Record a job with the file's rows; run it now when small, else queue it for the worker."""
    payload = {**parsed.to_payload(), "language": language}
    job = Job.objects.create(kind=kind, created_by=user, total=len(parsed.rows), payload=payload)
    if len(parsed.rows) <= INLINE_ROWS:
        run_import_job(job.pk)
    else:
        run_import_task.enqueue(job_id=job.pk)
    return job


def confirm_import(*, check: Job, user: Any) -> Job:
    """Start writing a checked file (the check's rows move to the new job)."""
    with transaction.atomic():
        check = Job.objects.select_for_update().get(pk=check.pk)
        if check.result.get("confirmed_job"):
            return Job.objects.get(pk=check.result["confirmed_job"])
        parsed = ParsedFile.from_payload(check.payload)
        job = Job.objects.create(
            kind=WRITE_KIND, created_by=user, total=len(parsed.rows), payload=check.payload
        )
        check.result = {**check.result, "confirmed_job": job.pk}
        check.payload = {}
        check.save(update_fields=["result", "payload"])
    if len(parsed.rows) <= INLINE_ROWS:
        run_import_job(job.pk)
    else:
        run_import_task.enqueue(job_id=job.pk)
    return job


@task()
def run_import_task(*, job_id: int) -> None:
    """Check or write the rows of an import job (the worker's side of start_import_job)."""
    run_import_job(job_id)


def run_import_job(job_id: int) -> Job:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return job  # taken already (a task delivered twice)
    job.move_to(Job.Status.RUNNING)
    user = job.created_by
    writing = job.kind == WRITE_KIND
    with translation.override(job.payload.get("language", "pl")):
        try:
            if user is None or not user.is_active or not user.has_perm("entities.import_entities"):
                raise PermissionError
            parsed = ParsedFile.from_payload(job.payload)
            report = run_import(parsed, user=user, dry_run=not writing, progress=job.report_progress)
        except ImportRejected as rejected:
            result = {
                "valid": False,
                "problem_count": len(rejected.errors),
                "warnings": getattr(rejected, "warnings", []),
            }
            problems = [asdict(error) for error in rejected.errors[:MAX_LISTED_PROBLEMS]]
            if writing:
                result["message"] = gettext(
                    "The register changed since the check; nothing was written. Check the file again."
                )
                job.move_to(
                    Job.Status.FAILED, result=result, error_report=problems, payload={}, done=job.total
                )
            else:
                job.move_to(Job.Status.DONE, result=result, error_report=problems, done=job.total)
        except PermissionError:
            job.move_to(
                Job.Status.FAILED,
                result={"message": gettext("You may no longer import entities.")},
                payload={},
            )
        except IntegrityError:
            logger.warning("import job %s hit a constraint", job.pk, exc_info=True)
            job.move_to(
                Job.Status.FAILED,
                result={
                    "message": gettext(
                        "The register changed while the file was written; nothing was written. Check the "
                        "file again."
                    )
                },
                payload={},
            )
        except Exception:
            logger.exception("import job %s failed", job.pk)
            job.move_to(
                Job.Status.FAILED,
                result={"message": gettext("The import failed unexpectedly; nothing was written.")},
                payload={},
            )
        else:
            result = {"valid": True, **report.as_dict()}
            job.move_to(
                Job.Status.DONE, result=result, done=job.total, payload={} if writing else job.payload
            )
    return job


# --- files for people -----------------------------------------------------------------------------


def neutralise(value: Any) -> str:
    """A cell that a spreadsheet would read as a formula gets a leading apostrophe (CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def problems_csv(problems: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([gettext("row"), gettext("column"), gettext("value"), gettext("problem")])
    for problem in problems:
        writer.writerow(
            [
                problem.get("row") or "",
                neutralise(problem.get("column")),
                neutralise(problem.get("value")),
                neutralise(problem.get("reason")),
            ]
        )
    return "\ufeff" + out.getvalue()


def template_xlsx() -> bytes:
    """The import template as a workbook: the header, one example row and a sheet of legal forms."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "podmioty"
    sheet.append(COLUMN_NAMES)
    sheet.append([column.example for column in COLUMNS])
    for cell in sheet[2]:
        cell.number_format = "@"  # text, so codes keep their leading zeros
    forms_sheet = workbook.create_sheet("formy_prawne")
    forms_sheet.append(["forma_prawna", gettext("name")])
    for code, label in legal_form_choices():
        forms_sheet.append([code, label])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
