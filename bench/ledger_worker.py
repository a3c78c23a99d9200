"""Child-process side of the ledger benchmark: each process is one client with its own
database connection, as a gunicorn worker or Celery worker would be."""

import os
import random
import time


def _django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onward.settings")
    os.environ["ONWARD_ENV"] = "development"
    os.environ["CELERY_BROKER_URL"] = ""
    import django

    django.setup()


def setup(database_url: str, spread: int) -> dict:
    """One hot budget big enough never to run dry, and `spread` ordinary budgets."""
    _django(database_url)
    from accounts.models import Commissioner, Role, User
    from budgets import services

    commissioner = Commissioner.objects.create(name="Bench Council")
    manager = User.objects.create_user("bench-manager@example.org", "x" * 12,
                                       role=Role.COMMISSIONER_MANAGER, commissioner=commissioner)
    programme = services.create_programme(actor=manager, name="Bench", budget_per_person=100_000)
    services.fund_programme(actor=manager, programme=programme,
                            amount=100_000 * (spread + 1000), reference="bench")
    hot, _ = services.issue_budget(actor=manager, programme=programme,
                                   external_reference="HOT", amount=50_000_000)
    ids = []
    for n in range(spread):
        budget, _ = services.issue_budget(actor=manager, programme=programme,
                                          external_reference=f"S{n}")
        ids.append(budget.pk)
    from budgets.models import Budget, BudgetStatus

    Budget.objects.update(status=BudgetStatus.ACTIVE)
    return {"hot": hot.pk, "spread": ids}


def work(database_url: str, budget_ids: list[int], seconds: float, worker: int,
         start_at: float, phase: str) -> int:
    """Commit and release 1 pound against random budgets from `budget_ids` until time is up.
    Returns the number of transfers written."""
    _django(database_url)
    from budgets import services
    from budgets.models import Budget

    budgets = list(Budget.objects.select_related("programme").filter(pk__in=budget_ids))
    rng = random.Random(worker)
    while time.time() < start_at:
        time.sleep(0.001)
    deadline = start_at + seconds
    done, n = 0, 0
    while time.time() < deadline:
        budget = budgets[rng.randrange(len(budgets))]
        n += 1
        key = f"bench:{phase}:{worker}:{n}"
        services.commit_for_booking(actor=None, budget=budget, amount=100, booking_id=n,
                                    key=f"{key}:commit")
        services.release_commitment(budget=budget, amount=100, booking_id=n,
                                    key=f"{key}:release")
        done += 2
    return done
