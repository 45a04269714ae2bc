"""Keeping entities: coordinators and OWES advisors in their territory, PES representatives for their
own entity. Thin views: the access rule is in access.py, the writes in services.py."""

import re
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from lacznik.core.history import Change, changes_of
from lacznik.core.scope import prefix_q
from lacznik.territory.models import Unit

from . import services
from .access import editable_entities, keeper_prefixes, may_edit, may_grant_status
from .filters import PS_CHOICES
from .forms import (
    AnnualReportForm,
    EntityForm,
    EntityProfileForm,
    OfferItemForm,
    SocialEnterpriseStatusForm,
)
from .models import AnnualReport, Entity, LegalForm, OfferItem, social_enterprise_q
from .search import Query, matching

PAGE_SIZE = 25


def _editable_or_404(request: HttpRequest, pk: int) -> Entity:
    """One 404 for "missing" and "not yours" (as get_in_scope_or_404 does for territory)."""
    return get_object_or_404(editable_entities(request.user).select_related("gmina__parent__parent"), pk=pk)


def _may_keep(user) -> bool:
    return bool(keeper_prefixes(user)) or user.has_perm("entities.change_own_entity")


def _require(allowed: bool) -> None:
    # The role is checked before the object is looked up: a wrong role gets 403 whatever the object.
    if not allowed:
        raise PermissionDenied


def _may_keep_status(user) -> bool:
    return bool(keeper_prefixes(user)) and user.has_perm("entities.grant_ps_status")


def report_year(today: date | None = None) -> int:
    """The last year whose annual report is due (31 March of the next year, UoES art. 10)."""
    today = today or date.today()
    return today.year - 1 if (today.month, today.day) > (3, 31) else today.year - 2


# The keepers' list's filters besides the search: each a select, so an unknown value is no filter.
KEPT_SORTS = {
    "nazwa": ("sort_name", "pk"),
    "zmienione": ("-updated_at", "-pk"),
    "najnowsze": ("-created_at", "-pk"),
}
KEPT_SORT_CHOICES = [
    ("nazwa", gettext_lazy("name A–Z")),
    ("zmienione", gettext_lazy("recently changed")),
    ("najnowsze", gettext_lazy("newest first")),
]
VISIBILITY_CHOICES = [("1", gettext_lazy("published")), ("0", gettext_lazy("hidden"))]


def _kept_territories(prefixes) -> list[tuple[str, str]]:
    """The units a keeper narrows the list to: the powiats of a voivodeship kept, the gminas of a powiat."""
    units = Unit.objects.current()
    offered = units.none()
    for prefix in prefixes:
        if len(prefix) == 2:
            offered |= units.powiats().filter(code__startswith=prefix)
        elif len(prefix) == 4:
            offered |= units.gminas().filter(code__startswith=prefix)
    return [
        (
            unit.code,
            unit.name if unit.level == Unit.Level.POWIAT else f"{unit.name} ({unit.get_kind_display()})",
        )
        for unit in offered.alphabetical()
    ]


def _kept_filters(params, territories) -> dict[str, str]:
    """The filters chosen (a value none of the selects offers is no filter)."""
    offered = {
        "forma": LegalForm.values,
        "ps": [code for code, _label in PS_CHOICES],
        "katalog": [code for code, _label in VISIBILITY_CHOICES],
        "teren": [code for code, _label in territories],
        "sort": list(KEPT_SORTS),
    }
    return {
        name: value if (value := params.get(name, "")) in allowed else "" for name, allowed in offered.items()
    }


@login_required
def manage_list(request: HttpRequest) -> HttpResponse:
    _require(_may_keep(request.user))
    entities = editable_entities(request.user).select_related("gmina__parent")
    query = request.GET.get("q", "").strip()[:100]
    if query:
        # An identifier as people write it ("796-419-52-91", "PL7964195291", "0000123456").
        digits = re.sub(r"\D", "", query)
        entities = (
            entities.filter(name__icontains=query)
            # Without Polish letters and in any form too ("kasek" finds "Kąsek"): the catalogue's search.
            | (matching(entities, words) if (words := Query.parse(query)) else entities.none())
            | entities.filter(nip=digits or query)
            | entities.filter(krs=digits or query)
            | entities.filter(regon=digits or query)
        )
    territories = _kept_territories(keeper_prefixes(request.user))
    chosen = _kept_filters(request.GET, territories)
    if chosen["forma"]:
        entities = entities.filter(legal_form=chosen["forma"])
    if chosen["ps"]:
        status = social_enterprise_q()
        entities = entities.filter(status) if chosen["ps"] == "1" else entities.exclude(status)
    if chosen["katalog"]:
        entities = entities.filter(is_published=chosen["katalog"] == "1")
    if chosen["teren"]:
        entities = entities.filter(prefix_q([chosen["teren"]]))
    order = KEPT_SORTS[chosen["sort"] or "nazwa"]
    page = Paginator(entities.order_by(*order), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "entities/manage_list.html",
        {
            "page": page,
            "query": query,
            "chosen": chosen,
            "filtered": any(value for name, value in chosen.items() if name != "sort"),
            "legal_forms": LegalForm.choices,
            "ps_choices": PS_CHOICES,
            "visibility_choices": VISIBILITY_CHOICES,
            "territories": territories,
            "sorts": KEPT_SORT_CHOICES,
            "may_add": bool(keeper_prefixes(request.user)),
            "may_import": request.user.has_perm("entities.import_entities"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    prefixes = keeper_prefixes(request.user)
    _require(bool(prefixes))
    form = EntityForm(request.POST or None, prefixes=prefixes)
    if request.method == "POST" and form.is_valid():
        entity = services.save_entity(
            entity=form.save(commit=False), by=request.user, reason="entities.entity.created"
        )
        messages.success(request, _("The entity was added."))
        return redirect("entities:manage_detail", pk=entity.pk)
    return render(request, "entities/entity_form.html", {"form": form, "entity": None})


@login_required
def manage_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require(_may_keep(request.user))
    entity = _editable_or_404(request, pk)
    offer = OfferItem.objects.unscoped(reason="the offer of an entity the user may edit").filter(
        entity=entity
    )
    return render(
        request,
        "entities/manage_detail.html",
        {
            "entity": entity,
            "offer": offer.select_related("cpv").order_by("name"),
            "reports": entity.annual_reports.all(),
            "may_grant_status": may_grant_status(request.user, entity),
            "is_keeper": bool(keeper_prefixes(request.user)) and may_grant_status(request.user, entity),
            "history": entity_history(entity),
        },
    )


HISTORY_SHOWN = 20
# Keys, derived and bookkeeping fields, not changes anyone made (the gmina shows as its TERYT code;
# an offer item's TERYT code is its entity's).
HISTORY_HIDDEN = {
    Entity: ("id", "search_document", "updated_at", "created_at", "gmina"),
    OfferItem: ("id", "entity", "teryt", "created_at"),
    AnnualReport: ("id", "entity"),
}
REASONS = {
    "entities.entity.created": gettext_lazy("entity added"),
    "entities.entity.changed": gettext_lazy("entity edited"),
    "entities.entity.ps_status": gettext_lazy("social enterprise status recorded"),
    "entities.import": gettext_lazy("bulk import"),
    "entities.offer.created": gettext_lazy("offer item added"),
    "entities.offer.changed": gettext_lazy("offer item edited"),
    "entities.offer.published": gettext_lazy("offer item published"),
    "entities.offer.unpublished": gettext_lazy("offer item hidden"),
    "entities.report.recorded": gettext_lazy("annual report recorded"),
}


def _readable(change: Change) -> Change:
    def shown(value):
        return (_("yes") if value else _("no")) if isinstance(value, bool) else value

    return Change(change.field, shown(change.old), shown(change.new))


def entity_history(entity: Entity) -> list[dict]:
    """The latest changes of an entity and of its offer items, newest first, each with who, why and
    what changed (field, old value, new value)."""
    records = list(entity.history.select_related("history_user").order_by("-history_date")[:HISTORY_SHOWN])
    for related in (OfferItem, AnnualReport):
        records += (
            related.history.filter(entity_id=entity.pk)
            .select_related("history_user")
            .order_by("-history_date")[:HISTORY_SHOWN]
        )
    records.sort(key=lambda record: record.history_date, reverse=True)
    rows = []
    for record in records[:HISTORY_SHOWN]:
        reason = record.history_change_reason or ""
        changes = changes_of(record, exclude=HISTORY_HIDDEN[record.instance_type])
        rows.append(
            {
                "record": record,
                "subject": record.name if record.instance_type is OfferItem else "",
                "reason": REASONS.get(reason, reason),
                "changes": [_readable(change) for change in changes],
            }
        )
    return rows


def _conflict(form, entity: Entity) -> bool:
    """True (and an error on the form) when someone saved the entity after the form was opened.

    The form then takes their values of the fields they changed (it never writes back what they
    replaced) and their version, so saving again keeps the user's other edits."""
    seen = form.cleaned_data.get("seen_version") or ""
    current = entity.updated_at.isoformat()
    if not seen or seen == current:
        return False
    try:
        opened = datetime.fromisoformat(seen)
    except ValueError:
        opened = entity.updated_at
    # Their saves: the history written after the save the form was opened on (that one's record is
    # written within moments of its updated_at).
    records = list(
        entity.history.filter(history_date__gt=opened + timedelta(seconds=1))
        .select_related("history_user")
        .order_by("history_date")
    ) or list(entity.history.select_related("history_user").order_by("-history_date")[:1])
    changed = {
        field.name
        for record in records
        if record.prev_record is not None
        for field in record.tracked_fields
        if getattr(record, field.attname) != getattr(record.prev_record, field.attname)
    }
    last = records[-1] if records else None
    who = str(last.history_user) if last and last.history_user else _("someone")
    taken = [name for name in form.fields if name in changed]
    form.add_error(
        None,
        _(
            "%(who)s changed this entity at %(when)s (%(fields)s), after you opened the form. Their "
            "values of those fields are now in the form and your other changes are kept: check them and "
            "save again."
        )
        % {
            "who": who,
            "when": timezone.localtime(entity.updated_at).strftime("%Y-%m-%d %H:%M"),
            "fields": ", ".join(str(form.fields[name].label) for name in taken) or "—",
        },
    )
    form.data = form.data.copy()
    for name in taken:
        form.data[form.add_prefix(name)] = form.fields[name].prepare_value(getattr(entity, name))
    form.data[form.add_prefix("seen_version")] = current
    return True


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(_may_keep(request.user))
    entity = _editable_or_404(request, pk)
    prefixes = keeper_prefixes(request.user)
    is_keeper = any(entity.teryt.startswith(prefix) for prefix in prefixes)
    data = request.POST or None
    form = (
        EntityForm(data, instance=entity, prefixes=prefixes)
        if is_keeper
        else EntityProfileForm(data, instance=entity)
    )
    if request.method == "POST" and form.is_valid():
        fresh = Entity.objects.in_scope([entity.teryt]).get(pk=entity.pk)
        if not _conflict(form, fresh):
            services.save_entity(
                entity=form.save(commit=False), by=request.user, reason="entities.entity.changed"
            )
            messages.success(request, _("The changes were saved."))
            return redirect("entities:manage_detail", pk=entity.pk)
    return render(request, "entities/entity_form.html", {"form": form, "entity": entity})


@login_required
@require_http_methods(["GET", "POST"])
def ps_status(request: HttpRequest, pk: int) -> HttpResponse:
    _require(_may_keep_status(request.user))
    entity = _editable_or_404(request, pk)
    if not may_grant_status(request.user, entity):
        raise Http404
    form = SocialEnterpriseStatusForm(request.POST or None, instance=entity)
    if request.method == "POST" and form.is_valid():
        fresh = Entity.objects.in_scope([entity.teryt]).get(pk=entity.pk)
        if not _conflict(form, fresh):
            services.save_entity(
                entity=form.save(commit=False), by=request.user, reason="entities.entity.ps_status"
            )
            messages.success(request, _("The social enterprise status was saved."))
            return redirect("entities:manage_detail", pk=entity.pk)
    return render(request, "entities/ps_status_form.html", {"form": form, "entity": entity})


@login_required
@require_http_methods(["GET", "POST"])
def annual_report(request: HttpRequest, pk: int) -> HttpResponse:
    _require(_may_keep_status(request.user))
    entity = _editable_or_404(request, pk)
    if not may_grant_status(request.user, entity):
        raise Http404
    # From the list of missing reports: that year, and back to the list afterwards.
    year = request.GET.get("rok", "")
    year = year if re.fullmatch(r"[0-9]{4}", year) else ""
    initial = {"year": int(year) if year else report_year()}
    form = AnnualReportForm(request.POST or None, entity=entity, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.record_annual_report(report=form.save(commit=False), by=request.user)
        messages.success(request, _("The annual report was recorded."))
        if year:
            return redirect(f"{reverse('entities:missing_reports')}?rok={year}")
        return redirect("entities:manage_detail", pk=entity.pk)
    return render(request, "entities/annual_report_form.html", {"form": form, "entity": entity})


@login_required
def missing_reports(request: HttpRequest) -> HttpResponse:
    """Social enterprises of the territory whose annual report is missing (due by 31 March)."""
    _require(_may_keep_status(request.user))
    prefixes = keeper_prefixes(request.user)
    try:
        year = int(request.GET.get("rok", ""))
    except ValueError:
        year = report_year()
    year = min(max(year, 2022), date.today().year - 1)
    entities = (
        Entity.objects.in_scope(prefixes)
        .missing_annual_report(year)
        .select_related("gmina__parent")
        .order_by("teryt", "sort_name")
    )
    page = Paginator(entities, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "entities/missing_reports.html",
        {
            "page": page,
            "year": year,
            "due": date(year + 1, 3, 31),
            "overdue": date.today() > date(year + 1, 3, 31),
            "years": list(range(date.today().year - 1, 2021, -1)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def offer_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require(_may_keep(request.user))
    entity = _editable_or_404(request, pk)
    form = OfferItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.entity = entity
        services.save_offer_item(item=item, by=request.user, reason="entities.offer.created")
        messages.success(request, _("The offer item was added."))
        return redirect("entities:manage_detail", pk=entity.pk)
    return render(request, "entities/offer_form.html", {"form": form, "entity": entity, "item": None})


def _offer_item_or_404(request: HttpRequest, pk: int) -> OfferItem:
    item = get_object_or_404(
        OfferItem.objects.unscoped(reason="narrowed to editable entities below").select_related(
            "entity", "cpv"
        ),
        pk=pk,
    )
    if not may_edit(request.user, item.entity):
        raise Http404
    return item


@login_required
@require_http_methods(["GET", "POST"])
def offer_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require(_may_keep(request.user))
    item = _offer_item_or_404(request, pk)
    form = OfferItemForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        services.save_offer_item(
            item=form.save(commit=False), by=request.user, reason="entities.offer.changed"
        )
        messages.success(request, _("The offer item was saved."))
        return redirect("entities:manage_detail", pk=item.entity_id)
    return render(request, "entities/offer_form.html", {"form": form, "entity": item.entity, "item": item})


@login_required
@require_POST
def offer_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _require(_may_keep(request.user))
    item = _offer_item_or_404(request, pk)
    publish = request.POST.get("publish") == "1"
    services.set_offer_item_published(item=item, published=publish, by=request.user)
    messages.success(
        request, _("The item is published.") if publish else _("The item is hidden from the catalogue.")
    )
    # Back to the item's row, not the top of a long offer.
    return redirect(reverse("entities:manage_detail", args=[item.entity_id]) + f"#oferta-{item.pk}")
