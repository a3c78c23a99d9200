"""A provider's approval, suspension or rename changes what search may show of its offers."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from providers.models import Provider


@receiver(post_save, sender=Provider, dispatch_uid="marketplace_provider_saved")
def provider_saved(sender, instance, created, raw=False, **kwargs):
    if raw or created:
        return
    from marketplace.models import Offer

    Offer.objects.filter(provider=instance).exclude(
        provider_status=instance.status, provider_type=instance.provider_type
    ).update(provider_status=instance.status, provider_type=instance.provider_type)
    from marketplace import tasks

    tasks.enqueue_on_commit(tasks.sync_provider, instance.pk)


@receiver(post_save, sender="marketplace.ProviderStanding",
          dispatch_uid="marketplace_standing_saved")
def standing_saved(sender, instance, raw=False, **kwargs):
    """Keep each offer's copy of the provider's sustained-job rate current."""
    if raw:
        return
    from marketplace.models import Offer

    Offer.objects.filter(provider_id=instance.provider_id).exclude(
        provider_sustained_rate_bp=instance.sustained_rate_bp
    ).update(provider_sustained_rate_bp=instance.sustained_rate_bp)
