"""Enqueue tasks through the outbox.

``enqueue`` writes the message inside the caller's transaction and, once that commits,
tries to hand it to the broker. If the broker is down the message stays pending (and
the page still works); ``relay_pending`` — run by beat every minute and by
``manage.py relay_outbox`` — sends it later. Tasks are idempotent, so a message sent
twice (relay racing the first attempt) does no harm.
"""

import logging
from importlib import import_module

from celery import current_app
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from outbox.models import OutboxMessage

log = logging.getLogger(__name__)


def enqueue(task_name: str, *args, **kwargs) -> OutboxMessage:
    message = OutboxMessage.objects.create(task_name=task_name, args=list(args), kwargs=kwargs)
    transaction.on_commit(lambda: _send(message.pk))
    return message


def _send(message_id: int) -> bool:
    message = OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
    if message is None:
        return True
    try:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            # Task names are their module paths: import it so the task is registered.
            import_module(message.task_name.rsplit(".", 1)[0])
            current_app.tasks[message.task_name].apply(args=message.args, kwargs=message.kwargs,
                                                       throw=True)
        else:
            current_app.send_task(message.task_name, args=message.args, kwargs=message.kwargs,
                                  retry=False)
    except (BrokerError, OSError) as error:
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=str(error)[:500])
        log.warning("Broker unavailable; task %s #%s kept in the outbox: %s",
                    message.task_name, message.pk, error)
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(
        sent_at=timezone.now(), attempts=message.attempts + 1, last_error="")
    return True


def relay_pending(limit: int = 500) -> int:
    """Send pending messages, oldest first; stop at the first broker failure."""
    sent = 0
    ids = OutboxMessage.objects.filter(sent_at__isnull=True).values_list("pk", flat=True)[:limit]
    for message_id in list(ids):
        if not _send(message_id):
            break
        sent += 1
    return sent
