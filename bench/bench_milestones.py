"""Milestones: one nightly run of outcomes.tasks.process_due_milestones over 100,000 job
outcomes and 500,000 bookings in PostgreSQL, releasing a day's worth of verified milestones.

Data (generated in a child process with COPY, ids assigned up front):

* 100,000 jobseekers, each with a budget, 5 settled bookings (500,000) with 500 providers,
  and one job outcome (100,000) with its three milestones (300,000).
* RELEASED jobseekers (12,000) started their job 13 weeks ago: their job and start milestone
  were verified and paid earlier, and today their 13-week milestone is verified and waiting
  for the nightly release. Their money is real ledger state: funding, budget issue, booking
  commit, delivery settlement and the start-milestone release, every transfer hash-chained
  with ledger.posting.entry_hash by an in-memory copy of post_transfer's rules, so
  ``verify_ledger`` passes before and after the run (checked).
* DUE_TODAY other jobseekers reach their 26-week point today (asked to confirm, e-mailed).
* The remaining jobseekers' bookings have no ledger money attached (their milestones are
  in the past or the future, so the run must skip them cheaply).

Metrics: outcomes, bookings, released (milestones paid by the run), payments (booking
payments written), run_seconds and queries (the run's SQL statements: constant, whatever
the number released), standings_seconds (search standings refresh, done by a follow-up
task in production), ledger_verified.
"""

from __future__ import annotations

import multiprocessing
import os

from bench import harness

JOBSEEKERS = 100_000
BOOKINGS_EACH = 5
PROVIDERS = 500
RELEASED = 12_000
DUE_TODAY = 2_000
TARGETS = {"run_seconds": {"max": 30}, "released": {"min": 10_000}, "ledger_verified": {"min": 1}}


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onward.settings")
    os.environ["ONWARD_ENV"] = "development"
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["LOG_LEVEL"] = "WARNING"
    import django

    django.setup()


# --- COPY helpers ------------------------------------------------------------------------


def _copy(model, instances) -> None:
    """Write model instances (ids already set) with one COPY."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            for obj in instances:
                row = []
                for f in fields:
                    value = f.pre_save(obj, add=True)
                    value = f.get_db_prep_save(value, connection)
                    row.append(value)
                copy.write_row(row)


def _copy_rows(table: str, columns: list[str], rows) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _reset_sequences(*models) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))")


class SimLedger:
    """post_transfer's rules in memory (for generating consistent ledger state fast)."""

    def __init__(self, now):
        self.now = now
        self.accounts = {}  # key -> dict
        self.transfers = []
        self.entries = []
        self.next_account = 1
        self.next_transfer = 1

    def account(self, key, kind, **fields):
        from ledger.models import EXTERNAL_KINDS

        if key not in self.accounts:
            external = kind in EXTERNAL_KINDS
            account = dict(id=self.next_account, key=key, kind=kind, is_external=external,
                           balance=0, entry_count=0, last_hash="0" * 64, programme_id=None,
                           budget_id=None, provider_id=None, booking_id=None)
            account.update(fields)
            self.accounts[key] = account
            self.next_account += 1
        return self.accounts[key]

    def post(self, key, kind, legs, **fields):
        from ledger.posting import entry_hash

        assert sum(amount for _, amount in legs) == 0
        tid = self.next_transfer
        self.next_transfer += 1
        self.transfers.append((tid, key, kind, fields.get("memo", ""),
                               fields.get("programme_id"), fields.get("budget_id"),
                               fields.get("provider_id"), fields.get("booking_id"), self.now))
        for account, amount in legs:
            account["balance"] += amount
            assert account["is_external"] or account["balance"] >= 0
            account["entry_count"] += 1
            digest = entry_hash(prev_hash=account["last_hash"], account_key=account["key"],
                                sequence=account["entry_count"], transfer_key=key,
                                amount=amount, balance_after=account["balance"],
                                created_at=self.now)
            self.entries.append((tid, account["id"], amount, account["entry_count"],
                                 account["balance"], account["last_hash"], digest, self.now))
            account["last_hash"] = digest

    def write(self):
        _copy_rows("budgets_account",
                   ["id", "kind", "key", "programme_id", "budget_id", "provider_id",
                    "booking_id", "is_external", "balance", "entry_count", "last_hash",
                    "created_at"],
                   ((a["id"], a["kind"], a["key"], a["programme_id"], a["budget_id"],
                     a["provider_id"], a["booking_id"], a["is_external"], a["balance"],
                     a["entry_count"], a["last_hash"], self.now)
                    for a in self.accounts.values()))
        _copy_rows("budgets_transfer",
                   ["id", "idempotency_key", "kind", "memo", "programme_id", "budget_id",
                    "provider_id", "booking_id", "created_at"], self.transfers)
        _copy_rows("budgets_entry",
                   ["transfer_id", "account_id", "amount", "sequence", "balance_after",
                    "prev_hash", "hash", "created_at"], self.entries)


# --- Data --------------------------------------------------------------------------------


def setup(database_url: str) -> dict:
    _django(database_url)
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Commissioner, JobseekerProfile, Role, User
    from bookings.models import Booking
    from budgets.models import BASIS_POINTS, Budget, BudgetStatus, Programme
    from ledger import keys
    from ledger.models import Account, AccountKind, Entry, TransferKind
    from ledger.models import Transfer as LedgerTransfer
    from marketplace.models import Offer, OfferStatus
    from outcomes.models import (
        Milestone,
        MilestonePayment,
        MilestoneStatus,
        Outcome,
        OutcomeStatus,
    )
    from providers.models import Provider, ProviderStatus

    now = timezone.now()
    today = timezone.localdate()
    harness.note("milestones: generating data")
    with transaction.atomic():
        commissioner = Commissioner.objects.create(name="Bench Council")
        programme = Programme.objects.create(commissioner=commissioner, name="Bench",
                                             budget_per_person=300_000)
        rules = programme.milestones
        _copy(Provider, (Provider(
            id=p + 1, name=f"Provider {p}", provider_type="social_enterprise",
            areas_served="Leeds", description="Support", contact_email=f"p{p}@example.org",
            status=ProviderStatus.APPROVED) for p in range(PROVIDERS)))
        _copy(Offer, (Offer(
            id=p + 1, provider_id=p + 1, title=f"Course {p}", what_you_get="A course",
            who_it_is_for="Anyone", category="training", price=20_000, price_covers="All",
            delivery_mode="in_person", status=OfferStatus.APPROVED) for p in range(PROVIDERS)))
        _copy(User, (User(
            id=j + 1, email=f"js{j}@example.org", password="!", role=Role.JOBSEEKER,
            full_name=f"Person {j}", is_active=True) for j in range(JOBSEEKERS)))
        _copy(JobseekerProfile, (JobseekerProfile(
            id=j + 1, user_id=j + 1, commissioner_id=commissioner.pk,
            support_tier=1 + j % 3) for j in range(JOBSEEKERS)))
        _copy(Budget, (Budget(
            id=j + 1, programme_id=programme.pk, jobseeker_id=j + 1,
            external_reference=f"B{j}", amount=300_000, status=BudgetStatus.ACTIVE,
            expires_on=today + timedelta(days=365)) for j in range(JOBSEEKERS)))

        def start_of(j):
            if j < RELEASED:
                return today - timedelta(weeks=13)
            if j < RELEASED + DUE_TODAY:
                return today - timedelta(weeks=26)
            days = 1 + (j * 7919) % 179  # spread over the last six months
            if days in (91, 182):
                days += 1
            return today - timedelta(days=days)

        def price(j, k):
            return 20_000 + 1_111 * k + (j % 7)

        def bookings():
            for j in range(JOBSEEKERS):
                start = start_of(j)
                for k in range(BOOKINGS_EACH):
                    when = timezone.make_aware(
                        timezone.datetime.combine(start - timedelta(days=10 + 7 * k),
                                                  timezone.datetime.min.time().replace(hour=12)))
                    provider = (j * BOOKINGS_EACH + k) % PROVIDERS + 1
                    values = dict(id=j * BOOKINGS_EACH + k + 1, offer_id=provider,
                                  provider_id=provider, budget_id=j + 1, jobseeker_id=j + 1,
                                  price=price(j, k), status="confirmed", delivered_at=when,
                                  confirmed_at=when, request_token=f"bench-{j}-{k}")
                    yield Booking(**values)

        harness.note("milestones: bookings")
        _copy(Booking, bookings())
        harness.note("milestones: outcomes and milestones")
        _copy(Outcome, (Outcome(
            id=j + 1, jobseeker_id=j + 1, programme_id=programme.pk, employer="Employer",
            job_title="Job", start_date=start_of(j), hours_per_week=30,
            status=OutcomeStatus.VERIFIED, support_tier=1 + j % 3, reported_by_id=j + 1,
            reported_at=now, decided_at=now) for j in range(JOBSEEKERS)))

        def milestones():
            for j in range(JOBSEEKERS):
                start = start_of(j)
                for position, rule in enumerate(rules):
                    due = start + timedelta(weeks=int(rule["weeks"]))
                    if j < RELEASED and position == 1:
                        status = MilestoneStatus.VERIFIED
                    elif due < today:
                        status = MilestoneStatus.PAID
                    else:
                        status = MilestoneStatus.SCHEDULED
                    yield Milestone(
                        id=j * len(rules) + position + 1, outcome_id=j + 1, key=rule["key"],
                        label=rule["label"], weeks=rule["weeks"], share_bp=rule["share_bp"],
                        position=position, is_last=position == len(rules) - 1, due_on=due,
                        status=status, decided_at=now if status != "scheduled" else None,
                        paid_at=now if status == "paid" else None)

        _copy(Milestone, milestones())

        harness.note("milestones: ledger for the released jobseekers")
        sim = SimLedger(now)
        funding = sim.account(keys.funding(programme.pk), AccountKind.FUNDING,
                              programme_id=programme.pk)
        pot = sim.account(keys.pot(programme.pk), AccountKind.PROGRAMME_POT,
                          programme_id=programme.pk)
        sim.post(keys.fund(programme.pk, "bench"), TransferKind.FUND,
                 [(funding, -10**12), (pot, 10**12)], programme_id=programme.pk)
        share_bp = programme.outcome_share_bp
        payments = []
        for j in range(RELEASED):
            budget_id = j + 1
            available = sim.account(keys.budget_available(budget_id),
                                    AccountKind.BUDGET_AVAILABLE,
                                    programme_id=programme.pk, budget_id=budget_id)
            committed = sim.account(keys.budget_committed(budget_id),
                                    AccountKind.BUDGET_COMMITTED,
                                    programme_id=programme.pk, budget_id=budget_id)
            sim.post(keys.issue(programme.pk, f"B{j}"), TransferKind.ISSUE,
                     [(pot, -300_000), (available, 300_000)],
                     programme_id=programme.pk, budget_id=budget_id)
            extra = programme.multiplier_bp(1 + j % 3) - BASIS_POINTS
            for k in range(BOOKINGS_EACH):
                booking_id = j * BOOKINGS_EACH + k + 1
                provider_id = (j * BOOKINGS_EACH + k) % PROVIDERS + 1
                amount = price(j, k)
                withheld = amount * share_bp // BASIS_POINTS
                payable = sim.account(keys.payable(provider_id, programme.pk),
                                      AccountKind.PROVIDER_PAYABLE, programme_id=programme.pk,
                                      provider_id=provider_id)
                escrow = sim.account(keys.escrow(booking_id), AccountKind.ESCROW,
                                     programme_id=programme.pk, budget_id=budget_id,
                                     provider_id=provider_id, booking_id=booking_id)
                ids = dict(programme_id=programme.pk, budget_id=budget_id,
                           provider_id=provider_id, booking_id=booking_id)
                sim.post(keys.booking_commit(booking_id), TransferKind.COMMIT,
                         [(available, -amount), (committed, amount)], **ids)
                sim.post(keys.booking_settle(booking_id), TransferKind.SETTLE,
                         [(committed, -amount), (payable, amount - withheld),
                          (escrow, withheld)], **ids)
                first = withheld * rules[0]["share_bp"] // BASIS_POINTS
                bonus = first * extra // BASIS_POINTS
                legs = [(escrow, -first), (payable, first)]
                if bonus:
                    legs += [(pot, -bonus), (payable, bonus)]
                milestone_id = j * len(rules) + 1
                sim.post(keys.milestone_release(milestone_id, booking_id),
                         TransferKind.ESCROW_RELEASE, legs, **ids)
                payments.append(MilestonePayment(
                    milestone_id=milestone_id, booking_id=booking_id, provider_id=provider_id,
                    programme_id=programme.pk, amount=first, bonus=bonus,
                    bonus_status="paid" if bonus else "none", created_at=now))
        sim.write()
        MilestonePayment.objects.bulk_create(payments, batch_size=10_000)
        _reset_sequences(Provider, Offer, User, JobseekerProfile, Budget, Booking, Outcome,
                         Milestone, Account, LedgerTransfer, Entry)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"entries": len(sim.entries), "today": today.isoformat()}


def measure(database_url: str, today_iso: str) -> dict:
    _django(database_url)
    import time
    from datetime import date

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from ledger.verification import verify_ledger
    from outcomes import services
    from outcomes.models import Milestone, MilestoneStatus, Outcome

    before = verify_ledger()
    if not before.ok:
        raise RuntimeError(f"generated ledger does not verify: {before.summary()}")
    touched = []
    services._refresh_after_commit = lambda ids: touched.extend(ids)  # timed separately below
    today = date.fromisoformat(today_iso)
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        report = services.process_due_milestones(today=today)
        run_seconds = time.perf_counter() - started
    started = time.perf_counter()
    services.refresh_standings(provider_ids=sorted(set(touched)))
    standings_seconds = time.perf_counter() - started
    again_started = time.perf_counter()
    again = services.process_due_milestones(today=today)
    again_seconds = time.perf_counter() - again_started
    started = time.perf_counter()
    after = verify_ledger()
    verify_seconds = time.perf_counter() - started
    from bookings.models import Booking

    return {
        "outcomes": Outcome.objects.count(),
        "bookings": Booking.objects.count(),
        "released": report.released.milestones,
        "payments": report.released.payments,
        "paid_pence": report.released.paid,
        "bonus_paid_pence": report.released.bonus_paid,
        "asked_due": report.due,
        "run_seconds": harness.rounded(run_seconds, 2),
        "queries": len(queries),
        "standings_seconds": harness.rounded(standings_seconds, 2),
        "second_run_released": again.released.milestones,
        "second_run_seconds": harness.rounded(again_seconds, 2),
        "still_verified": Milestone.objects.filter(status=MilestoneStatus.VERIFIED).count(),
        "ledger_entries_checked": after.entries_checked,
        "verify_seconds": harness.rounded(verify_seconds, 1),
        "ledger_verified": int(after.ok),
    }


def run() -> dict:
    server_url = harness.database_url()
    if not harness.is_postgres(server_url):
        raise RuntimeError("The milestones benchmark needs PostgreSQL (set DATABASE_URL).")
    with harness.fresh_database("onward_bench_milestones") as database_url:
        context = multiprocessing.get_context("spawn")
        with context.Pool(1) as pool:
            info = pool.apply(setup, (database_url,))
        harness.note(f"milestones: {info['entries']} ledger entries generated; measuring")
        with context.Pool(1) as pool:
            metrics = pool.apply(measure, (database_url, info["today"]))
    for key, value in metrics.items():
        harness.note(f"milestones: {key} = {value}")
    return {"metrics": metrics, "targets": TARGETS}
