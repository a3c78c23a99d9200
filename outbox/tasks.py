from celery import shared_task

from outbox.services import relay_pending


@shared_task(name="outbox.tasks.relay_outbox")
def relay_outbox() -> int:
    return relay_pending()
