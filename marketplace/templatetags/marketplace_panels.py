"""Offer panels on the provider and commissioner home pages."""

from django import template

from marketplace.models import OfferStatus
from marketplace.selectors import pending_offer_count, provider_offer_counts

register = template.Library()


@register.inclusion_tag("marketplace/panels/_commissioner.html", takes_context=True)
def offers_commissioner_panel(context):
    user = context["request"].user
    return {"pending": pending_offer_count(), "can_act": user.is_commissioner_manager}


@register.inclusion_tag("marketplace/panels/_provider.html", takes_context=True)
def offers_provider_panel(context):
    membership = getattr(context["request"].user, "provider_membership", None)
    if membership is None:
        return {"provider": None}
    counts = provider_offer_counts(membership.provider)
    rows = [(label, counts[value]) for value, label in OfferStatus.choices]
    return {"provider": membership.provider, "rows": rows}
