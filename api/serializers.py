"""Request and response shapes. Serializers only parse and render: every write goes
through the owning app's service. Money is integer pence throughout."""

from rest_framework import serializers

from accounts.models import Role
from api.models import ApiToken
from bookings.models import Booking, BookingEvent, BookingStatus, PlanGoal, PlanItem
from budgets.models import Budget, Programme
from marketplace.models import Category, DeliveryMode, Offer, ProviderStanding
from marketplace.places import TOWNS
from marketplace.search import MAX_PAGE_SIZE, PRICE_BANDS, SORTS, SearchQuery
from outcomes.models import Evidence, Milestone, Outcome
from payouts.models import PayoutRun
from providers.models import Provider, ProviderType

MAX_PENCE = 100_000_000  # £1,000,000: above any single amount; keeps integers sane.
Pence = serializers.IntegerField  # documentation alias: whole pence, never floats


# --- Who am I --------------------------------------------------------------------------


class OrganisationSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["provider", "commissioner"])
    id = serializers.IntegerField()
    name = serializers.CharField()


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(source="display_name")
    role = serializers.CharField()
    organisation = OrganisationSerializer(allow_null=True)
    via_token = serializers.BooleanField(help_text="True when calling with an API token.")


# --- Offers ----------------------------------------------------------------------------


class StandingSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProviderStanding
        fields = ["people_served", "jobs_started", "in_work_13_weeks", "in_work_26_weeks",
                  "sustained_rate_bp", "cost_per_sustained_job", "rating_average",
                  "rating_count"]


class ProviderSummarySerializer(serializers.ModelSerializer):
    standing = serializers.SerializerMethodField()

    class Meta:
        model = Provider
        fields = ["id", "name", "provider_type", "areas_served", "is_social_enterprise",
                  "standing"]

    def get_standing(self, provider) -> StandingSerializer(allow_null=True):
        standing = getattr(provider, "standing", None)
        if standing is None or not standing.is_shown:
            return None
        return StandingSerializer(standing).data


class OfferSerializer(serializers.ModelSerializer):
    """An offer as anyone sees it once listed."""

    provider = ProviderSummarySerializer(read_only=True)
    distance_km = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = ["id", "title", "what_you_get", "who_it_is_for", "category", "price",
                  "price_covers", "delivery_mode", "area", "latitude", "longitude", "capacity",
                  "next_start", "start_dates", "accessibility", "languages", "status",
                  "provider", "distance_km"]
        read_only_fields = fields

    def get_distance_km(self, offer) -> float | None:
        distance = getattr(offer, "distance_km", None)
        return None if distance is None else round(float(distance), 2)


class OfferSearchParams(serializers.Serializer):
    """The search page's filters, as query parameters. Prices are pence."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=200)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    delivery_mode = serializers.ChoiceField(choices=DeliveryMode.choices, required=False)
    provider_type = serializers.ChoiceField(choices=ProviderType.choices, required=False)
    social_enterprise = serializers.BooleanField(required=False, default=False)
    price_band = serializers.ChoiceField(choices=list(PRICE_BANDS), required=False)
    price_min = serializers.IntegerField(required=False, min_value=0, max_value=MAX_PENCE)
    price_max = serializers.IntegerField(required=False, min_value=0, max_value=MAX_PENCE)
    area = serializers.CharField(required=False, allow_blank=True, max_length=120)
    near = serializers.ChoiceField(choices=sorted(TOWNS), required=False,
                                   help_text="A town name; sets lat and lon.")
    lat = serializers.FloatField(required=False, min_value=-90, max_value=90)
    lon = serializers.FloatField(required=False, min_value=-180, max_value=180)
    distance_km = serializers.IntegerField(required=False, min_value=1, max_value=500,
                                           default=25)
    starts_within_days = serializers.IntegerField(required=False, min_value=1, max_value=366)
    sort = serializers.ChoiceField(choices=list(SORTS), required=False, default="relevance")
    page = serializers.IntegerField(required=False, min_value=1, max_value=100000, default=1)
    page_size = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PAGE_SIZE,
                                         default=20)

    def validate(self, data):
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            raise serializers.ValidationError(
                {"price_max": ["The highest price must be more than the lowest price."]})
        if ("lat" in data) != ("lon" in data):
            raise serializers.ValidationError(
                {"lon": ["Give both lat and lon, or neither."]})
        return data

    def to_query(self) -> SearchQuery:
        data = self.validated_data
        lat, lon = data.get("lat"), data.get("lon")
        if data.get("near"):
            _, lat, lon = TOWNS[data["near"]]
        located = lat is not None and lon is not None
        return SearchQuery(
            text=data.get("q", ""), category=data.get("category", ""),
            delivery_mode=data.get("delivery_mode", ""),
            provider_type=data.get("provider_type", ""),
            social_enterprise_only=data["social_enterprise"],
            price_band=data.get("price_band", ""), price_min=data.get("price_min"),
            price_max=data.get("price_max"), area=data.get("area", ""),
            lat=lat, lon=lon, distance_km=float(data["distance_km"]) if located else None,
            starts_within_days=data.get("starts_within_days"), sort=data["sort"],
            page=data["page"], page_size=data["page_size"],
        )


class OfferSearchResultsSerializer(serializers.Serializer):
    results = OfferSerializer(many=True, source="offers")
    total = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    page_size = serializers.IntegerField()


class ProviderOfferSerializer(serializers.ModelSerializer):
    """A provider's own offer, any status, with the reviewer's reason when refused."""

    class Meta:
        model = Offer
        fields = ["id", "title", "what_you_get", "who_it_is_for", "category", "price",
                  "price_covers", "delivery_mode", "area", "latitude", "longitude", "capacity",
                  "next_start", "start_dates", "accessibility", "languages", "status",
                  "status_reason", "created_at", "updated_at"]
        read_only_fields = ["id", "status", "status_reason", "created_at", "updated_at"]
        extra_kwargs = {
            "price": {"min_value": 1, "max_value": MAX_PENCE},
            "capacity": {"min_value": 1, "max_value": 100000},
            "latitude": {"min_value": -90, "max_value": 90},
            "longitude": {"min_value": -180, "max_value": 180},
        }


class OfferWriteSerializer(ProviderOfferSerializer):
    submit = serializers.BooleanField(
        default=True, write_only=True,
        help_text="true (default): send for approval; false: keep as a draft.")

    class Meta(ProviderOfferSerializer.Meta):
        fields = [*ProviderOfferSerializer.Meta.fields, "submit"]

    def validate(self, data):
        lat = data.get("latitude", getattr(self.instance, "latitude", None))
        lon = data.get("longitude", getattr(self.instance, "longitude", None))
        if (lat is None) != (lon is None):
            raise serializers.ValidationError(
                {"longitude": ["Give both latitude and longitude, or neither."]})
        return data


class ReviewOfferSerializer(serializers.ModelSerializer):
    provider = ProviderSummarySerializer(read_only=True)

    class Meta:
        model = Offer
        fields = ["id", "title", "what_you_get", "who_it_is_for", "category", "price",
                  "price_covers", "delivery_mode", "area", "status", "status_reason",
                  "provider", "updated_at"]
        read_only_fields = fields


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


# --- Budgets and programmes ------------------------------------------------------------------


class BudgetSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="programme.name", read_only=True)
    available = serializers.IntegerField(read_only=True, help_text="Pence.")
    committed = serializers.IntegerField(read_only=True, help_text="Pence.")

    class Meta:
        model = Budget
        fields = ["id", "programme", "amount", "available", "committed", "status",
                  "issued_at", "expires_on"]
        read_only_fields = fields


class ClaimSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=100,
                                 help_text="The invitation code or the token from the link.")


class IssuedBudgetSerializer(serializers.ModelSerializer):
    invitation_code = serializers.CharField(source="invitation.code", read_only=True)
    jobseeker_claimed = serializers.SerializerMethodField()

    class Meta:
        model = Budget
        fields = ["id", "external_reference", "amount", "recipient_name", "recipient_email",
                  "months_unemployed", "status", "issued_at", "expires_on", "invitation_code",
                  "jobseeker_claimed"]
        read_only_fields = fields

    def get_jobseeker_claimed(self, budget) -> bool:
        return budget.jobseeker_id is not None


class IssueBudgetSerializer(serializers.Serializer):
    external_reference = serializers.CharField(max_length=64)
    amount = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PENCE,
                                      help_text="Pence; the programme's amount if left out.")
    recipient_name = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                           default="")
    recipient_email = serializers.EmailField(required=False, allow_blank=True, default="")
    months_unemployed = serializers.IntegerField(required=False, min_value=0, max_value=600)
    expires_on = serializers.DateField(required=False)

    def validate_external_reference(self, value):
        value = value.strip()
        if not value:
            raise serializers.ValidationError("Enter a reference.")
        return value


class IssueResultSerializer(serializers.Serializer):
    budget = IssuedBudgetSerializer()
    created = serializers.BooleanField(
        help_text="False when this reference was issued before (nothing moved).")


class BulkIssueSerializer(serializers.Serializer):
    budgets = IssueBudgetSerializer(many=True, allow_empty=False, max_length=1000)


class BulkIssueResultSerializer(serializers.Serializer):
    issued = serializers.IntegerField()
    already_issued = serializers.IntegerField()
    results = IssueResultSerializer(many=True)


class ProgrammeSerializer(serializers.ModelSerializer):
    pot = serializers.IntegerField(read_only=True, help_text="Pence in the programme's pot.")

    class Meta:
        model = Programme
        fields = ["id", "name", "description", "status", "budget_per_person", "validity_months",
                  "outcome_share_bp", "milestones", "min_hours_per_week", "attribution_months",
                  "tier_multipliers", "eligibility_months_unemployed", "allowed_categories",
                  "created_at", "pot"]
        read_only_fields = ["id", "status", "created_at", "pot", "milestones",
                            "tier_multipliers"]
        extra_kwargs = {
            "budget_per_person": {"min_value": 1, "max_value": MAX_PENCE},
            "validity_months": {"min_value": 1, "max_value": 120},
            "outcome_share_bp": {"min_value": 0, "max_value": 10000},
            "min_hours_per_week": {"min_value": 1, "max_value": 100},
            "attribution_months": {"min_value": 1, "max_value": 120},
            "eligibility_months_unemployed": {"min_value": 0, "max_value": 600},
        }

    allowed_categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices), required=False,
        max_length=len(Category.choices))


class FundSerializer(serializers.Serializer):
    amount = serializers.IntegerField(min_value=1, max_value=MAX_PENCE, help_text="Pence.")
    reference = serializers.CharField(
        max_length=100, help_text="The grant or purchase order; repeating it moves nothing.")


class TransferSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    idempotency_key = serializers.CharField()
    kind = serializers.CharField()
    memo = serializers.CharField()
    created_at = serializers.DateTimeField()


# --- Outcomes -----------------------------------------------------------------------------


class MilestoneSerializer(serializers.ModelSerializer):
    class Meta:
        model = Milestone
        fields = ["id", "key", "label", "weeks", "share_bp", "due_on", "status",
                  "jobseeker_confirmed_at", "decided_at", "reason", "paid_at"]
        read_only_fields = fields


class OutcomeSerializer(serializers.ModelSerializer):
    jobseeker = serializers.SerializerMethodField()
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Outcome
        fields = ["id", "jobseeker", "programme", "employer", "job_title", "start_date",
                  "hours_per_week", "status", "status_reason", "support_tier", "reported_at",
                  "decided_at", "ended_on", "milestones"]
        read_only_fields = fields

    def get_jobseeker(self, outcome) -> str:
        # Pseudonymous: the pages show names; integrations get a stable id only.
        return str(outcome.jobseeker.pseudonym)


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="PDF, JPEG or PNG.")
    kind = serializers.ChoiceField(choices=Evidence.KINDS)


class EvidenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Evidence
        fields = ["id", "kind", "content_type", "size", "original_name", "uploaded_at"]
        read_only_fields = fields


# --- Bookings and the plan ----------------------------------------------------------------

MAX_ID = 10**18 - 1  # ids in bodies: the same range the URLs accept


class BookingOfferSerializer(serializers.ModelSerializer):
    class Meta:
        model = Offer
        fields = ["id", "title", "category", "delivery_mode", "area"]
        read_only_fields = fields


class BookingProviderSerializer(serializers.ModelSerializer):
    class Meta:
        model = Provider
        fields = ["id", "name"]
        read_only_fields = fields


class BookingEventSerializer(serializers.ModelSerializer):
    """One step of a booking's history, as the booking pages list it."""

    status = serializers.CharField(source="to_status", read_only=True)

    class Meta:
        model = BookingEvent
        fields = ["status", "from_status", "note", "at"]
        read_only_fields = fields


_BOOKING_FIELDS = ["id", "reference", "offer", "price", "status", "message",
                   "decline_reason", "cancel_reason", "dispute_reason", "resolution_note",
                   "requested_at", "accepted_at", "delivered_at", "confirmed_at", "closed_at",
                   "auto_confirmed", "events"]


class JobseekerBookingSerializer(serializers.ModelSerializer):
    """A jobseeker's own booking. ``price`` is pence, taken from the budget when booked."""

    reference = serializers.CharField(read_only=True)
    offer = BookingOfferSerializer(read_only=True)
    provider = BookingProviderSerializer(read_only=True)
    events = BookingEventSerializer(many=True, read_only=True)

    class Meta:
        model = Booking
        fields = [*_BOOKING_FIELDS[:3], "provider", *_BOOKING_FIELDS[3:], "flagged",
                  "flag_reason"]
        read_only_fields = fields


class BookingPersonSerializer(serializers.Serializer):
    """Who booked, as the provider's booking page shows them: a pseudonymous reference
    until the provider accepts; then their name, email and phone too."""

    reference = serializers.CharField(help_text="Short pseudonymous reference.")
    identity_shown = serializers.BooleanField(
        help_text="False until the booking is accepted: name, email and phone are null.")
    name = serializers.CharField(allow_null=True)
    email = serializers.CharField(allow_null=True)
    phone = serializers.CharField(allow_null=True)


class ProviderBookingSerializer(serializers.ModelSerializer):
    """A booking made with your provider."""

    reference = serializers.CharField(read_only=True)
    offer = BookingOfferSerializer(read_only=True)
    jobseeker = serializers.SerializerMethodField()
    events = BookingEventSerializer(many=True, read_only=True)

    class Meta:
        model = Booking
        fields = [*_BOOKING_FIELDS[:3], "jobseeker", *_BOOKING_FIELDS[3:]]
        read_only_fields = fields

    def get_jobseeker(self, booking) -> BookingPersonSerializer:
        from bookings.selectors import shows_jobseeker_identity

        person = booking.jobseeker
        data = {"reference": f"Person {str(person.pseudonym)[:8]}", "identity_shown": False,
                "name": None, "email": None, "phone": None}
        if shows_jobseeker_identity(booking):
            profile = getattr(person, "jobseeker_profile", None)
            data.update(identity_shown=True, name=person.display_name, email=person.email,
                        phone=(profile.phone or None) if profile else None)
        return BookingPersonSerializer(data).data


class BookingListParams(serializers.Serializer):
    status = serializers.ChoiceField(choices=BookingStatus.choices, required=False,
                                     help_text="Only bookings in this status.")


class BookingRequestSerializer(serializers.Serializer):
    """Book a listed offer; its price moves from your budget's available money to
    committed until the provider answers."""

    offer = serializers.IntegerField(min_value=1, max_value=MAX_ID,
                                     help_text="The id of a listed offer.")
    message = serializers.CharField(max_length=1000, required=False, allow_blank=True,
                                    default="",
                                    help_text="Anything the provider should know.")

    def validate_offer(self, value):
        from marketplace.selectors import offer_for_viewer

        offer = offer_for_viewer(offer_id=value, user=self.context["request"].user)
        if offer is None:
            raise serializers.ValidationError("There is no listed offer with that id.")
        return offer


class OptionalReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True,
                                   default="")


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000,
                                   help_text="Shown to the jobseeker.")


class PlanOfferSerializer(serializers.ModelSerializer):
    provider = serializers.CharField(source="provider.name", read_only=True)

    class Meta:
        model = Offer
        fields = ["id", "title", "category", "price", "provider"]
        read_only_fields = fields


class PlanItemSerializer(serializers.ModelSerializer):
    offer = PlanOfferSerializer(read_only=True)
    suggested_by = serializers.SerializerMethodField()

    class Meta:
        model = PlanItem
        fields = ["id", "offer", "status", "note", "suggested_by", "created_at",
                  "decided_at"]
        read_only_fields = fields

    def get_suggested_by(self, item) -> str | None:
        return item.suggested_by.display_name if item.suggested_by_id else None


class PlanGoalSerializer(serializers.ModelSerializer):
    class Meta:
        model = PlanGoal
        fields = ["id", "text", "target_date", "done", "created_at"]
        read_only_fields = ["id", "done", "created_at"]

    def validate_text(self, value):
        if not value.strip():
            raise serializers.ValidationError("Enter your goal.")
        return value


class GoalDoneSerializer(serializers.Serializer):
    done = serializers.BooleanField()


class PlanOfferAddSerializer(serializers.Serializer):
    offer = serializers.IntegerField(min_value=1, max_value=MAX_ID,
                                     help_text="The id of a listed offer.")

    def validate_offer(self, value):
        from marketplace.selectors import offer_for_viewer

        offer = offer_for_viewer(offer_id=value, user=self.context["request"].user)
        if offer is None:
            raise serializers.ValidationError("There is no listed offer with that id.")
        return offer


class PlanSerializer(serializers.Serializer):
    """Your back-to-work plan: your goals, what your adviser suggests (you decide), and
    the support you chose."""

    goals = PlanGoalSerializer(many=True)
    suggestions = PlanItemSerializer(many=True)
    planned = PlanItemSerializer(many=True)
    declined = PlanItemSerializer(many=True)


# --- Payouts -------------------------------------------------------------------------------


class PayoutRunSerializer(serializers.ModelSerializer):
    payouts = serializers.IntegerField(source="payout_count", read_only=True)
    total = serializers.IntegerField(source="payout_total", read_only=True,
                                     help_text="Pence.")

    class Meta:
        model = PayoutRun
        fields = ["id", "method", "status", "started_at", "finished_at", "problems",
                  "payouts", "total"]
        read_only_fields = fields


# --- Tokens -----------------------------------------------------------------------------------


class ApiTokenSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "role", "created_at", "last_used_at", "revoked_at"]
        read_only_fields = fields


TOKEN_ROLE_CHOICES = [(Role.COMMISSIONER_MANAGER.value, "Manager: can change things"),
                      (Role.COMMISSIONER_AUDITOR.value, "Auditor: read only")]
