"""Forms of the advocate's work: support, activity reports, reporting periods, the local plan and the
evaluation, and the filters of their lists. Every choice of an advocate or a JST is limited to the
caller's territory (the queryset given by the view)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from lacznik.accounts.forms import StyledFormMixin

from . import activity
from .models import ActionPlanItem, ActivityReport, Advocate, Support, SupportKind, TaskCategory


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class AdvocateChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, advocate: Advocate) -> str:
        name = advocate.user.get_full_name() or advocate.user.email
        return f"{name} — {advocate.enrolment.unit.name} ({advocate.teryt})"


def _choice_error() -> dict:
    return {"invalid_choice": _("Choose an advocate of your territory.")}


class SupportForm(StyledFormMixin, forms.ModelForm):
    advocate = AdvocateChoiceField(
        queryset=Advocate.objects.none(), label=_("advocate"), error_messages=_choice_error()
    )

    class Meta:
        model = Support
        fields = ["advocate", "kind", "on", "hours", "provider", "note"]
        widgets = {"on": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, advocates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advocate"].queryset = advocates
        self.fields["hours"].min_value = 0
        self.fields["hours"].widget.attrs["min"] = "0"
        self.fields["hours"].widget.attrs["step"] = "0.5"

    def clean_hours(self):
        hours = self.cleaned_data.get("hours")
        if hours is not None and hours < 0:
            raise forms.ValidationError(_("Hours cannot be negative."))
        return hours


class SupportFilterForm(forms.Form):
    """The filters of the support list (GET; every combination is a shareable address)."""

    rzecznik = AdvocateChoiceField(queryset=Advocate.objects.none(), label=_("advocate"), required=False)
    rodzaj = forms.ChoiceField(
        label=_("kind of support"), choices=[("", _("all"))] + SupportKind.choices, required=False
    )
    od = forms.DateField(label=_("from"), required=False, widget=DateInput())
    do = forms.DateField(label=_("to"), required=False, widget=DateInput())

    def __init__(self, *args, advocates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rzecznik"].queryset = advocates
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data.get("rzecznik"):
            queryset = queryset.filter(advocate=data["rzecznik"])
        if data.get("rodzaj"):
            queryset = queryset.filter(kind=data["rodzaj"])
        if data.get("od"):
            queryset = queryset.filter(on__gte=data["od"])
        if data.get("do"):
            queryset = queryset.filter(on__lte=data["do"])
        return queryset


class ReportFilterForm(SupportFilterForm):
    rodzaj = None
    zadanie = forms.ChoiceField(
        label=_("task"), choices=[("", _("all"))] + TaskCategory.choices, required=False
    )

    field_order = ["rzecznik", "zadanie", "od", "do"]

    def filter(self, queryset):
        queryset = super().filter(queryset)
        if self.is_valid() and self.cleaned_data.get("zadanie"):
            queryset = queryset.filter(category=self.cleaned_data["zadanie"])
        return queryset


class ActivityReportForm(StyledFormMixin, forms.ModelForm):
    """An activity report. The attachment is checked by type (extension and content) and size; the
    model field is set by activity.save_report under a name the server makes."""

    advocate = AdvocateChoiceField(
        queryset=Advocate.objects.none(), label=_("as the advocate of"), error_messages=_choice_error()
    )
    upload = forms.FileField(
        label=_("attachment (evidence)"),
        required=False,
        help_text=_("PDF, DOCX, ODT, JPEG or PNG, up to 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.odt,.jpg,.jpeg,.png"}),
    )
    link = forms.URLField(
        label=_("link (evidence)"),
        required=False,
        assume_scheme="https",
        max_length=200,
        help_text=_("For example the page of the JST's website with information on social economy."),
    )

    class Meta:
        model = ActivityReport
        fields = ["advocate", "category", "on", "description", "people_reached", "link"]
        widgets = {"on": DateInput(), "description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, advocates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advocate"].queryset = advocates
        if self.instance.pk:
            # A report stays with the advocate who made it.
            del self.fields["advocate"]
        elif len(advocates) == 1:
            # The usual case: the advocate of one JST reports as that advocate, without a choice.
            self.instance.advocate = advocates[0]
            del self.fields["advocate"]

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload:
            activity.validate_attachment(upload)
        return upload

    def clean(self):
        data = super().clean()
        has_file = bool(data.get("upload") or (self.instance.pk and self.instance.attachment))
        if not data.get("link") and not has_file and not self.has_error("upload"):
            raise forms.ValidationError(_("Give the evidence: a link or an attachment."))
        return data


class PeriodForm(StyledFormMixin, forms.Form):
    starts_on = forms.DateField(label=_("from"), widget=DateInput())
    ends_on = forms.DateField(label=_("to"), widget=DateInput())

    def __init__(self, *args, regions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        if len(regions) != 1:
            self.fields["region"] = forms.ChoiceField(label=_("voivodeship"), choices=regions)
            self.order_fields(["region", "starts_on", "ends_on"])
        self.regions = regions

    @property
    def region(self) -> str:
        return self.cleaned_data.get("region") or self.regions[0][0]

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("A period cannot end before it starts."))
        return data


class PlanItemForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = ActionPlanItem
        fields = ["enrolment", "action", "owner", "deadline", "status"]
        widgets = {"deadline": DateInput()}
        labels = {"enrolment": _("JST")}
        error_messages = {"enrolment": {"invalid_choice": _("Choose a JST of your territory.")}}

    def __init__(self, *args, enrolments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enrolment"].queryset = enrolments
        self.fields["enrolment"].label_from_instance = lambda enrolment: (
            f"{enrolment.unit.name} ({enrolment.teryt})"
        )
        if len(enrolments) == 1 and not self.instance.pk:
            self.fields["enrolment"].initial = enrolments[0].pk


class EvaluationPeriodForm(forms.Form):
    """The period of an evaluation, chosen first (GET) so that its figures are shown."""

    starts_on = forms.DateField(label=_("from"), widget=DateInput())
    ends_on = forms.DateField(label=_("to"), widget=DateInput())

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("A period cannot end before it starts."))
        return data


class EvaluationForm(StyledFormMixin, EvaluationPeriodForm):
    comments = forms.CharField(label=_("comments"), widget=forms.Textarea(attrs={"rows": 4}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in activity.CRITERIA:
            self.fields[f"score_{criterion.key}"] = forms.TypedChoiceField(
                label=criterion.label,
                choices=[("", "—"), *activity.SCORES],
                coerce=int,
                help_text=_("1 (poor) to 5 (very good)"),
                error_messages={"required": _("Give a score from 1 to 5.")},
            )
            self.fields[f"score_{criterion.key}"].widget.attrs["class"] = "form-select"
        self.order_fields(
            ["starts_on", "ends_on", *[f"score_{c.key}" for c in activity.CRITERIA], "comments"]
        )

    @property
    def scores(self) -> dict[str, int]:
        return {c.key: self.cleaned_data[f"score_{c.key}"] for c in activity.CRITERIA}
