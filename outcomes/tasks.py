"""Scheduled work for outcomes. Thin: the services do the work and are idempotent."""

from celery import shared_task


@shared_task(name="outcomes.tasks.process_due_milestones")
def process_due_milestones():
    """Nightly (settings.CELERY_BEAT_SCHEDULE "due-milestones"); safe to run any number of
    times a day: a milestone is asked about once and paid once."""
    from outcomes.services import process_due_milestones as run

    report = run()
    return {
        "due": report.due,
        "milestones_released": report.released.milestones,
        "payments": report.released.payments,
        "paid": report.released.paid,
        "bonus_owed": report.released.bonus_owed,
        "bonuses_retried": report.bonuses_retried,
        "closed": report.closed,
        "returned": report.returned,
    }


@shared_task(name="outcomes.tasks.refresh_provider_standings")
def refresh_provider_standings(provider_ids):
    """After outcome payments: update search's provider standings (re-reads the data)."""
    from outcomes.services import refresh_standings

    return refresh_standings(provider_ids=provider_ids)
