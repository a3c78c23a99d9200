"""The fixed data set the dashboard tests compute their figures from, made through the real
money and outcome services.

Programme "Leeds Back to Work": budgets of £1,000.00, 30 % withheld, milestones 20/30/50 %,
tier multipliers 1.0 / 1.5 / 2.0. Two providers: Able Skills (social enterprise) and
Bright Training Ltd (company). Five budgets:

| person | tier | budget | bookings (requested 40 weeks ago) | job (started 30 weeks ago) |
| --- | --- | --- | --- | --- |
| J1 | 1 | claimed | Able, training £200 settled; Bright, travel £50 requested | start, 13 wk |
| J2 | 2 | claimed | Able, coaching £100 settled; Bright, coaching £70 declined | none |
| J3 | 3 | claimed | Bright, training £300 settled | start, 13, 26 wk |
| J4 | – | issued, not claimed | | |
| J5 | 1 | claimed, then expired | | |
"""

import itertools
from datetime import timedelta

from django.utils import timezone

from accounts.models import JobseekerProfile
from bookings.models import Booking, BookingStatus
from budgets import services as money
from ledger import keys
from marketplace.models import Offer, OfferStatus
from outcomes import services as outcome_services
from providers.models import ProviderType
from tests.factories.accounts import JobseekerFactory, ProviderFactory

__all__ = ["InsightsWorld"]

_tokens = itertools.count(1)


class InsightsWorld:
    def __init__(self, manager):
        self.manager = manager
        self.now = timezone.now()
        self.booked_at = self.now - timedelta(weeks=40)
        self.job_start = timezone.localdate() - timedelta(weeks=30)
        self.programme = money.create_programme(actor=manager, name="Leeds Back to Work",
                                                budget_per_person=100_000)
        money.fund_programme(actor=manager, programme=self.programme, amount=1_000_000,
                             reference="grant-1")
        self.able = ProviderFactory(name="Able Skills",
                                    provider_type=ProviderType.SOCIAL_ENTERPRISE)
        self.bright = ProviderFactory(name="Bright Training Ltd",
                                      provider_type=ProviderType.COMPANY)
        self.j1, self.j2, self.j3, self.j5 = (self._person(tier) for tier in (1, 2, 3, 1))
        self.budgets = {p.pk: self._budget(p) for p in (self.j1, self.j2, self.j3)}
        money.issue_budget(actor=manager, programme=self.programme, external_reference="J4")
        expiring = self._budget(self.j5)
        money.expire_budget(actor=manager, budget=expiring)

        self.b1 = self.book(self.j1, self.able, "training", 20_000)
        self.b2 = self.book(self.j2, self.able, "coaching", 10_000)
        self.b3 = self.book(self.j3, self.bright, "training", 30_000)
        self.b4 = self.book(self.j1, self.bright, "travel", 5_000, settle=False)
        self.b5 = self.book(self.j2, self.bright, "coaching", 7_000, settle=False)
        money.release_commitment(budget=self.budgets[self.j2.pk], amount=7_000,
                                 booking_id=self.b5.pk, key=keys.booking_release(self.b5.pk),
                                 reason="declined")
        Booking.objects.filter(pk=self.b5.pk).update(status=BookingStatus.DECLINED)

        self.outcome1 = self.job(self.j1, through=("week_13",))
        self.outcome3 = self.job(self.j3, through=("week_13", "week_26"))

    def _person(self, tier):
        person = JobseekerFactory(jobseeker_profile__commissioner=self.programme.commissioner)
        JobseekerProfile.objects.filter(user=person).update(support_tier=tier)
        return person

    def _budget(self, person):
        budget, _ = money.issue_budget(actor=self.manager, programme=self.programme,
                                       external_reference=f"JS-{person.pk}")
        return money.claim_invitation(user=person, code_or_token=budget.invitation.code)

    def book(self, person, provider, category, price, *, settle=True):
        budget = self.budgets[person.pk]
        offer = Offer.objects.create(
            provider=provider, title=f"{category} course", what_you_get="Support",
            who_it_is_for="Anyone", category=category, price=price, price_covers="All",
            delivery_mode="in_person", status=OfferStatus.APPROVED)
        booking = Booking.objects.create(
            offer=offer, provider=provider, budget=budget, jobseeker=person, price=price,
            status=BookingStatus.CONFIRMED if settle else BookingStatus.REQUESTED,
            request_token=f"insights-{next(_tokens)}")
        money.commit_for_booking(actor=None, budget=budget, amount=price,
                                 booking_id=booking.pk, key=keys.booking_commit(booking.pk))
        fields = {"requested_at": self.booked_at}
        if settle:
            money.settle_delivery(budget=budget, provider=provider, amount=price,
                                  booking_id=booking.pk, key=keys.booking_settle(booking.pk))
            fields.update(delivered_at=self.booked_at, confirmed_at=self.booked_at)
        Booking.objects.filter(pk=booking.pk).update(**fields)
        booking.refresh_from_db()
        return booking

    def job(self, person, *, through):
        outcome = outcome_services.report_outcome(
            actor=person, jobseeker=person, employer="Leeds Logistics",
            job_title="Warehouse operative", start_date=self.job_start, hours_per_week=30)
        outcome = outcome_services.verify_outcome(actor=self.manager, outcome=outcome)
        for key in through:
            outcome_services.verify_milestone(actor=self.manager,
                                              milestone=outcome.milestones.get(key=key))
        return outcome
