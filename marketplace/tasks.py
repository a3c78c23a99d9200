"""Keeping the Elasticsearch index in step with the offers. Idempotent: each task re-reads
the rows it acts on, so a repeat or a late run writes the current state.

With the database search backend there is no index, and nothing is enqueued.
"""

import logging

from celery import shared_task
from django.conf import settings

logger = logging.getLogger(__name__)


def index_enabled() -> bool:
    return settings.SEARCH_BACKEND.endswith(".ElasticsearchBackend")


def enqueue_on_commit(task, *args) -> None:
    """Run ``task`` after the current transaction commits (never for rolled-back work)."""
    if not index_enabled():
        return
    from outbox.services import enqueue

    # Through the outbox: kept and relayed later if the broker is down.
    enqueue(task.name, *args)


def _write(offers) -> tuple[int, int]:
    """Index the listed ones, delete the others. Returns (indexed, deleted)."""
    from marketplace.search.elastic import OfferDocument, get_client

    client = get_client()
    indexed = deleted = 0
    for offer in offers:
        if offer.is_listed:
            OfferDocument.from_offer(offer).save(using=client)
            indexed += 1
        else:
            client.delete(index=settings.ELASTICSEARCH_INDEX, id=str(offer.pk),
                          ignore_status=404)
            deleted += 1
    return indexed, deleted


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def sync_offer(self, offer_id: int):
    """Index one offer if it is listed, remove it from the index if not."""
    from marketplace.models import Offer

    if not index_enabled():
        return "no index"
    offers = list(Offer.objects.select_related("provider", "provider__standing")
                  .filter(pk=offer_id))
    if not offers:
        from marketplace.search.elastic import get_client

        get_client().delete(index=settings.ELASTICSEARCH_INDEX, id=str(offer_id),
                            ignore_status=404)
        return "deleted"
    return _write(offers)


@shared_task(bind=True, max_retries=5, default_retry_delay=30)
def sync_provider(self, provider_id: int):
    """Re-index every offer of one provider: after its approval, suspension, a rename or a
    new standing."""
    from marketplace.models import Offer

    if not index_enabled():
        return "no index"
    offers = Offer.objects.select_related("provider", "provider__standing").filter(
        provider_id=provider_id
    )
    return _write(offers.iterator(chunk_size=500))
