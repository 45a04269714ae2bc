"""Who may call which accounts URL (joined by lacznik.core.policy; tested by tests/harness)."""

from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from lacznik.core.policy import NOBODY, PUBLIC, SIGNED_IN, Policy, Sample, roles

from .models import RoleAssignment, User
from .roles import Role


def user_sample(code: str) -> Sample:
    """A person holding the advocate role in `code` (a JST), shown on pages by their e-mail."""
    user, _created = User.objects.get_or_create(
        email=f"probna.osoba.{code}@lacznik.example",
        defaults={"first_name": "Próbna", "last_name": f"Osoba {code}"},
    )
    RoleAssignment.objects.get_or_create(user=user, role=Role.ADVOCATE, defaults={"scope": code})
    return Sample(kwargs={"pk": user.pk}, marker=user.email)


def role_sample(code: str) -> Sample:
    """The advocate role of the person of `user_sample`."""
    sample = user_sample(code)
    return Sample(kwargs={**sample.kwargs, "role": Role.ADVOCATE}, marker=sample.marker)


def reset_link_sample(code: str) -> Sample:
    """A password-reset link of the person of `user_sample`, with a token that is not valid."""
    sample = user_sample(code)
    uid = urlsafe_base64_encode(force_bytes(sample.kwargs["pk"]))
    return Sample(kwargs={"uidb64": uid, "token": "set-password"}, marker=sample.marker)


# Users and roles are managed nationally: the administrator and the national coordinator, whose
# scope is all of Poland (DESIGN.md §1), so these pages are not narrowed to a territory.
USER_MANAGERS = roles(Role.ADMINISTRATOR, Role.NATIONAL_COORDINATOR)
FORM = ("POST", "PUT")  # Django's form views handle PUT as POST

POLICIES: dict[str, Policy] = {
    "accounts:login": Policy(read=PUBLIC, change=PUBLIC, methods=FORM),
    # Signing out is POST only (Django's LogoutView answers GET with 405).
    "accounts:logout": Policy(read=NOBODY, change=PUBLIC, methods=("POST",)),
    "accounts:profile": Policy(read=SIGNED_IN),
    "accounts:password_change": Policy(read=SIGNED_IN, change=SIGNED_IN, methods=FORM),
    "accounts:password_reset": Policy(read=PUBLIC, change=PUBLIC, methods=FORM),
    "accounts:password_reset_done": Policy(read=PUBLIC),
    "accounts:password_reset_confirm": Policy(
        read=PUBLIC, change=PUBLIC, methods=FORM, object=reset_link_sample
    ),
    "accounts:password_reset_complete": Policy(read=PUBLIC),
    "accounts:otp_verify": Policy(read=SIGNED_IN, change=SIGNED_IN, methods=("POST",)),
    "accounts:otp_setup": Policy(read=SIGNED_IN, change=SIGNED_IN, methods=("POST",)),
    "accounts:user_list": Policy(read=USER_MANAGERS, rows=user_sample),
    "accounts:user_create": Policy(read=USER_MANAGERS, change=USER_MANAGERS, methods=("POST",)),
    "accounts:user_detail": Policy(read=USER_MANAGERS, object=user_sample),
    "accounts:role_add": Policy(
        read=USER_MANAGERS, change=USER_MANAGERS, methods=("POST",), object=user_sample
    ),
    "accounts:role_edit": Policy(
        read=USER_MANAGERS, change=USER_MANAGERS, methods=("POST",), object=role_sample
    ),
    "accounts:role_revoke": Policy(
        read=USER_MANAGERS, change=USER_MANAGERS, methods=("POST",), object=role_sample
    ),
    "accounts:user_status": Policy(
        read=USER_MANAGERS, change=USER_MANAGERS, methods=("POST",), object=user_sample
    ),
    "accounts:user_end_sessions": Policy(
        read=USER_MANAGERS, change=USER_MANAGERS, methods=("POST",), object=user_sample
    ),
    "accounts:user_reset_second_factor": Policy(
        read=USER_MANAGERS, change=USER_MANAGERS, methods=("POST",), object=user_sample
    ),
}
