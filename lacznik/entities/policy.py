"""Who may call which entities URL (joined by lacznik.core.policy; tested by tests/harness)."""

from datetime import date

from lacznik.accounts.roles import Role
from lacznik.core.policy import NOBODY, PUBLIC, Policy, Sample, roles
from lacznik.territory.models import Unit
from lacznik.territory.policy import unit_sample

from . import export_views, import_views, map_views
from .models import Entity, LegalForm, OfferItem
from .services import save_entity, save_offer_item

KEEPERS = roles(Role.REGIONAL_COORDINATOR, Role.OWES_ADVISOR)
KEEPERS_AND_REPRESENTATIVES = roles(Role.REGIONAL_COORDINATOR, Role.OWES_ADVISOR, Role.PES_REPRESENTATIVE)


def entity_sample(code: str) -> Sample:
    """A published entity in the gmina `code`, represented by the PES representatives of that gmina
    (made in the register when missing)."""
    from lacznik.accounts.models import User

    unit_sample(code)
    entity = Entity(
        name=f"Spółdzielnia Próbna {code}",
        legal_form=LegalForm.SOCIAL_COOPERATIVE,
        gmina=Unit.objects.get(code=code),
        # Held the status for the whole of last year and filed no report: a row of the missing list.
        ps_granted_on=date(date.today().year - 3, 1, 15),
        ps_decision_number=f"WPS.{code}.2023",
    )
    save_entity(entity=entity, by=None)
    entity.representatives.set(User.objects.holding(role=Role.PES_REPRESENTATIVE, prefix=code))
    return Sample(kwargs={"pk": entity.pk}, marker=entity.name)


def offer_item_sample(code: str) -> Sample:
    from lacznik.cpv.models import CpvCode

    entity = Entity.objects.in_scope([code]).get(pk=entity_sample(code).kwargs["pk"])
    cpv, _created = CpvCode.objects.get_or_create(
        code="55520000-1",
        defaults={
            "level": 3,
            "kind": CpvCode.Kind.SERVICES,
            "name": "Usługi dostarczania posiłków",
            "name_en": "Catering",
        },
    )
    item = save_offer_item(item=OfferItem(entity=entity, cpv=cpv, name=f"Obiady próbne {code}"), by=None)
    return Sample(kwargs={"pk": item.pk}, marker=item.name)


POLICIES: dict[str, Policy] = {
    # The public catalogue: every published entity of every region, for everyone.
    "entities:catalogue": Policy(read=PUBLIC, rows=entity_sample),
    "entities:detail": Policy(read=PUBLIC, object=entity_sample),
    "entities:statistics": Policy(read=roles(Role.NATIONAL_COORDINATOR, Role.ADMINISTRATOR)),
    # Keeping entities: coordinators and OWES advisors in their territory, representatives their own.
    "entities:manage_list": Policy(read=KEEPERS_AND_REPRESENTATIVES, rows=entity_sample, scoped=True),
    "entities:create": Policy(read=KEEPERS, change=KEEPERS, methods=("POST",)),
    "entities:missing_reports": Policy(read=KEEPERS, rows=entity_sample, scoped=True),
    "entities:manage_detail": Policy(read=KEEPERS_AND_REPRESENTATIVES, object=entity_sample, scoped=True),
    "entities:edit": Policy(
        read=KEEPERS_AND_REPRESENTATIVES,
        change=KEEPERS_AND_REPRESENTATIVES,
        methods=("POST",),
        object=entity_sample,
        scoped=True,
    ),
    "entities:ps_status": Policy(
        read=KEEPERS, change=KEEPERS, methods=("POST",), object=entity_sample, scoped=True
    ),
    "entities:annual_report": Policy(
        read=KEEPERS, change=KEEPERS, methods=("POST",), object=entity_sample, scoped=True
    ),
    "entities:offer_create": Policy(
        read=KEEPERS_AND_REPRESENTATIVES,
        change=KEEPERS_AND_REPRESENTATIVES,
        methods=("POST",),
        object=entity_sample,
        scoped=True,
    ),
    "entities:offer_edit": Policy(
        read=KEEPERS_AND_REPRESENTATIVES,
        change=KEEPERS_AND_REPRESENTATIVES,
        methods=("POST",),
        object=offer_item_sample,
        scoped=True,
    ),
    "entities:offer_publish": Policy(
        read=NOBODY,
        change=KEEPERS_AND_REPRESENTATIVES,
        methods=("POST",),
        object=offer_item_sample,
        scoped=True,
    ),
    **export_views.POLICIES,
    **map_views.POLICIES,
    **import_views.POLICIES,
}
