"""`python manage.py reindex`: rebuild the Elasticsearch offer index from the database."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from elasticsearch.helpers import bulk

from marketplace.search.elastic import OfferDocument, get_client
from marketplace.selectors import listed_offers


class Command(BaseCommand):
    help = "Drop and rebuild the Elasticsearch index of listed offers."

    def add_arguments(self, parser):
        parser.add_argument("--chunk-size", type=int, default=500)

    def handle(self, *args, chunk_size=500, **options):
        if not settings.ELASTICSEARCH_URL:
            raise CommandError("ELASTICSEARCH_URL is not set: the database search needs "
                               "no index.")
        client = get_client()
        index = OfferDocument._index
        if index.exists(using=client):
            index.delete(using=client)
        OfferDocument.init(using=client)
        actions = (
            OfferDocument.from_offer(offer).to_dict(include_meta=True)
            for offer in listed_offers().order_by("pk").iterator(chunk_size=chunk_size)
        )
        indexed, errors = bulk(client, actions, chunk_size=chunk_size, stats_only=True)
        index.refresh(using=client)
        self.stdout.write(f"Indexed {indexed} offers into {settings.ELASTICSEARCH_INDEX}"
                          f"{f' ({errors} failed)' if errors else ''}.")
