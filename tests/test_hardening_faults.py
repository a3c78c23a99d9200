"""Faults: the broker down, Elasticsearch down or misconfigured. Pages keep working and no
task is lost. (A Stripe outage: tests/test_payouts_stripe.py. A worker killed mid-task:
tests/test_hardening_worker.py. A database conflict: tests/test_hardening_retry.py.)"""

import logging

import pytest
from django.urls import reverse

from bookings import services as bookings
from bookings.models import Booking, BookingStatus
from ledger.verification import verify_ledger
from onward.celery import app
from outbox.models import OutboxMessage
from outbox.services import relay_pending
from tests.conftest import REDIS_URL, reset_celery_connections
from tests.factories import OfferFactory
from tests.factories.bookings import bookable_offer, budget_holder, funded_programme

DEAD_BROKER = "redis://127.0.0.1:1/0"
ES_BACKEND = "marketplace.search.elastic.ElasticsearchBackend"


@pytest.fixture
def broker(settings):
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def point_at(url):
        app.conf.update(broker_url=url, task_always_eager=False)
        reset_celery_connections(app)

    yield point_at
    app.conf.update(saved)
    reset_celery_connections(app)


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_booking_and_confirming_work_with_the_broker_down_and_the_task_waits(client, broker):
    broker(DEAD_BROKER)
    budget = budget_holder(funded_programme(per_person=50_000))
    offer = bookable_offer(price=20_000)
    client.force_login(budget.jobseeker)

    response = client.post(reverse("book_offer", args=[offer.pk]),
                           {"request_token": "fault-1", "message": ""})
    assert response.status_code == 302
    booking = Booking.objects.get()
    bookings.accept_booking(actor=offer.admin, booking=booking)
    bookings.mark_delivered(actor=offer.admin, booking=booking)
    response = client.post(reverse("jobseeker_booking", args=[booking.pk]),
                           {"action": "confirm"})

    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    waiting = OutboxMessage.objects.get(task_name="outcomes.tasks.refresh_provider_standings")
    assert waiting.sent_at is None and waiting.attempts == 1 and waiting.last_error
    assert verify_ledger().ok

    broker(REDIS_URL)  # the broker is back: beat's relay sends what waited
    assert relay_pending() >= 1
    waiting.refresh_from_db()
    assert waiting.sent_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["http://127.0.0.1:9", "not a url"])
def test_search_page_falls_back_to_the_database_when_elasticsearch_fails(
        client, settings, caplog, url):
    settings.SEARCH_BACKEND = ES_BACKEND
    settings.ELASTICSEARCH_URL = url
    OfferFactory(title="Forklift licence course")
    with caplog.at_level(logging.WARNING, logger="marketplace.search.elastic"):
        response = client.get(reverse("offer_search"), {"q": "forklift"})
    assert response.status_code == 200
    assert b"Forklift licence course" in response.content
    assert "searching the database instead" in caplog.text
