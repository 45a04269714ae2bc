"""Social economy entities (PES) and their offer: the public catalogue every other module links to.

The closed list of legal forms, the conditions of the przedsiębiorstwo społeczne status and the annual
report come from the ustawa o ekonomii społecznej (domain-facts.md): art. 2 pkt 5, art. 10, art. 12.
"""

from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lacznik.core.scope import ScopedModel, ScopedQuerySet, system_scope
from lacznik.core.text import polish_sort_key

from .validators import validate_krs, validate_nip, validate_regon


class LegalForm(models.TextChoices):
    """UoES art. 2 pkt 5: the only legal forms a PES can have. Values are the open data's codes."""

    SOCIAL_COOPERATIVE = "spoldzielnia-socjalna", _("social cooperative")  # (a)
    OCCUPATIONAL_THERAPY_WORKSHOP = "wtz", _("occupational therapy workshop (WTZ)")  # (b)
    VOCATIONAL_ACTIVITY_ESTABLISHMENT = "zaz", _("vocational activity establishment (ZAZ)")  # (b)
    SOCIAL_INTEGRATION_CENTRE = "cis", _("social integration centre (CIS)")  # (c)
    SOCIAL_INTEGRATION_CLUB = "kis", _("social integration club (KIS)")  # (c)
    WORKERS_COOPERATIVE = "spoldzielnia-pracy", _("workers' cooperative")  # (d)
    AGRICULTURAL_COOPERATIVE = (
        "spoldzielnia-produkcji-rolnej",
        _("agricultural production cooperative"),
    )  # (d)
    FOUNDATION = "fundacja", _("foundation")  # (e)
    ASSOCIATION = "stowarzyszenie", _("association")  # (e)
    OTHER_NGO = "inna-organizacja-pozarzadowa", _("other non-governmental organisation")  # (e)
    CHURCH_LEGAL_PERSON = "koscielna-osoba-prawna", _("church legal person")  # (f)
    NONPROFIT_COMPANY = "spolka-non-profit", _("non-profit company")  # (f)
    SPORTS_CLUB = "klub-sportowy", _("sports club")  # (f)


# UoES art. 2 pkt 5 (b) and (c) units: the status goes to the body that runs them, not to the unit.
NO_SOCIAL_ENTERPRISE_STATUS = frozenset(
    {
        LegalForm.OCCUPATIONAL_THERAPY_WORKSHOP,
        LegalForm.VOCATIONAL_ACTIVITY_ESTABLISHMENT,
        LegalForm.SOCIAL_INTEGRATION_CENTRE,
        LegalForm.SOCIAL_INTEGRATION_CLUB,
    }
)


class Mark(models.Model):
    """A mark an entity may hold, e.g. "Zakup Prospołeczny" (certification will award it)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mark")
        verbose_name_plural = _("marks")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def social_enterprise_q(on: date | None = None) -> Q:
    """The condition "holds the przedsiębiorstwo społeczne status on `on`" on an entity's own row."""
    on = on or date.today()
    return Q(ps_granted_on__lte=on) & (Q(ps_lost_on__isnull=True) | Q(ps_lost_on__gt=on))


class EntityQuerySet(ScopedQuerySet):
    def published(self) -> "EntityQuerySet":
        return self.filter(is_published=True)

    def social_enterprises(self, on: date | None = None) -> "EntityQuerySet":
        """Entities holding the przedsiębiorstwo społeczne status on `on` (today by default)."""
        return self.filter(social_enterprise_q(on))

    def missing_annual_report(self, year: int) -> "EntityQuerySet":
        """Social enterprises that owe the report for `year` (due 31 March of year + 1, UoES art. 10)
        and have not filed it. An enterprise owes it when it held the status during `year` and still
        holds it on the day the report is due (one whose status ended before is no przedsiębiorstwo
        społeczne then; a report it files anyway is accepted by the form)."""
        return (
            self.filter(ps_granted_on__lte=date(year, 12, 31))
            .filter(Q(ps_lost_on__isnull=True) | Q(ps_lost_on__gte=date(year + 1, 3, 31)))
            .exclude(annual_reports__year=year)
        )


class Entity(ScopedModel):
    """One PES: who it is, where it is, what status it holds. Its offer is in OfferItem."""

    name = models.CharField(_("name"), max_length=300)
    # The name's key of Polish alphabetical order (core.text.polish_sort_key), set with the name: lists
    # by name sort on it, so "Łódzka…" comes after "Lubuska…" on every database.
    sort_name = models.CharField(max_length=200, editable=False, default="")
    legal_form = models.CharField(_("legal form"), max_length=40, choices=LegalForm)
    krs = models.CharField(_("KRS number"), max_length=10, blank=True, validators=[validate_krs])
    nip = models.CharField(_("NIP"), max_length=10, blank=True, validators=[validate_nip])
    regon = models.CharField(_("REGON"), max_length=14, blank=True, validators=[validate_regon])
    gmina = models.ForeignKey(
        "territory.Unit", on_delete=models.PROTECT, related_name="entities", verbose_name=_("gmina")
    )
    # Copied from the gmina on save: the key of the scope rule and of every territorial filter.
    teryt = models.CharField(_("TERYT code"), max_length=7, db_index=True, editable=False)
    street = models.CharField(_("street and number"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postal code"),
        max_length=6,
        blank=True,
        validators=[RegexValidator(r"^\d{2}-\d{3}$", _("Write the postal code as 00-000."))],
    )
    city = models.CharField(_("town"), max_length=120, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    founded_year = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    # The przedsiębiorstwo społeczne status: granted by the wojewoda's decision (UoES art. 12).
    ps_granted_on = models.DateField(_("social enterprise status since"), null=True, blank=True)
    ps_decision_number = models.CharField(_("wojewoda's decision number"), max_length=60, blank=True)
    ps_lost_on = models.DateField(_("social enterprise status lost on"), null=True, blank=True)
    marks = models.ManyToManyField(Mark, blank=True, related_name="entities", verbose_name=_("marks"))
    representatives = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="represented_entities",
        verbose_name=_("representatives"),
        help_text=_("People who act for the entity and may edit its public profile and offer."),
    )
    is_published = models.BooleanField(_("published in the catalogue"), default=True)
    # Every lemma of every word of the entity and its published offer (lacznik.entities.search).
    search_document = models.TextField(editable=False, default="")
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_document", "sort_name", "updated_at"])

    objects = EntityQuerySet.as_manager()

    class Meta:
        verbose_name = _("social economy entity")
        verbose_name_plural = _("social economy entities")
        ordering = ["sort_name", "pk"]
        permissions = [
            ("change_any_entity", _("Can add and edit entities of the own territory")),
            ("change_own_entity", _("Can edit the entity the user represents")),
            ("grant_ps_status", _("Can record the social enterprise status")),
            ("import_entities", _("Can import entities from a file")),
            ("view_national_statistics", _("Can see the catalogue's statistics of all regions")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["nip"], condition=~Q(nip=""), name="entity_unique_nip"),
            models.UniqueConstraint(fields=["regon"], condition=~Q(regon=""), name="entity_unique_regon"),
            models.UniqueConstraint(fields=["krs"], condition=~Q(krs=""), name="entity_unique_krs"),
            models.CheckConstraint(
                condition=Q(ps_lost_on__isnull=True)
                | Q(ps_granted_on__isnull=False, ps_lost_on__gte=models.F("ps_granted_on")),
                name="entity_ps_lost_after_granted",
            ),
        ]
        indexes = [
            models.Index(fields=["legal_form", "teryt"], name="entity_form_teryt"),
            models.Index(fields=["ps_granted_on"], name="entity_ps_granted"),
            models.Index(fields=["sort_name", "id"], name="entity_sort_name"),
            models.Index(fields=["teryt", "sort_name"], name="entity_teryt_sort_name"),
            # The list of one legal form by name (the API's and the catalogue's default order).
            models.Index(fields=["legal_form", "sort_name", "id"], name="entity_form_sort_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("entities:detail", args=[self.pk])

    def save(self, *args, **kwargs) -> None:
        if self.gmina_id is not None:
            self.teryt = self.gmina.code
        self.sort_name = polish_sort_key(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_name"}
        # django-simple-history reads the saved row back to record the marks; the caller has it already.
        with system_scope("history of an entity being saved"):
            super().save(*args, **kwargs)

    def clean(self) -> None:
        errors = {}
        if self.ps_granted_on and self.legal_form in NO_SOCIAL_ENTERPRISE_STATUS:
            errors["ps_granted_on"] = _(
                "A %(form)s cannot hold the social enterprise status itself; the body that runs it can."
            ) % {"form": self.get_legal_form_display()}
        if self.ps_granted_on and not self.ps_decision_number:
            errors["ps_decision_number"] = _("Give the number of the wojewoda's decision.")
        if self.ps_lost_on and not self.ps_granted_on:
            errors["ps_lost_on"] = _("The status can only be lost after it was granted.")
        elif self.ps_lost_on and self.ps_granted_on and self.ps_lost_on < self.ps_granted_on:
            errors["ps_lost_on"] = _("The status cannot be lost before it was granted.")
        if self.ps_granted_on and self.ps_granted_on > date.today():
            errors["ps_granted_on"] = _("The decision date cannot be in the future.")
        if self.gmina_id is not None and not (self.gmina.is_gmina and self.gmina.is_current):
            errors["gmina"] = _("Choose a gmina that is in the current register.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_social_enterprise(self) -> bool:
        today = date.today()
        return bool(
            self.ps_granted_on
            and self.ps_granted_on <= today
            and (self.ps_lost_on is None or self.ps_lost_on > today)
        )

    @property
    def may_hold_ps_status(self) -> bool:
        return self.legal_form not in NO_SOCIAL_ENTERPRISE_STATUS


class AnnualReport(models.Model):
    """The social enterprise's report for a year, filed with the wojewoda by 31 March (UoES art. 10)."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    filed_on = models.DateField(_("filed on"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["entity", "year"], name="one_report_per_year")]

    def __str__(self) -> str:
        return f"{self.entity} {self.year}"


class OfferItemQuerySet(ScopedQuerySet):
    def published(self) -> "OfferItemQuerySet":
        return self.filter(is_published=True, entity__is_published=True)


class OfferItem(ScopedModel):
    """A product or service the entity offers, classified with a CPV 2008 code."""

    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="offer_items", verbose_name=_("entity")
    )
    # Copied from the entity: offers are filtered by territory without a join.
    teryt = models.CharField(_("TERYT code"), max_length=7, db_index=True, editable=False)
    cpv = models.ForeignKey(
        "cpv.CpvCode", on_delete=models.PROTECT, related_name="offer_items", verbose_name=_("CPV code")
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    history = HistoricalRecords()

    objects = OfferItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer item")
        verbose_name_plural = _("offer items")
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["cpv", "entity"], name="offer_cpv_entity")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.teryt = self.entity.teryt
        super().save(*args, **kwargs)
