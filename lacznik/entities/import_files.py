"""The file format of the entities import: its columns, its limits, and reading a CSV or XLSX file into
rows (encodings, delimiters, hostile workbooks). Checking and writing the rows is imports.py."""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from lacznik.core.errors import ImportRejected, RowError
from lacznik.core.text import fold, neutralise_formula

from .models import LegalForm

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
# A checked file's rows wait this long for the coordinator to confirm them; then
# `manage.py purge_import_checks` (daily) deletes them and the check must be run again.
CHECK_KEPT_DAYS = 7
# The import template's second sheet: the legal forms' codes and names.
TEMPLATE_FORMS_SHEET = "formy_prawne"
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
        # The template's own sheet of legal forms is a reference, not data left unread.
        if [other.title for other in sheets[1:]] not in ([], [TEMPLATE_FORMS_SHEET]):
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


# --- files for people -----------------------------------------------------------------------------


def problems_csv(problems: Iterable[Mapping[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow([gettext("row"), gettext("column"), gettext("value"), gettext("problem")])
    for problem in problems:
        writer.writerow(
            [
                problem.get("row") or "",
                neutralise_formula(problem.get("column")),
                neutralise_formula(problem.get("value")),
                neutralise_formula(problem.get("reason")),
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
    forms_sheet = workbook.create_sheet(TEMPLATE_FORMS_SHEET)
    forms_sheet.append(["forma_prawna", gettext("name")])
    for code, label in legal_form_choices():
        forms_sheet.append([code, label])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
