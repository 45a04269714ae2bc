"""The search documents gain the facet tokens of the catalogue's filters (lacznik.entities.search)."""

from django.db import migrations

CHUNK = 2000


def refresh_documents(apps, schema_editor):
    from lacznik.entities.search import entity_document

    Entity = apps.get_model("entities", "Entity")
    OfferItem = apps.get_model("entities", "OfferItem")
    ids = list(Entity.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        offers = {pk: [] for pk in chunk}
        for item in (
            OfferItem.objects.filter(entity_id__in=chunk, is_published=True).select_related("cpv").order_by("pk")
        ):
            offers[item.entity_id].append(item)
        changed = []
        for entity in Entity.objects.filter(pk__in=chunk):
            fresh = entity_document(entity, offers[entity.pk])
            if fresh != entity.search_document:
                entity.search_document = fresh
                changed.append(entity)
        Entity.objects.bulk_update(changed, ["search_document"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("entities", "0005_mark_history")]

    operations = [migrations.RunPython(refresh_documents, migrations.RunPython.noop, elidable=True)]
