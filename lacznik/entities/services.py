"""Operations on entities and their offer: every write that keeps the search document in step."""

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from lacznik.accounts.models import User

from .models import AnnualReport, Entity, OfferItem
from .search import entity_document


def refresh_search_documents(entity_ids: Iterable[int]) -> int:
    """Recompute the search documents of these entities from their fields and published offer."""
    ids = list(entity_ids)
    changed = []
    entities = Entity.objects.unscoped(reason="search documents are derived data").filter(pk__in=ids)
    offers: dict[int, list[OfferItem]] = {pk: [] for pk in ids}
    for item in (
        OfferItem.objects.unscoped(reason="search documents are derived data")
        .filter(entity_id__in=ids, is_published=True)
        .select_related("cpv")
        .order_by("pk")
    ):
        offers[item.entity_id].append(item)
    for entity in entities:
        fresh = entity_document(entity, offers[entity.pk])
        if fresh != entity.search_document:
            entity.search_document = fresh
            changed.append(entity)
    Entity.objects.bulk_update(changed, ["search_document"], batch_size=1000)
    return len(changed)


@transaction.atomic
def save_entity(*, entity: Entity, by: User | None, reason: str = "") -> Entity:
    """Save an entity made or changed by a form or an import, with its history row and document."""
    entity._history_user = by
    if reason:
        entity._change_reason = reason
    entity.save()
    # The offer is kept in the entity's territory (the scope rule reads the item's own code): an entity
    # moved to another gmina takes its offer along.
    OfferItem.objects.unscoped(reason="the offer of an entity being saved").filter(entity=entity).exclude(
        teryt=entity.teryt
    ).update(teryt=entity.teryt)
    refresh_search_documents([entity.pk])
    return entity


@transaction.atomic
def save_offer_item(*, item: OfferItem, by: User | None, reason: str = "") -> OfferItem:
    item._history_user = by
    if reason:
        item._change_reason = reason
    item.save()
    refresh_search_documents([item.entity_id])
    return item


@transaction.atomic
def set_offer_item_published(*, item: OfferItem, published: bool, by: User | None) -> OfferItem:
    item.is_published = published
    return save_offer_item(
        item=item, by=by, reason="entities.offer.published" if published else "entities.offer.unpublished"
    )


@transaction.atomic
def record_annual_report(*, report: AnnualReport, by: User | None) -> AnnualReport:
    report._history_user = by
    report._change_reason = "entities.report.recorded"
    report.save()
    return report


def entity_counts(queryset: Any, field: str) -> dict[str, int]:
    """Counts of `queryset` grouped by one field (legal form, region...), largest first."""
    from django.db.models import Count

    rows = queryset.order_by().values(field).annotate(n=Count("pk")).order_by("-n")
    return {row[field]: row["n"] for row in rows}
