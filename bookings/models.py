"""Bookings of offers, their history, reviews, and each jobseeker's back-to-work plan."""

from django.conf import settings
from django.db import models

from budgets.models import Budget
from ledger.models import ImmutableModel
from marketplace.models import Offer
from providers.models import Provider


class BookingStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    ACCEPTED = "accepted", "Accepted"
    DECLINED = "declined", "Declined"
    CANCELLED = "cancelled", "Cancelled"
    DELIVERED = "delivered", "Delivered"
    DISPUTED = "disputed", "Disputed"
    CONFIRMED = "confirmed", "Confirmed"
    REFUNDED = "refunded", "Refunded"


# Bookings that hold a place on the offer (capacity) and money in the budget.
OPEN_STATUSES = (BookingStatus.REQUESTED, BookingStatus.ACCEPTED, BookingStatus.DELIVERED,
                 BookingStatus.DISPUTED)
PLACE_STATUSES = OPEN_STATUSES + (BookingStatus.CONFIRMED,)


class Booking(models.Model):
    offer = models.ForeignKey(Offer, on_delete=models.PROTECT, related_name="bookings")
    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="bookings")
    budget = models.ForeignKey(Budget, on_delete=models.PROTECT, related_name="bookings")
    jobseeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                  related_name="bookings")
    price = models.PositiveIntegerField(help_text="Price in pence when booked.")
    status = models.CharField(max_length=16, choices=BookingStatus.choices,
                              default=BookingStatus.REQUESTED, db_index=True)
    # The form's one-time token: a double-submitted request makes one booking.
    request_token = models.CharField(max_length=64)
    message = models.TextField(blank=True, help_text="What the jobseeker told the provider.")
    decline_reason = models.TextField(blank=True)
    cancel_reason = models.TextField(blank=True)
    dispute_reason = models.TextField(blank=True)
    resolution_note = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True, db_index=True)
    confirmed_at = models.DateTimeField(null=True, blank=True, db_index=True,
                                        help_text="When the money was settled.")
    closed_at = models.DateTimeField(null=True, blank=True)
    auto_confirmed = models.BooleanField(default=False)
    flagged = models.BooleanField(default=False)
    flag_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["jobseeker", "request_token"],
                                    name="booking_request_once"),
            models.CheckConstraint(name="booking_price_positive",
                                   condition=models.Q(price__gt=0)),
        ]
        indexes = [models.Index(fields=["provider", "status"]),
                   models.Index(fields=["offer", "status"])]

    def __str__(self):
        return f"Booking {self.reference}"

    @property
    def reference(self) -> str:
        return f"B{self.pk:06d}" if self.pk else "B-new"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class BookingEvent(ImmutableModel):
    """The audit record of one transition."""

    booking = models.ForeignKey(Booking, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    @property
    def reason(self) -> str:
        """The reason given for the transition (stored as ``note``)."""
        return self.note


class Review(models.Model):
    booking = models.OneToOneField(Booking, on_delete=models.CASCADE, related_name="review")
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(name="review_rating_1_to_5",
                                              condition=models.Q(rating__gte=1, rating__lte=5))]

    def __str__(self):
        return f"{self.rating}/5 for {self.booking}"


class PlanGoal(models.Model):
    jobseeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="plan_goals")
    text = models.CharField(max_length=300)
    target_date = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["done", "target_date", "id"]

    def __str__(self):
        return self.text


class PlanItemStatus(models.TextChoices):
    SUGGESTED = "suggested", "Suggested by your adviser"
    ACCEPTED = "accepted", "In your plan"
    DECLINED = "declined", "Declined"


class PlanItem(models.Model):
    """An offer in a jobseeker's plan. Advisers suggest; only the jobseeker accepts."""

    jobseeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="plan_items")
    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="plan_items")
    status = models.CharField(max_length=16, choices=PlanItemStatus.choices)
    note = models.TextField(blank=True)
    suggested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["jobseeker", "offer"],
                                               name="plan_item_once")]

    def __str__(self):
        return f"{self.offer} ({self.get_status_display()})"
