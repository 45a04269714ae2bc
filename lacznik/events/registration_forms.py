"""The forms a participant or visitor fills in: the calendar's filters and the registration form.

The registration form asks only what the event asks (`Event.asked_fields`) besides name, e-mail and
the target group, plus the JST code when the event is for its territory only (RODO art. 5(1)(c)).
"""

import re
from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import AskedField, Event, EventKind, TargetGroup

TERYT_OF_JST = re.compile(r"^\d{4}(\d{2}\d?)?$")
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

LIST, MONTH_VIEW = "lista", "miesiac"


class CalendarFilterForm(forms.Form):
    """The public calendar's filters; every one is a query-string parameter, so each view is a link."""

    rodzaj = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("all kinds")), *EventKind.choices]
    )
    woj = forms.RegexField(label=_("Voivodeship"), required=False, regex=r"^\d{2}$", max_length=2)
    od = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    do = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    widok = forms.ChoiceField(
        label=_("View"), required=False, choices=[(LIST, _("list")), (MONTH_VIEW, _("month"))]
    )
    miesiac = forms.RegexField(label=_("Month"), required=False, regex=MONTH, max_length=7)

    def clean(self):
        data = super().clean()
        if data.get("od") and data.get("do") and data["do"] < data["od"]:
            self.add_error("do", _("The end of the period cannot precede its start."))
        return data

    @property
    def month_view(self) -> bool:
        self.is_valid()
        return self.cleaned_data.get("widok") == MONTH_VIEW

    def month(self, today: date) -> date:
        """The first day of the month the month view shows (this month unless one is chosen)."""
        self.is_valid()
        chosen = self.cleaned_data.get("miesiac")
        if chosen:
            year, month = MONTH.match(chosen).groups()
            return date(int(year), int(month), 1)
        return today.replace(day=1)


def validate_jst(value: str) -> None:
    if not TERYT_OF_JST.match(value):
        raise forms.ValidationError(
            _(
                "Give the TERYT code of the gmina (7 digits, or 6 without the kind digit) or of the powiat "
                "(4 digits)."
            )
        )


class RegistrationForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        error_messages={"invalid": _("Enter a correct e-mail address, e.g. jan.kowalski@przyklad.pl.")},
    )
    target_group = forms.ChoiceField(
        label=_("I take part as"),
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": _("This event is not open to the group you chose.")},
    )
    declares_eligibility = forms.BooleanField(
        label=_("I declare that I belong to the chosen group."),
        error_messages={"required": _("Declare that you belong to the chosen group.")},
    )
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    position = forms.CharField(label=_("Position"), max_length=200)
    jst = forms.CharField(
        label=_("TERYT code of the gmina or powiat of your organisation"),
        max_length=7,
        validators=[validate_jst],
        help_text=_("e.g. 1465011 for Warsaw; you can find it in the TERYT register."),
    )
    phone = forms.CharField(label=_("Phone"), max_length=30)
    diet = forms.CharField(label=_("Dietary needs"), max_length=300, required=False)
    accessibility = forms.CharField(
        label=_("Accessibility needs"),
        max_length=300,
        required=False,
        help_text=_("e.g. a sign language interpreter, step-free access, an induction loop."),
    )
    consent = forms.BooleanField(
        label=_("I give my consent to the processing of my personal data as described above."),
        error_messages={"required": _("Without the consent we cannot register you.")},
    )

    ASKED = {value for value in AskedField.values}

    def __init__(self, *args, event: Event, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        labels = dict(TargetGroup.choices)
        self.fields["target_group"].choices = [
            (group, labels[group]) for group in TargetGroup.values if group in event.eligible_groups
        ]
        asked = set(event.asked_fields)
        if event.participants_from_territory_only:
            asked.add(AskedField.JST)
        for name in self.ASKED - asked:
            del self.fields[name]
        if user is not None and user.is_authenticated:
            self.fields["first_name"].initial = user.first_name
            self.fields["last_name"].initial = user.last_name
            self.fields["email"].initial = user.email
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        if "phone" in self.fields:
            self.fields["phone"].widget.attrs["autocomplete"] = "tel"
            self.fields["phone"].widget.input_type = "tel"
        if "organisation" in self.fields:
            self.fields["organisation"].widget.attrs["autocomplete"] = "organization"
        if "position" in self.fields:
            self.fields["position"].widget.attrs["autocomplete"] = "organization-title"
        if "jst" in self.fields:
            self.fields["jst"].widget.attrs["inputmode"] = "numeric"

    def registration_data(self) -> dict:
        """What the service stores: the person's answers, without the declarations."""
        return {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in ("declares_eligibility", "consent")
        }

    @property
    def person_fields(self) -> list:
        return [self[name] for name in ("first_name", "last_name", "email")]

    @property
    def asked_fields(self) -> list:
        asked = ("organisation", "position", "jst", "phone", "diet", "accessibility")
        return [self[name] for name in asked if name in self.fields]
