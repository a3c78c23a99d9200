"""A task runs on a real Celery worker against Redis, and its effect lands in the database."""

import datetime as dt
import time

import pytest
from celery.contrib.testing.worker import start_worker

from budgets import services
from budgets.models import BudgetStatus
from ledger.accounts import available_account, pot_account
from ledger.models import Account
from onward.celery import app
from tests.conftest import REDIS_URL, reset_celery_connections


@pytest.fixture
def redis_app():
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=REDIS_URL, task_always_eager=False)
    reset_celery_connections(app)
    app.loader.import_module("celery.contrib.testing.tasks")
    yield app
    app.conf.update(saved)
    reset_celery_connections(app)


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_budget_expiry_task_runs_on_a_real_worker(redis_app, manager):
    from budgets.tasks import expire_budgets

    programme = services.create_programme(actor=manager, name="Worker", budget_per_person=5_000)
    services.fund_programme(actor=manager, programme=programme, amount=5_000, reference="g")
    budget, _ = services.issue_budget(actor=manager, programme=programme,
                                      external_reference="W1",
                                      expires_on=dt.date(2020, 1, 1))

    # No result backend: watch the database, where the task's effect must land.
    with start_worker(redis_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        expire_budgets.delay()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            budget.refresh_from_db()
            if budget.status == BudgetStatus.EXPIRED:
                break
            time.sleep(0.2)

    assert budget.status == BudgetStatus.EXPIRED
    assert Account.objects.get(pk=available_account(budget).pk).balance == 0
    assert Account.objects.get(pk=pot_account(programme).pk).balance == 5_000
