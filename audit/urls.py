from django.urls import path

from . import views

# Read-only: no route edits or deletes an audit event.
urlpatterns = [
    path("commissioner/audit/", views.audit_log, name="audit_log"),
    path("commissioner/ledger/", views.ledger_verification, name="ledger_verification"),
    path("commissioner/ledger/verify/", views.run_ledger_verification, name="ledger_verify"),
]
