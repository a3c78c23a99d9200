from django.urls import path

from . import views

urlpatterns = [
    path("commissioner/flags/", views.flag_list, name="anomaly_flags"),
    path("commissioner/flags/run/", views.run_checks, name="anomaly_run"),
    path("commissioner/flags/<int:pk>/", views.flag_detail, name="anomaly_flag"),
    path("commissioner/flags/<int:pk>/clear/", views.clear_flag, name="anomaly_clear"),
]
