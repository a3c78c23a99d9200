"""The audit log: every staff action, who, what, when, before and after. Append-only."""

from django.conf import settings
from django.db import models

from budgets.models import ImmutableModel


class AuditEvent(ImmutableModel):
    # PROTECT: people are pseudonymised on erasure, never deleted from the record.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    actor_role = models.CharField(max_length=32, blank=True)
    # The commissioner whose auditors may read this event (None: platform-wide).
    commissioner = models.ForeignKey("accounts.Commissioner", null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=80)
    object_type = models.CharField(max_length=80)
    object_id = models.CharField(max_length=64)
    summary = models.CharField(max_length=300)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"
