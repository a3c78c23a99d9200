"""Reads about outcomes for pages, panels and search: records, earnings, queues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Sum

from accounts.models import Role
from budgets.models import BASIS_POINTS
from ledger.models import Account, AccountKind, Entry, TransferKind
from outcomes.models import (
    BonusStatus,
    Evidence,
    Milestone,
    MilestonePayment,
    MilestoneStatus,
    Outcome,
    OutcomeStatus,
)

SMALL_NUMBER = 5  # counts under this are shown as "too few to show"
DONE = (MilestoneStatus.VERIFIED, MilestoneStatus.PAID)


# --- Who may see -----------------------------------------------------------------------


def can_see_outcome(user, outcome: Outcome) -> bool:
    """The jobseeker, their adviser, a provider that served them, and the programme's
    commissioner staff (managers and auditors)."""
    from outcomes.services import may_report_for

    if not user.is_authenticated:
        return False
    if user.role in (Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR):
        return user.commissioner_id == outcome.programme.commissioner_id
    return may_report_for(user, outcome.jobseeker)


def outcomes_for(user):
    """The outcomes a person may see, newest first."""
    base = Outcome.objects.select_related("jobseeker", "programme")
    if user.role == Role.JOBSEEKER:
        return base.filter(jobseeker=user)
    if user.role == Role.ADVISER:
        return base.filter(jobseeker__jobseeker_profile__adviser=user)
    if user.role in (Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR):
        return base.filter(programme__commissioner_id=user.commissioner_id)
    membership = getattr(user, "provider_membership", None)
    if membership is not None:
        from bookings.models import Booking

        served = Booking.objects.filter(provider_id=membership.provider_id,
                                        delivered_at__isnull=False).values("jobseeker_id")
        return base.filter(jobseeker_id__in=served)
    return base.none()


# --- Provider outcome record --------------------------------------------------------------


@dataclass
class ProviderRecord:
    people_served: int
    jobs_started: int
    in_work_13_weeks: int
    in_work_26_weeks: int
    total_paid: int
    start: date | None = None
    end: date | None = None

    def _rate(self, count):
        if self.people_served < SMALL_NUMBER or 0 < count < SMALL_NUMBER:
            return None
        return count * BASIS_POINTS // self.people_served

    @property
    def job_start_rate_bp(self):
        return self._rate(self.jobs_started)

    @property
    def sustained_rate_bp(self):
        """Share of people served still in work at 26 weeks, in basis points (None when the
        numbers are too small to publish)."""
        return self._rate(self.in_work_26_weeks)

    @property
    def in_work_13_rate_bp(self):
        return self._rate(self.in_work_13_weeks)

    @property
    def cost_per_sustained_job(self):
        if self.in_work_26_weeks < SMALL_NUMBER:
            return None
        return self.total_paid // self.in_work_26_weeks

    @staticmethod
    def shown(count):
        return None if 0 < count < SMALL_NUMBER else count


def provider_records(provider_ids, *, start: date | None = None, end: date | None = None
                     ) -> dict[int, ProviderRecord]:
    """Outcome records for many providers in five grouped queries, computed from
    bookings, milestones and the ledger for bookings settled in the period:

    * people served: distinct jobseekers with a settled booking;
    * jobs started / in work at 13 / 26 weeks: distinct people with a verified milestone
      of at least that many weeks that paid this provider's bookings;
    * total paid: every credit to the provider's payable accounts (upfront shares,
      outcome payments, bonuses), payout reversals excepted.
    """
    from bookings.models import Booking

    ids = list(provider_ids)
    bookings = Booking.objects.filter(provider_id__in=ids, confirmed_at__isnull=False)
    if start:
        bookings = bookings.filter(confirmed_at__date__gte=start)
    if end:
        bookings = bookings.filter(confirmed_at__date__lte=end)
    served = dict(bookings.values("provider_id").annotate(n=Count("jobseeker_id", distinct=True))
                  .values_list("provider_id", "n"))
    payments = MilestonePayment.objects.filter(
        provider_id__in=ids, booking_id__in=bookings.values("pk"), milestone__status__in=DONE)

    def people(weeks):
        return dict(payments.filter(milestone__weeks__gte=weeks).values("provider_id")
                    .annotate(n=Count("milestone__outcome__jobseeker_id", distinct=True))
                    .values_list("provider_id", "n"))

    credited = Entry.objects.filter(
        account__kind=AccountKind.PROVIDER_PAYABLE, account__provider_id__in=ids, amount__gt=0,
    ).exclude(transfer__kind=TransferKind.PAYOUT_REVERSAL)
    if start:
        credited = credited.filter(created_at__date__gte=start)
    if end:
        credited = credited.filter(created_at__date__lte=end)
    paid = dict(credited.values("account__provider_id").annotate(total=Sum("amount"))
                .values_list("account__provider_id", "total"))
    started, week13, week26 = people(0), people(13), people(26)
    return {
        pk: ProviderRecord(people_served=served.get(pk, 0), jobs_started=started.get(pk, 0),
                           in_work_13_weeks=week13.get(pk, 0),
                           in_work_26_weeks=week26.get(pk, 0), total_paid=paid.get(pk, 0),
                           start=start, end=end)
        for pk in ids
    }


def provider_record(provider, *, start: date | None = None, end: date | None = None
                    ) -> ProviderRecord:
    return provider_records([provider.pk], start=start, end=end)[provider.pk]


# --- Provider earnings -------------------------------------------------------------------


@dataclass
class WithheldLine:
    booking_id: int
    who: str
    offer: str
    amount: int
    waiting_for: str


@dataclass
class Earnings:
    paid: int
    owed: int
    withheld: int
    lines: list[WithheldLine]


def _first_name(user) -> str:
    name = (user.full_name or "").strip()
    return name.split()[0] if name else "the jobseeker"


def provider_earnings(provider) -> Earnings:
    """Paid out, owed (payable balance) and withheld (escrow) split by the milestones
    still to come, each saying what it waits for."""
    from bookings.models import Booking
    from outcomes.services import attributed_bookings

    payables = Account.objects.filter(kind=AccountKind.PROVIDER_PAYABLE, provider=provider)
    owed = payables.aggregate(total=Sum("balance"))["total"] or 0
    credited = (Entry.objects.filter(account__in=payables, amount__gt=0)
                .aggregate(total=Sum("amount"))["total"] or 0)
    escrows = {a.booking_id: a for a in Account.objects.filter(
        kind=AccountKind.ESCROW, provider=provider, balance__gt=0)}
    bookings = {b.pk: b for b in Booking.objects.filter(pk__in=escrows).select_related(
        "jobseeker", "offer")}
    jobseekers = {b.jobseeker_id for b in bookings.values()}
    outcomes = list(Outcome.objects.filter(
        jobseeker_id__in=jobseekers, status__in=[OutcomeStatus.REPORTED, OutcomeStatus.VERIFIED],
        closed_at__isnull=True).select_related("programme").prefetch_related("milestones"))
    attributed = attributed_bookings(outcomes)
    outcome_for = {}
    for outcome in outcomes:
        for a in attributed.get(outcome.pk, []):
            outcome_for.setdefault(a.booking_id, outcome)
    withheld_first = dict(Entry.objects.filter(
        account_id__in=[a.pk for a in escrows.values()], sequence=1,
    ).values_list("account_id", "amount"))
    lines = []
    for booking_id, escrow in sorted(escrows.items()):
        booking = bookings.get(booking_id)
        name = _first_name(booking.jobseeker) if booking else "the jobseeker"
        offer = str(booking.offer) if booking else f"Booking {booking_id}"
        outcome = outcome_for.get(booking_id)
        left = escrow.balance
        if outcome is None:
            lines.append(WithheldLine(booking_id, name, offer, left,
                                      f"Waiting for {name} to start a job"))
            continue
        coming = [m for m in outcome.milestones.all() if m.status in (
            MilestoneStatus.SCHEDULED, MilestoneStatus.DUE, MilestoneStatus.VERIFIED)]
        original = withheld_first.get(escrow.pk, left)
        for milestone in coming:
            share = left if milestone.is_last else min(
                left, original * milestone.share_bp // BASIS_POINTS)
            left -= share
            check = (f"{name}'s job start" if milestone.weeks == 0
                     else f"{name}'s {milestone.weeks}-week check")
            lines.append(WithheldLine(
                booking_id, name, offer, share,
                f"Waiting for {check} on {milestone.due_on.day} "
                f"{milestone.due_on:%B %Y}"))
        if left > 0:
            lines.append(WithheldLine(booking_id, name, offer, left,
                                      "Waiting for the job's outcome to be decided"))
    withheld = sum(a.balance for a in escrows.values())
    return Earnings(paid=credited - owed, owed=owed, withheld=withheld, lines=lines)


# --- Queues and panels ----------------------------------------------------------------------


def verification_queue(commissioner_id):
    outcomes = (Outcome.objects.filter(programme__commissioner_id=commissioner_id,
                                       status=OutcomeStatus.REPORTED)
                .select_related("jobseeker", "programme").order_by("reported_at"))
    milestones = (Milestone.objects.filter(outcome__programme__commissioner_id=commissioner_id,
                                           status=MilestoneStatus.DUE,
                                           outcome__status=OutcomeStatus.VERIFIED)
                  .select_related("outcome__jobseeker").order_by("due_on"))
    return outcomes, milestones


def owed_bonuses(commissioner_id) -> int:
    return MilestonePayment.objects.filter(
        programme__commissioner_id=commissioner_id, bonus_status=BonusStatus.OWED,
    ).aggregate(total=Sum("bonus"))["total"] or 0


def milestones_to_confirm(jobseeker):
    return (Milestone.objects.filter(outcome__jobseeker=jobseeker, status=MilestoneStatus.DUE,
                                     jobseeker_confirmed_at__isnull=True)
            .select_related("outcome").order_by("due_on"))


def caseload_outcomes(adviser):
    outcomes = Outcome.objects.filter(jobseeker__jobseeker_profile__adviser=adviser)
    return {
        "in_work": outcomes.filter(status=OutcomeStatus.VERIFIED, ended_on__isnull=True).count(),
        "waiting": outcomes.filter(status=OutcomeStatus.REPORTED).count(),
        "checks_due": Milestone.objects.filter(
            outcome__jobseeker__jobseeker_profile__adviser=adviser,
            status=MilestoneStatus.DUE, jobseeker_confirmed_at__isnull=True).count(),
    }


def evidence_visible_to(user, evidence: Evidence) -> bool:
    return can_see_outcome(user, evidence.outcome)


def reportable_jobseekers(user):
    """Whom a person may report a job for (staff choose from this list)."""
    from accounts.models import User

    if user.role == Role.JOBSEEKER:
        return User.objects.filter(pk=user.pk)
    if user.role == Role.ADVISER:
        return User.objects.filter(jobseeker_profile__adviser=user).order_by("full_name")
    membership = getattr(user, "provider_membership", None)
    if membership is not None:
        from bookings.models import Booking

        return User.objects.filter(pk__in=Booking.objects.filter(
            provider_id=membership.provider_id, delivered_at__isnull=False,
        ).values("jobseeker_id")).order_by("full_name")
    return User.objects.none()


