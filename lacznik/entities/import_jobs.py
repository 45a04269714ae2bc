"""Imports as background jobs (issue 5, point 6: "large files run as a background task with progress
shown"): a check records a Job with the file's rows, run at once when small and by the worker
(`manage.py db_worker`) otherwise; confirming a valid check starts the writing job with the same rows.
The rules of checking and writing are imports.py's."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_tasks import task

from lacznik.core.errors import ImportRejected
from lacznik.core.models import Job

from .import_files import (
    CHECK_KEPT_DAYS,
    CHECK_KIND,
    INLINE_ROWS,
    MAX_LISTED_PROBLEMS,
    WRITE_KIND,
    ParsedFile,
)
from .imports import run_import

logger = logging.getLogger(__name__)


# The counts a check foresees and a write compares with.
EXPECTED = ("entities_created", "entities_updated", "offers_created", "offers_updated")


def start_import_job(*, parsed: ParsedFile, user: Any, kind: str = CHECK_KIND, language: str = "pl") -> Job:
    """Record a job with the file's rows; run it now when small, else queue it for the worker."""
    payload = {**parsed.to_payload(), "language": language}
    job = Job.objects.create(kind=kind, created_by=user, total=len(parsed.rows), payload=payload)
    if len(parsed.rows) <= INLINE_ROWS:
        run_import_job(job.pk)
    else:
        run_import_task.enqueue(job_id=job.pk)
    return job


def confirm_import(*, check: Job, user: Any) -> Job | None:
    """Start writing a checked file (the check's rows move to the new job); None when the check has
    expired (its rows are deleted, see `expire_checks`)."""
    with transaction.atomic():
        check = Job.objects.select_for_update().get(pk=check.pk)
        if check.result.get("confirmed_job"):
            return Job.objects.get(pk=check.result["confirmed_job"])
        if not check.payload:
            return None
        parsed = ParsedFile.from_payload(check.payload)
        # What the check foresaw, to say so when the register has changed since (another import).
        expected = {name: check.result.get(name, 0) for name in EXPECTED}
        job = Job.objects.create(
            kind=WRITE_KIND,
            created_by=user,
            total=len(parsed.rows),
            payload={**check.payload, "expected": expected},
        )
        check.result = {**check.result, "confirmed_job": job.pk}
        check.payload = {}
        check.save(update_fields=["result", "payload"])
    if len(parsed.rows) <= INLINE_ROWS:
        run_import_job(job.pk)
    else:
        run_import_task.enqueue(job_id=job.pk)
    return job


def expires_on(check: Job) -> datetime | None:
    """When a finished check's rows are deleted unless confirmed."""
    return check.finished_at + timedelta(days=CHECK_KEPT_DAYS) if check.finished_at else None


def expire_checks(now: datetime | None = None) -> int:
    """Delete the rows of checks finished over CHECK_KEPT_DAYS ago and never confirmed (a file's
    contacts are not kept for nothing); their pages say so. Returns how many expired; running it
    again changes nothing."""
    cutoff = (now or timezone.now()) - timedelta(days=CHECK_KEPT_DAYS)
    expired = 0
    stale = Job.objects.filter(kind=CHECK_KIND, finished_at__lt=cutoff).exclude(payload={})
    for check in stale.only("pk", "result").iterator():
        with transaction.atomic():
            # Under the row's lock, as confirm_import takes it: a confirmation at this moment wins.
            check = Job.objects.select_for_update().only("pk", "result").get(pk=check.pk)
            if check.result.get("confirmed_job"):
                continue
            check.result = {**check.result, "expired": True}
            check.payload = {}
            check.save(update_fields=["result", "payload"])
            expired += 1
    return expired


def abandon_unfinished(now: datetime | None = None) -> int:
    """Fail the checks and imports still waiting or running CHECK_KEPT_DAYS after they were started
    (the worker stopped, or died in the middle: a write is one transaction, so nothing was written), and
    delete their rows. Returns how many; running it again changes nothing."""
    cutoff = (now or timezone.now()) - timedelta(days=CHECK_KEPT_DAYS)
    unfinished = Job.objects.filter(
        kind__in=(CHECK_KIND, WRITE_KIND),
        status__in=(Job.Status.QUEUED, Job.Status.RUNNING),
        created_at__lt=cutoff,
    )
    message = gettext(
        "The file waited more than %(days)d days without being processed; nothing was written and "
        "its rows were deleted. Send the file again; if this happens again, tell the administrator."
    ) % {"days": CHECK_KEPT_DAYS}
    abandoned = 0
    for pk in unfinished.values_list("pk", flat=True).iterator():
        with transaction.atomic():
            job = Job.objects.select_for_update().defer("payload").get(pk=pk)
            if job.is_finished:
                continue  # finished meanwhile
            job.move_to(Job.Status.FAILED, result={"message": message}, payload={})
            abandoned += 1
    return abandoned


@task()
def run_import_task(*, job_id: int) -> None:
    """Check or write the rows of an import job (the worker's side of start_import_job)."""
    run_import_job(job_id)


def run_import_job(job_id: int) -> Job:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.status != Job.Status.QUEUED:
        return job  # taken already (a task delivered twice)
    job.move_to(Job.Status.RUNNING)
    user = job.created_by
    writing = job.kind == WRITE_KIND
    with translation.override(job.payload.get("language", "pl")):
        try:
            if user is None or not user.is_active or not user.has_perm("entities.import_entities"):
                raise PermissionError
            parsed = ParsedFile.from_payload(job.payload)
            report = run_import(parsed, user=user, dry_run=not writing, progress=job.report_progress)
        except ImportRejected as rejected:
            result = {
                "valid": False,
                "problem_count": len(rejected.errors),
                "warnings": getattr(rejected, "warnings", []),
            }
            problems = [asdict(error) for error in rejected.errors[:MAX_LISTED_PROBLEMS]]
            if writing:
                result["message"] = gettext(
                    "The register changed since the check; nothing was written. Check the file again."
                )
                job.move_to(
                    Job.Status.FAILED, result=result, error_report=problems, payload={}, done=job.total
                )
            else:
                # A file with problems can never be confirmed: its rows are not kept.
                job.move_to(Job.Status.DONE, result=result, error_report=problems, done=job.total, payload={})
        except PermissionError:
            job.move_to(
                Job.Status.FAILED,
                result={"message": gettext("You may no longer import entities.")},
                payload={},
            )
        except IntegrityError:
            logger.warning("import job %s hit a constraint", job.pk, exc_info=True)
            job.move_to(
                Job.Status.FAILED,
                result={
                    "message": gettext(
                        "The register changed while the file was written; nothing was written. Check the "
                        "file again."
                    )
                },
                payload={},
            )
        except Exception:
            logger.exception("import job %s failed", job.pk)
            job.move_to(
                Job.Status.FAILED,
                result={"message": gettext("The import failed unexpectedly; nothing was written.")},
                payload={},
            )
        else:
            result = {"valid": True, **report.as_dict()}
            expected = job.payload.get("expected")
            if writing and expected and any(result.get(name, 0) != expected[name] for name in EXPECTED):
                result["expected"] = expected
            job.move_to(
                Job.Status.DONE, result=result, done=job.total, payload={} if writing else job.payload
            )
    return job
