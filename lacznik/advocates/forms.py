"""Forms of the enrolment pipeline: a step of the workflow, the head of the office, the weights of the
recruitment key and the saving of a selection. (Other parts of the programme keep their forms in their
own modules.)"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lacznik.accounts.forms import StyledFormMixin

from .models import NEEDS_REASON, TRANSITIONS, Enrolment, Stage
from .services import (
    HEAD_TITLES,
    WEIGHT_MAX,
    WEIGHT_MIN,
    available_criteria,
    default_head_title,
    default_weights,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class StepForm(StyledFormMixin, forms.Form):
    """The next step of an enrolment. The list offers only what the workflow table allows from the
    current stage, but any stage is accepted here so that Enrolment.move_to refuses an illegal one
    with its own message (whatever sent it)."""

    stage = forms.ChoiceField(label=_("next stage"), choices=Stage.choices)
    on = forms.DateField(label=_("date of the step"), widget=DateInput)
    note = forms.CharField(
        label=_("note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Required when the JST withdraws, is suspended or ends its participation: give the reason."
        ),
    )

    def __init__(self, *args, enrolment: Enrolment, **kwargs):
        kwargs.setdefault("initial", {"on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        allowed = [(stage.value, stage.label) for stage in Stage if stage in TRANSITIONS[enrolment.stage]]
        self.allowed = allowed
        self.fields["stage"].widget.choices = allowed
        self.fields["on"].widget.attrs["max"] = timezone.localdate().isoformat()
        self.fields["on"].widget.attrs["min"] = enrolment.stage_since.isoformat()
        self.needs_reason = [stage.value for stage in Stage if stage in NEEDS_REASON]


class OfficeForm(StyledFormMixin, forms.ModelForm):
    """The head of the JST's office and the agreement's number (the letters and the agreement use them)."""

    head_title = forms.ChoiceField(label=_("title of the head"), choices=HEAD_TITLES)

    class Meta:
        model = Enrolment
        fields = ["head_title", "head_name", "head_gender", "office_address", "agreement_number"]
        widgets = {"office_address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.head_title
        if not current:
            self.initial["head_title"] = default_head_title(self.instance.unit)
        elif current not in dict(HEAD_TITLES):
            # A title typed elsewhere stays choosable, so that saving the form does not lose it.
            self.fields["head_title"].choices = [*HEAD_TITLES, (current, current)]


class WeightsForm(StyledFormMixin, forms.Form):
    """One number 0-10 per criterion the platform has data for (built from services.CRITERIA)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", default_weights())
        super().__init__(*args, **kwargs)
        for criterion in available_criteria():
            self.fields[criterion.key] = forms.IntegerField(
                label=criterion.label,
                min_value=WEIGHT_MIN,
                max_value=WEIGHT_MAX,
                help_text=criterion.explanation,
            )

    def weights(self) -> dict[str, int]:
        """The valid weights, or the defaults when the form was not sent or is invalid."""
        if self.is_bound and self.is_valid():
            return {criterion.key: self.cleaned_data[criterion.key] for criterion in available_criteria()}
        return default_weights()

    def fields_of(self, group: str) -> list:
        keys = {criterion.key for criterion in available_criteria() if criterion.group == group}
        return [self[key] for key in self.fields if key in keys]


class SelectionForm(WeightsForm):
    """Saving a selection: the weights it was made with, a name, the chosen JSTs (TERYT codes among the
    ranked candidates) and whether to move them to "selected for the pilot"."""

    def __init__(self, *args, candidates: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"] = forms.CharField(label=_("name of the selection"), max_length=200)
        self.fields["chosen"] = forms.MultipleChoiceField(
            label=_("chosen JSTs"),
            choices=[(code, code) for code in candidates],
            widget=forms.CheckboxSelectMultiple,
            error_messages={
                "required": _("Tick at least one JST to choose."),
                "invalid_choice": _("%(value)s is not among the JSTs still to be chosen."),
            },
        )
        self.fields["move_to_selected"] = forms.BooleanField(
            label=_("also move the chosen JSTs to “selected for the pilot”"),
            required=False,
            help_text=_(
                "Only those that were sent the cover letter can move; the others stay where they are."
            ),
        )


class AppointmentForm(StyledFormMixin, forms.Form):
    """Who the JST appointed as its advocate (after the agreement is signed)."""

    first_name = forms.CharField(label=_("first name"), max_length=150)
    last_name = forms.CharField(label=_("last name"), max_length=150)
    email = forms.EmailField(
        label=_("e-mail at the office"), help_text=_("The advocate receives a link to set a password.")
    )
    position = forms.CharField(label=_("position in the office"), max_length=200, required=False)
    phone = forms.CharField(label=_("phone"), max_length=30, required=False)
    publish_contact = forms.BooleanField(
        label=_("the advocate agrees to publish the contact e-mail in the public list"), required=False
    )
    appointed_on = forms.DateField(label=_("appointed on"), widget=DateInput())

    def clean_appointed_on(self):
        appointed_on = self.cleaned_data["appointed_on"]
        if appointed_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return appointed_on
