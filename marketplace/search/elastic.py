"""The Elasticsearch backend: one document per listed offer, a bool query per search.

Documents are written by ``marketplace.tasks`` (enqueued on commit by the offer
services) and rebuilt by ``manage.py reindex``. If Elasticsearch cannot be reached at
query time, the search falls back to the database backend and logs a warning.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import cache

from django.conf import settings as django_settings
from django.utils import timezone
from elastic_transport import TransportError
from elasticsearch import ApiError, Elasticsearch
from elasticsearch.dsl import Boolean, Date, Document, Float, GeoPoint, Integer, Keyword, Q, Text

from marketplace.search import SearchBackend, SearchQuery, SearchResults, haversine_km
from marketplace.search.database import SOCIAL_ENTERPRISE_TYPES, DatabaseBackend
from marketplace.selectors import listed_offers

logger = logging.getLogger(__name__)

# Fields the free text is matched against, with their boosts.
TEXT_FIELDS = [
    "title^3", "what_you_get^2", "who_it_is_for^2", "price_covers", "area", "provider_name",
    "accessibility", "languages",
]


@cache
def _client(url: str) -> Elasticsearch:
    return Elasticsearch(url, request_timeout=3, max_retries=1)


def get_client() -> Elasticsearch:
    """One client per URL, shared by the process (it pools its connections)."""
    return _client(django_settings.ELASTICSEARCH_URL)


class OfferDocument(Document):
    """What the index holds about one listed offer."""

    title = Text(analyzer="english", fields={"raw": Keyword()})
    what_you_get = Text(analyzer="english")
    who_it_is_for = Text(analyzer="english")
    price_covers = Text(analyzer="english")
    category = Keyword()
    price = Integer()
    delivery_mode = Keyword()
    area = Text(fields={"raw": Keyword(normalizer="lowercase")})
    location = GeoPoint()
    next_start = Date()
    start_dates = Text()
    accessibility = Text(analyzer="english")
    languages = Text()
    provider_id = Integer()
    provider_name = Text(fields={"raw": Keyword()})
    provider_type = Keyword()
    social_enterprise = Boolean()
    sustained_rate_bp = Integer()
    rating_average = Float()

    class Index:
        name = django_settings.ELASTICSEARCH_INDEX
        settings = {"number_of_shards": 1, "number_of_replicas": 0}

    @classmethod
    def from_offer(cls, offer) -> OfferDocument:
        provider = offer.provider
        standing = offer.standing
        location = None
        if offer.has_coordinates:
            location = {"lat": float(offer.latitude), "lon": float(offer.longitude)}
        return cls(
            meta={"id": offer.pk},
            title=offer.title,
            what_you_get=offer.what_you_get,
            who_it_is_for=offer.who_it_is_for,
            price_covers=offer.price_covers,
            category=offer.category,
            price=offer.price,
            delivery_mode=offer.delivery_mode,
            area=offer.area,
            location=location,
            next_start=offer.next_start,
            start_dates=offer.start_dates,
            accessibility=offer.accessibility,
            languages=offer.languages,
            provider_id=provider.pk,
            provider_name=provider.name,
            provider_type=provider.provider_type,
            social_enterprise=provider.provider_type in SOCIAL_ENTERPRISE_TYPES,
            sustained_rate_bp=standing.sustained_rate_bp if standing else None,
            rating_average=float(standing.rating_average)
            if standing and standing.rating_average is not None else None,
        )


def build_search(query: SearchQuery, page: int | None = None):
    """The elasticsearch.dsl Search for ``query``: ``.to_dict()`` is the request body."""
    # Only ids come back: the offers themselves are read from the database.
    search = OfferDocument.search().extra(track_total_hits=True).source(False)
    text = query.text.strip()
    if text:
        search = search.query(Q(
            "multi_match", query=text, fields=TEXT_FIELDS, type="best_fields",
            operator="and", fuzziness="AUTO",
        ))
    filters = []
    if query.category:
        filters.append(Q("term", category=query.category))
    if query.delivery_mode:
        filters.append(Q("term", delivery_mode=query.delivery_mode))
    if query.provider_type:
        filters.append(Q("term", provider_type=query.provider_type))
    if query.social_enterprise_only:
        filters.append(Q("term", social_enterprise=True))
    low, high = query.price_range
    if low is not None or high is not None:
        bounds = {}
        if low is not None:
            bounds["gte"] = low
        if high is not None:
            bounds["lte"] = high
        filters.append(Q("range", price=bounds))
    if query.area.strip():
        filters.append(Q("match", area={"query": query.area.strip(), "operator": "and"}))
    if query.starts_within_days is not None:
        today = timezone.localdate()
        filters.append(Q("range", next_start={
            "gte": today.isoformat(),
            "lte": (today + timedelta(days=query.starts_within_days)).isoformat(),
        }))
    if query.has_location and query.distance_km is not None:
        filters.append(Q("geo_distance", distance=f"{query.distance_km}km",
                         location={"lat": query.lat, "lon": query.lon}))
    for clause in filters:
        search = search.filter(clause)
    search = search.sort(*sort_clauses(query, bool(text)))
    page = page or query.page
    start = (page - 1) * query.page_size
    return search[start:start + query.page_size]


def sort_clauses(query: SearchQuery, has_text: bool) -> list:
    tiebreak = {"title.raw": {"order": "asc"}}
    if query.sort == "price_low":
        return [{"price": {"order": "asc"}}, tiebreak]
    if query.sort == "price_high":
        return [{"price": {"order": "desc"}}, tiebreak]
    if query.sort == "sustained_rate":
        return [{"sustained_rate_bp": {"order": "desc", "missing": "_last"}},
                {"price": {"order": "asc"}}, tiebreak]
    if has_text:
        return ["_score", tiebreak]
    if query.has_location:
        return [{"_geo_distance": {"location": {"lat": query.lat, "lon": query.lon},
                                   "order": "asc", "unit": "km"}}, tiebreak]
    return [tiebreak]


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def search(self, query: SearchQuery) -> SearchResults:
        try:
            return self._search(query)
        # ValueError: a misconfigured ELASTICSEARCH_URL (hardening: search must still work).
        except (TransportError, ApiError, ValueError) as error:
            logger.warning("Elasticsearch unavailable (%s); searching the database instead.",
                           error)
            return DatabaseBackend().search(query)

    def _search(self, query: SearchQuery) -> SearchResults:
        client = get_client()
        response = build_search(query).using(client).execute()
        total = response.hits.total.value
        pages = max(1, -(-total // query.page_size))
        page = query.page
        if page > pages:
            page = pages
            response = build_search(query, page=page).using(client).execute()
        ids = [int(hit.meta.id) for hit in response]
        # The database has the last word: an offer refused a moment ago is not shown.
        by_id = listed_offers().in_bulk(ids)
        offers = [by_id[pk] for pk in ids if pk in by_id]
        if query.has_location:
            for offer in offers:
                offer.distance_km = (
                    haversine_km(query.lat, query.lon, float(offer.latitude),
                                 float(offer.longitude))
                    if offer.has_coordinates else None
                )
        return SearchResults(offers=offers, total=total, page=page,
                             page_size=query.page_size, backend=self.name, query=query)
