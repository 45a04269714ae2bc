"""Problems the browser pass has found in pages we do not own, each with where it comes from and how
to fix it. An entry hides exactly its problem on matching pages for the listed personas; an entry that
no longer matches anything fails the test, so that it is removed once the page is fixed (CKAN's
checked exemption list). Add nothing here for pages of Łącznik's own templates: fix those."""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class KnownProblem:
    path: str  # regular expression on the page's path
    contains: tuple[str, ...]  # each problem text that contains one of these is known
    personas: tuple[str, ...]
    source: str
    fix: str

    def covers(self, persona: str, path: str, problem: str) -> bool:
        return (
            persona in self.personas
            and re.fullmatch(self.path, path) is not None
            and any(text in problem for text in self.contains)
        )


# Both problems found in the admin (django-simple-history's inline style, the admin's breadcrumb links)
# are mended by our own templates (core/templates/simple_history/, core/static/core/admin.css).
KNOWN_PROBLEMS: list[KnownProblem] = []
