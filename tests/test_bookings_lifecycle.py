"""Every branch of a booking's life, with the ledger checked at each step."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from bookings import services
from bookings.errors import CapacityFull, CategoryNotAllowed, InvalidTransition, NotYourBooking
from bookings.models import Booking, BookingStatus
from budgets.errors import NotAllowed, NotEnoughBudget
from ledger import keys
from ledger.accounts import available_account, committed_account, payable_account
from ledger.models import Account, Transfer, TransferKind
from ledger.verification import verify_ledger
from tests.factories import ProviderAdminFactory, give_totp
from tests.factories.bookings import bookable_offer, budget_holder, funded_programme


def bal(account) -> int:
    return Account.objects.get(pk=account.pk).balance


@pytest.fixture
def world(db):
    programme = funded_programme(per_person=100_000)
    budget = budget_holder(programme)
    offer = bookable_offer(price=30_000)
    return budget, offer


def book(budget, offer, token="t1"):
    return services.request_booking(jobseeker=budget.jobseeker, offer=offer, request_token=token)


def balances(budget, booking=None):
    figures = {"available": bal(available_account(budget)),
               "committed": bal(committed_account(budget))}
    if booking is not None:
        payable = payable_account(provider=booking.provider, programme=budget.programme)
        figures["payable"] = bal(payable)
        escrow = Account.objects.filter(key=keys.escrow(booking.pk)).first()
        figures["escrow"] = escrow.balance if escrow else 0
    return figures


@pytest.mark.postgres
def test_requested_accepted_delivered_confirmed(world):
    budget, offer = world
    booking = book(budget, offer)
    assert balances(budget, booking) == {"available": 70_000, "committed": 30_000,
                                         "payable": 0, "escrow": 0}
    services.accept_booking(actor=offer.admin, booking=booking)
    services.mark_delivered(actor=offer.admin, booking=booking)
    assert balances(budget, booking)["committed"] == 30_000
    booking = services.confirm_delivery(actor=budget.jobseeker, booking=booking)
    assert booking.status == BookingStatus.CONFIRMED and booking.confirmed_at
    assert balances(budget, booking) == {"available": 70_000, "committed": 0,
                                         "payable": 21_000, "escrow": 9_000}
    assert [e.to_status for e in booking.events.all()] == [
        "requested", "accepted", "delivered", "confirmed"]
    assert verify_ledger().ok


@pytest.mark.postgres
def test_declined_with_reason_returns_the_money(world):
    budget, offer = world
    booking = book(budget, offer)
    with pytest.raises(InvalidTransition):
        services.decline_booking(actor=offer.admin, booking=booking, reason="  ")
    booking = services.decline_booking(actor=offer.admin, booking=booking, reason="Course full")
    assert booking.decline_reason == "Course full"
    assert balances(budget) == {"available": 100_000, "committed": 0}


@pytest.mark.postgres
def test_cancelled_by_the_jobseeker_before_delivery(world):
    budget, offer = world
    booking = book(budget, offer)
    services.accept_booking(actor=offer.admin, booking=booking)
    services.cancel_booking(actor=budget.jobseeker, booking=booking, reason="Found a job")
    assert balances(budget) == {"available": 100_000, "committed": 0}
    with pytest.raises(InvalidTransition):
        services.mark_delivered(actor=offer.admin, booking=booking)


@pytest.mark.postgres
@pytest.mark.parametrize("settle", [True, False])
def test_disputed_then_resolved_by_the_commissioner(world, settle):
    budget, offer = world
    booking = book(budget, offer)
    services.accept_booking(actor=offer.admin, booking=booking)
    services.mark_delivered(actor=offer.admin, booking=booking)
    services.dispute_delivery(actor=budget.jobseeker, booking=booking, reason="Never happened")
    with pytest.raises(NotAllowed):
        services.resolve_dispute(actor=offer.admin, booking=booking, settle=True, note="x")
    booking = services.resolve_dispute(actor=budget.manager, booking=booking,
                                       settle=settle, note="Checked the register")
    figures = balances(budget, booking)
    if settle:
        assert booking.status == BookingStatus.CONFIRMED
        assert (figures["payable"], figures["escrow"], figures["available"]) == (21_000, 9_000,
                                                                                  70_000)
    else:
        assert booking.status == BookingStatus.REFUNDED
        assert (figures["payable"], figures["available"]) == (0, 100_000)
    assert verify_ledger().ok


@pytest.mark.postgres
def test_delivery_confirms_itself_after_14_days_unless_disputed(world):
    budget, offer = world
    quiet, disputed = book(budget, offer, "a"), book(budget, offer, "b")
    for booking in (quiet, disputed):
        services.accept_booking(actor=offer.admin, booking=booking)
        services.mark_delivered(actor=offer.admin, booking=booking)
    services.dispute_delivery(actor=budget.jobseeker, booking=disputed, reason="Not delivered")
    assert services.auto_confirm_due() == 0
    with time_machine.travel(timezone.now() + timedelta(days=14, minutes=1)):
        assert services.auto_confirm_due() == 1
        assert services.auto_confirm_due() == 0  # run twice: nothing more
    quiet.refresh_from_db()
    disputed.refresh_from_db()
    assert quiet.status == BookingStatus.CONFIRMED and quiet.auto_confirmed
    assert disputed.status == BookingStatus.DISPUTED
    assert Transfer.objects.filter(kind=TransferKind.SETTLE).count() == 1


@pytest.mark.postgres
def test_a_double_submitted_request_books_and_commits_once(world):
    budget, offer = world
    first, second = book(budget, offer, "same"), book(budget, offer, "same")
    assert first.pk == second.pk
    assert Booking.objects.count() == 1
    assert balances(budget)["available"] == 70_000


@pytest.mark.postgres
def test_a_repeated_acceptance_or_confirmation_moves_money_once(world):
    budget, offer = world
    booking = book(budget, offer)
    for _ in range(2):
        services.accept_booking(actor=offer.admin, booking=booking)
    services.mark_delivered(actor=offer.admin, booking=booking)
    for _ in range(2):
        services.confirm_delivery(actor=budget.jobseeker, booking=booking)
    assert Transfer.objects.filter(booking_id=booking.pk, kind=TransferKind.SETTLE).count() == 1
    assert booking.events.filter(to_status="accepted").count() == 1


@pytest.mark.postgres
def test_another_provider_cannot_act_on_the_booking(world):
    budget, offer = world
    booking = book(budget, offer)
    stranger = give_totp(ProviderAdminFactory())
    for action in (services.accept_booking, services.mark_delivered):
        with pytest.raises(NotYourBooking):
            action(actor=stranger, booking=booking)
    with pytest.raises(NotYourBooking):
        services.decline_booking(actor=stranger, booking=booking, reason="no")


@pytest.mark.postgres
def test_cannot_book_beyond_the_budget(db):
    programme = funded_programme(per_person=20_000)
    budget = budget_holder(programme)
    with pytest.raises(NotEnoughBudget):
        book(budget, bookable_offer(price=20_001))
    assert not Booking.objects.exists()


@pytest.mark.postgres
def test_cannot_book_beyond_capacity(db):
    programme = funded_programme()
    offer = bookable_offer(price=1_000, capacity=1)
    book(budget_holder(programme), offer)
    with pytest.raises(CapacityFull):
        book(budget_holder(programme), offer)


@pytest.mark.postgres
def test_cannot_book_a_category_the_programme_does_not_allow(db):
    programme = funded_programme(allowed_categories=["training"])
    with pytest.raises(CategoryNotAllowed, match="coaching and mentoring"):
        book(budget_holder(programme), bookable_offer(category="coaching"))


@pytest.mark.postgres
def test_suspending_a_provider_flags_its_open_bookings(world):
    budget, offer = world
    booking = book(budget, offer)
    assert services.flag_open_bookings(provider=offer.provider, reason="Suspended") == 1
    booking.refresh_from_db()
    assert booking.flagged and booking.flag_reason == "Suspended"


@pytest.mark.postgres
def test_review_once_after_delivery_updates_the_providers_rating(world):
    budget, offer = world
    booking = book(budget, offer)
    with pytest.raises(InvalidTransition):
        services.review_booking(actor=budget.jobseeker, booking=booking, rating=5)
    services.accept_booking(actor=offer.admin, booking=booking)
    services.mark_delivered(actor=offer.admin, booking=booking)
    services.review_booking(actor=budget.jobseeker, booking=booking, rating=4, text="Good")
    with pytest.raises(Exception, match="already reviewed"):
        services.review_booking(actor=budget.jobseeker, booking=booking, rating=5)
    offer.provider.standing.refresh_from_db()
    assert offer.provider.standing.rating_count == 1
    assert float(offer.provider.standing.rating_average) == 4.0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_threads_double_submitting_make_one_booking_and_one_commit():
    programme = funded_programme()
    budget = budget_holder(programme)
    offer = bookable_offer(price=5_000)
    barrier = threading.Barrier(10)
    results = []

    def submit():
        try:
            barrier.wait()
            results.append(book(budget, offer, "double").pk)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(results)) == 1 and len(results) == 10
    assert Transfer.objects.filter(kind=TransferKind.COMMIT).count() == 1
    assert bal(available_account(budget)) == 95_000
