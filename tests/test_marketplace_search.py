"""Search on real PostgreSQL full-text search: ranking, every filter, every sort, pages,
and only approved offers of approved providers."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.models import Category, DeliveryMode, Offer, OfferStatus
from marketplace.search import SearchQuery, search_offers
from marketplace.services import refresh_provider_standing
from providers.models import ProviderStatus, ProviderType
from tests.factories import OfferFactory, ProviderFactory, ProviderStandingFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def titles(query: SearchQuery) -> list[str]:
    return [offer.title for offer in search_offers(query).offers]


def test_a_word_in_the_title_ranks_above_the_same_word_in_the_summary():
    OfferFactory(title="Interview practice", what_you_get="Mock interviews with feedback.")
    OfferFactory(title="Forklift licence", what_you_get="Training and the forklift test.")
    OfferFactory(title="Warehouse skills", what_you_get="Includes an hour on the forklift.")
    assert titles(SearchQuery(text="forklift")) == ["Forklift licence", "Warehouse skills"]


def test_text_search_matches_word_forms_and_websearch_syntax():
    OfferFactory(title="Childcare while you train", what_you_get="Nursery places.")
    OfferFactory(title="Online childcare course", what_you_get="Learn at home.",
                 delivery_mode=DeliveryMode.ONLINE)
    assert len(titles(SearchQuery(text="childcare"))) == 2
    assert titles(SearchQuery(text="childcare -online")) == ["Childcare while you train"]
    assert titles(SearchQuery(text='"learn at home"')) == ["Online childcare course"]
    assert titles(SearchQuery(text="training")) == ["Childcare while you train"]  # stemmed


def test_the_search_vector_follows_a_change_to_the_offer():
    offer = OfferFactory(title="Bike repair")
    Offer.objects.filter(pk=offer.pk).update(title="Scooter repair")
    assert titles(SearchQuery(text="scooter")) == ["Scooter repair"]
    assert titles(SearchQuery(text="bike")) == []


@pytest.mark.parametrize("status", [OfferStatus.DRAFT, OfferStatus.PENDING,
                                    OfferStatus.REFUSED, OfferStatus.WITHDRAWN])
def test_offers_not_approved_are_never_found(status):
    OfferFactory(title="Listed", status=OfferStatus.APPROVED)
    OfferFactory(title="Hidden", status=status)
    assert titles(SearchQuery()) == ["Listed"]
    assert titles(SearchQuery(text="hidden")) == []


@pytest.mark.parametrize("status", [ProviderStatus.PENDING, ProviderStatus.SUSPENDED,
                                    ProviderStatus.REFUSED])
def test_approved_offers_of_providers_not_approved_are_never_found(status):
    OfferFactory(title="Listed")
    OfferFactory(title="Of a suspended provider", provider=ProviderFactory(status=status))
    assert titles(SearchQuery()) == ["Listed"]


def test_filter_by_category():
    OfferFactory(title="Coach", category=Category.COACHING)
    OfferFactory(title="Bus pass", category=Category.TRAVEL)
    assert titles(SearchQuery(category=Category.TRAVEL)) == ["Bus pass"]


def test_filter_by_delivery_mode():
    OfferFactory(title="Room", delivery_mode=DeliveryMode.IN_PERSON)
    OfferFactory(title="Zoom", delivery_mode=DeliveryMode.ONLINE)
    assert titles(SearchQuery(delivery_mode=DeliveryMode.ONLINE)) == ["Zoom"]


def test_filter_by_provider_type():
    OfferFactory(title="Charity's", provider=ProviderFactory(provider_type=ProviderType.CHARITY))
    OfferFactory(title="Company's",
                 provider=ProviderFactory(provider_type=ProviderType.COMPANY))
    assert titles(SearchQuery(provider_type=ProviderType.COMPANY)) == ["Company's"]


def test_social_enterprise_only_includes_community_interest_companies():
    OfferFactory(title="SE", provider=ProviderFactory(
        provider_type=ProviderType.SOCIAL_ENTERPRISE))
    OfferFactory(title="CIC", provider=ProviderFactory(provider_type=ProviderType.CIC))
    OfferFactory(title="Co", provider=ProviderFactory(provider_type=ProviderType.COMPANY))
    assert titles(SearchQuery(social_enterprise_only=True)) == ["CIC", "SE"]


def test_filter_by_price_range_in_pence_is_inclusive():
    for price in (5000, 10000, 20000, 60000):
        OfferFactory(title=f"£{price // 100}", price=price)
    assert titles(SearchQuery(price_min=10000, price_max=20000)) == ["£100", "£200"]


def test_filter_by_price_band():
    for price in (5000, 10000, 60000, 150000):
        OfferFactory(title=f"£{price // 100}", price=price)
    assert titles(SearchQuery(price_band="under_100")) == ["£50"]
    assert titles(SearchQuery(price_band="100_500")) == ["£100"]
    assert titles(SearchQuery(price_band="500_1000")) == ["£600"]
    assert titles(SearchQuery(price_band="over_1000")) == ["£1500"]


def test_filter_by_area_text():
    OfferFactory(title="In Leeds", area="Leeds city centre")
    OfferFactory(title="In York", area="York")
    assert titles(SearchQuery(area="leeds")) == ["In Leeds"]


def test_filter_by_distance_from_a_point():
    leeds = (Decimal("53.79970"), Decimal("-1.54920"))
    OfferFactory(title="Leeds", latitude=leeds[0], longitude=leeds[1])
    OfferFactory(title="Bradford", latitude=Decimal("53.79600"), longitude=Decimal("-1.75940"))
    OfferFactory(title="London", latitude=Decimal("51.50720"), longitude=Decimal("-0.12760"))
    OfferFactory(title="Online only", delivery_mode=DeliveryMode.ONLINE, area="")
    near = SearchQuery(lat=53.7997, lon=-1.5492, distance_km=20)
    assert titles(near) == ["Leeds", "Bradford"]  # nearest first
    results = search_offers(near)
    assert results.offers[0].distance_km == pytest.approx(0, abs=0.01)
    assert results.offers[1].distance_km == pytest.approx(13.9, abs=0.5)
    assert len(titles(SearchQuery(lat=53.7997, lon=-1.5492, distance_km=400))) == 3


def test_filter_by_start_within_days():
    today = timezone.localdate()
    OfferFactory(title="Next week", next_start=today + timedelta(days=7))
    OfferFactory(title="Next season", next_start=today + timedelta(days=80))
    OfferFactory(title="Started already", next_start=today - timedelta(days=1))
    OfferFactory(title="Any time", next_start=None)
    assert titles(SearchQuery(starts_within_days=14)) == ["Next week"]
    assert titles(SearchQuery(starts_within_days=90)) == ["Next season", "Next week"]


def test_filters_combine():
    OfferFactory(title="Match", category=Category.DIGITAL, price=9000,
                 what_you_get="Excel basics")
    OfferFactory(title="Wrong category", category=Category.TRAVEL, price=9000,
                 what_you_get="Excel basics")
    OfferFactory(title="Too dear", category=Category.DIGITAL, price=90000,
                 what_you_get="Excel basics")
    query = SearchQuery(text="excel", category=Category.DIGITAL, price_band="under_100")
    assert titles(query) == ["Match"]


def test_sort_by_price_low_and_high():
    for price in (30000, 10000, 20000):
        OfferFactory(title=f"£{price // 100}", price=price)
    assert titles(SearchQuery(sort="price_low")) == ["£100", "£200", "£300"]
    assert titles(SearchQuery(sort="price_high")) == ["£300", "£200", "£100"]


def test_sort_by_sustained_rate_puts_providers_without_a_record_last():
    strong, weak, new = ProviderFactory(), ProviderFactory(), ProviderFactory()
    ProviderStandingFactory(provider=strong, sustained_rate_bp=6000)
    ProviderStandingFactory(provider=weak, sustained_rate_bp=2000)
    OfferFactory(title="New", provider=new)
    OfferFactory(title="Weak", provider=weak)
    OfferFactory(title="Strong", provider=strong)
    assert titles(SearchQuery(sort="sustained_rate")) == ["Strong", "Weak", "New"]


def test_default_order_without_text_is_by_title():
    for title in ("Cooking", "Art", "Bricklaying"):
        OfferFactory(title=title)
    assert titles(SearchQuery()) == ["Art", "Bricklaying", "Cooking"]


def test_pages_split_the_results_and_count_them_all():
    for n in range(25):
        OfferFactory(title=f"Offer {n:02d}")
    first = search_offers(SearchQuery(page_size=10))
    third = search_offers(SearchQuery(page_size=10, page=3))
    assert (first.total, first.pages, len(first.offers)) == (25, 3, 10)
    assert [o.title for o in third.offers] == [f"Offer {n}" for n in range(20, 25)]
    assert third.has_previous and not third.has_next
    assert (third.first_index, third.last_index) == (21, 25)


def test_a_page_past_the_end_shows_the_last_page():
    for n in range(5):
        OfferFactory(title=f"Offer {n}")
    results = search_offers(SearchQuery(page_size=2, page=99))
    assert results.page == 3 and [o.title for o in results.offers] == ["Offer 4"]


def test_results_come_with_provider_and_standing_in_two_queries(django_assert_num_queries):
    for _ in range(5):
        ProviderStandingFactory(provider=OfferFactory().provider)
    with django_assert_num_queries(2):  # the count and the page
        results = search_offers(SearchQuery())
        shown = [(o.provider.name, o.standing.sustained_rate_bp) for o in results.offers]
    assert len(shown) == 5


def test_refresh_provider_standing_works_out_the_rate_and_hides_small_numbers():
    provider = ProviderFactory()
    standing = refresh_provider_standing(provider=provider, people_served=20,
                                         in_work_26_weeks=5, jobs_started=9)
    assert standing.sustained_rate_bp == 2500 and standing.is_shown
    standing = refresh_provider_standing(provider=provider, people_served=4)
    assert standing.sustained_rate_bp is None and not standing.is_shown
    assert standing.jobs_started == 9  # figures not given are kept
