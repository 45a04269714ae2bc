"""The versioned JSON API (/api/v1/): each app contributes a router; OpenAPI at /api/v1/openapi.json."""

from ninja import NinjaAPI

from lacznik.core.api_docs import AccessibleDocs
from lacznik.cpv.api import router as cpv_router
from lacznik.entities.api import router as entities_router
from lacznik.territory.api import router as territory_router

api = NinjaAPI(
    title="Łącznik API",
    version="1",
    description="Public data of Łącznik (open data, no account needed): the TERC territorial register, the "
    "CPV 2008 dictionary and the catalogue of social economy entities (PES) with their offer. A wrong "
    "parameter is answered 422 naming it; a missing or unpublished object, 404.",
    urls_namespace="api-1",
    docs=AccessibleDocs(),
    docs_url="/docs",
)
api.add_router("/territory/", territory_router, tags=["territory"])
api.add_router("/cpv/", cpv_router, tags=["cpv"])
api.add_router("/entities/", entities_router, tags=["entities"])
