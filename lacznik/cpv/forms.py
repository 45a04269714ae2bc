"""Choosing a CPV code in a form: typed as 55520000-1 or 55520000, or picked from suggestions."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import CpvCode

# "55520000-1", "55520000", "55520000 - 1"; text after the code (its name, pasted along) is ignored.
_TYPED_CODE = re.compile(r"(\d{8})(?:\s*-\s*(\d))?(?:\s+\D.*)?", re.DOTALL)


def lookup(value: str) -> CpvCode:
    """The CPV 2008 code the user means by `value`; ValidationError with a Polish message otherwise.

    Without a check digit the dictionary supplies it; a wrong check digit is refused (it usually
    means a mistyped digit), naming the right one; a code the CPV 2008 dictionary does not have
    (such as a code of the retired CPV 2003 vocabulary) is refused as such.
    """
    typed = " ".join(str(value or "").split())
    match = _TYPED_CODE.fullmatch(typed)
    if not match:
        raise ValidationError(
            _(
                "Enter a CPV code as 8 digits and a check digit, e.g. 55520000-1, "
                "or choose one from the suggestions."
            ),
            code="invalid",
        )
    digits, check = match.groups()
    found = CpvCode.objects.filter(code__startswith=f"{digits}-").first()
    typed_code = f"{digits}-{check}" if check is not None else digits
    if found is None:
        raise ValidationError(
            _(
                "The code %(code)s is not in the CPV 2008 dictionary (Regulation (EC) No 213/2008), "
                "for example a code of the retired CPV 2003 vocabulary. Choose a current code."
            ),
            code="not_in_dictionary",
            params={"code": typed_code},
        )
    if check is not None and found.code != typed_code:
        raise ValidationError(
            _("The check digit of %(code)s is wrong: the CPV 2008 dictionary has %(correct)s (%(name)s)."),
            code="check_digit",
            params={"code": typed_code, "correct": found.code, "name": found.name},
        )
    return found


class CpvCodeWidget(forms.TextInput):
    """A text input for the code; with JavaScript, htmx lists up to 20 codes matching what is typed
    (words of the Polish name or the beginning of a code) and a click picks one
    (static/cpv/cpv-code-field.js). Without JavaScript the code is typed."""

    template_name = "cpv/widgets/cpv_code.html"

    def __init__(self, attrs=None):
        defaults = {"class": "form-control", "autocomplete": "off", "spellcheck": "false", "maxlength": "200"}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, CpvCode):
            return value.code
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        element_id = widget["attrs"].get("id") or f"id_{name}"
        help_id, status_id, list_id = (
            f"{element_id}_cpv_help",
            f"{element_id}_cpv_status",
            f"{element_id}_cpv_list",
        )
        described_by = widget["attrs"].get("aria-describedby", "")
        widget["attrs"].update(
            {
                "id": element_id,
                "aria-describedby": " ".join(
                    filter(None, [described_by, f"{element_id}_cpv_chosen", help_id])
                ),
                "data-cpv-input": "",
                "hx-get": f"{reverse('cpv:suggestions')}?pole={name}&cel={element_id}",
                "hx-trigger": "input changed delay:300ms, search",
                "hx-target": f"#{list_id}",
                "hx-swap": "innerHTML",
                "hx-sync": "this:replace",
            }
        )
        widget["cpv"] = {
            "help_id": help_id,
            "status_id": status_id,
            "list_id": list_id,
            "chosen_id": f"{element_id}_cpv_chosen",
            "chosen": _chosen_name(value),
            "index_url": reverse("cpv:index"),
            "script": static("cpv/cpv-code-field.js"),
        }
        return context


def _chosen_name(value) -> str:
    """The name of the code the field holds, shown under it ("" for none or a code still mistyped)."""
    if isinstance(value, CpvCode):
        return value.name
    if not str(value or "").strip():
        return ""
    try:
        return lookup(value).name
    except ValidationError:
        return ""


class CpvCodeField(forms.Field):
    """A form field whose cleaned value is a CpvCode of the CPV 2008 dictionary."""

    widget = CpvCodeWidget
    default_error_messages = {"required": gettext_lazy("Enter a CPV code.")}

    def to_python(self, value):
        if isinstance(value, CpvCode):
            return value
        if value in self.empty_values or not str(value).strip():
            return None
        return lookup(value)

    def prepare_value(self, value):
        return value.code if isinstance(value, CpvCode) else value

    def has_changed(self, initial, data) -> bool:
        initial = initial.code if isinstance(initial, CpvCode) else (initial or "")
        try:
            data = self.to_python(data)
        except ValidationError:
            return True
        return initial != (data.code if data else "")
