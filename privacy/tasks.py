from celery import shared_task


@shared_task(name="privacy.tasks.delete_expired_evidence")
def delete_expired_evidence() -> int:
    """Daily (settings.CELERY_BEAT_SCHEDULE "delete-expired-evidence"): evidence files past
    EVIDENCE_RETENTION_DAYS are deleted; a record that each existed stays."""
    from privacy.services import delete_expired_evidence as run

    return run()
