from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from api.docs import api_docs

urlpatterns = [
    path("", include("frontend.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("budgets.urls")),
    path("", include("providers.urls")),
    path("", include("marketplace.urls")),
    path("", include("bookings.urls")),
    path("", include("outcomes.urls")),
    path("", include("payouts.urls")),
    path("", include("privacy.urls")),
    path("", include("insights.urls")),
    path("", include("anomalies.urls")),
    path("", include("audit.urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # A server-rendered reference (Redoc's CDN scripts are refused by the CSP).
    path("api/v1/docs/", api_docs, name="api_docs"),
    path("api/v1/", include("api.urls")),
    path("", include("api.page_urls")),
    path("django-admin/", admin.site.urls),
]

handler403 = "frontend.views.permission_denied"
handler404 = "frontend.views.page_not_found"
handler500 = "frontend.views.server_error"
