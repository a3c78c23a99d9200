"""Offer search behind one interface: ``search_offers(SearchQuery) -> SearchResults``.

The backend is picked by ``settings.SEARCH_BACKEND``: the database's own full-text
search by default (``marketplace.search.database``), Elasticsearch when
ELASTICSEARCH_URL is set (``marketplace.search.elastic``). Only approved offers of
approved providers are ever found.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string

SORTS = ("relevance", "price_low", "price_high", "sustained_rate")
MAX_PAGE_SIZE = 100

# Price bands offered on the search form, in pence: (label, min, max), either end open.
PRICE_BANDS = {
    "under_100": ("Under £100", None, 9999),
    "100_500": ("£100 to £500", 10000, 50000),
    "500_1000": ("£500 to £1,000", 50001, 100000),
    "over_1000": ("Over £1,000", 100001, None),
}


@dataclass(frozen=True)
class SearchQuery:
    """What a person asked for. Prices in pence; a price band sets both ends at once."""

    text: str = ""
    category: str = ""
    delivery_mode: str = ""
    provider_type: str = ""
    social_enterprise_only: bool = False
    price_min: int | None = None
    price_max: int | None = None
    price_band: str = ""
    area: str = ""
    lat: float | None = None
    lon: float | None = None
    distance_km: float | None = None
    starts_within_days: int | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20

    def __post_init__(self):
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)}")
        if self.price_band and self.price_band not in PRICE_BANDS:
            raise ValueError(f"unknown price band {self.price_band!r}")
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        if self.page < 1 or not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise ValueError("page starts at 1; page_size is 1 to 100")

    @property
    def price_range(self) -> tuple[int | None, int | None]:
        """(min, max) pence, inclusive: the band narrowed by any explicit ends."""
        low, high = self.price_min, self.price_max
        if self.price_band:
            _, band_low, band_high = PRICE_BANDS[self.price_band]
            low = band_low if low is None else max(low, band_low or 0)
            high = band_high if high is None else (min(high, band_high)
                                                   if band_high is not None else high)
        return low, high

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size

    def with_page(self, page: int) -> SearchQuery:
        return replace(self, page=page)


@dataclass
class SearchResults:
    """One page of offers (provider and standing loaded), the total and the page count.

    Offers found near a point carry ``distance_km``.
    """

    offers: list
    total: int
    page: int
    page_size: int
    backend: str = "database"
    query: SearchQuery | None = field(default=None, repr=False)
    # True when more offers matched than were counted (``total`` is then a floor).
    more: bool = False

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def first_index(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.page_size + 1

    @property
    def last_index(self) -> int:
        return (self.page - 1) * self.page_size + len(self.offers)


class SearchBackend:
    """What every backend provides."""

    name = "base"

    def search(self, query: SearchQuery) -> SearchResults:  # pragma: no cover
        raise NotImplementedError


@cache
def _backend_class(path: str):
    return import_string(path)


def get_backend() -> SearchBackend:
    return _backend_class(settings.SEARCH_BACKEND)()


def search_offers(query: SearchQuery) -> SearchResults:
    """Find listed offers for ``query`` with the configured backend."""
    return get_backend().search(query)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in kilometres."""
    earth = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * earth * math.asin(math.sqrt(min(1.0, a)))
