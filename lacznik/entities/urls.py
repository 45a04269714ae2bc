from django.urls import path

from . import export_views, import_views, map_views, views

app_name = "entities"

urlpatterns = [
    path("katalog/", views.catalogue, name="catalogue"),
    path("katalog/<int:pk>/", views.detail, name="detail"),
    *export_views.urlpatterns,
    *map_views.urlpatterns,
    *import_views.urlpatterns,
]
