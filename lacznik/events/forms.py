"""The regional coordinator's forms: an event with its recruitment rules, a rejection's reason, a
certificate code to check."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from lacznik.accounts.forms import StyledFormMixin
from lacznik.core.scope import code_in_scope, in_scope
from lacznik.territory.models import Unit

from .models import AskedField, Event, EventKind, TargetGroup

# <input type="datetime-local"> sends "2026-03-12T10:00"; the time zone is the site's (Europe/Warsaw).
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=DATETIME_LOCAL)


def territory_choices(prefixes, current: str = "") -> list[tuple[str, str]]:
    """The voivodeships and powiats of the register inside `prefixes` (and the event's own code)."""
    units = in_scope(
        Unit.objects.current().filter(level__in=[Unit.Level.VOIVODESHIP, Unit.Level.POWIAT]), prefixes, "code"
    ).order_by("code")
    choices = []
    for unit in units:
        if unit.level == Unit.Level.VOIVODESHIP:
            choices.append((unit.code, f"{unit.display_name} ({unit.code})"))
        else:
            choices.append((unit.code, f"— {unit.name} ({unit.code})"))
    known = {code for code, _label in choices}
    # A prefix the register does not list (a gmina-wide scope, or an empty register), and the code
    # an existing event already has, stay choosable.
    for code in sorted({*prefixes, current} - known - {""}):
        choices.append((code, code))
    return choices


class EventForm(StyledFormMixin, forms.ModelForm):
    """An event and its recruitment rules, in the coordinator's own territory."""

    kind = forms.ChoiceField(label=_("kind"), choices=EventKind.choices)
    teryt = forms.ChoiceField(
        label=_("territory the event is for"),
        help_text=_("A voivodeship or a powiat of your territory."),
    )
    online_link = forms.URLField(
        label=_("link to the online meeting"), required=False, assume_scheme="https", max_length=200
    )
    eligible_groups = forms.MultipleChoiceField(
        label=_("who may register"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose who may register.")},
    )
    asked_fields = forms.MultipleChoiceField(
        label=_("questions asked"),
        choices=AskedField.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Name and e-mail are always asked; ask only what the event needs."),
    )

    class Meta:
        model = Event
        fields = [
            "kind",
            "title",
            "description",
            "agenda",
            "starts_at",
            "ends_at",
            "is_online",
            "venue",
            "online_link",
            "project",
            "teryt",
            "participants_from_territory_only",
            "seats",
            "has_waiting_list",
            "needs_approval",
            "registration_opens_at",
            "registration_closes_at",
            "eligible_groups",
            "limit_per_organisation",
            "limit_per_jst",
            "asked_fields",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "agenda": forms.Textarea(attrs={"rows": 6}),
            "starts_at": DateTimeLocalInput(),
            "ends_at": DateTimeLocalInput(),
            "registration_opens_at": DateTimeLocalInput(),
            "registration_closes_at": DateTimeLocalInput(),
        }
        error_messages = {
            "seats": {"required": _("Give the number of seats.")},
            "title": {"required": _("Give the title.")},
            "starts_at": {"required": _("Give the start."), "invalid": _("Give a date and time.")},
            "ends_at": {"required": _("Give the end."), "invalid": _("Give a date and time.")},
            "registration_opens_at": {"required": _("Give the date."), "invalid": _("Give a date and time.")},
            "registration_closes_at": {"required": _("Give the date."), "invalid": _("Give a date and time.")},
        }

    # The form's parts, each under its own legend.
    SECTIONS = [
        (_("The event"), ["kind", "title", "description", "agenda", "project"]),
        (_("When and where"), ["starts_at", "ends_at", "is_online", "venue", "online_link"]),
        (
            _("Recruitment"),
            [
                "teryt",
                "participants_from_territory_only",
                "seats",
                "has_waiting_list",
                "needs_approval",
                "registration_opens_at",
                "registration_closes_at",
                "eligible_groups",
                "limit_per_organisation",
                "limit_per_jst",
                "asked_fields",
            ],
        ),
    ]

    def __init__(self, *args, prefixes: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.prefixes = prefixes
        self.fields["teryt"].choices = territory_choices(prefixes, self.instance.teryt or "")
        self.fields["seats"].widget.attrs["min"] = max(self.instance.confirmed_count, 1)
        for name in ("eligible_groups", "asked_fields"):
            self.fields[name].widget.attrs["class"] = "form-check-input"
        for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
            self.fields[name].input_formats = [DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

    def sections(self) -> list[tuple[str, list]]:
        return [(legend, [self[name] for name in names]) for legend, names in self.SECTIONS]

    def clean_teryt(self) -> str:
        code = self.cleaned_data["teryt"]
        if not code_in_scope(code, self.prefixes):
            raise forms.ValidationError(_("Choose a territory inside your own."))
        return code

    def clean_seats(self) -> int:
        seats = self.cleaned_data["seats"]
        if seats is not None and seats < 1:
            raise forms.ValidationError(_("An event has at least one seat."))
        return seats


class RejectForm(StyledFormMixin, forms.Form):
    reason = forms.CharField(
        label=_("reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The person receives it by e-mail."),
        error_messages={"required": _("Give the reason; the person receives it by e-mail.")},
    )


CERTIFICATE_CODE = re.compile(r"[A-Z0-9-]{4,20}")


def normalise_code(text: str) -> str:
    """A code as people copy it: any case, spaces around or inside."""
    return re.sub(r"\s+", "", text or "").upper()


class VerifyForm(StyledFormMixin, forms.Form):
    kod = forms.CharField(
        label=_("certificate code"),
        max_length=40,
        help_text=_("As printed on the certificate, e.g. LCZ-7KQ2M9XHTP."),
        error_messages={"required": _("Type the code printed on the certificate.")},
    )

    def clean_kod(self) -> str:
        code = normalise_code(self.cleaned_data["kod"])
        if not CERTIFICATE_CODE.fullmatch(code):
            raise forms.ValidationError(_("A certificate code has letters, digits and dashes only."))
        return code
