from django.urls import path

from . import views

urlpatterns = [
    path("commissioner/insights/", views.index, name="insights"),
    path("commissioner/insights/programmes/<int:programme_id>/", views.programme_dashboard,
         name="insights_dashboard"),
    path("commissioner/insights/programmes/<int:programme_id>/<slug:key>.csv",
         views.chart_csv, name="insights_chart_csv"),
    path("commissioner/exports/<slug:name>.csv", views.export_csv, name="insights_export"),
    path("league-table/", views.league_table, name="league_table"),
]
