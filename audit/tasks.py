"""Scheduled ledger verification: the nightly result is kept for the verification page."""

from celery import shared_task

from audit.services import run_ledger_check


@shared_task(name="audit.tasks.verify_ledger_nightly")
def verify_ledger_nightly() -> bool:
    """Verify the whole ledger and keep the result; returns whether it passed."""
    return run_ledger_check().ok
