"""Background work for payouts. Tasks re-read their rows and are safe to run twice."""

from celery import shared_task

from payouts import services


@shared_task
def weekly_payout_run() -> list[int]:
    """The Monday schedule: a payout run for every commissioner that owes a provider."""
    return [run.pk for run in services.weekly_payout_run()]


@shared_task
def process_stripe_event(event_pk: int) -> str:
    """Apply one stored Stripe webhook event (at most once: the row records it)."""
    return services.handle_stripe_event(event_pk=event_pk)
