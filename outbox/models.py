"""A transactional outbox: a task to run is written in the same transaction as the change
that needs it, so a broker outage loses nothing."""

from django.db import models


class OutboxMessage(models.Model):
    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    kwargs = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["id"], name="outbox_pending_idx",
                         condition=models.Q(sent_at__isnull=True)),
        ]

    def __str__(self):
        return f"{self.task_name} #{self.pk}"
