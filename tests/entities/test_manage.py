"""Keeping entities in a territory, and the own entity (issue #5 points 4 and 5; RC-03, AC-06)."""

from datetime import date

import pytest
from django.urls import reverse

from lacznik.entities import services
from lacznik.entities.manage_views import report_year
from lacznik.entities.models import AnnualReport, Entity, OfferItem
from tests.helpers import login_verified

from .factories import EntityFactory, OfferItemFactory

NEW_ENTITY = {
    "name": "Spółdzielnia Socjalna Nowa Przykładowa",
    "legal_form": "spoldzielnia-socjalna",
    "nip": "856-734-62-15",
    "regon": "",
    "krs": "",
    "city": "Warszawa",
    "is_published": "on",
}


def entities():
    return Entity.objects.unscoped(reason="the test's oracle")


@pytest.fixture
def gminas(terc):
    from lacznik.territory.models import Unit

    return {code: Unit.objects.get(code=code) for code in ("1465011", "2862011", "1461011")}


def test_coordinator_adds_an_entity_in_the_own_voivodeship(client, mazowsze_coordinator, gminas):
    login_verified(client, mazowsze_coordinator)
    response = client.post(reverse("entities:create"), {**NEW_ENTITY, "gmina": gminas["1465011"].pk})
    entity = entities().get()
    assert response.status_code == 302
    assert entity.nip == "8567346215" and entity.teryt == "1465011"
    assert entity.history.get().history_user == mazowsze_coordinator
    # The new entity is found at once.
    assert (
        "Nowa Przykładowa"
        in client.get(reverse("entities:catalogue"), {"q": "spoldzielnia"}).content.decode()
    )


def test_the_gminas_to_choose_are_in_polish_alphabetical_order(client, mazowsze_coordinator, terc):
    login_verified(client, mazowsze_coordinator)
    field = client.get(reverse("entities:create")).context["form"]["gmina"].field
    names = [label.split(" — ")[0] for value, label in field.choices if value]
    assert names.index("Błonie") < names.index("Bulkowo")  # ł after l, not after z
    assert names.index("Łomianki") < names.index("Maciejowice") < names.index("Żyrardów")
    assert all(name.startswith(("Ż", "Ź")) for name in names[-3:])


def test_a_gmina_outside_the_scope_cannot_be_chosen(client, mazowsze_coordinator, gminas):
    login_verified(client, mazowsze_coordinator)
    response = client.post(reverse("entities:create"), {**NEW_ENTITY, "gmina": gminas["2862011"].pk})
    assert response.status_code == 200
    assert "gmina" in response.context["form"].errors
    assert not entities().exists()


@pytest.mark.parametrize(
    "field, value",
    [
        ("nip", "8567346216"),
        ("regon", "192598185"),
        ("krs", "12345"),
        ("legal_form", "partia-polityczna"),
        ("founded_year", "2999"),
        ("founded_year", "1700"),
    ],
)
def test_bad_identifiers_and_forms_are_refused(client, mazowsze_coordinator, gminas, field, value):
    login_verified(client, mazowsze_coordinator)
    response = client.post(
        reverse("entities:create"), {**NEW_ENTITY, "gmina": gminas["1465011"].pk, field: value}
    )
    assert field in response.context["form"].errors
    assert not entities().exists()


def test_the_list_finds_an_identifier_as_people_write_it(client, mazowsze_coordinator, db):
    entity = EntityFactory(name="Kąsek Przykładowy", nip="8567346215", krs="0000123456")
    EntityFactory(name="Inny Podmiot")
    login_verified(client, mazowsze_coordinator)
    for query in ("856-734-62-15", "PL 8567346215", "0000123456", "Kąsek", "kasek"):
        page = client.get(reverse("entities:manage_list"), {"q": query}).context["page"]
        assert [found.pk for found in page] == [entity.pk], query


def test_the_list_narrows_by_form_status_visibility_and_territory(client, mazowsze_coordinator, terc):
    cooperative = EntityFactory(
        name="Spółdzielnia Socjalna Ala", code="1465011", ps_granted_on=date(2022, 1, 10)
    )
    foundation = EntityFactory(name="Fundacja Bez Statusu", code="1461011", legal_form="fundacja")
    hidden = EntityFactory(name="Fundacja Ukryta", code="1465011", legal_form="fundacja", is_published=False)
    login_verified(client, mazowsze_coordinator)

    def listed(**params) -> list[int]:
        return [entity.pk for entity in client.get(reverse("entities:manage_list"), params).context["page"]]

    assert listed() == [foundation.pk, hidden.pk, cooperative.pk]
    assert listed(forma="fundacja") == [foundation.pk, hidden.pk]
    assert listed(ps="1") == [cooperative.pk]
    assert listed(ps="0", katalog="1") == [foundation.pk]
    assert listed(katalog="0") == [hidden.pk]
    # The powiats of the coordinator's voivodeship (Warsaw, 1465), none of another.
    assert listed(teren="1465") == [hidden.pk, cooperative.pk]
    assert listed(teren="2862") == listed() == listed(forma="partia-polityczna")
    assert listed(sort="najnowsze") == [hidden.pk, foundation.pk, cooperative.pk]
    page = client.get(reverse("entities:manage_list"), {"teren": "1465"}).content.decode()
    assert '<option value="1465" selected>' in page and 'value="2862"' not in page
    assert "Wyczyść filtry" in page


def test_an_entity_moved_to_another_gmina_takes_its_offer_along(client, owes_advisor, gminas):
    # The OWES advisor serves the powiat of Ostrołęka (1461): an entity moved there is theirs to keep,
    # offer included.
    entity = EntityFactory(code="1465011")
    item = OfferItemFactory(entity=entity)
    entity.gmina = gminas["1461011"]
    services.save_entity(entity=entity, by=None)
    item.refresh_from_db()
    assert item.teryt == "1461011"
    login_verified(client, owes_advisor)
    assert client.get(reverse("entities:offer_edit", args=[item.pk])).status_code == 200


def test_an_identifier_is_required(client, mazowsze_coordinator, gminas):
    login_verified(client, mazowsze_coordinator)
    response = client.post(
        reverse("entities:create"), {**NEW_ENTITY, "gmina": gminas["1465011"].pk, "nip": ""}
    )
    assert response.context["form"].errors["nip"] == [
        "Podaj co najmniej jeden identyfikator: NIP, REGON lub KRS."
    ]
    assert not entities().exists()


def test_a_duplicate_nip_is_refused(client, mazowsze_coordinator, gminas):
    EntityFactory(nip="8567346215")
    login_verified(client, mazowsze_coordinator)
    response = client.post(reverse("entities:create"), {**NEW_ENTITY, "gmina": gminas["1465011"].pk})
    assert "nip" in response.context["form"].errors
    assert entities().count() == 1


def test_owes_advisor_edits_entities_of_the_served_powiats_only(client, owes_advisor, db):
    served = EntityFactory(code="1461011", name="Podmiot Powiatu Obsługiwanego")
    elsewhere = EntityFactory(code="1465011", name="Podmiot Gdzie Indziej")
    login_verified(client, owes_advisor)
    listing = client.get(reverse("entities:manage_list")).content.decode()
    assert served.name in listing and elsewhere.name not in listing
    assert client.get(reverse("entities:edit", args=[elsewhere.pk])).status_code == 404
    assert client.get(reverse("entities:edit", args=[served.pk])).status_code == 200


def test_owes_advisor_adds_entities_and_records_the_status_in_the_served_powiats(
    client, owes_advisor, gminas
):
    login_verified(client, owes_advisor)
    response = client.post(reverse("entities:create"), {**NEW_ENTITY, "gmina": gminas["1461011"].pk})
    assert response.status_code == 302
    added = entities().get()
    assert added.teryt == "1461011" and added.history.get().history_user == owes_advisor
    # Outside the served powiats: the gmina is refused and nothing is added.
    outside = {**NEW_ENTITY, "nip": "", "krs": "0000123456", "gmina": gminas["1465011"].pk}
    response = client.post(reverse("entities:create"), outside)
    assert "gmina" in response.context["form"].errors and entities().count() == 1
    decision = {"ps_granted_on": "2024-03-01", "ps_decision_number": "WPS-II.7.2024"}
    assert client.post(reverse("entities:ps_status", args=[added.pk]), decision).status_code == 302
    added.refresh_from_db()
    assert added.is_social_enterprise and added.ps_decision_number == "WPS-II.7.2024"
    elsewhere = EntityFactory(code="1465011")
    assert client.post(reverse("entities:ps_status", args=[elsewhere.pk]), decision).status_code == 404
    elsewhere.refresh_from_db()
    assert not elsewhere.is_social_enterprise


def test_representative_edits_the_own_profile_only(client, representative, db):
    own = EntityFactory(code="1465011", name="Własna Spółdzielnia")
    own.representatives.add(representative)
    other = EntityFactory(code="1465011", name="Cudza Spółdzielnia")
    login_verified(client, representative)
    assert client.get(reverse("entities:edit", args=[other.pk])).status_code == 404
    form = client.get(reverse("entities:edit", args=[own.pk])).context["form"]
    # Mass assignment (AC-06): the representative's form has no identity or status fields, and posting
    # them changes nothing.
    assert "legal_form" not in form.fields and "ps_granted_on" not in form.fields
    response = client.post(
        reverse("entities:edit", args=[own.pk]),
        {
            "description": "Nowy opis naszej działalności.",
            "seen_version": form.initial["seen_version"],
            "legal_form": "fundacja",
            "ps_granted_on": "2024-01-01",
            "name": "Przejęta",
        },
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.description == "Nowy opis naszej działalności."
    assert (
        own.legal_form == "spoldzielnia-socjalna"
        and own.ps_granted_on is None
        and own.name == "Własna Spółdzielnia"
    )
    assert client.get(reverse("entities:ps_status", args=[own.pk])).status_code == 403


def test_two_editors_do_not_overwrite_each_other(client, mazowsze_coordinator, representative, db):
    entity = EntityFactory(code="1465011")
    entity.representatives.add(representative)
    login_verified(client, representative)
    seen = client.get(reverse("entities:edit", args=[entity.pk])).context["form"].initial["seen_version"]
    # Meanwhile the coordinator saves a change.
    from lacznik.entities.services import save_entity

    entity.description = "Zmiana koordynatora."
    save_entity(entity=entity, by=mazowsze_coordinator)
    response = client.post(
        reverse("entities:edit", args=[entity.pk]),
        {"description": "Zmiana przedstawiciela.", "phone": "+48 22 111 11 11", "seen_version": seen},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert str(mazowsze_coordinator) in html and "(Opis)" in html
    entity.refresh_from_db()
    assert entity.description == "Zmiana koordynatora."
    # The form now holds their description (never written back over it) and the representative's phone;
    # saving it again, as the browser sends it, keeps both.
    form = response.context["form"]
    assert form["description"].value() == "Zmiana koordynatora."
    assert form["seen_version"].value() == entity.updated_at.isoformat()
    response = client.post(
        reverse("entities:edit", args=[entity.pk]),
        {name: form[name].value() or "" for name in ("description", "phone", "seen_version")},
    )
    assert response.status_code == 302
    entity.refresh_from_db()
    assert (entity.description, entity.phone) == ("Zmiana koordynatora.", "+48 22 111 11 11")


def test_a_move_to_another_gmina_shows_in_the_history(client, mazowsze_coordinator, gminas):
    from lacznik.entities.services import save_entity

    entity = EntityFactory(code="1465011")
    entity.gmina = gminas["1461011"]
    save_entity(entity=entity, by=mazowsze_coordinator, reason="entities.entity.changed")
    login_verified(client, mazowsze_coordinator)
    html = client.get(reverse("entities:manage_detail", args=[entity.pk])).content.decode()
    # The TERYT code follows the gmina (not editable itself), and its change is shown.
    assert "<del>1465011</del> → 1461011" in html


def test_the_status_needs_a_decision_and_an_eligible_form(client, mazowsze_coordinator, db):
    cis = EntityFactory(legal_form="cis")
    cooperative = EntityFactory()
    login_verified(client, mazowsze_coordinator)
    url = reverse("entities:ps_status", args=[cis.pk])
    response = client.post(url, {"ps_granted_on": "2024-03-01", "ps_decision_number": "WPS.1.2024"})
    assert "ps_granted_on" in response.context["form"].errors
    url = reverse("entities:ps_status", args=[cooperative.pk])
    response = client.post(url, {"ps_granted_on": "2024-03-01", "ps_decision_number": ""})
    assert "ps_decision_number" in response.context["form"].errors
    response = client.post(
        url, {"ps_granted_on": "2024-03-01", "ps_decision_number": "WPS.1.2024", "ps_lost_on": "2023-01-01"}
    )
    assert "ps_lost_on" in response.context["form"].errors
    response = client.post(url, {"ps_granted_on": "2024-03-01", "ps_decision_number": "WPS.1.2024"})
    assert response.status_code == 302
    cooperative.refresh_from_db()
    assert cooperative.is_social_enterprise and cooperative.ps_decision_number == "WPS.1.2024"
    assert cooperative.history.first().history_change_reason == "entities.entity.ps_status"


def test_missing_annual_reports_are_listed_until_recorded(client, mazowsze_coordinator, db):
    year = report_year()
    owing = EntityFactory(
        name="Zalega Przykładowa", ps_granted_on=date(year - 1, 1, 1), ps_decision_number="1"
    )
    EntityFactory(name="Bez Statusu Przykładowa")
    EntityFactory(
        name="Warmińska Zalega", code="2862011", ps_granted_on=date(year - 1, 1, 1), ps_decision_number="2"
    )
    login_verified(client, mazowsze_coordinator)
    html = client.get(reverse("entities:missing_reports")).content.decode()
    assert owing.name in html and "Bez Statusu" not in html and "Warmińska Zalega" not in html
    response = client.post(
        reverse("entities:annual_report", args=[owing.pk]),
        {"year": year, "filed_on": date(year + 1, 3, 20).isoformat()},
    )
    assert response.status_code == 302
    assert owing.name not in client.get(reverse("entities:missing_reports")).content.decode()


def test_an_annual_report_only_for_a_year_with_the_status_and_filed_after_it(
    client, mazowsze_coordinator, db
):
    year = report_year()
    enterprise = EntityFactory(ps_granted_on=date(year, 6, 1), ps_decision_number="1")
    without = EntityFactory(name="Bez Statusu Przykładowa")
    login_verified(client, mazowsze_coordinator)
    # No status, no report (and no button offering one).
    assert (
        "Odnotuj sprawozdanie"
        not in client.get(reverse("entities:manage_detail", args=[without.pk])).content.decode()
    )
    response = client.post(
        reverse("entities:annual_report", args=[without.pk]), {"year": year, "filed_on": f"{year + 1}-02-01"}
    )
    assert "nie miał statusu przedsiębiorstwa społecznego w " in response.content.decode()
    url = reverse("entities:annual_report", args=[enterprise.pk])
    # A year before the status was granted, a filing date inside the year reported.
    before = client.post(url, {"year": year - 1, "filed_on": f"{year}-02-01"})
    assert "year" in before.context["form"].errors
    early = client.post(url, {"year": year, "filed_on": f"{year}-12-01"})
    assert "filed_on" in early.context["form"].errors
    assert not AnnualReport.objects.exists()
    # From the list of missing reports: the year is the list's, and saving returns to the list.
    assert client.get(f"{url}?rok={year}").context["form"].initial["year"] == year
    done = client.post(f"{url}?rok={year}", {"year": year, "filed_on": f"{year + 1}-02-01"})
    assert done["Location"] == f"{reverse('entities:missing_reports')}?rok={year}"
    assert AnnualReport.objects.get().year == year
    # The report is in the entity's history, who and when.
    history = client.get(reverse("entities:manage_detail", args=[enterprise.pk])).context["history"]
    assert history[0]["reason"] == "odnotowano sprawozdanie roczne"
    assert history[0]["record"].history_user == mazowsze_coordinator


def test_representative_adds_publishes_and_hides_offer(client, representative, cpv_register):
    entity = EntityFactory(code="1465011")
    entity.representatives.add(representative)
    login_verified(client, representative)
    response = client.post(
        reverse("entities:offer_create", args=[entity.pk]),
        {
            "name": "Catering na konferencje",
            "cpv": "55520000",
            "description": "Dla 200 osób.",
            "is_published": "on",
        },
    )
    assert response.status_code == 302
    item = OfferItem.objects.unscoped(reason="the test's oracle").get()
    assert item.cpv_id == "55520000-1"
    assert "Catering na konferencje" in client.get(entity.get_absolute_url()).content.decode()
    client.post(reverse("entities:offer_publish", args=[item.pk]), {"publish": "0"})
    assert "Catering na konferencje" not in client.get(entity.get_absolute_url()).content.decode()
    assert item.history.count() == 2
    # The entity's page shows the offer's history: who, what and the change itself.
    html = client.get(reverse("entities:manage_detail", args=[entity.pk])).content.decode()
    assert "ukryto pozycję oferty: Catering na konferencje" in html
    assert "<del>tak</del> → nie" in html
    assert "dodano pozycję oferty: Catering na konferencje" in html and "Dla 200 osób." in html


def test_an_unknown_cpv_code_is_refused(client, representative, cpv_register):
    entity = EntityFactory(code="1465011")
    entity.representatives.add(representative)
    login_verified(client, representative)
    response = client.post(
        reverse("entities:offer_create", args=[entity.pk]),
        {"name": "Coś", "cpv": "99999999-9", "is_published": "on"},
    )
    assert "cpv" in response.context["form"].errors
    assert not OfferItem.objects.unscoped(reason="the test's oracle").exists()


def test_warmia_coordinator_cannot_touch_mazowsze_offer(client, warmia_coordinator, db):
    item = OfferItemFactory(entity=EntityFactory(code="1465011"))
    login_verified(client, warmia_coordinator)
    assert client.post(reverse("entities:offer_publish", args=[item.pk]), {"publish": "0"}).status_code == 404
    item.refresh_from_db()
    assert item.is_published


def test_the_keepers_page_shows_the_entitys_data_and_returns_to_the_item_after_hiding_it(
    client, mazowsze_coordinator, cpv_register
):
    entity = EntityFactory(
        nip="8567346215", krs="0000123456", email="biuro@przyklad.example", ps_granted_on=date(2024, 5, 6),
        ps_decision_number="WPS.7.2024",
    )  # fmt: skip
    item = OfferItemFactory(entity=entity, name="Obiady")
    login_verified(client, mazowsze_coordinator)
    html = client.get(reverse("entities:manage_detail", args=[entity.pk])).content.decode()
    assert "NIP 8567346215 · KRS 0000123456" in html and "biuro@przyklad.example" in html
    assert "od 6 maja 2024, decyzja wojewody nr WPS.7.2024" in html
    hidden = client.post(reverse("entities:offer_publish", args=[item.pk]), {"publish": "0"})
    assert hidden["Location"].endswith(f"#oferta-{item.pk}")
    assert f'id="oferta-{item.pk}"' in client.get(hidden["Location"]).content.decode()


def test_a_representative_is_told_who_keeps_the_rest(client, representative, db):
    entity = EntityFactory(code="1465011")
    entity.representatives.add(representative)
    login_verified(client, representative)
    html = client.get(reverse("entities:edit", args=[entity.pk])).content.decode()
    assert "Nazwę, formę prawną, gminę i identyfikatory prowadzi koordynator regionalny" in html
