"""Commissioner staff at work: approving what providers list, verifying outcomes,
paying providers. Each journey signs in with a password and an authenticator code."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.world import World
from tests.factories import BankDetailsFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"),
              pytest.mark.django_db(transaction=True)]


def test_a_provider_lists_an_offer_and_a_commissioner_approves_it(
        new_page, provider_admin, manager):
    provider = new_page("provider")
    provider.sign_in(provider_admin, mfa=True).sees_heading("Provider dashboard")
    provider.click_link("Manage your offers").sees_heading("Your offers")
    provider.press_button("Add an offer").sees_heading("Add an offer")
    provider.press_button("Send for approval")
    provider.sees_error("Enter a title").shot("offer-form-errors")

    provider.fill("Title", "Forklift licence (counterbalance)")
    provider.fill("What you will get", "Five days' training and the test.")
    provider.fill("Who it is for", "Anyone over 18 who wants warehouse work.")
    provider.select("Category", "Licences and tickets")
    provider.fill("Price in pounds", "450")
    provider.fill("What the price covers", "Training, the test fee and a certificate.")
    provider.choose("In person", exact=True)
    provider.fill("Town or area", "Leeds")
    provider.press_button("Send for approval").sees_heading("Your offers")
    row = provider.row("Forklift licence (counterbalance)")
    assert "£450.00" in row.inner_text()
    assert "Waiting for approval" in row.inner_text()

    commissioner = new_page("commissioner")
    commissioner.sign_in(manager, mfa=True).sees_heading("Programmes")
    commissioner.click_link("Review offers").sees_heading("Offers waiting for approval")
    commissioner.sees("1 offer to review").shot("offer-approvals")
    commissioner.click_link("Forklift licence (counterbalance)")
    commissioner.press_button("Approve").sees("now appears in search")

    visitor = new_page("visitor")
    visitor.goto("/offers/?q=forklift").sees("Forklift licence (counterbalance)", "£450.00")


def test_a_commissioner_verifies_a_job_and_pays_the_provider(
        new_page, manager, jobseeker, provider_admin):
    from bookings.models import Booking
    from budgets import services as money
    from outcomes import services as outcomes

    world = World(manager)
    budget = world.budget_for(jobseeker)
    provider = provider_admin.provider_membership.provider
    BankDetailsFactory(provider=provider)
    offer = World.offer(provider=provider, title="Forklift licence course", price=100_000)
    # Delivered before the job started: only such bookings are attributed to the job.
    now = timezone.now() - timedelta(days=10)
    booking = Booking.objects.create(
        offer=offer, provider=provider, budget=budget, jobseeker=jobseeker, price=offer.price,
        status="confirmed", delivered_at=now, confirmed_at=now)
    money.commit_for_booking(actor=jobseeker, budget=budget, amount=offer.price,
                             booking_id=booking.pk, key=f"b:{booking.pk}:commit")
    money.settle_delivery(budget=budget, provider=provider, amount=offer.price,
                          booking_id=booking.pk, key=f"b:{booking.pk}:settle")
    outcomes.report_outcome(actor=jobseeker, jobseeker=jobseeker, employer="Leeds Logistics",
                            job_title="Warehouse operative", hours_per_week=30,
                            start_date=timezone.localdate() - timedelta(days=3))

    commissioner = new_page("commissioner")
    commissioner.sign_in(manager, mfa=True)
    commissioner.sees("1 job and 0 milestones are waiting for verification")
    commissioner.click_link("Open the verification queue").sees_heading("Outcomes to verify")
    commissioner.shot("verification-queue")
    commissioner.click_link("Warehouse operative at Leeds Logistics")
    commissioner.press_button("Verify the job").shot("outcome-verified")
    commissioner.sees("Verified")

    commissioner.click_nav("Payouts").sees_heading("Payouts")
    # £700 upfront (70 % of £1,000) plus the job-start milestone: 20 % of the £300 withheld.
    owed = commissioner.row(provider.name).inner_text()
    assert "£760.00" in owed, owed
    commissioner.shot("payouts")
    commissioner.press_button("Start a payout run").sees("Payout run finished: 1 payout made")
    commissioner.sees(provider.name, "£760.00").shot("payout-run")
