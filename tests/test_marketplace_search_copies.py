"""Offer keeps copies of its provider's status, type and sustained-job rate for search;
these tests check the copies stay current."""

import pytest

from marketplace.models import Offer
from marketplace.search import SearchQuery, search_offers
from marketplace.services import refresh_provider_standing
from providers.models import ProviderStatus, ProviderType
from tests.factories import OfferFactory, ProviderFactory, ProviderStandingFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def titles(query: SearchQuery) -> list[str]:
    return [offer.title for offer in search_offers(query).offers]


def test_a_new_offer_copies_its_providers_status_type_and_rate():
    provider = ProviderFactory(provider_type=ProviderType.CIC)
    ProviderStandingFactory(provider=provider, sustained_rate_bp=4500)
    offer = OfferFactory(provider=provider)
    offer.refresh_from_db()
    assert (offer.provider_status, offer.provider_type, offer.provider_sustained_rate_bp) == (
        ProviderStatus.APPROVED, ProviderType.CIC, 4500)


def test_bulk_inserted_offers_get_the_copies_from_the_trigger():
    provider = ProviderFactory(provider_type=ProviderType.CIC)
    ProviderStandingFactory(provider=provider, sustained_rate_bp=4500)
    template = OfferFactory.build(provider=provider)
    Offer.objects.bulk_create([template])
    offer = Offer.objects.get(provider=provider)
    assert (offer.provider_status, offer.provider_type, offer.provider_sustained_rate_bp) == (
        ProviderStatus.APPROVED, ProviderType.CIC, 4500)


def test_suspending_a_provider_hides_its_offers_from_search():
    provider = ProviderFactory()
    OfferFactory(title="Kept", provider=ProviderFactory())
    OfferFactory(title="Hidden", provider=provider)
    provider.status = ProviderStatus.SUSPENDED
    provider.save()
    assert Offer.objects.get(title="Hidden").provider_status == ProviderStatus.SUSPENDED
    assert titles(SearchQuery()) == ["Kept"]


def test_re_approving_a_provider_lists_its_offers_again():
    provider = ProviderFactory(status=ProviderStatus.SUSPENDED)
    OfferFactory(title="Back", provider=provider)
    assert titles(SearchQuery()) == []
    provider.status = ProviderStatus.APPROVED
    provider.save()
    assert titles(SearchQuery()) == ["Back"]


def test_changing_a_providers_type_follows_to_the_type_filter():
    provider = ProviderFactory(provider_type=ProviderType.CIC)
    OfferFactory(title="Changed", provider=provider)
    provider.provider_type = ProviderType.SOCIAL_ENTERPRISE
    provider.save()
    assert titles(SearchQuery(provider_type=ProviderType.SOCIAL_ENTERPRISE)) == ["Changed"]
    assert titles(SearchQuery(provider_type=ProviderType.CIC)) == []


def test_a_change_of_standing_reorders_the_sustained_rate_sort():
    first, second = ProviderFactory(), ProviderFactory()
    ProviderStandingFactory(provider=first, sustained_rate_bp=6000)
    ProviderStandingFactory(provider=second, sustained_rate_bp=2000)
    OfferFactory(title="First", provider=first)
    OfferFactory(title="Second", provider=second)
    assert titles(SearchQuery(sort="sustained_rate")) == ["First", "Second"]
    refresh_provider_standing(provider=second, people_served=10, in_work_26_weeks=9)
    assert Offer.objects.get(title="Second").provider_sustained_rate_bp == 9000
    assert titles(SearchQuery(sort="sustained_rate")) == ["Second", "First"]


def test_a_standing_falling_below_the_minimum_clears_the_copied_rate():
    provider = ProviderFactory()
    ProviderStandingFactory(provider=provider, sustained_rate_bp=6000)
    OfferFactory(title="Only", provider=provider)
    refresh_provider_standing(provider=provider, people_served=2, in_work_26_weeks=1)
    assert Offer.objects.get(title="Only").provider_sustained_rate_bp is None
