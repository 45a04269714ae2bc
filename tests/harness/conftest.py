"""Fixtures of the quality harness (issue #4): the world of personas, and Chromium for browser tests."""

import os
from pathlib import Path

import pytest

from .world import World

CHROMIUM = os.environ.get("LACZNIK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def world(db) -> World:
    return World.build()


@pytest.fixture
def live_world(transactional_db, live_server) -> World:
    """The personas committed, so that the live server's thread sees them."""
    return World.build()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, through Playwright's sync API; never a downloaded browser."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make browser-deps).")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; the ORM calls the tests make between
    # browser steps are synchronous and safe, so Django's async guard is lifted while it lives.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            # Playwright starts Chromium with a fresh temporary profile of its own.
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
