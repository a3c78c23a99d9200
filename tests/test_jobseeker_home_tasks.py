"""The jobseeker's "Things to do" box lists every delivery waiting for them to confirm it,
not only those among the few latest bookings shown under "Your bookings"."""

import pytest
from django.urls import reverse

from bookings import selectors, services
from bookings.models import BookingStatus
from tests.factories.bookings import bookable_offer, budget_holder, funded_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def seven_bookings():
    """Seven bookings; only the oldest has been delivered, so it is not among the five
    latest on the home page."""
    budget = budget_holder(funded_programme(per_person=100_000))
    admin = bookable_offer(title="First offer", price=10_000).admin
    titles = ["Forklift licence course"] + [f"Coaching session {n}" for n in range(2, 8)]
    bookings = [services.request_booking(
        jobseeker=budget.jobseeker, request_token=f"t{n}",
        offer=bookable_offer(provider_admin=admin, title=title, price=10_000))
        for n, title in enumerate(titles)]
    oldest = bookings[0]
    services.accept_booking(actor=admin, booking=oldest)
    services.mark_delivered(actor=admin, booking=oldest)
    return budget.jobseeker, oldest


def _home(client, jobseeker) -> str:
    client.force_login(jobseeker)
    return client.get(reverse("jobseeker_home")).content.decode()


def test_the_selector_finds_every_delivery_waiting_for_the_jobseeker(seven_bookings):
    jobseeker, oldest = seven_bookings
    assert list(selectors.deliveries_awaiting_confirmation(jobseeker)) == [oldest]


def test_an_old_delivery_is_a_task_until_the_jobseeker_confirms_it(client, seven_bookings):
    jobseeker, oldest = seven_bookings
    body = _home(client, jobseeker)
    assert "Things to do" in body
    link = (f'href="{reverse("jobseeker_booking", args=[oldest.pk])}">'
            "Confirm you got Forklift licence course</a>")
    assert link in body
    # Not among the five latest bookings listed below the box.
    assert body.count("Forklift licence course") == 1

    client.post(reverse("jobseeker_booking", args=[oldest.pk]), {"action": "confirm"})
    oldest.refresh_from_db()
    assert oldest.status == BookingStatus.CONFIRMED
    body = _home(client, jobseeker)
    assert "Confirm you got" not in body and "Things to do" not in body
