from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from lacznik.core.security_log import log_event

from . import second_factor, services
from .forms import (
    SORTS,
    LoginForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    RoleForm,
    SetPasswordForm,
    TokenForm,
    UserCreateForm,
    UserFilterForm,
)
from .middleware import SESSION_EXPIRED_NOTICE, user_has_device
from .models import RoleAssignment, User
from .roles import Role

USERS_PER_PAGE = 25


def safe_next(request: HttpRequest) -> str:
    """The `next` address if it stays on this site (no "//evil.example", no "javascript:"), else home."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def site_url(request: HttpRequest) -> str:
    # get_host() only answers for ALLOWED_HOSTS, so a forged Host header cannot redirect the link.
    return f"{request.scheme}://{request.get_host()}"


# --- signing in and out ----------------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session_expired"] = self.request.session.pop(SESSION_EXPIRED_NOTICE, False)
        return context


class LogoutView(auth_views.LogoutView):
    """POST only (Django's own rule); the server-side session is deleted, not just the cookie."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        messages.success(request, _("You have signed out."))
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Keeps this session (Django updates its hash) and ends every other session of the user."""

    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("accounts:profile")

    def form_valid(self, form):
        response = super().form_valid(form)
        log_event("password_change", outcome="success", request=self.request)
        messages.success(
            self.request, _("Your password has been changed. You were signed out everywhere else.")
        )
        return response

    def form_invalid(self, form):
        if form.has_error("old_password"):
            log_event("password_change", outcome="failure", request=self.request, reason="wrong_old_password")
        return super().form_invalid(form)


class PasswordResetView(auth_views.PasswordResetView):
    """The same answer whether or not the address has an account (no enumeration)."""

    template_name = "accounts/password_reset_form.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        mailed = form.send_links(site_url=site_url(self.request), language=self.request.LANGUAGE_CODE)
        log_event(
            "password_reset_requested",
            outcome="success",
            request=self.request,
            target=mailed[0] if mailed else None,
        )
        return redirect(self.get_success_url())


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The link's token is single-use (the new password changes it) and lasts PASSWORD_RESET_TIMEOUT."""

    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form):
        response = super().form_valid(form)
        log_event("password_reset", outcome="success", request=self.request, actor=form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/profile.html",
        {"assignments": request.user.active_assignments, "has_device": user_has_device(request.user)},
    )


# --- the second factor -----------------------------------------------------------------------------


def _second_factor_done(request: HttpRequest) -> bool:
    user = request.user
    return settings.SKIP_SECOND_FACTOR or not user.needs_second_factor or user.is_verified()


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    if _second_factor_done(request):
        return redirect(safe_next(request))
    if user_has_device(request.user):
        # One authenticator per person; a lost one is reset by an administrator, not replaced from here.
        return redirect(f"{reverse('accounts:otp_verify')}?{request.GET.urlencode()}")
    device = second_factor.pending_device(request.user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        try:
            second_factor.confirm_setup(request, device, form.cleaned_data["token"])
        except second_factor.CodeRefused as error:
            form.add_error("token", str(error))
        else:
            messages.success(
                request, _("The authenticator app is set up. You will be asked for a code at every sign-in.")
            )
            return redirect(safe_next(request))
    context = {
        "form": form,
        "qr_svg": second_factor.qr_code_svg(device),
        "secret": second_factor.secret_text(device),
        "next": safe_next(request),
    }
    return render(request, "accounts/otp_setup.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    if _second_factor_done(request):
        return redirect(safe_next(request))
    if not user_has_device(request.user):
        return redirect(f"{reverse('accounts:otp_setup')}?{request.GET.urlencode()}")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        try:
            second_factor.verify(request, form.cleaned_data["token"])
        except second_factor.CodeRefused as error:
            form.add_error("token", str(error))
        else:
            return redirect(safe_next(request))
    return render(request, "accounts/otp_verify.html", {"form": form, "next": safe_next(request)})


# --- users and roles -------------------------------------------------------------------------------

manage_roles = permission_required("accounts.manage_roles", raise_exception=True)


def _grantable_roles(user: User) -> list[str]:
    if user.is_superuser or Role.ADMINISTRATOR in user.roles:
        return list(Role.values)
    return [role for role in Role.values if role != Role.ADMINISTRATOR]


def _sort_columns(sort: str) -> list[dict]:
    """Column headers that sort the list: a click sorts by the column, a second click reverses it."""
    columns = []
    for key, label in [
        ("name", _("Name")),
        ("email", _("E-mail address")),
        ("last_login", _("Last sign-in")),
    ]:
        state = "ascending" if sort == key else "descending" if sort == f"-{key}" else None
        columns.append({"label": label, "sort": f"-{key}" if state == "ascending" else key, "state": state})
    return columns


@login_required
@manage_roles
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET or None)
    users = User.objects.prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.order_by("role"))
    )
    sort = "name"
    if form.is_bound:
        form.is_valid()
        data = getattr(form, "cleaned_data", {})
        if data.get("q"):
            users = users.search(data["q"])
        if data.get("role") or data.get("teryt"):
            users = users.holding(role=data.get("role") or None, prefix=data.get("teryt") or None)
        sort = data.get("sort") or "name"
    users = users.order_by(*SORTS[sort])
    page = Paginator(users, USERS_PER_PAGE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "columns": _sort_columns(sort)}
    return render(request, "accounts/user_list.html", context)


@login_required
@manage_roles
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if form.is_valid():
        try:
            user = services.create_user(
                by=request.user,
                site_url=site_url(request),
                language=request.LANGUAGE_CODE,
                **form.cleaned_data,
            )
        except (services.AccountChangeRefused, ValidationError) as error:
            form.add_error(None, error if isinstance(error, ValidationError) else str(error))
        else:
            messages.success(
                request,
                _("The account of %(name)s was created. A link to set a password was sent to %(email)s.")
                % {"name": user, "email": user.email},
            )
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@manage_roles
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    assignments = person.role_assignments.select_related("granted_by").order_by("role")
    held = {assignment.role for assignment in assignments}
    grantable = [role for role in _grantable_roles(request.user) if role not in held]
    context = {
        "person": person,
        "assignments": assignments,
        "role_form": RoleForm(roles=grantable) if grantable else None,
        "has_device": user_has_device(person),
        "is_self": person.pk == request.user.pk,
        "role_history": RoleAssignment.history.filter(user_id=person.pk).select_related("history_user")[:20],
    }
    return render(request, "accounts/user_detail.html", context)


@login_required
@manage_roles
@require_http_methods(["GET", "POST"])
def role_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    held = set(person.role_assignments.values_list("role", flat=True))
    form = RoleForm(request.POST or None, roles=[r for r in _grantable_roles(request.user) if r not in held])
    if form.is_valid():
        try:
            services.assign_role(
                user=person,
                role=form.cleaned_data["role"],
                prefixes=form.cleaned_data["prefixes"],
                by=request.user,
            )
        except services.AccountChangeRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The role was given."))
            return redirect("accounts:user_detail", pk=person.pk)
    return render(request, "accounts/role_form.html", {"person": person, "form": form, "assignment": None})


def _assignment_or_404(person: User, role: str) -> RoleAssignment:
    if role not in Role.values:
        raise Http404
    return get_object_or_404(RoleAssignment, user=person, role=role)


@login_required
@manage_roles
@require_http_methods(["GET", "POST"])
def role_edit(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    assignment = _assignment_or_404(person, role)
    initial = {"role": role, "prefixes": ", ".join(assignment.prefixes)}
    form = RoleForm(request.POST or None, initial=initial, roles=[role], fixed_role=role)
    if form.is_valid():
        try:
            services.assign_role(
                user=person, role=role, prefixes=form.cleaned_data["prefixes"], by=request.user
            )
        except services.AccountChangeRefused as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The territorial scope was changed."))
            return redirect("accounts:user_detail", pk=person.pk)
    return render(
        request, "accounts/role_form.html", {"person": person, "form": form, "assignment": assignment}
    )


def _confirm(
    request: HttpRequest, person: User, *, title: str, text: str, button: str, fields=None
) -> HttpResponse:
    context = {"person": person, "title": title, "text": text, "button": button, "fields": fields or {}}
    return render(request, "accounts/confirm.html", context)


def _apply(request: HttpRequest, person: User, change, done: str) -> HttpResponse:
    try:
        change()
    except services.AccountChangeRefused as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("accounts:user_detail", pk=person.pk)


@login_required
@manage_roles
@require_http_methods(["GET", "POST"])
def role_revoke(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    assignment = _assignment_or_404(person, role)
    if request.method == "POST":
        return _apply(
            request,
            person,
            lambda: services.revoke_role(user=person, role=role, by=request.user),
            _("The role was taken away."),
        )
    return _confirm(
        request,
        person,
        title=_("Take away the role"),
        text=_("%(person)s will lose the role “%(role)s” (scope: %(scope)s) from their next request.")
        % {"person": person, "role": assignment.get_role_display(), "scope": ", ".join(assignment.prefixes)},
        button=_("Take away the role"),
    )


@login_required
@manage_roles
@require_http_methods(["GET", "POST"])
def user_status(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        if request.POST.get("active") not in {"0", "1"}:
            return redirect("accounts:user_detail", pk=person.pk)
        active = request.POST["active"] == "1"
        return _apply(
            request,
            person,
            lambda: services.set_active(user=person, active=active, by=request.user),
            _("The account was activated.") if active else _("The account was deactivated and signed out."),
        )
    if person.is_active:
        return _confirm(
            request,
            person,
            title=_("Deactivate the account"),
            text=_("%(person)s will be signed out at once and will not be able to sign in. Roles are kept.")
            % {"person": person},
            button=_("Deactivate the account"),
            fields={"active": "0"},
        )
    return _confirm(
        request,
        person,
        title=_("Activate the account"),
        text=_("%(person)s will be able to sign in again with the roles the account holds.")
        % {"person": person},
        button=_("Activate the account"),
        fields={"active": "1"},
    )


@login_required
@manage_roles
@require_http_methods(["GET", "POST"])
def user_end_sessions(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        return _apply(
            request,
            person,
            lambda: services.end_sessions(user=person, by=request.user),
            _("The person was signed out on every device."),
        )
    return _confirm(
        request,
        person,
        title=_("Sign out everywhere"),
        text=_("%(person)s will be signed out on every device and will have to sign in again.")
        % {"person": person},
        button=_("Sign out everywhere"),
    )


@login_required
@manage_roles
@require_http_methods(["GET", "POST"])
def user_reset_second_factor(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    if request.method == "POST":
        return _apply(
            request,
            person,
            lambda: services.reset_second_factor(user=person, by=request.user),
            _("The authenticator app was removed. The person sets up a new one at the next sign-in."),
        )
    return _confirm(
        request,
        person,
        title=_("Reset the second factor"),
        text=_(
            "Use this when %(person)s has lost the phone with the authenticator app. They will be signed out "
            "and will set up a new app at the next sign-in."
        )
        % {"person": person},
        button=_("Reset the second factor"),
    )
