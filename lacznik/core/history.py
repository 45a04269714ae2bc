"""Reading the change history that django-simple-history records for every domain model."""

from dataclasses import dataclass

from django.apps import apps
from django.db import models


def historical_models() -> dict[str, type[models.Model]]:
    """'app_label.model' of the tracked model → its historical model, for every tracked model."""
    found = {}
    for model in apps.get_models():
        tracked = getattr(model, "instance_type", None)
        if tracked is not None and hasattr(model, "history_date"):
            found[tracked._meta.label_lower] = model
    return dict(sorted(found.items()))


@dataclass
class Change:
    field: str
    old: object
    new: object


def changes_of(record: models.Model) -> list[Change]:
    """What one history record changed against the record before it (all fields for a creation)."""
    previous = record.prev_record
    tracked = record.instance_type
    labels = {field.name: field.verbose_name for field in tracked._meta.fields}
    if previous is None:
        return [
            Change(str(labels.get(field.name, field.name)), None, getattr(record, field.attname))
            for field in record.instance_type._meta.fields
            if field.name in labels and getattr(record, field.attname) not in (None, "")
        ]
    delta = record.diff_against(previous)
    return [Change(str(labels.get(change.field, change.field)), change.old, change.new) for change in delta.changes]
