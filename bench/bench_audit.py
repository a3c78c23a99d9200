"""Audit: the streamed CSV export of 1,000,000 ledger entries over HTTP, and the dashboard of
a programme with 100,000 bookings, from gunicorn (one sync worker, production settings).

Data (one programme, generated in a child process with COPY and INSERT … SELECT; the
ledger legs are derived from the bookings and budgets rows, so times and amounts agree):

* 500 providers of every type, one offer each (categories in turn); 50,000 jobseekers in
  tiers 1–3, each with a £3,000 budget and 2 settled bookings (100,000), spread over a year;
* one job outcome each (50,000): start paid for all, 13 weeks for 30,000, 26 weeks for
  20,000, with their MilestonePayment rows;
* the ledger: funding, 50,000 budget issues, 100,000 commits and settlements, and the
  milestone releases: exactly 1,000,000 entries, with running balances and sequences per
  account (window functions). Hashes are placeholders: this bench times reads.

Metrics: export_rows, export_seconds, export_rows_per_s, export_peak_rss_mb (peak resident
memory of the gunicorn worker while it streams, sampled every 20 ms), worker_rss_before_mb,
dashboard_ms_median / p90 (20 requests after 3 untimed: the figures come from the cache,
as for a repeat view until money moves), dashboard_first_ms (the worker's first request:
nothing cached, templates not yet compiled), dashboard_uncached_ms_median (7 requests each
with its own cache key, as after money moves), bookings, ledger_entries.
"""

from __future__ import annotations

import http.client
import multiprocessing
import os
import re
import threading
import time

from bench import harness
from bench.bench_milestones import _copy, _django, _reset_sequences

JOBSEEKERS = 50_000
BOOKINGS_EACH = 2
PROVIDERS = 500
BUDGET = 300_000
WEEK13_UP_TO = 60_000  # bookings whose 13-week milestone was paid
WEEK26_UP_TO = 39_999  # ... and 26-week (one short of 40,000: the ledger is then 1,000,000)
DASHBOARD_ROUNDS = 20
FRESH_ROUNDS = 7
TARGETS = {
    "export_peak_rss_mb": {"max": 150},
    "dashboard_ms_median": {"max": 500},
    "export_rows": {"min": 1_000_000},
}


def _sql(statement: str) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(statement)  # no parameters: "%" is SQL's modulo here


def _text(value: str) -> str:
    """A SQL string literal."""
    return "'" + str(value).replace("'", "''") + "'"


def _sql_key(scheme, *columns: str) -> str:
    """A ledger.keys scheme as a SQL expression over ``columns`` (SQL expressions), so the
    keys made here are spelled by the same function as the application's."""
    spelled = scheme(*(f"\x00{i}\x00" for i in range(len(columns))))
    parts = re.split("\x00(\\d+)\x00", spelled)
    sql = []
    for i, part in enumerate(parts):  # literal, column number, literal, ...
        if i % 2:
            sql.append(f"({columns[int(part)]})")
        elif part:
            sql.append(_text(part))
    return " || ".join(sql)


def setup(database_url: str, secret_key: str) -> dict:
    # The session is signed, and bound to the password hash, with the served site's key.
    os.environ["SECRET_KEY"] = secret_key
    _django(database_url)
    from datetime import timedelta

    from allauth.mfa.totp.internal.auth import TOTP
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, transaction
    from django.utils import timezone

    from accounts.models import Commissioner, JobseekerProfile, Role, User
    from budgets.models import Budget, BudgetStatus, Programme
    from marketplace.models import Category, Offer, OfferStatus
    from providers.models import Provider, ProviderStatus, ProviderType

    today = timezone.localdate()
    categories = [c.value for c in Category]
    types = [t.value for t in ProviderType]
    harness.note("audit: generating people, providers and budgets")
    with transaction.atomic():
        commissioner = Commissioner.objects.create(name="Bench Council")
        programme = Programme.objects.create(commissioner=commissioner, name="Bench",
                                             budget_per_person=BUDGET)
        pid = programme.pk
        _copy(Provider, (Provider(
            id=p + 1, name=f"Provider {p}", provider_type=types[p % len(types)],
            areas_served="Leeds", description="Support", contact_email=f"p{p}@example.org",
            status=ProviderStatus.APPROVED) for p in range(PROVIDERS)))
        _copy(Offer, (Offer(
            id=p + 1, provider_id=p + 1, title=f"Course {p}", what_you_get="A course",
            who_it_is_for="Anyone", category=categories[p % len(categories)], price=20_000,
            price_covers="All", delivery_mode="in_person", status=OfferStatus.APPROVED)
            for p in range(PROVIDERS)))
        _copy(User, (User(
            id=j + 1, email=f"js{j}@example.org", password="!", role=Role.JOBSEEKER,
            full_name=f"Person {j}", is_active=True) for j in range(JOBSEEKERS)))
        _copy(JobseekerProfile, (JobseekerProfile(
            id=j + 1, user_id=j + 1, commissioner_id=commissioner.pk,
            support_tier=1 + j % 3) for j in range(JOBSEEKERS)))
        _copy(Budget, (Budget(
            id=j + 1, programme_id=pid, jobseeker_id=j + 1, external_reference=f"B{j}",
            amount=BUDGET, status=BudgetStatus.ACTIVE,
            expires_on=today + timedelta(days=365)) for j in range(JOBSEEKERS)))
        _sql("UPDATE budgets_budget SET issued_at = now() - interval '1 day' * (380 - id % 10)")

        harness.note("audit: 100,000 bookings")
        _sql(f"""
            INSERT INTO bookings_booking (id, offer_id, provider_id, budget_id, jobseeker_id,
                price, status, request_token, message, decline_reason, cancel_reason,
                dispute_reason, resolution_note, requested_at, accepted_at, delivered_at,
                confirmed_at, closed_at, auto_confirmed, flagged, flag_reason)
            SELECT b, (b - 1) % {PROVIDERS} + 1, (b - 1) % {PROVIDERS} + 1,
                   (b - 1) / {BOOKINGS_EACH} + 1, (b - 1) / {BOOKINGS_EACH} + 1,
                   20000 + (b % 7) * 1111, 'confirmed', 'bench-' || b, '', '', '', '', '',
                   t, t + interval '1 day', t + interval '6 days', t + interval '7 days',
                   t + interval '7 days', false, false, ''
            FROM (SELECT b, now() - interval '1 day' * (8 + (b * 7919) % 357) AS t
                  FROM generate_series(1, {JOBSEEKERS * BOOKINGS_EACH}) AS b) AS s""")

        _sql("ANALYZE")
        harness.note("audit: outcomes, milestones")
        _sql(f"""
            INSERT INTO outcomes_outcome (id, jobseeker_id, programme_id, employer, job_title,
                start_date, hours_per_week, status, status_reason, support_tier, reported_by_id,
                reported_at, decided_at)
            SELECT budget_id, budget_id, {pid}, 'Employer', 'Job',
                   max(confirmed_at)::date + 14, 30, 'verified', '', 1, budget_id, now(), now()
            FROM bookings_booking GROUP BY budget_id""")
        _sql(f"""
            INSERT INTO outcomes_milestone (id, outcome_id, key, label, weeks, share_bp,
                position, is_last, due_on, status, reason)
            SELECT (o.id - 1) * 3 + m.position + 1, o.id, m.key, m.label, m.weeks, m.share_bp,
                   m.position, m.position = 2, o.start_date + 7 * m.weeks,
                   CASE WHEN m.position = 0 OR (m.position = 1 AND o.id <= {WEEK13_UP_TO // 2})
                          OR (m.position = 2 AND o.id <= {(WEEK26_UP_TO + 1) // 2})
                        THEN 'paid' ELSE 'scheduled' END, ''
            FROM outcomes_outcome o CROSS JOIN (VALUES
                (0, 'start', 'Job start', 0, 2000), (1, 'week_13', '13 weeks in work', 13, 3000),
                (2, 'week_26', '26 weeks in work', 26, 5000)) AS m(position, key, label, weeks,
                                                                  share_bp)""")

        harness.note("audit: the ledger (1,000,000 entries)")
        _sql("ANALYZE")
        _ledger(pid)
        _reset_sequences(Provider, Offer, User, JobseekerProfile, Budget)
        _sql("SELECT setval(pg_get_serial_sequence('bookings_booking', 'id'), "
             "(SELECT max(id) FROM bookings_booking))")
        for table in ("outcomes_outcome", "outcomes_milestone", "budgets_account",
                      "budgets_transfer", "outcomes_milestonepayment"):
            _sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                 f"(SELECT max(id) FROM {table}))")

        auditor = User.objects.create_user("auditor@bench.test", "bench-password-1",
                                           role=Role.COMMISSIONER_AUDITOR,
                                           commissioner=commissioner)
        TOTP.activate(auditor, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        session = SessionStore()
        session[SESSION_KEY] = str(auditor.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = auditor.get_session_auth_hash()
        session.create()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        cursor.execute("SELECT count(*) FROM budgets_entry")
        entries = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM bookings_booking")
        bookings = cursor.fetchone()[0]
    return {"session": session.session_key, "programme": pid, "entries": entries,
            "bookings": bookings}


def _ledger(pid: int) -> None:
    """Accounts, transfers and entries for everything above, in a few statements."""
    from ledger import keys
    from ledger.models import AccountKind as A
    from ledger.models import TransferKind as T

    n = JOBSEEKERS
    avail, committed = "502 + 2 * budget_id - 1", "502 + 2 * budget_id"
    escrow = f"{502 + 2 * n} + b.id"
    payable = "2 + b.provider_id"
    _sql(f"""
        INSERT INTO budgets_account (id, kind, key, programme_id, budget_id, provider_id,
            booking_id, is_external, balance, entry_count, last_hash, created_at)
        SELECT 1, {_text(A.FUNDING)}, {_text(keys.funding(pid))}, {pid}, NULL::bigint,
               NULL::bigint, NULL::bigint, true, 0, 0,
               repeat('0', 64), now()
        UNION ALL SELECT 2, {_text(A.PROGRAMME_POT)}, {_text(keys.pot(pid))}, {pid}, NULL,
               NULL, NULL, false, 0, 0, repeat('0', 64), now()
        UNION ALL SELECT 2 + p, {_text(A.PROVIDER_PAYABLE)}, {_sql_key(keys.payable, "p", pid)},
               {pid}, NULL, p, NULL, false, 0, 0, repeat('0', 64), now()
               FROM generate_series(1, {PROVIDERS}) AS p
        UNION ALL SELECT 502 + 2 * id - 1, {_text(A.BUDGET_AVAILABLE)},
               {_sql_key(keys.budget_available, "id")}, {pid},
               id, NULL, NULL, false, 0, 0, repeat('0', 64), now() FROM budgets_budget
        UNION ALL SELECT 502 + 2 * id, {_text(A.BUDGET_COMMITTED)},
               {_sql_key(keys.budget_committed, "id")}, {pid},
               id, NULL, NULL, false, 0, 0, repeat('0', 64), now() FROM budgets_budget
        UNION ALL SELECT {502 + 2 * n} + b.id, {_text(A.ESCROW)},
               {_sql_key(keys.escrow, "b.id")},
               {pid}, b.budget_id, b.provider_id, b.id, false, 0, 0, repeat('0', 64), now()
               FROM bookings_booking b""")
    # Transfers: fund 1; issue 1 + budget; commit, settle and releases offset by booking id.
    commit, settle, start, w13, w26 = (n + 1, n + 1 + 10**5, n + 1 + 2 * 10**5,
                                       n + 1 + 3 * 10**5, n + 1 + 4 * 10**5)
    withheld = "(b.price * 3000 / 10000)"
    s1, s2 = f"({withheld} * 2000 / 10000)", f"({withheld} * 3000 / 10000)"
    s3 = f"({withheld} - {s1} - {s2})"
    # (transfer id offset, milestone position, share, paid after, which bookings)
    releases = [(start, 0, s1, "7 days", "TRUE"),
                (w13, 1, s2, "98 days", f"b.id <= {WEEK13_UP_TO}"),
                (w26, 2, s3, "189 days", f"b.id <= {WEEK26_UP_TO}")]
    cap = "LEAST(now(), b.confirmed_at + interval '{}')"
    _sql(f"""
        CREATE TEMP TABLE bench_legs AS
        SELECT 1::bigint AS transfer_id, 1::bigint AS account_id,
               -{BUDGET * n}::bigint AS amount, now() - interval '400 days' AS at
        UNION ALL SELECT 1, 2, {BUDGET * n}, now() - interval '400 days'
        UNION ALL SELECT 1 + id, 2, -amount, issued_at FROM budgets_budget
        UNION ALL SELECT 1 + id, 502 + 2 * id - 1, amount, issued_at FROM budgets_budget
        UNION ALL SELECT {commit} + b.id, {avail}, -b.price, b.requested_at
                  FROM bookings_booking b
        UNION ALL SELECT {commit} + b.id, {committed}, b.price, b.requested_at
                  FROM bookings_booking b
        UNION ALL SELECT {settle} + b.id, {committed}, -b.price, b.confirmed_at
                  FROM bookings_booking b
        UNION ALL SELECT {settle} + b.id, {payable}, b.price - {withheld}, b.confirmed_at
                  FROM bookings_booking b
        UNION ALL SELECT {settle} + b.id, {escrow}, {withheld}, b.confirmed_at
                  FROM bookings_booking b
        {" ".join(f'''
        UNION ALL SELECT {offset} + b.id, {escrow}, -{share}, {cap.format(after)}
                  FROM bookings_booking b WHERE {where}
        UNION ALL SELECT {offset} + b.id, {payable}, {share}, {cap.format(after)}
                  FROM bookings_booking b WHERE {where}''' for offset, _, share, after, where
                  in releases)}""")
    # A booking's milestones are those of its budget's outcome (ids as inserted above).
    milestone_id = "(b.budget_id - 1) * 3 + {} + 1"
    transfers = [
        f"SELECT 1::bigint, {_text(keys.fund(pid, 'bench'))}, {_text(T.FUND)}, NULL::bigint, "
        "NULL::bigint, now() - interval '400 days'",
        f"SELECT 1 + id, {_sql_key(keys.issue, pid, 'external_reference')}, {_text(T.ISSUE)}, "
        "id, NULL, issued_at FROM budgets_budget",
        f"SELECT {commit} + id, {_sql_key(keys.booking_commit, 'id')}, {_text(T.COMMIT)}, "
        "budget_id, NULL, requested_at FROM bookings_booking",
        f"SELECT {settle} + id, {_sql_key(keys.booking_settle, 'id')}, {_text(T.SETTLE)}, "
        "budget_id, provider_id, confirmed_at FROM bookings_booking",
    ] + [f"SELECT {offset} + b.id, "
         f"{_sql_key(keys.milestone_release, milestone_id.format(position), 'b.id')}, "
         f"{_text(T.ESCROW_RELEASE)}, b.budget_id, b.provider_id, {cap.format(after)} "
         f"FROM bookings_booking b WHERE {where}"
         for offset, position, _, after, where in releases]
    with_booking = ", ".join(_text(kind) for kind in (T.COMMIT, T.SETTLE, T.ESCROW_RELEASE))
    _sql(f"""
        INSERT INTO budgets_transfer (id, idempotency_key, kind, memo, programme_id, budget_id,
            provider_id, booking_id, created_at)
        SELECT t.id, t.key, t.kind, t.kind, {pid}, t.budget_id, t.provider_id,
               CASE WHEN t.kind IN ({with_booking})
                    THEN (t.id - {n + 1} - 1) % 100000 + 1 END, t.at
        FROM ({" UNION ALL ".join(transfers)}) AS t(id, key, kind, budget_id, provider_id, at)""")
    _sql("""
        INSERT INTO budgets_entry (transfer_id, account_id, amount, sequence, balance_after,
            prev_hash, hash, created_at)
        SELECT transfer_id, account_id, amount,
               row_number() OVER w, sum(amount) OVER w,
               md5(account_id || ':' || transfer_id || 'p') || md5(transfer_id || 'p'),
               md5(account_id || ':' || transfer_id) || md5(transfer_id::text), at
        FROM bench_legs
        WINDOW w AS (PARTITION BY account_id ORDER BY at, transfer_id
                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)
        ORDER BY at, transfer_id""")
    _sql("""
        UPDATE budgets_account a SET balance = s.total, entry_count = s.n
        FROM (SELECT account_id, sum(amount) AS total, count(*) AS n FROM bench_legs
              GROUP BY account_id) s WHERE a.id = s.account_id""")
    _sql(f"""
        INSERT INTO outcomes_milestonepayment (milestone_id, booking_id, provider_id,
            programme_id, amount, bonus, bonus_status, created_at)
        {" UNION ALL ".join(f'''
        SELECT (b.budget_id - 1) * 3 + {position} + 1, b.id, b.provider_id, {pid}, {share}, 0,
               'none', {cap.format(after)} FROM bookings_booking b WHERE {where}'''
               for position, (_, _, share, after, where) in enumerate(releases))}""")
    _sql("DROP TABLE bench_legs")


# --- Measuring over HTTP ---------------------------------------------------------------------


def _worker(server) -> int:
    import psutil

    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        children = psutil.Process(server.process.pid).children()
        if children:
            return children[0].pid
        time.sleep(0.1)
    raise RuntimeError("gunicorn has no worker")


class PeakRss:
    """Samples a process's resident memory every 20 ms in a thread."""

    def __init__(self, pid: int):
        import psutil

        self.process = psutil.Process(pid)
        self.peak = self.process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            time.sleep(0.02)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()


def stream_export(server, cookie: str, path: str) -> tuple[int, int, float]:
    """(status, rows, seconds), reading the body in 64 KB pieces (never all at once)."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=600)
    started = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    lines = 0
    while True:
        piece = response.read(65536)
        if not piece:
            break
        lines += piece.count(b"\n")
    seconds = time.perf_counter() - started
    connection.close()
    return response.status, lines - 1, seconds


def measure(site, info: dict) -> dict:
    cookie = f"sessionid={info['session']}"
    with harness.gunicorn(site, workers=1, extra_args=("--timeout", "900")) as server:
        worker = _worker(server)
        client = server.client()
        dashboard = f"/commissioner/insights/programmes/{info['programme']}/"
        started = time.perf_counter()
        status, body = client.get(dashboard, headers={"Cookie": cookie})
        first_ms = (time.perf_counter() - started) * 1000
        if status != 200 or b"Spend over time" not in body:
            raise RuntimeError(f"GET {dashboard} answered {status}: {body[:300]!r}")
        import psutil

        before = psutil.Process(worker).memory_info().rss
        harness.note("audit: streaming the ledger export")
        with PeakRss(worker) as rss:
            status, rows, seconds = stream_export(server, cookie,
                                                  "/commissioner/exports/ledger-entries.csv")
        if status != 200:
            raise RuntimeError(f"the export answered {status}")
        harness.note(f"audit: {rows} rows in {seconds:.1f} s; timing the dashboard")
        samples = []
        for round_ in range(3 + DASHBOARD_ROUNDS):
            started = time.perf_counter()
            status, _ = client.get(dashboard, headers={"Cookie": cookie})
            elapsed = (time.perf_counter() - started) * 1000
            if status != 200:
                raise RuntimeError(f"the dashboard answered {status}")
            if round_ >= 3:
                samples.append(elapsed)
        # Nothing cached: each request names a different end date (all after the data, so
        # the figures are the same) and so has its own cache key, as after money moves.
        fresh = []
        for round_ in range(FRESH_ROUNDS):
            started = time.perf_counter()
            status, _ = client.get(f"{dashboard}?end=2099-01-{round_ + 1:02d}",
                                   headers={"Cookie": cookie})
            fresh.append((time.perf_counter() - started) * 1000)
            if status != 200:
                raise RuntimeError(f"the dashboard answered {status}")
        client.close()
    stats = harness.summary(samples)
    fresh_stats = harness.summary(fresh)
    mb = 1024 * 1024
    return {
        "bookings": info["bookings"],
        "ledger_entries": info["entries"],
        "export_rows": rows,
        "export_seconds": harness.rounded(seconds, 2),
        "export_rows_per_s": round(rows / seconds),
        "export_peak_rss_mb": harness.rounded(rss.peak / mb, 1),
        "worker_rss_before_mb": harness.rounded(before / mb, 1),
        "dashboard_ms_median": harness.rounded(stats["median"], 1),
        "dashboard_ms_p90": harness.rounded(stats["p90"], 1),
        "dashboard_first_ms": harness.rounded(first_ms, 1),
        "dashboard_uncached_ms_median": harness.rounded(fresh_stats["median"], 1),
    }


def run() -> dict:
    server_url = harness.database_url()
    if not harness.is_postgres(server_url):
        raise RuntimeError("The audit benchmark needs PostgreSQL (set DATABASE_URL).")
    with (harness.fresh_database("onward_bench_audit") as database_url,
          harness.production_site(database_url) as site):
        context = multiprocessing.get_context("spawn")
        started = time.perf_counter()
        with context.Pool(1) as pool:
            info = pool.apply(setup, (database_url, site.secret_key))
        harness.note(f"audit: {info['entries']} entries, {info['bookings']} bookings "
                     f"generated in {time.perf_counter() - started:.0f} s")
        metrics = measure(site, info)
    for key, value in metrics.items():
        harness.note(f"audit: {key} = {value}")
    return {"metrics": metrics, "targets": TARGETS}


if __name__ == "__main__":  # a quick look: python -m bench.bench_audit
    os.environ.setdefault("DATABASE_URL", harness.DEFAULT_DATABASE_URL)
    print(run())
