"""What stays behind when personal data goes: a record that a file existed, and when and
why it was deleted. Nothing here holds the file, its name or the person's details."""

from django.db import models


class DeletionReason(models.TextChoices):
    RETENTION = "retention", "Retention period ended"
    ERASURE = "erasure", "The person asked for their data to be erased"


class DeletedEvidence(models.Model):
    """One evidence file that was deleted. The Evidence row stays (the outcome and its
    payments refer to it); its file is gone and its download says so."""

    evidence = models.OneToOneField("outcomes.Evidence", on_delete=models.PROTECT,
                                    related_name="deletion")
    outcome_id = models.BigIntegerField()
    kind = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    uploaded_at = models.DateTimeField()
    deleted_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=16, choices=DeletionReason.choices)

    class Meta:
        ordering = ["-deleted_at"]

    def __str__(self):
        return f"Evidence {self.evidence_id} deleted ({self.reason})"
