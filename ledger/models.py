"""The double-entry ledger: accounts, transfers and their entries.

Money is integer pence. It moves only through ``ledger.posting.post_transfer`` (or the
batch writer ``ledger.batch``): a transfer's entries sum to zero, entries are never
updated or deleted, every transfer has a unique idempotency key, and each account's
entries are chained by hash so ``manage.py verify_ledger`` can prove nothing was altered.

The ledger knows no business model. Programmes, budgets and providers are foreign keys
by name ("budgets.Programme"), so nothing here imports the apps above it; a booking is a
plain id, because a foreign key would take KEY SHARE locks on booking rows with every
entry. The tables keep the names they had when the ledger lived in ``budgets``.
"""

from django.conf import settings
from django.db import models

from ledger.errors import ImmutableLedgerError


class AccountKind(models.TextChoices):
    FUNDING = "funding", "Funding in (external)"
    PROGRAMME_POT = "pot", "Programme pot"
    BUDGET_AVAILABLE = "available", "Budget available"
    BUDGET_COMMITTED = "committed", "Budget committed"
    ESCROW = "escrow", "Booking escrow"
    PROVIDER_PAYABLE = "payable", "Provider payable"
    PAYOUTS_OUT = "payouts", "Payouts out (external)"
    RETURNED = "returned", "Money returned (external)"


EXTERNAL_KINDS = frozenset({AccountKind.FUNDING, AccountKind.PAYOUTS_OUT, AccountKind.RETURNED})


class TransferKind(models.TextChoices):
    FUND = "fund", "Programme funded"
    ISSUE = "issue", "Budget issued"
    EXPIRE = "expire", "Budget expired"
    COMMIT = "commit", "Booking requested"
    RELEASE = "release", "Booking money released"
    SETTLE = "settle", "Delivery settled"
    ESCROW_RELEASE = "escrow_release", "Outcome payment"
    ESCROW_RETURN = "escrow_return", "Withheld share returned"
    PAYOUT = "payout", "Payout"
    PAYOUT_REVERSAL = "payout_reversal", "Payout reversed"


class Account(models.Model):
    """A ledger account. ``balance`` is a running total kept in step with the entries
    (verify_ledger proves it); internal accounts can never go below zero."""

    kind = models.CharField(max_length=16, choices=AccountKind.choices)
    # A unique, readable name (ledger.keys spells them): "budget:12:available", ...
    key = models.CharField(max_length=80, unique=True)
    programme = models.ForeignKey(
        "budgets.Programme", on_delete=models.PROTECT, related_name="accounts",
        null=True, blank=True,
    )
    budget = models.ForeignKey(
        "budgets.Budget", on_delete=models.PROTECT, related_name="accounts",
        null=True, blank=True,
    )
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="accounts",
        null=True, blank=True,
    )
    booking_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    is_external = models.BooleanField(default=False)
    balance = models.BigIntegerField(default=0)
    entry_count = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "budgets_account"
        constraints = [
            models.CheckConstraint(
                name="internal_account_never_negative",
                condition=models.Q(is_external=True) | models.Q(balance__gte=0),
            ),
        ]

    def __str__(self):
        return self.key


class ImmutableQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ImmutableLedgerError("Ledger rows are never updated.")

    def delete(self):
        raise ImmutableLedgerError("Ledger rows are never deleted.")


class ImmutableModel(models.Model):
    objects = ImmutableQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableLedgerError("Ledger rows are never updated.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableLedgerError("Ledger rows are never deleted.")


class Transfer(ImmutableModel):
    """A balanced set of entries written in one transaction."""

    idempotency_key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=TransferKind.choices)
    memo = models.CharField(max_length=300, blank=True)
    programme = models.ForeignKey(
        "budgets.Programme", on_delete=models.PROTECT, related_name="transfers",
        null=True, blank=True,
    )
    budget = models.ForeignKey(
        "budgets.Budget", on_delete=models.PROTECT, related_name="transfers",
        null=True, blank=True,
    )
    provider = models.ForeignKey(
        "providers.Provider", on_delete=models.PROTECT, related_name="transfers",
        null=True, blank=True,
    )
    booking_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        db_table = "budgets_transfer"
        ordering = ["id"]
        indexes = [
            # The dashboards' rare kinds (expiries, releases, payout reversals) and
            # settlements in a period, without reading every transfer.
            models.Index(fields=["kind", "created_at"], name="transfer_kind_created"),
        ]

    def __str__(self):
        return f"{self.kind} {self.idempotency_key}"


class Entry(ImmutableModel):
    """One leg of a transfer: a signed amount on one account, chained by hash to the
    account's previous entry."""

    transfer = models.ForeignKey(Transfer, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount = models.BigIntegerField()
    sequence = models.BigIntegerField(help_text="Position in the account's chain, from 1.")
    balance_after = models.BigIntegerField()
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        db_table = "budgets_entry"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["account", "sequence"], name="entry_sequence_unique"),
            models.CheckConstraint(name="entry_amount_not_zero", condition=~models.Q(amount=0)),
        ]
        indexes = [
            # An account's movements in a period, answered from the index alone (on
            # PostgreSQL): the dashboards' spend, budget and provider payment figures.
            models.Index(fields=["account", "created_at"], include=["amount", "transfer"],
                         name="entry_account_created"),
        ]

    def __str__(self):
        return f"{self.account.key} {self.amount:+d}"
