import factory

from marketplace.models import Category, DeliveryMode, Offer, OfferStatus, ProviderStanding
from tests.factories.accounts import ProviderFactory

__all__ = ["OfferFactory", "ProviderStandingFactory"]


class OfferFactory(factory.django.DjangoModelFactory):
    """An approved offer of an approved provider, unless told otherwise."""

    class Meta:
        model = Offer

    provider = factory.SubFactory(ProviderFactory)
    title = factory.Sequence(lambda n: f"Support course {n}")
    what_you_get = "Weekly sessions with a coach and a certificate at the end."
    who_it_is_for = "Anyone looking for work who wants help to get started."
    category = Category.COACHING
    price = 25000
    price_covers = "Six sessions and materials"
    delivery_mode = DeliveryMode.IN_PERSON
    area = "Leeds"
    status = OfferStatus.APPROVED


class ProviderStandingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderStanding
        django_get_or_create = ("provider",)

    provider = factory.SubFactory(ProviderFactory)
    people_served = 20
    jobs_started = 10
    in_work_13_weeks = 8
    in_work_26_weeks = 6
    sustained_rate_bp = 3000
    rating_average = "4.20"
    rating_count = 7
