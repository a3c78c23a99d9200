from django.apps import AppConfig


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = "Offers, search and bookings"

    def ready(self):
        from marketplace import signals  # noqa: F401
