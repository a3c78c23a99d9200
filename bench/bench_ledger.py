"""Ledger: commit-and-release transfers per second from 8 concurrent clients, on one hot
budget and spread over 1,000 budgets, against pgbench's simple-update on the same server
in the same run (the physical limit of this machine's PostgreSQL).

Each client is a separate process with its own connection running the real services
(budgets.services.commit_for_booking / release_commitment): row locks, idempotency
check, hash chain, balance CHECK, one transaction per transfer.
"""

import multiprocessing
import re
import subprocess
import time
from urllib.parse import urlsplit

from bench import harness, ledger_worker

CLIENTS = 8
SPREAD = 1_000
SECONDS = 15.0

TARGETS = {"spread_ratio": {"min": 0.25}}


def _run_clients(pool, database_url: str, budget_ids: list[int], phase: str) -> float:
    start_at = time.time() + 3.0  # every process connected and warmed before the clock
    results = [
        pool.apply_async(ledger_worker.work, (database_url, budget_ids, SECONDS, n, start_at,
                                                 phase))
        for n in range(CLIENTS)
    ]
    transfers = sum(result.get(timeout=SECONDS + 120) for result in results)
    return transfers / SECONDS


def _pgbench(server_url: str) -> float:
    parts = urlsplit(server_url)
    name = "onward_bench_pgbench"
    conn = ["-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432),
            "-U", parts.username or "postgres"]
    subprocess.run(["dropdb", "--if-exists", "--force", *conn, name], check=True)
    subprocess.run(["createdb", *conn, name], check=True)
    try:
        subprocess.run(["pgbench", "-i", "-q", "-s", "10", *conn, name], check=True,
                       capture_output=True)
        done = subprocess.run(
            ["pgbench", "-b", "simple-update", "-c", str(CLIENTS), "-j", "2", "-n",
             "-T", str(int(SECONDS)), *conn, name],
            check=True, capture_output=True, text=True)
    finally:
        subprocess.run(["dropdb", "--if-exists", "--force", *conn, name], check=True)
    match = re.search(r"tps = ([0-9.]+)", done.stdout)
    if not match:
        raise RuntimeError(f"pgbench printed no tps:\n{done.stdout}")
    return float(match.group(1))


def run() -> dict:
    server_url = harness.database_url()
    if not harness.is_postgres(server_url):
        raise RuntimeError("The ledger benchmark needs PostgreSQL (set DATABASE_URL).")
    with harness.fresh_database("onward_bench_ledger") as database_url:
        context = multiprocessing.get_context("spawn")
        with context.Pool(1) as pool:
            ids = pool.apply(ledger_worker.setup, (database_url, SPREAD))
        with context.Pool(CLIENTS) as pool:
            hot = _run_clients(pool, database_url, [ids["hot"]], "hot")
            harness.note(f"hot budget: {hot:.0f} transfers/s")
        with context.Pool(CLIENTS) as pool:
            spread = _run_clients(pool, database_url, ids["spread"], "spread")
            harness.note(f"spread over {SPREAD} budgets: {spread:.0f} transfers/s")
        verified = 1
        try:
            harness.manage(["verify_ledger"], database_url=database_url)
        except RuntimeError as error:
            harness.note(str(error))
            verified = 0
    pgbench = _pgbench(server_url)
    harness.note(f"pgbench simple-update: {pgbench:.0f} tps")
    return {
        "metrics": {
            "hot_transfers_per_s": harness.rounded(hot, 1),
            "spread_transfers_per_s": harness.rounded(spread, 1),
            "pgbench_tps": harness.rounded(pgbench, 1),
            "hot_ratio": harness.rounded(hot / pgbench),
            "spread_ratio": harness.rounded(spread / pgbench),
            "ledger_verified": verified,
        },
        "targets": TARGETS,
    }
