from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class LogoutView(auth_views.LogoutView):
    pass


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"assignments": request.user.active_assignments})


# TODO(#3): the second-factor pages and user management are being built (helper session).
@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError


@login_required
@permission_required("accounts.manage_roles", raise_exception=True)
def user_list(request: HttpRequest) -> HttpResponse:
    raise NotImplementedError
