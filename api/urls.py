"""/api/v1/: see api/README-section.md for the guide, /api/v1/docs/ for the reference."""

from django.urls import include, path, re_path, register_converter

from api import views


class IdConverter:
    """Database ids: digits that fit a 64-bit integer (anything else is a 404)."""

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


register_converter(IdConverter, "id")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="api_me"),
    path("offers/", views.OfferSearchView.as_view(), name="api_offer_search"),
    path("offers/<id:pk>/", views.OfferDetailView.as_view(), name="api_offer_detail"),
    # Jobseekers
    path("jobseeker/budgets/", views.JobseekerBudgetsView.as_view(), name="api_my_budgets"),
    path("jobseeker/budgets/claim/", views.ClaimBudgetView.as_view(), name="api_claim"),
    path("jobseeker/bookings/", views.JobseekerBookingsView.as_view(),
         name="api_my_bookings"),
    path("jobseeker/bookings/<id:pk>/", views.JobseekerBookingDetailView.as_view(),
         name="api_my_booking"),
    path("jobseeker/bookings/<id:pk>/cancel/", views.JobseekerCancelView.as_view(),
         name="api_booking_cancel"),
    path("jobseeker/bookings/<id:pk>/confirm/", views.JobseekerConfirmView.as_view(),
         name="api_booking_confirm"),
    path("jobseeker/bookings/<id:pk>/dispute/", views.JobseekerDisputeView.as_view(),
         name="api_booking_dispute"),
    path("jobseeker/plan/", views.JobseekerPlanView.as_view(), name="api_my_plan"),
    path("jobseeker/plan/goals/", views.PlanGoalsView.as_view(), name="api_plan_goals"),
    path("jobseeker/plan/goals/<id:pk>/", views.PlanGoalDetailView.as_view(),
         name="api_plan_goal"),
    path("jobseeker/plan/offers/", views.PlanOffersView.as_view(), name="api_plan_offers"),
    path("jobseeker/plan/suggestions/<id:pk>/accept/",
         views.PlanSuggestionDecisionView.as_view(decision="accept"),
         name="api_suggestion_accept"),
    path("jobseeker/plan/suggestions/<id:pk>/decline/",
         views.PlanSuggestionDecisionView.as_view(decision="decline"),
         name="api_suggestion_decline"),
    # Providers
    path("provider/offers/", views.ProviderOffersView.as_view(), name="api_provider_offers"),
    path("provider/offers/<id:pk>/", views.ProviderOfferDetailView.as_view(),
         name="api_provider_offer"),
    path("provider/offers/<id:pk>/submit/",
         views.ProviderOfferActionView.as_view(action="submit"), name="api_offer_submit"),
    path("provider/offers/<id:pk>/withdraw/",
         views.ProviderOfferActionView.as_view(action="withdraw"), name="api_offer_withdraw"),
    path("provider/bookings/", views.ProviderBookingsView.as_view(),
         name="api_provider_bookings"),
    path("provider/bookings/<id:pk>/", views.ProviderBookingDetailView.as_view(),
         name="api_provider_booking"),
    path("provider/bookings/<id:pk>/accept/",
         views.ProviderBookingActionView.as_view(action="accept"),
         name="api_booking_accept"),
    path("provider/bookings/<id:pk>/decline/", views.ProviderDeclineView.as_view(),
         name="api_booking_decline"),
    path("provider/bookings/<id:pk>/deliver/",
         views.ProviderBookingActionView.as_view(action="deliver"),
         name="api_booking_deliver"),
    path("provider/outcomes/", views.OutcomesView.as_view(), name="api_provider_outcomes"),
    path("provider/outcomes/<id:pk>/evidence/", views.OutcomeEvidenceView.as_view(),
         name="api_outcome_evidence"),
    # Commissioners
    path("commissioner/programmes/", views.ProgrammesView.as_view(), name="api_programmes"),
    path("commissioner/programmes/<id:pk>/", views.ProgrammeDetailView.as_view(),
         name="api_programme"),
    path("commissioner/programmes/<id:pk>/fund/", views.FundProgrammeView.as_view(),
         name="api_programme_fund"),
    path("commissioner/programmes/<id:pk>/budgets/", views.ProgrammeBudgetsView.as_view(),
         name="api_programme_budgets"),
    path("commissioner/programmes/<id:pk>/budgets/bulk/", views.BulkIssueView.as_view(),
         name="api_programme_budgets_bulk"),
    path("commissioner/offers/pending/", views.PendingOffersView.as_view(),
         name="api_pending_offers"),
    path("commissioner/offers/<id:pk>/approve/",
         views.OfferDecisionView.as_view(decision="approve"), name="api_offer_approve"),
    path("commissioner/offers/<id:pk>/refuse/",
         views.OfferDecisionView.as_view(decision="refuse"), name="api_offer_refuse"),
    path("commissioner/outcomes/", views.VerificationQueueView.as_view(),
         name="api_verification_queue"),
    path("commissioner/outcomes/<id:pk>/verify/",
         views.OutcomeDecisionView.as_view(decision="verify"), name="api_outcome_verify"),
    path("commissioner/outcomes/<id:pk>/reject/",
         views.OutcomeDecisionView.as_view(decision="reject"), name="api_outcome_reject"),
    path("commissioner/milestones/", views.MilestonesDueView.as_view(),
         name="api_milestones_due"),
    path("commissioner/milestones/<id:pk>/verify/",
         views.MilestoneDecisionView.as_view(decision="verify"), name="api_milestone_verify"),
    path("commissioner/milestones/<id:pk>/reject/",
         views.MilestoneDecisionView.as_view(decision="reject"), name="api_milestone_reject"),
    path("commissioner/payout-runs/", views.PayoutRunsView.as_view(), name="api_payout_runs"),
    path("commissioner/payout-runs/<id:pk>/", views.PayoutRunDetailView.as_view(),
         name="api_payout_run"),
    # Dashboards (api_dashboard among them) and streamed CSV exports.
    path("", include("insights.api_urls")),
]

# Anything else under /api/v1/ (but not the schema and docs, which onward/urls.py serves
# before this include): JSON 404.
urlpatterns += [re_path(r"^(?!schema/|docs/)[\s\S]*$", views.NotFoundView.as_view())]
