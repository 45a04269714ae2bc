"""Factories of entities and offers. Gminas come from the register when the test imported it (`terc`),
or are made on the spot with their powiat and voivodeship (territory.policy.unit_sample)."""

import factory

from lacznik.cpv.models import CpvCode
from lacznik.entities.models import Entity, LegalForm, OfferItem
from lacznik.entities.services import refresh_search_documents
from lacznik.territory.models import Unit
from lacznik.territory.policy import unit_sample


def gmina(code: str = "1465011") -> Unit:
    unit_sample(code)
    return Unit.objects.get(code=code)


def cpv(code: str = "55520000-1", name: str = "Usługi dostarczania posiłków") -> CpvCode:
    found, _created = CpvCode.objects.get_or_create(
        code=code, defaults={"level": 3, "kind": CpvCode.Kind.SERVICES, "name": name, "name_en": name}
    )
    return found


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entity
        skip_postgeneration_save = True

    class Params:
        code = "1465011"

    name = factory.Sequence(lambda n: f"Spółdzielnia Socjalna Przykładowa nr {n}")
    legal_form = LegalForm.SOCIAL_COOPERATIVE
    gmina = factory.LazyAttribute(lambda o: gmina(o.code))
    city = "Warszawa"

    @factory.post_generation
    def document(entity: Entity, create: bool, extracted, **kwargs) -> None:
        if create:
            refresh_search_documents([entity.pk])
            entity.refresh_from_db(fields=["search_document"])


class OfferItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfferItem
        skip_postgeneration_save = True

    entity = factory.SubFactory(EntityFactory)
    cpv = factory.LazyFunction(cpv)
    name = factory.Sequence(lambda n: f"Obiady dla szkół, zestaw {n}")

    @factory.post_generation
    def document(item: OfferItem, create: bool, extracted, **kwargs) -> None:
        if create:
            refresh_search_documents([item.entity_id])
