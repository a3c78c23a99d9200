from django.urls import path

from . import views

urlpatterns = [
    path("claim/", views.claim_invitation, name="claim_invitation"),
]
