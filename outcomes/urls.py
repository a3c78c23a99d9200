from django.urls import path

from outcomes import views

urlpatterns = [
    path("outcomes/", views.outcome_list, name="outcome_list"),
    path("outcomes/report/", views.outcome_report, name="outcome_report"),
    path("outcomes/queue/", views.verification_queue, name="outcome_queue"),
    path("outcomes/<int:pk>/", views.outcome_detail, name="outcome_detail"),
    path("outcomes/<int:pk>/evidence/", views.evidence_add, name="outcome_evidence_add"),
    path("outcomes/<int:pk>/end/", views.outcome_end, name="outcome_end"),
    path("outcomes/<int:pk>/verify/", views.outcome_decide, {"decision": "verify"},
         name="outcome_verify"),
    path("outcomes/<int:pk>/reject/", views.outcome_decide, {"decision": "reject"},
         name="outcome_reject"),
    path("outcomes/evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("milestones/<int:pk>/verify/", views.milestone_decide, {"decision": "verify"},
         name="milestone_verify"),
    path("milestones/<int:pk>/reject/", views.milestone_decide, {"decision": "reject"},
         name="milestone_reject"),
    path("milestones/<int:pk>/confirm/", views.milestone_confirm, name="milestone_confirm"),
    path("earnings/", views.provider_earnings, name="provider_earnings"),
    path("providers/<int:pk>/outcomes/", views.provider_public, name="provider_outcomes"),
]
