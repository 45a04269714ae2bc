"""Finding CPV codes by a code prefix or by words of the Polish name.

A word matches when the folded name contains it (so an unfinished word typed in the field already
finds codes: "posil" finds "posiłków") or when one of its lemmas is a lemma of a word of the name
(so "posiłki" finds "posiłków" and "usługami" finds "Usługi"), or when the English name contains it
(Polish offers say "catering", which the Polish names call "dostarczanie posiłków"). Lemmas come from
Morfeusz 2, as in the catalogue's search (lacznik.entities.search); diacritics never matter. All words
must match.
"""

import re

from django.db.models import Q, QuerySet

from lacznik.core.polish import document, word_keys, words
from lacznik.core.text import fold

from .models import CpvCode

MAX_QUERY_LENGTH = 100
MAX_QUERY_WORDS = 8
ENGLISH_MIN_LETTERS = 5
# A code or its beginning: "55", "5552", "55520000", "55520000-1" (spaces inside are forgiven).
_CODE_QUERY = re.compile(r"(\d{1,8})(?:\s*-\s*(\d))?")


def name_document(name: str) -> str:
    """The stored search document of a name: its folded words and lemmas, space-delimited at both ends."""
    return f" {document(name)} " if name else ""


def search_codes(text: str, queryset: QuerySet | None = None) -> QuerySet:
    """Codes matching `text` (a code prefix or words of the name); no text, no codes."""
    queryset = CpvCode.objects.all() if queryset is None else queryset
    text = " ".join((text or "").split())[:MAX_QUERY_LENGTH]
    code = _CODE_QUERY.fullmatch(text.replace(" ", ""))
    if code:
        digits, check = code.groups()
        if check is not None and len(digits) == 8:
            return queryset.filter(code=f"{digits}-{check}")
        return queryset.filter(code__startswith=digits)
    match = Q()
    for word in words(text)[:MAX_QUERY_WORDS]:
        term = Q(search_name__contains=fold(word))
        if len(word) >= ENGLISH_MIN_LETTERS:
            # Not shorter: "ser" (cheese) would find every "services".
            term |= Q(name_en__icontains=fold(word))
        for key in word_keys(word):
            term |= Q(search_document__contains=f" {key} ")
        match &= term
    return queryset.filter(match) if match else queryset.none()
