"""Search that behaves like Polish, the same on SQLite and PostgreSQL (issue #5 point 1; IN-01)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lacznik.entities.filters import catalogue, public_entities
from lacznik.entities.search import Query, capped_count, document, ranked_ids

from .factories import EntityFactory, OfferItemFactory, cpv, gmina


def found(text: str, **filters) -> list[str]:
    result = catalogue({"q": text, **filters}, public_entities())
    ids = ranked_ids(result.queryset, result.query, limit=50)
    names = dict(public_entities().filter(pk__in=ids).values_list("pk", "name"))
    return [names[pk] for pk in ids]


@pytest.fixture
def cooperative(db):
    entity = EntityFactory(
        name="Spółdzielnia Socjalna „Smaczna Łódka”",
        city="Łódź",
        description="Przygotowujemy posiłki i świadczymy usługi cateringowe dla szkół i urzędów.",
    )
    OfferItemFactory(entity=entity, name="Obiady dla przedszkoli")
    return entity


@pytest.fixture
def foundation(db):
    return EntityFactory(
        name="Fundacja Zielony Ogród", legal_form="fundacja", description="Pielęgnacja terenów zieleni."
    )


def test_letters_without_diacritics_find_the_polish_word(cooperative, foundation):
    assert found("spoldzielnia") == [cooperative.name]
    assert found("lodz") == [cooperative.name]


@pytest.mark.parametrize(
    "text",
    [
        "spółdzielni socjalnych",
        "spółdzielniami",
        "usługami cateringowymi",
        "usługa cateringowa",
        "Łodzi",
        "posiłek",
    ],
)
def test_other_grammatical_forms_find_the_record(cooperative, foundation, text):
    assert found(text) == [cooperative.name]


def test_every_word_must_match(cooperative, foundation):
    assert found("spółdzielnia zieleni") == []
    assert found("terenów zieleni") == [foundation.name]


def test_the_offer_is_searched_too(cooperative):
    assert found("obiad przedszkole") == [cooperative.name]


def test_unpublished_offer_is_not_searched(cooperative):
    item = cooperative.offer_items.unscoped(reason="the test's own entity").get()
    from lacznik.entities.services import set_offer_item_published

    set_offer_item_published(item=item, published=False, by=None)
    assert found("przedszkole") == []


def test_a_hit_in_the_name_ranks_first(db):
    named = EntityFactory(name="Catering Przykładowy", description="Usługi.")
    described = EntityFactory(
        name="Spółdzielnia Przykładowa", description="Robimy też catering na zamówienie."
    )
    assert found("catering") == [named.name, described.name]


def test_filters_narrow_a_search(cooperative, db):
    other = EntityFactory(name="Spółdzielnia Socjalna Warmińska", code="2862011")
    assert set(found("spółdzielnia")) == {cooperative.name, other.name}
    assert found("spółdzielnia", teryt="28") == [other.name]
    assert found("spółdzielnia", woj="14") == [cooperative.name]


def test_the_count_is_capped(db):
    for number in range(6):
        EntityFactory(name=f"Spółdzielnia {number}")
    result = catalogue({"q": "spółdzielnia"}, public_entities())
    assert capped_count(result.queryset, result.query, cap=10) == 6
    assert capped_count(result.queryset, result.query, cap=4) == 5  # "over 4"


def test_a_query_is_made_of_letters_and_digits_only():
    query = Query.parse('"NEAR(a b)" OR x* ^y -z :col & | !')
    assert all(key.isalnum() for term in query.terms for key in term)
    assert "NEAR" not in query.fts5()


def test_the_document_keeps_the_form_and_the_lemmas():
    keys = document("Spółdzielni").split()
    assert "spoldzielni" in keys and "spoldzielnia" in keys


@settings(max_examples=60, deadline=None)
@given(text=st.text(min_size=0, max_size=300))
def test_any_text_searches_without_error(django_db_blocker, text):
    # IN-01: whatever a visitor types (FTS5 or tsquery syntax, NUL, 10k characters) gives a page, never a 500.
    with django_db_blocker.unblock():
        result = catalogue({"q": text}, public_entities())
        if result.query:
            ranked_ids(result.queryset, result.query, limit=5)
            capped_count(result.queryset, result.query)


def test_a_long_query_is_cut(db):
    query = Query.parse("słowo " * 5000)
    assert len(query.terms) == 1
    query = Query.parse(" ".join(f"słowo{n}" for n in range(50)))
    assert len(query.terms) == 8


# --- filters inside the full-text index (facet tokens) ----------------------------------------------


@pytest.fixture
def varied(db):
    """Entities that differ in every filtered property, all matching the word "obiady"."""
    from datetime import date

    made = []
    for number, (code, form, ps, cpv_code) in enumerate(
        [
            ("1465011", "spoldzielnia-socjalna", True, "55520000-1"),
            ("1465011", "fundacja", False, "55520000-1"),
            ("1461011", "spoldzielnia-socjalna", False, "90910000-9"),
            ("2862011", "spoldzielnia-socjalna", True, "90910000-9"),
            ("2862011", "stowarzyszenie", False, "55520000-1"),
        ]
    ):
        entity = EntityFactory(
            name=f"Podmiot {number}",
            code=code,
            legal_form=form,
            ps_granted_on=date(2020, 1, 1) if ps else None,
            ps_decision_number="WPS.1" if ps else "",
        )
        OfferItemFactory(entity=entity, name="Obiady domowe", cpv=cpv(cpv_code, "Usługi"))
        made.append(entity)
    return made


FILTERS = [
    {},
    {"teryt": "14"},
    {"woj": "28"},
    {"pow": "1465"},
    {"gmi": "146101"},
    {"teryt": "1465011", "forma": ["fundacja"]},
    {"forma": ["fundacja", "stowarzyszenie"]},
    {"ps": "1"},
    {"ps": "0"},
    {"cpv": "55"},
    {"cpv": "909"},
    {"cpv": "90910000-9"},
    {"cpv": "909", "ps": "1", "woj": "28"},
    {"woj": "14", "pow": "2862"},  # a contradiction: nothing
]


@pytest.mark.parametrize("filters", FILTERS)
def test_a_search_with_filters_finds_what_the_filters_alone_find(varied, filters):
    """The facet tokens narrow in the index; the result is exactly what the row conditions select."""
    filtered = catalogue(filters, public_entities())
    assert filtered.is_valid, filtered.filterset.form.errors
    expected = set(filtered.queryset.values_list("name", flat=True))
    assert set(found("obiady", **filters)) == expected
    result = catalogue({"q": "obiady", **filters}, public_entities())
    assert capped_count(result.queryset, result.query) == len(expected)
    assert set(result.matching().values_list("name", flat=True)) == expected


def test_the_index_narrows_by_the_filters(varied):
    """The full-text query itself carries the filters (not only the row conditions after it)."""
    query = catalogue(
        {"q": "obiady", "woj": "28", "forma": ["fundacja"], "cpv": "909"}, public_entities()
    ).query
    assert '("zzt28")' in query.fts5() and '("zzffundacja")' in query.fts5() and '("zzc909")' in query.fts5()
    assert "(zzt28)" in query.tsquery()
    assert not any(key.startswith("zz") for key in query.keys)  # never highlighted


def test_the_legal_form_and_its_abbreviation_find_the_entities_of_that_form(db):
    workshop = EntityFactory(name="Pracownia Pod Lipami", legal_form="zaz", description="Stolarstwo.")
    centre = EntityFactory(name="Centrum Pod Dębami", legal_form="cis", description="Szkolenia.")
    EntityFactory(name="Spółdzielnia Socjalna Zaz", legal_form="spoldzielnia-socjalna")
    assert set(found("ZAZ")) == {workshop.name, "Spółdzielnia Socjalna Zaz"}
    assert found("cis") == [centre.name]
    assert found("zakładu aktywności zawodowej") == [workshop.name]  # in any form, as every word


def test_a_typed_facet_token_finds_nothing(varied):
    """The filters' tokens are in every document, but a visitor typing one searches for a word."""
    assert found("obiady", woj="28")  # the token zzt28 is in the index
    assert found("zzt28") == found("zzp") == []
    assert found("obiady zzt28") == found("obiady")  # the token is no word: ignored


def test_a_lost_status_is_decided_by_the_row_not_the_index(varied):
    from datetime import date

    from lacznik.entities.services import save_entity

    holder = varied[0]
    holder.ps_lost_on = date(2024, 6, 30)
    save_entity(entity=holder, by=None)
    holder.refresh_from_db(fields=["search_document"])
    assert "zzp" in holder.search_document.split()  # held it once: the index keeps the token
    assert holder.name not in found("obiady", ps="1")
    assert holder.name in found("obiady", ps="0")


def test_moving_an_entity_moves_its_facets(varied):
    from lacznik.entities.services import save_entity

    moved = varied[1]
    moved.gmina = gmina("2862011")
    save_entity(entity=moved, by=None)
    assert moved.name in found("obiady", woj="28")
    assert moved.name not in found("obiady", woj="14")
