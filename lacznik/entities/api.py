"""Public API of the catalogue of social economy entities: /api/v1/entities/...

The same filters as the catalogue page and the downloads (lacznik.entities.filters), as query
parameters with the same names; the same published entities; read-only, no account needed.
"""

from datetime import date, datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest, QueryDict
from ninja import Path, Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import BaseModel, Field

from lacznik.entities.search import COUNT_CAP

from . import exports
from .filters import catalogue, public_entities
from .models import LegalForm, OfferItem

router = Router()

# The answers are plain pydantic models, not ninja Schemas: a Schema reads every field of every item
# through an attribute wrapper (DjangoGetter), which cost more than the search itself; these answers
# are built as dicts (`_items`), which pydantic validates directly.


class MarkOut(BaseModel):
    code: str = Field(description="code of the mark, as the `znak` filter takes it")
    name: str


class EntityOut(BaseModel):
    id: int = Field(description="identifier of the entity in Łącznik (stable)")
    name: str
    legal_form: LegalForm = Field(description="legal form code (ustawa o ekonomii społecznej art. 2 pkt 5)")
    legal_form_label: str = Field(description="legal form in words, in the language of the request")
    social_enterprise: bool = Field(description="holds the przedsiębiorstwo społeczne status today")
    social_enterprise_since: date | None = Field(
        description="date of the wojewoda's decision granting the status"
    )
    social_enterprise_lost_on: date | None = Field(description="date the status was lost")
    social_enterprise_decision: str = Field(description="number of the wojewoda's decision")
    nip: str
    regon: str
    krs: str
    teryt: str = Field(description="TERYT code of the gmina (7 digits)")
    gmina: str = Field(description="name of the gmina (GUS, TERYT register)")
    powiat: str = Field(description="name of the powiat (GUS, TERYT register)")
    voivodeship: str = Field(description="name of the voivodeship (GUS, TERYT register)")
    street: str
    postal_code: str
    city: str
    email: str
    phone: str
    website: str
    marks: list[MarkOut]
    url: str = Field(description="address of the entity's page in the catalogue")
    updated_at: datetime


class EntityPage(BaseModel):
    count: int = Field(description=f"number of matching entities, counted up to {COUNT_CAP}")
    count_capped: bool = Field(description=f"true when more than {COUNT_CAP} entities match")
    limit: int
    offset: int
    items: list[EntityOut]


class OfferItemOut(BaseModel):
    id: int
    name: str
    description: str
    cpv: str = Field(description="CPV 2008 code, e.g. 55520000-1")
    cpv_name: str = Field(description="Polish name of the CPV code")


class EntityDetailOut(EntityOut):
    description: str
    offer: list[OfferItemOut] = Field(description="published offer items")


class ProblemOut(BaseModel):
    loc: list[str | int] = Field(description='where: ["query", parameter name] (and a position)')
    msg: str = Field(description="what is wrong")
    type: str


class RefusedOut(BaseModel):
    detail: list[ProblemOut] = Field(description="every wrong parameter")


class NotFoundOut(BaseModel):
    detail: str


class EntityFilters(Schema):
    q: str | None = Field(
        None,
        max_length=200,
        description="words to search for, the Polish way: diacritics and grammatical forms do not matter "
        '("spółdzielni socjalnych" finds "Spółdzielnia Socjalna", "spoldzielnia" finds it too); every word must match',
    )
    ps: bool | None = Field(
        None,
        description="true: social enterprises only (status held today); false: entities without the status",
    )
    teryt: str | None = Field(
        None,
        pattern=r"^\d{2}(\d{2}(\d{2}\d?)?)?$",
        description="TERYT code prefix: 2 digits a voivodeship, 4 a powiat, 7 a gmina (6 accepted)",
    )
    # The catalogue page's territory pickers, so that a page's query string works here unchanged.
    woj: str | None = Field(None, pattern=r"^\d{2}$", description="voivodeship: its 2-digit TERYT code")
    pow: str | None = Field(None, pattern=r"^\d{4}$", description="powiat: its 4-digit TERYT code")
    gmi: str | None = Field(
        None, pattern=r"^\d{6,7}$", description="gmina: its 7-digit TERYT code (6 accepted)"
    )
    cpv: str | None = Field(
        None,
        pattern=r"^\d{2,8}(-\d)?$",
        description="CPV division (2 digits), group (3 digits) or a whole code of a published offer item",
    )
    znak: str | None = Field(
        None,
        max_length=40,
        pattern=r"^[-a-z0-9_]+$",
        description="code of a mark held, e.g. zakup-prospoleczny",
    )
    sort: Literal["trafnosc", "nazwa", "-nazwa", "najnowsze"] | None = Field(
        None,
        description="order: trafnosc (relevance; the default with q), "
        "nazwa (name A–Z; the default without q), -nazwa (name Z–A), najnowsze (newest first)",
    )
    limit: int = Field(20, ge=1, le=100, description="entities per page (at most 100)")
    offset: int = Field(0, ge=0, description="entities to skip")

    def as_query(self, forma: list[LegalForm]) -> QueryDict:
        """The filters as the catalogue page's query string."""
        params = QueryDict(mutable=True)
        for name in ("q", "teryt", "woj", "pow", "gmi", "cpv", "znak", "sort"):
            value = getattr(self, name)
            if value:
                params[name] = value
        if forma:
            params.setlist("forma", [form.value for form in forma])
        if self.ps is not None:
            params["ps"] = "1" if self.ps else "0"
        return params


# Not in EntityFilters: django-ninja would name a list field of a schema ["query", "filters", "forma"] in
# a 422 answer, where every other parameter is ["query", name].
FORMA = Query([], description="legal form code; repeat the parameter for several forms")
ENTITY_ID = Path(..., description="identifier of the entity")


def _items(request: HttpRequest, rows: list[dict]) -> list[dict[str, Any]]:
    """API items from `values(*exports.ENTITY_FIELDS)` rows: 2 queries for any number of rows."""
    shown = exports.Shown.of(rows, request.build_absolute_uri("/"))
    items = []
    for row in rows:
        gmina, powiat, voivodeship = shown.places(row)
        items.append(
            {
                "id": row["id"],
                "name": row["name"],
                "legal_form": row["legal_form"],
                "legal_form_label": shown.legal_form(row),
                "social_enterprise": shown.social_enterprise(row),
                "social_enterprise_since": row["ps_granted_on"],
                "social_enterprise_lost_on": row["ps_lost_on"],
                "social_enterprise_decision": row["ps_decision_number"],
                "nip": row["nip"],
                "regon": row["regon"],
                "krs": row["krs"],
                "teryt": row["teryt"],
                "gmina": gmina,
                "powiat": powiat,
                "voivodeship": voivodeship,
                "street": row["street"],
                "postal_code": row["postal_code"],
                "city": row["city"],
                "email": row["email"],
                "phone": row["phone"],
                "website": row["website"],
                "marks": [{"code": code, "name": name} for code, name in shown.marks.get(row["id"], [])],
                "url": shown.url(row["id"]),
                "updated_at": row["updated_at"],
                "description": row["description"],
            }
        )
    return items


@router.get(
    "/",
    response={200: EntityPage, 422: RefusedOut},
    summary="Entities of the catalogue, filtered and paginated",
    description="The published social economy entities (PES) of all regions, with the catalogue page's "
    f"filters. The count stops at {COUNT_CAP} (count_capped says there are more); narrow the filters "
    "rather than paging far.",
)
def list_entities(
    request: HttpRequest,
    filters: Query[EntityFilters],
    forma: list[LegalForm] = FORMA,
):
    found = catalogue(filters.as_query(forma), public_entities())
    if not found.is_valid:
        raise ValidationError(
            [
                {"loc": ["query", name], "msg": str(error), "type": "value_error"}
                for name, errors in found.filterset.errors.items()
                for error in errors
            ]
        )
    ids, total, _ranked = found.page_ids(offset=filters.offset, limit=filters.limit)
    rows = exports.rows_by_ids(public_entities(), ids, exports.ENTITY_FIELDS)
    return {
        "count": min(total, COUNT_CAP),
        "count_capped": total > COUNT_CAP,
        "limit": filters.limit,
        "offset": filters.offset,
        "items": _items(request, rows),
    }


@router.get(
    "/{int:entity_id}",
    response={200: EntityDetailOut, 404: NotFoundOut},
    summary="One entity with its published offer and marks",
    description="404 for an entity that does not exist or is not published.",
)
def get_entity(request: HttpRequest, entity_id: int = ENTITY_ID):
    row = public_entities().filter(pk=entity_id).values(*exports.ENTITY_FIELDS).first()
    if row is None:
        raise Http404
    item = _items(request, [row])[0]
    offer = (
        OfferItem.objects.unscoped(reason="the published offer of a public entity")
        .filter(entity_id=entity_id, is_published=True)
        .select_related("cpv")
        .order_by("name", "pk")
    )
    item["offer"] = [
        {"id": o.pk, "name": o.name, "description": o.description, "cpv": o.cpv_id, "cpv_name": o.cpv.name}
        for o in offer
    ]
    return item
