"""Paying providers: payout runs, one payout per provider per run, how each provider is
paid (bank details for BACS, a Stripe Connect Express account), BACS payment files and
the Stripe webhook events we have received.

Money itself never lives here: a payout points at the ledger transfer that moved it
(provider payable → payouts out) and, if it failed, at the transfer that reversed it.
"""

import uuid

from django.conf import settings
from django.db import models

from accounts.models import Commissioner
from budgets.models import Programme
from ledger import keys
from ledger.models import Transfer
from providers.models import Provider


class PayoutMethod(models.TextChoices):
    STRIPE = "stripe", "Stripe Connect transfer"
    BACS = "bacs", "BACS payment file"


class BankDetails(models.Model):
    """Where a provider is paid by BACS. Only a provider admin may change them; every
    change is written to the audit log (with the numbers masked)."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE,
                                    related_name="bank_details")
    account_name = models.CharField(max_length=60)
    sort_code = models.CharField(max_length=6)
    account_number = models.CharField(max_length=8)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name_plural = "bank details"
        constraints = [
            models.CheckConstraint(name="bank_sort_code_six_digits",
                                   condition=models.Q(sort_code__regex=r"^[0-9]{6}$")),
            models.CheckConstraint(name="bank_account_number_eight_digits",
                                   condition=models.Q(account_number__regex=r"^[0-9]{8}$")),
        ]

    def __str__(self):
        return f"Bank details for {self.provider}"

    @property
    def masked_account_number(self) -> str:
        return "****" + self.account_number[-4:]

    @property
    def masked_sort_code(self) -> str:
        return "**-**-" + self.sort_code[-2:]


class ConnectedAccount(models.Model):
    """A provider's Stripe Connect Express account. The flags follow Stripe's
    ``account.updated`` events; ``stripe_updated_at`` keeps an older event from
    overwriting a newer one."""

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE,
                                    related_name="connected_account")
    stripe_account_id = models.CharField(max_length=64, unique=True)
    payouts_enabled = models.BooleanField(default=False)
    details_submitted = models.BooleanField(default=False)
    stripe_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.stripe_account_id


class RunStatus(models.TextChoices):
    RUNNING = "running", "Running"
    COMPLETED = "completed", "Completed"
    COMPLETED_WITH_PROBLEMS = "problems", "Completed with problems"
    INTERRUPTED = "interrupted", "Interrupted (the next run finishes its work)"


class PayoutRun(models.Model):
    """One run for one commissioner: pays every provider owed money in its programmes."""

    commissioner = models.ForeignKey(Commissioner, on_delete=models.PROTECT,
                                     related_name="payout_runs")
    method = models.CharField(max_length=8, choices=PayoutMethod.choices)
    status = models.CharField(max_length=12, choices=RunStatus.choices,
                              default=RunStatus.RUNNING)
    # None: the weekly schedule started it.
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # [{"provider": name, "provider_id": id, "reason": "..."}]: what could not be paid, and why.
    problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"Payout run {self.pk} ({self.commissioner})"


class PayoutStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENT_FOR_PAYMENT = "sent_for_payment", "Sent for payment"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"


class BacsFile(models.Model):
    """A Standard 18 payment file for the finance team, kept under PRIVATE_MEDIA_ROOT."""

    run = models.OneToOneField(PayoutRun, on_delete=models.PROTECT, related_name="bacs_file")
    commissioner = models.ForeignKey(Commissioner, on_delete=models.PROTECT,
                                     related_name="bacs_files")
    path = models.CharField(max_length=300, help_text="Relative to PRIVATE_MEDIA_ROOT.")
    sha256 = models.CharField(max_length=64)
    line_count = models.PositiveIntegerField()
    total = models.BigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"BACS file {self.pk}"

    @property
    def filename(self) -> str:
        return f"onward-bacs-{self.commissioner_id}-{self.pk}.txt"


class Payout(models.Model):
    """What one run pays one provider, with the ledger transfer that moved it."""

    reference = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    run = models.ForeignKey(PayoutRun, on_delete=models.PROTECT, related_name="payouts")
    commissioner = models.ForeignKey(Commissioner, on_delete=models.PROTECT,
                                     related_name="payouts")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="payouts")
    method = models.CharField(max_length=8, choices=PayoutMethod.choices)
    amount = models.PositiveBigIntegerField()
    status = models.CharField(max_length=20, choices=PayoutStatus.choices,
                              default=PayoutStatus.PENDING)
    ledger_transfer = models.OneToOneField(Transfer, on_delete=models.PROTECT,
                                           related_name="payout")
    reversal_transfer = models.OneToOneField(Transfer, null=True, blank=True,
                                             on_delete=models.PROTECT,
                                             related_name="reversed_payout")
    # Stripe: what Stripe told us it created.
    stripe_account_id = models.CharField(max_length=64, blank=True)
    stripe_transfer_id = models.CharField(max_length=64, null=True, blank=True, unique=True)
    stripe_amount = models.BigIntegerField(null=True, blank=True)
    stripe_amount_reversed = models.BigIntegerField(default=0)
    # The connected account's bank payout (po_...) whose failure failed this payout.
    stripe_failed_payout_id = models.CharField(max_length=64, null=True, blank=True,
                                               unique=True)
    last_error = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # BACS: the file that carries it; bank details as written into that file.
    bacs_file = models.ForeignKey(BacsFile, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="payouts")
    failure_reason = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(name="payout_amount_positive",
                                   condition=models.Q(amount__gt=0)),
        ]

    def __str__(self):
        return f"Payout {self.pk} to {self.provider}"

    @property
    def stripe_idempotency_key(self) -> str:
        # Derived from the payout: every retry of this payout reuses it, so Stripe
        # creates at most one transfer for it.
        return f"onward-payout-{self.reference}"

    @property
    def ledger_key(self) -> str:
        return keys.payout(self.reference)

    @property
    def bacs_reference(self) -> str:
        return f"ONWARD P{self.pk:010d}"


class PayoutLine(models.Model):
    """The per-programme split of a payout (one provider payable account each)."""

    payout = models.ForeignKey(Payout, on_delete=models.CASCADE, related_name="lines")
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="+")
    amount = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["programme__name"]
        constraints = [
            models.UniqueConstraint(fields=["payout", "programme"], name="payout_line_unique"),
        ]

    def __str__(self):
        return f"{self.programme}: {self.amount}p"


class StripeEvent(models.Model):
    """Each Stripe webhook event, stored once by its id before it is handled."""

    event_id = models.CharField(max_length=255, unique=True)
    event_type = models.CharField(max_length=100)
    account = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=255, blank=True, db_index=True)
    created = models.DateTimeField(help_text="When Stripe created the event.")
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self):
        return f"{self.event_type} {self.event_id}"
