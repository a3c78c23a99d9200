"""Outcome payments: the whole path on a frozen clock, with exact pence in every account.

The story: Amina's forklift course (£333.33) is delivered on 11 January 2027. 30 % is
withheld: £99.99 in escrow, £233.34 paid upfront. She starts a job on 1 February 2027.
Milestones: start (20 %), 13 weeks (30 %), 26 weeks (the rest, 50 %).
"""

from datetime import date

import pytest
import time_machine
from django.core import mail

from accounts.models import JobseekerProfile
from ledger import keys
from ledger.models import Account, Transfer
from ledger.verification import verify_ledger
from outcomes import services
from outcomes.errors import DoesNotCount, NotReady
from outcomes.models import BonusStatus, MilestonePayment, MilestoneStatus, OutcomeStatus
from tests.factories import JobseekerFactory, ProviderFactory
from tests.factories.outcomes import OutcomeWorld, london

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=False)]

PRICE = 33_333
UPFRONT, WITHHELD = 23_334, 9_999
START_SHARE, WEEK13_SHARE, WEEK26_SHARE = 1_999, 2_999, 5_001  # 20 %, 30 %, the rest
JOB_START = date(2027, 2, 1)
WEEK_13 = date(2027, 5, 3)
WEEK_26 = date(2027, 8, 2)
POT_AFTER_BUDGETS = 900_000  # 1,000,000 funded, one 100,000 budget issued


def balance(key: str) -> int:
    return Account.objects.get(key=key).balance


def ledger_ok():
    result = verify_ledger()
    assert result.ok, result.summary()


@pytest.fixture
def clock():
    with time_machine.travel(london(2027, 1, 11), tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(manager, clock):
    return OutcomeWorld(manager)


@pytest.fixture
def provider():
    return ProviderFactory()


@pytest.fixture
def booking(world, jobseeker, provider):
    return world.settled_booking(jobseeker=jobseeker, provider=provider, price=PRICE)


def accounts(world, provider, booking):
    return {
        "payable": balance(keys.payable(provider.pk, world.programme.pk)),
        "escrow": balance(keys.escrow(booking.pk)),
        "pot": balance(keys.pot(world.programme.pk)),
    }


def started_and_verified(world, jobseeker, manager, clock, start=JOB_START):
    clock.move_to(london(start.year, start.month, start.day))
    outcome = world.report(jobseeker=jobseeker, start_date=start)
    return services.verify_outcome(actor=manager, outcome=outcome)


def run_task_on(clock, day):
    clock.move_to(london(day.year, day.month, day.day, 2))
    return services.process_due_milestones()


def test_delivery_puts_the_outcome_share_in_escrow(world, provider, booking):
    assert accounts(world, provider, booking) == {
        "payable": UPFRONT, "escrow": WITHHELD, "pot": POT_AFTER_BUDGETS}
    ledger_ok()


def test_verifying_a_started_job_pays_the_start_milestone(world, jobseeker, manager, provider,
                                                          booking, clock):
    started_and_verified(world, jobseeker, manager, clock)
    assert accounts(world, provider, booking) == {
        "payable": UPFRONT + START_SHARE, "escrow": WITHHELD - START_SHARE,
        "pot": POT_AFTER_BUDGETS}
    ledger_ok()


def test_the_whole_path_pays_every_penny_withheld_by_26_weeks(world, jobseeker, manager,
                                                               provider, booking, clock):
    outcome = started_and_verified(world, jobseeker, manager, clock)
    run_task_on(clock, WEEK_13)
    week13 = outcome.milestones.get(key="week_13")
    assert week13.status == MilestoneStatus.DUE
    services.verify_milestone(actor=manager, milestone=week13)
    assert accounts(world, provider, booking) == {
        "payable": UPFRONT + START_SHARE + WEEK13_SHARE,
        "escrow": WITHHELD - START_SHARE - WEEK13_SHARE, "pot": POT_AFTER_BUDGETS}
    ledger_ok()

    run_task_on(clock, WEEK_26)
    services.verify_milestone(actor=manager, milestone=outcome.milestones.get(key="week_26"))
    assert accounts(world, provider, booking) == {
        "payable": PRICE, "escrow": 0, "pot": POT_AFTER_BUDGETS}
    ledger_ok()


def test_a_milestone_cannot_be_verified_before_it_is_due(world, jobseeker, manager, booking,
                                                         clock):
    outcome = started_and_verified(world, jobseeker, manager, clock)
    with pytest.raises(NotReady):
        services.verify_milestone(actor=manager, milestone=outcome.milestones.get(key="week_13"))


def test_a_job_ending_at_week_10_returns_the_rest_to_the_pot(world, jobseeker, manager,
                                                             provider, booking, clock):
    outcome = started_and_verified(world, jobseeker, manager, clock)
    clock.move_to(london(2027, 4, 12))
    services.report_job_end(actor=jobseeker, outcome=outcome, ended_on=date(2027, 4, 12))
    assert accounts(world, provider, booking) == {
        "payable": UPFRONT + START_SHARE, "escrow": 0,
        "pot": POT_AFTER_BUDGETS + WITHHELD - START_SHARE}
    assert set(outcome.milestones.values_list("status", flat=True)) == {
        MilestoneStatus.PAID, MilestoneStatus.LAPSED}
    ledger_ok()


def test_the_task_does_not_ask_about_milestones_after_a_job_ended(
        world, jobseeker, manager, booking, clock, django_capture_on_commit_callbacks):
    outcome = started_and_verified(world, jobseeker, manager, clock)
    services.report_job_end(actor=jobseeker, outcome=outcome, ended_on=date(2027, 4, 12))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        run_task_on(clock, WEEK_13)
    assert mail.outbox == []


def test_a_rejected_13_week_check_returns_the_rest(world, jobseeker, manager, provider,
                                                   booking, clock):
    outcome = started_and_verified(world, jobseeker, manager, clock)
    run_task_on(clock, WEEK_13)
    services.reject_milestone(actor=manager, milestone=outcome.milestones.get(key="week_13"),
                              reason="The employer says she left in March.")
    assert accounts(world, provider, booking) == {
        "payable": UPFRONT + START_SHARE, "escrow": 0,
        "pot": POT_AFTER_BUDGETS + WITHHELD - START_SHARE}
    ledger_ok()


def test_a_job_below_the_minimum_hours_does_not_count(world, jobseeker, manager, provider,
                                                      booking, clock):
    clock.move_to(london(2027, 2, 1))
    outcome = world.report(jobseeker=jobseeker, start_date=JOB_START, hours=12)
    assert outcome.status == OutcomeStatus.NOT_COUNTED
    assert outcome.status_reason == (
        "This job is 12 hours a week. Jobs must be at least 16 hours a week to count for "
        "this programme.")
    assert not outcome.milestones.exists()
    with pytest.raises(DoesNotCount):
        services.verify_outcome(actor=manager, outcome=outcome)
    run_task_on(clock, WEEK_13)
    assert accounts(world, provider, booking)["escrow"] == WITHHELD
    ledger_ok()


def test_an_unverified_job_pays_nothing_and_the_escrow_returns_after_the_window(
        world, jobseeker, manager, provider, booking, clock):
    clock.move_to(london(2027, 2, 1))
    world.report(jobseeker=jobseeker, start_date=JOB_START)
    run_task_on(clock, WEEK_13)
    run_task_on(clock, WEEK_26)
    assert accounts(world, provider, booking) == {
        "payable": UPFRONT, "escrow": WITHHELD, "pot": POT_AFTER_BUDGETS}
    run_task_on(clock, date(2028, 1, 12))  # 12 months after delivery, no verified job
    assert accounts(world, provider, booking) == {
        "payable": UPFRONT, "escrow": 0, "pot": POT_AFTER_BUDGETS + WITHHELD}
    ledger_ok()


def test_the_escrow_stays_until_the_last_day_of_the_window(world, jobseeker, provider,
                                                           booking, clock):
    run_task_on(clock, date(2028, 1, 11))
    assert accounts(world, provider, booking)["escrow"] == WITHHELD


def test_a_rejected_job_pays_nothing_and_its_milestones_lapse(world, jobseeker, manager,
                                                              provider, booking, clock):
    clock.move_to(london(2027, 2, 1))
    outcome = world.report(jobseeker=jobseeker, start_date=JOB_START)
    services.reject_outcome(actor=manager, outcome=outcome, reason="The payslip is not hers.")
    run_task_on(clock, WEEK_13)
    assert set(outcome.milestones.values_list("status", flat=True)) == {MilestoneStatus.LAPSED}
    assert accounts(world, provider, booking) == {
        "payable": UPFRONT, "escrow": WITHHELD, "pot": POT_AFTER_BUDGETS}
    run_task_on(clock, date(2028, 1, 12))
    assert accounts(world, provider, booking)["escrow"] == 0
    ledger_ok()


@pytest.mark.parametrize("tier, bonus", [(1, 0), (2, START_SHARE // 2), (3, START_SHARE)])
def test_harder_to_help_tiers_add_a_bonus_from_the_pot(world, jobseeker, manager, provider,
                                                       booking, clock, tier, bonus):
    JobseekerProfile.objects.filter(user=jobseeker).update(support_tier=tier)
    started_and_verified(world, jobseeker, manager, clock)
    assert accounts(world, provider, booking) == {
        "payable": UPFRONT + START_SHARE + bonus, "escrow": WITHHELD - START_SHARE,
        "pot": POT_AFTER_BUDGETS - bonus}
    ledger_ok()


def test_tier_3_doubles_every_milestone_to_26_weeks(world, jobseeker, manager, provider,
                                                    booking, clock):
    JobseekerProfile.objects.filter(user=jobseeker).update(support_tier=3)
    outcome = started_and_verified(world, jobseeker, manager, clock)
    for key, day in (("week_13", WEEK_13), ("week_26", WEEK_26)):
        run_task_on(clock, day)
        services.verify_milestone(actor=manager, milestone=outcome.milestones.get(key=key))
    assert accounts(world, provider, booking) == {
        "payable": UPFRONT + 2 * WITHHELD, "escrow": 0, "pot": POT_AFTER_BUDGETS - WITHHELD}
    ledger_ok()


def test_a_short_pot_pays_the_escrow_and_records_the_bonus_as_owed(manager, jobseeker,
                                                                   provider, clock):
    world = OutcomeWorld(manager, pot=100_000)  # all of it goes into the one budget
    booking = world.settled_booking(jobseeker=jobseeker, provider=provider, price=PRICE)
    JobseekerProfile.objects.filter(user=jobseeker).update(support_tier=3)
    started_and_verified(world, jobseeker, manager, clock)
    assert accounts(world, provider, booking) == {
        "payable": UPFRONT + START_SHARE, "escrow": WITHHELD - START_SHARE, "pot": 0}
    payment = MilestonePayment.objects.get(booking_id=booking.pk)
    assert (payment.bonus, payment.bonus_status) == (START_SHARE, BonusStatus.OWED)
    ledger_ok()

    world.fund(50_000, "grant-2")
    services.process_due_milestones()
    assert accounts(world, provider, booking) == {
        "payable": UPFRONT + 2 * START_SHARE, "escrow": WITHHELD - START_SHARE,
        "pot": 50_000 - START_SHARE}
    payment.refresh_from_db()
    assert payment.bonus_status == BonusStatus.PAID
    ledger_ok()


def test_two_providers_sharing_a_jobseeker_each_get_their_share(world, jobseeker, manager,
                                                                provider, booking, clock):
    other = ProviderFactory()
    second = world.settled_booking(jobseeker=jobseeker, provider=other, price=20_000)
    outcome = started_and_verified(world, jobseeker, manager, clock)
    assert accounts(world, provider, booking)["payable"] == UPFRONT + START_SHARE
    assert accounts(world, other, second) == {
        "payable": 14_000 + 1_200, "escrow": 6_000 - 1_200, "pot": POT_AFTER_BUDGETS}
    for key, day in (("week_13", WEEK_13), ("week_26", WEEK_26)):
        run_task_on(clock, day)
        services.verify_milestone(actor=manager, milestone=outcome.milestones.get(key=key))
    assert accounts(world, provider, booking)["payable"] == PRICE
    assert accounts(world, other, second)["payable"] == 20_000
    ledger_ok()


def test_a_booking_delivered_after_the_job_started_is_not_paid_by_it(world, jobseeker, manager,
                                                                     provider, booking, clock):
    started_and_verified(world, jobseeker, manager, clock)
    later = world.settled_booking(jobseeker=jobseeker, provider=provider, price=10_000)
    assert balance(keys.escrow(later.pk)) == 3_000


def test_running_the_task_twice_on_the_same_day_changes_nothing_the_second_time(
        world, jobseeker, manager, provider, booking, clock, django_capture_on_commit_callbacks):
    outcome = started_and_verified(world, jobseeker, manager, clock)
    run_task_on(clock, WEEK_13)
    services.verify_milestone(actor=manager, milestone=outcome.milestones.get(key="week_13"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = run_task_on(clock, WEEK_26)
    transfers, emails = Transfer.objects.count(), len(mail.outbox)
    snapshot = accounts(world, provider, booking)
    with django_capture_on_commit_callbacks(execute=True):
        second = run_task_on(clock, WEEK_26)
    assert first.due == 1 and second.due == 0
    assert Transfer.objects.count() == transfers
    assert len(mail.outbox) == emails == 2  # the jobseeker and the provider, once each
    assert accounts(world, provider, booking) == snapshot
    ledger_ok()


def test_the_task_releases_milestones_verified_in_bulk(world, jobseeker, manager, provider,
                                                       booking, clock):
    outcome = started_and_verified(world, jobseeker, manager, clock)
    run_task_on(clock, WEEK_13)
    outcome.milestones.filter(key="week_13").update(status=MilestoneStatus.VERIFIED)
    report = services.process_due_milestones()
    again = services.process_due_milestones()
    assert (report.released.milestones, again.released.milestones) == (1, 0)
    assert accounts(world, provider, booking)["escrow"] == WEEK26_SHARE
    ledger_ok()


def test_the_release_batch_uses_the_same_number_of_queries_for_many_milestones(
        manager, clock, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    world = OutcomeWorld(manager, budget_per_person=10_000, pot=2_000_000)
    counts = []
    for size in (2, 12):
        ids = []
        for _ in range(size):
            person = JobseekerFactory()
            world.settled_booking(jobseeker=person, provider=ProviderFactory(), price=10_000)
            outcome = world.report(jobseeker=person, start_date=date(2027, 1, 11))
            ids += list(outcome.milestones.filter(key="start").values_list("pk", flat=True))
            outcome.status = OutcomeStatus.VERIFIED
            outcome.save()
        from outcomes.models import Milestone

        Milestone.objects.filter(pk__in=ids).update(status=MilestoneStatus.VERIFIED)
        with CaptureQueriesContext(connection) as queries:
            report = services.release_milestones_batch()
        assert report.payments == size
        counts.append(len(queries))
    assert counts[0] == counts[1]
    ledger_ok()
