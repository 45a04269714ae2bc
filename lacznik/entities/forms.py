from datetime import date

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from lacznik.accounts.forms import StyledFormMixin
from lacznik.cpv.forms import CpvCodeField
from lacznik.territory.models import Unit

from .models import AnnualReport, Entity, LegalForm, OfferItem
from .validators import compact_krs, compact_nip, compact_regon

# What a PES representative may change: the public profile, not the identity or the status.
PROFILE_FIELDS = [
    "street",
    "postal_code",
    "city",
    "email",
    "phone",
    "website",
    "description",
    "founded_year",
    "employees",
]
FOUNDED_FROM = 1800
IDENTITY_FIELDS = ["name", "legal_form", "gmina", "krs", "nip", "regon"]


class GminaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit: Unit) -> str:
        return f"{unit.name} — {unit.get_kind_display()} ({unit.code})"


class ConcurrencyMixin(forms.Form):
    """Refuses a save over a change made by someone else since the form was opened (RC-03)."""

    seen_version = forms.CharField(widget=forms.HiddenInput, required=False)

    def version_of(self, instance) -> str:
        return instance.updated_at.isoformat() if getattr(instance, "updated_at", None) else ""


class EntityProfileForm(StyledFormMixin, ConcurrencyMixin, forms.ModelForm):
    """The public profile, as a PES representative edits it."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Entity
        fields = PROFILE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["seen_version"] = self.version_of(self.instance)
        self.fields["founded_year"].widget.attrs.update(min=FOUNDED_FROM, max=date.today().year)

    def clean_founded_year(self) -> int | None:
        # Checked here too: the browser's min and max are off (novalidate) so that errors look alike.
        year = self.cleaned_data.get("founded_year")
        if year is not None and not FOUNDED_FROM <= year <= date.today().year:
            raise forms.ValidationError(
                _("Give a year from %(first)s to %(last)s.")
                % {"first": FOUNDED_FROM, "last": date.today().year}
            )
        return year


class EntityForm(EntityProfileForm):
    """The whole entity, as a regional coordinator or an OWES advisor adds or edits it in the own territory."""

    gmina = GminaChoiceField(
        queryset=Unit.objects.none(), label=_("Gmina"), empty_label=_("choose the gmina")
    )
    # Longer than the stored digits: people type "856-734-62-15" or "PL8567346215"; clean_* compacts.
    nip = forms.CharField(
        label=_("NIP"),
        max_length=20,
        required=False,
        help_text=_("10 digits; dashes and the PL prefix are removed."),
    )
    regon = forms.CharField(label=_("REGON"), max_length=20, required=False, help_text=_("9 or 14 digits."))
    krs = forms.CharField(
        label=_("KRS number"), max_length=20, required=False, help_text=_("10 digits with leading zeros.")
    )

    class Meta(EntityProfileForm.Meta):
        fields = IDENTITY_FIELDS + PROFILE_FIELDS + ["is_published"]

    def __init__(self, *args, prefixes: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        from lacznik.core.scope import in_scope

        self.fields["legal_form"].choices = [("", _("choose the legal form")), *LegalForm.choices]
        field = self.fields["gmina"]
        field.queryset = in_scope(Unit.objects.current().gminas(), prefixes, "code")
        # In Polish alphabetical order (Łomianki after Lipsko, not after Żyrardów); the queryset still
        # decides what is accepted.
        field.choices = [
            ("", field.empty_label),
            *((unit.pk, field.label_from_instance(unit)) for unit in field.queryset.alphabetical()),
        ]

    def _clean_identifier(self, field: str, compact) -> str:
        # Compact before the model's validators check the digits.
        value = compact(self.cleaned_data.get(field, ""))
        if value:
            taken = Entity.objects.unscoped(reason="identifiers are unique in the whole registry").filter(
                **{field: value}
            )
            if taken.exclude(pk=self.instance.pk).exists():
                raise forms.ValidationError(
                    _("An entity with this %(identifier)s is already in the registry.")
                    % {"identifier": self.fields[field].label}
                )
        return value

    def clean_nip(self) -> str:
        return self._clean_identifier("nip", compact_nip)

    def clean_regon(self) -> str:
        return self._clean_identifier("regon", compact_regon)

    def clean_krs(self) -> str:
        return self._clean_identifier("krs", compact_krs)

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(field) for field in ("nip", "regon", "krs")) and not self.errors.keys() & {
            "nip",
            "regon",
            "krs",
        }:
            # Next to the NIP field, the first of the three (the summary links to it).
            self.add_error("nip", _("Give at least one identifier: NIP, REGON or KRS."))
        return cleaned


class SocialEnterpriseStatusForm(StyledFormMixin, ConcurrencyMixin, forms.ModelForm):
    """The przedsiębiorstwo społeczne status: the wojewoda's decision (UoES art. 12)."""

    class Meta:
        model = Entity
        fields = ["ps_granted_on", "ps_decision_number", "ps_lost_on"]
        widgets = {
            "ps_granted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ps_lost_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        help_texts = {
            "ps_granted_on": _("The date of the wojewoda's decision granting the status."),
            "ps_lost_on": _("Leave empty while the entity holds the status."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["seen_version"] = self.version_of(self.instance)


class AnnualReportForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = AnnualReport
        fields = ["year", "filed_on"]
        widgets = {"filed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, entity: Entity, **kwargs):
        super().__init__(*args, **kwargs)
        self.entity = entity
        self.instance.entity = entity

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year >= date.today().year:
            raise forms.ValidationError(_("A report covers a year that has ended."))
        # Only a social enterprise reports, for a year in which it held the status (UoES art. 10).
        granted, lost = self.entity.ps_granted_on, self.entity.ps_lost_on
        if granted is None or granted.year > year or (lost is not None and lost.year < year):
            raise forms.ValidationError(
                _(
                    "The entity did not hold the social enterprise status in %(year)s: only a social "
                    "enterprise reports, for the years in which it held the status."
                )
                % {"year": year}
            )
        if AnnualReport.objects.filter(entity=self.entity, year=year).exists():
            raise forms.ValidationError(_("The report for %(year)s is already recorded.") % {"year": year})
        return year

    def clean_filed_on(self) -> date:
        filed_on = self.cleaned_data["filed_on"]
        if filed_on > date.today():
            raise forms.ValidationError(_("The filing date cannot be in the future."))
        return filed_on

    def clean(self) -> dict:
        cleaned = super().clean()
        year, filed_on = cleaned.get("year"), cleaned.get("filed_on")
        if year and filed_on and filed_on.year <= year:
            self.add_error(
                "filed_on", _("A report for %(year)s is filed after the year ends.") % {"year": year}
            )
        return cleaned


class OfferItemForm(StyledFormMixin, forms.ModelForm):
    cpv = CpvCodeField(label=capfirst(_("CPV code")))

    class Meta:
        model = OfferItem
        fields = ["name", "cpv", "description", "is_published"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}
