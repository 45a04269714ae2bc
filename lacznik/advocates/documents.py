"""The documents of the advocates programme (issue 6, point 3): the cover letter to the head of a JST and
the cooperation agreement, from editable DOCX templates, with PDF copies; signed scans; the starter pack.

Templates. Each voivodeship has its current template of each kind: the newest DocumentTemplate it
uploaded, else the default in data/templates/ (made by scripts/make_advocate_templates.py). Officials
edit a template in Word and upload it as a new version. An upload is checked before it is kept: a DOCX
of at most 5 MB whose zip directory is sane (entries, unpacked size: ASVS 5.2.3, read before any part
is opened), which uses only the documented placeholders (PLACEHOLDERS) and which renders with sample
data. Templates render in a sandboxed, autoescaping Jinja2 environment (IN-04): a placeholder cannot
reach Python objects, and a name with `&` or `<` is written as text, not as broken XML.

PDF copies are typeset by Typst (typst/*.typ), with data passed as one JSON string in sys.inputs and
never spliced into markup (as lacznik/events/documents.py does). From the default template, the copy
is typeset from the same data in the designed layout; from a template the region edited, the copy is
typeset from the rendered DOCX itself (its paragraphs, alignment, bold runs and tables: docx_copy.typ),
so that the PDF always says what the DOCX says.

Batches (a ZIP of a DOCX and a PDF per JST) run as a background job (lacznik.core.models.Job) whose
page shows progress. Speed: docxtpl re-parses its template for each render, so each document costs
one parse and one render; the template's bytes are read once per batch. Measured 2026-12-02 on 2
shared cores: 300 default cover letters render in 6.1 s as DOCX and 1.1 s as PDF (`benchmark_batch`);
a whole batch of 300 JSTs (documents stored, ZIP written) takes 13.8 s on SQLite (issue 6: ≤ 60 s).
"""

from __future__ import annotations

import io
import json
import logging
import time
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import typst
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from docxtpl import DocxTemplate, Listing
from jinja2 import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment

from lacznik.accounts.roles import Role
from lacznik.core.models import Job
from lacznik.core.text import fold
from lacznik.territory.models import Unit

from . import addressing
from .models import DocumentTemplate, Enrolment, EnrolmentDocument, StarterPackDocument

logger = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parent / "data" / "templates"
TYPST = Path(__file__).resolve().parent / "typst"

BATCH_KIND = "advocates.documents"
PROGRESS_EVERY = 5

MB = 1024 * 1024
TEMPLATE_MAX_BYTES = 5 * MB
SCAN_MAX_BYTES = 10 * MB
PACK_MAX_BYTES = 20 * MB
# A DOCX is a zip: limits read from its directory before any part is opened (ASVS 5.2.3). Python's
# zipfile never inflates an entry past the size its directory declares (it fails the CRC instead).
ZIP_MAX_ENTRIES = 1000
ZIP_MAX_UNPACKED = 100 * MB

# Documented placeholders: name → meaning. An uploaded template may use these and no others.
PLACEHOLDERS: dict[str, Any] = {
    "adresat_tytul": _(
        "the addressee: the head's title with the office (“Wójt Gminy Kazanów”, “Starosta Płocki”)"
    ),
    "adresat_imie_nazwisko": _("the head's first name and last name"),
    "adres_urzedu": _("the address of the office (line breaks kept)"),
    "tytul": _("the head's title alone (“Wójt”, “Burmistrz”, “Prezydent Miasta”, “Starosta”)"),
    "urzad_dopelniacz": _("the JST in the genitive, as after the title (“Gminy Kazanów”, “Miasta Płocka”)"),
    "zwrot": _("the salutation (“Szanowny Panie Wójcie”, “Szanowna Pani Burmistrz”, “Szanowni Państwo”)"),
    "jst_nazwa": _("the JST in the nominative (“Gmina Kazanów”, “Powiat Płocki”)"),
    "jst_teryt": _("the JST's TERYT code"),
    "jst_rodzaj": _("the kind of the JST (“gmina wiejska”, “powiat”)"),
    "wojewodztwo": _("the voivodeship (“mazowieckie”)"),
    "wojewodztwo_dopelniacz": _("the voivodeship in the genitive (“mazowieckiego”)"),
    "data": _("the date of the document (“2 grudnia 2026”)"),
    "miejscowosc": _("the place where the document is written"),
    "numer_porozumienia": _("the number of the agreement"),
    "data_podpisania": _("the date the agreement was signed (dots when not yet signed)"),
    "strona_1": _("party 1: the regional centre"),
    "reprezentant_1": _("who signs for the regional centre"),
    "strona_2": _("party 2: the JST (as jst_nazwa)"),
    "reprezentant_2": _("who signs for the JST: the head's name and title"),
}

# The regional centres of social policy (party 1), by voivodeship code, with the town of their seat.
# A coordinator can change both on the generation form.
CENTRES = {
    "02": ("Dolnośląski Ośrodek Polityki Społecznej", "Wrocław"),
    "04": ("Regionalny Ośrodek Polityki Społecznej w Toruniu", "Toruń"),
    "06": ("Regionalny Ośrodek Polityki Społecznej w Lublinie", "Lublin"),
    "08": ("Regionalny Ośrodek Polityki Społecznej w Zielonej Górze", "Zielona Góra"),
    "10": ("Regionalne Centrum Polityki Społecznej w Łodzi", "Łódź"),
    "12": ("Regionalny Ośrodek Polityki Społecznej w Krakowie", "Kraków"),
    "14": ("Mazowieckie Centrum Polityki Społecznej", "Warszawa"),
    "16": ("Regionalny Ośrodek Polityki Społecznej w Opolu", "Opole"),
    "18": ("Regionalny Ośrodek Polityki Społecznej w Rzeszowie", "Rzeszów"),
    "20": ("Regionalny Ośrodek Polityki Społecznej w Białymstoku", "Białystok"),
    "22": ("Regionalny Ośrodek Polityki Społecznej w Gdańsku", "Gdańsk"),
    "24": ("Regionalny Ośrodek Polityki Społecznej w Katowicach", "Katowice"),
    "26": ("Regionalny Ośrodek Polityki Społecznej w Kielcach", "Kielce"),
    "28": ("Regionalny Ośrodek Polityki Społecznej w Olsztynie", "Olsztyn"),
    "30": ("Regionalny Ośrodek Polityki Społecznej w Poznaniu", "Poznań"),
    "32": ("Regionalny Ośrodek Polityki Społecznej w Szczecinie", "Szczecin"),
}

UNSIGNED = "……………………"
# The PDF's title (the documents are Polish, as the templates are).
PDF_TITLES = {
    EnrolmentDocument.Kind.COVER_LETTER: "Pismo przewodnie",
    EnrolmentDocument.Kind.AGREEMENT: "Porozumienie o współpracy",
}

# Names of files people download (ASCII, so that every mail client and archiver keeps them).
FILE_WORDS = {
    EnrolmentDocument.Kind.COVER_LETTER: "pismo-przewodnie",
    EnrolmentDocument.Kind.AGREEMENT: "porozumienie",
    EnrolmentDocument.Kind.SIGNED_SCAN: "porozumienie-podpisane",
}


class DocumentRejected(ValueError):
    """An uploaded file that cannot be kept; `problems` says why, in the user's language."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


# --- regions --------------------------------------------------------------------------------------


def regions_of(user: Any, *roles: str) -> list[str]:
    """The voivodeships (2-digit codes) in which `user` holds one of `roles`."""
    return sorted({prefix[:2] for prefix in user.prefixes_for(*roles)})


def coordinated_regions(user: Any) -> list[str]:
    return regions_of(user, Role.REGIONAL_COORDINATOR)


def voivodeship_name(region: str) -> str:
    unit = Unit.objects.filter(code=region).first()
    return unit.name.lower() if unit else region


def centre(region: str) -> tuple[str, str]:
    return CENTRES.get(region, (gettext("Regional centre of social policy"), ""))


# --- the data of one document ---------------------------------------------------------------------


@dataclass(frozen=True)
class Options:
    """What the coordinator sets for a generation: the date and place, party 1 and who signs for it."""

    on: date
    place: str = ""
    centre: str = ""
    centre_representative: str = ""

    def to_payload(self) -> dict[str, str]:
        return {
            "on": self.on.isoformat(),
            "place": self.place,
            "centre": self.centre,
            "centre_representative": self.centre_representative,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, str]) -> Options:
        return cls(
            on=date.fromisoformat(payload["on"]),
            place=payload.get("place", ""),
            centre=payload.get("centre", ""),
            centre_representative=payload.get("centre_representative", ""),
        )

    @classmethod
    def defaults(cls, region: str) -> Options:
        name, seat = centre(region)
        return cls(on=timezone.localdate(), place=seat, centre=name)


def long_date(day: date) -> str:
    with translation.override("pl"):
        return formats.date_format(day, "j E Y")


def _kind_of(unit: Unit) -> str:
    if unit.level == Unit.Level.POWIAT:
        return "miasto na prawach powiatu" if unit.is_city_with_powiat_rights else "powiat"
    return {
        Unit.Kind.URBAN: "gmina miejska",
        Unit.Kind.RURAL: "gmina wiejska",
        Unit.Kind.URBAN_RURAL: "gmina miejsko-wiejska",
    }.get(unit.kind, unit.name_extra)


def document_data(enrolment: Enrolment, options: Options) -> dict[str, Any]:
    """Every placeholder's value for one JST, as plain strings (the PDF's JSON and the DOCX context)."""
    unit = enrolment.unit
    address = addressing.for_enrolment(enrolment)
    region = enrolment.teryt[:2]
    voivodeship = voivodeship_name(region)
    head = enrolment.head_name.strip()
    lines = [line.strip() for line in enrolment.office_address.splitlines() if line.strip()]
    return {
        "adresat_tytul": address.addressee,
        "adresat_imie_nazwisko": head,
        "adres_urzedu": "\n".join(lines),
        "tytul": address.title,
        "urzad_dopelniacz": address.office_genitive,
        "zwrot": address.salutation,
        "jst_nazwa": address.jst_name,
        "jst_teryt": enrolment.teryt,
        "jst_rodzaj": _kind_of(unit),
        "wojewodztwo": voivodeship,
        "wojewodztwo_dopelniacz": addressing.genitive(voivodeship, agree=("sg", "n")),
        "data": long_date(options.on),
        "miejscowosc": options.place,
        "numer_porozumienia": enrolment.agreement_number or UNSIGNED,
        "data_podpisania": long_date(enrolment.agreement_signed_on)
        if enrolment.agreement_signed_on
        else UNSIGNED,
        "strona_1": options.centre,
        "reprezentant_1": options.centre_representative or UNSIGNED,
        "strona_2": address.jst_name,
        "reprezentant_2": f"{head} – {address.addressee}" if head else address.addressee,
    }


def sample_data() -> dict[str, Any]:
    """Data for trying an uploaded template (every placeholder filled, some with XML's special signs)."""
    return {
        "adresat_tytul": "Wójt Gminy Próbna & <Wola>",
        "adresat_imie_nazwisko": "Jan Próbny",
        "adres_urzedu": "ul. Próbna 1\n00-001 Próbna Wola",
        "tytul": "Wójt",
        "urzad_dopelniacz": "Gminy Próbna & <Wola>",
        "zwrot": "Szanowny Panie Wójcie",
        "jst_nazwa": "Gmina Próbna & <Wola>",
        "jst_teryt": "1400000",
        "jst_rodzaj": "gmina wiejska",
        "wojewodztwo": "mazowieckie",
        "wojewodztwo_dopelniacz": "mazowieckiego",
        "data": "2 stycznia 2026",
        "miejscowosc": "Warszawa",
        "numer_porozumienia": "1/2026",
        "data_podpisania": UNSIGNED,
        "strona_1": 'Regionalne "Centrum"',
        "reprezentant_1": "Anna Próbna – Dyrektor",
        "strona_2": "Gmina Próbna & <Wola>",
        "reprezentant_2": "Jan Próbny – Wójt Gminy Próbna",
    }


# --- DOCX -----------------------------------------------------------------------------------------


@cache
def jinja_env() -> SandboxedEnvironment:
    # Sandboxed: a template edited by anyone can call no Python; autoescaped: data is text in the XML.
    return SandboxedEnvironment(autoescape=True)


def _docx_context(data: dict[str, Any]) -> dict[str, Any]:
    context = dict(data)
    # Listing keeps line breaks as Word line breaks (and escapes the text itself).
    context["adres_urzedu"] = Listing(data["adres_urzedu"])
    return context


def render_docx(source: bytes, data: dict[str, Any]) -> bytes:
    template = DocxTemplate(io.BytesIO(source))
    template.render(_docx_context(data), jinja_env=jinja_env(), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def default_template(kind: str) -> bytes:
    return (DATA / f"{kind}.docx").read_bytes()


def current_template(region: str, kind: str) -> tuple[DocumentTemplate | None, bytes]:
    """The newest uploaded template of a region and kind with its bytes; (None, default) when none."""
    template = DocumentTemplate.objects.filter(region=region, kind=kind).order_by("-version").first()
    if template is None:
        return None, default_template(kind)
    with template.file.open("rb") as stream:
        return template, stream.read()


def check_zip(data: bytes, *, required: tuple[str, ...], what: str) -> zipfile.ZipFile:
    """Open a zip-based document after checking its directory; raises DocumentRejected."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DocumentRejected([gettext("The file is not a valid %(what)s file.") % {"what": what}]) from None
    if len(entries) > ZIP_MAX_ENTRIES:
        raise DocumentRejected(
            [
                gettext("The file has too many parts (over %(count)s); it is not an ordinary document.")
                % {"count": ZIP_MAX_ENTRIES}
            ]
        )
    if sum(entry.file_size for entry in entries) > ZIP_MAX_UNPACKED:
        raise DocumentRejected(
            [
                gettext("The file unpacks to more than %(size)s MB; it is not an ordinary document.")
                % {"size": ZIP_MAX_UNPACKED // MB}
            ]
        )
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise DocumentRejected([gettext("The file is encrypted or password-protected.")])
    names = {entry.filename for entry in entries}
    if not set(required) <= names:
        raise DocumentRejected([gettext("The file is not a valid %(what)s file.") % {"what": what}])
    return archive


def check_template(name: str, data: bytes) -> None:
    """Refuse a template upload that is not a small sane DOCX, uses an unknown placeholder or does not
    render; raises DocumentRejected naming every problem found."""
    if not name.lower().endswith(".docx"):
        raise DocumentRejected([gettext("Upload a Word document in DOCX format (.docx).")])
    if len(data) > TEMPLATE_MAX_BYTES:
        raise DocumentRejected([gettext("The template is larger than 5 MB.")])
    if not data.startswith(b"PK\x03\x04"):
        raise DocumentRejected([gettext("The file is not a valid %(what)s file.") % {"what": "DOCX"}])
    check_zip(data, required=("[Content_Types].xml", "word/document.xml"), what="DOCX")
    env = jinja_env()
    try:
        used = DocxTemplate(io.BytesIO(data)).get_undeclared_template_variables(env)
    except TemplateSyntaxError as error:
        raise DocumentRejected(
            [
                gettext("The template has a mistake in a placeholder or tag: %(error)s.")
                % {"error": error.message}
            ]
        ) from None
    except Exception:
        logger.info("an uploaded template could not be read", exc_info=True)
        raise DocumentRejected(
            [gettext("The file is not a valid %(what)s file.") % {"what": "DOCX"}]
        ) from None
    unknown = sorted(set(used) - set(PLACEHOLDERS) - set(env.globals))
    if unknown:
        raise DocumentRejected(
            [
                gettext("Unknown placeholders: %(names)s. Use only the placeholders listed on this page.")
                % {"names": ", ".join(f"{{{{ {name} }}}}" for name in unknown)}
            ]
        )
    try:
        rendered = render_docx(data, sample_data())
        DocxTemplate(io.BytesIO(rendered)).get_docx()
    except Exception as error:  # any failure (sandbox, undefined, XML) refuses the upload
        logger.info("an uploaded template does not render", exc_info=True)
        detail = getattr(error, "message", None) or error.__class__.__name__
        raise DocumentRejected(
            [gettext("The template cannot be filled in: %(error)s.") % {"error": detail}]
        ) from None


def save_template(*, region: str, kind: str, name: str, data: bytes, by: Any) -> DocumentTemplate:
    """Check an uploaded template and keep it as the next version of the region's template."""
    check_template(name, data)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                last = DocumentTemplate.objects.filter(region=region, kind=kind).aggregate(
                    last=Max("version")
                )["last"]
                version = (last or 0) + 1
                template = DocumentTemplate(region=region, kind=kind, version=version, uploaded_by=by)
                template.file.save(
                    f"{region}-{kind}-v{version}-{uuid.uuid4().hex}.docx", ContentFile(data), save=False
                )
                template._history_user = by
                template.save()
                return template
        except IntegrityError:
            continue  # two uploads at once took the same number: take the next one
    raise DocumentRejected(
        [gettext("Another version was uploaded at the same moment; upload the file again.")]
    )


def template_download_name(region: str, kind: str, version: int | None) -> str:
    word = FILE_WORDS[kind]
    return f"szablon-{word}-{region}-v{version}.docx" if version else f"szablon-{word}-{region}-domyslny.docx"


# --- PDF ------------------------------------------------------------------------------------------


def render_pdf(kind: str, data: dict[str, Any]) -> bytes:
    """Typeset the PDF copy of a document (JSON in sys.inputs, never spliced into markup)."""
    payload = {**data, "adres_linie": data["adres_urzedu"].split("\n") if data["adres_urzedu"] else []}
    return typst.compile(
        str(TYPST / f"{kind}.typ"),
        format="pdf",
        sys_inputs={"data": json.dumps(payload, ensure_ascii=False)},
        ignore_system_fonts=True,
    )


def docx_blocks(docx: bytes) -> list[dict[str, Any]]:
    """The paragraphs (text runs, bold, alignment, heading) and tables of a DOCX, in document order."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    document = Document(io.BytesIO(docx))
    alignments = {WD_ALIGN_PARAGRAPH.RIGHT: "right", WD_ALIGN_PARAGRAPH.CENTER: "center"}
    blocks: list[dict[str, Any]] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            style = (item.style.name if item.style is not None else "") or ""
            blocks.append(
                {
                    "kind": "paragraph",
                    "runs": [{"text": run.text, "bold": bool(run.bold)} for run in item.runs if run.text],
                    "align": alignments.get(item.alignment, "left"),
                    "heading": style.startswith(("Heading", "Title", "Nagłówek", "Tytuł")),
                }
            )
        elif isinstance(item, Table):
            blocks.append({"kind": "table", "rows": [[cell.text for cell in row.cells] for row in item.rows]})
    return blocks


def render_pdf_copy(docx: bytes, title: str) -> bytes:
    """The PDF copy of a DOCX rendered from an edited template: what it says, in a plain layout."""
    payload = {"title": title, "blocks": docx_blocks(docx)}
    return typst.compile(
        str(TYPST / "docx_copy.typ"),
        format="pdf",
        sys_inputs={"data": json.dumps(payload, ensure_ascii=False)},
        ignore_system_fonts=True,
    )


# --- generating -----------------------------------------------------------------------------------


def _stem(enrolment: Enrolment, kind: str) -> str:
    return f"{FILE_WORDS[kind]}-{enrolment.teryt}-{slugify(fold(enrolment.unit.name))}"


def extension(name: str) -> str:
    """ "pdf" of "advocates/documents/1462011-scan-0f3a.pdf": the stored file's type, as URLs carry it."""
    return Path(name).suffix.lower().lstrip(".")


def download_name(document: EnrolmentDocument) -> str:
    """The name a person gets: "pismo-przewodnie-1436012-kazanow.docx" (ASCII, RFC 6266 safe)."""
    extension = Path(document.file.name).suffix.lower()
    return f"{_stem(document.enrolment, document.kind)}-{document.pk}{extension}"


def _store(
    enrolment: Enrolment, kind: str, content: bytes, extension: str, template, by
) -> EnrolmentDocument:
    document = EnrolmentDocument(enrolment=enrolment, kind=kind, template=template, created_by=by)
    # The stored name is made here; nothing a user typed reaches the file system.
    document.file.save(
        f"{enrolment.teryt}-{kind}-{uuid.uuid4().hex}{extension}", ContentFile(content), save=False
    )
    document.save()
    return document


@dataclass
class Generated:
    docx: EnrolmentDocument
    pdf: EnrolmentDocument
    docx_bytes: bytes
    pdf_bytes: bytes


def generate(
    *,
    enrolment: Enrolment,
    kind: str,
    options: Options,
    by: Any,
    source: tuple[DocumentTemplate | None, bytes] | None = None,
) -> Generated:
    """Fill the region's current template (or `source`) for one JST and keep the DOCX and its PDF copy."""
    template, data = source or current_template(enrolment.teryt[:2], kind)
    values = document_data(enrolment, options)
    docx = render_docx(data, values)
    if template is None:
        pdf = render_pdf(kind, values)
    else:
        pdf = render_pdf_copy(docx, f"{PDF_TITLES.get(kind, kind)} — {values['jst_nazwa']}")
    return Generated(
        docx=_store(enrolment, kind, docx, ".docx", template, by),
        pdf=_store(enrolment, kind, pdf, ".pdf", template, by),
        docx_bytes=docx,
        pdf_bytes=pdf,
    )


def documents_of(enrolment: Enrolment):
    return enrolment.documents.select_related("template", "created_by").order_by("-created_at", "-pk")


# --- batches --------------------------------------------------------------------------------------


def start_batch(*, enrolment_ids: list[int], kind: str, options: Options, user: Any, region: str) -> Job:
    """Record a batch job for the JSTs and hand it to the worker (run at once in tests)."""
    payload = {
        "enrolments": sorted(set(enrolment_ids)),
        "kind": kind,
        "region": region,
        "options": options.to_payload(),
        "language": translation.get_language() or "pl",
    }
    job = Job.objects.create(
        kind=BATCH_KIND, created_by=user, total=len(payload["enrolments"]), payload=payload
    )
    run_batch_task.enqueue(job_id=job.pk)
    return job


@task()
def run_batch_task(*, job_id: int) -> None:
    """Generate the documents of a batch job (the worker's side of start_batch)."""
    run_batch_job(job_id)


def run_batch_job(job_id: int) -> Job:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return job  # taken already (a task delivered twice)
    job.move_to(Job.Status.RUNNING)
    user = job.created_by
    payload = job.payload
    with translation.override(payload.get("language", "pl")):
        try:
            if user is None or not user.is_active or not user.has_perm("advocates.manage_enrolments"):
                raise PermissionError
            prefixes = [
                prefix
                for prefix in user.prefixes_for(Role.REGIONAL_COORDINATOR)
                if prefix[:2] == payload["region"]
            ]
            enrolments = list(
                Enrolment.objects.in_scope(prefixes)
                .filter(pk__in=payload["enrolments"])
                .select_related("unit")
                .order_by("teryt")
            )
            result = _write_batch(
                job, enrolments, payload["kind"], Options.from_payload(payload["options"]), user
            )
        except PermissionError:
            job.move_to(
                Job.Status.FAILED, result={"message": gettext("You may no longer generate these documents.")}
            )
        except Exception:
            logger.exception("document batch %s failed", job.pk)
            job.move_to(
                Job.Status.FAILED,
                result={"message": gettext("Generating the documents failed unexpectedly.")},
            )
        else:
            job.move_to(Job.Status.DONE, result=result, done=job.total)
    return job


def _write_batch(
    job: Job, enrolments: list[Enrolment], kind: str, options: Options, user: Any
) -> dict[str, Any]:
    source = current_template(job.payload["region"], kind)  # read once for the whole batch
    started = time.perf_counter()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for number, enrolment in enumerate(enrolments, start=1):
            made = generate(enrolment=enrolment, kind=kind, options=options, by=user, source=source)
            stem = _stem(enrolment, kind)
            archive.writestr(f"docx/{stem}.docx", made.docx_bytes)
            archive.writestr(f"pdf/{stem}.pdf", made.pdf_bytes)
            if number % PROGRESS_EVERY == 0:
                job.report_progress(number, len(enrolments))
    name = default_storage.save(
        f"advocates/batches/{job.pk}-{uuid.uuid4().hex}.zip", ContentFile(buffer.getvalue())
    )
    template = source[0]
    return {
        "zip": name,
        "documents": len(enrolments),
        "kind": kind,
        "template_version": template.version if template else 0,
        "seconds": round(time.perf_counter() - started, 1),
        "skipped": job.total - len(enrolments),
    }


def batch_download_name(job: Job) -> str:
    return (
        f"{FILE_WORDS.get(job.payload.get('kind'), 'dokumenty')}-{job.payload.get('region', '')}-{job.pk}.zip"
    )


# --- signed scans and the starter pack -------------------------------------------------------------

# Extension → (magic bytes at the start, content type).
SCAN_TYPES = {
    ".pdf": (b"%PDF-", "application/pdf"),
    ".jpg": (b"\xff\xd8\xff", "image/jpeg"),
    ".jpeg": (b"\xff\xd8\xff", "image/jpeg"),
    ".png": (b"\x89PNG\r\n\x1a\n", "image/png"),
}
PACK_TYPES = {
    ".pdf": (b"%PDF-", "application/pdf"),
    ".docx": (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".odt": (b"PK\x03\x04", "application/vnd.oasis.opendocument.text"),
}
ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"


def content_type(name: str) -> str:
    extension = Path(name).suffix.lower()
    found = SCAN_TYPES.get(extension) or PACK_TYPES.get(extension)
    return found[1] if found else "application/octet-stream"


def check_scan(name: str, size: int, head: bytes) -> str:
    """The extension of an acceptable scan (PDF, JPEG, PNG, ≤ 10 MB, the content matching the name)."""
    extension = Path(name).suffix.lower()
    if extension not in SCAN_TYPES:
        raise DocumentRejected([gettext("Upload the scan as a PDF, JPEG or PNG file.")])
    if size > SCAN_MAX_BYTES:
        raise DocumentRejected([gettext("The scan is larger than 10 MB.")])
    if not head.startswith(SCAN_TYPES[extension][0]):
        raise DocumentRejected(
            [
                gettext("The file's content is not %(type)s, as its name says.")
                % {"type": extension[1:].upper()}
            ]
        )
    return ".jpg" if extension == ".jpeg" else extension


def save_scan(*, enrolment: Enrolment, name: str, data: bytes, by: Any) -> EnrolmentDocument:
    extension = check_scan(name, len(data), data[:16])
    return _store(enrolment, EnrolmentDocument.Kind.SIGNED_SCAN, data, extension, None, by)


def check_pack_file(name: str, size: int, data_or_head: bytes) -> str:
    """The extension of an acceptable starter pack file (PDF, DOCX, ODT, ≤ 20 MB, content matching)."""
    extension = Path(name).suffix.lower()
    if extension not in PACK_TYPES:
        raise DocumentRejected([gettext("Upload a PDF, DOCX or ODT file.")])
    if size > PACK_MAX_BYTES:
        raise DocumentRejected([gettext("The file is larger than 20 MB.")])
    if not data_or_head.startswith(PACK_TYPES[extension][0]):
        raise DocumentRejected(
            [
                gettext("The file's content is not %(type)s, as its name says.")
                % {"type": extension[1:].upper()}
            ]
        )
    if extension == ".docx":
        check_zip(data_or_head, required=("[Content_Types].xml", "word/document.xml"), what="DOCX")
    elif extension == ".odt":
        archive = check_zip(data_or_head, required=("mimetype", "content.xml"), what="ODT")
        entry = archive.getinfo("mimetype")
        if entry.file_size > 100 or archive.read(entry).strip() != ODT_MIMETYPE:
            raise DocumentRejected([gettext("The file is not a valid %(what)s file.") % {"what": "ODT"}])
    return extension


def current_pack(regions: list[str]) -> tuple[list[StarterPackDocument], list[StarterPackDocument]]:
    """(current versions, older versions) of the starter pack of `regions`."""
    current, older, seen = [], [], set()
    for document in (
        StarterPackDocument.objects.filter(region__in=regions)
        .select_related("published_by")
        .order_by("region", "title", "-version")
    ):
        key = (document.region, document.title.lower())
        (older if key in seen else current).append(document)
        seen.add(key)
    return current, older


def publish_pack_document(*, region: str, title: str, name: str, data: bytes, by: Any) -> StarterPackDocument:
    """Keep a starter pack file as the next version of its title (a new title starts at version 1)."""
    extension = check_pack_file(name, len(data), data)
    title = " ".join(title.split())
    for _attempt in range(3):
        try:
            with transaction.atomic():
                existing = (
                    StarterPackDocument.objects.filter(region=region, title__iexact=title)
                    .order_by("-version")
                    .first()
                )
                if existing is not None:
                    title = existing.title  # a new version keeps the title's spelling
                version = existing.version + 1 if existing else 1
                document = StarterPackDocument(region=region, title=title, version=version, published_by=by)
                document.file.save(f"{region}-{uuid.uuid4().hex}{extension}", ContentFile(data), save=False)
                document._history_user = by
                document.save()
                return document
        except IntegrityError:
            continue
    raise DocumentRejected(
        [gettext("Another version was uploaded at the same moment; upload the file again.")]
    )


def pack_download_name(document: StarterPackDocument) -> str:
    extension = Path(document.file.name).suffix.lower()
    return f"{slugify(fold(document.title))[:80] or 'dokument'}-v{document.version}{extension}"


# --- measuring ------------------------------------------------------------------------------------


def benchmark_batch(count: int = 300, kind: str = EnrolmentDocument.Kind.COVER_LETTER) -> dict[str, float]:
    """Time `count` renders of the default template (DOCX and PDF), without the database: what a
    batch of `count` JSTs costs in rendering. Issue 6 figure: 300 cover letters ≤ 60 s."""
    source = default_template(kind)
    data = sample_data()
    started = time.perf_counter()
    for _round in range(count):
        render_docx(source, data)
    docx_seconds = time.perf_counter() - started
    started = time.perf_counter()
    for _round in range(count):
        render_pdf(kind, data)
    pdf_seconds = time.perf_counter() - started
    return {"count": count, "docx_seconds": round(docx_seconds, 2), "pdf_seconds": round(pdf_seconds, 2)}
