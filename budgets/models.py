"""Programmes, personal budgets and invitations.

Money is integer pence and lives in the ledger (app ``ledger``): a programme's pot and a
budget's available and committed money are ledger accounts, reached as
``programme.accounts`` and ``budget.accounts``, moved by budgets.services.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from accounts.models import Commissioner

BASIS_POINTS = 10_000  # 100 % = 10,000 basis points; fractions never use floats.


def default_milestones():
    return [
        {"key": "start", "label": "Job start", "weeks": 0, "share_bp": 2000},
        {"key": "week_13", "label": "13 weeks in work", "weeks": 13, "share_bp": 3000},
        {"key": "week_26", "label": "26 weeks in work", "weeks": 26, "share_bp": 5000},
    ]


def default_tier_multipliers():
    # Support tier (1, 2, 3) → multiplier in basis points: 1.0 / 1.5 / 2.0.
    return {"1": 10000, "2": 15000, "3": 20000}


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Programme(models.Model):
    """A commissioner's scheme of personal budgets, with the rules that govern its money."""

    commissioner = models.ForeignKey(
        Commissioner, on_delete=models.PROTECT, related_name="programmes"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ProgrammeStatus.choices, default=ProgrammeStatus.OPEN
    )
    budget_per_person = models.PositiveIntegerField(help_text="In pence.")
    validity_months = models.PositiveSmallIntegerField(default=12)
    outcome_share_bp = models.PositiveIntegerField(
        default=3000, help_text="Share of each booking withheld until outcomes, in basis points."
    )
    milestones = models.JSONField(default=default_milestones)
    min_hours_per_week = models.PositiveSmallIntegerField(default=16)
    attribution_months = models.PositiveSmallIntegerField(default=12)
    tier_multipliers = models.JSONField(default=default_tier_multipliers)
    eligibility_months_unemployed = models.PositiveSmallIntegerField(default=6)
    allowed_categories = models.JSONField(
        default=list, blank=True, help_text="Offer categories budgets may buy; empty means all."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["commissioner", "name"], name="programme_name_unique"),
            models.CheckConstraint(
                name="programme_outcome_share_in_range",
                condition=models.Q(outcome_share_bp__lte=BASIS_POINTS),
            ),
            models.CheckConstraint(
                name="programme_budget_positive", condition=models.Q(budget_per_person__gt=0)
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        from budgets.rules import validate_programme_rules

        errors = validate_programme_rules(self)
        if errors:
            raise ValidationError(errors)

    def multiplier_bp(self, tier: int) -> int:
        return int(self.tier_multipliers.get(str(tier), BASIS_POINTS))

    def allows_category(self, category: str) -> bool:
        return not self.allowed_categories or category in self.allowed_categories


class BudgetStatus(models.TextChoices):
    ISSUED = "issued", "Issued, waiting to be claimed"
    ACTIVE = "active", "Active"
    EXPIRED = "expired", "Expired"


class Budget(models.Model):
    """One person's budget in one programme. Its money lives in two ledger accounts:
    available and committed (booked but not yet delivered)."""

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="budgets")
    jobseeker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="budgets",
    )
    # Set by the commissioner (one per CSV row) so re-uploading a file issues nothing twice.
    external_reference = models.CharField(max_length=64)
    amount = models.PositiveIntegerField(help_text="Issued amount in pence.")
    recipient_name = models.CharField(max_length=200, blank=True)
    recipient_email = models.EmailField(blank=True)
    months_unemployed = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=BudgetStatus.choices, default=BudgetStatus.ISSUED
    )
    issued_at = models.DateTimeField(auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    expires_on = models.DateField()
    expired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "external_reference"], name="budget_reference_unique"
            ),
            models.CheckConstraint(name="budget_amount_positive", condition=models.Q(amount__gt=0)),
        ]

    def __str__(self):
        return f"Budget {self.external_reference} ({self.programme})"


class Invitation(models.Model):
    """How a jobseeker claims an issued budget: a link with a token, or a short code."""

    budget = models.OneToOneField(Budget, on_delete=models.CASCADE, related_name="invitation")
    code = models.CharField(max_length=16, unique=True)
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    def __str__(self):
        return f"Invitation {self.code}"

    @property
    def is_claimed(self) -> bool:
        return self.claimed_at is not None
