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
POLISH_ALPHABET = "aąbcćdeęfghijklłmnńoópqrsśtuvwxyzźż"
# Two digits a character: a key of digits alone orders the same under any database collation (SQLite's
# bytes, PostgreSQL's C or ICU), which letters do not.
_SORT_CODES = {" ": "00", **{digit: f"{2 + int(digit):02d}" for digit in "0123456789"}}
_SORT_CODES.update({letter: f"{12 + index:02d}" for index, letter in enumerate(POLISH_ALPHABET)})
SORT_KEY_CHARACTERS = 100


def polish_sort_key(text: str) -> str:
    """A key that orders names as a Polish dictionary does, case aside: "Łódzkie" after "Lubuskie",
    "Śląskie" after "Pomorskie", "ostrołęcki" before "ostrowski" (SQLite's byte order and PostgreSQL's
    C collation put every Polish letter after z). Spaces and digits come before letters, punctuation
    does not count (Fundacja „Żak” after Fundacja Zet), other accented letters count as their base
    letter ("é" as "e"). The first 100 characters count."""
    codes = []
    for char in " ".join(text.lower().split())[:SORT_KEY_CHARACTERS]:
        code = _SORT_CODES.get(char) or _SORT_CODES.get(fold(char)[:1])
        if code is not None:
            codes.append(code)
    return "".join(codes)


# A spreadsheet reads a cell starting with one of these as a formula (CSV injection, FU-04).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value: object) -> str:
    """'=HYPERLINK(...)' → "'=HYPERLINK(...)": a spreadsheet shows it as text and runs nothing."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text
