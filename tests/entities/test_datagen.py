"""Issue #5: the national-scale synthetic catalogue (lacznik.entities.datagen) is valid, obviously
synthetic, searchable like real data and deterministic from the seed."""

from datetime import date

import pytest
from django.core.management import call_command
from django.db.models import F

from lacznik.core.datagen import SYNTHETIC_DOMAIN, generate
from lacznik.core.text import polish_sort_key
from lacznik.entities import search
from lacznik.entities.datagen import TRADES, clear_entities, synthetic_nip, synthetic_regon
from lacznik.entities.filters import catalogue, public_entities
from lacznik.entities.models import NO_SOCIAL_ENTERPRISE_STATUS, AnnualReport, Entity, LegalForm, OfferItem
from lacznik.entities.services import refresh_search_documents
from lacznik.entities.validators import validate_krs, validate_nip, validate_regon
from lacznik.territory.models import Unit

SCALE = 0.002  # about 240 entities and 800 offer items over the whole register


def _quiet(_line: str) -> None:
    pass


def _entities():
    return Entity.objects.unscoped(reason="test of every territory")


def _offers():
    return OfferItem.objects.unscoped(reason="test of every territory")


def _snapshot() -> list[tuple]:
    entities = (
        _entities()
        .order_by("name")
        .values_list(
            "name",
            "legal_form",
            "nip",
            "regon",
            "krs",
            "teryt",
            "ps_granted_on",
            "ps_decision_number",
            "search_document",
        )
    )
    offers = (
        _offers()
        .order_by("entity__name", "name")
        .values_list("entity__name", "cpv_id", "name", "description")
    )
    return [*entities, *offers]


@pytest.fixture
def generated(terc):
    return generate(scale=SCALE, seed=1, only=["entities"], out=_quiet)


def test_entities_cover_every_voivodeship_with_valid_identifiers(generated):
    entities = list(_entities().select_related("gmina"))
    assert 150 < len(entities) < 400
    voivodeships = set(Unit.objects.current().voivodeships().values_list("code", flat=True))
    assert {entity.teryt[:2] for entity in entities} == voivodeships
    assert all(entity.gmina.code == entity.teryt and entity.gmina.is_current for entity in entities)

    nips = [entity.nip for entity in entities if entity.nip]
    regons = [entity.regon for entity in entities if entity.regon]
    krs = [entity.krs for entity in entities if entity.krs]
    assert len(nips) > len(entities) / 2 and len(krs) > len(entities) / 2
    assert len(set(nips)) == len(nips) and len(set(regons)) == len(regons) and len(set(krs)) == len(krs)
    for value in nips:
        validate_nip(value)
    for value in regons:
        validate_regon(value)
    for value in krs:
        validate_krs(value)
    # Every row passes the model's own checks, as if entered in a form (PS rules, constraints, formats).
    for entity in entities[:60]:
        entity.full_clean()


def test_the_register_grows_with_entities_of_every_region(generated):
    # As in a real register the newest rows are of every region (not the last voivodeships generated):
    # the catalogue's "newest first" and PostgreSQL's newest-rows attempt see every territory's share.
    newest = _entities().order_by("-pk").values_list("teryt", flat=True)[:80]
    assert len({teryt[:2] for teryt in newest}) >= 12


def test_identifiers_come_from_ranges_no_register_uses():
    assert synthetic_nip(1).startswith("00") and synthetic_regon(1).startswith("00")
    numbers = [synthetic_nip(number) for number in range(1, 200)]
    assert None in numbers, "numbers whose NIP check digit would be 10 are skipped"
    assert all(validate_nip(value) is None for value in numbers if value)


def test_everything_looks_synthetic(generated):
    for entity in _entities():
        assert "Przykładow" in entity.name and " nr " in entity.name
        assert entity.email.endswith(f"@{SYNTHETIC_DOMAIN}")
        assert entity.street.startswith("ul. Przykładowa")
        assert not entity.website or f".{SYNTHETIC_DOMAIN}/" in entity.website


def test_legal_forms_and_social_enterprise_status_are_plausible(generated):
    entities = _entities()
    forms = set(entities.values_list("legal_form", flat=True))
    assert {LegalForm.ASSOCIATION, LegalForm.FOUNDATION, LegalForm.SOCIAL_COOPERATIVE} <= forms
    associations_and_foundations = entities.filter(
        legal_form__in=[LegalForm.ASSOCIATION, LegalForm.FOUNDATION]
    )
    assert associations_and_foundations.count() > entities.count() / 2

    enterprises = entities.filter(ps_granted_on__isnull=False)
    assert 0.04 < enterprises.count() / entities.count() < 0.2
    assert not enterprises.filter(legal_form__in=NO_SOCIAL_ENTERPRISE_STATUS).exists()
    assert not enterprises.filter(ps_decision_number="").exists()
    assert not enterprises.filter(ps_granted_on__gt=date.today()).exists()
    last_year = date.today().year - 1
    filed = AnnualReport.objects.filter(year=last_year).count()
    missing = entities.missing_annual_report(last_year).count()
    assert filed > missing > 0, "most social enterprises filed last year's report, some did not"


def test_offer_items_use_real_cpv_codes_of_the_trades(generated):
    offers = _offers()
    assert offers.count() > 2 * _entities().count()
    codes = {code for trade in TRADES.values() for code, _name in trade.items}
    assert set(offers.values_list("cpv_id", flat=True)) <= codes
    assert not offers.exclude(teryt=F("entity__teryt")).exists()
    assert offers.filter(is_published=False).exists()


def test_search_documents_are_what_the_application_computes_and_are_found(generated):
    ids = list(_entities().values_list("pk", flat=True))
    assert refresh_search_documents(ids) == 0, "the generator's documents equal entity_document()"
    assert all(
        entity.sort_name == polish_sort_key(entity.name) for entity in _entities().only("name", "sort_name")
    )

    found = catalogue({"q": "usługami cateringowymi"}, public_entities())
    hits = search.ranked_ids(found.queryset, found.query, limit=1000)
    catering = set(
        _offers()
        .filter(is_published=True, entity__is_published=True, description__contains="usługi cateringowe")
        .values_list("entity_id", flat=True)
    )
    assert catering and catering <= set(hits)
    cooperatives = catalogue({"q": "spółdzielni socjalnych"}, public_entities())
    hits = search.ranked_ids(cooperatives.queryset, cooperatives.query, limit=1000)
    assert set(
        _entities()
        .filter(legal_form=LegalForm.SOCIAL_COOPERATIVE, is_published=True)
        .values_list("pk", flat=True)
    ) <= set(hits)


def test_same_seed_same_data_and_replace_clears_what_was_made(generated):
    first = _snapshot()
    made = _entities().count()
    generate(scale=SCALE, seed=1, only=["entities"], replace=True, out=_quiet)
    assert _snapshot() == first
    generate(scale=SCALE, seed=2, only=["entities"], replace=True, out=_quiet)
    assert _snapshot() != first
    assert _entities().count() < 1.5 * made, "seed 2 replaced seed 1 instead of adding to it"


def test_clearing_removes_entities_offers_reports_and_search_hits(generated):
    assert clear_entities() > 0
    assert not _entities().exists() and not _offers().exists() and not AnnualReport.objects.exists()
    found = catalogue({"q": "catering"}, public_entities())
    assert search.ranked_ids(found.queryset, found.query, limit=10) == []
    assert search.capped_count(found.queryset, found.query) == 0


def test_the_command_replaces_the_catalogue(terc, capsys):
    call_command("generate_national_data", "--scale", "0.001", "--seed", "3", "--only", "entities")
    before = _entities().count()
    call_command(
        "generate_national_data", "--scale", "0.001", "--seed", "3", "--only", "entities", "--replace"
    )
    assert _entities().count() == before
    assert "entities.generate_entities" in capsys.readouterr().out


def test_the_demo_entities_answer_the_catalogues_own_examples(terc, cpv_register, client):
    from io import StringIO

    from django.urls import reverse

    from lacznik.entities import demo

    demo.seed(stdout=StringIO())
    # The words the search box suggests (its help text) find demo entities.
    for words in ("uslugi cateringowe", "spółdzielni socjalnych"):
        assert client.get(reverse("entities:catalogue"), {"q": words}).context["total"] > 0, words
