from django.urls import path

from . import views

urlpatterns = [
    path("claim/", views.claim_invitation, name="claim_invitation"),
    path("claim/<str:token>/", views.claim_invitation, name="claim_by_link"),
    path("my/budget/", views.my_budget, name="my_budget"),
    path("commissioner/programmes/", views.programmes, name="programmes"),
    path("commissioner/programmes/new/", views.programme_edit, name="programme_new"),
    path("commissioner/programmes/<int:programme_id>/", views.programme_detail,
         name="programme_detail"),
    path("commissioner/programmes/<int:programme_id>/edit/", views.programme_edit,
         name="programme_edit"),
    path("commissioner/programmes/<int:programme_id>/fund/", views.fund, name="programme_fund"),
    path("commissioner/programmes/<int:programme_id>/budgets/new/", views.issue_budget,
         name="issue_budget"),
    path("commissioner/programmes/<int:programme_id>/budgets/upload/", views.upload_budgets,
         name="upload_budgets"),
    path("commissioner/programmes/<int:programme_id>/budgets/<int:budget_id>/",
         views.budget_detail, name="budget_detail"),
]
