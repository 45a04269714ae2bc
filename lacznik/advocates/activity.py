"""The advocate's work after the appointment (issue #6 points 5-7): the support each advocate receives,
the activity reports with their evidence, the reporting periods that close them, the JST's local
action plan, the cyclical evaluation with the period's figures, and the reminders to advocates who
have not reported for a while.

Who acts where is read from the roles' TERYT prefixes (`*_prefixes` below); views ask these functions,
so that a list, a lookup and a form choose from the same territory.
"""

import uuid
import zipfile
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lacznik.accounts.roles import Role
from lacznik.core.scope import in_scope, prefix_q

from .models import (
    ActionPlanItem,
    ActivityReport,
    Advocate,
    Evaluation,
    Reminder,
    ReportingPeriod,
    Stage,
    Support,
    SupportKind,
    TaskCategory,
)

# --- who acts where -------------------------------------------------------------------------------


def support_prefixes(user) -> frozenset[str]:
    """Where the user records support: a regional coordinator's voivodeship, an OWES advisor's powiats."""
    return user.prefixes_for(Role.REGIONAL_COORDINATOR, Role.OWES_ADVISOR)


def support_reader_prefixes(user) -> frozenset[str]:
    return user.prefixes_for(Role.REGIONAL_COORDINATOR, Role.OWES_ADVISOR, Role.NATIONAL_COORDINATOR)


def advocate_prefixes(user) -> frozenset[str]:
    """The advocate's own JST (a gmina's 6 digits or a powiat's 4)."""
    return user.prefixes_for(Role.ADVOCATE)


def coordinator_prefixes(user) -> frozenset[str]:
    return user.prefixes_for(Role.REGIONAL_COORDINATOR)


def evaluation_reader_prefixes(user) -> frozenset[str]:
    return user.prefixes_for(Role.REGIONAL_COORDINATOR, Role.NATIONAL_COORDINATOR)


def own_advocacies(user):
    """The user's own active appointments (normally one: the advocate of one JST)."""
    return (
        Advocate.objects.in_scope(advocate_prefixes(user))
        .active()
        .filter(user=user)
        .select_related("enrolment__unit")
    )


def own_jst_codes(user) -> frozenset[str]:
    """The exact TERYT codes of the JSTs where the user is the advocate in office: a gmina's 7 digits,
    a powiat's 4. Not the role's prefix: a powiat's prefix also starts the codes of its gminas, whose
    records are not the powiat advocate's; and an advocate whose term ended has none."""
    return frozenset(own_advocacies(user).values_list("teryt", flat=True))


def reachable(queryset, user, *roles: str):
    """The rows of `queryset` (a scoped model's) that `user` reaches through `roles`: the territory of
    each role held, except the advocate's, which reaches the own JST in office exactly (own_jst_codes)."""
    territorial = [role for role in roles if role != Role.ADVOCATE]
    prefixes = user.prefixes_for(*territorial) if territorial else frozenset()
    own = own_jst_codes(user) if Role.ADVOCATE in roles else frozenset()
    wanted = Q(teryt__in=own)
    if prefixes:
        wanted |= prefix_q(prefixes)
    return queryset.in_scope(prefixes | own).filter(wanted)


@transaction.atomic
def set_contact_consent(*, advocate: Advocate, publish: bool, by) -> Advocate:
    """The advocate gives or withdraws consent to publish the contact e-mail on the public list (a
    consent under RODO art. 7(3) may be withdrawn as easily as it was given); recorded in history."""
    advocate.publish_contact = publish
    advocate._history_user = by
    advocate._change_reason = "advocates.contact_consent." + ("given" if publish else "withdrawn")
    advocate.save(update_fields=["publish_contact"])
    return advocate


def _today() -> date:
    return timezone.localdate()


# --- support --------------------------------------------------------------------------------------


def record_support(*, support: Support, by) -> Support:
    """Save the support an advocate received (new or changed), with history under `by`."""
    if support.on and support.on > _today():
        raise ValidationError({"on": _("Support is recorded once given: the date cannot be in the future.")})
    if support.recorded_by_id is None:
        support.recorded_by = by
    support._history_user = by
    support._change_reason = "advocates.support.recorded"
    support.save()
    return support


def hours_by_kind(queryset) -> list[dict]:
    """Totals of a support list: every kind of the programme with its count and hours (0 when none)."""
    found = {
        row["kind"]: row
        for row in queryset.order_by().values("kind").annotate(count=Count("pk"), hours=Sum("hours"))
    }
    return [
        {
            "kind": kind,
            "label": label,
            "count": found.get(kind, {}).get("count", 0),
            "hours": found.get(kind, {}).get("hours") or Decimal("0"),
        }
        for kind, label in SupportKind.choices
    ]


# --- reporting periods ----------------------------------------------------------------------------


def closed_period_on(*, teryt: str, on: date) -> ReportingPeriod | None:
    """The closed reporting period of the JST's voivodeship that contains `on`, if any."""
    return (
        ReportingPeriod.objects.filter(
            region=teryt[:2], starts_on__lte=on, ends_on__gte=on, closed_at__isnull=False
        )
        .order_by("starts_on")
        .first()
    )


@transaction.atomic
def open_period(*, region: str, starts_on: date, ends_on: date, by) -> ReportingPeriod:
    """A new (open) reporting period of the voivodeship; periods of one voivodeship never overlap."""
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("A period cannot end before it starts.")})
    overlapping = ReportingPeriod.objects.filter(
        region=region, starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    other = overlapping.order_by("starts_on").first()
    if other is not None:
        raise ValidationError(
            _("The period overlaps the period %(start)s – %(end)s.")
            % {"start": other.starts_on, "end": other.ends_on}
        )
    period = ReportingPeriod(region=region, starts_on=starts_on, ends_on=ends_on)
    period._history_user = by
    period._change_reason = "advocates.period.opened"
    period.save()
    return period


def set_period_closed(*, period: ReportingPeriod, closed: bool, by) -> ReportingPeriod:
    """Close a period (its reports can no longer change) or open it again."""
    period.closed_at = timezone.now() if closed else None
    period._history_user = by
    period._change_reason = "advocates.period.closed" if closed else "advocates.period.reopened"
    period.save(update_fields=["closed_at"])
    return period


# --- activity reports -----------------------------------------------------------------------------

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Extension → the bytes such a file starts with. DOCX and ODT are zip archives: their contents are
# checked too (a renamed zip is not a document).
ATTACHMENT_SIGNATURES = {
    "pdf": b"%PDF-",
    "docx": b"PK\x03\x04",
    "odt": b"PK\x03\x04",
    "jpg": b"\xff\xd8\xff",
    "jpeg": b"\xff\xd8\xff",
    "png": b"\x89PNG\r\n\x1a\n",
}
ATTACHMENT_CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
ALLOWED_TYPES_TEXT = "PDF, DOCX, ODT, JPEG, PNG"


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _is_document_archive(upload: UploadedFile, extension: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if extension == "docx":
                return "[Content_Types].xml" in names and any(name.startswith("word/") for name in names)
            if "mimetype" not in names:
                return False
            with archive.open("mimetype") as mimetype:
                return mimetype.read(len(ODT_MIMETYPE) + 1).strip() == ODT_MIMETYPE
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return False
    finally:
        upload.seek(0)


def validate_attachment(upload: UploadedFile) -> str:
    """Refuse a file of another type (by its extension and by its first bytes) or over 10 MB; answers
    the file's extension."""
    extension = _extension(upload.name or "")
    if extension not in ATTACHMENT_SIGNATURES:
        raise ValidationError(
            _("Files of type “%(extension)s” are not accepted; attach %(allowed)s.")
            % {"extension": extension or "?", "allowed": ALLOWED_TYPES_TEXT},
            code="file_type",
        )
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is 10 MB.") % {"size": f"{upload.size / 1024 / 1024:.1f}"},
            code="file_size",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    signature = ATTACHMENT_SIGNATURES[extension]
    content_ok = head.startswith(signature)
    if content_ok and extension in ("docx", "odt"):
        content_ok = _is_document_archive(upload, extension)
    if not content_ok:
        raise ValidationError(
            _("The file named .%(extension)s does not contain a %(kind)s document; attach %(allowed)s.")
            % {"extension": extension, "kind": extension.upper(), "allowed": ALLOWED_TYPES_TEXT},
            code="file_content",
        )
    return "jpg" if extension == "jpeg" else extension


def check_report_date(*, teryt: str, on: date) -> None:
    if on > _today():
        raise ValidationError({"on": _("A report cannot be dated in the future.")})
    period = closed_period_on(teryt=teryt, on=on)
    if period is not None:
        raise ValidationError(
            {
                "on": _(
                    "The reporting period %(start)s – %(end)s is closed: a report dated %(date)s can no "
                    "longer be added or changed."
                )
                % {"start": period.starts_on, "end": period.ends_on, "date": on}
            }
        )


def report_is_editable(report: ActivityReport) -> bool:
    return closed_period_on(teryt=report.teryt, on=report.on) is None


@transaction.atomic
def save_report(*, report: ActivityReport, by, attachment: UploadedFile | None = None) -> ActivityReport:
    """Add or change an activity report. Refuses a date in the future or in a closed period, a change
    of a report whose period is closed, and an attachment of a wrong type or size; then nothing is
    saved. An attachment is stored under a name the server makes."""
    if report.pk is not None:
        stored = ActivityReport.objects.in_scope([report.teryt]).select_for_update().get(pk=report.pk)
        if not report_is_editable(stored):
            raise ValidationError(
                _("The reporting period of this report is closed; it can no longer be changed.")
            )
    check_report_date(teryt=report.advocate.teryt, on=report.on)
    if not (report.link or report.attachment or attachment):
        raise ValidationError(_("Give the evidence: a link or an attachment."))
    if attachment is not None:
        extension = validate_attachment(attachment)
        report.attachment.save(f"{uuid.uuid4().hex}.{extension}", attachment, save=False)
    report._history_user = by
    report._change_reason = "advocates.report.changed" if report.pk else "advocates.report.added"
    report.save()
    return report


# --- the local action plan ------------------------------------------------------------------------


def save_plan_item(*, item: ActionPlanItem, by) -> ActionPlanItem:
    item._history_user = by
    item._change_reason = "advocates.plan.changed" if item.pk else "advocates.plan.added"
    item.save()
    return item


# --- evaluation -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str


# The criteria of the cyclical evaluation (dokumenty.txt section 6: "bieżąca współpraca z wybranymi
# rzecznikami i ich cykliczna ocena"), each scored 1-5. Kept in one place: the form, the page and the
# stored scores all read this list.
CRITERIA = [
    Criterion("activity", _("activity")),
    Criterion("cooperation_rops", _("cooperation with MCPS / ROPS")),
    Criterion("cooperation_owes", _("cooperation with OWES")),
    Criterion("local_impact", _("local impact")),
]
SCORES = [(score, str(score)) for score in range(1, 6)]


def activity_figures(
    *, advocate: Advocate, starts_on: date, ends_on: date, today: date | None = None
) -> dict:
    """The advocate's figures of a period, as stored with an evaluation: reports by category, people
    reached, support hours (and by kind), and days from the last report to the end of the period (or
    to today, if it ends later); None when the advocate never reported by then."""
    today = today or _today()
    scope = [advocate.teryt]
    reports = ActivityReport.objects.in_scope(scope).filter(
        advocate=advocate, on__gte=starts_on, on__lte=ends_on
    )
    by_category = dict(reports.order_by().values_list("category").annotate(n=Count("pk")))
    people = reports.aggregate(total=Sum("people_reached"))["total"] or 0
    support = Support.objects.in_scope(scope).filter(advocate=advocate, on__gte=starts_on, on__lte=ends_on)
    support_hours = {
        kind: float(hours or 0)
        for kind, hours in support.order_by().values_list("kind").annotate(h=Sum("hours"))
    }
    until = min(ends_on, today)
    last = (
        ActivityReport.objects.in_scope(scope)
        .filter(advocate=advocate, on__lte=until)
        .aggregate(last=Max("on"))["last"]
    )
    return {
        "reports": sum(by_category.values()),
        "reports_by_category": {category: by_category.get(category, 0) for category in TaskCategory.values},
        "people_reached": people,
        "support_hours": round(sum(support_hours.values()), 1),
        "support_hours_by_kind": {kind: support_hours.get(kind, 0.0) for kind in SupportKind.values},
        "last_report_on": last.isoformat() if last else None,
        "days_since_last_report": (until - last).days if last else None,
    }


def figures_for_display(figures: dict) -> dict:
    """Stored figures with the labels of their categories and kinds, for a page."""
    categories = dict(TaskCategory.choices)
    kinds = dict(SupportKind.choices)
    return {
        **figures,
        "categories": [
            (categories.get(key, key), value) for key, value in figures.get("reports_by_category", {}).items()
        ],
        "kinds": [
            (kinds.get(key, key), value) for key, value in figures.get("support_hours_by_kind", {}).items()
        ],
    }


@transaction.atomic
def evaluate_advocate(
    *, advocate: Advocate, starts_on: date, ends_on: date, scores: dict[str, int], comments: str, by
) -> Evaluation:
    """Store an evaluation with the figures of its period as they are now."""
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("A period cannot end before it starts.")})
    if ends_on > _today():
        raise ValidationError(
            {"ends_on": _("Evaluate a period that has ended: the end cannot be in the future.")}
        )
    keys = {criterion.key for criterion in CRITERIA}
    if set(scores) != keys or any(int(value) not in range(1, 6) for value in scores.values()):
        raise ValidationError(_("Give every criterion a score from 1 to 5."))
    evaluation = Evaluation(
        advocate=advocate,
        starts_on=starts_on,
        ends_on=ends_on,
        scores={key: int(value) for key, value in scores.items()},
        figures=activity_figures(advocate=advocate, starts_on=starts_on, ends_on=ends_on),
        comments=comments.strip(),
        evaluated_by=by,
    )
    evaluation._history_user = by
    evaluation._change_reason = "advocates.evaluation.added"
    evaluation.save()
    return evaluation


def default_evaluation_period(advocate: Advocate) -> tuple[date, date]:
    """The last ended reporting period of the advocate's voivodeship; without one, the last half-year."""
    today = _today()
    period = (
        ReportingPeriod.objects.filter(region=advocate.teryt[:2], ends_on__lte=today)
        .order_by("-ends_on")
        .first()
    )
    if period is not None:
        return period.starts_on, period.ends_on
    return max(advocate.appointed_on, today - timedelta(days=182)), today


# --- reminders ------------------------------------------------------------------------------------

# An advocate reminded once is not reminded again for this many days.
REMINDER_REPEAT_DAYS = 14


def reminder_threshold_days() -> int:
    return int(getattr(settings, "LACZNIK_ADVOCATE_REMINDER_DAYS", 60))


def advocates_due(
    *, prefixes=None, today: date | None = None, threshold: int | None = None
) -> list[tuple[Advocate, int]]:
    """Active advocates (with an active account, of a JST not suspended) who have not reported for
    `threshold` days or more (counted from the last report, or from the appointment when there is
    none) and were not reminded in the last REMINDER_REPEAT_DAYS days; with the days without a
    report. Every territory when `prefixes` is None (the daily command)."""
    today = today or _today()
    threshold = reminder_threshold_days() if threshold is None else threshold
    # A suspended JST's advocate is not asked to report.
    advocates = Advocate.objects.active().filter(user__is_active=True, enrolment__stage=Stage.APPOINTED)
    if prefixes is None:
        advocates = advocates.unscoped(reason="the daily reminders go to advocates of every region")
    else:
        advocates = advocates.in_scope(prefixes)
    recent = timezone.now() - timedelta(days=REMINDER_REPEAT_DAYS)
    advocates = (
        advocates.annotate(last_report=Max("reports__on"))
        .exclude(reminders__sent_at__gte=recent)
        .select_related("user", "enrolment__unit")
        .order_by("teryt", "pk")
    )
    due = []
    for advocate in advocates:
        since = advocate.last_report or advocate.appointed_on
        days = (today - since).days
        if days >= threshold:
            due.append((advocate, days))
    return due


@transaction.atomic
def send_reminders(*, today: date | None = None) -> list[Reminder]:
    """Record a Reminder for every advocate due and mail each one (after the commit, through the task
    queue). Running it again the same day finds no one: they were reminded just now."""
    from .tasks import send_advocate_reminder

    reminders = []
    for advocate, days in advocates_due(today=today):
        reminder = Reminder.objects.create(advocate=advocate, days_without_report=days)
        reminders.append(reminder)
        transaction.on_commit(lambda pk=reminder.pk: send_advocate_reminder.enqueue(reminder_id=pk))
    return reminders


def reminders_in_scope(prefixes):
    return in_scope(
        Reminder.objects.select_related("advocate__user", "advocate__enrolment__unit"),
        prefixes,
        "advocate__teryt",
    )
