"""The search page's results region on its own, as htmx asks for it when a filter
changes: only the results (and the count for screen readers), never the whole page."""

import pytest
from django.urls import reverse

from marketplace.models import Category
from tests.factories import OfferFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def offers():
    OfferFactory(title="Bus pass", category=Category.TRAVEL, price=5_000)
    OfferFactory(title="Train fares to interviews", category=Category.TRAVEL, price=9_000)
    OfferFactory(title="Zumba class", category=Category.COACHING)


def test_a_request_from_htmx_gets_only_the_filtered_results(client, offers):
    response = client.get(reverse("offer_search"), {"category": "travel"}, **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert "Bus pass" in body and "Train fares to interviews" in body
    assert "Zumba class" not in body
    assert '<h2 class="govuk-heading-m" id="results-heading">' in body
    # Nothing of the page around the results: no layout, menu, heading or filter form.
    for page_part in ("<html", "<head", "<main", "<nav aria-label=\"Menu\"", "<h1", "<form",
                      "Find support</h1>", "Filter</h2>", "<footer"):
        assert page_part not in body, page_part


def test_the_results_tell_screen_readers_how_many_offers_were_found(client, offers):
    body = client.get(reverse("offer_search"), {"category": "travel"}, **HTMX).content.decode()
    assert '<p id="search-status" hx-swap-oob="innerHTML">2 offers found</p>' in body

    nothing = client.get(reverse("offer_search"), {"q": "astronaut"}, **HTMX).content.decode()
    assert "No offers match. Try removing a filter." in nothing
    assert ('<p id="search-status" hx-swap-oob="innerHTML">No offers match. Try removing a '
            "filter.</p>") in nothing


def test_the_whole_page_holds_the_same_results_and_an_empty_status(client, offers):
    page = client.get(reverse("offer_search"), {"category": "travel"}).content.decode()
    results = client.get(reverse("offer_search"), {"category": "travel"},
                         **HTMX).content.decode()

    assert page.count("<h1") == 1 and "<form" in page
    assert '<div id="search-results">' in page
    assert '<p class="govuk-visually-hidden" id="search-status" role="status"></p>' in page
    assert 'hx-swap-oob' not in page
    first_offer = results.index('<ul class="onward-results"')
    assert results[first_offer:results.index("</ul>") + 5] in page


def test_the_page_and_its_results_are_cached_apart(client, offers):
    page = client.get(reverse("offer_search"))
    results = client.get(reverse("offer_search"), **HTMX)
    assert "HX-Request" in page["Vary"] and "HX-Request" in results["Vary"]


def test_an_invalid_filter_from_htmx_asks_for_the_whole_page(client, offers):
    response = client.get(reverse("offer_search"), {"price_min": "ten", "category": "travel"},
                          **HTMX)

    assert response.status_code == 204 and response.content == b""
    assert response["HX-Redirect"] == "/offers/?price_min=ten&category=travel"
    whole = client.get(response["HX-Redirect"]).content.decode()
    assert "There is a problem" in whole
    assert "Enter the lowest price in pounds" in whole


def test_going_back_to_a_page_htmx_does_not_hold_gets_the_whole_page(client, offers):
    response = client.get(reverse("offer_search"), {"category": "travel"},
                          HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX)
    body = response.content.decode()
    assert "<html" in body and "<form" in body and "Bus pass" in body


def test_the_page_loads_htmx_configured_for_the_strict_content_security_policy(client):
    body = client.get(reverse("offer_search")).content.decode()
    assert '<script src="/static/htmx/htmx.min.js" defer></script>' in body
    assert '"includeIndicatorStyles": false' in body and '"allowEval": false' in body
    assert 'hx-get="/offers/"' in body and 'hx-target="#search-results"' in body
