"""The bulk import pages of a regional coordinator: upload, check (preview), confirm, progress.

Flow: the upload page reads the file and starts a check job (at once for small files, by the worker
for large ones); the job page shows its progress, then every problem, or what the import will do with
a confirm button; confirming starts the write job, whose page shows the result. A coordinator sees
only the jobs they started (another person's job is 404).
"""

from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.db.models.fields.json import KeyTransform
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRefresh

from lacznik.accounts.roles import Role
from lacznik.core.models import Job
from lacznik.core.policy import Policy, Sample, roles

from . import import_files, import_jobs

PERMISSION = "entities.import_entities"
PROBLEMS_PER_PAGE = 100
KINDS = (import_files.CHECK_KIND, import_files.WRITE_KIND)


class ImportSizeLimit(FileUploadHandler):
    """Stops receiving a file past the import's limit, so a 50 MB upload never reaches the disk."""

    def __init__(self, request: HttpRequest):
        super().__init__(request)
        request.import_too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > import_files.MAX_FILE_BYTES:
            self.request.import_too_large = True
            # Keep reading (and dropping) the rest of the body, so the page can answer normally.
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("Up to 20 MB and 50,000 rows."),
    )

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > import_files.MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB. Split it into smaller files."))
        return upload

    def full_clean(self) -> None:
        super().full_clean()
        if self.too_large:
            self.errors.pop("file", None)
            self.add_error("file", _("The file is larger than 20 MB. Split it into smaller files."))


RECENT_JOBS = 10
# What the list of recent files shows of a job's result: not the whole result, whose preview holds up
# to MAX_PREVIEW entities.
SUMMARY_KEYS = (
    "source",
    "problem_count",
    "valid",
    "entities_created",
    "entities_updated",
    "confirmed_job",
    "expired",
    "message",
)


def _recent_jobs(user) -> list[Job]:
    """The user's latest checks and imports, each with `summary`: the keys of its result the list shows."""
    jobs = list(
        Job.objects.filter(kind__in=KINDS, created_by=user)
        .only("pk", "kind", "status", "created_at")
        .annotate(**{f"summary_{key}": KeyTransform(key, "result") for key in SUMMARY_KEYS})[:RECENT_JOBS]
    )
    for job in jobs:
        job.summary = {key: getattr(job, f"summary_{key}") for key in SUMMARY_KEYS}
    return jobs


def _page_context(form: UploadForm, user, problems=(), warnings=()) -> dict:
    return {
        "check_kind": import_files.CHECK_KIND,
        # The user's own latest checks and imports, to go back to a preview or a result.
        "recent": _recent_jobs(user),
        "form": form,
        "columns": import_files.COLUMNS,
        "legal_forms": import_files.legal_form_choices(),
        "problems": problems,
        "warnings": warnings,
        "max_rows": import_files.MAX_ROWS,
        "inline_rows": import_files.INLINE_ROWS,
    }


@csrf_exempt  # only so that the size limit is in place before the body is read; csrf_protect below checks
@require_http_methods(["GET", "HEAD", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        request.upload_handlers.insert(0, ImportSizeLimit(request))
    return _upload(request)


@csrf_protect
@login_required
@permission_required(PERMISSION, raise_exception=True)
def _upload(request: HttpRequest) -> HttpResponse:
    """The upload form, the template and the documentation of the columns."""
    if request.method != "POST":
        return render(request, "entities/import_upload.html", _page_context(UploadForm(), request.user))
    form = UploadForm(request.POST, request.FILES, too_large=getattr(request, "import_too_large", False))
    if form.is_valid():
        try:
            parsed = import_files.parse_file(form.cleaned_data["file"])
        except import_files.ImportFileRejected as rejected:
            return render(
                request,
                "entities/import_upload.html",
                _page_context(form, request.user, rejected.errors, rejected.warnings),
            )
        job = import_jobs.start_import_job(parsed=parsed, user=request.user, language=get_language() or "pl")
        return redirect("entities:import_job", pk=job.pk)
    return render(request, "entities/import_upload.html", _page_context(form, request.user))


@require_safe
@login_required
@permission_required(PERMISSION, raise_exception=True)
def template_xlsx(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        import_files.template_xlsx(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="szablon-importu-pes.xlsx"'
    return response


def _own_job(request: HttpRequest, pk: int) -> Job:
    # A job holds the rows of someone's file: only its author sees it; for others it does not exist.
    # (The rows of the file itself, `payload`, are not read to show the page.)
    return get_object_or_404(Job.objects.defer("payload"), pk=pk, kind__in=KINDS, created_by=request.user)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required(PERMISSION, raise_exception=True)
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress, then the problems or the preview of a check; POST confirms a clean check."""
    job = _own_job(request, pk)
    if request.method == "POST":
        if (
            job.kind != import_files.CHECK_KIND
            or job.status != Job.Status.DONE
            or not job.result.get("valid")
        ):
            messages.error(request, _("Only a checked file without problems can be imported."))
            return redirect("entities:import_job", pk=job.pk)
        write = import_jobs.confirm_import(check=job, user=request.user)
        if write is None:
            messages.error(request, _("This check has expired; send the file again."))
            return redirect("entities:import_job", pk=job.pk)
        return redirect("entities:import_job", pk=write.pk)
    problems = Paginator(job.error_report, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "job": job,
        "problems": problems,
        "is_check": job.kind == import_files.CHECK_KIND,
        "result": job.result,
        "confirmed_job": job.result.get("confirmed_job"),
        "expires_on": import_jobs.expires_on(job),
        "kept_days": import_files.CHECK_KEPT_DAYS,
        "listed_all": len(job.error_report) >= job.result.get("problem_count", 0),
    }
    if request.htmx:
        # Polling the progress: the partial while it runs, then a reload to the whole result.
        if job.is_finished:
            return HttpResponseClientRefresh()
        return render(request, "entities/_import_progress.html", context)
    return render(request, "entities/import_job.html", context)


@require_safe
@login_required
@permission_required(PERMISSION, raise_exception=True)
def problems_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The problems of a check as a CSV file (UTF-8 with BOM and `;`, as Polish Excel opens it)."""
    job = _own_job(request, pk)
    response = HttpResponse(
        import_files.problems_csv(job.error_report), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="problemy-importu-{job.pk}.csv"'
    return response


urlpatterns = [
    path("podmioty/import/", upload, name="import"),
    path("podmioty/import/szablon.xlsx", template_xlsx, name="import_template"),
    path("podmioty/import/<int:pk>/", job, name="import_job"),
    path("podmioty/import/<int:pk>/problemy.csv", problems_csv, name="import_problems"),
]


# --- policy ---------------------------------------------------------------------------------------


def import_job_sample(code: str) -> Sample:
    """A checked, valid one-row file of a regional coordinator whose territory holds `code` (the
    harness's persona when there is one), ready to be confirmed."""
    from lacznik.accounts.models import RoleAssignment, User
    from lacznik.core.scope import code_in_scope
    from lacznik.territory.policy import unit_sample

    unit_sample(code)
    owner = next(
        (
            assignment.user
            for assignment in RoleAssignment.objects.filter(role=Role.REGIONAL_COORDINATOR)
            .select_related("user")
            .order_by("pk")
            if code_in_scope(code, assignment.prefixes)
        ),
        None,
    )
    if owner is None:
        owner = User.objects.create_user(
            email=f"import.sample.{code[:2]}@lacznik.example", first_name="Import"
        )
        RoleAssignment.objects.create(user=owner, role=Role.REGIONAL_COORDINATOR, scope=code[:2])
        from django.contrib.auth.models import Group

        owner.groups.add(Group.objects.get(name=Role.REGIONAL_COORDINATOR))
    seed = int(code) % 100_000
    parsed = import_files.ParsedFile(
        columns=["nazwa", "forma_prawna", "krs", "teryt_gminy"],
        rows=[
            (
                2,
                {
                    "nazwa": f"Import próbny {code}",
                    "forma_prawna": "fundacja",
                    "krs": f"{9_000_000_000 + seed:010d}",
                    "teryt_gminy": code,
                },
            )
        ],
        source={"format": "CSV", "encoding": "UTF-8"},
    )
    job = Job.objects.create(
        kind=import_files.CHECK_KIND, created_by=owner, total=1, payload=parsed.to_payload()
    )
    job.move_to(Job.Status.RUNNING)
    job.move_to(
        Job.Status.DONE,
        done=1,
        result={
            "valid": True,
            "rows": 1,
            "entities_created": 1,
            "source": parsed.source,
            "checked_on": date.today().isoformat(),
        },
    )
    return Sample(kwargs={"pk": job.pk}, marker=f"#{job.pk}")


COORDINATOR = roles(Role.REGIONAL_COORDINATOR)

POLICIES: dict[str, Policy] = {
    "entities:import": Policy(read=COORDINATOR, change=COORDINATOR, methods=("POST",)),
    "entities:import_template": Policy(read=COORDINATOR),
    # A job is its author's: another coordinator, even of the same territory, gets 404.
    "entities:import_job": Policy(
        read=COORDINATOR, change=COORDINATOR, methods=("POST",), object=import_job_sample, scoped=True
    ),
    "entities:import_problems": Policy(read=COORDINATOR, object=import_job_sample, scoped=True),
}
