"""Who may call which advocates URL (joined by lacznik.core.policy; tested by tests/harness), and the
samples the harness makes to call them: the objects of one unit, inside or outside a persona's territory.

Roles and scope (issue #6): an advocate sees and edits the own JST's records, an OWES advisor the JSTs
of the powiats the centre serves, a regional coordinator the voivodeship, the national coordinator all.
"""

from datetime import date, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Max
from django.utils import timezone

from lacznik.accounts.roles import Role
from lacznik.core.models import Job
from lacznik.core.policy import NOBODY, PUBLIC, Policy, Sample, roles
from lacznik.territory.models import Unit
from lacznik.territory.policy import unit_sample, voivodeship_sample

from . import activity, documents
from .models import (
    ActionPlanItem,
    ActivityReport,
    Advocate,
    DocumentTemplate,
    Enrolment,
    EnrolmentDocument,
    Evaluation,
    Reminder,
    ReportingPeriod,
    Stage,
    StarterPackDocument,
    Support,
    TaskCategory,
)

ADVOCATES = roles(Role.ADVOCATE)
REGIONAL = roles(Role.REGIONAL_COORDINATOR)
COORDINATORS = roles(Role.REGIONAL_COORDINATOR, Role.NATIONAL_COORDINATOR)
SUPPORT_RECORDERS = roles(Role.REGIONAL_COORDINATOR, Role.OWES_ADVISOR)
SUPPORT_READERS = roles(Role.REGIONAL_COORDINATOR, Role.OWES_ADVISOR, Role.NATIONAL_COORDINATOR)
REPORT_READERS = roles(Role.ADVOCATE, Role.REGIONAL_COORDINATOR, Role.NATIONAL_COORDINATOR)
PLAN_EDITORS = roles(Role.ADVOCATE, Role.REGIONAL_COORDINATOR)
PACK_READERS = roles(Role.REGIONAL_COORDINATOR, Role.ADVOCATE)

# Tiny but real files for the samples: a PDF header is all the download views look at.
SAMPLE_PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
REASON = "a sample of the permission matrix"


# --- the samples' building blocks -----------------------------------------------------------------


def enrolment_in(code: str) -> Enrolment:
    """The enrolment of the unit `code` (a 7-digit gmina or a 4-digit powiat), made with the unit and
    its parents when missing. One enrolment per unit, shared by every sample below."""
    unit_sample(code if len(code) == 7 else code + "011")
    enrolment, _created = Enrolment.objects.unscoped(reason=REASON).get_or_create(
        unit=Unit.objects.get(code=code)
    )
    return enrolment


def advocate_in(code: str, *, publish_contact: bool = False) -> Advocate:
    """The advocate in office in the unit `code`, appointed when missing (a sample stands in for the
    whole pipeline, as the test factories do, so its enrolment is moved straight to "appointed").

    A gmina's advocate is the advocate persona of the matrix when one holds the role there, else an
    account given the role; a powiat's (the coverage pages' sample, who agreed to publish the contact)
    is an account of its own, so that no persona becomes the advocate of two units."""
    from lacznik.accounts.models import User
    from lacznik.accounts.services import assign_role

    enrolment = enrolment_in(code)
    if enrolment.stage != Stage.APPOINTED:
        Enrolment.objects.unscoped(reason=REASON).filter(pk=enrolment.pk).update(stage=Stage.APPOINTED)
        enrolment.refresh_from_db()
    advocate = Advocate.objects.unscoped(reason=REASON).active().filter(enrolment=enrolment).first()
    if advocate is not None:
        return advocate
    is_gmina = len(code) == 7
    user = None
    if is_gmina:
        user = User.objects.holding(role=Role.ADVOCATE, prefix=code[:6]).order_by("pk").first()
    if user is None:
        user, _created = User.objects.get_or_create(
            email=f"rzecznik.probny.{code}@lacznik.example",
            defaults={"first_name": "Rzecznik", "last_name": f"Próbny {code}", "password": "!"},
        )
        if is_gmina:
            assign_role(user=user, role=Role.ADVOCATE, prefixes=[code[:6]], by=None)
    return Advocate.objects.create(
        enrolment=enrolment, user=user, appointed_on=date(2025, 3, 3), publish_contact=publish_contact
    )


def coordinator_for(code: str):
    """A regional coordinator whose territory holds `code` (the harness's persona when there is one)."""
    from lacznik.accounts.models import User
    from lacznik.accounts.services import assign_role

    user = User.objects.holding(role=Role.REGIONAL_COORDINATOR, prefix=code).order_by("pk").first()
    if user is None:
        user = User.objects.create_user(
            email=f"dokumenty.sample.{code[:2]}@lacznik.example", first_name="Dokumenty"
        )
        assign_role(user=user, role=Role.REGIONAL_COORDINATOR, prefixes=[code[:2]], by=None)
    return user


def _report(code: str, *, with_attachment: bool = False) -> ActivityReport:
    advocate = advocate_in(code)
    description = f"Spotkanie próbne {code}" + (" z dowodem" if with_attachment else "")
    report = (
        ActivityReport.objects.in_scope([advocate.teryt])
        .filter(advocate=advocate, description=description)
        .first()
    )
    if report is None:
        report = ActivityReport(
            advocate=advocate,
            category=TaskCategory.INFORM,
            on=timezone.localdate(),
            description=description,
            people_reached=12,
            link="" if with_attachment else "https://gmina.example/ekonomia-spoleczna",
        )
        if with_attachment:
            report.attachment.save("probny.pdf", ContentFile(SAMPLE_PDF), save=False)
        report.save()
    return report


# --- samples: the enrolment pipeline and the recruitment key ---------------------------------------


def enrolment_sample(code: str) -> Sample:
    """The enrolment of the gmina `code` (7 digits); the page shows the unit's name."""
    enrolment = enrolment_in(code)
    return Sample(kwargs={"pk": enrolment.pk}, marker=enrolment.unit.name)


def candidate_sample(code: str) -> Sample:
    """A JST still to be chosen, inside the gmina `code`'s territory: a gmina of its own with the same
    first six digits and another kind, because the other samples take the enrolments of the gmina and
    of its powiat on to "advocate appointed", out of the recruitment key's list."""
    own = code[:6] + ("3" if code[6] != "3" else "2")
    return Sample(kwargs={}, marker=enrolment_in(own).unit.name)


# --- samples: documents and the starter pack --------------------------------------------------------


def enrolment_document_sample(code: str) -> Sample:
    document = EnrolmentDocument(enrolment=enrolment_in(code), kind=EnrolmentDocument.Kind.SIGNED_SCAN)
    document.file.save(f"{code}-sample.pdf", ContentFile(SAMPLE_PDF), save=True)
    return Sample(kwargs={"pk": document.pk, "extension": "pdf"}, marker=document.get_kind_display())


def region_sample(code: str) -> Sample:
    voivodeship_sample(code)
    return Sample(kwargs={"region": code[:2]}, marker=code[:2])


def template_file_sample(code: str) -> Sample:
    region_sample(code)
    return Sample(kwargs={"region": code[:2], "kind": DocumentTemplate.Kind.COVER_LETTER})


def template_version_sample(code: str) -> Sample:
    region = region_sample(code).kwargs["region"]
    kind = DocumentTemplate.Kind.AGREEMENT
    last = DocumentTemplate.objects.filter(region=region, kind=kind).aggregate(last=Max("version"))["last"]
    template = DocumentTemplate(region=region, kind=kind, version=(last or 0) + 1)
    template.file.save(f"{region}-sample.docx", ContentFile(documents.default_template(kind)), save=True)
    return Sample(kwargs={"pk": template.pk}, marker=str(template.version))


def batch_job_sample(code: str) -> Sample:
    """A finished batch of one document, started by a coordinator whose territory holds `code`."""
    job = Job.objects.create(
        kind=documents.BATCH_KIND,
        created_by=coordinator_for(code),
        total=1,
        payload={"kind": DocumentTemplate.Kind.COVER_LETTER, "region": code[:2], "enrolments": []},
    )
    name = default_storage.save(
        f"advocates/batches/sample-{job.pk}.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18)
    )
    job.move_to(Job.Status.RUNNING)
    job.move_to(
        Job.Status.DONE,
        done=1,
        result={"zip": name, "documents": 1, "kind": DocumentTemplate.Kind.COVER_LETTER},
    )
    return Sample(kwargs={"pk": job.pk}, marker=f"#{job.pk}")


def pack_document_sample(code: str) -> Sample:
    region_sample(code)
    document = StarterPackDocument(region=code[:2], title=f"Poradnik rzecznika {code}", version=1)
    document.file.save(f"{code[:2]}-sample.pdf", ContentFile(SAMPLE_PDF), save=True)
    return Sample(kwargs={"pk": document.pk, "extension": "pdf"}, marker=document.title)


def _pack_file_expect(user, method: str, in_scope: bool) -> set[str] | None:
    # The starter pack is per voivodeship: an advocate of one gmina reads every file of the
    # voivodeship, so a sample made for a neighbouring gmina of the same voivodeship is readable
    # ("ok") while one of another voivodeship is hidden. The persona's scope (a gmina) cannot say which.
    if user is not None and Role.ADVOCATE in set(getattr(user, "roles", ())) and not in_scope:
        return {"ok", "hidden"}
    return None


# --- samples: the advocate's work -------------------------------------------------------------------


def advocate_sample(code: str) -> Sample:
    advocate = advocate_in(code)
    return Sample(kwargs={"pk": advocate.pk}, marker=advocate.user.get_full_name() or advocate.user.email)


def support_sample(code: str) -> Sample:
    advocate = advocate_in(code)
    support, _created = Support.objects.in_scope([advocate.teryt]).get_or_create(
        advocate=advocate,
        provider=f"OWES Próbny {code}",
        defaults={"kind": "training", "on": timezone.localdate(), "hours": 4},
    )
    return Sample(kwargs={"pk": support.pk}, marker=support.provider)


def report_sample(code: str) -> Sample:
    report = _report(code)
    return Sample(kwargs={"pk": report.pk}, marker=report.description)


def attachment_sample(code: str) -> Sample:
    return Sample(kwargs={"pk": _report(code, with_attachment=True).pk, "extension": "pdf"})


def period_sample(code: str) -> Sample:
    """An open reporting period of the voivodeship of `code`, long ago (so that no sample report falls
    in it); its dates differ between voivodeships, so that a list shows which one it is."""
    starts_on = date(2020, 1, 1) + timedelta(days=int(code[:2]))
    period, _created = ReportingPeriod.objects.get_or_create(
        region=code[:2], starts_on=starts_on, defaults={"ends_on": date(2020, 6, 30)}
    )
    return Sample(
        kwargs={"pk": period.pk}, marker=f"{period.starts_on.isoformat()} – {period.ends_on.isoformat()}"
    )


def plan_sample(code: str) -> Sample:
    advocate = advocate_in(code)
    item, _created = ActionPlanItem.objects.in_scope([advocate.teryt]).get_or_create(
        enrolment=advocate.enrolment,
        action=f"Działanie próbne {code}",
        defaults={"owner": "Wydział Spraw Społecznych", "deadline": date(2026, 12, 31)},
    )
    return Sample(kwargs={"pk": item.pk}, marker=item.action)


def evaluation_sample(code: str) -> Sample:
    advocate = advocate_in(code)
    evaluation = Evaluation.objects.in_scope([advocate.teryt]).filter(advocate=advocate).first()
    if evaluation is None:
        period = {"starts_on": date(2025, 1, 1), "ends_on": date(2025, 6, 30)}
        evaluation = Evaluation.objects.create(
            advocate=advocate,
            **period,
            scores={criterion.key: 4 for criterion in activity.CRITERIA},
            figures=activity.activity_figures(advocate=advocate, **period),
            comments=f"Ocena próbna {code}",
        )
    return Sample(kwargs={"pk": evaluation.pk}, marker=evaluation.comments)


def reminder_sample(code: str) -> Sample:
    advocate = advocate_in(code)
    if not advocate.reminders.exists():
        Reminder.objects.create(advocate=advocate, days_without_report=61)
    return Sample(marker=advocate.user.email)


# --- samples: coverage, the public list and the case study ------------------------------------------
# The advocate of the gmina's powiat, not of the gmina: the samples above take the gmina's enrolment.


def _public_row(code: str) -> Sample:
    return Sample(marker=advocate_in(code[:4], publish_contact=True).user.email)


def _case_study_row(code: str) -> Sample:
    return Sample(marker=advocate_in(code[:4], publish_contact=True).enrolment.unit.name)


def _coverage_row(code: str) -> Sample:
    """The voivodeship of `code`: a coordinator's page names the voivodeships it counts."""
    advocate_in(code[:4], publish_contact=True)
    return voivodeship_sample(code)


def _map_row(code: str) -> Sample:
    advocate_in(code[:4], publish_contact=True)
    return Sample(marker=f'"{code[:6]}": ')


def _export_row(code: str) -> Sample:
    advocate_in(code[:4], publish_contact=True)
    return Sample(marker=code)


POLICIES: dict[str, Policy] = {
    # --- the pipeline: the national coordinator reads every region's; regional coordinators change it.
    "advocates:pipeline": Policy(
        read=COORDINATORS, change=REGIONAL, methods=("POST",), rows=enrolment_sample, scoped=True
    ),
    "advocates:enrolment": Policy(read=COORDINATORS, object=enrolment_sample, scoped=True),
    "advocates:enrolment_step": Policy(
        read=NOBODY, change=REGIONAL, methods=("POST",), object=enrolment_sample, scoped=True
    ),
    "advocates:enrolment_office": Policy(
        read=NOBODY, change=REGIONAL, methods=("POST",), object=enrolment_sample, scoped=True
    ),
    "advocates:enrolment_appoint": Policy(
        read=NOBODY, change=REGIONAL, methods=("POST",), object=enrolment_sample, scoped=True
    ),
    "advocates:selection": Policy(
        read=REGIONAL, change=REGIONAL, methods=("POST",), rows=candidate_sample, scoped=True
    ),
    # --- documents: the regional coordinator of the voivodeship.
    "advocates:template_index": Policy(read=REGIONAL),
    "advocates:templates": Policy(
        read=REGIONAL, change=REGIONAL, methods=("POST",), object=region_sample, scoped=True
    ),
    "advocates:template_file": Policy(read=REGIONAL, object=template_file_sample, scoped=True),
    "advocates:template_version": Policy(read=REGIONAL, object=template_version_sample, scoped=True),
    "advocates:documents": Policy(read=REGIONAL, object=enrolment_sample, scoped=True),
    "advocates:document_generate": Policy(
        read=NOBODY, change=REGIONAL, methods=("POST",), object=enrolment_sample, scoped=True
    ),
    "advocates:scan_upload": Policy(
        read=NOBODY, change=REGIONAL, methods=("POST",), object=enrolment_sample, scoped=True
    ),
    "advocates:document_file": Policy(read=REGIONAL, object=enrolment_document_sample, scoped=True),
    "advocates:batch": Policy(read=REGIONAL, change=REGIONAL, methods=("POST",)),
    # A batch is its author's: another coordinator, even of the same territory, gets 404.
    "advocates:batch_job": Policy(read=REGIONAL, object=batch_job_sample, scoped=True),
    "advocates:batch_file": Policy(read=REGIONAL, object=batch_job_sample, scoped=True),
    # The starter pack: the coordinator keeps it, every advocate of the voivodeship reads it.
    "advocates:starter_pack": Policy(read=PACK_READERS),
    "advocates:starter_pack_upload": Policy(read=NOBODY, change=REGIONAL, methods=("POST",)),
    "advocates:starter_pack_file": Policy(
        read=PACK_READERS, object=pack_document_sample, scoped=True, expect=_pack_file_expect
    ),
    # --- the advocate's own page: the own JST's reports, plan and support, never another JST's.
    "advocates:dashboard": Policy(read=ADVOCATES, rows=report_sample, scoped=True),
    # The consent to publish the contact e-mail: the advocate's own, given or withdrawn.
    "advocates:contact_consent": Policy(
        read=NOBODY, change=ADVOCATES, methods=("POST",), object=advocate_sample, scoped=True
    ),
    # Support: coordinators (voivodeship) and OWES advisors (the powiats served) record it; the
    # national coordinator reads it.
    "advocates:support_list": Policy(read=SUPPORT_READERS, rows=support_sample, scoped=True),
    "advocates:support_create": Policy(read=SUPPORT_RECORDERS, change=SUPPORT_RECORDERS, methods=("POST",)),
    "advocates:support_edit": Policy(
        read=SUPPORT_RECORDERS,
        change=SUPPORT_RECORDERS,
        methods=("POST",),
        object=support_sample,
        scoped=True,
    ),
    # Reports: the advocate reports and edits the own JST's; coordinators read their region's.
    "advocates:reports": Policy(read=REPORT_READERS, rows=report_sample, scoped=True),
    "advocates:report_create": Policy(read=ADVOCATES, change=ADVOCATES, methods=("POST",)),
    "advocates:report_detail": Policy(read=REPORT_READERS, object=report_sample, scoped=True),
    "advocates:report_edit": Policy(
        read=ADVOCATES, change=ADVOCATES, methods=("POST",), object=report_sample, scoped=True
    ),
    "advocates:report_attachment": Policy(read=REPORT_READERS, object=attachment_sample, scoped=True),
    # Reporting periods: the regional coordinator opens and closes them; the national one reads them.
    "advocates:periods": Policy(
        read=COORDINATORS, change=REGIONAL, methods=("POST",), rows=period_sample, scoped=True
    ),
    "advocates:period_status": Policy(
        read=NOBODY, change=REGIONAL, methods=("POST",), object=period_sample, scoped=True
    ),
    # The local action plan: the advocate and the coordinator edit it; the national coordinator reads.
    "advocates:plan": Policy(read=REPORT_READERS, rows=plan_sample, scoped=True),
    "advocates:plan_create": Policy(read=PLAN_EDITORS, change=PLAN_EDITORS, methods=("POST",)),
    "advocates:plan_edit": Policy(
        read=PLAN_EDITORS, change=PLAN_EDITORS, methods=("POST",), object=plan_sample, scoped=True
    ),
    # Evaluation: the regional coordinator evaluates; the national coordinator reads.
    "advocates:evaluations": Policy(read=COORDINATORS, rows=advocate_sample, scoped=True),
    "advocates:evaluation_advocate": Policy(read=COORDINATORS, object=advocate_sample, scoped=True),
    "advocates:evaluation_create": Policy(
        read=REGIONAL, change=REGIONAL, methods=("POST",), object=advocate_sample, scoped=True
    ),
    "advocates:evaluation_detail": Policy(read=COORDINATORS, object=evaluation_sample, scoped=True),
    "advocates:reminders": Policy(read=COORDINATORS, rows=reminder_sample, scoped=True),
    # --- coverage: coordinators see their own voivodeship; the national coordinator all 16.
    "advocates:coverage": Policy(read=COORDINATORS, rows=_coverage_row, scoped=True),
    "advocates:coverage_map": Policy(read=COORDINATORS, rows=_map_row, scoped=True),
    "advocates:coverage_export_csv": Policy(read=COORDINATORS, rows=_export_row, scoped=True),
    # A workbook (binary): its numbers are those of the CSV (tests/advocates/test_coverage.py).
    "advocates:coverage_export_xlsx": Policy(read=COORDINATORS),
    # Everyone: the JSTs with an advocate in office, the e-mail only when the advocate agreed.
    "advocates:public_list": Policy(read=PUBLIC, rows=_public_row),
    # The case study of the pilot: a regional coordinator, for the own voivodeship.
    "advocates:case_study": Policy(read=REGIONAL, rows=_case_study_row, scoped=True),
    "advocates:case_study_pdf": Policy(read=REGIONAL),
    "advocates:case_study_docx": Policy(read=REGIONAL),
}
