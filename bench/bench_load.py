"""Load: many jobseekers searching, booking and confirming while provider staff accept and
deliver, against gunicorn (workers = cores) on 127.0.0.1 with the production settings.

A fresh PostgreSQL database is seeded (bench/load_world.py: 200 jobseekers with claimed
budgets, 5 providers with an admin and a staff member each, all staff with MFA set up,
40 offers); locust (bench/locustfile.py) runs USERS simulated people for SECONDS. Afterwards
the ledger is verified and every budget's balances are compared with its bookings.

Metrics: requests_per_s, p50_ms, p95_ms (all requests, locust's figures), errors_5xx (must
be 0), failures (any answer a step did not expect), bookings_made, bookings_confirmed,
ledger_verified (1 when verify_ledger passes and every budget agrees with its bookings).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

from bench import harness

USERS = int(os.environ.get("BENCH_LOAD_USERS", 100))
SECONDS = int(os.environ.get("BENCH_LOAD_SECONDS", 70))
SPAWN_RATE = 20
HERE = Path(__file__).resolve().parent

TARGETS = {
    "errors_5xx": {"max": 0},
    "ledger_verified": {"min": 1},
    "p95_ms": {"max": 1000},
    "requests_per_s": {"min": 50},
}


def _child(args: list[str], env: dict[str, str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=harness.ROOT, env=env,
                          capture_output=True, text=True, **kwargs)


def _aggregated(prefix: Path) -> dict:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                return row
    raise RuntimeError("locust wrote no aggregated statistics")


def _failures(prefix: Path) -> tuple[int, int, list[str]]:
    server, other, kinds = 0, 0, []
    with open(f"{prefix}_failures.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            count = int(row["Occurrences"])
            kinds.append(f"{row['Method']} {row['Name']}: {row['Error']} x{count}")
            if "server error" in row["Error"]:
                server += count
            else:
                other += count
    return server, other, kinds


def run() -> dict:
    with (
        harness.fresh_database("onward_bench_load") as database_url,
        harness.production_site(database_url) as site,
    ):
        env = site.as_env(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
        world = site.var_dir / "world.json"
        harness.note("seeding jobseekers, providers and offers")
        seeded = _child(["-m", "bench.load_world", "seed", str(world)], env)
        if seeded.returncode:
            raise RuntimeError(f"seeding failed:\n{seeded.stdout}{seeded.stderr}")

        prefix = site.var_dir / "locust"
        with harness.gunicorn(site, workers=harness.cores()) as server:
            harness.note(f"locust: {USERS} users for {SECONDS}s against "
                         f"{harness.cores()} gunicorn workers")
            locust = _child(
                ["-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
                 "--users", str(USERS), "--spawn-rate", str(SPAWN_RATE),
                 "--run-time", f"{SECONDS}s", "--stop-timeout", "5",
                 "--host", f"http://{server.host}:{server.port}",
                 "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING"],
                {**env, "BENCH_LOAD_WORLD": str(world)}, timeout=SECONDS + 120)
            if not Path(f"{prefix}_stats.csv").exists():
                raise RuntimeError(f"locust failed:\n{locust.stdout}{locust.stderr}")

        checked = _child(["-m", "bench.load_world", "check"], env)
        if checked.returncode:
            raise RuntimeError(f"check failed:\n{checked.stdout}{checked.stderr}")
        state = json.loads(checked.stdout.strip().splitlines()[-1])
        stats = _aggregated(prefix)
        errors_5xx, other_failures, kinds = _failures(prefix)

    for kind in kinds:
        harness.note(f"failure: {kind}")
    harness.note(f"after the run: {state}")
    bookings = state["bookings"]
    return {
        "metrics": {
            "requests": int(stats["Request Count"]),
            "requests_per_s": harness.rounded(float(stats["Requests/s"]), 1),
            "p50_ms": float(stats["50%"]),
            "p95_ms": float(stats["95%"]),
            "errors_5xx": errors_5xx,
            "failures": other_failures,
            "bookings_made": sum(bookings.values()),
            "bookings_confirmed": bookings.get("confirmed", 0),
            "ledger_verified": int(state["ledger_ok"] and state["budgets_ok"]),
            "users": USERS,
            "seconds": SECONDS,
        },
        "targets": TARGETS,
    }
