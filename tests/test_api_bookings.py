"""Bookings over the API: a jobseeker books, cancels, confirms and disputes; a provider
answers, declines and delivers. Money moves only through the booking services, once per
Idempotency-Key, and each person reaches exactly the bookings their pages show them."""

from unittest import mock

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from api.models import IdempotentRequest
from bookings import services
from bookings.models import Booking, BookingStatus
from ledger import keys
from ledger.accounts import available_account, committed_account, payable_account
from ledger.models import Account, Transfer, TransferKind
from marketplace.models import Category, OfferStatus
from tests.factories import (
    JobseekerFactory,
    OfferFactory,
    ProviderAdminFactory,
    api_token_for,
    give_totp,
)
from tests.factories.bookings import budget_holder, funded_programme

pytestmark = pytest.mark.postgres

BOOKINGS = "/api/v1/jobseeker/bookings/"
INBOX = "/api/v1/provider/bookings/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def programme(manager):
    return funded_programme(manager, per_person=100_000)


@pytest.fixture
def budget(programme, jobseeker):
    return budget_holder(programme, jobseeker=jobseeker)


@pytest.fixture
def provider(provider_admin):
    return provider_admin.provider_membership.provider


@pytest.fixture
def offer(provider):
    return OfferFactory(provider=provider, price=30_000, title="Forklift licence")


@pytest.fixture
def me(jobseeker):
    client = APIClient()
    client.force_login(jobseeker)
    return client


@pytest.fixture
def inbox(provider):
    _, secret = api_token_for(provider=provider)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def balances(budget) -> dict:
    return {"available": Account.objects.get(pk=available_account(budget).pk).balance,
            "committed": Account.objects.get(pk=committed_account(budget).pk).balance}


def booked(budget, offer, token="t1", message=""):
    return services.request_booking(jobseeker=budget.jobseeker, offer=offer,
                                    request_token=token, message=message)


def delivered(budget, offer, provider_admin):
    booking = booked(budget, offer)
    services.accept_booking(actor=provider_admin, booking=booking)
    return services.mark_delivered(actor=provider_admin, booking=booking)


def transfers(kind) -> int:
    return Transfer.objects.filter(kind=kind).count()


def post(client, url, body=None, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(url, body, format="json", **headers)


# --- A jobseeker books --------------------------------------------------------------------


def test_booking_an_offer_commits_its_price_from_the_budget(me, budget, offer):
    response = post(me, BOOKINGS, {"offer": offer.pk, "message": "Mornings, please"})
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["price"], body["message"]) == \
        ("requested", 30_000, "Mornings, please")
    assert body["offer"]["title"] == "Forklift licence"
    assert body["provider"]["name"] == offer.provider.name
    assert [e["status"] for e in body["events"]] == ["requested"]
    assert balances(budget) == {"available": 70_000, "committed": 30_000}


def test_the_same_key_twice_makes_one_booking_and_one_ledger_commit(me, budget, offer):
    first = post(me, BOOKINGS, {"offer": offer.pk}, key="book-1")
    with mock.patch("bookings.services.request_booking") as service:
        again = post(me, BOOKINGS, {"offer": offer.pk}, key="book-1")
    service.assert_not_called()
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Booking.objects.count() == 1
    assert transfers(TransferKind.COMMIT) == 1
    assert balances(budget) == {"available": 70_000, "committed": 30_000}


def test_a_retry_whose_stored_answer_was_lost_still_makes_one_booking(me, budget, offer):
    post(me, BOOKINGS, {"offer": offer.pk}, key="book-1")
    IdempotentRequest.objects.all().delete()
    again = post(me, BOOKINGS, {"offer": offer.pk}, key="book-1")
    assert again.status_code == 201
    assert Booking.objects.count() == 1
    assert balances(budget)["committed"] == 30_000


def test_the_same_key_with_a_different_body_is_refused(me, budget, offer):
    other = OfferFactory(provider=offer.provider, price=10_000)
    post(me, BOOKINGS, {"offer": offer.pk}, key="book-1")
    response = post(me, BOOKINGS, {"offer": other.pk}, key="book-1")
    assert response.status_code == 422
    assert "different request" in response.json()["detail"]
    assert list(Booking.objects.values_list("offer_id", flat=True)) == [offer.pk]
    assert balances(budget)["committed"] == 30_000


def test_without_a_key_each_request_is_a_new_booking(me, budget, offer):
    post(me, BOOKINGS, {"offer": offer.pk})
    post(me, BOOKINGS, {"offer": offer.pk})
    assert Booking.objects.count() == 2
    assert balances(budget) == {"available": 40_000, "committed": 60_000}


@pytest.mark.parametrize("body,field", [
    ({}, "offer"),
    ({"offer": "forklift"}, "offer"),
    ({"offer": 0}, "offer"),
    ({"offer": 10**19}, "offer"),
    ({"offer": "{offer}", "message": "x" * 1001}, "message"),
    ({"offer": "{offer}", "message": None}, "message"),
])
def test_bad_booking_requests_name_the_field(me, budget, offer, body, field):
    body = {k: offer.pk if v == "{offer}" else v for k, v in body.items()}
    response = post(me, BOOKINGS, body, key="bad-1")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not Booking.objects.exists()


@pytest.mark.parametrize("status", [OfferStatus.DRAFT, OfferStatus.PENDING,
                                    OfferStatus.WITHDRAWN])
def test_an_offer_not_listed_cannot_be_booked_and_is_not_revealed(me, budget, provider,
                                                                  status):
    hidden = OfferFactory(provider=provider, status=status)
    response = post(me, BOOKINGS, {"offer": hidden.pk})
    assert response.status_code == 400
    assert response.json()["errors"] == {"offer": ["There is no listed offer with that id."]}
    assert balances(budget)["committed"] == 0


def test_booking_more_than_is_left_is_409_and_moves_nothing(me, budget, provider):
    dear = OfferFactory(provider=provider, price=150_000)
    response = post(me, BOOKINGS, {"offer": dear.pk})
    assert response.status_code == 409
    assert response.json() == {"detail": "There is not enough left in your budget for this."}
    assert balances(budget) == {"available": 100_000, "committed": 0}


def test_a_category_the_programme_does_not_fund_is_422(manager, jobseeker, provider):
    programme = funded_programme(manager, allowed_categories=[Category.TRAINING])
    budget = budget_holder(programme, jobseeker=jobseeker)
    coaching = OfferFactory(provider=provider, category=Category.COACHING)
    client = APIClient()
    client.force_login(jobseeker)
    response = post(client, BOOKINGS, {"offer": coaching.pk})
    assert response.status_code == 422
    assert "cannot be spent on coaching" in response.json()["detail"]
    assert balances(budget)["committed"] == 0


def test_booking_without_a_budget_is_409(db, offer):
    client = APIClient()
    client.force_login(JobseekerFactory())
    response = post(client, BOOKINGS, {"offer": offer.pk})
    assert response.status_code == 409
    assert "Claim your budget" in response.json()["detail"]


# --- A jobseeker's bookings ----------------------------------------------------------------


def test_the_list_has_only_your_bookings_newest_first(me, budget, offer, programme):
    other = budget_holder(programme)
    booked(other, offer, token="theirs")
    mine = [booked(budget, offer, token="a"), booked(budget, offer, token="b")]
    body = me.get(BOOKINGS).json()
    assert [b["id"] for b in body["results"]] == [mine[1].pk, mine[0].pk]
    assert body["next"] is None


def test_the_list_filters_by_status_and_pages_by_cursor(me, budget, offer, provider_admin):
    first, second = booked(budget, offer, token="a"), booked(budget, offer, token="b")
    services.cancel_booking(actor=budget.jobseeker, booking=first)
    assert [b["id"] for b in me.get(BOOKINGS, {"status": "cancelled"}).json()["results"]] \
        == [first.pk]
    page = me.get(BOOKINGS, {"page_size": 1}).json()
    assert [b["id"] for b in page["results"]] == [second.pk]
    assert [b["id"] for b in me.get(page["next"]).json()["results"]] == [first.pk]


def test_an_unknown_status_filter_is_a_field_error(me, budget):
    response = me.get(BOOKINGS, {"status": "lost"})
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_cancelling_returns_the_money_once(me, budget, offer):
    booking = booked(budget, offer)
    url = f"{BOOKINGS}{booking.pk}/cancel/"
    first = post(me, url, {"reason": "Found a job"}, key="cancel-1")
    again = post(me, url, {"reason": "Found a job"}, key="cancel-1")
    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == "cancelled"
    assert first.json()["cancel_reason"] == "Found a job"
    assert transfers(TransferKind.RELEASE) == 1
    assert balances(budget) == {"available": 100_000, "committed": 0}


def test_cancelling_after_delivery_is_409(me, budget, offer, provider_admin):
    booking = delivered(budget, offer, provider_admin)
    response = post(me, f"{BOOKINGS}{booking.pk}/cancel/")
    assert response.status_code == 409
    assert "delivered" in response.json()["detail"]
    assert balances(budget)["committed"] == 30_000


def test_confirming_delivery_pays_the_provider_and_holds_back_the_outcome_share(
        me, budget, offer, provider_admin, provider):
    booking = delivered(budget, offer, provider_admin)
    url = f"{BOOKINGS}{booking.pk}/confirm/"
    first = post(me, url, key="confirm-1")
    again = post(me, url, key="confirm-1")
    assert first.status_code == again.status_code == 200
    assert first.json()["status"] == "confirmed"
    assert transfers(TransferKind.SETTLE) == 1
    payable = payable_account(provider=provider, programme=budget.programme)
    escrow = Account.objects.get(key=keys.escrow(booking.pk))
    assert (Account.objects.get(pk=payable.pk).balance, escrow.balance) == (21_000, 9_000)
    assert balances(budget) == {"available": 70_000, "committed": 0}


def test_confirming_before_delivery_is_409(me, budget, offer):
    booking = booked(budget, offer)
    assert post(me, f"{BOOKINGS}{booking.pk}/confirm/").status_code == 409
    assert not transfers(TransferKind.SETTLE)


def test_a_dispute_needs_a_reason_and_moves_no_money(me, budget, offer, provider_admin):
    booking = delivered(budget, offer, provider_admin)
    url = f"{BOOKINGS}{booking.pk}/dispute/"
    blank = post(me, url, {"reason": "   "})
    assert blank.status_code == 400
    assert "reason" in blank.json()["errors"]
    response = post(me, url, {"reason": "Nobody came"})
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["dispute_reason"]) == \
        ("disputed", "Nobody came")
    assert balances(budget)["committed"] == 30_000


@pytest.mark.parametrize("action", ["", "cancel/", "confirm/", "dispute/"])
def test_another_jobseekers_booking_is_404(programme, offer, provider_admin, action):
    theirs = delivered(budget_holder(programme), offer, provider_admin)
    client = APIClient()
    client.force_login(JobseekerFactory())
    url = f"{BOOKINGS}{theirs.pk}/{action}"
    response = client.get(url) if not action else post(client, url, {"reason": "x"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == BookingStatus.DELIVERED


# --- A provider answers ------------------------------------------------------------------------


def test_who_booked_is_a_pseudonym_until_accepted(inbox, budget, offer, jobseeker):
    jobseeker.jobseeker_profile.phone = "0113 496 0000"
    jobseeker.jobseeker_profile.save()
    booking = booked(budget, offer, message="Tuesdays")
    listed = inbox.get(INBOX)
    person = listed.json()["results"][0]["jobseeker"]
    assert person == {"reference": f"Person {str(jobseeker.pseudonym)[:8]}",
                      "identity_shown": False, "name": None, "email": None, "phone": None}
    assert jobseeker.email not in listed.content.decode()
    assert listed.json()["results"][0]["message"] == "Tuesdays"
    accepted = post(inbox, f"{INBOX}{booking.pk}/accept/")
    assert accepted.status_code == 200
    assert accepted.json()["jobseeker"] == {
        "reference": f"Person {str(jobseeker.pseudonym)[:8]}", "identity_shown": True,
        "name": jobseeker.display_name, "email": jobseeker.email, "phone": "0113 496 0000"}


def test_a_declined_request_never_shows_who_booked(inbox, budget, offer, jobseeker):
    booking = booked(budget, offer)
    response = post(inbox, f"{INBOX}{booking.pk}/decline/", {"reason": "Course is full"})
    assert response.status_code == 200
    assert response.json()["jobseeker"]["identity_shown"] is False
    assert jobseeker.email not in inbox.get(f"{INBOX}{booking.pk}/").content.decode()


def test_the_api_shows_who_booked_exactly_when_the_page_does(budget, offer, provider_admin,
                                                              jobseeker):
    booking = booked(budget, offer)
    page, api = APIClient(), APIClient()
    page.force_login(provider_admin)
    api.force_login(provider_admin)
    steps = [None, services.accept_booking, services.mark_delivered]
    for step in steps:
        if step:
            step(actor=provider_admin, booking=booking)
        on_page = jobseeker.email in page.get(
            reverse("provider_booking", args=[booking.pk])).content.decode()
        in_api = api.get(f"{INBOX}{booking.pk}/").json()["jobseeker"]["email"] is not None
        assert on_page == in_api, step


def test_declining_needs_a_reason_then_returns_the_money_once(inbox, budget, offer):
    booking = booked(budget, offer)
    url = f"{INBOX}{booking.pk}/decline/"
    missing = post(inbox, url, {}, key="decline-1")
    assert missing.status_code == 400
    assert missing.json()["errors"] == {"reason": ["This field is required."]}
    first = post(inbox, url, {"reason": "Course is full"}, key="decline-1")
    again = post(inbox, url, {"reason": "Course is full"}, key="decline-1")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert first.json()["decline_reason"] == "Course is full"
    assert transfers(TransferKind.RELEASE) == 1
    assert balances(budget) == {"available": 100_000, "committed": 0}


def test_declining_with_the_same_key_but_another_reason_is_refused(inbox, budget, offer):
    booking = booked(budget, offer)
    url = f"{INBOX}{booking.pk}/decline/"
    post(inbox, url, {"reason": "Course is full"}, key="decline-1")
    assert post(inbox, url, {"reason": "No"}, key="decline-1").status_code == 422
    booking.refresh_from_db()
    assert booking.decline_reason == "Course is full"


def test_accept_then_deliver(inbox, budget, offer):
    booking = booked(budget, offer)
    assert post(inbox, f"{INBOX}{booking.pk}/deliver/").status_code == 409
    assert post(inbox, f"{INBOX}{booking.pk}/accept/", key="a-1").json()["status"] == \
        "accepted"
    response = post(inbox, f"{INBOX}{booking.pk}/deliver/", key="d-1")
    assert response.status_code == 200
    assert response.json()["status"] == "delivered"
    assert [e["status"] for e in response.json()["events"]] == \
        ["requested", "accepted", "delivered"]
    assert balances(budget)["committed"] == 30_000  # paid only once the jobseeker confirms


def test_declining_an_accepted_booking_is_409(inbox, budget, offer):
    booking = booked(budget, offer)
    post(inbox, f"{INBOX}{booking.pk}/accept/")
    response = post(inbox, f"{INBOX}{booking.pk}/decline/", {"reason": "Changed my mind"})
    assert response.status_code == 409
    assert balances(budget)["committed"] == 30_000


def test_provider_staff_signed_in_can_answer(budget, offer, provider_staff):
    booking = booked(budget, offer)
    client = APIClient()
    client.force_login(provider_staff)
    assert post(client, f"{INBOX}{booking.pk}/accept/").json()["status"] == "accepted"


def test_the_inbox_lists_only_your_providers_bookings_and_filters(inbox, budget, offer,
                                                                   programme):
    elsewhere = OfferFactory(price=10_000)
    booked(budget, elsewhere, token="other-provider")
    mine = booked(budget, offer, token="mine")
    cancelled = booked(budget, offer, token="gone")
    services.cancel_booking(actor=budget.jobseeker, booking=cancelled)
    assert [b["id"] for b in inbox.get(INBOX).json()["results"]] == [cancelled.pk, mine.pk]
    assert [b["id"] for b in inbox.get(INBOX, {"status": "requested"}).json()["results"]] == \
        [mine.pk]
    assert "status" in inbox.get(INBOX, {"status": "open"}).json()["errors"]


@pytest.mark.parametrize("action", ["", "accept/", "decline/", "deliver/"])
def test_another_providers_booking_is_404_as_on_its_page(budget, offer, action):
    booking = booked(budget, offer)
    stranger = give_totp(ProviderAdminFactory())
    page = APIClient()
    page.force_login(stranger)
    assert page.get(reverse("provider_booking", args=[booking.pk])).status_code == 404
    _, secret = api_token_for(provider=stranger.provider_membership.provider)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    url = f"{INBOX}{booking.pk}/{action}"
    response = client.get(url) if not action else post(client, url, {"reason": "x"})
    assert response.status_code == 404
    assert client.get(INBOX).json()["results"] == []
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED
    assert balances(budget)["committed"] == 30_000


@pytest.mark.parametrize("who", ["jobseeker", "manager", "auditor_token"])
def test_the_inbox_refuses_everyone_but_provider_members(who, jobseeker, manager,
                                                         commissioner, budget, offer):
    booking = booked(budget, offer)
    client = APIClient()
    if who == "auditor_token":
        _, secret = api_token_for(commissioner=commissioner, role=Role.COMMISSIONER_AUDITOR)
        client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    else:
        client.force_login(jobseeker if who == "jobseeker" else manager)
    assert client.get(INBOX).status_code == 403
    assert post(client, f"{INBOX}{booking.pk}/accept/").status_code == 403
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


def test_a_provider_cannot_use_the_jobseekers_endpoints(inbox, budget, offer):
    booking = booked(budget, offer)
    assert inbox.get(BOOKINGS).status_code == 403
    assert post(inbox, BOOKINGS, {"offer": offer.pk}).status_code == 403
    assert post(inbox, f"{BOOKINGS}{booking.pk}/cancel/").status_code == 403
    assert Booking.objects.count() == 1
