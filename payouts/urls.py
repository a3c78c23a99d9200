from django.urls import path

from . import views

urlpatterns = [
    path("commissioner/payouts/", views.commissioner_payouts, name="payouts_commissioner"),
    path("commissioner/payouts/run/", views.start_run, name="payouts_start_run"),
    path("commissioner/payouts/runs/<int:pk>/", views.run_detail, name="payouts_run"),
    path("commissioner/payouts/files/<int:pk>/download/", views.download_file,
         name="payouts_download_file"),
    path("commissioner/payouts/files/<int:pk>/paid/", views.mark_file_paid,
         name="payouts_mark_file_paid"),
    path("commissioner/payouts/<int:pk>/returned/", views.payout_returned,
         name="payouts_returned"),
    path("commissioner/payouts/reconciliation/", views.reconciliation,
         name="payouts_reconciliation"),
    path("provider/payouts/", views.provider_payouts, name="payouts_provider"),
    path("provider/payouts/bank-details/", views.bank_details, name="payouts_bank_details"),
    path("provider/payouts/stripe/connect/", views.stripe_connect, name="payouts_stripe_connect"),
    path("provider/payouts/stripe/refresh/", views.stripe_refresh, name="payouts_stripe_refresh"),
    path("provider/payouts/stripe/return/", views.stripe_return, name="payouts_stripe_return"),
    path("payouts/stripe/webhook/", views.stripe_webhook, name="payouts_stripe_webhook"),
]
