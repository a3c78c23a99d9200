"""Reads of offers the pages, panels and search share."""

from django.db.models import Count, Q

from marketplace.models import Offer, OfferStatus
from providers.models import ProviderStatus


def listed_offers():
    """Offers anyone may find: approved, of an approved provider; provider and its
    standing loaded in the same query."""
    return Offer.objects.filter(
        status=OfferStatus.APPROVED, provider_status=ProviderStatus.APPROVED
    ).select_related("provider", "provider__standing")


def listed_offer(offer_id: int) -> Offer | None:
    return listed_offers().filter(pk=offer_id).first()


def offer_for_viewer(*, offer_id: int, user) -> Offer | None:
    """The offer page: anyone sees a listed offer; the provider's own members and
    commissioner staff also see it before approval. Anyone else: None (a 404)."""
    offer = Offer.objects.select_related("provider", "provider__standing").filter(
        pk=offer_id
    ).first()
    if offer is None:
        return None
    if offer.is_listed:
        return offer
    if user.is_authenticated:
        if user.is_commissioner_manager or user.is_auditor:
            return offer
        membership = getattr(user, "provider_membership", None)
        if user.is_provider_member and membership and membership.provider_id == offer.provider_id:
            return offer
    return None


def provider_offers(provider):
    """All of one provider's offers, any status, for its own members only."""
    return Offer.objects.filter(provider=provider).order_by("status", "title", "id")


def provider_offer(*, provider, offer_id: int) -> Offer | None:
    return Offer.objects.filter(provider=provider, pk=offer_id).first()


def provider_offer_counts(provider) -> dict[str, int]:
    """{status: count} of one provider's offers."""
    rows = Offer.objects.filter(provider=provider).values("status").annotate(n=Count("id"))
    counts = {status: 0 for status in OfferStatus.values}
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def pending_offers():
    """The approvals queue: oldest change first."""
    return Offer.objects.filter(status=OfferStatus.PENDING).select_related(
        "provider"
    ).order_by("updated_at", "id")


def pending_offer_count() -> int:
    return Offer.objects.filter(status=OfferStatus.PENDING).count()


def offer_for_review(offer_id: int) -> Offer | None:
    return Offer.objects.select_related("provider", "provider__standing", "reviewed_by").filter(
        Q(pk=offer_id)
    ).first()
