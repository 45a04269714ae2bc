"""Shared records of the platform: background jobs that any app can start and show progress of."""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .errors import WorkflowError


class Job(models.Model):
    """One piece of background work started by a person: a file import, a batch of documents.

    `kind` names the work ("entities.import"); `payload` is its input, kept in the database so that a
    worker on any host can run it; `result` and `error_report` are what the person sees afterwards.
    Progress is `done` of `total` units (rows, documents).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to start")
        RUNNING = "running", _("running")
        DONE = "done", _("finished")
        FAILED = "failed", _("failed")

    TRANSITIONS = {  # the whole life of a job; only move_to() assigns `status`
        Status.QUEUED: {Status.RUNNING, Status.FAILED},
        Status.RUNNING: {Status.DONE, Status.FAILED},
        Status.DONE: set(),
        Status.FAILED: set(),  # final
    }

    kind = models.CharField(_("kind"), max_length=60, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    done = models.PositiveIntegerField(_("done"), default=0)
    total = models.PositiveIntegerField(_("total"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="jobs",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    payload = models.JSONField(_("input"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    # Problems found, one dict per problem: {"row", "column", "value", "reason"} for a file.
    error_report = models.JSONField(_("problems"), default=list, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return not self.TRANSITIONS[self.Status(self.status)]

    @property
    def percent(self) -> int:
        return min(100, self.done * 100 // self.total) if self.total else 0

    def move_to(self, status: str, **fields: Any) -> None:
        """Change the status (and the given fields) in the database; refuses what TRANSITIONS forbids."""
        if status not in self.TRANSITIONS[self.Status(self.status)]:
            raise WorkflowError(
                _("Status change not allowed: %(old)s → %(new)s.")
                % {"old": self.get_status_display(), "new": self.Status(status).label}
            )
        if not self.TRANSITIONS[self.Status(status)]:
            fields.setdefault("finished_at", timezone.now())
        self.status = status
        for name, value in fields.items():
            setattr(self, name, value)
        self.save(update_fields=["status", *fields])

    def report_progress(self, done: int, total: int | None = None) -> None:
        """Record progress at once (outside any write transaction, so the job page sees it)."""
        self.done = done
        if total is not None:
            self.total = total
        Job.objects.filter(pk=self.pk).update(done=self.done, total=self.total)
