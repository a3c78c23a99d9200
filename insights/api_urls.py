"""Dashboard and export routes under /api/v1/ (included by api/urls.py)."""

from django.urls import path

from insights import api

urlpatterns = [
    path("commissioner/dashboard/", api.OverviewView.as_view(), name="api_dashboard"),
    path("commissioner/programmes/<int:pk>/dashboard/", api.ProgrammeDashboardView.as_view(),
         name="api_programme_dashboard"),
    path("commissioner/exports/<slug:name>.csv", api.ExportView.as_view(), name="api_export"),
]
