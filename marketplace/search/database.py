"""The default search backend: the database's own full-text search.

On PostgreSQL: ``websearch_to_tsquery`` against ``Offer.search_vector`` (kept current by
a trigger, GIN-indexed), ranked with ``ts_rank``. On SQLite: every word must appear in the
title or summary (icontains), ordered by title. Distance is haversine, after a bounding
box that the (latitude, longitude) index can answer.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.contrib.postgres.search import SearchQuery as PgSearchQuery
from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import F, FloatField, Q, Value
from django.db.models.functions import ASin, Cast, Cos, Least, Power, Radians, Sin, Sqrt
from django.utils import timezone

from marketplace.search import SearchBackend, SearchQuery, SearchResults
from marketplace.selectors import listed_offers
from providers.models import ProviderType

EARTH_KM = 6371.0088
# Counting stops here: "more than 1,000 offers" is all a person needs, and counting every
# match of a broad search would cost more than finding the page.
COUNT_LIMIT = 1000
SOCIAL_ENTERPRISE_TYPES = (ProviderType.SOCIAL_ENTERPRISE, ProviderType.CIC)
SEARCH_CONFIG = "english"


def distance_expression(lat: float, lon: float):
    """Haversine distance in km from (lat, lon) to each offer's coordinates."""
    lat1, lon1 = math.radians(lat), math.radians(lon)
    lat2 = Radians(Cast(F("latitude"), FloatField()))
    lon2 = Radians(Cast(F("longitude"), FloatField()))
    a = (
        Power(Sin((lat2 - Value(lat1)) / 2), 2)
        + Value(math.cos(lat1)) * Cos(lat2) * Power(Sin((lon2 - Value(lon1)) / 2), 2)
    )
    return Value(2 * EARTH_KM) * ASin(Least(Value(1.0), Sqrt(a)), output_field=FloatField())


def bounding_box(lat: float, lon: float, km: float) -> Q:
    """A box around the circle, cheap to test with the coordinates index."""
    dlat = km / 111.045
    dlon = km / max(0.01, 111.045 * math.cos(math.radians(lat)))
    return Q(latitude__gte=lat - dlat, latitude__lte=lat + dlat,
             longitude__gte=lon - dlon, longitude__lte=lon + dlon)


def filtered(query: SearchQuery):
    """The listed offers matching every filter in ``query``, annotated for sorting."""
    offers = listed_offers()
    ranked = False
    text = query.text.strip()
    if text:
        if connection.vendor == "postgresql":
            tsquery = PgSearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
            offers = offers.filter(search_vector=tsquery).annotate(
                rank=SearchRank(F("search_vector"), tsquery)
            )
            ranked = True
        else:
            for word in text.split():
                offers = offers.filter(
                    Q(title__icontains=word) | Q(what_you_get__icontains=word)
                    | Q(who_it_is_for__icontains=word)
                )
    if query.category:
        offers = offers.filter(category=query.category)
    if query.delivery_mode:
        offers = offers.filter(delivery_mode=query.delivery_mode)
    if query.provider_type:
        offers = offers.filter(provider_type=query.provider_type)
    if query.social_enterprise_only:
        offers = offers.filter(provider_type__in=SOCIAL_ENTERPRISE_TYPES)
    low, high = query.price_range
    if low is not None:
        offers = offers.filter(price__gte=low)
    if high is not None:
        offers = offers.filter(price__lte=high)
    if query.area.strip():
        offers = offers.filter(area__icontains=query.area.strip())
    if query.starts_within_days is not None:
        today = timezone.localdate()
        offers = offers.filter(
            next_start__gte=today,
            next_start__lte=today + timedelta(days=query.starts_within_days),
        )
    if query.has_location:
        offers = offers.annotate(distance_km=distance_expression(query.lat, query.lon))
        if query.distance_km is not None:
            offers = offers.filter(bounding_box(query.lat, query.lon, query.distance_km))
            offers = offers.filter(distance_km__lte=query.distance_km)
    return offers, ranked


def ordering(query: SearchQuery, ranked: bool) -> list:
    if query.sort == "price_low":
        return ["price", "id"]
    if query.sort == "price_high":
        return ["-price", "id"]
    if query.sort == "sustained_rate":
        return [F("provider_sustained_rate_bp").desc(nulls_last=True), "price", "id"]
    if ranked:
        return ["-rank", "id"]
    if query.has_location:
        return [F("distance_km").asc(nulls_last=True), "id"]
    return ["title", "id"]


class DatabaseBackend(SearchBackend):
    name = "database"

    def search(self, query: SearchQuery) -> SearchResults:
        offers, ranked = filtered(query)
        total = offers.order_by().values("pk")[:COUNT_LIMIT + 1].count()
        capped = total > COUNT_LIMIT
        total = min(total, COUNT_LIMIT)
        pages = max(1, math.ceil(total / query.page_size))
        page = min(query.page, pages)
        start = (page - 1) * query.page_size
        found = list(offers.order_by(*ordering(query, ranked))[start:start + query.page_size])
        return SearchResults(offers=found, total=total, page=page, page_size=query.page_size,
                             backend=self.name, query=query, more=capped)
