from django.core.management.base import BaseCommand

from outbox.models import OutboxMessage
from outbox.services import relay_pending


class Command(BaseCommand):
    help = "Send tasks still waiting in the outbox (for example after a broker outage)."

    def handle(self, *args, **options):
        sent = relay_pending()
        left = OutboxMessage.objects.filter(sent_at__isnull=True).count()
        self.stdout.write(f"Sent {sent} task(s); {left} still waiting.")
