from django.urls import path

from . import export_views, import_views, manage_views, map_views, views

app_name = "entities"

urlpatterns = [
    # The public catalogue.
    path("katalog/", views.catalogue, name="catalogue"),
    path("katalog/<int:pk>/", views.detail, name="detail"),
    path("katalog/statystyki/", views.statistics, name="statistics"),
    *export_views.urlpatterns,
    *map_views.urlpatterns,
    # Keeping entities: coordinators, OWES advisors, PES representatives.
    path("podmioty/", manage_views.manage_list, name="manage_list"),
    path("podmioty/nowy/", manage_views.create, name="create"),
    path("podmioty/sprawozdania/", manage_views.missing_reports, name="missing_reports"),
    path("podmioty/<int:pk>/", manage_views.manage_detail, name="manage_detail"),
    path("podmioty/<int:pk>/edycja/", manage_views.edit, name="edit"),
    path("podmioty/<int:pk>/status-ps/", manage_views.ps_status, name="ps_status"),
    path("podmioty/<int:pk>/sprawozdanie/", manage_views.annual_report, name="annual_report"),
    path("podmioty/<int:pk>/oferta/nowa/", manage_views.offer_create, name="offer_create"),
    path("podmioty/oferta/<int:pk>/", manage_views.offer_edit, name="offer_edit"),
    path("podmioty/oferta/<int:pk>/publikacja/", manage_views.offer_publish, name="offer_publish"),
    *import_views.urlpatterns,
]
