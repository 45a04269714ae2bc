import re

from django import forms
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lacznik.core.scope import validate_prefix

from .models import User
from .roles import Role
from .services import ALL_VOIVODESHIPS
from .tasks import send_password_link

# More prefixes than this in one assignment is a mistake, not a territory (the column holds 2,000 characters).
MAX_PREFIXES = 200


class StyledFormMixin:
    """Bootstrap classes on every input. Django 5.2 itself links help texts and errors to inputs
    (aria-describedby, aria-invalid); invalid inputs also get Bootstrap's "is-invalid"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    @property
    def fields_with_errors(self) -> list:
        return [field for field in self.visible_fields() if field.errors]

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class LoginForm(StyledFormMixin, auth_forms.AuthenticationForm):
    username = auth_forms.UsernameField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    # One answer for a wrong password, an unknown address and a closed account: nothing to enumerate.
    error_messages = {
        "invalid_login": _("Wrong e-mail address or password."),
        "inactive": _("Wrong e-mail address or password."),
    }


class PasswordResetRequestForm(StyledFormMixin, auth_forms.PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def get_users(self, email: str):
        # Accounts made by a coordinator have no password until their owner sets one; the link in the
        # invitation lasts an hour, after which this form is the way in. Closed accounts get nothing.
        return User.objects.filter(email=email.strip().lower(), is_active=True)

    def send_links(self, *, site_url: str, language: str) -> list[int]:
        """Queue a set-password e-mail for the matching account, if any; returns the ids mailed."""
        ids = [user.pk for user in self.get_users(self.cleaned_data["email"])]
        for user_id in ids:
            send_password_link.enqueue(user_id=user_id, purpose="reset", site_url=site_url, language=language)
        return ids


class SetPasswordForm(StyledFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(StyledFormMixin, auth_forms.PasswordChangeForm):
    pass


class TokenForm(StyledFormMixin, forms.Form):
    token = forms.CharField(
        label=_("Six-digit code from the authenticator app"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True, "size": 8}
        ),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise ValidationError(_("The code has six digits."), code="not_digits")
        return token


class UserCreateForm(StyledFormMixin, forms.ModelForm):
    class Meta:
        model = User
        fields = ["first_name", "last_name", "email"]
        widgets = {
            # The coordinator types somebody else's data: the browser must not offer their own.
            "first_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "email": forms.EmailInput(attrs={"autocomplete": "off"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.Meta.fields:
            self.fields[name].required = True

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email=email).exists():
            raise ValidationError(_("An account with this e-mail address already exists."), code="duplicate")
        return email

    def validate_unique(self) -> None:
        # clean_email() has checked the address already, in lower case, with a clearer message.
        pass


def parse_prefixes(text: str) -> list[str]:
    """'14, 1465; 146501' → ['14', '1465', '146501'], naming every part that is not a TERYT prefix."""
    parts = sorted({part for part in re.split(r"[\s,;]+", text.strip()) if part})
    if not parts:
        raise ValidationError(
            _("Give at least one TERYT prefix, or tick “The whole of Poland”."), code="empty_scope"
        )
    if len(parts) > MAX_PREFIXES:
        raise ValidationError(
            _("Give at most %(limit)d prefixes; a voivodeship's code covers all of its gminas."),
            code="too_many",
            params={"limit": MAX_PREFIXES},
        )
    bad = []
    for part in parts:
        try:
            validate_prefix(part)
        except ValidationError:
            bad.append(part)
    if bad:
        raise ValidationError(
            _("Not a TERYT prefix (2, 4, 6 or 7 digits, e.g. 14 or 1465): %(prefixes)s."),
            code="invalid_prefix",
            params={"prefixes": ", ".join(f"“{part[:20]}”" for part in bad[:10])},
        )
    return parts


class RoleForm(StyledFormMixin, forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    prefixes = forms.CharField(
        label=_("Territorial scope (TERYT prefixes)"),
        required=False,
        max_length=2000,
        help_text=_("Separate with commas: 14 is a voivodeship, 1465 a powiat, 1465011 a gmina."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    whole_country = forms.BooleanField(label=_("The whole of Poland (all 16 voivodeships)"), required=False)

    def __init__(self, *args, roles: list[str] | None = None, fixed_role: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if roles is not None:
            self.fields["role"].choices = [(value, label) for value, label in Role.choices if value in roles]
        if fixed_role is not None:
            self.fields["role"].initial = fixed_role
            self.fields["role"].disabled = True

    def clean(self) -> dict:
        data = super().clean()
        if data.get("whole_country"):
            data["prefixes"] = list(ALL_VOIVODESHIPS)
        elif "prefixes" in data:
            try:
                data["prefixes"] = parse_prefixes(data["prefixes"])
            except ValidationError as error:
                self.add_error("prefixes", error)
        return data


SORTS = {
    "name": ("last_name", "first_name", "email"),
    "-name": ("-last_name", "-first_name", "-email"),
    "email": ("email",),
    "-email": ("-email",),
    "joined": ("date_joined", "id"),
    "-joined": ("-date_joined", "-id"),
    "last_login": ("last_login", "id"),
    "-last_login": ("-last_login", "-id"),
}


class UserFilterForm(StyledFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Name or e-mail address"),
        required=False,
        max_length=100,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Any role")), *Role.choices])
    teryt = forms.CharField(
        label=_("Territory (TERYT prefix)"),
        required=False,
        max_length=7,
        help_text=_("People whose scope lies in this territory or covers it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("name", _("Name, A–Z")),
            ("-name", _("Name, Z–A")),
            ("email", _("E-mail address, A–Z")),
            ("-email", _("E-mail address, Z–A")),
            ("-joined", _("Newest accounts first")),
            ("joined", _("Oldest accounts first")),
            ("-last_login", _("Last sign-in, latest first")),
            ("last_login", _("Last sign-in, earliest first")),
        ],
    )

    def clean_teryt(self) -> str:
        teryt = self.cleaned_data["teryt"].strip()
        if teryt:
            try:
                validate_prefix(teryt)
            except ValidationError:
                raise ValidationError(
                    _("Not a TERYT prefix (2, 4, 6 or 7 digits, e.g. 14 or 1465): %(prefixes)s."),
                    code="invalid_prefix",
                    params={"prefixes": f"“{teryt}”"},
                ) from None
        return teryt
