"""Scheduled anomaly checks. Safe to repeat: flags are upserted, never duplicated."""

from celery import shared_task

from accounts.models import Commissioner
from anomalies.services import run_checks


@shared_task(name="anomalies.tasks.run_anomaly_checks")
def run_anomaly_checks() -> int:
    """Run every rule for every commissioner with a programme; returns flags raised."""
    raised = 0
    for commissioner in Commissioner.objects.filter(programmes__isnull=False).distinct():
        raised += run_checks(commissioner=commissioner).raised
    return raised
