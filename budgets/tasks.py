"""Scheduled work on budgets. Tasks re-read the rows they act on and are safe to repeat."""

from celery import shared_task
from django.utils import timezone

from budgets import services
from budgets.models import Budget, BudgetStatus


@shared_task(name="budgets.tasks.expire_budgets")
def expire_budgets() -> int:
    """Expire every budget past its end date; the unspent balance returns to the pot."""
    due = Budget.objects.filter(expires_on__lt=timezone.localdate()).exclude(
        status=BudgetStatus.EXPIRED).select_related("programme")
    count = 0
    for budget in due.iterator(chunk_size=500):
        services.expire_budget(budget=budget)
        count += 1
    return count
