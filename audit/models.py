"""The audit log: every staff action, who, what, when, before and after. Append-only."""

import json

from django.conf import settings
from django.db import models

from ledger.models import ImmutableModel


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

    @property
    def changes(self) -> list[tuple[str, str, str]]:
        """(field, before, after) for every field named in either, as text."""
        def text(value):
            if value is None:
                return ""
            return value if isinstance(value, str) else json.dumps(value, sort_keys=True)

        before, after = self.before or {}, self.after or {}
        return [(key, text(before.get(key)), text(after.get(key)))
                for key in sorted(set(before) | set(after))]


class LedgerCheck(ImmutableModel):
    """One run of ledger verification (``ledger.verification.verify_ledger``): its
    result and time. Append-only like the log itself."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    ok = models.BooleanField()
    accounts_checked = models.PositiveIntegerField(default=0)
    entries_checked = models.PositiveBigIntegerField(default=0)
    transfers_checked = models.PositiveBigIntegerField(default=0)
    summary = models.TextField()
    # [{"entry_id": int | None, "message": str, "commissioner_id": int | None}], where
    # commissioner_id is the commissioner whose programme the broken account belongs to
    # (None: the whole ledger), so each commissioner sees only their own accounts named.
    problems = models.JSONField(default=list, blank=True)
    checked_at = models.DateTimeField(db_index=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-checked_at", "-id"]

    def __str__(self):
        return f"Ledger check {self.checked_at:%Y-%m-%d %H:%M}: {'ok' if self.ok else 'FAILED'}"
