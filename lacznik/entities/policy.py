"""Who may call which entities URL (joined by lacznik.core.policy; tested by tests/harness)."""

from lacznik.core.policy import PUBLIC, Policy, Sample

from lacznik.territory.models import Unit
from lacznik.territory.policy import unit_sample

from . import export_views, import_views, map_views
from .models import Entity, LegalForm
from .services import save_entity


def entity_sample(code: str) -> Sample:
    """A published entity in the gmina `code` (made in the register when missing)."""
    unit_sample(code)
    gmina = Unit.objects.get(code=code)
    entity = Entity(name=f"Spółdzielnia Próbna {code}", legal_form=LegalForm.SOCIAL_COOPERATIVE, gmina=gmina)
    save_entity(entity=entity, by=None)
    return Sample(kwargs={"pk": entity.pk}, marker=entity.name)


POLICIES: dict[str, Policy] = {
    "entities:catalogue": Policy(read=PUBLIC, rows=entity_sample),
    "entities:detail": Policy(read=PUBLIC, object=entity_sample),
    **export_views.POLICIES,
    **map_views.POLICIES,
    **import_views.POLICIES,
}
