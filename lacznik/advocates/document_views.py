"""The documents pages of the advocates programme (issue 6, points 3 and 4).

A regional coordinator (advocates.manage_enrolments) in the own voivodeship: the DOCX templates with
their versions and placeholders; a JST's documents (generate the cover letter or the agreement as
DOCX with a PDF copy, upload the signed agreement's scan, download); batches of documents as a ZIP,
made by the worker, with a progress page; the starter pack's versions. Advocates read the current
starter pack of their voivodeship. Wrong role: 403 before any lookup; outside the territory: 404.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseClientRefresh

from lacznik.accounts.roles import Role
from lacznik.core.models import Job
from lacznik.core.scope import in_scope

from . import addressing, documents
from .document_forms import (
    BatchForm,
    OptionsForm,
    ScanForm,
    StarterPackForm,
    TemplateUploadForm,
    batch_queryset,
)
from .models import DocumentTemplate, Enrolment, EnrolmentDocument, Stage, StarterPackDocument

PERMISSION = "advocates.manage_enrolments"
KINDS = dict(DocumentTemplate.Kind.choices)


def _coordinator_prefixes(request: HttpRequest) -> frozenset[str]:
    return request.user.prefixes_for(Role.REGIONAL_COORDINATOR)


def _region_or_404(request: HttpRequest, region: str) -> str:
    if region not in documents.coordinated_regions(request.user):
        raise Http404
    return region


def _enrolment(request: HttpRequest, pk: int) -> Enrolment:
    return get_object_or_404(
        Enrolment.objects.in_scope(_coordinator_prefixes(request)).select_related("unit"), pk=pk
    )


def _attachment(file, name: str) -> FileResponse:
    # FileResponse writes Content-Disposition by RFC 6266 (with filename* for any non-ASCII name).
    return FileResponse(
        file.open("rb"), as_attachment=True, filename=name, content_type=documents.content_type(name)
    )


# --- templates ------------------------------------------------------------------------------------


@require_safe
@login_required
@permission_required(PERMISSION, raise_exception=True)
def template_index(request: HttpRequest) -> HttpResponse:
    """The templates of the voivodeships the coordinator runs (straight to the one, when one)."""
    regions = documents.coordinated_regions(request.user)
    if len(regions) == 1:
        return redirect("advocates:templates", region=regions[0])
    named = [(region, documents.voivodeship_name(region)) for region in regions]
    return render(request, "advocates/template_index.html", {"regions": named})


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required(PERMISSION, raise_exception=True)
def templates(request: HttpRequest, region: str) -> HttpResponse:
    """Current and earlier versions of each template, the placeholders, and the upload of a new version."""
    region = _region_or_404(request, region)
    posted = request.method == "POST"
    form = TemplateUploadForm(
        request.POST if posted else None, request.FILES if posted else None, region=region
    )
    if request.method == "POST" and form.is_valid():
        try:
            template = documents.save_template(
                region=region,
                kind=form.cleaned_data["kind"],
                name=form.cleaned_data["file"].name,
                data=form.data_bytes,
                by=request.user,
            )
        except documents.DocumentRejected as rejected:
            for problem in rejected.problems:
                form.add_error("file", problem)
        else:
            messages.success(
                request,
                _("Version %(version)s of the template “%(kind)s” is now used for new documents.")
                % {"version": template.version, "kind": template.get_kind_display()},
            )
            return redirect("advocates:templates", region=region)
    versions = (
        DocumentTemplate.objects.filter(region=region)
        .select_related("uploaded_by")
        .order_by("kind", "-version")
    )
    kinds = [
        {"kind": kind, "label": label, "versions": [v for v in versions if v.kind == kind]}
        for kind, label in DocumentTemplate.Kind.choices
    ]
    return render(
        request,
        "advocates/template_list.html",
        {
            "region": region,
            "voivodeship": documents.voivodeship_name(region),
            "kinds": kinds,
            "form": form,
            "placeholders": documents.PLACEHOLDERS.items(),
            "example": "{{ jst_nazwa }}",
            "condition": "{% if numer_porozumienia %}…{% endif %}",
            "open": "{{",
            "close": "}}",
        },
        status=400 if request.method == "POST" else 200,
    )


@require_safe
@login_required
@permission_required(PERMISSION, raise_exception=True)
def template_file(request: HttpRequest, region: str, kind: str) -> HttpResponse:
    """The current template of a kind (the default one until a version is uploaded), to edit in Word."""
    region = _region_or_404(request, region)
    if kind not in KINDS:
        raise Http404
    template, data = documents.current_template(region, kind)
    name = documents.template_download_name(region, kind, template.version if template else None)
    response = HttpResponse(data, content_type=documents.content_type(name))
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_safe
@login_required
@permission_required(PERMISSION, raise_exception=True)
def template_version(request: HttpRequest, pk: int) -> HttpResponse:
    template = get_object_or_404(
        DocumentTemplate, pk=pk, region__in=documents.coordinated_regions(request.user)
    )
    return _attachment(
        template.file, documents.template_download_name(template.region, template.kind, template.version)
    )


# --- one JST's documents --------------------------------------------------------------------------


def _documents_page(request, enrolment, *, options_form=None, scan_form=None, status=200) -> HttpResponse:
    region = enrolment.teryt[:2]
    return render(
        request,
        "advocates/documents.html",
        {
            "enrolment": enrolment,
            "addressing": addressing.for_enrolment(enrolment),
            "documents": [
                (document, documents.extension(document.file.name))
                for document in documents.documents_of(enrolment)
            ],
            "options_form": options_form or OptionsForm(region=region),
            "scan_form": scan_form or ScanForm(),
            "region": region,
        },
        status=status,
    )


@require_safe
@login_required
@permission_required(PERMISSION, raise_exception=True)
def enrolment_documents(request: HttpRequest, pk: int) -> HttpResponse:
    """A JST's generated documents and scans, the generation form and the scan upload."""
    return _documents_page(request, _enrolment(request, pk))


@require_POST
@login_required
@permission_required(PERMISSION, raise_exception=True)
def generate(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk)
    form = OptionsForm(request.POST, region=enrolment.teryt[:2])
    if not form.is_valid():
        return _documents_page(request, enrolment, options_form=form, status=400)
    made = documents.generate(
        enrolment=enrolment, kind=form.cleaned_data["kind"], options=form.options(), by=request.user
    )
    messages.success(
        request,
        _("“%(kind)s” generated as DOCX and PDF; both are at the top of the list.")
        % {"kind": made.docx.get_kind_display()},
    )
    return redirect("advocates:documents", pk=enrolment.pk)


@require_POST
@login_required
@permission_required(PERMISSION, raise_exception=True)
def upload_scan(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk)
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        return _documents_page(request, enrolment, scan_form=form, status=400)
    upload = form.cleaned_data["file"]
    documents.save_scan(enrolment=enrolment, name=upload.name, data=upload.content, by=request.user)
    messages.success(request, _("The scan of the signed agreement is stored."))
    return redirect("advocates:documents", pk=enrolment.pk)


@require_safe
@login_required
@permission_required(PERMISSION, raise_exception=True)
def document_file(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    queryset = in_scope(
        EnrolmentDocument.objects.select_related("enrolment__unit"),
        _coordinator_prefixes(request),
        "enrolment__teryt",
    )
    document = get_object_or_404(queryset, pk=pk)
    if documents.extension(document.file.name) != extension:
        raise Http404
    return _attachment(document.file, documents.download_name(document))


# --- batches --------------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
@permission_required(PERMISSION, raise_exception=True)
def batch(request: HttpRequest) -> HttpResponse:
    """Tick JSTs (or take every JST in a stage) and start a batch of documents as a ZIP."""
    regions = documents.coordinated_regions(request.user)
    region = request.POST.get("region") or request.GET.get("region") or (regions[0] if regions else "")
    if region not in regions:
        raise Http404
    prefixes = [prefix for prefix in _coordinator_prefixes(request) if prefix[:2] == region]
    queryset = list(batch_queryset(prefixes))
    form = BatchForm(request.POST if request.method == "POST" else None, region=region, queryset=queryset)
    if request.method == "POST" and form.is_valid():
        job = documents.start_batch(
            enrolment_ids=form.cleaned_data["chosen"],
            kind=form.cleaned_data["kind"],
            options=form.options(),
            user=request.user,
            region=region,
        )
        return redirect("advocates:batch_job", pk=job.pk)
    stage = request.GET.get("stage", "")
    shown = [enrolment for enrolment in queryset if not stage or enrolment.stage == stage]
    ticked = set(form.data.getlist("enrolments")) if form.is_bound else set()
    jobs = Job.objects.filter(kind=documents.BATCH_KIND, created_by=request.user).order_by("-created_at")[:10]
    return render(
        request,
        "advocates/document_batch.html",
        {
            "form": form,
            "region": region,
            "regions": [(code, documents.voivodeship_name(code)) for code in regions],
            "rows": shown,
            "ticked": ticked,
            "stage": stage,
            "stages": Stage.choices,
            "jobs": jobs,
        },
        status=400 if request.method == "POST" else 200,
    )


def _own_job(request: HttpRequest, pk: int) -> Job:
    # A batch holds documents of the author's territory: for anyone else it does not exist.
    return get_object_or_404(Job, pk=pk, kind=documents.BATCH_KIND, created_by=request.user)


@require_safe
@login_required
@permission_required(PERMISSION, raise_exception=True)
def batch_job(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    context = {"job": job, "result": job.result, "kind": KINDS.get(job.payload.get("kind"), "")}
    if request.htmx:
        if job.is_finished:
            return HttpResponseClientRefresh()
        return render(request, "advocates/_document_batch_progress.html", context)
    return render(request, "advocates/document_batch_job.html", context)


@require_safe
@login_required
@permission_required(PERMISSION, raise_exception=True)
def batch_file(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    name = job.result.get("zip")
    if job.status != Job.Status.DONE or not name or not default_storage.exists(name):
        raise Http404
    return FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=True,
        filename=documents.batch_download_name(job),
        content_type="application/zip",
    )


# --- the starter pack -----------------------------------------------------------------------------


def _pack_regions(request: HttpRequest) -> tuple[list[str], list[str]]:
    """(regions whose pack the user reads, regions whose pack the user keeps); 403 for other roles."""
    user = request.user
    if not ({Role.ADVOCATE, Role.REGIONAL_COORDINATOR} & set(user.roles)):
        raise PermissionDenied
    kept = documents.coordinated_regions(user) if user.has_perm(PERMISSION) else []
    read = sorted(set(kept) | set(documents.regions_of(user, Role.ADVOCATE)))
    return read, kept


def _pack_page(request: HttpRequest, form: StarterPackForm | None = None, status: int = 200) -> HttpResponse:
    read, kept = _pack_regions(request)
    current, older = documents.current_pack(read)
    for document in (*current, *older):
        document.extension = documents.extension(document.file.name)  # for its download URL
    titles = sorted({document.title for document in current if document.region in kept})
    if kept and form is None:
        form = StarterPackForm(
            regions=[(code, documents.voivodeship_name(code)) for code in kept], titles=titles
        )
    return render(
        request,
        "advocates/starter_pack.html",
        {
            "current": current,
            "older": [document for document in older if document.region in kept],
            "keeps": bool(kept),
            "several_regions": len(read) > 1,
            "form": form,
            "titles": titles,
        },
        status=status,
    )


@require_safe
@login_required
def starter_pack(request: HttpRequest) -> HttpResponse:
    """The current starter pack of the advocate's voivodeship; coordinators also see older versions."""
    return _pack_page(request)


@require_POST
@login_required
@permission_required(PERMISSION, raise_exception=True)
def starter_pack_upload(request: HttpRequest) -> HttpResponse:
    kept = documents.coordinated_regions(request.user)
    form = StarterPackForm(
        request.POST,
        request.FILES,
        regions=[(code, documents.voivodeship_name(code)) for code in kept],
        titles=[],
    )
    if not form.is_valid():
        return _pack_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        document = documents.publish_pack_document(
            region=form.cleaned_data["region"],
            title=form.cleaned_data["title"],
            name=upload.name,
            data=upload.content,
            by=request.user,
        )
    except documents.DocumentRejected as rejected:
        for problem in rejected.problems:
            form.add_error("file", problem)
        return _pack_page(request, form, status=400)
    messages.success(
        request,
        _("“%(title)s”, version %(version)s, is published to the advocates.")
        % {"title": document.title, "version": document.version},
    )
    return redirect("advocates:starter_pack")


@require_safe
@login_required
def starter_pack_file(request: HttpRequest, pk: int, extension: str) -> HttpResponse:
    read, kept = _pack_regions(request)
    document = get_object_or_404(StarterPackDocument, pk=pk, region__in=read)
    if documents.extension(document.file.name) != extension:
        raise Http404
    if document.region not in kept:
        # Advocates get the current version of a title only.
        current, _older = documents.current_pack([document.region])
        if document not in current:
            raise Http404
    return _attachment(document.file, documents.pack_download_name(document))


urlpatterns = [
    path("dokumenty/szablony/", template_index, name="template_index"),
    path("dokumenty/szablony/<str:region>/", templates, name="templates"),
    # Before template_file, whose <region>/<kind> would also match "wersja/<pk>".
    path("dokumenty/szablony/wersja/<int:pk>.docx", template_version, name="template_version"),
    path("dokumenty/szablony/<str:region>/<str:kind>.docx", template_file, name="template_file"),
    path("dokumenty/jst/<int:pk>/", enrolment_documents, name="documents"),
    path("dokumenty/jst/<int:pk>/generuj/", generate, name="document_generate"),
    path("dokumenty/jst/<int:pk>/skan/", upload_scan, name="scan_upload"),
    path("dokumenty/plik/<int:pk>.<str:extension>", document_file, name="document_file"),
    path("dokumenty/seria/", batch, name="batch"),
    path("dokumenty/seria/<int:pk>/", batch_job, name="batch_job"),
    path("dokumenty/seria/<int:pk>.zip", batch_file, name="batch_file"),
    path("pakiet-startowy/", starter_pack, name="starter_pack"),
    path("pakiet-startowy/dodaj/", starter_pack_upload, name="starter_pack_upload"),
    path("pakiet-startowy/plik/<int:pk>.<str:extension>", starter_pack_file, name="starter_pack_file"),
]
