"""Who may change which entity: the role says what (permissions.py), the territory says where (the
scope rule), and a PES representative acts only for the entities that name them."""

from django.db.models import QuerySet

from lacznik.accounts.roles import Role
from lacznik.core.scope import code_in_scope

from .models import Entity

# The roles that keep the entities of their territory (UoES: OWES and ROPS support the PES there).
KEEPERS = (Role.REGIONAL_COORDINATOR, Role.OWES_ADVISOR)


def keeper_prefixes(user) -> frozenset[str]:
    """The territory in which `user` adds and edits any entity."""
    if not user.has_perm("entities.change_any_entity"):
        return frozenset()
    return user.prefixes_for(*KEEPERS)


def editable_entities(user) -> QuerySet:
    """Every entity `user` may edit: those of the own territory for keepers, the represented ones for
    PES representatives (inside the representative's scope as well)."""
    kept = Entity.objects.in_scope(keeper_prefixes(user))
    if user.has_perm("entities.change_own_entity"):
        represented = Entity.objects.in_scope(user.prefixes_for(Role.PES_REPRESENTATIVE)).filter(
            representatives=user
        )
        return (kept | represented).distinct()
    return kept


def may_edit(user, entity: Entity) -> bool:
    if code_in_scope(entity.teryt, keeper_prefixes(user)):
        return True
    return (
        user.has_perm("entities.change_own_entity")
        and code_in_scope(entity.teryt, user.prefixes_for(Role.PES_REPRESENTATIVE))
        and entity.representatives.filter(pk=user.pk).exists()
    )


def may_grant_status(user, entity: Entity) -> bool:
    return user.has_perm("entities.grant_ps_status") and code_in_scope(entity.teryt, keeper_prefixes(user))
