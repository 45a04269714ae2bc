"""Who may call which territory URL (joined by lacznik.core.policy; tested by tests/harness)."""

from datetime import date

from lacznik.core.policy import PUBLIC, Policy, Sample

from .models import Unit


def unit_sample(code: str) -> Sample:
    """The gmina `code` (7 digits) with its powiat and voivodeship, made when the register lacks it."""
    parent = None
    levels = (
        (Unit.Level.VOIVODESHIP, 2, "Województwo Próbne"),
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


# The register is public information: every page and API read is open to everyone; changing it
# is the TERC import, a management command and service, not a URL.
POLICIES: dict[str, Policy] = {
    "territory:index": Policy(read=PUBLIC),
    "territory:unit": Policy(read=PUBLIC, object=unit_sample),
}
