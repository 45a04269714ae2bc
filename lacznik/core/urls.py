from django.urls import path
from django.views.i18n import set_language

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("deklaracja-dostepnosci/", views.accessibility, name="accessibility"),
    path("historia-zmian/", views.history, name="history"),
    path("jezyk/", set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
]
