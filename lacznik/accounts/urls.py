from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("logowanie/", views.LoginView.as_view(), name="login"),
    path("wylogowanie/", views.LogoutView.as_view(), name="logout"),
    path("moje-konto/", views.profile, name="profile"),
    path("moje-konto/haslo/", views.PasswordChangeView.as_view(), name="password_change"),
    path("haslo/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("haslo/reset/wyslano/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "haslo/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("haslo/reset/gotowe/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("drugi-skladnik/", views.otp_verify, name="otp_verify"),
    path("drugi-skladnik/konfiguracja/", views.otp_setup, name="otp_setup"),
    path("uzytkownicy/", views.user_list, name="user_list"),
    path("uzytkownicy/nowy/", views.user_create, name="user_create"),
    path("uzytkownicy/<int:pk>/", views.user_detail, name="user_detail"),
    path("uzytkownicy/<int:pk>/role/nowa/", views.role_add, name="role_add"),
    path("uzytkownicy/<int:pk>/role/<slug:role>/", views.role_edit, name="role_edit"),
    path("uzytkownicy/<int:pk>/role/<slug:role>/odebranie/", views.role_revoke, name="role_revoke"),
    path("uzytkownicy/<int:pk>/aktywnosc/", views.user_status, name="user_status"),
    path("uzytkownicy/<int:pk>/sesje/", views.user_end_sessions, name="user_end_sessions"),
    path(
        "uzytkownicy/<int:pk>/drugi-skladnik/",
        views.user_reset_second_factor,
        name="user_reset_second_factor",
    ),
]
