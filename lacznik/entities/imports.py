"""Bulk import of entities and their offer from a CSV or XLSX file (issue 5, point 6).

All or nothing (STYLE.md §4): the whole file is read and every row checked first (each entity with
the model's own validators and Entity.clean()), every problem is collected as a RowError, and only a
file without problems is written, in one transaction. Rows are matched to the register by NIP, REGON
and KRS: a known entity is updated (when it is inside the coordinator's territory), an unknown one is
created. An empty cell leaves the stored value as it is, so importing the same file twice changes
nothing and adds no history.

Several rows with the same identifier describe one entity with several offer items (one item per
row, identified by the entity, its CPV code and its name). Offer items missing from the file are kept.

Speed (issue 5 figures: 10,000 rows ≤ 20 s): identifiers, gminas, CPV codes and offer items are read
in a few queries for the whole file, not per row; new rows are written with bulk_create and their
history with simple_history's bulk helpers; search documents are refreshed once, at the end.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from lacznik.core.errors import RowError
from lacznik.core.scope import code_in_scope, system_scope
from lacznik.core.text import fold, polish_sort_key
from lacznik.cpv.models import CpvCode
from lacznik.territory.models import Unit

from . import services
from .access import keeper_prefixes
from .import_files import (
    CHANGE_REASON,
    COLUMN_NAMES,
    COLUMN_OF,
    COLUMNS,
    COMPARED,
    ENTITY_COLUMNS,
    FIELD_OF,
    IDENTIFIERS,
    OFFER_COLUMNS,
    POLISH_NAMES,
    PROGRESS_EVERY,
    ImportFileRejected,
    ParsedFile,
    _parse_table,
    parse_file,
)
from .models import Entity, LegalForm, OfferItem
from .search import entity_document
from .validators import compact_krs, compact_nip, compact_regon

logger = logging.getLogger(__name__)


# --- checking the rows ----------------------------------------------------------------------------


def _gmina(code: str, gminas: Mapping[str, Unit], prefixes: Iterable[str]) -> tuple[Unit | None, str]:
    """The gmina of a 7-digit TERYT code (looked up in gminas read beforehand), or why not."""
    if not code:
        return None, gettext("Give the gmina's TERYT code.")
    if not re.fullmatch(r"\d{7}", code):
        return None, gettext("A gmina TERYT code has 7 digits (with the leading zero, e.g. 0201011).")
    unit = gminas.get(code)
    if unit is None:
        return None, gettext("There is no gmina with this TERYT code in the register.")
    if not unit.is_gmina:
        return None, gettext(
            "This code is a part of a gmina (a town, a rural area, a district or a delegatura); "
            "give the code of the gmina itself."
        )
    if not code_in_scope(code, prefixes):
        return None, gettext("This gmina is outside your territory.")
    return unit, ""


# Fields of Entity that the import does not fill: left out of the model's field checks.
_NOT_IMPORTED = [
    f.name for f in Entity._meta.get_fields() if f.concrete and f.name not in FIELD_OF.values()
] + ["gmina"]


def _check_entity(
    entity: Entity, data: Mapping[str, str], gminas: Mapping[str, Unit], prefixes: Iterable[str]
) -> dict[str, list[str]]:
    """Fill `entity` from one entity's cells and check it with the model's own validators and
    Entity.clean(), the rules the editing form applies; field → messages.

    Not a ModelForm per row: building one costs more than the checks themselves (a deep copy of
    every field), 10,000 rows must be checked in seconds, and the form adds nothing the model lacks.
    Unique and check constraints are left to check_rows, which looks at the whole file at once.
    """
    errors: dict[str, list[str]] = {}
    unit, problem = _gmina(data["gmina"], gminas, prefixes)
    if problem:
        errors["gmina"] = [problem]
    else:
        entity.gmina = unit
    for field_name, value in data.items():
        if field_name == "gmina":
            continue
        if field_name == "ps_granted_on":
            try:
                value = date.fromisoformat(value) if value else None
            except ValueError:
                errors[field_name] = [gettext("Write the date as YYYY-MM-DD or DD.MM.YYYY.")]
                continue
        elif field_name == "website" and value and "://" not in value:
            value = "https://" + value
        elif field_name == "legal_form" and value and value not in LegalForm.values:
            errors[field_name] = [
                gettext("Unknown legal form: use one of the codes listed on the import page.")
            ]
            continue
        setattr(entity, field_name, value)
    try:
        entity.full_clean(
            exclude=[*_NOT_IMPORTED, *errors], validate_unique=False, validate_constraints=False
        )
    except ValidationError as error:
        for field_name, messages in error.message_dict.items():
            errors.setdefault(field_name, []).extend(messages)
    return errors


@dataclass
class _Group:
    """The rows of one entity: the first row, merged entity cells and where each came from."""

    first_row: int
    values: dict[str, str] = field(default_factory=dict)
    row_of: dict[str, int] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    offers: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    existing: Entity | None = None
    rows: int = 0


MAX_PREVIEW = 1_000


@dataclass
class ImportReport:
    """What an import did (or, checked with dry_run, would do)."""

    rows: int = 0
    entities_created: int = 0
    entities_updated: int = 0
    entities_unchanged: int = 0
    offers_created: int = 0
    offers_updated: int = 0
    offers_unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)
    dry_run: bool = False
    entity_ids: list[int] = field(default_factory=list)
    # What happens to each entity, the first MAX_PREVIEW of preview_total (row, name, action, columns).
    preview: list[dict[str, Any]] = field(default_factory=list)
    preview_total: int = 0

    @property
    def changes(self) -> int:
        return self.entities_created + self.entities_updated + self.offers_created + self.offers_updated

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("entity_ids")
        return data


@dataclass
class _Plan:
    report: ImportReport
    new_entities: list[Entity] = field(default_factory=list)
    changed_entities: list[tuple[Entity, list[str]]] = field(default_factory=list)
    new_offers: list[OfferItem] = field(default_factory=list)
    changed_offers: list[OfferItem] = field(default_factory=list)
    moved_entities: list[Entity] = field(default_factory=list)


def _normalise(column: str, text: str, legal_forms: Mapping[str, str]) -> str:
    if not text:
        return ""
    if column == "nip":
        return compact_nip(text)
    if column == "regon":
        return compact_regon(text)
    if column == "krs":
        return compact_krs(text)
    if column == "forma_prawna":
        return legal_forms.get(fold(text), text)
    if column == "data_decyzji_ps":
        for pattern in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
            try:
                return datetime.strptime(text, pattern).date().isoformat()
            except ValueError:
                continue
    return text


# The Polish names a file may give instead of a code. Part of the file format, so kept here and not
# taken from the interface's translation alone (which may change its wording).


def _legal_form_names() -> dict[str, str]:
    """Folded code, Polish and English name → code ("Spółdzielnia socjalna" → spoldzielnia-socjalna)."""
    names = {fold(name): form.value for form, name in POLISH_NAMES.items()}
    names.update({fold(form.value.replace("-", " ")): form.value for form in LegalForm})
    for form in LegalForm:
        names[fold(form.value)] = form.value
        for language in ("pl", "en"):
            with translation.override(language):
                names[fold(str(form.label))] = form.value
    return names


def _chunks(values: Iterable[Any], size: int = 500) -> Iterable[list[Any]]:
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _group_rows(parsed: ParsedFile, errors: list[RowError]) -> list[_Group]:
    legal_forms = _legal_form_names()
    groups: list[_Group] = []
    by_identifier: dict[tuple[str, str], _Group] = {}
    example = {column.name: _normalise(column.name, column.example, legal_forms) for column in COLUMNS}
    for number, raw in parsed.rows:
        cells = {column: _normalise(column, raw.get(column, ""), legal_forms) for column in parsed.columns}
        if all(cells.get(name) == example[name] for name in ("nazwa", "nip")):
            errors.append(
                RowError(
                    number,
                    "nazwa",
                    gettext(
                        "This is the template's example row: replace it with your entities or delete it."
                    ),
                    cells["nazwa"],
                )
            )
        ids = {kind: cells[kind] for kind in IDENTIFIERS if cells.get(kind)}
        if not ids:
            errors.append(
                RowError(
                    number,
                    "nip",
                    gettext(
                        "Give at least one identifier (NIP, REGON or KRS): rows are matched to the "
                        "register by them."
                    ),
                )
            )
            if not any(cells.get(column) for column in ENTITY_COLUMNS if column not in IDENTIFIERS):
                continue  # an offer row that forgot its identifier: that is its one problem
            # Otherwise an entity of its own below, so that the row's other problems are listed too.
        hits: list[_Group] = []
        for kind, value in ids.items():
            found = by_identifier.get((kind, value))
            if found is not None and found not in hits:
                hits.append(found)
        if len(hits) > 1:
            errors.append(
                RowError(
                    number,
                    "/".join(ids),
                    gettext(
                        "The identifiers of this row belong to two different entities of the file (rows "
                        "%(first)s and %(second)s)."
                    )
                    % {"first": hits[0].first_row, "second": hits[1].first_row},
                    " / ".join(ids.values()),
                )
            )
            continue
        group = hits[0] if hits else None
        if group is not None:
            clash = next((kind for kind, value in ids.items() if group.ids.get(kind, value) != value), None)
            if clash:
                errors.append(
                    RowError(
                        number,
                        clash,
                        gettext(
                            "Row %(row)s has the same identifier but a different %(column)s (%(other)s); "
                            "rows with one identifier describe one entity."
                        )
                        % {"row": group.first_row, "column": clash, "other": group.ids[clash]},
                        ids[clash],
                    )
                )
                continue
        else:
            group = _Group(first_row=number)
            groups.append(group)
        group.rows += 1
        brings_new = False
        for column in ENTITY_COLUMNS:
            value = cells.get(column, "")
            if not value:
                continue
            known = group.values.get(column)
            if not known:
                group.values[column] = value
                group.row_of[column] = number
                brings_new = True
            elif known != value:
                errors.append(
                    RowError(
                        number,
                        column,
                        gettext(
                            "Row %(row)s has the same identifier but a different value here (%(other)s); "
                            "rows with one identifier describe one entity."
                        )
                        % {"row": group.row_of[column], "other": known},
                        value,
                    )
                )
        for kind, value in ids.items():
            group.ids[kind] = value
            by_identifier[(kind, value)] = group
        if any(cells.get(column) for column in OFFER_COLUMNS):
            group.offers.append((number, cells))
        elif number != group.first_row and not brings_new:
            errors.append(
                RowError(
                    number,
                    next(iter(ids)),
                    gettext("This row repeats the entity of row %(row)s (a duplicate identifier).")
                    % {"row": group.first_row},
                    next(iter(ids.values())),
                )
            )
    return groups


def _existing_entities(groups: list[_Group]) -> dict[tuple[str, str], Entity]:
    wanted: dict[str, set[str]] = {kind: set() for kind in IDENTIFIERS}
    for group in groups:
        for kind, value in group.ids.items():
            wanted[kind].add(value)
    found: dict[tuple[str, str], Entity] = {}
    # Identifiers are unique in the whole register, so matching looks at every territory; what may
    # be changed is limited to the user's territory below.
    entities = Entity.objects.unscoped(
        reason="an import matches identifiers across the register"
    ).select_related("gmina")
    for kind, values in wanted.items():
        for chunk in _chunks(values):
            # `.exclude(kind="")` repeats the condition of the partial unique index, so SQLite uses it.
            for entity in entities.filter(**{f"{kind}__in": chunk}).exclude(**{kind: ""}):
                found[(kind, getattr(entity, kind))] = entity
    return found


def _match_existing(groups: list[_Group], prefixes: list[str], errors: list[RowError]) -> None:
    existing = _existing_entities(groups)
    for group in groups:
        matches: dict[int, tuple[str, Entity]] = {}
        for kind, value in group.ids.items():
            entity = existing.get((kind, value))
            if entity is not None and entity.pk not in matches:
                matches[entity.pk] = (kind, entity)
        if len(matches) > 1:
            (kind_a, a), (kind_b, b) = list(matches.values())[:2]
            names = {"first": kind_a.upper(), "one": a.name, "second": kind_b.upper(), "other": b.name}
            if all(entity.is_published or code_in_scope(entity.teryt, prefixes) for entity in (a, b)):
                reason = gettext(
                    "The %(first)s matches “%(one)s” and the %(second)s matches “%(other)s” in the "
                    "register: they cannot be one entity."
                )
            else:
                # A hidden entity of another territory is not named to someone who may not see it.
                reason = gettext(
                    "The %(first)s and the %(second)s match two different entities in the register: they "
                    "cannot be one entity."
                )
            errors.append(RowError(group.first_row, kind_b, reason % names, group.ids[kind_b]))
            continue
        if not matches:
            continue
        kind, entity = next(iter(matches.values()))
        if not code_in_scope(entity.teryt, prefixes):
            errors.append(
                RowError(
                    group.first_row,
                    kind,
                    gettext(
                        "An entity with this %(identifier)s is in the register outside your territory; "
                        "this import cannot change it."
                    )
                    % {"identifier": kind.upper()},
                    group.ids[kind],
                )
            )
            continue
        for other in IDENTIFIERS:
            stored = getattr(entity, other)
            if group.ids.get(other) and stored and stored != group.ids[other]:
                errors.append(
                    RowError(
                        group.row_of.get(other, group.first_row),
                        other,
                        gettext(
                            "The entity found by its %(identifier)s has a different %(other)s in the "
                            "register (%(stored)s)."
                        )
                        % {"identifier": kind.upper(), "other": other.upper(), "stored": stored},
                        group.ids[other],
                    )
                )
                break
        else:
            group.existing = entity


def _entity_data(group: _Group) -> dict[str, str]:
    data: dict[str, str] = {}
    entity = group.existing
    for column, field_name in FIELD_OF.items():
        value = group.values.get(column, "")
        if not value and entity is not None:
            # An empty cell keeps what the register holds.
            stored = entity.gmina.code if field_name == "gmina" else getattr(entity, field_name)
            value = (
                stored.isoformat() if isinstance(stored, date) else ("" if stored is None else str(stored))
            )
        data[field_name] = value
    return data


def _cpv_lookup(groups: list[_Group]) -> dict[str, str]:
    if not any(group.offers for group in groups):
        return {}
    lookup = {}
    for code in CpvCode.objects.values_list("code", flat=True).iterator(chunk_size=5000):
        lookup[code] = code
        lookup.setdefault(code.split("-", 1)[0], code)
    return lookup


def _existing_offers(groups: list[_Group]) -> dict[tuple[int, str, str], OfferItem]:
    ids = [group.existing.pk for group in groups if group.existing is not None and group.offers]
    found: dict[tuple[int, str, str], OfferItem] = {}
    items = OfferItem.objects.unscoped(reason="offer items of entities matched inside the user's scope")
    for chunk in _chunks(ids):
        for item in items.filter(entity_id__in=chunk).order_by("-pk"):
            found[(item.entity_id, item.cpv_id, item.name)] = item  # the oldest wins on duplicates
    return found


def check_rows(
    parsed: ParsedFile,
    *,
    user: Any,
    progress: Callable[[int, int], None] | None = None,
) -> _Plan:
    """Check every row; raise ImportFileRejected with every problem, or return what to write."""
    # The territory in which the user keeps entities (the form's rule), not that of every role they hold.
    prefixes = sorted(keeper_prefixes(user))
    errors: list[RowError] = []
    report = ImportReport(rows=len(parsed.rows), warnings=list(parsed.warnings), source=dict(parsed.source))
    plan = _Plan(report=report)
    groups = _group_rows(parsed, errors)
    _match_existing(groups, prefixes, errors)
    codes = {group.values.get("teryt_gminy", "") for group in groups} | {
        group.existing.gmina.code for group in groups if group.existing is not None
    }
    gminas = {}
    for chunk in _chunks(sorted(code for code in codes if code)):
        gminas.update({unit.code: unit for unit in Unit.objects.filter(code__in=chunk)})
    cpv_codes = _cpv_lookup(groups)
    offers = _existing_offers(groups)
    done = 0
    total = len(parsed.rows)
    for group in groups:
        entity = group.existing or Entity()
        before = {name: getattr(entity, name) for name in COMPARED}
        problems = _check_entity(entity, _entity_data(group), gminas, prefixes)
        for field_name, messages in problems.items():
            column = COLUMN_OF.get(field_name, "")
            for message in messages:
                errors.append(
                    RowError(
                        group.row_of.get(column, group.first_row),
                        column,
                        message,
                        group.values.get(column, ""),
                    )
                )
        changed = []
        if not problems:
            entity.teryt = entity.gmina.code
            entity.sort_name = polish_sort_key(entity.name)
            if group.existing is None:
                plan.new_entities.append(entity)
            else:
                changed = [name for name in COMPARED if getattr(entity, name) != before[name]]
                if changed:
                    plan.changed_entities.append((entity, changed))
                    if "gmina_id" in changed:
                        plan.moved_entities.append(entity)
                else:
                    report.entities_unchanged += 1
        offers_before = len(plan.new_offers), len(plan.changed_offers)
        _check_offers(group, entity, cpv_codes, offers, plan, errors)
        if not problems:
            _preview(report, group, entity, changed, offers_before, plan)
        if progress is not None and (done + group.rows) // PROGRESS_EVERY != done // PROGRESS_EVERY:
            progress(min(done + group.rows, total), total)
        done += group.rows
    if progress is not None and total % PROGRESS_EVERY:
        progress(total, total)  # every row checked (what is left is writing, for a writing job)
    if not errors:
        _prepare_documents(plan)
    if errors:
        errors.sort(
            key=lambda error: (
                error.row,
                COLUMN_NAMES.index(error.column) if error.column in COLUMN_NAMES else -1,
            )
        )
        raise ImportFileRejected(errors, report.warnings)
    report.entities_created = len(plan.new_entities)
    report.entities_updated = len(plan.changed_entities)
    report.offers_created = len(plan.new_offers)
    report.offers_updated = len(plan.changed_offers)
    return plan


def _preview(
    report: ImportReport,
    group: _Group,
    entity: Entity,
    changed: list[str],
    offers_before: tuple[int, int],
    plan: _Plan,
) -> None:
    """One line of the preview: what the import does with this entity (nothing: no line)."""
    new_offers = len(plan.new_offers) - offers_before[0]
    changed_offers = len(plan.changed_offers) - offers_before[1]
    if group.existing is not None and not changed and not new_offers and not changed_offers:
        return
    report.preview_total += 1
    if len(report.preview) < MAX_PREVIEW:
        report.preview.append(
            {
                "row": group.first_row,
                "name": entity.name,
                "action": "new" if group.existing is None else "updated" if changed else "offer",
                "columns": [
                    COLUMN_OF.get(name.removesuffix("_id"), COLUMN_OF.get(name, name)) for name in changed
                ],
                "offers_new": new_offers,
                "offers_updated": changed_offers,
            }
        )


def _check_offers(
    group: _Group,
    entity: Entity,
    cpv_codes: Mapping[str, str],
    offers: Mapping[tuple[int, str, str], OfferItem],
    plan: _Plan,
    errors: list[RowError],
) -> None:
    seen: dict[tuple[str, str], int] = {}
    for number, cells in group.offers:
        name, raw_cpv, description = (
            cells.get("oferta_nazwa", ""),
            cells.get("oferta_cpv", ""),
            cells.get("oferta_opis", ""),
        )
        problems_before = len(errors)
        if not name:
            errors.append(RowError(number, "oferta_nazwa", gettext("An offer item needs a name.")))
        elif len(name) > 200:
            errors.append(
                RowError(
                    number,
                    "oferta_nazwa",
                    gettext("An offer item's name has at most 200 characters."),
                    name[:50] + "…",
                )
            )
        code = cpv_codes.get(raw_cpv.replace(" ", ""))
        if not raw_cpv:
            errors.append(RowError(number, "oferta_cpv", gettext("An offer item needs a CPV code.")))
        elif code is None:
            errors.append(
                RowError(
                    number,
                    "oferta_cpv",
                    gettext(
                        "There is no such code in the CPV 2008 dictionary: a code of the retired CPV 2003 "
                        "vocabulary, or a wrong check digit? Give a current code such as 55520000-1."
                    ),
                    raw_cpv,
                )
            )
        if len(errors) > problems_before:
            continue
        key = (code, name)
        if key in seen:
            errors.append(
                RowError(
                    number,
                    "oferta_nazwa",
                    gettext("This offer item (CPV code and name) repeats row %(row)s.") % {"row": seen[key]},
                    name,
                )
            )
            continue
        seen[key] = number
        stored = offers.get((entity.pk, code, name)) if entity.pk else None
        if stored is None:
            plan.new_offers.append(OfferItem(entity=entity, cpv_id=code, name=name, description=description))
        elif description and description != stored.description:
            stored.description = description
            plan.changed_offers.append(stored)
        else:
            plan.report.offers_unchanged += 1


def _prepare_documents(plan: _Plan) -> None:
    """Give new entities their search document before they are inserted (the same document that
    services.refresh_search_documents computes), so that they are written once and not refreshed."""
    names = CpvCode.objects.in_bulk({item.cpv_id for item in plan.new_offers})
    offers: dict[int, list[OfferItem]] = {}
    for item in plan.new_offers:
        item.cpv = names[item.cpv_id]
        offers.setdefault(id(item.entity), []).append(item)
    for entity in plan.new_entities:
        entity.search_document = entity_document(entity, offers.get(id(entity), []))


# --- writing --------------------------------------------------------------------------------------


def _write(plan: _Plan, *, user: Any) -> list[int]:
    """Write the plan in one transaction, with history rows by `user`; the touched entities' ids."""
    touched: set[int] = set()
    now = timezone.now()
    history = {
        "default_user": user,
        "default_change_reason": CHANGE_REASON,
        "default_date": now,
        "batch_size": 500,
    }
    # Every row was checked against the user's scope in check_rows.
    with transaction.atomic(), system_scope("an import writes rows checked against the user's scope"):
        if plan.new_entities:
            bulk_create_with_history(plan.new_entities, Entity, **history)
            touched.update(entity.pk for entity in plan.new_entities)
        if plan.changed_entities:
            changed = sorted(
                {name for _entity, names in plan.changed_entities for name in names}
                | {"teryt", "sort_name", "updated_at"}
            )
            entities = []
            for entity, _names in plan.changed_entities:
                entity.updated_at = now
                entities.append(entity)
            bulk_update_with_history(
                entities, Entity, [name.removesuffix("_id") for name in changed], **history
            )
            touched.update(entity.pk for entity in entities)
        for entity in plan.moved_entities:
            # Offer items carry their entity's TERYT code for territorial filters (OfferItem.save).
            OfferItem.objects.unscoped(reason="offer items follow their entity").filter(entity=entity).update(
                teryt=entity.teryt
            )
        for item in plan.new_offers:
            # bulk_create takes entity_id from the entity saved above.
            item.teryt = item.entity.teryt
        if plan.new_offers:
            bulk_create_with_history(plan.new_offers, OfferItem, **history)
        if plan.changed_offers:
            bulk_update_with_history(plan.changed_offers, OfferItem, ["description"], **history)
        touched.update(item.entity_id for item in plan.new_offers + plan.changed_offers)
        # New entities got their documents before the insert (_prepare_documents); the others'
        # documents follow from what changed.
        prepared = {entity.pk for entity in plan.new_entities}
        for chunk in _chunks(sorted(touched - prepared), 2000):
            services.refresh_search_documents(chunk)
    return sorted(touched)


def run_import(
    rows_or_file: Any,
    *,
    user: Any,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check and (unless `dry_run`) write a file: a ParsedFile, bytes, a path, an uploaded file, or
    rows as dicts of column → text (numbered from 2, as under a header). Raises ImportFileRejected
    with every problem when anything is wrong; nothing is written then."""
    if isinstance(rows_or_file, ParsedFile):
        parsed = rows_or_file
    elif isinstance(rows_or_file, list) and (not rows_or_file or isinstance(rows_or_file[0], Mapping)):
        header = list(dict.fromkeys(name for row in rows_or_file for name in row))
        lines = [
            (number, [row.get(name, "") for name in header])
            for number, row in enumerate(rows_or_file, start=2)
        ]
        parsed = _parse_table(header, lines, [], {"format": "rows"})
    else:
        parsed = parse_file(rows_or_file)
    plan = check_rows(parsed, user=user, progress=progress)
    report = plan.report
    report.dry_run = dry_run
    if not dry_run and report.changes:
        report.entity_ids = _write(plan, user=user)
    return report
