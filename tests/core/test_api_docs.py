"""The API is described by OpenAPI and on an ordinary, accessible page of the site."""


def test_openapi_document_is_served(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "Łącznik API"
    assert schema["info"]["version"] == "1"


def test_docs_page_is_a_polish_page_of_the_site_listing_every_operation(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    html = client.get("/api/v1/docs").content.decode()
    assert '<html lang="pl">' in html and 'href="/deklaracja-dostepnosci/"' in html
    assert "Pełny opis w formacie OpenAPI 3" in html
    for path, methods in schema["paths"].items():
        for method in methods:
            assert f"{method.upper()} {path}" in html
    assert "cdn." not in html and "swagger" not in html.lower()
