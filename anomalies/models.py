"""Anomaly flags: patterns in a commissioner's data worth a person's look.

The rules in ``anomalies.rules`` raise flags; a commissioner manager reviews each one and
clears it with a note. A flag is one row per (commissioner, rule, subject): re-running the
checks refreshes the evidence of an open flag, and reopens a cleared one only when new
evidence (a booking, outcome or offer id not seen when it was cleared) turns up.
"""

from django.conf import settings
from django.db import models


class Rule(models.TextChoices):
    WHOLE_BUDGET = "whole_budget", "Bookings that take a jobseeker's whole remaining budget"
    BOOKING_BURST = "booking_burst", "A burst of bookings with one provider"
    UNCONFIRMED_OUTCOME = ("unconfirmed_outcome",
                           "Job reported by a provider, never confirmed by the jobseeker")
    ENDED_AFTER_LAST_MILESTONE = ("ended_after_last_milestone",
                                  "Job ended just after its last milestone")
    STAFF_JOBSEEKER = "staff_jobseeker", "Provider staff who are also its jobseekers"
    PRICE_ABOVE_MEDIAN = "price_above_median", "Price far above the category's median"


class FlagStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLEARED = "cleared", "Cleared"


class Flag(models.Model):
    """One finding of one rule about one subject, for one commissioner."""

    commissioner = models.ForeignKey("accounts.Commissioner", on_delete=models.PROTECT,
                                     related_name="anomaly_flags")
    rule = models.CharField(max_length=40, choices=Rule.choices)
    # What the flag is about, as "provider:7", "outcome:12", "user:3:provider:7"...
    subject_key = models.CharField(max_length=80)
    programme = models.ForeignKey("budgets.Programme", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    provider = models.ForeignKey("providers.Provider", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    offer = models.ForeignKey("marketplace.Offer", null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    booking = models.ForeignKey("bookings.Booking", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    outcome = models.ForeignKey("outcomes.Outcome", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    summary = models.CharField(max_length=300)
    # The evidence: figures, thresholds, and the ids of the bookings/outcomes/offers behind
    # the finding (``evidence_ids``; a cleared flag reopens only when a new id appears).
    details = models.JSONField(default=dict, blank=True)
    evidence_ids = models.JSONField(default=list, blank=True)
    cleared_evidence_ids = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=8, choices=FlagStatus.choices,
                              default=FlagStatus.OPEN, db_index=True)
    raised_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    reopened_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    cleared_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["commissioner", "rule", "subject_key"],
                                    name="flag_once_per_subject"),
            models.CheckConstraint(
                name="cleared_flag_has_note",
                condition=models.Q(status="open")
                | (models.Q(cleared_at__isnull=False, cleared_by__isnull=False)
                   & ~models.Q(note="")),
            ),
        ]
        indexes = [models.Index(fields=["commissioner", "status", "rule"])]

    def __str__(self):
        return f"{self.get_rule_display()}: {self.summary}"

    @property
    def reference(self) -> str:
        return f"F{self.pk:05d}" if self.pk else "F-new"

    @property
    def is_open(self) -> bool:
        return self.status == FlagStatus.OPEN


class Scan(models.Model):
    """One run of the checks for one commissioner (nightly, or "Run checks now")."""

    commissioner = models.ForeignKey("accounts.Commissioner", on_delete=models.PROTECT,
                                     related_name="+")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    raised = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    refreshed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-started_at", "-id"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"Scan {self.pk} for {self.commissioner_id} at {self.started_at:%Y-%m-%d %H:%M}"
