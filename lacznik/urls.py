from django.contrib import admin
from django.urls import include, path

from lacznik.api import api

urlpatterns = [
    path("", include("lacznik.core.urls")),
    path("konto/", include("lacznik.accounts.urls")),
    path("teryt/", include("lacznik.territory.urls")),
    path("cpv/", include("lacznik.cpv.urls")),
    path("", include("lacznik.entities.urls")),
    path("wydarzenia/", include("lacznik.events.urls")),
    path("rzecznicy/", include("lacznik.advocates.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler403 = "lacznik.core.views.error_403"
handler404 = "lacznik.core.views.error_404"
handler500 = "lacznik.core.views.error_500"
