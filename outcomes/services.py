"""Every write about job outcomes and the outcome payments they trigger.

Plain functions with keyword arguments, one transaction each. ``actor`` is the person
acting; ``actor=None`` means the system (the scheduled milestone task). Money moves
only through budgets.services (``return_escrow``, ``release_escrow``) or, for the
nightly batch, through ledger.batch, which follows the same ledger rules.

Who may do what:
* report a job, report that it ended, add evidence: the jobseeker, their adviser, or a
  provider that has delivered a booking to them;
* confirm "still in work": the jobseeker;
* verify or reject a job or a milestone: a manager of the programme's commissioner.

Attribution: a milestone pays, for every booking of the jobseeker that was settled
(``confirmed_at``) in the programme's attribution window before the job start, the
milestone's share of that booking's ORIGINAL withheld amount (the escrow's first
entry); the last milestone pays whatever is left, so rounding never strands pence.
A harder-to-help bonus (amount × (multiplier − 1)) comes from the programme pot.

If the pot cannot cover a bonus, the escrow part is still paid (the provider earned
it) and the bonus is recorded as owed (``MilestonePayment.bonus_status = "owed"``);
the commissioner's home page says how much is owed, and every run of the milestone
task retries owed bonuses once the programme has been funded.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import filetype
from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.message import EmailMessage
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import JobseekerProfile, Role
from budgets import services as budget_services
from budgets.errors import NotAllowed, NotEnoughInPot
from budgets.models import BASIS_POINTS, Budget, Programme
from ledger import batch as ledger_batch
from ledger import keys
from ledger.accounts import payable_account, pot_account
from ledger.models import Account, AccountKind, TransferKind
from outcomes.errors import (
    AlreadyDecided,
    BadEvidence,
    DoesNotCount,
    NoProgramme,
    NotAllowedToReport,
    NotReady,
)
from outcomes.models import (
    OPEN_MILESTONE_STATUSES,
    BonusStatus,
    Evidence,
    Milestone,
    MilestonePayment,
    MilestoneStatus,
    Outcome,
    OutcomeStatus,
)

log = logging.getLogger(__name__)

EVIDENCE_TYPES = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}
SETTLED_STATUSES = ("delivered", "confirmed")


# --- Who may act ---------------------------------------------------------------------


def provider_served(provider_id: int, jobseeker_id: int) -> bool:
    from bookings.models import Booking

    return Booking.objects.filter(
        provider_id=provider_id, jobseeker_id=jobseeker_id, delivered_at__isnull=False,
    ).exists()


def may_report_for(actor, jobseeker) -> bool:
    """The jobseeker, their adviser, or a provider that delivered support to them."""
    if actor is None or not actor.is_authenticated:
        return False
    if actor.role == Role.JOBSEEKER:
        return actor.pk == jobseeker.pk
    if actor.role == Role.ADVISER:
        return JobseekerProfile.objects.filter(user=jobseeker, adviser=actor).exists()
    if actor.is_provider_member:
        membership = getattr(actor, "provider_membership", None)
        return membership is not None and provider_served(membership.provider_id, jobseeker.pk)
    return False


def _require_reporter(actor, jobseeker) -> None:
    if not may_report_for(actor, jobseeker):
        raise NotAllowedToReport()


def _require_manager(actor, outcome) -> None:
    if (actor is None or actor.role != Role.COMMISSIONER_MANAGER
            or actor.commissioner_id != outcome.programme.commissioner_id):
        raise NotAllowed("Only a manager of this programme's commissioner can verify outcomes.")


def programme_for(jobseeker) -> Programme:
    budget = (Budget.objects.filter(jobseeker=jobseeker).select_related("programme")
              .order_by("-issued_at", "-pk").first())
    if budget is None:
        raise NoProgramme()
    return budget.programme


# --- Reporting a job -------------------------------------------------------------------


def _milestones_for(outcome: Outcome) -> list[Milestone]:
    rules = outcome.programme.milestones
    return [
        Milestone(
            outcome=outcome, key=str(rule["key"]), label=str(rule.get("label") or rule["key"]),
            weeks=int(rule["weeks"]), share_bp=int(rule["share_bp"]), position=index,
            is_last=index == len(rules) - 1,
            due_on=outcome.start_date + timedelta(weeks=int(rule["weeks"])),
        )
        for index, rule in enumerate(rules)
    ]


def report_outcome(*, actor, jobseeker, employer: str, job_title: str, start_date: date,
                   hours_per_week: int, weekly_pay: int | None = None,
                   evidence_file=None, evidence_kind: str = "contract") -> Outcome:
    """Record a job. Below the programme's minimum hours it is kept but marked as not
    counting (the page says why) and gets no milestones. Moves no money."""
    _require_reporter(actor, jobseeker)
    programme = programme_for(jobseeker)
    profile = JobseekerProfile.objects.filter(user=jobseeker).first()
    with transaction.atomic():
        outcome = Outcome(
            jobseeker=jobseeker, programme=programme, employer=employer.strip(),
            job_title=job_title.strip(), start_date=start_date, hours_per_week=hours_per_week,
            weekly_pay=weekly_pay, reported_by=actor,
            support_tier=profile.support_tier if profile else 1,
        )
        if not outcome.counts:
            outcome.status = OutcomeStatus.NOT_COUNTED
            outcome.status_reason = outcome.hours_message
        outcome.save()
        if outcome.counts:
            Milestone.objects.bulk_create(_milestones_for(outcome))
        if evidence_file is not None:
            add_evidence(actor=actor, outcome=outcome, file=evidence_file, kind=evidence_kind)
    return outcome


def check_evidence_file(file) -> tuple[str, str]:
    """(content type, extension) judged from the file's first bytes, never its name."""
    if file.size > settings.EVIDENCE_MAX_BYTES:
        limit = settings.EVIDENCE_MAX_BYTES / (1024 * 1024)
        raise BadEvidence(f"The file must be smaller than {limit:g}MB.")
    if file.size == 0:
        raise BadEvidence("The file is empty.")
    file.seek(0)
    head = file.read(262)
    file.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in EVIDENCE_TYPES:
        raise BadEvidence()
    return kind.mime, EVIDENCE_TYPES[kind.mime]


def add_evidence(*, actor, outcome: Outcome, file, kind: str,
                 milestone: Milestone | None = None) -> Evidence:
    """Store a payslip, contract or letter privately. Moves no money."""
    _require_reporter(actor, outcome.jobseeker)
    content_type, extension = check_evidence_file(file)
    if kind not in dict(Evidence.KINDS):
        raise BadEvidence("Choose what kind of evidence this is.")
    evidence = Evidence(
        outcome=outcome, milestone=milestone, kind=kind, extension=extension,
        content_type=content_type, size=file.size,
        original_name=(getattr(file, "name", "") or "evidence")[-200:], uploaded_by=actor,
    )
    evidence.file.save("upload", file, save=False)
    evidence.save()
    return evidence


# --- Deciding ----------------------------------------------------------------------------


def verify_outcome(*, actor, outcome: Outcome) -> Outcome:
    """A manager confirms the job is real. The start milestone, if the job has started,
    is verified with it and paid at once."""
    _require_manager(actor, outcome)
    with transaction.atomic():
        outcome = Outcome.objects.select_for_update().select_related("programme").get(
            pk=outcome.pk)
        if outcome.status == OutcomeStatus.NOT_COUNTED:
            raise DoesNotCount(outcome.hours_message)
        if outcome.status != OutcomeStatus.REPORTED:
            raise AlreadyDecided()
        profile = JobseekerProfile.objects.filter(user_id=outcome.jobseeker_id).first()
        outcome.status = OutcomeStatus.VERIFIED
        outcome.support_tier = profile.support_tier if profile else outcome.support_tier
        outcome.decided_by, outcome.decided_at = actor, timezone.now()
        outcome.save(update_fields=["status", "support_tier", "decided_by", "decided_at"])
        today = timezone.localdate()
        starting = list(outcome.milestones.filter(
            weeks=0, due_on__lte=today, status__in=[MilestoneStatus.SCHEDULED,
                                                    MilestoneStatus.DUE]))
        for milestone in starting:
            _mark_verified(milestone, actor)
        if starting:
            release_milestones_batch(milestone_ids=[m.pk for m in starting], actor=actor)
    return outcome


def reject_outcome(*, actor, outcome: Outcome, reason: str) -> Outcome:
    """A manager rejects a reported job, with a reason. Its milestones lapse; the
    bookings' withheld money stays until the attribution window ends (another job may
    still come), then returns to the programme."""
    _require_manager(actor, outcome)
    if not reason.strip():
        raise NotReady("Give a reason for rejecting the job.")
    with transaction.atomic():
        outcome = Outcome.objects.select_for_update().get(pk=outcome.pk)
        if outcome.status != OutcomeStatus.REPORTED:
            raise AlreadyDecided()
        outcome.status = OutcomeStatus.REJECTED
        outcome.status_reason = reason.strip()
        outcome.decided_by, outcome.decided_at = actor, timezone.now()
        outcome.save(update_fields=["status", "status_reason", "decided_by", "decided_at"])
        outcome.milestones.filter(status__in=OPEN_MILESTONE_STATUSES).update(
            status=MilestoneStatus.LAPSED, reason="The job was not verified.")
    return outcome


def _mark_verified(milestone: Milestone, actor) -> None:
    milestone.status = MilestoneStatus.VERIFIED
    milestone.decided_by, milestone.decided_at = actor, timezone.now()
    milestone.save(update_fields=["status", "decided_by", "decided_at"])


def _lock_milestone(milestone) -> Milestone:
    return (Milestone.objects.select_for_update(of=("self",))
            .select_related("outcome__programme").get(pk=milestone.pk))


def verify_milestone(*, actor, milestone: Milestone) -> Milestone:
    """A manager confirms the person is still in work at this milestone; its payment is
    released to every attributed booking's provider straight away."""
    _require_manager(actor, milestone.outcome)
    with transaction.atomic():
        milestone = _lock_milestone(milestone)
        outcome = milestone.outcome
        if milestone.status not in (MilestoneStatus.SCHEDULED, MilestoneStatus.DUE):
            raise AlreadyDecided()
        if outcome.status != OutcomeStatus.VERIFIED:
            raise NotReady("Verify the job itself first.")
        if milestone.due_on > timezone.localdate():
            raise NotReady(f"This milestone is not due until {milestone.due_on:%-d %B %Y}.")
        if outcome.ended_on and outcome.ended_on < milestone.due_on:
            raise NotReady("The job ended before this milestone.")
        if outcome.milestones.filter(position__lt=milestone.position).exclude(
                status__in=[MilestoneStatus.VERIFIED, MilestoneStatus.PAID]).exists():
            raise NotReady("Verify the earlier milestones first.")
        _mark_verified(milestone, actor)
        release_milestones_batch(milestone_ids=[milestone.pk], actor=actor)
    milestone.refresh_from_db()
    return milestone


def reject_milestone(*, actor, milestone: Milestone, reason: str) -> Milestone:
    """A manager finds the person was not in work at this milestone: it and every later
    milestone lapse, and the withheld money left goes back to the programme."""
    _require_manager(actor, milestone.outcome)
    if not reason.strip():
        raise NotReady("Give a reason for rejecting the milestone.")
    with transaction.atomic():
        milestone = _lock_milestone(milestone)
        if milestone.status not in (MilestoneStatus.SCHEDULED, MilestoneStatus.DUE):
            raise AlreadyDecided()
        milestone.status = MilestoneStatus.REJECTED
        milestone.reason = reason.strip()
        milestone.decided_by, milestone.decided_at = actor, timezone.now()
        milestone.save(update_fields=["status", "reason", "decided_by", "decided_at"])
        milestone.outcome.milestones.filter(
            position__gt=milestone.position, status__in=OPEN_MILESTONE_STATUSES,
        ).update(status=MilestoneStatus.LAPSED, reason="An earlier milestone was not met.")
        close_outcome(outcome=milestone.outcome)
    return milestone


def confirm_still_in_work(*, actor, milestone: Milestone) -> Milestone:
    """The jobseeker says they are still in work at a milestone. Moves no money: the
    commissioner still verifies it."""
    if actor is None or actor.pk != milestone.outcome.jobseeker_id:
        raise NotAllowed("Only the person in the job can confirm this.")
    with transaction.atomic():
        milestone = _lock_milestone(milestone)
        if milestone.jobseeker_confirmed_at is None:
            milestone.jobseeker_confirmed_at = timezone.now()
            milestone.save(update_fields=["jobseeker_confirmed_at"])
    return milestone


def report_job_end(*, actor, outcome: Outcome, ended_on: date) -> Outcome:
    """The job ended. Milestones after the end lapse; once no milestone is left open the
    withheld money still in escrow goes back to the programme (``return_escrow``)."""
    _require_reporter(actor, outcome.jobseeker)
    if ended_on < outcome.start_date:
        raise NotReady("The end date must be on or after the start date.")
    with transaction.atomic():
        outcome = Outcome.objects.select_for_update().get(pk=outcome.pk)
        outcome.ended_on, outcome.end_reported_by = ended_on, actor
        outcome.save(update_fields=["ended_on", "end_reported_by"])
        outcome.milestones.filter(
            due_on__gt=ended_on, status__in=OPEN_MILESTONE_STATUSES,
        ).update(status=MilestoneStatus.LAPSED, reason="The job ended before this milestone.")
        close_outcome(outcome=outcome)
    return outcome


# --- Attribution ---------------------------------------------------------------------------


@dataclass
class Attributed:
    booking_id: int
    escrow_id: int
    provider_id: int
    programme_id: int
    budget_id: int
    withheld: int  # the booking's original outcome share
    jobseeker_id: int
    confirmed_at: datetime


def window_start(start_date: date, programme: Programme) -> date:
    return budget_services.add_months(start_date, -programme.attribution_months)


def attributed_bookings(outcomes) -> dict[int, list[Attributed]]:
    """outcome id → the bookings whose withheld share it can release: bookings of the
    same jobseeker and programme settled in the attribution window before the job start
    that have an escrow account. One set-based query (per 10,000 outcomes off PostgreSQL)
    whatever the number of outcomes."""
    from bookings.models import Booking

    outcomes = list(outcomes)
    if not outcomes:
        return {}
    sql = f"""
        SELECT o.id, b.id, a.id, a.provider_id, a.programme_id, a.budget_id, e.amount,
               b.jobseeker_id, b.confirmed_at
        FROM outcomes_outcome o
        JOIN {Booking._meta.db_table} b
             ON b.jobseeker_id = o.jobseeker_id AND b.confirmed_at IS NOT NULL
        JOIN budgets_account a
             ON a.booking_id = b.id AND a.kind = %s AND a.programme_id = o.programme_id
        JOIN budgets_entry e ON e.account_id = a.id AND e.sequence = 1
        WHERE o.id {{where}}
        ORDER BY o.id, b.id
    """
    ids = [o.pk for o in outcomes]
    rows = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql.format(where="= ANY(%s)"), [AccountKind.ESCROW, ids])
            rows = cursor.fetchall()
        else:
            for chunk in range(0, len(ids), 10_000):
                part = ids[chunk:chunk + 10_000]
                cursor.execute(sql.format(where=f"IN ({', '.join(['%s'] * len(part))})"),
                               [AccountKind.ESCROW, *part])
                rows += cursor.fetchall()
    by_id = {o.pk: o for o in outcomes}
    windows = {o.pk: (window_start(o.start_date, o.programme), o.start_date) for o in outcomes}
    result = {pk: [] for pk in by_id}
    for (outcome_id, booking_id, escrow_id, provider_id, programme_id, budget_id, withheld,
         jobseeker_id, confirmed_at) in rows:
        if isinstance(confirmed_at, str):  # SQLite may hand raw SQL datetimes back as text
            confirmed_at = datetime.fromisoformat(confirmed_at)
        if timezone.is_naive(confirmed_at):  # SQLite stores UTC without a zone
            confirmed_at = timezone.make_aware(confirmed_at, UTC)
        first, last = windows[outcome_id]
        if first <= timezone.localdate(confirmed_at) <= last:
            result[outcome_id].append(Attributed(
                booking_id, escrow_id, provider_id, programme_id, budget_id, withheld,
                jobseeker_id, confirmed_at))
    return result


# --- Releasing and returning money --------------------------------------------------------


@dataclass
class ReleaseReport:
    milestones: int = 0
    payments: int = 0
    paid: int = 0
    bonus_paid: int = 0
    bonus_owed: int = 0
    owed_keys: list[str] = field(default_factory=list)


def _existing_accounts(account_keys: set[str]) -> dict[str, int]:
    return dict(Account.objects.filter(key__in=account_keys).values_list("key", "pk"))


def release_milestones_batch(*, milestone_ids=None, actor=None, limit: int | None = None
                             ) -> ReleaseReport:
    """Pay verified milestones: for each attributed booking, escrow → provider payable (the
    milestone's share; the last milestone takes what is left) and the tier bonus pot →
    provider payable. ``milestone_ids=None`` releases every verified milestone (the
    nightly task). Locks the milestones, then every account in one statement in id
    order, then writes all the transfers with a constant number of statements.

    Called by verify_outcome / verify_milestone (manager) and the milestone task
    (system). Each payment's key is ``keys.milestone_release(m, b)``; a milestone is marked
    paid in the same transaction, so it is never paid twice."""
    report = ReleaseReport()
    with transaction.atomic():
        query = (Milestone.objects.select_for_update(of=("self",))
                 .filter(status=MilestoneStatus.VERIFIED)
                 .select_related("outcome__programme")
                 .order_by("outcome_id", "position"))
        if milestone_ids is not None:
            query = query.filter(pk__in=list(milestone_ids))
        if limit:
            query = query[:limit]
        milestones = list(query)
        if not milestones:
            return report
        outcomes = {m.outcome_id: m.outcome for m in milestones}
        attributed = attributed_bookings(outcomes.values())
        programmes = {o.programme_id: o.programme for o in outcomes.values()}

        # Make sure every payable and pot account exists before locking (normally they
        # do: settle_delivery created the payables, funding the pots).
        payable_keys = {}
        for items in attributed.values():
            for a in items:
                payable_keys[(a.provider_id, a.programme_id)] = keys.payable(
                    a.provider_id, a.programme_id)
        pot_keys = {pk: keys.pot(pk) for pk in programmes}
        known = _existing_accounts(set(payable_keys.values()) | set(pot_keys.values()))
        for (provider_id, programme_id), key in payable_keys.items():
            if key not in known:
                from providers.models import Provider

                known[key] = payable_account(
                    provider=Provider.objects.get(pk=provider_id),
                    programme=programmes[programme_id]).pk
        for programme_id, key in pot_keys.items():
            if key not in known:
                known[key] = pot_account(programmes[programme_id]).pk

        escrow_ids = {a.escrow_id for items in attributed.values() for a in items}
        accounts = ledger_batch.lock_accounts(escrow_ids | set(known.values()))
        now = timezone.now()
        # Amounts are sized from the locked balances, tracked here as the batch spends them.
        balance = {pk: account.balance for pk, account in accounts.items()}
        transfers, payments = [], []
        for milestone in milestones:
            outcome = milestone.outcome
            programme = programmes[outcome.programme_id]
            extra_bp = programme.multiplier_bp(outcome.support_tier) - BASIS_POINTS
            pot_id = known[pot_keys[programme.pk]]
            for a in attributed.get(outcome.pk, []):
                left = balance[a.escrow_id]
                share = (left if milestone.is_last
                         else a.withheld * milestone.share_bp // BASIS_POINTS)
                amount = min(share, left)
                if amount <= 0:
                    continue
                payable_id = known[payable_keys[(a.provider_id, a.programme_id)]]
                bonus = amount * max(extra_bp, 0) // BASIS_POINTS
                legs = [(a.escrow_id, -amount), (payable_id, amount)]
                bonus_status = BonusStatus.NONE
                if bonus and balance[pot_id] >= bonus:
                    legs += [(pot_id, -bonus), (payable_id, bonus)]
                    balance[pot_id] -= bonus
                    bonus_status = BonusStatus.PAID
                    report.bonus_paid += bonus
                elif bonus:
                    bonus_status = BonusStatus.OWED
                    report.bonus_owed += bonus
                balance[a.escrow_id] -= amount
                key = keys.milestone_release(milestone.pk, a.booking_id)
                transfers.append(ledger_batch.BatchTransfer(
                    key=key, kind=TransferKind.ESCROW_RELEASE, legs=legs,
                    memo=f"Booking {a.booking_id}: {milestone.label}",
                    programme_id=a.programme_id, budget_id=a.budget_id,
                    provider_id=a.provider_id, booking_id=a.booking_id))
                payments.append((milestone.pk, a.booking_id, a.provider_id, a.programme_id,
                                 amount, bonus, bonus_status, now))
                report.paid += amount
                if bonus_status == BonusStatus.OWED:
                    report.owed_keys.append(key)
        ledger_batch.write_transfers(transfers, accounts, actor_id=getattr(actor, "pk", None))
        _insert_payments(payments)
        Milestone.objects.filter(pk__in=[m.pk for m in milestones]).update(
            status=MilestoneStatus.PAID, paid_at=now)
        report.milestones, report.payments = len(milestones), len(payments)
        _refresh_after_commit(row[2] for row in payments)
    if report.bonus_owed:
        log.warning("Outcome bonuses of %sp are owed: programme pot short.", report.bonus_owed)
    return report


PAYMENT_COLUMNS = ["milestone_id", "booking_id", "provider_id", "programme_id", "amount",
                   "bonus", "bonus_status", "created_at"]


def _insert_payments(rows: list[tuple]) -> None:
    """The payments' rows (PAYMENT_COLUMNS order): one COPY on PostgreSQL (the milestones
    are locked and were VERIFIED, so none of these (milestone, booking) pairs exist yet)."""
    if connection.vendor != "postgresql":
        MilestonePayment.objects.bulk_create(
            [MilestonePayment(**dict(zip(PAYMENT_COLUMNS, row, strict=True))) for row in rows],
            ignore_conflicts=True, batch_size=500)
        return
    ledger_batch.copy_rows(MilestonePayment._meta.db_table, PAYMENT_COLUMNS, rows)


def retry_owed_bonuses(*, actor=None) -> int:
    """Pay bonuses recorded as owed, now the pot may have been funded: pot → provider
    payable through ``budgets.services.release_escrow`` (amount 0, the bonus only), key
    ``keys.milestone_bonus(m, b)``. Returns how many were paid."""
    paid = 0
    owed = list(MilestonePayment.objects.filter(bonus_status=BonusStatus.OWED)
                .order_by("pk").values_list("pk", flat=True))
    for pk in owed:
        try:
            with transaction.atomic():
                payment = MilestonePayment.objects.select_for_update().get(pk=pk)
                if payment.bonus_status != BonusStatus.OWED:
                    continue
                budget_services.release_escrow(
                    actor=actor, booking_id=payment.booking_id, amount=0, bonus=payment.bonus,
                    key=keys.milestone_bonus(payment.milestone_id, payment.booking_id),
                    memo=f"Booking {payment.booking_id}: harder-to-help bonus (was owed)")
                payment.bonus_status = BonusStatus.PAID
                payment.save(update_fields=["bonus_status"])
                paid += 1
        except NotEnoughInPot:
            break  # still short: try again on the next run
    return paid


def close_outcome(*, outcome: Outcome, actor=None) -> int:
    """If the job ended (or a milestone was not met) and no milestone is left open, send
    what is left in each attributed booking's escrow back to the pot. Returns pence."""
    outcome = Outcome.objects.select_related("programme").get(pk=outcome.pk)
    if outcome.closed_at is not None:
        return 0
    ended = outcome.ended_on is not None or outcome.milestones.filter(
        status=MilestoneStatus.REJECTED).exists()
    if not ended or outcome.milestones.filter(status__in=OPEN_MILESTONE_STATUSES).exists():
        return 0
    returned = 0
    for a in attributed_bookings([outcome])[outcome.pk]:
        transfer = budget_services.return_escrow(
            actor=actor, booking_id=a.booking_id,
            key=keys.outcome_ended(outcome.pk, a.booking_id),
            memo=f"Booking {a.booking_id}: job ended, withheld share returned")
        if transfer is not None:
            returned += transfer.entries.filter(amount__gt=0).first().amount
    Outcome.objects.filter(pk=outcome.pk).update(closed_at=timezone.now())
    return returned


def close_finished_outcomes() -> int:
    """Outcomes whose job ended while a milestone was still waiting: once that milestone
    is decided, return what is left. Idempotent (``closed_at``)."""
    open_milestones = Milestone.objects.filter(outcome=OuterRef("pk"),
                                               status__in=OPEN_MILESTONE_STATUSES)
    rejected = Milestone.objects.filter(outcome=OuterRef("pk"), status=MilestoneStatus.REJECTED)
    waiting = (Outcome.objects.filter(closed_at__isnull=True)
               .filter(Q(ended_on__isnull=False) | Exists(rejected))
               .exclude(Exists(open_milestones)))
    closed = 0
    for outcome in waiting:
        with transaction.atomic():
            close_outcome(outcome=outcome)
            closed += 1
    return closed


def return_unattributed_escrow(*, today: date | None = None) -> int:
    """Bookings whose attribution window ended with no verified job in it: their
    escrow → the programme pot, batched (one lock, a few statements). Key
    ``keys.window_ended(b)``. Returns how many bookings."""
    from bookings.models import Booking

    today = today or timezone.localdate()
    total = 0
    for programme in Programme.objects.filter(accounts__kind=AccountKind.ESCROW,
                                              accounts__balance__gt=0).distinct():
        cutoff = budget_services.add_months(today, -programme.attribution_months)
        candidates = list(
            Booking.objects.filter(
                confirmed_at__isnull=False, confirmed_at__date__lt=cutoff,
                pk__in=Account.objects.filter(
                    kind=AccountKind.ESCROW, programme=programme, balance__gt=0,
                ).values("booking_id"),
            ).values_list("pk", "jobseeker_id", "confirmed_at")
        )
        if not candidates:
            continue
        verified = defaultdict(list)
        for jobseeker_id, start in Outcome.objects.filter(
            programme=programme, status=OutcomeStatus.VERIFIED, closed_at__isnull=True,
            jobseeker_id__in={c[1] for c in candidates},
        ).values_list("jobseeker_id", "start_date"):
            verified[jobseeker_id].append(start)
        due = []
        for booking_id, jobseeker_id, confirmed_at in candidates:
            settled = timezone.localdate(confirmed_at)
            limit = budget_services.add_months(settled, programme.attribution_months)
            if not any(settled <= start <= limit for start in verified[jobseeker_id]):
                due.append(booking_id)
        total += _return_batch(programme, due)
    return total


def _return_batch(programme: Programme, booking_ids: list[int]) -> int:
    if not booking_ids:
        return 0
    with transaction.atomic():
        pot = pot_account(programme)
        escrow_ids = list(Account.objects.filter(kind=AccountKind.ESCROW,
                                                 booking_id__in=booking_ids)
                          .values_list("pk", flat=True))
        accounts = ledger_batch.lock_accounts(escrow_ids + [pot.pk])
        transfers = []
        for pk in escrow_ids:
            escrow = accounts[pk]
            if escrow.balance <= 0:
                continue
            transfers.append(ledger_batch.BatchTransfer(
                key=keys.window_ended(escrow.booking_id), kind=TransferKind.ESCROW_RETURN,
                legs=[(escrow.id, -escrow.balance), (pot.pk, escrow.balance)],
                memo=f"Booking {escrow.booking_id}: no job in the attribution window",
                programme_id=programme.pk, budget_id=escrow.budget_id,
                provider_id=escrow.provider_id, booking_id=escrow.booking_id))
        written = ledger_batch.write_transfers(transfers, accounts)
    return len(written.written)


# --- The scheduled task's work ----------------------------------------------------------------


@dataclass
class RunReport:
    due: int = 0
    released: ReleaseReport = field(default_factory=ReleaseReport)
    bonuses_retried: int = 0
    closed: int = 0
    returned: int = 0


def mark_due_milestones(*, today: date | None = None) -> list[int]:
    """Milestones whose date has come: ask the jobseeker to confirm "still in work" (email
    and a task on their home page), ask the providers for evidence (email), and put them
    in the commissioner's verification queue. One UPDATE decides which are newly due,
    so a second run the same day asks nobody twice."""
    today = today or timezone.localdate()
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            Milestone.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=MilestoneStatus.SCHEDULED, due_on__lte=today,
                    outcome__status__in=[OutcomeStatus.REPORTED, OutcomeStatus.VERIFIED],
                    outcome__ended_on__isnull=True)
            .values_list("pk", flat=True)
        )
        Milestone.objects.filter(pk__in=ids, status=MilestoneStatus.SCHEDULED).update(
            status=MilestoneStatus.DUE, asked_at=now)
        transaction.on_commit(lambda: _send_milestone_emails(ids))
    return ids


def _send_milestone_emails(milestone_ids: list[int]) -> None:
    if not milestone_ids:
        return
    from providers.models import Provider

    milestones = list(Milestone.objects.filter(pk__in=milestone_ids)
                      .select_related("outcome__jobseeker", "outcome__programme"))
    outcomes = {m.outcome_id: m.outcome for m in milestones}
    attributed = attributed_bookings(outcomes.values())
    providers = dict(Provider.objects.filter(
        pk__in={a.provider_id for items in attributed.values() for a in items}
    ).values_list("pk", "contact_email"))
    link = f"{settings.SITE_URL}/"
    messages = []
    for m in milestones:
        person = m.outcome.jobseeker
        messages.append(EmailMessage(
            subject=f"Are you still in work? ({m.label})",
            body=(f"Hello {person.display_name},\n\nYour job as {m.outcome.job_title} at "
                  f"{m.outcome.employer} has reached the '{m.label}' point. Please sign in "
                  f"and confirm you are still in work: {link}\n\nOnward"),
            to=[person.email]))
        for a in attributed.get(m.outcome_id, []):
            if providers.get(a.provider_id):
                messages.append(EmailMessage(
                    subject=f"Outcome evidence needed: {m.label}",
                    body=(f"A person you supported (booking {a.booking_id}) has reached the "
                          f"'{m.label}' milestone. Please add evidence such as a recent "
                          f"payslip: {link}\n\nOnward"),
                    to=[providers[a.provider_id]]))
    try:
        get_connection(fail_silently=False).send_messages(messages)
    except Exception:  # e-mail trouble must not undo the run; the home page still asks.
        log.exception("Could not send milestone e-mails")


def process_due_milestones(*, today: date | None = None) -> RunReport:
    """The nightly run (safe to repeat): ask about milestones falling due, release the
    verified ones, retry owed bonuses, close ended jobs, and return withheld money whose
    attribution window passed with no verified job."""
    today = today or timezone.localdate()
    report = RunReport()
    report.due = len(mark_due_milestones(today=today))
    report.released = release_milestones_batch()
    report.bonuses_retried = retry_owed_bonuses()
    report.closed = close_finished_outcomes()
    report.returned = return_unattributed_escrow(today=today)
    return report


# --- Provider standings for search --------------------------------------------------------


def refresh_standings(*, provider_ids) -> int:
    """Give search the providers' current outcome figures
    (marketplace.services.refresh_provider_standing), for the "sustained-job rate" sort.
    Records are computed in a few grouped queries; each provider's standing is one write.
    Does nothing if the marketplace has no standings yet."""
    try:
        from marketplace.services import refresh_provider_standing
    except ImportError:
        return 0
    from outcomes.selectors import provider_records
    from providers.models import Provider

    records = provider_records(provider_ids)
    providers = Provider.objects.in_bulk(list(records))
    for pk, record in records.items():
        refresh_provider_standing(
            provider=providers[pk], people_served=record.people_served,
            jobs_started=record.jobs_started, in_work_13_weeks=record.in_work_13_weeks,
            in_work_26_weeks=record.in_work_26_weeks,
            cost_per_sustained_job=(record.total_paid // record.in_work_26_weeks
                                    if record.in_work_26_weeks else None))
    return len(records)


def _refresh_after_commit(provider_ids) -> None:
    ids = sorted(set(provider_ids))
    if ids:
        from outbox.services import enqueue

        enqueue("outcomes.tasks.refresh_provider_standings", ids)
