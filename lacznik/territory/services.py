"""Importing an official TERC file (GUS format) into the register: validated whole, applied all at once."""

import csv
import hashlib
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lacznik.core.errors import ImportRejected, RowError
from lacznik.core.text import fold

from .models import RegisterImport, Unit

HEADER = ["WOJ", "POW", "GMI", "RODZ", "NAZWA", "NAZWA_DOD", "STAN_NA"]
# The whole register is about 200 KB; anything far larger is not a TERC file.
MAX_FILE_BYTES = 5 * 1024 * 1024
GMINA_LEVEL_KINDS = {kind.value for kind in Unit.Kind}
# A multi-byte UTF-8 sequence: a file that has one is UTF-8, even when a byte elsewhere in it is broken.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}")
_TWO_DIGITS = re.compile(r"\d{2}")


@dataclass(frozen=True)
class RegisterRow:
    """One row of the file, checked: where it stands and what unit it describes."""

    row: int
    code: str
    level: str
    kind: str
    name: str
    name_extra: str
    parent_code: str | None
    register_date: date


@dataclass
class ImportReport:
    register_date: date
    source_name: str
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    reinstated: list[str] = field(default_factory=list)
    # (retired code, code that took over): a gmina whose kind changed gets a new TERYT code.
    kind_changes: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0
    already_imported: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.retired or self.reinstated)


def import_register(*, data: bytes, source_name: str, by=None) -> ImportReport:
    """Import one TERC file. Raises ImportRejected, changing nothing, when any row is wrong."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportRejected(
            [RowError(1, "—", _("The file is larger than %(limit)s MB; a TERC file has about 0.2 MB.") % {"limit": 5})]
        )
    rows = parse_register(decode_register(data))
    sha256 = hashlib.sha256(data).hexdigest()
    with transaction.atomic():
        _refuse_older_than_register(rows)
        report = _apply(rows, source_name=source_name, by=by)
        RegisterImport.objects.create(
            register_date=report.register_date,
            source_name=source_name[:255],
            sha256=sha256,
            imported_by=by,
            created=len(report.created),
            updated=len(report.updated) + len(report.reinstated),
            retired=len(report.retired),
        )
    return report


def _refuse_older_than_register(rows: list[RegisterRow]) -> None:
    # An older file would undo later changes of the register (new gminas would be retired again).
    latest = RegisterImport.objects.order_by("-register_date").first()
    file_date = max(row.register_date for row in rows)
    if latest is not None and file_date < latest.register_date:
        raise ImportRejected(
            [
                RowError(
                    rows[0].row,
                    "STAN_NA",
                    _("The file shows the register on %(file)s, older than the register already imported (%(current)s).")
                    % {"file": file_date.isoformat(), "current": latest.register_date.isoformat()},
                    file_date.isoformat(),
                )
            ]
        )


def register_is_at_least(register_date: date) -> bool:
    """Whether a register of this state or a newer one was already imported."""
    return RegisterImport.objects.filter(register_date__gte=register_date).exists()


def is_already_imported(data: bytes) -> bool:
    """Whether this very file was the last one imported (so `make run` can skip it at once)."""
    latest = RegisterImport.objects.first()
    return latest is not None and latest.sha256 == hashlib.sha256(data).hexdigest()


def decode_register(data: bytes) -> str:
    """UTF-8 (with or without BOM) or Windows-1250, the two encodings GUS publishes."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        broken_row = data[: utf8_error.start].count(b"\n") + 1
        # A UTF-8 file with one broken byte must not be read as Windows-1250 mojibake. Polish text in
        # Windows-1250 has no byte pairs that form UTF-8 sequences (none in the whole register).
        if not _UTF8_SEQUENCE.search(data):
            try:
                return data.decode("cp1250")
            except UnicodeDecodeError as cp1250_error:
                broken_row = data[: cp1250_error.start].count(b"\n") + 1
        raise ImportRejected(
            [
                RowError(
                    broken_row,
                    "—",
                    _("The file is neither valid UTF-8 nor Windows-1250 (a broken byte in this row)."),
                )
            ]
        ) from utf8_error


def parse_register(text: str) -> list[RegisterRow]:
    """Check every row; collect every problem; return the rows only when there is none."""
    errors: list[RowError] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
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
                    _("Expected the columns %(expected)s.") % {"expected": ";".join(HEADER)},
                    ";".join(header),
                )
            ]
        )
    rows: list[RegisterRow] = []
    first_row_of: dict[str, int] = {}
    codes_with_errors: set[str] = set()
    for cells in reader:
        row_number = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue  # GUS ends its files with an empty line
        row, row_errors = _parse_row(row_number, cells)
        errors.extend(row_errors)
        if row is None:
            # A wrong row still names its unit, so that its children do not report a missing parent too.
            codes_with_errors.add("".join(cell.strip() for cell in cells[:4]))
            continue
        if row.code in first_row_of:
            errors.append(
                RowError(
                    row_number,
                    "WOJ/POW/GMI/RODZ",
                    _("The code %(code)s already appears in row %(row)s.")
                    % {"code": row.code, "row": first_row_of[row.code]},
                    row.code,
                )
            )
            continue
        first_row_of[row.code] = row_number
        rows.append(row)
    if not rows and not errors:
        errors.append(RowError(2, "—", _("The file has a header but no units.")))
    errors.extend(_check_parents(rows, set(first_row_of) | codes_with_errors))
    if errors:
        raise ImportRejected(sorted(errors, key=lambda error: error.row))
    return rows


def _parse_row(row_number: int, cells: list[str]) -> tuple[RegisterRow | None, list[RowError]]:
    if len(cells) != len(HEADER):
        return None, [
            RowError(
                row_number,
                "—",
                _("The row has %(found)s fields instead of %(expected)s.")
                % {"found": len(cells), "expected": len(HEADER)},
                ";".join(cells),
            )
        ]
    woj, pow_, gmi, rodz, name, name_extra, state = (cell.strip() for cell in cells)
    errors = []

    def bad(column: str, reason: str, value: str) -> None:
        errors.append(RowError(row_number, column, reason, value))

    if not _TWO_DIGITS.fullmatch(woj) or not 2 <= int(woj) <= 32 or int(woj) % 2:
        bad("WOJ", _("A voivodeship code is an even two-digit number from 02 to 32."), woj)
    if pow_ and (not _TWO_DIGITS.fullmatch(pow_) or pow_ == "00"):
        bad("POW", _("A powiat code is two digits from 01 to 99."), pow_)
    if gmi and (not _TWO_DIGITS.fullmatch(gmi) or gmi == "00"):
        bad("GMI", _("A gmina code is two digits from 01 to 99."), gmi)
    if gmi and not pow_:
        bad("POW", _("A gmina row needs the code of its powiat."), pow_)
    if gmi and rodz not in GMINA_LEVEL_KINDS:
        bad("RODZ", _("Unknown kind of gmina; the register uses 1, 2, 3, 4, 5, 8 and 9."), rodz)
    if not gmi and rodz:
        bad("RODZ", _("Only gmina rows have a kind."), rodz)
    if not name:
        bad("NAZWA", _("The name is empty."), name)
    elif len(name) > 120:
        bad("NAZWA", _("The name is longer than 120 characters."), name[:40])
    if len(name_extra) > 120:
        bad("NAZWA_DOD", _("The designation is longer than 120 characters."), name_extra[:40])
    try:
        register_date = date.fromisoformat(state)
    except ValueError:
        bad("STAN_NA", _("The date must be written as YYYY-MM-DD."), state)
        register_date = None
    if errors:
        return None, errors
    if not pow_:
        code, level, kind, parent = woj, Unit.Level.VOIVODESHIP, "", None
    elif not gmi:
        code, level, kind, parent = woj + pow_, Unit.Level.POWIAT, "", woj
    else:
        code, level, kind = woj + pow_ + gmi + rodz, Unit.Level.GMINA, rodz
        parent = _gmina_parent(woj + pow_, gmi, rodz)
    return RegisterRow(row_number, code, level, kind, name, name_extra, parent, register_date), []


def _gmina_parent(powiat: str, gmi: str, rodz: str) -> str:
    if rodz in (Unit.Kind.TOWN_PART, Unit.Kind.RURAL_PART):
        return f"{powiat}{gmi}{Unit.Kind.URBAN_RURAL}"  # the town and the rural area of an urban-rural gmina
    if rodz in (Unit.Kind.DISTRICT, Unit.Kind.DELEGATURA):
        return f"{powiat}01{Unit.Kind.URBAN}"  # districts of Warsaw, delegatury of a city: the city gmina
    return powiat


def _check_parents(rows: list[RegisterRow], codes: set[str]) -> list[RowError]:
    return [
        RowError(
            row.row,
            "GMI" if row.level == Unit.Level.GMINA and len(row.parent_code) == 7 else "POW",
            _("The unit %(parent)s above this one is not in the file.") % {"parent": row.parent_code},
            row.code,
        )
        for row in rows
        if row.parent_code is not None and row.parent_code not in codes
    ]


# Parents before children, so that every parent has its key when its children are written.
_LEVEL_ORDER = {Unit.Level.VOIVODESHIP: 0, Unit.Level.POWIAT: 1}


def _depth(row: RegisterRow) -> int:
    if row.level in _LEVEL_ORDER:
        return _LEVEL_ORDER[row.level]
    return 2 if row.kind in Unit.GMINA_KINDS else 3


def _apply(rows: list[RegisterRow], *, source_name: str, by) -> ImportReport:
    register_date = max(row.register_date for row in rows)
    report = ImportReport(register_date=register_date, source_name=source_name)
    reason = f"territory.import:{source_name}"[:100]
    existing = {unit.code: unit for unit in Unit.objects.select_for_update()}
    by_depth: dict[int, list[RegisterRow]] = defaultdict(list)
    for row in rows:
        by_depth[_depth(row)].append(row)

    for depth in sorted(by_depth):
        new_units, changed_units = [], []
        for row in by_depth[depth]:
            parent = existing[row.parent_code] if row.parent_code else None
            unit = existing.get(row.code)
            if unit is None:
                unit = Unit(
                    code=row.code,
                    level=row.level,
                    kind=row.kind,
                    name=row.name,
                    name_extra=row.name_extra,
                    parent=parent,
                    search_name=fold(row.name),
                    valid_from=row.register_date,
                )
                new_units.append(unit)
                report.created.append(row.code)
                continue
            wanted = {"name": row.name, "name_extra": row.name_extra, "parent_id": parent.pk if parent else None}
            differs = any(getattr(unit, attribute) != value for attribute, value in wanted.items())
            if differs or unit.valid_to is not None:
                (report.reinstated if unit.valid_to is not None else report.updated).append(row.code)
                for attribute, value in wanted.items():
                    setattr(unit, attribute, value)
                unit.search_name = fold(row.name)
                unit.valid_to = None
                unit.successor = None
                changed_units.append(unit)
            else:
                report.unchanged += 1
        if new_units:
            bulk_create_with_history(new_units, Unit, batch_size=500, default_user=by, default_change_reason=reason)
            # SQLite and PostgreSQL both return the new keys; read them back to be independent of that.
            fresh = Unit.objects.in_bulk([unit.code for unit in new_units], field_name="code")
            existing.update(fresh)
        if changed_units:
            bulk_update_with_history(
                changed_units,
                Unit,
                ["name", "name_extra", "parent", "search_name", "valid_to", "successor"],
                batch_size=500,
                default_user=by,
                default_change_reason=reason,
            )

    in_file = {row.code for row in rows}
    current_gmina_by_base = {
        row.code[:6]: row.code for row in rows if row.level == Unit.Level.GMINA and row.kind in Unit.GMINA_KINDS
    }
    retiring = []
    for code, unit in existing.items():
        if code in in_file or unit.valid_to is not None:
            continue
        unit.valid_to = register_date
        successor_code = current_gmina_by_base.get(code[:6]) if unit.kind in Unit.GMINA_KINDS else None
        if successor_code:
            unit.successor = existing[successor_code]
            report.kind_changes.append((code, successor_code))
        retiring.append(unit)
        report.retired.append(code)
    if retiring:
        bulk_update_with_history(
            retiring, Unit, ["valid_to", "successor"], batch_size=500, default_user=by, default_change_reason=reason
        )
    return report
