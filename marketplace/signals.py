"""A provider's approval, suspension or rename changes what search may show of its offers."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from providers.models import Provider


@receiver(post_save, sender=Provider, dispatch_uid="marketplace_provider_saved")
def provider_saved(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return
    from marketplace import tasks

    tasks.enqueue_on_commit(tasks.sync_provider, instance.pk)
