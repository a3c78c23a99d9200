"""The payout pages on a 320 px screen: the payouts table stacks, each payout a block
with its labels written out, and nothing scrolls sideways. On a desktop it stays a
table with its column headings."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ledger import keys
from tests.browser.world import World
from tests.factories import BankDetailsFactory, ProviderFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"),
              pytest.mark.django_db(transaction=True)]


def _delivered(world, budget, jobseeker, provider, *, title: str, price: int):
    """A booking delivered and confirmed ten days ago: its upfront share is owed."""
    from bookings.models import Booking
    from budgets import services as money

    offer = World.offer(provider=provider, title=title, price=price)
    when = timezone.now() - timedelta(days=10)
    booking = Booking.objects.create(
        offer=offer, provider=provider, budget=budget, jobseeker=jobseeker, price=price,
        status="confirmed", delivered_at=when, confirmed_at=when,
        request_token=f"test-{title}")
    money.commit_for_booking(actor=jobseeker, budget=budget, amount=price,
                             booking_id=booking.pk, key=keys.booking_commit(booking.pk))
    money.settle_delivery(budget=budget, provider=provider, amount=price,
                          booking_id=booking.pk, key=keys.booking_settle(booking.pk))


@pytest.fixture
def paid_run(manager, commissioner, jobseeker, provider_admin):
    from payouts import services as payouts

    # Long names are what push a table wider than a phone.
    manager.full_name = "Bartholomew Featherstonehaugh-Cholmondeley"
    manager.save(update_fields=["full_name"])
    world = World(manager)
    budget = world.budget_for(jobseeker)
    ours = provider_admin.provider_membership.provider
    other = ProviderFactory(name="West Yorkshire Community Transport and Childcare CIC")
    for provider, title, price in ((ours, "Forklift licence course", 45_000),
                                   (other, "Bus pass for the first month", 12_000)):
        BankDetailsFactory(provider=provider)
        _delivered(world, budget, jobseeker, provider, title=title, price=price)
    return payouts.start_payout_run(actor=manager, commissioner=commissioner)


def _labels_shown(person) -> list[str]:
    labels = person.main.locator(".onward-table--stack .onward-stack-label")
    return [label.inner_text() for label in labels.all() if label.is_visible()]


def test_the_payout_pages_fit_a_320_pixel_screen(new_page, manager, paid_run):
    commissioner = new_page("commissioner")
    commissioner.sign_in(manager, mfa=True)

    for path in ("/commissioner/payouts/", f"/commissioner/payouts/runs/{paid_run.pk}/"):
        commissioner.goto(path).sees("West Yorkshire Community Transport", "£84.00")
        commissioner.fits(320).shot("payouts" if path.endswith("payouts/") else "payout-run")

        # Desktop: a table whose column headings say what each cell is.
        headings = commissioner.main.locator(".onward-table--stack thead th")
        expect(headings.first).to_be_visible()
        assert _labels_shown(commissioner) == []

        # Phone: the headings give way to a label beside each value, as real text.
        commissioner.page.set_viewport_size({"width": 320, "height": 800})
        expect(headings.first).not_to_be_in_viewport()
        row = commissioner.row("West Yorkshire Community Transport")
        shown = [label.inner_text() for label in row.locator(".onward-stack-label").all()
                 if label.is_visible()]
        assert shown == ["Made", "By programme", "Amount", "Status"], shown
        assert "Amount\n£84.00" in row.inner_text(), row.inner_text()
        commissioner.page.set_viewport_size({"width": 1280, "height": 900})


def test_the_providers_payouts_page_fits_a_320_pixel_screen(new_page, provider_admin, paid_run):
    provider = new_page("provider")
    provider.sign_in(provider_admin, mfa=True)
    provider.goto("/provider/payouts/").sees("£315.00").fits(320).shot("provider-payouts")
