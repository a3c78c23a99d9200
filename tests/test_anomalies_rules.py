"""Each anomaly rule, both ways: data that trips it and similar data that does not."""

from datetime import timedelta

import pytest
from django.utils import timezone

from anomalies import rules
from marketplace.models import Category
from outcomes import services as outcomes
from tests.factories import ProviderStaffFactory
from tests.factories.anomalies import AnomalyWorld

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def world(manager):
    return AnomalyWorld(manager)


def run(rule, world):
    return rule(world.programme.commissioner, now=timezone.now())


# --- whole_budget ---------------------------------------------------------------------------


def test_a_provider_whose_bookings_take_whole_budgets_is_flagged(world):
    offer = world.offer(price=25_000)
    drained = [world.book(offer, budget=25_000) for _ in range(3)]
    world.book(offer, budget=100_000)  # one ordinary booking: 3 of 4 is still 75 %

    [finding] = run(rules.whole_budget, world)
    assert finding.provider_id == offer.provider_id
    assert finding.evidence_ids == [b.pk for b in drained]
    assert "3 of 4 bookings" in finding.summary


def test_bookings_that_leave_money_in_the_budget_are_not_flagged(world):
    offer = world.offer(price=25_000)
    for _ in range(4):
        world.book(offer, budget=25_001)  # a penny left each time
    assert run(rules.whole_budget, world) == []


def test_a_few_whole_budget_bookings_among_many_are_not_flagged(world):
    offer = world.offer(price=25_000)
    for _ in range(3):
        world.book(offer, budget=25_000)
    for _ in range(4):
        world.book(offer, budget=100_000)  # 3 of 7 is under half
    assert run(rules.whole_budget, world) == []


# --- booking_burst --------------------------------------------------------------------------


@pytest.fixture
def burst_of_three(settings):
    settings.ANOMALY_THRESHOLDS = {"burst_min_bookings": 3, "burst_window_minutes": 60}


def test_many_bookings_with_one_provider_within_the_window_are_flagged(world, burst_of_three):
    offer = world.offer(price=10_000)
    start = timezone.now() - timedelta(days=2)
    burst = [world.at(world.book(offer), start + timedelta(minutes=m)) for m in (0, 20, 59)]
    world.at(world.book(offer), start + timedelta(hours=5))  # later, on its own

    [finding] = run(rules.booking_burst, world)
    assert finding.provider_id == offer.provider_id
    assert finding.evidence_ids == sorted(b.pk for b in burst)
    assert finding.summary.startswith("3 bookings with")


def test_the_same_number_of_bookings_spread_out_is_not_flagged(world, burst_of_three):
    offer = world.offer(price=10_000)
    start = timezone.now() - timedelta(days=2)
    for minutes in (0, 40, 100, 160):  # never three within an hour
        world.at(world.book(offer), start + timedelta(minutes=minutes))
    assert run(rules.booking_burst, world) == []


def test_a_burst_spread_over_different_providers_is_not_flagged(world, burst_of_three):
    now = timezone.now()
    for _ in range(3):
        world.at(world.book(world.offer(price=10_000)), now)
    assert run(rules.booking_burst, world) == []


# --- unconfirmed_outcome --------------------------------------------------------------------


@pytest.fixture
def served(world):
    """A jobseeker a provider has delivered support to, and that provider's admin."""
    offer = world.offer(price=10_000)
    booking = world.deliver(world.book(offer))
    admin = booking.provider.members.get(user__role="provider_admin").user
    return booking.jobseeker, admin


def _age(outcome, days):
    type(outcome).objects.filter(pk=outcome.pk).update(
        reported_at=timezone.now() - timedelta(days=days))


def test_a_job_only_the_provider_vouches_for_is_flagged(world, served):
    jobseeker, admin = served
    outcome = world.job(jobseeker=jobseeker, actor=admin, weeks_ago=8)
    _age(outcome, 30)

    [finding] = run(rules.unconfirmed_outcome, world)
    assert finding.outcome_id == outcome.pk
    assert finding.provider_id == admin.provider_membership.provider_id
    assert finding.programme_id == world.programme.pk


def test_a_provider_reported_job_the_jobseeker_confirmed_is_not_flagged(world, served):
    jobseeker, admin = served
    outcome = world.job(jobseeker=jobseeker, actor=admin, weeks_ago=8)
    _age(outcome, 30)
    outcomes.confirm_still_in_work(actor=jobseeker, milestone=outcome.milestones.first())
    assert run(rules.unconfirmed_outcome, world) == []


def test_a_job_the_jobseeker_reported_themselves_is_not_flagged(world, served):
    jobseeker, _ = served
    _age(world.job(jobseeker=jobseeker, weeks_ago=8), 30)
    assert run(rules.unconfirmed_outcome, world) == []


def test_a_recent_provider_report_is_given_time_before_it_is_flagged(world, served):
    jobseeker, admin = served
    _age(world.job(jobseeker=jobseeker, actor=admin, weeks_ago=2), 10)
    assert run(rules.unconfirmed_outcome, world) == []


# --- ended_after_last_milestone -------------------------------------------------------------


def _ended(world, days_after_last):
    jobseeker = world.book(world.offer(price=10_000)).jobseeker
    outcome = world.job(jobseeker=jobseeker, weeks_ago=30)
    last = outcome.milestones.get(is_last=True)
    outcomes.report_job_end(actor=jobseeker, outcome=outcome,
                            ended_on=last.due_on + timedelta(days=days_after_last))
    return outcome


def test_a_job_that_ends_days_after_the_last_milestone_is_flagged(world):
    outcome = _ended(world, 3)
    [finding] = run(rules.ended_after_last_milestone, world)
    assert finding.outcome_id == outcome.pk
    assert "ended 3 days after its last milestone" in finding.summary


def test_a_job_that_lasts_well_beyond_the_last_milestone_is_not_flagged(world):
    _ended(world, 40)
    assert run(rules.ended_after_last_milestone, world) == []


def test_a_job_that_ends_before_the_last_milestone_is_not_flagged(world):
    _ended(world, -10)
    assert run(rules.ended_after_last_milestone, world) == []


# --- staff_jobseeker ------------------------------------------------------------------------


def test_a_jobseeker_who_shares_a_name_with_the_providers_staff_is_flagged(world):
    offer = world.offer(price=10_000)
    ProviderStaffFactory(provider=offer.provider, full_name="Jamie Rowe")
    person = world.person(full_name="jamie rowe", email="jamie.home@example.org")
    booking = world.book(offer, jobseeker=person)

    [finding] = run(rules.staff_jobseeker, world)
    assert (finding.person_id, finding.provider_id) == (person.pk, offer.provider_id)
    assert finding.evidence_ids == [booking.pk]
    assert ["Matched on", "the same full name"] in finding.details["facts"]


def test_staff_of_one_provider_booking_another_provider_are_not_flagged(world):
    offer, elsewhere = world.offer(price=10_000), world.offer(price=10_000)
    ProviderStaffFactory(provider=elsewhere.provider, full_name="Jamie Rowe")
    world.book(offer, jobseeker=world.person(full_name="Jamie Rowe"))
    world.book(offer, jobseeker=world.person(full_name="Someone Else"))
    assert run(rules.staff_jobseeker, world) == []


# --- price_above_median ---------------------------------------------------------------------


def _market(world, prices, category=Category.DIGITAL):
    return [world.offer(price=price, category=category) for price in prices]


def test_a_booking_at_twice_the_category_median_is_flagged(world):
    *_, dear = _market(world, [10_000] * 5 + [20_000])  # median 10,000
    booking = world.book(dear)

    [finding] = run(rules.price_above_median, world)
    assert finding.offer_id == dear.pk and finding.evidence_ids == [booking.pk]
    assert ["Median price in the category", "£100.00 over 6 approved offers"] in \
        finding.details["facts"]


def test_a_booking_a_little_above_the_median_is_not_flagged(world):
    *_, pricier = _market(world, [10_000] * 5 + [19_999])
    world.book(pricier)
    assert run(rules.price_above_median, world) == []


def test_a_category_with_too_few_offers_has_no_median_to_compare(world):
    *_, dear = _market(world, [10_000] * 3 + [50_000])
    world.book(dear)
    assert run(rules.price_above_median, world) == []
