"""The versioned JSON API (/api/v1/): each app contributes a router; OpenAPI at /api/v1/openapi.json."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI

from lacznik.territory.api import router as territory_router

api = NinjaAPI(
    title="Łącznik API",
    version="1",
    description=str(_("Public data of Łącznik: the territorial register and, as they arrive, the social economy catalogue.")),
    urls_namespace="api-1",
    docs_url="/docs",
)
api.add_router("/territory/", territory_router, tags=["territory"])
