"""Polish words for search: each word's own form and every lemma Morfeusz 2 gives it (the SGJP
dictionary is inside the morfeusz2 wheel), lower-cased and without diacritics (`fold`). Every search of
Łącznik (the catalogue, the CPV dictionary) builds its documents and queries with these."""

import re
from functools import cache, lru_cache

from lacznik.core.text import fold

WORD = re.compile(r"\w+", re.UNICODE)
_TOKEN = re.compile(r"[a-z0-9]+")


@cache
def _morfeusz():
    import morfeusz2

    return morfeusz2.Morfeusz(generate=False, expand_tags=False)


@lru_cache(maxsize=200_000)
def word_keys(word: str) -> tuple[str, ...]:
    """The folded form and folded lemmas of one word: 'Spółdzielni' → ('spoldzielni', 'spoldzielnia')."""
    keys = {fold(word)}
    for _start, _end, (_form, lemma, *_rest) in _morfeusz().analyse(word):
        # SGJP marks homonyms as "zamek:s1"; the part before the colon is the lemma.
        keys.add(fold(lemma.split(":", 1)[0]))
    return tuple(sorted(key for key in keys if _TOKEN.fullmatch(key)))


def words(text: str) -> list[str]:
    return WORD.findall(text or "")


def document(*texts: str) -> str:
    """The search document of some texts: every key of every word, in order, space-separated."""
    return " ".join(key for text in texts for word in words(text) for key in word_keys(word))
