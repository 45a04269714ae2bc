"""Who may call which territory URL (joined by lacznik.core.policy; tested by tests/harness)."""

from datetime import date

from lacznik.core.policy import PUBLIC, Policy, Sample

from .models import Unit


def unit_sample(code: str) -> Sample:
    """The gmina `code` (7 digits) with its powiat and voivodeship, made when the register lacks it."""
    parent = None
    levels = (
        (Unit.Level.VOIVODESHIP, 2, "PRÓBNE"),  # GUS writes voivodeships in capitals
        (Unit.Level.POWIAT, 4, "Powiat Próbny"),
        (Unit.Level.GMINA, 7, "Gmina Próbna"),
    )
    for level, length, name in levels:
        unit, _created = Unit.objects.get_or_create(
            code=code[:length],
            defaults={
                "level": level,
                "kind": code[6] if level == Unit.Level.GMINA else "",
                "name": f"{name} {code[:length]}",
                "parent": parent,
                "valid_from": date(2024, 1, 1),
            },
        )
        parent = unit
    return Sample(kwargs={"code": parent.code}, marker=parent.name)


def voivodeship_sample(code: str) -> Sample:
    """The voivodeship of `code`, as the register's first page lists it."""
    unit_sample(code)
    voivodeship = Unit.objects.get(code=code[:2])
    return Sample(kwargs={"code": voivodeship.code}, marker=voivodeship.display_name)


# The register is public information: every page and API read is open to everyone. Changing it is
# the TERC import: a management command, and a page of the admin site (the admin group's policy).
POLICIES: dict[str, Policy] = {
    "territory:index": Policy(read=PUBLIC, rows=voivodeship_sample),
    "territory:unit": Policy(read=PUBLIC, object=unit_sample),
    "api-1:list_units": Policy(read=PUBLIC, rows=unit_sample),
    "api-1:get_unit": Policy(read=PUBLIC, object=unit_sample),
}
