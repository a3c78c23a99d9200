"""Forms for offers, their review, and the search page. Prices are typed in pounds and
stored in pence."""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.utils import timezone

from marketplace.models import Category, DeliveryMode, Offer
from marketplace.places import TOWNS, town_choices
from marketplace.search import MAX_PAGE_SIZE, PRICE_BANDS, SearchQuery
from marketplace.services import OFFER_FIELDS
from providers.models import ProviderType

POUNDS = re.compile(r"^\d{1,7}(\.\d{1,2})?$")
MAX_PRICE_PENCE = 10_000_000  # £100,000: far above any one offer; catches typos.


def pounds_to_pence(text: str, *, label: str = "the price") -> int:
    """'120' → 12000, '£1,250.5' → 125050. Raises ValidationError with a plain message."""
    cleaned = (text or "").strip().replace(",", "").lstrip("£").strip()
    if not POUNDS.match(cleaned):
        raise forms.ValidationError(
            f"Enter {label} in pounds, like 120 or 120.50", code="invalid"
        )
    pence = int((Decimal(cleaned) * 100).to_integral_value(rounding=ROUND_HALF_UP))
    return pence


def pence_to_pounds(pence) -> str:
    if pence in (None, ""):
        return ""
    pounds, rest = divmod(int(pence), 100)
    return f"{pounds}" if not rest else f"{pounds}.{rest:02d}"


class PoundsField(forms.CharField):
    """Typed in pounds ('120' or '120.50'), cleaned to integer pence."""

    def __init__(self, *args, label_for_errors="the price", **kwargs):
        self.label_for_errors = label_for_errors
        kwargs.setdefault("error_messages", {
            "required": f"Enter {label_for_errors} in pounds, like 120 or 120.50"})
        super().__init__(*args, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return pence_to_pounds(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        return pounds_to_pence(value, label=self.label_for_errors)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "data-width": "10", "spellcheck": "false"})
        return attrs


class CoordinateField(forms.CharField):
    """A latitude or longitude in decimal degrees, rounded to 5 places (about 1 metre)."""

    def __init__(self, *args, limit: int, name: str, **kwargs):
        self.limit, self.name = limit, name
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            example = "53.79970" if self.limit == 90 else "-1.54920"
            raise forms.ValidationError(
                f"Enter the {self.name} as a number, like {example}", code="invalid"
            ) from None
        if not -self.limit <= number <= self.limit:
            raise forms.ValidationError(
                f"The {self.name} must be between -{self.limit} and {self.limit}",
                code="range",
            )
        return number.quantize(Decimal("0.00001"), rounding=ROUND_HALF_UP)

    def prepare_value(self, value):
        return "" if value is None else str(value)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "data-width": "10", "spellcheck": "false"})
        return attrs


class OfferForm(forms.ModelForm):
    price = PoundsField(
        label="Price in pounds",
        help_text="What the jobseeker's budget pays, for example 120 or 120.50.",
    )
    latitude = CoordinateField(limit=90, name="latitude", label="Latitude (optional)",
                               help_text="Where it takes place, for searches by distance. "
                                         "For example, 53.79970.")
    longitude = CoordinateField(limit=180, name="longitude", label="Longitude (optional)",
                                help_text="For example, -1.54920. Give both or neither.")
    next_start = forms.DateField(
        label="Next start date (optional)", required=False,
        input_formats=["%d/%m/%Y", "%d %m %Y", "%Y-%m-%d", "%d-%m-%Y"],
        help_text="For example, 27/03/2027. Leave blank if people can start any time.",
        error_messages={"invalid": "Enter the next start date as a real date, like 27/03/2027"},
    )

    class Meta:
        model = Offer
        fields = list(OFFER_FIELDS)
        labels = {
            "title": "Title",
            "what_you_get": "What you will get",
            "who_it_is_for": "Who it is for",
            "price_covers": "What the price covers",
            "delivery_mode": "How it is delivered",
            "area": "Town or area",
            "capacity": "Places (optional)",
            "start_dates": "When it runs (optional)",
            "accessibility": "Accessibility (optional)",
            "languages": "Languages",
        }
        help_texts = {
            "title": "A short name a jobseeker will understand, like “Forklift licence "
                     "(counterbalance)”.",
            "what_you_get": "In plain words: what happens, how long it takes, what you "
                            "leave with.",
            "who_it_is_for": "Who it suits, and anything they need before they start.",
            "price_covers": "For example: 5 days' training, the test fee and a certificate.",
            "area": "Where it takes place. Leave blank if it is only online.",
            "capacity": "How many people you can take at a time. Blank for no limit.",
            "start_dates": "For example: every Monday, or starts on the first of each month.",
            "accessibility": "Step-free access, hearing loop, help with reading, and so on.",
            "languages": "The languages it is taught in, separated by commas.",
        }
        error_messages = {
            "title": {"required": "Enter a title"},
            "what_you_get": {"required": "Say what the jobseeker will get"},
            "who_it_is_for": {"required": "Say who the offer is for"},
            "category": {"required": "Choose a category"},
            "price_covers": {"required": "Say what the price covers"},
            "delivery_mode": {"required": "Choose how it is delivered"},
            "languages": {"required": "Enter at least one language"},
            "capacity": {"invalid": "Enter the number of places as a whole number, like 12"},
        }
        widgets = {
            "what_you_get": forms.Textarea(attrs={"rows": 5}),
            "who_it_is_for": forms.Textarea(attrs={"rows": 4}),
            "accessibility": forms.Textarea(attrs={"rows": 3}),
            "delivery_mode": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Choose a category")] + list(Category.choices)
        self.fields["delivery_mode"].choices = list(DeliveryMode.choices)

    def clean_price(self):
        price = self.cleaned_data.get("price")
        if price is None:
            raise forms.ValidationError("Enter the price in pounds, like 120 or 120.50")
        if price <= 0:
            raise forms.ValidationError("The price must be more than £0")
        if price > MAX_PRICE_PENCE:
            raise forms.ValidationError("The price must be £100,000 or less")
        return price

    def clean_capacity(self):
        capacity = self.cleaned_data.get("capacity")
        if capacity is not None and capacity < 1:
            raise forms.ValidationError("The number of places must be 1 or more")
        return capacity

    def clean_next_start(self):
        start = self.cleaned_data.get("next_start")
        unchanged = self.instance.pk and start == self.instance.next_start
        if start and not unchanged and start < timezone.localdate():
            raise forms.ValidationError("The next start date must be today or in the future")
        return start

    def clean(self):
        cleaned = super().clean()
        lat, lon = cleaned.get("latitude"), cleaned.get("longitude")
        if "latitude" not in self.errors and "longitude" not in self.errors:
            if lat is not None and lon is None:
                self.add_error("longitude", "Enter the longitude too, or remove the latitude")
            elif lon is not None and lat is None:
                self.add_error("latitude", "Enter the latitude too, or remove the longitude")
        mode = cleaned.get("delivery_mode")
        if mode in (DeliveryMode.IN_PERSON, DeliveryMode.BLENDED) and not cleaned.get("area"):
            self.add_error("area", "Enter the town or area where it takes place")
        return cleaned

    def offer_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in OFFER_FIELDS}


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label="Why are you refusing this offer?",
        help_text="The provider sees this. Say what they need to change.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason, so the provider knows what to change"},
        max_length=2000,
    )


def _with_any(choices, label="Any"):
    return [("", label)] + list(choices)


SORT_CHOICES = [
    ("relevance", "Best match"),
    ("price_low", "Price: lowest first"),
    ("price_high", "Price: highest first"),
    ("sustained_rate", "Most people still in work at 26 weeks"),
]
DISTANCE_CHOICES = [("5", "5 km"), ("10", "10 km"), ("25", "25 km"), ("50", "50 km"),
                    ("100", "100 km")]
STARTS_CHOICES = [("14", "2 weeks"), ("30", "1 month"), ("90", "3 months")]


class SearchForm(forms.Form):
    """The search page's GET form. Every field is optional; an invalid one is ignored
    (and shown as an error) while the others still filter."""

    q = forms.CharField(label="Search", required=False, max_length=200,
                        help_text="For example: forklift, childcare, interview")
    category = forms.ChoiceField(choices=_with_any(Category.choices), required=False)
    delivery_mode = forms.ChoiceField(label="How it is delivered",
                                      choices=_with_any(DeliveryMode.choices), required=False)
    provider_type = forms.ChoiceField(label="Type of provider",
                                      choices=_with_any(ProviderType.choices), required=False)
    social_enterprise = forms.BooleanField(
        label="Only social enterprises and community interest companies", required=False
    )
    price_band = forms.ChoiceField(
        label="Price", required=False,
        choices=_with_any([(key, label) for key, (label, _, _) in PRICE_BANDS.items()]),
    )
    price_min = PoundsField(label="Lowest price (£)", required=False,
                            label_for_errors="the lowest price")
    price_max = PoundsField(label="Highest price (£)", required=False,
                            label_for_errors="the highest price")
    area = forms.CharField(label="Town or area", required=False, max_length=120)
    near = forms.ChoiceField(label="Near", choices=_with_any(town_choices(), "Anywhere"),
                             required=False)
    distance = forms.ChoiceField(label="Within", choices=DISTANCE_CHOICES, required=False,
                                 initial="25")
    lat = forms.FloatField(required=False, min_value=-90, max_value=90,
                           widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180,
                           widget=forms.HiddenInput)
    starts_within = forms.ChoiceField(label="Starting within",
                                      choices=_with_any(STARTS_CHOICES, "Any time"),
                                      required=False)
    sort = forms.ChoiceField(label="Sort by", choices=SORT_CHOICES, required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=100000,
                              widget=forms.HiddenInput)

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", "The highest price must be more than the lowest price")
        if (cleaned.get("lat") is None) != (cleaned.get("lon") is None):
            cleaned["lat"] = cleaned["lon"] = None
        return cleaned

    def to_query(self, page_size: int = 20) -> SearchQuery:
        """The query from whatever validated (call after is_valid())."""
        data = getattr(self, "cleaned_data", {})
        lat, lon = data.get("lat"), data.get("lon")
        distance = None
        if data.get("near") in TOWNS:
            _, lat, lon = TOWNS[data["near"]]
        if lat is not None and lon is not None:
            distance = float(data.get("distance") or 25)
        starts = data.get("starts_within")
        return SearchQuery(
            text=data.get("q") or "",
            category=data.get("category") or "",
            delivery_mode=data.get("delivery_mode") or "",
            provider_type=data.get("provider_type") or "",
            social_enterprise_only=bool(data.get("social_enterprise")),
            price_band=data.get("price_band") or "",
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            area=data.get("area") or "",
            lat=lat, lon=lon, distance_km=distance,
            starts_within_days=int(starts) if starts else None,
            sort=data.get("sort") or "relevance",
            page=data.get("page") or 1,
            page_size=min(page_size, MAX_PAGE_SIZE),
        )
