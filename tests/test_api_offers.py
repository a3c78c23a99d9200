"""Offers over the API: public search with the page's filters, and a provider's own
offers (create, change, submit, withdraw), and the commissioners' approvals."""

import pytest
from rest_framework.test import APIClient

from marketplace.models import Category, Offer, OfferStatus
from tests.factories import OfferFactory, ProviderFactory, api_token_for

pytestmark = pytest.mark.postgres

NEW_OFFER = {
    "title": "Forklift licence", "what_you_get": "Training and the test",
    "who_it_is_for": "Anyone who wants warehouse work", "category": Category.LICENCES,
    "price": 45_000, "price_covers": "Course, test and certificate",
    "delivery_mode": "in_person", "area": "Leeds",
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def provider(provider_admin):
    return provider_admin.provider_membership.provider


@pytest.fixture
def api(provider):
    _, secret = api_token_for(provider=provider)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def titles(response):
    return [offer["title"] for offer in response.json()["results"]]


def test_search_finds_listed_offers_only(db):
    OfferFactory(title="Listed")
    OfferFactory(title="Pending", status=OfferStatus.PENDING)
    response = APIClient().get("/api/v1/offers/")
    assert response.status_code == 200
    assert titles(response) == ["Listed"]
    assert response.json()["total"] == 1


def test_search_uses_the_pages_filters(db):
    OfferFactory(title="Cheap coaching", price=5_000)
    OfferFactory(title="Dear licence", price=90_000, category=Category.LICENCES)
    client = APIClient()
    assert titles(client.get("/api/v1/offers/", {"category": "licences"})) == ["Dear licence"]
    assert titles(client.get("/api/v1/offers/", {"price_band": "under_100"})) == \
        ["Cheap coaching"]
    assert titles(client.get("/api/v1/offers/", {"sort": "price_high"})) == \
        ["Dear licence", "Cheap coaching"]


@pytest.mark.parametrize("params,field", [
    ({"category": "spaceships"}, "category"),
    ({"price_min": "ten"}, "price_min"),
    ({"price_min": 500, "price_max": 100}, "price_max"),
    ({"lat": 53.8}, "lon"),
    ({"page_size": 1000}, "page_size"),
    ({"sort": "random"}, "sort"),
])
def test_bad_search_parameters_are_400_with_the_field(db, params, field):
    response = APIClient().get("/api/v1/offers/", params)
    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_an_unlisted_offer_is_404_to_the_public_but_visible_to_its_provider(api, provider):
    offer = OfferFactory(provider=provider, status=OfferStatus.DRAFT)
    assert APIClient().get(f"/api/v1/offers/{offer.pk}/").status_code == 404
    assert api.get(f"/api/v1/offers/{offer.pk}/").status_code == 200


def test_provider_creates_an_offer_waiting_for_approval(api, provider):
    response = api.post("/api/v1/provider/offers/", NEW_OFFER, format="json")
    assert response.status_code == 201
    offer = Offer.objects.get()
    assert (offer.provider, offer.status, offer.price) == (provider, OfferStatus.PENDING, 45_000)
    assert response.json()["status"] == "pending"


def test_provider_can_keep_a_new_offer_as_a_draft(api):
    api.post("/api/v1/provider/offers/", {**NEW_OFFER, "submit": False}, format="json")
    assert Offer.objects.get().status == OfferStatus.DRAFT


def test_offer_field_errors_name_each_field(api):
    response = api.post("/api/v1/provider/offers/", {**NEW_OFFER, "price": 0,
                                                     "category": "nope"}, format="json")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"price", "category"}


def test_changing_an_approved_offer_sends_it_back_for_approval(api, provider):
    offer = OfferFactory(provider=provider)
    response = api.patch(f"/api/v1/provider/offers/{offer.pk}/", {"price": 30_000},
                         format="json")
    assert response.status_code == 200
    offer.refresh_from_db()
    assert (offer.price, offer.status) == (30_000, OfferStatus.PENDING)


def test_submitting_a_draft(api, provider):
    offer = OfferFactory(provider=provider, status=OfferStatus.DRAFT)
    response = api.post(f"/api/v1/provider/offers/{offer.pk}/submit/")
    assert response.json()["status"] == "pending"


def test_submitting_an_approved_offer_is_a_409(api, provider):
    offer = OfferFactory(provider=provider)
    response = api.post(f"/api/v1/provider/offers/{offer.pk}/submit/")
    assert response.status_code == 409
    assert "already approved" in response.json()["detail"]


def test_withdrawing_takes_it_off_the_marketplace(api, provider):
    offer = OfferFactory(provider=provider)
    api.post(f"/api/v1/provider/offers/{offer.pk}/withdraw/")
    offer.refresh_from_db()
    assert offer.status == OfferStatus.WITHDRAWN


def test_another_providers_offer_is_404(api):
    theirs = OfferFactory(provider=ProviderFactory(), status=OfferStatus.DRAFT)
    assert api.get(f"/api/v1/provider/offers/{theirs.pk}/").status_code == 404
    assert api.patch(f"/api/v1/provider/offers/{theirs.pk}/", {"title": "Mine now"},
                     format="json").status_code == 404
    assert api.post(f"/api/v1/provider/offers/{theirs.pk}/submit/").status_code == 404


def test_provider_lists_its_own_offers_with_a_cursor(api, provider):
    for number in range(3):
        OfferFactory(provider=provider, title=f"Offer {number}")
    OfferFactory(title="Someone else's")
    first = api.get("/api/v1/provider/offers/", {"page_size": 2}).json()
    second = api.get(first["next"]).json()
    assert len(first["results"]) == 2 and len(second["results"]) == 1
    assert {o["title"] for o in first["results"] + second["results"]} == \
        {"Offer 0", "Offer 1", "Offer 2"}
    assert second["next"] is None


def test_a_bad_cursor_is_404_json(api):
    response = api.get("/api/v1/provider/offers/", {"cursor": "not-a-cursor"})
    assert response.status_code == 404
    assert "cursor" in response.json()["detail"]


def test_manager_approves_a_pending_offer(commissioner):
    from accounts.models import Role

    offer = OfferFactory(status=OfferStatus.PENDING)
    _, secret = api_token_for(commissioner=commissioner, role=Role.COMMISSIONER_MANAGER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert [o["id"] for o in client.get("/api/v1/commissioner/offers/pending/").json()[
        "results"]] == [offer.pk]
    response = client.post(f"/api/v1/commissioner/offers/{offer.pk}/approve/")
    assert response.json()["status"] == "approved"


def test_refusing_needs_a_reason(commissioner):
    from accounts.models import Role

    offer = OfferFactory(status=OfferStatus.PENDING)
    _, secret = api_token_for(commissioner=commissioner, role=Role.COMMISSIONER_MANAGER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = client.post(f"/api/v1/commissioner/offers/{offer.pk}/refuse/", {},
                           format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
