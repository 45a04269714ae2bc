from django.urls import path

from . import views

app_name = "cpv"
urlpatterns = [
    path("", views.index, name="index"),
    path("podpowiedzi/", views.suggestions, name="suggestions"),
    path("<str:code>/", views.code, name="code"),
]
