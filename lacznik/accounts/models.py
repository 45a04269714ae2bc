from collections.abc import Iterator
from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from lacznik.core.scope import validate_prefix

from .roles import STAFF_ROLES, Role


class UserQuerySet(models.QuerySet):
    def search(self, text: str) -> "UserQuerySet":
        """Every word of `text` in the first name, last name or e-mail address."""
        result = self
        for word in text.split()[:10]:
            result = result.filter(
                models.Q(first_name__icontains=word)
                | models.Q(last_name__icontains=word)
                | models.Q(email__icontains=word)
            )
        return result

    def holding(self, *, role: str | None = None, prefix: str | None = None) -> "UserQuerySet":
        """Users holding `role` (any role if None) in a scope that lies within `prefix` or covers it."""
        assignments = RoleAssignment.objects.all()
        if role:
            assignments = assignments.filter(role=role)
        if prefix:
            validate_prefix(prefix)
            # The scope column is "14,1465,146501"; a listed prefix starting with `prefix` lies within it…
            match = models.Q(scope__startswith=prefix) | models.Q(scope__contains="," + prefix)
            # …and a listed prefix that `prefix` starts with covers it.
            for size in (2, 4, 6):
                if size < len(prefix):
                    head = prefix[:size]
                    match |= (
                        models.Q(scope=head)
                        | models.Q(scope__startswith=head + ",")
                        | models.Q(scope__endswith="," + head)
                        | models.Q(scope__contains="," + head + ",")
                    )
            assignments = assignments.filter(match)
        return self.filter(pk__in=assignments.values("user_id"))


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)

    def get_by_natural_key(self, username: str | None):
        # Addresses are stored in lower case, so "Jan.Kowalski@Gmina.example" signs in as well.
        return self.get(email=(username or "").strip().lower())


class User(AbstractUser):
    """A person with an account. Signs in with an e-mail address; acts through role assignments."""

    username = None
    email = models.EmailField(_("e-mail address"), unique=True)

    # Raised to end every session of the user at once (deactivation, "sign out everywhere").
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()
    history = HistoricalRecords(excluded_fields=["password", "last_login", "session_generation"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        permissions = [
            ("manage_roles", _("Can give roles and territorial scopes to users")),
            ("view_change_history", _("Can see the history of changes to all data")),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def _session_hash(self, secret: str) -> str:
        # Django keeps this hash in every session and drops sessions whose hash no longer matches:
        # a new password ends them (ASVS 7.4.3), and so does a raised session_generation (7.4.2, 7.4.5).
        return salted_hmac(
            "lacznik.accounts.User.session",
            f"{self.password}\x00{self.session_generation}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_session_auth_hash(self) -> str:
        return self._session_hash(settings.SECRET_KEY)

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for fallback in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(fallback)

    @cached_property
    def active_assignments(self) -> list["RoleAssignment"]:
        # Read once per request: the user object is loaded anew for every request, so a change of
        # roles or scope applies from the very next request.
        if not self.pk or not self.is_active:
            return []
        return list(self.role_assignments.all())

    @property
    def roles(self) -> set[str]:
        return {assignment.role for assignment in self.active_assignments}

    @property
    def scope_prefixes(self) -> frozenset[str]:
        """Every TERYT prefix of every role the user holds."""
        return frozenset(p for assignment in self.active_assignments for p in assignment.prefixes)

    def prefixes_for(self, *roles: str) -> frozenset[str]:
        """The TERYT prefixes in which the user holds one of `roles`."""
        return frozenset(
            p
            for assignment in self.active_assignments
            if assignment.role in roles
            for p in assignment.prefixes
        )

    @property
    def needs_second_factor(self) -> bool:
        return self.is_superuser or bool(self.roles & STAFF_ROLES)


def validate_prefix_list(value: str) -> None:
    prefixes = split_prefixes(value)
    if not prefixes:
        raise ValidationError(_("Give at least one TERYT prefix."), code="empty_scope")
    for prefix in prefixes:
        validate_prefix(prefix)


def split_prefixes(value: str) -> list[str]:
    return sorted({part for part in value.replace(";", ",").replace(" ", ",").split(",") if part})


class RoleAssignment(models.Model):
    """One role of one user in a territory given as TERYT prefixes ("14", "1465", "146501")."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=40, choices=Role)
    scope = models.CharField(
        _("territorial scope"),
        max_length=2000,
        validators=[validate_prefix_list],
        help_text=_("TERYT codes separated by commas: 14 (voivodeship), 1465 (powiat), 146501 (gmina)."),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    granted_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("granted by")
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="one_assignment_per_role")]
        ordering = ["user", "role"]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} ({self.scope})"

    def save(self, *args, **kwargs) -> None:
        self.scope = ",".join(split_prefixes(self.scope))
        super().save(*args, **kwargs)

    @property
    def prefixes(self) -> list[str]:
        return split_prefixes(self.scope)
