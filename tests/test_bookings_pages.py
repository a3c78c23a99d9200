"""Booking pages: what each person sees and may do."""

import pytest
from django.urls import reverse

from accounts.models import SupportTier
from bookings import services
from bookings.models import Booking, BookingStatus, PlanItemStatus
from providers.services import suspend_provider
from tests.factories import (
    AuditorFactory,
    JobseekerFactory,
    ProviderAdminFactory,
    ProviderStaffFactory,
    give_totp,
)
from tests.factories.bookings import bookable_offer, budget_holder, funded_programme


@pytest.fixture
def world(db):
    programme = funded_programme(per_person=100_000)
    budget = budget_holder(programme)
    offer = bookable_offer(price=30_000, title="Forklift licence")
    return budget, offer


def test_booking_page_shows_the_price_and_what_is_left(client, world):
    budget, offer = world
    client.force_login(budget.jobseeker)
    body = client.get(reverse("book_offer", args=[offer.pk])).content.decode()
    assert "£300.00" in body and "£1,000.00" in body and "£700.00" in body


def test_booking_twice_with_the_same_form_makes_one_booking(client, world):
    budget, offer = world
    client.force_login(budget.jobseeker)
    data = {"request_token": "form-1", "message": "Mornings please"}
    first = client.post(reverse("book_offer", args=[offer.pk]), data)
    second = client.post(reverse("book_offer", args=[offer.pk]), data)
    assert first.status_code == second.status_code == 302
    assert Booking.objects.count() == 1
    page = client.get(first["Location"]).content.decode()
    assert "Forklift licence" in page and "Requested" in page


def test_not_enough_budget_is_shown_on_the_form(client, db):
    programme = funded_programme(per_person=10_000)
    budget = budget_holder(programme)
    offer = bookable_offer(price=20_000)
    client.force_login(budget.jobseeker)
    response = client.post(reverse("book_offer", args=[offer.pk]), {"request_token": "x"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "not enough left in your budget" in response.content.decode()


def test_provider_sees_no_name_until_accepting_then_delivers(client, world):
    budget, offer = world
    booking = services.request_booking(jobseeker=budget.jobseeker, offer=offer,
                                       request_token="t")
    client.force_login(offer.admin)
    url = reverse("provider_booking", args=[booking.pk])
    assert budget.jobseeker.email not in client.get(url).content.decode()
    client.post(url, {"action": "accept"})
    assert budget.jobseeker.email in client.get(url).content.decode()
    client.post(url, {"action": "deliver"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.DELIVERED


def test_another_provider_gets_404(client, world):
    budget, offer = world
    booking = services.request_booking(jobseeker=budget.jobseeker, offer=offer,
                                       request_token="t")
    client.force_login(give_totp(ProviderAdminFactory()))
    assert client.get(reverse("provider_booking", args=[booking.pk])).status_code == 404
    assert client.post(reverse("provider_booking", args=[booking.pk]),
                       {"action": "accept"}).status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


def test_another_jobseeker_gets_404(client, world):
    budget, offer = world
    booking = services.request_booking(jobseeker=budget.jobseeker, offer=offer,
                                       request_token="t")
    client.force_login(JobseekerFactory())
    assert client.get(reverse("jobseeker_booking", args=[booking.pk])).status_code == 404


def test_jobseeker_confirms_delivery_on_the_page(client, world):
    budget, offer = world
    booking = services.request_booking(jobseeker=budget.jobseeker, offer=offer,
                                       request_token="t")
    services.accept_booking(actor=offer.admin, booking=booking)
    services.mark_delivered(actor=offer.admin, booking=booking)
    client.force_login(budget.jobseeker)
    url = reverse("jobseeker_booking", args=[booking.pk])
    assert "Did you get this support?" in client.get(url).content.decode()
    client.post(url, {"action": "confirm"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED


def test_decline_without_a_reason_shows_an_error(client, world):
    budget, offer = world
    booking = services.request_booking(jobseeker=budget.jobseeker, offer=offer,
                                       request_token="t")
    client.force_login(offer.admin)
    response = client.post(reverse("provider_booking", args=[booking.pk]),
                           {"action": "decline", "decline-reason": ""})
    assert "Enter a reason" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REQUESTED


def test_an_auditor_can_read_a_dispute_but_not_resolve_it(client, world):
    budget, offer = world
    booking = services.request_booking(jobseeker=budget.jobseeker, offer=offer,
                                       request_token="t")
    services.accept_booking(actor=offer.admin, booking=booking)
    services.mark_delivered(actor=offer.admin, booking=booking)
    services.dispute_delivery(actor=budget.jobseeker, booking=booking, reason="No show")
    auditor = give_totp(AuditorFactory(commissioner=budget.programme.commissioner))
    client.force_login(auditor)
    assert "No show" in client.get(reverse("disputes")).content.decode()
    response = client.post(reverse("dispute", args=[booking.pk]),
                           {"decision": "refund", "note": "x"})
    assert response.status_code == 403
    client.force_login(budget.manager)
    client.post(reverse("dispute", args=[booking.pk]), {"decision": "refund", "note": "Checked"})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.REFUNDED


def test_adviser_suggests_and_only_the_jobseeker_decides(client, world, adviser):
    budget, offer = world
    profile = budget.jobseeker.jobseeker_profile
    profile.adviser = adviser
    profile.save()
    client.force_login(adviser)
    client.post(reverse("caseload_person", args=[budget.jobseeker.pk]),
                {"offer": offer.pk, "note": "Good for warehouse jobs"})
    item = budget.jobseeker.plan_items.get()
    assert item.status == PlanItemStatus.SUGGESTED
    client.force_login(budget.jobseeker)
    assert "Good for warehouse jobs" in client.get(reverse("my_plan")).content.decode()
    client.post(reverse("my_plan"), {"action": "accept", "item": item.pk})
    item.refresh_from_db()
    assert item.status == PlanItemStatus.ACCEPTED


def test_adviser_cannot_open_someone_not_on_their_caseload(client, world, adviser):
    budget, _ = world
    client.force_login(adviser)
    assert client.get(reverse("caseload_person", args=[budget.jobseeker.pk])).status_code == 404


def test_provider_staff_see_a_reference_not_the_name_before_accepting(client, world):
    budget, offer = world
    staff = give_totp(ProviderStaffFactory(provider=offer.provider))
    booking = services.request_booking(jobseeker=budget.jobseeker, offer=offer,
                                       request_token="t")
    client.force_login(staff)
    page = client.get(reverse("provider_booking", args=[booking.pk])).content.decode()
    assert booking.reference in page
    assert budget.jobseeker.email not in page
    assert budget.jobseeker.full_name not in page


def test_adviser_records_the_assessment_and_support_tier(client, world, adviser):
    budget, _ = world
    profile = budget.jobseeker.jobseeker_profile
    profile.adviser = adviser
    profile.save()
    client.force_login(adviser)
    client.post(reverse("record_assessment", args=[budget.jobseeker.pk]),
                {"support_tier": SupportTier.values[-1], "assessment": "Needs childcare"})
    profile.refresh_from_db()
    assert profile.support_tier == SupportTier.values[-1]
    assert profile.assessment == "Needs childcare" and profile.assessed_at is not None


def test_commissioner_sees_open_bookings_of_a_suspended_provider(client, world):
    budget, offer = world
    booking = services.request_booking(jobseeker=budget.jobseeker, offer=offer,
                                       request_token="t")
    suspend_provider(actor=budget.manager, provider=offer.provider, reason="Safeguarding")
    client.force_login(budget.manager)
    page = client.get(reverse("disputes")).content.decode()
    assert booking.reference in page and "Safeguarding" in page
