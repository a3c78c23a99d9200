"""Redis down: pages still work and no task is lost; the outbox relays it later."""

import pytest
from celery import shared_task
from django.db import transaction

from onward.celery import app
from outbox.models import OutboxMessage
from outbox.services import enqueue, relay_pending
from tests.conftest import REDIS_URL, reset_celery_connections

DEAD_BROKER = "redis://127.0.0.1:1/0"
PINGS: list[str] = []


@shared_task(name="tests.test_outbox.ping")
def ping(word):
    PINGS.append(word)


@pytest.fixture
def broker(settings):
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def reset_connections():
        reset_celery_connections(app)

    def point_at(url):
        app.conf.update(broker_url=url, task_always_eager=False)
        reset_connections()

    yield point_at
    app.conf.update(saved)
    reset_connections()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_while_the_broker_is_down_is_kept_and_relayed_later(broker):
    broker(DEAD_BROKER)
    with transaction.atomic():
        enqueue("tests.test_outbox.ping", "hello")
    message = OutboxMessage.objects.get()
    assert message.sent_at is None
    assert message.attempts == 1 and message.last_error

    broker(REDIS_URL)
    assert relay_pending() == 1
    message.refresh_from_db()
    assert message.sent_at is not None


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_enqueues_nothing(broker):
    broker(DEAD_BROKER)
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue("tests.test_outbox.ping", "hello")
        raise RuntimeError("the change failed")
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db
def test_without_a_broker_tasks_run_in_process_after_commit(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with transaction.atomic():
        message = enqueue("tests.test_outbox.ping", "hello")
    # on_commit callbacks run at the end of the test transaction only with captureOnCommit;
    # run the send directly, as the commit would.
    from outbox.services import _send

    assert _send(message.pk) is True
    assert PINGS[-1] == "hello"
    message.refresh_from_db()
    assert message.sent_at is not None
