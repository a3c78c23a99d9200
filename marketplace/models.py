"""Offers: what providers sell on the marketplace, and their approval."""

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
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
    # Kept current by a PostgreSQL trigger (migration 0002) on every insert and update,
    # so bulk inserts and demo data are searchable too. Unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)
    # Copies of the provider's status, type and sustained-job rate, so search filters and
    # sorts on this table alone. Kept current by Offer.save(), the provider and standing
    # save signals (marketplace.signals) and, for bulk inserts on PostgreSQL, a trigger
    # (migration 0004). Never set them by hand.
    provider_status = models.CharField(max_length=16, default="pending", editable=False)
    provider_type = models.CharField(max_length=32, blank=True, editable=False)
    provider_sustained_rate_bp = models.PositiveIntegerField(null=True, editable=False)

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(name="offer_price_positive", condition=models.Q(price__gt=0)),
            models.CheckConstraint(
                name="offer_coordinates_both_or_neither",
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
            ),
        ]
        indexes = [
            GinIndex(fields=["search_vector"], name="offer_search_vector_gin"),
            models.Index(fields=["status", "category"], name="offer_status_category"),
            models.Index(fields=["status", "price"], name="offer_status_price"),
            models.Index(fields=["status", "title"], name="offer_status_title"),
            models.Index(fields=["latitude", "longitude"], name="offer_coordinates"),
            # The "sustained-job rate" sort has a partial index too, PostgreSQL only
            # (SQLite cannot index NULLS LAST): see migration 0004.
            models.Index(
                fields=["provider_type", "price"], name="offer_listed_type_price",
                condition=models.Q(status="approved", provider_status="approved"),
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.copy_provider_fields()
        super().save(*args, **kwargs)

    def copy_provider_fields(self):
        """Copy the provider's status, type and sustained rate onto this offer."""
        if self.provider_id is None:
            return
        provider = self.provider
        self.provider_status = provider.status
        self.provider_type = provider.provider_type
        standing = ProviderStanding.objects.filter(provider_id=self.provider_id).first()
        self.provider_sustained_rate_bp = standing.sustained_rate_bp if standing else None

    @property
    def is_listed(self) -> bool:
        return self.status == OfferStatus.APPROVED and self.provider.is_approved

    @property
    def standing(self):
        """The provider's published record, or None before it has one."""
        return getattr(self.provider, "standing", None)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


# A provider's record is shown only once it covers this many people: fewer would
# identify them and say little.
MIN_PEOPLE_FOR_STANDING = 5


class ProviderStanding(models.Model):
    """A provider's published record, denormalised for search and offer pages.

    Written only by ``marketplace.services.refresh_provider_standing`` (the outcomes and
    bookings services call it when their figures change).
    """

    provider = models.OneToOneField(Provider, on_delete=models.CASCADE, related_name="standing")
    people_served = models.PositiveIntegerField(default=0)
    jobs_started = models.PositiveIntegerField(default=0)
    in_work_13_weeks = models.PositiveIntegerField(default=0)
    in_work_26_weeks = models.PositiveIntegerField(default=0)
    # Basis points (1 % = 100) of people served still in work at 26 weeks; None when
    # fewer than MIN_PEOPLE_FOR_STANDING people were served.
    sustained_rate_bp = models.PositiveIntegerField(null=True, blank=True)
    cost_per_sustained_job = models.PositiveIntegerField(
        null=True, blank=True, help_text="In pence."
    )
    rating_average = models.DecimalField(max_digits=3, decimal_places=2, null=True, blank=True)
    rating_count = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["sustained_rate_bp"], name="standing_sustained_rate")]
        constraints = [
            models.CheckConstraint(
                name="standing_rate_in_range",
                condition=models.Q(sustained_rate_bp__isnull=True)
                | models.Q(sustained_rate_bp__lte=10000),
            ),
        ]

    def __str__(self):
        return f"Standing of {self.provider}"

    @property
    def is_shown(self) -> bool:
        return self.people_served >= MIN_PEOPLE_FOR_STANDING and self.sustained_rate_bp is not None

    @property
    def sustained_percent(self) -> float | None:
        return None if self.sustained_rate_bp is None else self.sustained_rate_bp / 100
