"""Fixtures for the browser journeys: one Chromium for the whole run, a fresh context
(cookies, viewport) per test, and the app served by pytest-django's live server.

Playwright's sync API runs its own event loop in this thread, so Django would refuse
ORM calls made from test code while a page is open; the tests are plain synchronous
code, so the guard is switched off here (and only in processes that load this file).
"""

import os
from pathlib import Path

import pytest

from tests.conftest import service_missing

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        service_missing(f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
    from tests.browser.journey import write_report

    write_report()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Sign-in rate limits and used MFA codes live in the cache; each journey starts clean.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def new_page(browser, live_server, request):
    """Opens a page in a fresh browser context (its own cookies): one per person in a
    journey. Pages fail the test on a JavaScript error or a Content-Security-Policy
    violation."""
    from tests.browser.journey import Journey

    contexts = []

    def open_page(name: str = "") -> Journey:
        context = browser.new_context(base_url=live_server.url,
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return Journey(context.new_page(), name=name or request.node.name)

    yield open_page
    for context in contexts:
        context.close()
