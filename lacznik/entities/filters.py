"""The catalogue's filters, one definition for the page, the exports, the map and the API.

Every filter is a query-string parameter, so every combination has a shareable URL:
    q            words, searched the Polish way (lacznik.entities.search)
    forma        legal form code (repeatable)
    ps           "1": social enterprises only, "0": without the status
    teryt        a TERYT prefix: 2 digits voivodeship, 4 powiat, 7 gmina (6 accepted)
    woj pow gmi  the same, as the page's three territory pickers send it
    cpv          a CPV division (2 digits) or group (3 digits) the offer belongs to, or a whole code
    znak         a mark code (e.g. zakup-prospoleczny)
    sort         trafnosc (relevance, with q), nazwa, -nazwa, najnowsze
"""

import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db.models import Case, Exists, IntegerField, OuterRef, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from lacznik.core.scope import prefix_q

from .models import Entity, LegalForm, Mark, OfferItem, social_enterprise_q
from .search import COUNT_CAP, Query, capped_count, filter_facets, matching, newest_ids, ranked_ids

# 2, 4, 6 (the map's gmina) or 7 digits.
# \Z, not $: "14\n" is no code (a $ matches before a final line break).
TERYT_FILTER = re.compile(r"^\d{2}(\d{2}(\d{2}\d?)?)?\Z", re.ASCII)
CPV_FILTER = re.compile(r"^\d{2,8}(-\d)?\Z", re.ASCII)

SORTS = {
    "nazwa": ("sort_name", "pk"),
    "-nazwa": ("-sort_name", "-pk"),
    "najnowsze": ("-created_at", "-pk"),
}
RELEVANCE = "trafnosc"
SORT_CHOICES = [
    (RELEVANCE, _("relevance")),
    ("nazwa", _("name A–Z")),
    ("-nazwa", _("name Z–A")),
    ("najnowsze", _("newest first")),
]
PS_CHOICES = [("1", _("with the status")), ("0", _("without the status"))]
# A wrong code is named in words (not silently "no entity matches").
TERYT_VALID = RegexValidator(
    TERYT_FILTER,
    _("Give a TERYT code: 2 digits for a voivodeship, 4 for a powiat, 7 for a gmina."),
)
CPV_VALID = RegexValidator(
    CPV_FILTER,
    _("Give a CPV division (2 digits, e.g. 55), a group (3 digits) or a whole code such as 55520000-1."),
)


class LenientChoiceField(django_filters.fields.ChoiceField):
    """A choice nobody can get wrong from the page (the order): an unknown value is the default."""

    def to_python(self, value):
        value = super().to_python(value)
        return value if value in dict(self.choices) else ""

    def validate(self, value) -> None:
        return None


class LenientChoiceFilter(django_filters.ChoiceFilter):
    field_class = LenientChoiceField


class CatalogueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_nothing",
        max_length=200,
        help_text=_("e.g. catering, spółdzielnia socjalna"),
    )
    forma = django_filters.MultipleChoiceFilter(
        field_name="legal_form",
        # A column of the entity itself: no join can repeat a row, so no DISTINCT (which made the count
        # compare every column of every row, and PostgreSQL sort them).
        distinct=False,
        label=_("Legal form"),
        choices=LegalForm.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    ps = django_filters.ChoiceFilter(
        label=_("Social enterprise status"),
        choices=PS_CHOICES,
        method="filter_ps",
        empty_label=_("any"),
    )
    teryt = django_filters.CharFilter(
        label=_("Territory (TERYT code)"), method="filter_teryt", max_length=7, validators=[TERYT_VALID]
    )
    # The territory pickers of the page: each narrows by its own code (a powiat outside the chosen
    # voivodeship gives no rows, as a contradiction should).
    woj = django_filters.CharFilter(
        label=_("Voivodeship"), method="filter_teryt", max_length=2, validators=[TERYT_VALID]
    )
    pow = django_filters.CharFilter(
        label=_("Powiat"), method="filter_teryt", max_length=4, validators=[TERYT_VALID]
    )
    gmi = django_filters.CharFilter(
        label=_("Gmina"), method="filter_teryt", max_length=7, validators=[TERYT_VALID]
    )
    cpv = django_filters.CharFilter(
        label=_("CPV code of the offer"), method="filter_cpv", max_length=10, validators=[CPV_VALID]
    )
    znak = django_filters.ModelChoiceFilter(
        field_name="marks",
        label=_("Mark"),
        queryset=Mark.objects.all(),
        to_field_name="code",
        empty_label=_("any"),
    )
    sort = LenientChoiceFilter(
        label=_("Order"),
        method="filter_nothing",
        choices=SORT_CHOICES,
        empty_label=None,
    )

    class Meta:
        model = Entity
        fields: list[str] = []

    def filter_nothing(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # q and sort are applied by `Catalogue`, after the other filters.
        return queryset

    def filter_ps(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # Conditions on the row itself, not a subquery: a search checks them once per hit.
        if value == "1":
            return queryset.filter(social_enterprise_q())
        return queryset.exclude(social_enterprise_q())

    def filter_teryt(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        # The form's validator has refused anything but a TERYT code.
        return queryset.filter(prefix_q([value])) if value else queryset

    def filter_cpv(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        digits = cpv_digits(value)
        if digits is None:
            return queryset.none()
        offers = OfferItem.objects.unscoped(reason="a filter of an already scoped list").filter(
            entity=OuterRef("pk"), is_published=True, cpv__code__startswith=digits
        )
        return queryset.filter(Exists(offers))


def cpv_digits(value: str) -> str | None:
    """The significant digits of a CPV filter ("909", "90910000-9" → "9091"), None when not valid."""
    value = value.strip()
    if not CPV_FILTER.match(value):
        return None
    digits = value.split("-")[0].rstrip("0") if len(value) >= 8 else value
    return digits if len(digits) >= 2 else value[:2]


def _facets(data: dict) -> list[tuple[str, ...]]:
    """The facet tokens of valid filters (search.filter_facets): the full-text index narrows by them."""
    prefixes = []
    for name in ("teryt", "woj", "pow", "gmi"):
        value = (data.get(name) or "").strip()
        if TERYT_FILTER.match(value):
            prefixes.append(value)
    return filter_facets(
        teryt=prefixes,
        forms=data.get("forma") or (),
        ps=data.get("ps") == "1",
        cpv=cpv_digits(data.get("cpv") or "") or "",
    )


@dataclass
class Catalogue:
    """A filtered catalogue: the queryset without ordering, the parsed text query and the order."""

    filterset: CatalogueFilter
    queryset: QuerySet
    query: Query
    sort: str

    @property
    def is_valid(self) -> bool:
        return self.filterset.is_valid()

    @property
    def ranked(self) -> bool:
        return bool(self.query) and self.sort == RELEVANCE

    def page_ids(self, *, offset: int, limit: int) -> tuple[list[int], int, bool]:
        """One page of primary keys, the capped hit count, and whether the page is in relevance order.

        Ranking means scoring every hit; a query with more hits than the cap (a common word over the
        whole country) lists them newest first instead, the order the full-text index walks in, and
        the page says so: more words or a filter bring the ranking back."""
        total = capped_count(self.queryset, self.query)
        if self.ranked and total <= COUNT_CAP:
            return ranked_ids(self.queryset, self.query, limit=limit, offset=offset), total, True
        if self.ranked:
            return newest_ids(self.queryset, self.query, limit=limit, offset=offset), total, False
        ids = list(self.matching().values_list("pk", flat=True)[offset : offset + limit])
        return ids, total, False

    def in_order(self) -> QuerySet:
        """Every row that matches, in the page's order (the downloads): with words in relevance order
        the best first (at most COUNT_CAP hits, all of them ranked) or, past the cap, newest first as
        the page lists them; otherwise by name or date."""
        rows = self.matching()
        if not self.ranked:
            return rows
        if capped_count(self.queryset, self.query) > COUNT_CAP:
            return rows.order_by("-pk")
        ids = ranked_ids(self.queryset, self.query, limit=COUNT_CAP)
        if not ids:
            return rows.none()
        rank = Case(
            *(When(pk=pk, then=Value(place)) for place, pk in enumerate(ids)), output_field=IntegerField()
        )
        return rows.filter(pk__in=ids).order_by(rank)

    def matching(self) -> QuerySet:
        """Every row that matches, in the chosen order by name or date (the map, the API without q)."""
        rows = matching(self.queryset, self.query) if self.query else self.queryset
        return rows.order_by(*SORTS.get(self.sort, SORTS["nazwa"]))


def catalogue(params, base: QuerySet) -> Catalogue:
    """Apply the catalogue's filters (`params`: request.GET or a dict) to `base`, a scoped queryset of
    entities (the public one: published entities of every territory)."""
    if hasattr(params, "getlist") and "" in params.getlist("forma"):
        # "?forma=" (an address shortened by hand) chooses no legal form, rather than an empty one.
        params = params.copy()
        params.setlist("forma", [form for form in params.getlist("forma") if form])
    filterset = CatalogueFilter(params, queryset=base)
    queryset = filterset.qs if filterset.is_valid() else base.none()
    text = (filterset.form.cleaned_data.get("q") or "") if filterset.is_valid() else ""
    query = Query.parse(text)
    if query:
        query = query.within(*_facets(filterset.form.cleaned_data))
    elif text.strip():
        # Typed, but nothing searchable (only punctuation, another alphabet): no entity matches,
        # rather than every entity.
        queryset = queryset.none()
    sort = (filterset.form.cleaned_data.get("sort") or "") if filterset.is_valid() else ""
    if sort not in SORTS and not (sort == RELEVANCE and query):
        sort = RELEVANCE if query else "nazwa"
    return Catalogue(filterset=filterset, queryset=queryset, query=query, sort=sort)


def public_entities() -> QuerySet:
    """The public catalogue's base: published entities of all 16 regions."""
    return Entity.objects.unscoped(reason="the public catalogue shows every region").published()
