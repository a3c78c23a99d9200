"""Offers: what providers sell on the marketplace, and their approval."""

from django.conf import settings
from django.db import models

from providers.models import Provider


class Category(models.TextChoices):
    TRAINING = "training", "Training and qualifications"
    LICENCES = "licences", "Licences and tickets"
    COACHING = "coaching", "Coaching and mentoring"
    CV_INTERVIEW = "cv_interview", "CV and interview help"
    DIGITAL = "digital", "Digital skills"
    CHILDCARE = "childcare", "Childcare"
    TRAVEL = "travel", "Travel"
    CLOTHING = "clothing", "Clothing and equipment"
    PLACEMENTS = "placements", "Work placements"
    HEALTH = "health", "Health and wellbeing"
    SELF_EMPLOYMENT = "self_employment", "Self-employment"
    ENGLISH = "english", "English language"


class DeliveryMode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"
    BLENDED = "blended", "Blended (in person and online)"


class OfferStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Offer(models.Model):
    """Something a provider sells. Only approved offers of approved providers are listed;
    a change to an approved offer goes back for approval."""

    provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="offers")
    title = models.CharField(max_length=120)
    what_you_get = models.TextField("What you will get")
    who_it_is_for = models.TextField("Who it is for")
    category = models.CharField(max_length=32, choices=Category.choices)
    price = models.PositiveIntegerField(help_text="In pence.")
    price_covers = models.CharField("What the price covers", max_length=300)
    delivery_mode = models.CharField(max_length=16, choices=DeliveryMode.choices)
    area = models.CharField("Town or area", max_length=120, blank=True)
    latitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(max_digits=8, decimal_places=5, null=True, blank=True)
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many people you can take. Blank for no limit."
    )
    next_start = models.DateField("Next start date", null=True, blank=True)
    start_dates = models.CharField(max_length=300, blank=True,
                                   help_text="When it runs, in plain words.")
    accessibility = models.TextField(blank=True)
    languages = models.CharField(max_length=200, default="English")
    status = models.CharField(max_length=16, choices=OfferStatus.choices,
                              default=OfferStatus.PENDING)
    status_reason = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(name="offer_price_positive", condition=models.Q(price__gt=0)),
        ]

    def __str__(self):
        return self.title

    @property
    def is_listed(self) -> bool:
        return self.status == OfferStatus.APPROVED and self.provider.is_approved
