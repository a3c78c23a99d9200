from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

urlpatterns = [
    path("", include("frontend.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("budgets.urls")),
    path("", include("providers.urls")),
    path("", include("marketplace.urls")),
    path("", include("bookings.urls")),
    path("", include("outcomes.urls")),
    path("", include("payouts.urls")),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    path("api/v1/docs/", SpectacularRedocView.as_view(url_name="api_schema"), name="api_docs"),
    path("django-admin/", admin.site.urls),
]

handler403 = "frontend.views.permission_denied"
handler404 = "frontend.views.page_not_found"
handler500 = "frontend.views.server_error"
