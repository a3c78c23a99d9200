from django.urls import path

from . import views

urlpatterns = [
    path("offers/", views.offer_search, name="offer_search"),
]
