"""Who may call which CPV URL (joined by lacznik.core.policy; tested by tests/harness)."""

from lacznik.core.policy import PUBLIC, Policy, Sample

from .models import CpvCode

# A real branch of the dictionary: division, group, class. Made when the dictionary is not loaded.
_SAMPLE_BRANCH = (
    ("55000000-0", CpvCode.DIVISION, "Usługi hotelarskie, restauracyjne i handlu detalicznego"),
    ("55500000-5", CpvCode.GROUP, "Usługi bufetowe oraz w zakresie podawania posiłków"),
    ("55520000-1", CpvCode.CLASS, "Usługi dostarczania posiłków"),
)


def _sample_branch() -> list[CpvCode]:
    made, parent = [], None
    for code, level, name in _SAMPLE_BRANCH:
        cpv_code, _created = CpvCode.objects.get_or_create(
            code=code,
            defaults={
                "level": level,
                "kind": CpvCode.Kind.SERVICES,
                "name": name,
                "name_en": name,
                "parent": parent,
            },
        )
        made.append(cpv_code)
        parent = cpv_code
    return made


def code_sample(teryt: str) -> Sample:
    """A CPV code (the dictionary is the same in every territory, so `teryt` does not matter)."""
    cpv_code = _sample_branch()[-1]
    return Sample(kwargs={"code": cpv_code.code}, marker=cpv_code.name)


def division_sample(teryt: str) -> Sample:
    """A division, as the dictionary's first page lists it."""
    division = _sample_branch()[0]
    return Sample(kwargs={"code": division.code}, marker=division.name)


# The dictionary is public information (an EU regulation): every page and API read is open to
# everyone. Loading it is the import_cpv management command; the admin shows it read-only.
POLICIES: dict[str, Policy] = {
    "cpv:index": Policy(read=PUBLIC, rows=division_sample),
    "cpv:code": Policy(read=PUBLIC, object=code_sample),
    "cpv:suggestions": Policy(read=PUBLIC),
    "api-1:list_cpv_codes": Policy(read=PUBLIC),
    "api-1:get_cpv_code": Policy(read=PUBLIC, object=code_sample),
}
