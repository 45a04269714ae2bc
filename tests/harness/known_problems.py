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


ADMIN_STAFF = ("administrator",)

KNOWN_PROBLEMS = [
    KnownProblem(
        path=r"/admin/.+/history/",
        contains=(
            "CSP violation: style-src-attr blocked inline",
            "console error: Applying inline style violates",
        ),
        personas=ADMIN_STAFF,
        source="django-simple-history 3.13, simple_history/object_history_list.html line 69: "
        '<p class="paginator" style="border-top: 0"> (an inline style attribute under style-src \'self\')',
        fix="override simple_history/object_history_list.html without the style attribute (a class instead)",
    ),
    KnownProblem(
        path=r"/admin/.*",
        contains=("axe link-in-text-block (serious)",),
        personas=ADMIN_STAFF,
        source="Django admin's base.css: div.breadcrumbs a is told apart from the breadcrumb text by colour "
        "alone (no underline, contrast between the two under 3:1); WCAG 1.4.1",
        fix="override admin/base_site.html with {% block extrastyle %} underlining div.breadcrumbs a",
    ),
]
