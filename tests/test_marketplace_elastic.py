"""The Elasticsearch backend without a server: the documents it writes, the query bodies
it sends, the tasks that keep it in step, and the fall-back to the database. One live
test runs only when ELASTICSEARCH_URL points at a real server."""

import logging
import os
from datetime import timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from marketplace import services, tasks
from marketplace.models import Category, DeliveryMode, OfferStatus
from marketplace.search import SearchQuery, search_offers
from marketplace.search.elastic import OfferDocument, build_search
from outbox.models import OutboxMessage
from providers.models import ProviderStatus, ProviderType
from tests.factories import OfferFactory, ProviderFactory, ProviderStandingFactory

ES_BACKEND = "marketplace.search.elastic.ElasticsearchBackend"


def body(**fields) -> dict:
    return build_search(SearchQuery(**fields)).to_dict()


def filters(**fields) -> list:
    return body(**fields)["query"]["bool"]["filter"]


@pytest.mark.django_db
def test_document_holds_what_search_filters_and_sorts_on():
    provider = ProviderFactory(name="Bright Futures CIC", provider_type=ProviderType.CIC)
    ProviderStandingFactory(provider=provider, sustained_rate_bp=4200, rating_average="4.50")
    offer = OfferFactory(provider=provider, title="Forklift licence", price=45000,
                         category=Category.LICENCES, latitude=Decimal("53.79970"),
                         longitude=Decimal("-1.54920"), next_start=timezone.localdate())
    document = OfferDocument.from_offer(offer)
    data = document.to_dict()
    assert document.meta.id == offer.pk
    assert data["title"] == "Forklift licence"
    assert data["price"] == 45000 and data["category"] == "licences"
    assert data["location"] == {"lat": 53.7997, "lon": -1.5492}
    assert data["provider_name"] == "Bright Futures CIC"
    assert data["provider_type"] == "cic" and data["social_enterprise"] is True
    assert data["sustained_rate_bp"] == 4200 and data["rating_average"] == 4.5
    assert data["next_start"] == timezone.localdate()


@pytest.mark.django_db
def test_document_of_an_online_offer_without_a_record_leaves_those_fields_out():
    offer = OfferFactory(delivery_mode=DeliveryMode.ONLINE, area="")
    data = OfferDocument.from_offer(offer).to_dict()
    assert "location" not in data and "sustained_rate_bp" not in data


def test_index_name_comes_from_settings(settings):
    assert OfferDocument._index._name == settings.ELASTICSEARCH_INDEX


def test_text_is_a_multi_match_across_the_offer_fields():
    match = body(text="forklift licence")["query"]["multi_match"]
    assert match["query"] == "forklift licence" and match["operator"] == "and"
    assert "title^3" in match["fields"] and "what_you_get^2" in match["fields"]
    combined = body(text="forklift", category="licences")["query"]["bool"]
    assert combined["must"][0]["multi_match"]["query"] == "forklift"
    assert combined["filter"] == [{"term": {"category": "licences"}}]


def test_no_text_no_filters_matches_all_ordered_by_title():
    data = body()
    assert "query" not in data
    assert data["sort"] == [{"title.raw": {"order": "asc"}}]


@pytest.mark.parametrize("fields, clause", [
    ({"category": "travel"}, {"term": {"category": "travel"}}),
    ({"delivery_mode": "online"}, {"term": {"delivery_mode": "online"}}),
    ({"provider_type": "charity"}, {"term": {"provider_type": "charity"}}),
    ({"social_enterprise_only": True}, {"term": {"social_enterprise": True}}),
    ({"price_min": 1000, "price_max": 5000}, {"range": {"price": {"gte": 1000, "lte": 5000}}}),
    ({"price_band": "under_100"}, {"range": {"price": {"lte": 9999}}}),
    ({"price_band": "over_1000"}, {"range": {"price": {"gte": 100001}}}),
    ({"area": "Leeds"}, {"match": {"area": {"query": "Leeds", "operator": "and"}}}),
    ({"lat": 53.8, "lon": -1.5, "distance_km": 10},
     {"geo_distance": {"distance": "10km", "location": {"lat": 53.8, "lon": -1.5}}}),
])
def test_each_facet_becomes_a_filter(fields, clause):
    assert filters(**fields) == [clause]


def test_starting_within_is_a_date_range_from_today():
    today = timezone.localdate()
    assert filters(starts_within_days=30) == [{"range": {"next_start": {
        "gte": today.isoformat(), "lte": (today + timedelta(days=30)).isoformat()}}}]


@pytest.mark.parametrize("sort, first", [
    ("price_low", {"price": {"order": "asc"}}),
    ("price_high", {"price": {"order": "desc"}}),
    ("sustained_rate", {"sustained_rate_bp": {"order": "desc", "missing": "_last"}}),
])
def test_each_sort(sort, first):
    assert body(sort=sort)["sort"][0] == first


def test_relevance_sorts_by_score_with_text_and_by_distance_near_a_point():
    assert body(text="cv")["sort"][0] == "_score"
    near = body(lat=53.8, lon=-1.5, distance_km=10)["sort"][0]
    assert near["_geo_distance"]["location"] == {"lat": 53.8, "lon": -1.5}


def test_pages_become_from_and_size():
    data = body(page=3, page_size=10)
    assert (data["from"], data["size"]) == (20, 10)
    assert data["track_total_hits"] is True


@pytest.mark.django_db
def test_unreachable_elasticsearch_falls_back_to_the_database_with_a_warning(settings, caplog):
    settings.SEARCH_BACKEND = ES_BACKEND
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"  # nothing listens on the discard port
    OfferFactory(title="Still found")
    with caplog.at_level(logging.WARNING, logger="marketplace.search.elastic"):
        results = search_offers(SearchQuery())
    assert results.backend == "database"
    assert [o.title for o in results.offers] == ["Still found"]
    assert "Elasticsearch unavailable" in caplog.text


# --- Keeping the index in step --------------------------------------------------------


@pytest.fixture
def es_enabled(settings):
    settings.SEARCH_BACKEND = ES_BACKEND
    settings.ELASTICSEARCH_URL = "http://127.0.0.1:9"


@pytest.mark.django_db
def test_approving_enqueues_indexing_after_commit(es_enabled, manager,
                                                  django_capture_on_commit_callbacks):
    offer = OfferFactory(status=OfferStatus.PENDING)
    # Through the outbox (hardening): written with the change, sent once it commits.
    with mock.patch("outbox.services._send") as send:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.approve_offer(actor=manager, offer=offer)
        send.assert_not_called()  # not before the commit
        for callback in callbacks:
            callback()
    message = OutboxMessage.objects.get()
    assert (message.task_name, message.args) == ("marketplace.tasks.sync_offer", [offer.pk])
    send.assert_called_once_with(message.pk)


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["withdraw", "refuse"])
def test_withdrawing_or_refusing_enqueues_removal(es_enabled, manager, provider_admin, action,
                                                  django_capture_on_commit_callbacks):
    provider = provider_admin.provider_membership.provider
    offer = OfferFactory(provider=provider, status=OfferStatus.PENDING)
    with mock.patch("outbox.services._send"), \
            django_capture_on_commit_callbacks(execute=True):
        if action == "withdraw":
            services.withdraw_offer(actor=provider_admin, offer=offer)
        else:
            services.refuse_offer(actor=manager, offer=offer, reason="Price unclear")
    message = OutboxMessage.objects.get()
    assert (message.task_name, message.args) == ("marketplace.tasks.sync_offer", [offer.pk])


@pytest.mark.django_db
def test_a_suspended_provider_has_its_offers_resynced(es_enabled,
                                                      django_capture_on_commit_callbacks):
    offer = OfferFactory()
    OutboxMessage.objects.all().delete()
    with mock.patch("outbox.services._send"), \
            django_capture_on_commit_callbacks(execute=True):
        offer.provider.status = ProviderStatus.SUSPENDED
        offer.provider.save()
    message = OutboxMessage.objects.get()
    assert (message.task_name, message.args) == ("marketplace.tasks.sync_provider",
                                                 [offer.provider.pk])


@pytest.mark.django_db
def test_nothing_is_enqueued_with_the_database_backend(manager,
                                                       django_capture_on_commit_callbacks):
    offer = OfferFactory(status=OfferStatus.PENDING)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.approve_offer(actor=manager, offer=offer)
    assert not OutboxMessage.objects.exists()
    assert callbacks == []


@pytest.mark.django_db
def test_sync_task_indexes_listed_offers_and_deletes_the_rest(es_enabled, settings):
    listed = OfferFactory()
    withdrawn = OfferFactory(status=OfferStatus.WITHDRAWN)
    client = mock.MagicMock()
    with mock.patch("marketplace.search.elastic.get_client", return_value=client):
        assert tasks.sync_offer(listed.pk) == (1, 0)
        assert tasks.sync_offer(withdrawn.pk) == (0, 1)
    indexed = client.index.call_args.kwargs
    assert indexed["id"] == listed.pk and indexed["body"]["title"] == listed.title
    client.delete.assert_called_once_with(index=settings.ELASTICSEARCH_INDEX,
                                          id=str(withdrawn.pk), ignore_status=404)


# --- A real server ------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.skipif(not os.environ.get("ELASTICSEARCH_URL"),
                    reason="needs a live Elasticsearch: set ELASTICSEARCH_URL")
def test_live_elasticsearch_finds_an_indexed_offer(settings):
    settings.SEARCH_BACKEND = ES_BACKEND
    settings.ELASTICSEARCH_URL = os.environ["ELASTICSEARCH_URL"]
    OfferFactory(title="Forklift licence", category=Category.LICENCES, price=40000)
    OfferFactory(title="Interview coaching", category=Category.CV_INTERVIEW)
    call_command("reindex")
    results = search_offers(SearchQuery(text="forklift", category=Category.LICENCES))
    assert results.backend == "elasticsearch"
    assert [o.title for o in results.offers] == ["Forklift licence"]
