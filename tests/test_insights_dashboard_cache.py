"""The dashboard keeps its ledger figures in the cache until money next moves, and its
people figures (funnel, reach, sustained jobs) until money moves or PEOPLE_CACHE_SECONDS
pass: a repeat costs no pass over the ledger or the bookings, and names and categories
are read afresh (figures from tests/factories/insights.py, amounts in pence)."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import JobseekerProfile
from budgets import services as money
from insights import selectors
from insights.selectors import Filters
from ledger import keys
from marketplace.models import Offer
from outcomes import services as outcome_services
from tests.factories.insights import InsightsWorld

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def world(manager):
    return InsightsWorld(manager)


def board(world, **filters):
    return selectors.dashboard(Filters(world.programme, **filters))


def ledger_reads(queries) -> int:
    return sum('"budgets_entry"' in q["sql"] for q in queries)


def deliver(world, booking):
    money.settle_delivery(budget=world.budgets[booking.jobseeker_id], provider=booking.provider,
                          amount=booking.price, booking_id=booking.pk,
                          key=keys.booking_settle(booking.pk))


def test_a_repeat_reads_the_ledger_figures_from_the_cache(world):
    first = board(world)
    with CaptureQueriesContext(connection) as repeat:
        again = board(world)
    assert ledger_reads(repeat.captured_queries) == 0
    assert not any('"bookings_booking"' in q["sql"] for q in repeat.captured_queries)
    assert [c.rows for c in again.charts] == [c.rows for c in first.charts]
    assert again.budgets == first.budgets


def test_money_moving_shows_at_once(world):
    assert board(world).spend_total == 60_000
    deliver(world, world.b4)  # Bright, travel, 5,000, requested and now delivered
    figures = board(world)
    assert figures.spend_total == 65_000
    assert ("Travel", 5_000, 769) in figures.chart("spend-by-category").rows
    assert figures.budgets.spent == 65_000
    assert figures.budgets.committed == 0
    assert ("Bright Training Ltd", 42_500, 42_500, 1) in figures.chart(
        "cost-per-sustained-job").rows


def test_a_renamed_provider_and_a_recategorised_offer_show_at_once(world):
    board(world)
    world.bright.name = "Bright Futures Ltd"
    world.bright.save()
    Offer.objects.filter(pk=world.b3.offer_id).update(category="digital")
    figures = board(world)
    assert ("Bright Futures Ltd", 30_000, "Company") in figures.chart("spend-by-provider").rows
    assert figures.chart("spend-by-category").rows == [
        ("Digital skills", 30_000, 5_000), ("Training and qualifications", 20_000, 3_333),
        ("Coaching and mentoring", 10_000, 1_666)]


def test_the_category_and_tier_filters_use_what_is_true_now(world):
    assert board(world, tier=3).spend_total == 30_000
    assert board(world, category="coaching").spend_total == 10_000
    JobseekerProfile.objects.filter(user=world.j2).update(support_tier=3)
    Offer.objects.filter(pk=world.b1.offer_id).update(category="coaching")
    assert board(world, tier=3).spend_total == 40_000
    assert board(world, category="coaching").spend_total == 30_000


def test_each_period_and_provider_has_its_own_figures(world):
    assert board(world).spend_total == 60_000
    assert board(world, provider_id=world.able.pk).spend_total == 30_000
    assert board(world, provider_id=world.bright.pk).spend_total == 30_000
    assert board(world).spend_total == 60_000


def test_a_milestone_paid_shows_in_the_people_figures_at_once(world):
    assert board(world).funnel.week_26 == 1
    outcome_services.verify_milestone(actor=world.manager,
                                      milestone=world.outcome1.milestones.get(key="week_26"))
    figures = board(world)
    assert figures.funnel.week_26 == 2
    # J1's 26 weeks: half of b1's withheld 6,000, tier 1 so no bonus.
    assert ("Able Skills", 27_000, 27_000, 1) in figures.chart("cost-per-sustained-job").rows
    assert ("Tier 1: job ready soon", 1, 3_333, 1) in figures.chart("reach-by-tier").rows


def test_a_reassessed_tier_shows_once_the_short_cache_lapses(world):
    def tier_rows():
        return [row[:2] for row in board(world).chart("reach-by-tier").rows]

    assert tier_rows() == [("Tier 1: job ready soon", 1), ("Tier 2: some barriers", 1),
                           ("Tier 3: harder to help", 1)]
    JobseekerProfile.objects.filter(user=world.j2).update(support_tier=3)
    later = timedelta(seconds=selectors.PEOPLE_CACHE_SECONDS + 1)
    with time_machine.travel(later, tick=False):
        assert tier_rows() == [("Tier 1: job ready soon", 1), ("Tier 2: some barriers", 0),
                               ("Tier 3: harder to help", 2)]


def test_the_page_says_when_the_people_figures_were_worked_out(world, client, manager):
    computed = board(world).people_as_of
    later = timedelta(seconds=selectors.PEOPLE_CACHE_SECONDS - 5)
    with time_machine.travel(later, tick=False):
        assert board(world).people_as_of == computed  # still the cached figures
        client.force_login(manager)
        page = client.get(f"/commissioner/insights/programmes/{world.programme.pk}/")
    shown = timezone.localtime(computed).strftime("%H:%M:%S")
    assert f"worked out at {shown}" in page.content.decode()
