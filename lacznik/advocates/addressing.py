"""How a letter addresses the head of a JST, in Polish: the title (wójt, burmistrz, prezydent miasta,
starosta), the office with the JST's name in the genitive ("Prezydent Miasta Płocka", "Starosta
Płocki", "Powiatu Płockiego") and the salutation in the vocative ("Szanowny Panie Wójcie").

Who heads what (dokumenty.txt section 6 writes to "wójtów/burmistrzów/starostów"): a rural gmina
(TERC kind 2) has a wójt, an urban or urban-rural one (kinds 1 and 3) a burmistrz, a city with powiat
rights (powiat code digits 3-4 ≥ 61, domain-facts.md) a prezydent miasta, a powiat a starosta. Some
towns without powiat rights have a prezydent too (Pruszków, Otwock): the enrolment's `head_title`
says so and wins.

Names are declined by Morfeusz 2 (SGJP dictionary inside the wheel): each word is analysed, the head
noun found (a geographic noun that cannot be read as an adjective), the nouns put in their own
genitive and the adjectives in the genitive agreeing with the head; words after a preposition stay
as written ("Nowe Miasto nad Pilicą" → "Nowego Miasta nad Pilicą"); hyphenated names are declined
part by part ("Konstancin-Jeziorna" → "Konstancina-Jeziorny"). A word Morfeusz does not know stays
in the nominative, so a letter is never blocked by an unusual name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache, lru_cache

from lacznik.territory.models import Unit

GEOGRAPHIC = ("nazwa_geograficzna", "człon_nazwy_geograficznej")

WOJT, BURMISTRZ, PREZYDENT, STAROSTA = "wojt", "burmistrz", "prezydent", "starosta"

# The title in the nominative, as printed above the address.
TITLES = {WOJT: "Wójt", BURMISTRZ: "Burmistrz", PREZYDENT: "Prezydent Miasta", STAROSTA: "Starosta"}

# The salutation by the head's gender: "m", "f"; unknown gender → "Szanowni Państwo".
SALUTATIONS = {
    WOJT: {"m": "Szanowny Panie Wójcie", "f": "Szanowna Pani Wójt"},
    BURMISTRZ: {"m": "Szanowny Panie Burmistrzu", "f": "Szanowna Pani Burmistrz"},
    PREZYDENT: {"m": "Szanowny Panie Prezydencie", "f": "Szanowna Pani Prezydent"},
    STAROSTA: {"m": "Szanowny Panie Starosto", "f": "Szanowna Pani Starosto"},
}
UNKNOWN_SALUTATION = "Szanowni Państwo"

WARSAW_CODES = ("1465", "1465011")


# --- Morfeusz -------------------------------------------------------------------------------------


@cache
def _analyser():
    import morfeusz2

    return morfeusz2.Morfeusz(generate=False, expand_tags=False)


@cache
def _generator():
    # A second instance: one Morfeusz object either analyses or generates.
    import morfeusz2

    return morfeusz2.Morfeusz(generate=True, expand_tags=False)


@dataclass(frozen=True)
class _Noun:
    lemma: str  # with SGJP's homonym mark ("Radom:Sm3")
    number: str  # "sg" or "pl" (pluralia tantum: "Siedlce")
    gender: str  # "m1", "m2", "m3", "f", "n"


@dataclass(frozen=True)
class _Reading:
    nouns: tuple[_Noun, ...]
    adjective: str  # the adjective's lemma ("nowy:A"), "" when the word cannot be one in the nominative
    preposition: bool


def _base(lemma: str) -> str:
    return lemma.split(":", 1)[0]


@lru_cache(maxsize=10_000)
def _read(word: str) -> _Reading:
    """What a word of a name can be in the nominative: nouns (best first), an adjective, a preposition."""
    ranked: list[tuple[int, _Noun]] = []
    adjective = ""
    preposition = False
    for _start, _end, (_form, lemma, tag, qualifiers, _labels) in _analyser().analyse(word):
        parts = tag.split(":")
        if parts[0] == "prep":
            # "nad" in "Nowe Miasto nad Pilicą"; "Miasto" can also be read as a preposition, a name cannot.
            preposition = word.islower()
        elif parts[0] == "adj" and len(parts) >= 5 and "nom" in parts[2].split(".") and parts[4] == "pos":
            adjective = adjective or lemma
        elif parts[0] == "subst" and len(parts) >= 4 and "nom" in parts[2].split("."):
            if _base(lemma).lower() != word.lower():
                continue  # an inflected form of another noun ("Wiesia"), not this name in the nominative
            rank = (0 if _base(lemma) == word else 2) + (0 if set(qualifiers) & set(GEOGRAPHIC) else 1)
            number = "pl" if parts[1] == "pl" else "sg"
            ranked.append((rank, _Noun(lemma=lemma, number=number, gender=parts[3].split(".")[0])))
    nouns = tuple(noun for _rank, noun in sorted(ranked, key=lambda pair: pair[0]))
    return _Reading(nouns=nouns, adjective=adjective, preposition=preposition)


@lru_cache(maxsize=10_000)
def _forms(lemma: str) -> tuple[tuple[str, str, str, tuple[str, ...]], ...]:
    """(form, lemma, tag, labels) of every form Morfeusz generates for a lemma."""
    return tuple(
        (form, found, tag, tuple(labels))
        for form, found, tag, _qualifiers, labels in _generator().generate(_base(lemma))
    )


def _pick(lemma: str, kind: str, number: str, gender: str) -> str | None:
    """The genitive form of `lemma` (a noun or an adjective) in `number` and `gender`."""
    found = []
    for form, form_lemma, tag, labels in _forms(lemma):
        if form_lemma != lemma:
            continue
        parts = tag.split(":")
        if parts[0] != kind or len(parts) < 4:
            continue
        if number not in parts[1].split(".") or "gen" not in parts[2].split("."):
            continue
        if gender not in parts[3].split("."):
            continue
        if kind == "adj" and (len(parts) < 5 or parts[4] != "pos"):
            continue
        found.append((bool(labels), form))  # plain forms before archaic or marked ones
    return min(found)[1] if found else None


def _same_case(model: str, form: str) -> str:
    if len(model) > 1 and model.isupper():
        return form.upper()
    if model[:1].isupper():
        return form[:1].upper() + form[1:]
    return form


def _genitive_words(words: list[str], agree: tuple[str, str] | None) -> list[str]:
    readings = [_read(word) for word in words]
    # Words after a preposition ("nad Pilicą") keep their case.
    end = next((i for i, reading in enumerate(readings) if i and reading.preposition), len(words))
    active = list(range(end))
    if agree is not None:
        head = agree
        nouns: set[int] = set()
    else:
        # Nouns are the words that cannot be adjectives; a one-word name is a noun when it can be one.
        nouns = {i for i in active if readings[i].nouns and (not readings[i].adjective or len(active) == 1)}
        if not nouns:
            with_noun = [i for i in active if readings[i].nouns]
            nouns = {with_noun[-1]} if with_noun else set()
        if not nouns:
            return words
        first = readings[min(nouns)].nouns[0]
        head = (first.number, first.gender)
    declined = list(words)
    for i in active:
        reading = readings[i]
        form = None
        if i in nouns:
            noun = reading.nouns[0]
            form = _pick(noun.lemma, "subst", noun.number, noun.gender)
        elif reading.adjective:
            form = _pick(reading.adjective, "adj", *head)
        if form:
            declined[i] = _same_case(words[i], form)
    return declined


@lru_cache(maxsize=10_000)
def genitive(name: str, *, agree: tuple[str, str] | None = None) -> str:
    """The name in the genitive: "Nowy Dwór Mazowiecki" → "Nowego Dworu Mazowieckiego". With `agree`
    (number, gender), every word is read as an adjective agreeing with an unwritten noun: a powiat's
    name "płocki" with ("sg", "m3") (powiat) → "płockiego"."""
    if "-" in name:
        # Hyphenated names are declined part by part ("Konstancina-Jeziorny").
        return "-".join(genitive(part, agree=agree) if part else part for part in name.split("-"))
    words = name.split()
    return " ".join(_genitive_words(words, agree)) if words else name


# --- the head of a JST ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Addressing:
    """How to address the head of one JST."""

    title: str  # "Wójt", "Burmistrz", "Prezydent Miasta", "Starosta" (or the enrolment's own title)
    addressee: str  # the line on the envelope: "Wójt Gminy Kazanów", "Starosta Płocki"
    office_genitive: str  # the JST after the title, in the genitive: "Gminy Kazanów", "Powiatu Płockiego"
    salutation: str  # "Szanowny Panie Wójcie", "Szanowna Pani Starosto", "Szanowni Państwo"
    jst_name: str  # the JST in the nominative, as a party of the agreement: "Gmina Kazanów", "Powiat Płocki"


def _is_city_with_powiat_rights(code: str) -> bool:
    return len(code) >= 4 and int(code[2:4]) >= 61


def default_head(unit: Unit) -> str:
    """The head's kind by the register: starosta, prezydent, burmistrz or wójt."""
    if _is_city_with_powiat_rights(unit.code) and (
        unit.level == Unit.Level.POWIAT or unit.kind == Unit.Kind.URBAN
    ):
        return PREZYDENT
    if unit.level == Unit.Level.POWIAT:
        return STAROSTA
    if unit.kind in (Unit.Kind.URBAN, Unit.Kind.URBAN_RURAL):
        return BURMISTRZ
    return WOJT


def head_kind(title: str) -> str | None:
    """The kind of head a free-text title names ("Prezydent Miasta" → prezydent); None for another."""
    folded = title.strip().lower()
    for kind, prefix in (
        (WOJT, "wójt"),
        (WOJT, "wojt"),
        (BURMISTRZ, "burmistrz"),
        (PREZYDENT, "prezydent"),
        (STAROSTA, "starosta"),
    ):
        if folded.startswith(prefix):
            return kind
    return None


def _city_genitive(unit: Unit) -> str:
    if unit.code in WARSAW_CODES:
        return "Miasta Stołecznego Warszawy"
    return f"Miasta {genitive(unit.name)}"


def _office(kind: str | None, unit: Unit) -> str:
    """The JST in the genitive as it follows the head's title."""
    if unit.level == Unit.Level.POWIAT and not _is_city_with_powiat_rights(unit.code):
        return f"Powiatu {genitive(unit.name, agree=('sg', 'm3')).title()}"
    if kind == PREZYDENT or unit.kind == Unit.Kind.URBAN or unit.level == Unit.Level.POWIAT:
        return _city_genitive(unit)
    if unit.kind == Unit.Kind.URBAN_RURAL and kind != WOJT:
        return f"Miasta i Gminy {unit.name}"
    # "Gmina Kazanów" is an apposition: the name stays in the nominative ("Wójt Gminy Kazanów").
    return f"Gminy {unit.name}"


def jst_name(unit: Unit) -> str:
    """The JST in the nominative, as a party to an agreement."""
    if unit.code in WARSAW_CODES:
        return "Miasto Stołeczne Warszawa"
    if unit.level == Unit.Level.POWIAT:
        if _is_city_with_powiat_rights(unit.code):
            return f"Miasto {unit.name}"
        return f"Powiat {unit.name.title()}"
    if unit.kind == Unit.Kind.URBAN:
        return f"Miasto {unit.name}"
    if unit.kind == Unit.Kind.URBAN_RURAL:
        return f"Miasto i Gmina {unit.name}"
    return f"Gmina {unit.name}"


def addressing(unit: Unit, *, head_title: str = "", head_gender: str = "") -> Addressing:
    """The title, addressee line, office in the genitive and salutation for the head of `unit`."""
    kind = head_kind(head_title) if head_title.strip() else default_head(unit)
    title = head_title.strip() or TITLES[kind]
    office = _office(kind, unit)
    if kind == STAROSTA and unit.level == Unit.Level.POWIAT:
        # "Starosta Płocki": the powiat's adjective follows the title in the nominative.
        addressee = f"{title} {unit.name.title()}"
    elif title.lower().endswith(" miasta") and office.startswith("Miasta "):
        addressee = f"{title[: -len(' miasta')]} {office}"  # not "Prezydent Miasta Miasta Płocka"
    else:
        addressee = f"{title} {office}"
    salutation = (
        SALUTATIONS.get(kind, {}).get(head_gender, UNKNOWN_SALUTATION) if kind else UNKNOWN_SALUTATION
    )
    return Addressing(
        title=title,
        addressee=addressee,
        office_genitive=office,
        salutation=salutation,
        jst_name=jst_name(unit),
    )


def for_enrolment(enrolment) -> Addressing:
    return addressing(enrolment.unit, head_title=enrolment.head_title, head_gender=enrolment.head_gender)
