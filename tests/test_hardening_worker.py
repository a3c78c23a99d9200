"""A worker killed mid-task: the broker delivers the task again to another worker, which
finishes it without paying anything twice.

Two real ``celery worker --pool=solo`` processes on Redis (db 14) and the live test
database. The first pauses after its first ledger transfer commits (tests/worker_hooks.py)
and is SIGKILLed there; its message was never acknowledged (acks_late), so after the
visibility timeout Redis hands it to the second worker. The task (auto-confirming
deliveries) must then confirm the rest and leave the first booking paid exactly once.
"""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from bookings import services as bookings
from bookings.models import Booking, BookingStatus
from budgets.services import split_outcome_share
from ledger import keys
from ledger.accounts import payable_account
from ledger.models import Account, Transfer, TransferKind
from ledger.verification import verify_ledger
from onward.celery import app
from tests.conftest import reset_celery_connections
from tests.factories.bookings import bookable_offer, budget_holder, funded_programme

ROOT = Path(__file__).resolve().parent.parent
# Its own Redis database, so parallel checkouts on one machine do not share a queue.
BROKER = os.environ.get("WORKER_BROKER_URL", "redis://127.0.0.1:6379/14")
PRICE = 10_000
BOOKINGS = 4


def database_url() -> str:
    s = connection.settings_dict
    return (f"postgres://{s['USER']}{':' + s['PASSWORD'] if s['PASSWORD'] else ''}"
            f"@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}")


def start_worker(name: str, log: Path, **env) -> subprocess.Popen:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("CELERY_")}
    environment.update(ONWARD_ENV="test", DATABASE_URL=database_url(), CELERY_BROKER_URL=BROKER,
                       CELERY_VISIBILITY_TIMEOUT="3",
                       CELERY_UNACKED_RESTORE_INTERVAL="1", CELERY_UNACKED_RESTORE_THROTTLE="1",
                       PYTHONPATH=str(ROOT), **env)
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "onward", "worker", "--pool=solo",
         "--concurrency=1", "-n", f"{name}@%h", "--without-gossip", "--without-mingle",
         "--without-heartbeat", "--include", "tests.worker_hooks", "--loglevel=INFO"],
        cwd=ROOT, env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT)


def wait_for(condition, timeout, what, logs=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    output = "\n".join(f"--- {log}\n{log.read_text()[-3000:]}" for log in logs)
    raise AssertionError(f"timed out waiting for {what}\n{output}")


def other_sessions() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                       " AND pid <> pg_backend_pid()")
        return cursor.fetchone()[0]


def end_other_sessions() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                       " WHERE datname = current_database() AND pid <> pg_backend_pid()")


def confirmed() -> int:
    return Booking.objects.filter(status=BookingStatus.CONFIRMED).count()


@pytest.fixture
def redis_broker():
    import redis

    client = redis.Redis.from_url(BROKER)
    client.flushdb()
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=BROKER, task_always_eager=False)
    reset_celery_connections(app)
    yield app
    app.conf.update(saved)
    reset_celery_connections(app)
    client.flushdb()


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_task_runs_again_without_paying_twice(redis_broker, tmp_path):
    programme = funded_programme(per_person=PRICE * BOOKINGS)
    budget = budget_holder(programme)
    offer = bookable_offer(price=PRICE)
    for n in range(BOOKINGS):
        booking = bookings.request_booking(jobseeker=budget.jobseeker, offer=offer,
                                           request_token=f"kill-{n}")
        bookings.accept_booking(actor=offer.admin, booking=booking)
        bookings.mark_delivered(actor=offer.admin, booking=booking)
    Booking.objects.update(delivered_at=timezone.now() - timedelta(days=30))

    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    first = start_worker("first", first_log, ONWARD_TEST_PAUSE_AFTER_FIRST_TRANSFER="120")
    second = None
    try:
        redis_broker.send_task("bookings.tasks.auto_confirm_deliveries")
        wait_for(lambda: confirmed() >= 1, 60, "the first worker's first payment",
                 [first_log])
        wait_for(lambda: "pausing" in first_log.read_text(), 10, "the pause", [first_log])
        assert confirmed() == 1
        first.send_signal(signal.SIGKILL)  # mid-task: the message was never acknowledged
        first.wait(timeout=10)

        second = start_worker("second", second_log)
        wait_for(lambda: confirmed() == BOOKINGS, 90, "the redelivered task to finish",
                 [first_log, second_log])
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    worker.kill()
                    worker.wait()
        # The workers' database sessions must be gone before the test database is flushed.
        # PostgreSQL may not yet have noticed a killed worker's connection is gone: after a
        # while, end what lingers (this test's database has no other users).
        try:
            wait_for(lambda: other_sessions() == 0, 20, "the workers' sessions to end")
        except AssertionError:
            end_other_sessions()
            wait_for(lambda: other_sessions() == 0, 10, "the workers' sessions to be ended")

    assert "bookings.tasks.auto_confirm_deliveries" in second_log.read_text()
    settles = Transfer.objects.filter(kind=TransferKind.SETTLE)
    assert settles.count() == BOOKINGS
    for booking in Booking.objects.all():
        assert settles.filter(idempotency_key=keys.booking_settle(booking.pk)).count() == 1
    upfront, _ = split_outcome_share(programme, PRICE)
    payable = payable_account(provider=offer.provider, programme=programme)
    assert Account.objects.get(pk=payable.pk).balance == upfront * BOOKINGS
    assert verify_ledger().ok
