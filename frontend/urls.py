from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("healthz", views.healthz, name="healthz"),
    path("my/", views.jobseeker_home, name="jobseeker_home"),
    path("adviser/", views.adviser_home, name="adviser_home"),
    path("provider/", views.provider_home, name="provider_home"),
    path("commissioner/", views.commissioner_home, name="commissioner_home"),
]
