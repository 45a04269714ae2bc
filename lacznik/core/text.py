"""Text normalisation shared by every search: lower case, no diacritics (ł and Ł included)."""

import unicodedata

# Letters that Unicode does not decompose into a base letter and a combining mark.
_NON_DECOMPOSING = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss"})


def fold(text: str) -> str:
    """'Łódź' → 'lodz'; 'Kędzierzyn-Koźle' → 'kedzierzyn-kozle'. Whitespace is collapsed."""
    text = unicodedata.normalize("NFKD", text.translate(_NON_DECOMPOSING))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.lower().split())


# The Polish alphabet in dictionary order (with q, v, x of loanwords).
_POLISH_ORDER = {letter: 1000 + index for index, letter in enumerate("aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż")}


def polish_sort_key(text: str) -> tuple[int, ...]:
    """Orders names as a Polish dictionary does, case aside: "Łódzkie" after "Lubuskie", "Śląskie"
    after "Pomorskie", "ostrołęcki" before "ostrowski" (SQLite's byte order and a C collation put
    every Polish letter after z). Spaces, hyphens and digits come before letters."""
    return tuple(_POLISH_ORDER.get(char, ord(char)) for char in text.lower())


# A spreadsheet reads a cell starting with one of these as a formula (CSV injection, FU-04).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> str:
    """'=HYPERLINK(...)' → "'=HYPERLINK(...)": a spreadsheet shows it as text and runs nothing."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
