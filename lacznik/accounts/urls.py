from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("logowanie/", views.LoginView.as_view(), name="login"),
    path("wylogowanie/", views.LogoutView.as_view(), name="logout"),
    path("moje-konto/", views.profile, name="profile"),
    path("drugi-skladnik/", views.otp_verify, name="otp_verify"),
    path("drugi-skladnik/konfiguracja/", views.otp_setup, name="otp_setup"),
    path("uzytkownicy/", views.user_list, name="user_list"),
]
