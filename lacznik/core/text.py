"""Text normalisation shared by every search: lower case, no diacritics (ł and Ł included)."""

import unicodedata

# Letters that Unicode does not decompose into a base letter and a combining mark.
_NON_DECOMPOSING = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ß": "ss"})


def fold(text: str) -> str:
    """'Łódź' → 'lodz'; 'Kędzierzyn-Koźle' → 'kedzierzyn-kozle'. Whitespace is collapsed."""
    text = unicodedata.normalize("NFKD", text.translate(_NON_DECOMPOSING))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(text.lower().split())
