"""Job outcomes, their milestones, evidence, and the outcome payments made to providers.

A jobseeker's job (an ``Outcome``) is reported, then verified or rejected by a
commissioner manager. Each outcome gets one ``Milestone`` per programme milestone
(default: start, 13 weeks, 26 weeks). When a milestone falls due the scheduled task
asks the jobseeker and provider to confirm; a manager verifies it; the release
pays each attributed booking's share of its escrow (``MilestonePayment``).
"""

import os
import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models

from budgets.models import Programme


class PrivateStorage(FileSystemStorage):
    """Evidence files live under PRIVATE_MEDIA_ROOT and have no public URL: they are only
    ever served through the permission-checking evidence view."""

    # Read the setting on every use (not cached), so tests and deployments can move it.
    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("Evidence files have no public URL; use the evidence download view.")


def private_storage():
    return PrivateStorage()


def evidence_path(instance, filename):
    # The stored name never reuses what the uploader called the file.
    return f"evidence/{instance.outcome_id}/{uuid.uuid4().hex}{instance.extension}"


class OutcomeStatus(models.TextChoices):
    REPORTED = "reported", "Waiting for verification"
    VERIFIED = "verified", "Verified"
    REJECTED = "rejected", "Rejected"
    NOT_COUNTED = "not_counted", "Does not count"


class Outcome(models.Model):
    """A job a jobseeker started, reported by them, their adviser or a provider."""

    jobseeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="job_outcomes")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="outcomes")
    employer = models.CharField(max_length=200)
    job_title = models.CharField(max_length=200)
    start_date = models.DateField()
    hours_per_week = models.PositiveSmallIntegerField()
    weekly_pay = models.PositiveIntegerField(null=True, blank=True,
                                             help_text="Pay before tax, in pence a week.")
    status = models.CharField(max_length=16, choices=OutcomeStatus.choices,
                              default=OutcomeStatus.REPORTED)
    status_reason = models.TextField(blank=True)
    # The support tier when the job was verified: it sets the harder-to-help bonus.
    support_tier = models.PositiveSmallIntegerField(default=1)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    reported_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    end_reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    # Set once the job ended (or a milestone was not met) and the withheld money left for
    # later milestones went back to the programme.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["jobseeker", "status"])]
        constraints = [
            models.CheckConstraint(name="outcome_hours_positive",
                                   condition=models.Q(hours_per_week__gt=0)),
        ]

    def __str__(self):
        return f"{self.job_title} at {self.employer}"

    @property
    def counts(self) -> bool:
        return self.hours_per_week >= self.programme.min_hours_per_week

    @property
    def hours_message(self) -> str:
        """Why a job does not count, in the words the page shows."""
        if self.counts:
            return ""
        return (
            f"This job is {self.hours_per_week} hours a week. Jobs must be at least "
            f"{self.programme.min_hours_per_week} hours a week to count for this programme."
        )


class MilestoneStatus(models.TextChoices):
    SCHEDULED = "scheduled", "Not due yet"
    DUE = "due", "Waiting for confirmation and verification"
    VERIFIED = "verified", "Verified"
    PAID = "paid", "Paid"
    REJECTED = "rejected", "Not met"
    LAPSED = "lapsed", "Will not be paid"


OPEN_MILESTONE_STATUSES = (MilestoneStatus.SCHEDULED, MilestoneStatus.DUE,
                           MilestoneStatus.VERIFIED)


class Milestone(models.Model):
    """One payment point of an outcome, copied from the programme's rules when reported."""

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="milestones")
    key = models.CharField(max_length=40)
    label = models.CharField(max_length=100)
    weeks = models.PositiveSmallIntegerField()
    share_bp = models.PositiveIntegerField()
    position = models.PositiveSmallIntegerField()
    is_last = models.BooleanField(default=False)
    due_on = models.DateField(db_index=True)
    status = models.CharField(max_length=16, choices=MilestoneStatus.choices,
                              default=MilestoneStatus.SCHEDULED)
    asked_at = models.DateTimeField(null=True, blank=True)
    jobseeker_confirmed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["outcome", "position"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "key"], name="milestone_key_unique"),
        ]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self):
        return f"{self.label} ({self.outcome})"


class Evidence(models.Model):
    """A payslip, contract or employer letter (PDF or image), stored privately."""

    KINDS = [("payslip", "Payslip"), ("contract", "Contract"),
             ("employer_letter", "Letter from the employer")]

    outcome = models.ForeignKey(Outcome, on_delete=models.CASCADE, related_name="evidence")
    milestone = models.ForeignKey(Milestone, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="evidence")
    kind = models.CharField(max_length=20, choices=KINDS)
    file = models.FileField(upload_to=evidence_path, storage=private_storage, max_length=200)
    extension = models.CharField(max_length=8)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.outcome}"


class BonusStatus(models.TextChoices):
    NONE = "none", "No bonus"
    PAID = "paid", "Paid"
    OWED = "owed", "Owed: the pot was short"


class MilestonePayment(models.Model):
    """What one verified milestone paid for one attributed booking. Unique per
    (milestone, booking), as its ledger transfer's key is
    (``ledger.keys.milestone_release(m, b)``)."""

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="payments")
    booking_id = models.BigIntegerField(db_index=True)
    provider = models.ForeignKey("providers.Provider", on_delete=models.PROTECT,
                                 related_name="milestone_payments")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveIntegerField()
    bonus = models.PositiveIntegerField(default=0)
    bonus_status = models.CharField(max_length=8, choices=BonusStatus.choices,
                                    default=BonusStatus.NONE)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["milestone", "booking_id"],
                                    name="milestone_payment_unique"),
        ]
        indexes = [models.Index(fields=["bonus_status"])]

    def __str__(self):
        return f"Milestone {self.milestone_id} booking {self.booking_id}"
