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


def changes_of(record: models.Model, exclude: tuple[str, ...] = ()) -> list[Change]:
    """What one history record changed against the record before it (all fields for a creation),
    without the fields named in `exclude` (derived data, timestamps)."""
    previous = record.prev_record
    # The fields the history keeps (not those left out of it), non-editable ones too (a TERYT code
    # that follows the gmina).
    fields = [field for field in record.tracked_fields if field.name not in exclude]
    labels = {field.name: field.verbose_name for field in fields}
    # A field with choices shows the choice's name, not its code.
    names = {field.name: dict(field.flatchoices) for field in fields if field.choices}

    def change(name: str, old: object, new: object) -> Change:
        shown = names.get(name, {})
        return Change(str(labels.get(name, name)), shown.get(old, old), shown.get(new, new))

    if previous is None:
        return [
            change(field.name, None, getattr(record, field.attname))
            for field in fields
            if getattr(record, field.attname) not in (None, "")
        ]
    # Compared here, not by diff_against: it reads the values through model_to_dict, which skips the
    # fields that are not editable.
    return [
        change(field.name, getattr(previous, field.attname), getattr(record, field.attname))
        for field in fields
        if getattr(previous, field.attname) != getattr(record, field.attname)
    ]
