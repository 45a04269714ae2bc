"""Loading the CPV 2008 dictionary (the bundled CSV): validated whole, applied all at once.

The check digit. The EU's published rule for the ninth digit does not give the digit printed in
Regulation (EC) No 213/2008 for about 530 of its 9,454 codes (whole branches, e.g. 03300000-2), and the
Publications Office said it cannot correct them (OP-TED/ePO discussion #589). The dictionary itself is
therefore the authority: the import checks the form NNNNNNNN-N, and a code typed by a user is accepted
only with the check digit the dictionary has (lacznik.cpv.forms.lookup).
"""

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from lacznik.core.errors import ImportRejected, RowError
from lacznik.core.text import fold

from .models import CpvCode, level_of
from .search import name_document

BUNDLED_FILE = Path(__file__).resolve().parent / "data" / "cpv_2008_pl.csv"
HEADER = ["kod", "kod_nadrzedny", "rodzaj", "nazwa_pl", "nazwa_en"]
# The dictionary is about 0.85 MB; anything far larger is not this file.
MAX_FILE_BYTES = 5 * 1024 * 1024
_CODE = re.compile(r"\d{8}-\d")
_KINDS = {kind.value for kind in CpvCode.Kind}
_NAME_LENGTH = CpvCode._meta.get_field("name").max_length
_UPDATED_FIELDS = ["parent", "level", "kind", "name", "name_en", "search_name", "search_document"]


@dataclass(frozen=True)
class CpvRow:
    row: int
    code: str
    parent_code: str | None
    kind: str
    name: str
    name_en: str

    @property
    def level(self) -> int:
        return level_of(self.code[:8])


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    # Codes in the database but not in the file: kept (offers may use them), only counted.
    not_in_file: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


def import_cpv(path: str | Path | None = None) -> ImportReport:
    """Load the CPV dictionary from `path` (the bundled file by default).

    Raises ImportRejected, changing nothing, when any row is wrong. Loading the same file again
    changes nothing; a changed name, kind or parent is updated.
    """
    data = Path(path or BUNDLED_FILE).read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise ImportRejected(
            [RowError(1, "—", _("The file is larger than 5 MB; the CPV dictionary has about 0.9 MB."))]
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        row = data[: error.start].count(b"\n") + 1
        raise ImportRejected(
            [RowError(row, "—", _("The file is not valid UTF-8 (a broken byte in this row)."))]
        ) from None
    rows = parse_dictionary(text)
    with transaction.atomic():
        return _apply(rows)


def parse_dictionary(text: str) -> list[CpvRow]:
    """Check every row; collect every problem; return the rows only when there is none."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or not any(cell.strip() for cell in header):
        raise ImportRejected([RowError(1, "—", _("The file is empty."))])
    header = [cell.strip() for cell in header]
    if header != HEADER:
        raise ImportRejected(
            [
                RowError(
                    1,
                    _("header"),
                    _("Expected the columns %(expected)s.") % {"expected": ",".join(HEADER)},
                    ",".join(header),
                )
            ]
        )
    errors: list[RowError] = []
    rows: list[CpvRow] = []
    first_row_of: dict[str, int] = {}
    for cells in reader:
        row_number = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        row, row_errors = _parse_row(row_number, cells)
        errors.extend(row_errors)
        if row is None:
            continue
        if row.code in first_row_of:
            errors.append(
                RowError(
                    row_number,
                    "kod",
                    _("The code %(code)s already appears in row %(row)s.")
                    % {"code": row.code, "row": first_row_of[row.code]},
                    row.code,
                )
            )
            continue
        first_row_of[row.code] = row_number
        rows.append(row)
    if not rows and not errors:
        errors.append(RowError(2, "—", _("The file has a header but no codes.")))
    errors.extend(_check_parents(rows, {row.code: row for row in rows}))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda error: error.row))
    return rows


def _parse_row(row_number: int, cells: list[str]) -> tuple[CpvRow | None, list[RowError]]:
    if len(cells) != len(HEADER):
        return None, [
            RowError(
                row_number,
                "—",
                _("The row has %(found)s fields instead of %(expected)s.")
                % {"found": len(cells), "expected": len(HEADER)},
                ",".join(cells),
            )
        ]
    code, parent_code, kind, name, name_en = (cell.strip() for cell in cells)
    errors = []

    def bad(column: str, reason: str, value: str) -> None:
        errors.append(RowError(row_number, column, reason, value))

    if not _CODE.fullmatch(code):
        bad("kod", _("A CPV code is 8 digits, a hyphen and a check digit, e.g. 55520000-1."), code)
    if parent_code and not _CODE.fullmatch(parent_code):
        bad(
            "kod_nadrzedny",
            _("A CPV code is 8 digits, a hyphen and a check digit, e.g. 55520000-1."),
            parent_code,
        )
    if kind not in _KINDS:
        bad(
            "rodzaj",
            _("Unknown kind; the dictionary uses %(kinds)s.")
            % {"kinds": ", ".join(kind.value for kind in CpvCode.Kind)},
            kind,
        )
    for column, value in (("nazwa_pl", name), ("nazwa_en", name_en)):
        if not value:
            bad(column, _("The name is empty."), value)
        elif len(value) > _NAME_LENGTH:
            bad(
                column,
                _("The name is longer than %(limit)s characters.") % {"limit": _NAME_LENGTH},
                value[:40],
            )
    if errors:
        return None, errors
    return CpvRow(row_number, code, parent_code or None, kind, name, name_en), []


def _check_parents(rows: list[CpvRow], by_code: dict[str, CpvRow]) -> list[RowError]:
    errors = []
    for row in rows:
        if row.parent_code is None:
            if row.level != CpvCode.DIVISION:
                errors.append(
                    RowError(
                        row.row,
                        "kod_nadrzedny",
                        _("Only a division (2 significant digits) has no parent code."),
                        "",
                    )
                )
            continue
        parent = by_code.get(row.parent_code)
        if parent is None:
            errors.append(
                RowError(
                    row.row,
                    "kod_nadrzedny",
                    _("The parent code %(parent)s is not in the file.") % {"parent": row.parent_code},
                    row.parent_code,
                )
            )
        elif parent.level >= row.level or not row.code.startswith(parent.code[: parent.level]):
            errors.append(
                RowError(
                    row.row,
                    "kod_nadrzedny",
                    _("The code %(code)s does not lie below %(parent)s in the tree of digits.")
                    % {"code": row.code, "parent": row.parent_code},
                    row.parent_code,
                )
            )
    return errors


def _apply(rows: list[CpvRow]) -> ImportReport:
    report = ImportReport()
    existing = {code.code: code for code in CpvCode.objects.select_for_update()}
    new_codes, changed_codes = [], []
    for row in rows:
        wanted = {
            "parent_id": row.parent_code,
            "level": row.level,
            "kind": row.kind,
            "name": row.name,
            "name_en": row.name_en,
        }
        code = existing.get(row.code)
        if code is None:
            new_codes.append(
                CpvCode(
                    code=row.code,
                    **wanted,
                    search_name=fold(row.name),
                    search_document=name_document(row.name),
                )
            )
            report.created.append(row.code)
        elif any(getattr(code, attribute) != value for attribute, value in wanted.items()):
            if code.name != row.name:
                code.search_name, code.search_document = fold(row.name), name_document(row.name)
            for attribute, value in wanted.items():
                setattr(code, attribute, value)
            changed_codes.append(code)
            report.updated.append(row.code)
        else:
            report.unchanged += 1
    # Parents before children (a parent's code sorts before its children's); both databases check
    # the parent key at commit, the order only keeps the rows readable in insertion order.
    new_codes.sort(key=lambda code: code.code)
    CpvCode.objects.bulk_create(new_codes, batch_size=1000)
    if changed_codes:
        CpvCode.objects.bulk_update(changed_codes, _UPDATED_FIELDS, batch_size=1000)
    in_file = {row.code for row in rows}
    report.not_in_file = sorted(code for code in existing if code not in in_file)
    return report
