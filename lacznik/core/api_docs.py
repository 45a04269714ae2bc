"""The API documentation page: the OpenAPI description drawn as an ordinary, accessible page of the site.

Swagger UI and Redoc are single-page applications that fail WCAG checks and are English only; this page
renders the same OpenAPI document server-side in the site's layout, and links the JSON for tools.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase

HTTP_METHODS = ("get", "post", "put", "patch", "delete")


class AccessibleDocs(DocsBase):
    def render_page(self, request: HttpRequest, api: Any, **kwargs: Any) -> HttpResponse:
        schema = api.get_openapi_schema(path_params=kwargs)
        operations = []
        for path, methods in schema.get("paths", {}).items():
            for method in HTTP_METHODS:
                operation = methods.get(method)
                if operation is None:
                    continue
                operations.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": operation.get("summary", ""),
                        "description": operation.get("description", ""),
                        "tags": operation.get("tags", []),
                        "parameters": [
                            {
                                "name": parameter["name"],
                                "location": parameter.get("in", ""),
                                "required": parameter.get("required", False),
                                "type": parameter.get("schema", {}).get("type", ""),
                                "description": parameter.get("description", ""),
                            }
                            for parameter in operation.get("parameters", [])
                        ],
                        "anchor": operation.get("operationId", f"{method}-{path}"),
                    }
                )
        context = {"schema": schema, "operations": operations, "openapi_url": self.get_openapi_url(api, kwargs)}
        return render(request, "core/api_docs.html", context)
