"""The documents of an event and the records behind them: attendance per day, the sign-in sheet
(lista obecności) as PDF and XLSX, and certificates of participation as PDF with a code anyone can check.

PDFs are typeset by Typst from the templates in `typst/`, with the fonts inside the typst wheel (no
system font, no network). People's names and every other text reach Typst as one JSON string in
`sys.inputs`, which the template decodes with `json(...)`: data is never spliced into Typst markup,
so a name such as `#panic("x")` or `]` is printed as written (IN-04).

Who gets a certificate: a confirmed participant recorded present on at least one day of the event;
the certificate names the days of presence. One certificate per registration (a unique constraint).
"""

import io
import json
import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import typst
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from lacznik.territory.models import Unit

from .models import Attendance, Certificate, Event, Registration

TEMPLATES = Path(__file__).resolve().parent / "typst"

# Codes people read off paper and type: no 0/O, 1/I/L look-alikes; 31^10 ≈ 8·10^14 codes.
CODE_PREFIX = "LCZ-"
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


# --- reads ----------------------------------------------------------------------------------------


def _locked(event: Event) -> Event:
    return Event.objects.unscoped(reason="the event being changed").select_for_update().get(pk=event.pk)


def participants(event: Event) -> QuerySet:
    """The confirmed participants of an event, in the order they registered."""
    return (
        Registration.objects.unscoped(reason="the registrations of an event in the caller's scope")
        .filter(event=event, status=Registration.Status.CONFIRMED)
        .order_by("last_name", "first_name", "sequence")
    )


def attendees(event: Event) -> QuerySet:
    """Confirmed participants recorded present on at least one day: those who get a certificate."""
    present = Attendance.objects.filter(registration=OuterRef("pk"), present=True)
    return participants(event).filter(Exists(present))


def attendance_marks(event: Event) -> set[tuple[int, date]]:
    """(registration id, day) of every recorded presence at the event."""
    return set(
        Attendance.objects.filter(registration__event=event, present=True).values_list("registration_id", "day")
    )


# --- writes ---------------------------------------------------------------------------------------


@transaction.atomic
def record_attendance(*, event: Event, days: list[date], present: set[tuple[int, date]], by) -> int:
    """Write who was present on `days` (every confirmed participant × day: present or absent).

    Saving the same grid twice changes nothing: a row is written only when it is new or its value
    changed, with the user in its history. Returns the number of rows written."""
    event = _locked(event)  # two coordinators saving at once take turns
    registrations = list(participants(event).values_list("pk", flat=True))
    existing = {
        (row.registration_id, row.day): row
        for row in Attendance.objects.filter(registration_id__in=registrations, day__in=days)
    }
    written = 0
    for registration_id in registrations:
        for day in days:
            value = (registration_id, day) in present
            row = existing.get((registration_id, day))
            if row is not None and row.present == value:
                continue
            if row is None:
                row = Attendance(registration_id=registration_id, day=day)
            row.present = value
            row._history_user = by
            row.save()
            written += 1
    return written


def new_certificate_code() -> str:
    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@transaction.atomic
def issue_certificates(*, event: Event, by) -> list[Certificate]:
    """Issue a certificate to every attendee who has none yet; issuing again adds only the new ones."""
    event = _locked(event)
    issued = []
    waiting = attendees(event).filter(certificate__isnull=True, anonymised_at__isnull=True)
    for registration in waiting:
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    certificate = Certificate.objects.create(
                        registration=registration, code=new_certificate_code(), issued_by=by
                    )
            except IntegrityError:
                # A code drawn twice in 8·10^14 (draw again); the registration is safe under the lock.
                continue
            issued.append(certificate)
            break
        else:  # pragma: no cover - five collisions in a row do not happen
            raise RuntimeError("Could not draw a unique certificate code.")
    return issued


# --- texts ----------------------------------------------------------------------------------------


def territory_name(code: str) -> str:
    """"województwo mazowieckie", "powiat bolesławiecki", or the code when the register lacks it."""
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        return code
    if unit.level == Unit.Level.VOIVODESHIP:
        return f"{unit.name_extra} {unit.name.lower()}".strip()
    if unit.level == Unit.Level.POWIAT and unit.name_extra == "powiat":
        return f"powiat {unit.name}"
    return f"{unit.name} ({unit.name_extra})" if unit.name_extra else unit.name


def long_date(day: date) -> str:
    return formats.date_format(day, "j E Y")


def when(event: Event) -> str:
    """"12 marca 2026, 10:00–16:00", or both ends when the event lasts several days."""
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    if start.date() == end.date():
        return f"{long_date(start.date())}, {start:%H:%M}–{end:%H:%M}"
    return f"{long_date(start.date())}, {start:%H:%M} – {long_date(end.date())}, {end:%H:%M}"


def place(event: Event) -> str:
    if event.is_online:
        return _("online") + (f" ({event.venue})" if event.venue else "")
    return event.venue


def organiser(event: Event) -> str:
    # TODO(#7): an organiser field on Event; until then, the coordinator of the event's territory.
    return _("Social economy coordinator, %(territory)s") % {"territory": territory_name(event.teryt[:2])}


def person_name(registration: Registration) -> str:
    if registration.anonymised_at:
        return _("(anonymised)")
    return f"{registration.first_name} {registration.last_name}".strip()


# --- rendering ------------------------------------------------------------------------------------


def render_pdf(template: str, data: dict) -> bytes:
    """Typeset `typst/<template>` with `data` (JSON in sys.inputs, never spliced into markup)."""
    return typst.compile(
        str(TEMPLATES / template),
        format="pdf",
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        ignore_system_fonts=True,
    )


def sign_in_sheet_data(event: Event, day: date) -> dict:
    days = event.days
    rows = [
        {"number": number, "name": person_name(registration), "organisation": registration.organisation}
        for number, registration in enumerate(participants(event), start=1)
    ]
    return {
        "heading": _("Attendance list"),
        "title": event.title,
        "kind": event.get_kind_display(),
        "labels": {
            "date": _("Date"),
            "place": _("Place"),
            "organiser": _("Organiser"),
            "number": _("No."),
            "name": _("First name and last name"),
            "organisation": _("Organisation"),
            "signature": _("Signature"),
        },
        "date": long_date(day),
        "day": (
            _("day %(number)s of %(count)s") % {"number": days.index(day) + 1, "count": len(days)}
            if len(days) > 1
            else ""
        ),
        "place": place(event),
        "organiser": organiser(event),
        "rows": rows,
    }


def sign_in_sheet_pdf(event: Event, day: date) -> bytes:
    return render_pdf("sign_in_sheet.typ", sign_in_sheet_data(event, day))


def sign_in_sheet_xlsx(event: Event, day: date) -> bytes:
    """The same sheet as a workbook (A4 portrait), for offices that fill it on a computer."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    data = sign_in_sheet_data(event, day)
    labels = data["labels"]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = data["heading"][:31]
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = sheet.ORIENTATION_PORTRAIT
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True

    def text(row: int, column: int, value, **style) -> None:
        cell = sheet.cell(row=row, column=column, value=value)
        if isinstance(value, str):
            # openpyxl takes a text starting with "=" for a formula: every text is a string cell.
            cell.data_type = "s"
        for name, setting in style.items():
            setattr(cell, name, setting)

    text(1, 1, data["heading"], font=Font(bold=True, size=14))
    text(2, 1, data["title"], font=Font(bold=True))
    text(3, 1, f"{labels['date']}: {data['date']}" + (f" ({data['day']})" if data["day"] else ""))
    text(4, 1, f"{labels['place']}: {data['place']}")
    text(5, 1, f"{labels['organiser']}: {data['organiser']}")
    header_row = 7
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for column, label in enumerate(
        (labels["number"], labels["name"], labels["organisation"], labels["signature"]), start=1
    ):
        text(header_row, column, label, font=Font(bold=True), border=border)
    for offset, row in enumerate(data["rows"], start=1):
        line = header_row + offset
        text(line, 1, row["number"], border=border)
        text(line, 2, row["name"], border=border, alignment=Alignment(wrap_text=True, vertical="center"))
        text(line, 3, row["organisation"], border=border, alignment=Alignment(wrap_text=True, vertical="center"))
        text(line, 4, "", border=border)
        sheet.row_dimensions[line].height = 30
    for column, width in zip("ABCD", (6, 32, 30, 28), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.print_title_rows = f"{header_row}:{header_row}"
    target = io.BytesIO()
    workbook.save(target)
    return target.getvalue()


def verification_url(certificate: Certificate) -> str:
    return settings.LACZNIK_SITE_URL.rstrip("/") + reverse("events:verify_certificate", args=[certificate.code])


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate states; the verification page shows the same facts."""

    name: str
    event: Event
    days_present: list[date]


def certificate_facts(certificate: Certificate) -> CertificateFacts:
    registration = certificate.registration
    days = sorted(
        Attendance.objects.filter(registration=registration, present=True).values_list("day", flat=True)
    )
    return CertificateFacts(name=person_name(registration), event=registration.event, days_present=days)


def certificate_data(certificate: Certificate) -> dict:
    facts = certificate_facts(certificate)
    event = facts.event
    return {
        "heading": _("Certificate of participation"),
        "confirms": _("This is to certify that"),
        "name": facts.name,
        "took_part": _("took part in the event"),
        "title": event.title,
        "labels": {
            "kind": _("Kind"),
            "when": _("Date and hours"),
            "place": _("Place"),
            "days": _("Days present"),
            "organiser": _("Organiser"),
            "project": _("Project"),
            "code": _("Certificate code"),
            "verify": _("Check that this certificate is genuine at"),
            "issued": _("Issued on"),
        },
        "kind": event.get_kind_display(),
        "when": when(event),
        "place": place(event),
        "days": ", ".join(long_date(day) for day in facts.days_present),
        "organiser": organiser(event),
        "project": event.project,
        "code": certificate.code,
        "url": verification_url(certificate),
        "issued": long_date(timezone.localtime(certificate.issued_at).date()),
    }


def certificate_pdf(certificate: Certificate) -> bytes:
    return render_pdf("certificate.typ", certificate_data(certificate))
