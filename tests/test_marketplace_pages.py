"""The search page and the offer page, as a person sees them."""

import re

import pytest
from django.urls import reverse

from marketplace.models import Category, OfferStatus
from tests.factories import OfferFactory, ProviderFactory, ProviderStandingFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_search_page_lists_offers_with_price_provider_standing_and_rating(client):
    provider = ProviderFactory(name="Bright Futures")
    ProviderStandingFactory(provider=provider, people_served=40, sustained_rate_bp=3500,
                            rating_average="4.25", rating_count=12)
    OfferFactory(provider=provider, title="Forklift licence", price=45050)
    body = client.get(reverse("offer_search")).content.decode()
    assert body.count("<h1") == 1
    assert "Forklift licence" in body and "£450.50" in body
    assert "Bright Futures · Social enterprise" in body
    assert "35% of 40 people" in body and "4.3 out of 5 (12 reviews)" in body


def test_a_provider_with_under_five_people_shows_too_few(client):
    provider = ProviderFactory()
    ProviderStandingFactory(provider=provider, people_served=4, sustained_rate_bp=None)
    OfferFactory(provider=provider)
    body = client.get(reverse("offer_search")).content.decode()
    assert "Too few people yet to show" in body


def test_filters_travel_in_the_url_and_stay_in_the_form(client):
    OfferFactory(title="Bus pass", category=Category.TRAVEL, price=5000)
    OfferFactory(title="Zumba class", category=Category.COACHING)
    response = client.get(reverse("offer_search"),
                          {"q": "bus", "category": "travel", "price_band": "under_100"})
    body = response.content.decode()
    assert "Bus pass" in body and "Zumba class" not in body
    assert 'value="bus"' in body
    assert re.search(r'<option value="travel" selected>', body)


def test_no_results_says_what_to_do(client):
    OfferFactory(category=Category.COACHING)
    body = client.get(reverse("offer_search"), {"category": "travel"}).content.decode()
    assert "No offers match. Try removing a filter." in body


def test_pagination_links_keep_the_filters(client):
    for n in range(25):
        OfferFactory(title=f"Offer {n:02d}", category=Category.DIGITAL)
    body = client.get(reverse("offer_search"), {"category": "digital"}).content.decode()
    assert "Page 1 of 2" in body
    assert 'href="?category=digital&amp;page=2"' in body
    second = client.get(reverse("offer_search"), {"category": "digital", "page": 2})
    assert "Offer 24" in second.content.decode() and "Offer 00" not in second.content.decode()


def test_a_bad_filter_is_shown_and_the_others_still_apply(client):
    OfferFactory(title="Bus pass", category=Category.TRAVEL)
    OfferFactory(title="Zumba class", category=Category.COACHING)
    body = client.get(reverse("offer_search"),
                      {"category": "travel", "price_max": "lots"}).content.decode()
    assert "There is a problem" in body
    assert "Enter the highest price in pounds" in body
    assert "Bus pass" in body and "Zumba class" not in body


def test_searching_near_a_town(client):
    OfferFactory(title="In Leeds", latitude="53.80000", longitude="-1.55000")
    OfferFactory(title="In London", latitude="51.50720", longitude="-0.12760")
    body = client.get(reverse("offer_search"), {"near": "leeds", "distance": "10"}).content
    assert b"In Leeds" in body and b"In London" not in body and b"km away" in body


def test_the_search_page_costs_the_same_queries_for_any_number_of_results(
        client, jobseeker, django_assert_max_num_queries):
    client.force_login(jobseeker)
    for _ in range(3):
        ProviderStandingFactory(provider=OfferFactory().provider)
    with django_assert_max_num_queries(8) as few:
        client.get(reverse("offer_search"))
    for _ in range(30):
        ProviderStandingFactory(provider=OfferFactory().provider)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("offer_search"))
    assert response.context["results"].total == 33


def test_offer_page_shows_everything_and_a_book_button(client, jobseeker):
    provider = ProviderFactory(name="Bright Futures", description="We train drivers.")
    ProviderStandingFactory(provider=provider, people_served=10, jobs_started=6,
                            in_work_13_weeks=5, in_work_26_weeks=4, sustained_rate_bp=4000)
    offer = OfferFactory(provider=provider, title="Forklift licence", price=45000,
                         price_covers="Training and test", accessibility="Step-free access",
                         languages="English, Polish")
    client.force_login(jobseeker)
    body = client.get(reverse("offer_detail", args=[offer.pk])).content.decode()
    for text in ("Forklift licence", "£450.00", "Training and test", "Step-free access",
                 "English, Polish", "We train drivers.", "40% of 10 people",
                 "6 of 10 people"):
        assert text in body, text
    assert f'href="/offers/{offer.pk}/book/"' in body and "Book this" in body


def test_offer_page_has_no_book_button_for_providers(client, provider_admin):
    offer = OfferFactory()
    client.force_login(provider_admin)
    body = client.get(reverse("offer_detail", args=[offer.pk])).content.decode()
    assert "Book this" not in body


def test_offer_page_of_a_refused_offer_is_not_found_for_the_public(client):
    offer = OfferFactory(status=OfferStatus.REFUSED)
    assert client.get(reverse("offer_detail", args=[offer.pk])).status_code == 404
