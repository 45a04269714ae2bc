"""What django-axes counts failed sign-ins by: the e-mail address as the account is stored.

Django's login form reports its credentials under "username" while the account field is "email";
without this, axes would file every failure under an empty name. Lower-casing and trimming keep
"Jan@Gmina.example" and "jan@gmina.example " from being five fresh attempts each.
"""

from django.http import HttpRequest


def lockout_username(request: HttpRequest | None, credentials: dict | None) -> str | None:
    value = None
    if credentials:
        value = credentials.get("username") or credentials.get("email")
    if value is None and request is not None:
        data = getattr(request, "POST", {})
        value = data.get("username") or data.get("email")
    if not isinstance(value, str):
        return None
    return value.strip().lower()[:254] or None
