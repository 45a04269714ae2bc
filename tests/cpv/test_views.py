"""The public CPV dictionary: pages, the suggestion list of the field, and the API (issue #5 point 4)."""

import re

from lacznik.cpv.models import CpvCode

NBSP = "\xa0"


def test_index_lists_the_45_divisions_with_their_counts(client, cpv_register):
    html = client.get("/cpv/").content.decode()
    assert "Działy: 45; kody łącznie: 9" in html
    row = html.split('<a href="/cpv/55000000-0/">')[1].split("</tr>")[0]
    assert row.startswith(f"Usługi hotelarskie, restauracyjne i{NBSP}handlu detalicznego</a>")
    assert f">{CpvCode.objects.filter(code__startswith='55').count()}<" in row
    assert "Słownik CPV" in html  # the menu item


def test_search_ignores_diacritics_and_inflection(client, cpv_register):
    html = client.get("/cpv/", {"q": "uslugi restauracyjne"}).content.decode()
    assert '<a href="/cpv/55300000-3/"><code>55300000-3</code></a>' in html
    assert "Usługi restauracyjne i dotyczące podawania posiłków" in html
    # Other grammatical forms: "posiłki" finds "posiłków", "usługami" finds "Usługi".
    assert "55520000-1" in client.get("/cpv/", {"q": "posiłki dostarczania"}).content.decode()
    assert "55520000-1" in client.get("/cpv/", {"q": "usługami dostarczania"}).content.decode()
    assert "55520000-1" in client.get("/cpv/", {"q": "uslugi dostarczania posilkow"}).content.decode()
    # An unfinished word already finds (the field suggests as the user types).
    assert "55520000-1" in client.get("/cpv/", {"q": "dostarczania posił"}).content.decode()
    # The EU text's no-break space does not stop a phrase typed with an ordinary one.
    assert "03100000-2" in client.get("/cpv/", {"q": "rolnictwa i ogrodnictwa"}).content.decode()
    html = client.get("/cpv/", {"q": "zupelnie nieistniejace slowo"}).content.decode()
    assert "Żaden kod nie pasuje." in html


def test_search_by_code_prefix_is_paginated(client, cpv_register):
    html = client.get("/cpv/", {"q": "5552"}).content.decode()
    count = CpvCode.objects.filter(code__startswith="5552").count()
    assert f"Znaleziono {count} kod" in html and "55521100-9" in html and "55300000-3" not in html
    page_1 = client.get("/cpv/", {"q": "45"}).content.decode()
    assert "Strona 1 z" in page_1 and "page=2" in page_1
    page_2 = client.get("/cpv/", {"q": "45", "page": "2"}).content.decode()
    assert "Strona 2 z" in page_2


def test_code_page_shows_the_parent_chain_and_children(client, cpv_register):
    html = client.get("/cpv/55520000-1/").content.decode()
    breadcrumbs = html.split('<ol class="breadcrumb">')[1].split("</ol>")[0]
    assert (
        breadcrumbs.index("/cpv/55000000-0/")
        < breadcrumbs.index("/cpv/55500000-5/")
        < breadcrumbs.index("55520000-1")
    )
    assert "Catering services" in html and "klasa" in html and "usługi" in html
    assert "4 kody bezpośrednio podrzędne" in html and '<a href="/cpv/55521000-8/">' in html
    # The catalogue's entities offering the code (or a code below it).
    assert '<a href="/katalog/?cpv=55520000-1">' in html
    assert client.get("/cpv/55520000/")["Location"] == "/cpv/55520000-1/"
    assert client.get("/cpv/74700000-7/").status_code == 404
    assert client.get("/cpv/nie-kod/").status_code == 404


def test_the_suggestion_list_answers_htmx_with_up_to_20_pickable_codes(client, cpv_register):
    response = client.get(
        "/cpv/podpowiedzi/", {"pole": "cpv", "cel": "id_cpv", "cpv": "uslugi"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert html.count("data-cpv-pick=") == 20
    assert (
        '<span id="id_cpv_cpv_status" hx-swap-oob="innerHTML">Pasuje więcej kodów; poniżej pierwszych 20.'
        in html
    )
    # The most general codes come first: the 20 divisions named "Usługi ...", before any group.
    assert 'data-cpv-pick="50000000-5"' in html and 'data-cpv-pick="98000000-3"' in html
    assert 'data-cpv-pick="50100000-6"' not in html

    html = client.get("/cpv/podpowiedzi/", {"q": "5552"}, headers={"HX-Request": "true"}).content.decode()
    assert 'data-cpv-pick="55520000-1"' in html and "Wybrano: 55520000-1 Usługi dostarczania posiłków" in html
    # An id that is not an element id is not echoed back.
    html = client.get(
        "/cpv/podpowiedzi/", {"q": "5552", "cel": '"><b>x'}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<b>x" not in html and "hx-swap-oob" not in html


def test_the_suggestion_list_is_a_page_without_javascript(client, cpv_register):
    html = client.get("/cpv/podpowiedzi/", {"q": "posilki szkolne"}).content.decode()
    assert "<html" in html and "<h1>Podpowiedzi kodów CPV</h1>" in html
    assert '<a href="/cpv/15894210-6/"><code>15894210-6</code> Posiłki szkolne</a>' in html
    assert client.get("/cpv/podpowiedzi/").status_code == 200


def test_api_lists_codes_with_filters_and_pagination(client, cpv_register):
    page = client.get("/api/v1/cpv/codes", {"level": 2, "limit": 100}).json()
    assert page["count"] == 45 and len(page["items"]) == 45
    assert page["items"][0] == {
        "code": "03000000-1",
        "level": 2,
        "level_name": "dział",
        "kind": "dostawy",
        "kind_label": "dostawy",
        "name": f"Produkty rolnictwa, hodowli, rybołówstwa, leśnictwa i{NBSP}podobne",
        "name_en": "Agricultural, farming, fishing, forestry and related products",
        "parent": None,
    }
    children = client.get("/api/v1/cpv/codes", {"parent": "55520000-1"}).json()
    assert [item["code"] for item in children["items"]] == [
        "55521000-8",
        "55522000-5",
        "55523000-2",
        "55524000-9",
    ]
    found = client.get("/api/v1/cpv/codes", {"q": "uslugi restauracyjne"}).json()
    assert "55300000-3" in [item["code"] for item in found["items"]]
    window = client.get("/api/v1/cpv/codes", {"limit": 10, "offset": 10}).json()
    assert window["count"] == 9454 and len(window["items"]) == 10 and window["offset"] == 10
    assert client.get("/api/v1/cpv/codes", {"limit": 1000}).status_code == 422
    assert client.get("/api/v1/cpv/codes", {"parent": "5552"}).status_code == 422


def test_api_gives_one_code_with_its_chain(client, cpv_register):
    detail = client.get("/api/v1/cpv/codes/55520000-1").json()
    assert detail["ancestors"] == ["55000000-0", "55500000-5"] and detail["parent"] == "55500000-5"
    assert detail["children"] == ["55521000-8", "55522000-5", "55523000-2", "55524000-9"]
    assert client.get("/api/v1/cpv/codes/74700000-7").status_code == 404


def test_suggestions_know_catering_and_put_the_plain_service_before_its_narrower_kinds(client, cpv_register):
    def picks(text: str) -> list[str]:
        html = client.get("/cpv/podpowiedzi/", {"q": text}, headers={"HX-Request": "true"}).content.decode()
        return re.findall(r'data-cpv-pick="([\d-]+)"', html)

    # The Polish names say "dostarczanie posiłków"; offers say "catering" (the English names do).
    catering = picks("catering")
    assert "55520000-1" in catering[:3] and "55524000-9" in catering
    cleaning = picks("sprzątanie")
    # Within a level the shortest name first: "Usługi sprzątania" before "… sprzątania i zamiatania ulic".
    assert cleaning.index("90910000-9") < cleaning.index("90610000-6")
