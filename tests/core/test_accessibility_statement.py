"""The deklaracja dostępności: linked from every page, in the structure of the regulation."""

import pytest

REQUIRED_IDS = [
    "a11y-wstep", "a11y-podmiot", "a11y-url", "a11y-data-publikacja", "a11y-data-aktualizacja", "a11y-status",
    "a11y-data-sporzadzenie", "a11y-ocena", "a11y-kontakt", "a11y-osoba", "a11y-email", "a11y-telefon",
    "a11y-procedura", "a11y-architektura", "a11y-aplikacje",
]


def test_statement_has_every_element_of_the_regulation(client, db):
    html = client.get("/deklaracja-dostepnosci/").content.decode()
    for element_id in REQUIRED_IDS:
        assert f'id="{element_id}"' in html, element_id
    assert "<h1>Deklaracja dostępności</h1>" in html


@pytest.mark.parametrize("url", ["/", "/deklaracja-dostepnosci/", "/teryt/", "/konto/logowanie/", "/brak/"])
def test_every_page_links_the_statement_and_has_landmarks(client, db, url):
    html = client.get(url).content.decode()
    assert '<meta name="deklaracja-dostępności" content="/deklaracja-dostepnosci/">' in html
    assert 'href="/deklaracja-dostepnosci/"' in html
    assert '<html lang="pl">' in html
    assert 'class="skip-link" href="#tresc"' in html
    assert '<main id="tresc"' in html and "<header" in html and "<footer" in html and "<nav" in html


def test_the_language_switch_gives_english_and_back(client, db):
    response = client.post("/jezyk/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Skip to main content" in html
    response = client.post("/jezyk/", {"language": "pl", "next": "/"}, follow=True)
    assert "Przejdź do treści" in response.content.decode()


def test_the_browser_language_does_not_override_polish(client, db):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="pl">' in html
