"""Outcome test data: a funded programme, budgets, settled bookings with money in escrow."""

from datetime import datetime, timedelta

from django.utils import timezone

from budgets import services as budget_services
from ledger import keys
from marketplace.models import Offer, OfferStatus
from outcomes import services as outcome_services

__all__ = ["OutcomeWorld"]


class OutcomeWorld:
    """Builds the money story the outcome tests start from, through the real services."""

    def __init__(self, manager, *, budget_per_person=100_000, pot=1_000_000, **rules):
        self.manager = manager
        self.programme = budget_services.create_programme(
            actor=manager, name=f"Back to Work {manager.pk}", budget_per_person=budget_per_person,
            **rules)
        if pot:
            self.fund(pot, "grant-1")
        self._budgets = {}

    def fund(self, amount, reference):
        budget_services.fund_programme(actor=self.manager, programme=self.programme,
                                       amount=amount, reference=reference)

    def budget_for(self, jobseeker):
        if jobseeker.pk not in self._budgets:
            budget, _ = budget_services.issue_budget(
                actor=self.manager, programme=self.programme,
                external_reference=f"JS-{jobseeker.pk}")
            self._budgets[jobseeker.pk] = budget_services.claim_invitation(
                user=jobseeker, code_or_token=budget.invitation.code)
        return self._budgets[jobseeker.pk]

    def settled_booking(self, *, jobseeker, provider, price):
        """A booking delivered and confirmed now: upfront share to the provider's payable,
        the outcome share into the booking's escrow."""
        from bookings.models import Booking, BookingStatus

        budget = self.budget_for(jobseeker)
        offer = Offer.objects.create(
            provider=provider, title="Forklift licence", what_you_get="A licence",
            who_it_is_for="Anyone", category="licences", price=price,
            price_covers="Course and test", delivery_mode="in_person",
            status=OfferStatus.APPROVED)
        now = timezone.now()
        booking = Booking.objects.create(
            offer=offer, provider=provider, budget=budget, jobseeker=jobseeker, price=price,
            status=BookingStatus.CONFIRMED, delivered_at=now, confirmed_at=now,
            request_token=f"outcome-test-{offer.pk}")
        budget_services.commit_for_booking(actor=None, budget=budget, amount=price,
                                           booking_id=booking.pk,
                                           key=keys.booking_commit(booking.pk))
        budget_services.settle_delivery(budget=budget, provider=provider, amount=price,
                                        booking_id=booking.pk,
                                        key=keys.booking_settle(booking.pk))
        return booking

    def report(self, *, jobseeker, start_date, hours=30, actor=None, **fields):
        values = {"employer": "Leeds Logistics", "job_title": "Warehouse operative"}
        values.update(fields)
        return outcome_services.report_outcome(
            actor=actor or jobseeker, jobseeker=jobseeker, start_date=start_date,
            hours_per_week=hours, **values)


def london(year, month, day, hour=9) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def weeks_after(day, weeks):
    return day + timedelta(weeks=weeks)
