"""Files for the import tests: valid identifiers, CSV and XLSX builders, and counts of what an import
may change (rows and history rows)."""

import io

import openpyxl

from lacznik.entities.models import Entity, OfferItem

HEADER = ["nazwa", "forma_prawna", "nip", "regon", "krs", "teryt_gminy", "oferta_nazwa", "oferta_cpv"]


def nip(seed: int) -> str:
    """A NIP with a correct check digit (weights of the Ministry of Finance), different per seed."""
    weights = (6, 5, 7, 2, 3, 4, 5, 6, 7)
    base = 526000000 + seed * 7
    while True:
        digits = f"{base:09d}"
        check = sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11
        if check < 10:
            return digits + str(check)
        base += 1


def regon(seed: int) -> str:
    weights = (8, 9, 2, 3, 4, 5, 6, 7)
    digits = f"{10000000 + seed:08d}"
    return digits + str(sum(int(d) * w for d, w in zip(digits, weights, strict=True)) % 11 % 10)


def krs(seed: int) -> str:
    return f"{seed:010d}"


def row(seed: int = 1, **cells: str) -> dict[str, str]:
    values = {
        "nazwa": f"Spółdzielnia Socjalna Testowa {seed}",
        "forma_prawna": "spoldzielnia-socjalna",
        "nip": nip(seed),
        "regon": "",
        "krs": "",
        "teryt_gminy": "1465011",
        "oferta_nazwa": "",
        "oferta_cpv": "",
    }
    values.update(cells)
    return values


def csv_file(
    rows: list[dict[str, str]], header: list[str] | None = None, delimiter: str = ";", encoding: str = "utf-8"
) -> bytes:
    header = header or list(dict.fromkeys(name for r in rows for name in r)) or HEADER
    lines = [delimiter.join(header)]
    for r in rows:
        lines.append(delimiter.join(r.get(name, "") for name in header))
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def xlsx_file(
    rows: list[dict[str, str]], extra_sheets: int = 0, numeric: dict[str, int] | None = None
) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "dane"
    header = list(dict.fromkeys(name for r in rows for name in r))
    sheet.append(header)
    for r in rows:
        sheet.append(
            [int(r[name]) if numeric and name in numeric and r[name] else r[name] for name in header]
        )
    for number in range(extra_sheets):
        other = workbook.create_sheet(f"inny {number}")
        other.append(["to nie są dane"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def counts() -> tuple[int, int, int, int]:
    """(entities, entity history rows, offer items, offer history rows)."""
    return (
        Entity.objects.unscoped(reason="test").count(),
        Entity.history.count(),
        OfferItem.objects.unscoped(reason="test").count(),
        OfferItem.history.count(),
    )
