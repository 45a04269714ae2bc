"""The advocates of social economy (Rzecznicy Ekonomii Społecznej): the enrolment of gminas and powiats,
the advocate each appoints, the support they receive, what they report, their local plans and their
evaluation. The programme is sources/mazowsze-rzecznicy-es-dokumenty.txt (sections 3, 4 and 6) and
sources/mazowsze-rzecznicy-es-zalozenia.txt; it runs the same way in any voivodeship.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lacznik.core.errors import WorkflowError
from lacznik.core.scope import ScopedModel, ScopedQuerySet


class Stage(models.TextChoices):
    """The pilot's steps in the programme's order (dokumenty.txt section 6), and the ways out."""

    NOT_CONTACTED = "not_contacted", _("not contacted")
    LETTER_SENT = "letter_sent", _("cover letter sent")
    SELECTED = "selected", _("selected for the pilot")
    VISITED = "visited", _("visit held")
    AGREEMENT_SIGNED = "agreement_signed", _("agreement signed")
    APPOINTED = "appointed", _("advocate appointed")
    SUSPENDED = "suspended", _("suspended")
    WITHDRAWN = "withdrawn", _("withdrawn")
    ENDED = "ended", _("ended")


# The whole workflow on one screen; only Enrolment.move_to() assigns `stage`.
TRANSITIONS: dict[str, set[str]] = {
    Stage.NOT_CONTACTED: {Stage.LETTER_SENT, Stage.WITHDRAWN},
    Stage.LETTER_SENT: {Stage.SELECTED, Stage.WITHDRAWN},
    Stage.SELECTED: {Stage.VISITED, Stage.WITHDRAWN},
    Stage.VISITED: {Stage.AGREEMENT_SIGNED, Stage.WITHDRAWN},
    Stage.AGREEMENT_SIGNED: {Stage.APPOINTED, Stage.WITHDRAWN},
    Stage.APPOINTED: {Stage.SUSPENDED, Stage.ENDED},
    Stage.SUSPENDED: {Stage.APPOINTED, Stage.ENDED},
    Stage.WITHDRAWN: set(),
    Stage.ENDED: set(),
}
# Leaving the pipeline needs a reason.
NEEDS_REASON = {Stage.WITHDRAWN, Stage.SUSPENDED, Stage.ENDED}


class EnrolmentQuerySet(ScopedQuerySet):
    def with_advocate(self) -> "EnrolmentQuerySet":
        return self.filter(stage=Stage.APPOINTED)


class Enrolment(ScopedModel):
    """One JST (a gmina or a powiat) in the programme of its voivodeship, from the first letter on."""

    unit = models.ForeignKey(
        "territory.Unit", on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("gmina or powiat")
    )
    # Copied from the unit: 4 digits for a powiat, 7 for a gmina.
    teryt = models.CharField(_("TERYT code"), max_length=7, db_index=True, editable=False)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage, default=Stage.NOT_CONTACTED)
    stage_since = models.DateField(_("in this stage since"), default=timezone.localdate)
    # The head of the JST, to whom letters go (wójt, burmistrz, prezydent miasta, starosta).
    head_title = models.CharField(_("title of the head"), max_length=20, blank=True)
    head_name = models.CharField(_("name of the head"), max_length=200, blank=True)
    head_gender = models.CharField(
        _("form of address"),
        max_length=1,
        choices=[("f", _("Madam")), ("m", _("Sir")), ("", _("unknown: Ladies and Gentlemen"))],
        blank=True,
    )
    office_address = models.TextField(_("address of the office"), blank=True)
    agreement_number = models.CharField(_("number of the agreement"), max_length=60, blank=True)
    agreement_signed_on = models.DateField(_("agreement signed on"), null=True, blank=True)
    selection_score = models.DecimalField(_("recruitment key score"), max_digits=7, decimal_places=2, null=True, blank=True)
    history = HistoricalRecords()

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["teryt"]
        permissions = [
            ("manage_enrolments", _("Can run the advocates programme of the own voivodeship")),
            ("record_support", _("Can record the support advocates receive")),
            ("view_coverage", _("Can see the coverage of the advocates programme")),
        ]
        constraints = [models.UniqueConstraint(fields=["unit"], name="one_enrolment_per_unit")]
        indexes = [models.Index(fields=["stage", "teryt"], name="enrolment_stage_teryt")]

    def __str__(self) -> str:
        return str(self.unit)

    def get_absolute_url(self) -> str:
        return reverse("advocates:enrolment", args=[self.pk])

    def save(self, *args, **kwargs) -> None:
        self.teryt = self.unit.code
        super().save(*args, **kwargs)

    @property
    def is_powiat(self) -> bool:
        return len(self.teryt) == 4

    def move_to(self, stage: str, *, on, by, note: str = "") -> "EnrolmentStep":
        """Take the next step; refuses a step the workflow table does not allow, or an exit without a
        reason. Records who, when and why."""
        if stage not in TRANSITIONS[self.stage]:
            raise WorkflowError(
                _("Stage change not allowed: %(old)s → %(new)s.")
                % {"old": self.get_stage_display(), "new": Stage(stage).label}
            )
        if stage in NEEDS_REASON and not note.strip():
            raise WorkflowError(_("Give the reason for “%(stage)s”.") % {"stage": Stage(stage).label})
        if on > timezone.localdate():
            raise WorkflowError(_("The date of a step cannot be in the future."))
        if on < self.stage_since:
            raise WorkflowError(_("A step cannot be dated before the previous one (%(date)s).") % {"date": self.stage_since})
        step = EnrolmentStep.objects.create(
            enrolment=self, from_stage=self.stage, to_stage=stage, on=on, by=by, note=note.strip()
        )
        self.stage = stage
        self.stage_since = on
        if stage == Stage.AGREEMENT_SIGNED and self.agreement_signed_on is None:
            self.agreement_signed_on = on
        self._history_user = by
        self._change_reason = f"advocates.enrolment.{stage}"
        self.save(update_fields=["stage", "stage_since", "agreement_signed_on"])
        return step


class EnrolmentStep(models.Model):
    """One transition of an enrolment: from, to, the date it happened, who recorded it and a note."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="steps")
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage)
    on = models.DateField(_("date"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.TextField(_("note"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("step of an enrolment")
        verbose_name_plural = _("steps of enrolments")
        ordering = ["enrolment", "on", "pk"]


class Selection(models.Model):
    """A saved use of the recruitment key: the weights of its criteria and the JSTs chosen."""

    region = models.CharField(_("voivodeship (TERYT)"), max_length=2)
    name = models.CharField(_("name"), max_length=200)
    weights = models.JSONField(_("weights of the criteria"), default=dict)
    chosen = models.JSONField(_("chosen JSTs (TERYT codes)"), default=list)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("selection by the recruitment key")
        verbose_name_plural = _("selections by the recruitment key")
        ordering = ["-created_at"]


class AdvocateQuerySet(ScopedQuerySet):
    def active(self) -> "AdvocateQuerySet":
        return self.filter(ended_on__isnull=True)


class Advocate(ScopedModel):
    """The employee of the JST's office appointed advocate. Contact details are published only when
    the advocate agreed."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="advocates")
    teryt = models.CharField(max_length=7, db_index=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="advocacies", verbose_name=_("account")
    )
    position = models.CharField(_("position in the office"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    publish_contact = models.BooleanField(
        _("the advocate agrees to publish the contact e-mail"), default=False
    )
    appointed_on = models.DateField(_("appointed on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    history = HistoricalRecords()

    objects = AdvocateQuerySet.as_manager()

    class Meta:
        verbose_name = _("advocate")
        verbose_name_plural = _("advocates")
        ordering = ["teryt", "-appointed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment"], condition=Q(ended_on__isnull=True), name="one_active_advocate_per_jst"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user.get_full_name() or self.user.email} ({self.enrolment.unit.name})"

    def save(self, *args, **kwargs) -> None:
        self.teryt = self.enrolment.teryt
        super().save(*args, **kwargs)


class DocumentTemplate(models.Model):
    """An editable DOCX template (officials change it in Word and upload it again), per voivodeship."""

    class Kind(models.TextChoices):
        COVER_LETTER = "cover_letter", _("cover letter to the head of the JST")
        AGREEMENT = "agreement", _("cooperation agreement")

    region = models.CharField(_("voivodeship (TERYT)"), max_length=2)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("DOCX file"), upload_to="advocates/templates/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("document template")
        verbose_name_plural = _("document templates")
        ordering = ["region", "kind", "-version"]
        constraints = [models.UniqueConstraint(fields=["region", "kind", "version"], name="one_template_version")]


class EnrolmentDocument(models.Model):
    """A document of an enrolment: one generated from a template, or the signed agreement's scan."""

    class Kind(models.TextChoices):
        COVER_LETTER = "cover_letter", _("cover letter")
        AGREEMENT = "agreement", _("agreement")
        SIGNED_SCAN = "signed_scan", _("signed agreement (scan)")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    file = models.FileField(_("file"), upload_to="advocates/documents/")
    template = models.ForeignKey(DocumentTemplate, on_delete=models.PROTECT, null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document of an enrolment")
        verbose_name_plural = _("documents of enrolments")
        ordering = ["-created_at"]


class StarterPackDocument(models.Model):
    """A versioned document of the starter pack ("pakiet startowy"), which every advocate sees."""

    region = models.CharField(_("voivodeship (TERYT)"), max_length=2)
    title = models.CharField(_("title"), max_length=200)
    version = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to="advocates/starter-pack/")
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("starter pack document")
        verbose_name_plural = _("starter pack documents")
        ordering = ["region", "title", "-version"]
        constraints = [models.UniqueConstraint(fields=["region", "title", "version"], name="one_pack_version")]


class SupportKind(models.TextChoices):
    """The support the programme gives advocates (dokumenty.txt section 3)."""

    TRAINING = "training", _("training")
    CONSULTANCY = "consultancy", _("ongoing consultancy")
    PRINTED_MATERIALS = "printed_materials", _("printed materials")
    OWES_INTERNSHIP = "owes_internship", _("internship in an OWES")
    STUDY_VISIT = "study_visit", _("study visit")
    FAIR_CONFERENCE_SEMINAR = "fair_conference_seminar", _("fair, conference or seminar")


class Support(ScopedModel):
    advocate = models.ForeignKey(Advocate, on_delete=models.PROTECT, related_name="support")
    teryt = models.CharField(max_length=7, db_index=True, editable=False)
    kind = models.CharField(_("kind of support"), max_length=30, choices=SupportKind)
    on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    provider = models.CharField(_("provided by"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("support")
        verbose_name_plural = _("support")
        ordering = ["-on", "pk"]

    def save(self, *args, **kwargs) -> None:
        self.teryt = self.advocate.teryt
        super().save(*args, **kwargs)


class TaskCategory(models.TextChoices):
    """The advocate's tasks (dokumenty.txt section 4)."""

    INFORM = "inform", _("informing about social economy")
    COOPERATE_OWES = "cooperate_owes", _("cooperation with OWES")
    EDUCATE_STAFF = "educate_staff", _("educating JST staff")
    RESPONSIBLE_PURCHASING = "responsible_purchasing", _("responsible purchasing (social clauses)")
    WEBSITE = "website", _("social economy information on the JST website")
    LOCAL_PLANS = "local_plans", _("local social economy development plans")
    LOCAL_EVENTS = "local_events", _("local social economy events")


class ReportingPeriod(models.Model):
    """A period of reporting in a voivodeship; once closed, its reports can no longer change."""

    region = models.CharField(_("voivodeship (TERYT)"), max_length=2)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["region", "-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="period_in_order"),
            models.UniqueConstraint(fields=["region", "starts_on"], name="one_period_start"),
        ]

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A period cannot end before it starts.")})


class ActivityReport(ScopedModel):
    """What an advocate did, in a task category, with its evidence."""

    advocate = models.ForeignKey(Advocate, on_delete=models.PROTECT, related_name="reports")
    teryt = models.CharField(max_length=7, db_index=True, editable=False)
    category = models.CharField(_("task"), max_length=30, choices=TaskCategory)
    on = models.DateField(_("date"))
    description = models.TextField(_("what was done"))
    people_reached = models.PositiveIntegerField(_("people reached"), default=0)
    link = models.URLField(_("link (evidence)"), blank=True)
    attachment = models.FileField(_("attachment (evidence)"), upload_to="advocates/reports/", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("activity report")
        verbose_name_plural = _("activity reports")
        ordering = ["-on", "-pk"]
        indexes = [models.Index(fields=["teryt", "on"], name="report_teryt_on")]

    def save(self, *args, **kwargs) -> None:
        self.teryt = self.advocate.teryt
        super().save(*args, **kwargs)


class ActionPlanItem(ScopedModel):
    """One action of the JST's local action plan."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="plan")
    teryt = models.CharField(max_length=7, db_index=True, editable=False)
    action = models.CharField(_("action"), max_length=300)
    owner = models.CharField(_("who is responsible"), max_length=200)
    deadline = models.DateField(_("deadline"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PLANNED)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("action of the local plan")
        verbose_name_plural = _("local action plan")
        ordering = ["deadline", "pk"]

    def save(self, *args, **kwargs) -> None:
        self.teryt = self.enrolment.teryt
        super().save(*args, **kwargs)


class Evaluation(ScopedModel):
    """The cyclical evaluation of an advocate for a period: scores, comments and the figures of the
    period that were shown to the evaluator."""

    advocate = models.ForeignKey(Advocate, on_delete=models.PROTECT, related_name="evaluations")
    teryt = models.CharField(max_length=7, db_index=True, editable=False)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    scores = models.JSONField(_("scores"), default=dict)
    figures = models.JSONField(_("activity figures of the period"), default=dict)
    comments = models.TextField(_("comments"), blank=True)
    evaluated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-ends_on", "pk"]

    def save(self, *args, **kwargs) -> None:
        self.teryt = self.advocate.teryt
        super().save(*args, **kwargs)


class Reminder(models.Model):
    """A reminder e-mailed to an advocate who has not reported for a while."""

    advocate = models.ForeignKey(Advocate, on_delete=models.CASCADE, related_name="reminders")
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    days_without_report = models.PositiveIntegerField(_("days without a report"))

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-sent_at"]
