from django.urls import path

from . import views

urlpatterns = [
    path("offers/", views.offer_search, name="offer_search"),
    path("offers/<int:offer_id>/", views.offer_detail, name="offer_detail"),
    path("provider/offers/", views.provider_offers, name="provider_offers"),
    path("provider/offers/new/", views.offer_create, name="offer_create"),
    path("provider/offers/<int:offer_id>/edit/", views.offer_edit, name="offer_edit"),
    path("provider/offers/<int:offer_id>/submit/", views.offer_submit, name="offer_submit"),
    path("provider/offers/<int:offer_id>/withdraw/", views.offer_withdraw,
         name="offer_withdraw"),
    path("commissioner/offers/", views.offer_approvals, name="offer_approvals"),
    path("commissioner/offers/<int:offer_id>/", views.offer_review, name="offer_review"),
    path("commissioner/offers/<int:offer_id>/approve/", views.offer_approve,
         name="offer_approve"),
    path("commissioner/offers/<int:offer_id>/refuse/", views.offer_refuse,
         name="offer_refuse"),
]
