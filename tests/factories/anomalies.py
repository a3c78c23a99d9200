"""Anomaly test data: bookings and outcomes made through the real services, so the
ledger entries the rules read are the ones production writes."""

import itertools
from datetime import timedelta

from django.utils import timezone

from bookings import services as bookings
from bookings.models import Booking
from outcomes import services as outcomes
from tests.factories.accounts import JobseekerFactory
from tests.factories.bookings import bookable_offer, budget_holder, funded_programme

__all__ = ["AnomalyWorld"]

_tokens = itertools.count(1)


class AnomalyWorld:
    """One commissioner's funded programme, with helpers to book and report jobs."""

    def __init__(self, manager, **rules):
        self.manager = manager
        self.programme = funded_programme(manager, **rules)

    def offer(self, **fields):
        return bookable_offer(**fields)

    def person(self, **fields):
        return JobseekerFactory(jobseeker_profile__commissioner=self.programme.commissioner,
                                **fields)

    def book(self, offer, *, budget=None, jobseeker=None) -> Booking:
        """A new jobseeker (or the one given) with a budget (default: the programme's
        amount) requests ``offer``."""
        if isinstance(budget, int) or budget is None:
            budget = budget_holder(self.programme, amount=budget, jobseeker=jobseeker)
        return bookings.request_booking(jobseeker=budget.jobseeker, offer=offer,
                                        request_token=f"anomaly-{next(_tokens)}")

    def deliver(self, booking) -> Booking:
        admin = booking.provider.members.filter(user__role="provider_admin").first().user
        bookings.accept_booking(actor=admin, booking=booking)
        return bookings.mark_delivered(actor=admin, booking=booking)

    def at(self, booking, when) -> Booking:
        """Move a booking's request time (the rules read requested_at)."""
        Booking.objects.filter(pk=booking.pk).update(requested_at=when)
        booking.refresh_from_db()
        return booking

    def job(self, *, jobseeker, actor=None, start_date=None, weeks_ago=30, **fields):
        start_date = start_date or timezone.localdate() - timedelta(weeks=weeks_ago)
        values = {"employer": "Leeds Logistics", "job_title": "Warehouse operative",
                  "hours_per_week": 30}
        values.update(fields)
        return outcomes.report_outcome(actor=actor or jobseeker, jobseeker=jobseeker,
                                       start_date=start_date, **values)
