from django.urls import path

from . import views

urlpatterns = [
    path("provider/register/", views.register, name="register_provider"),
    path("provider/staff/", views.staff, name="provider_staff"),
    path("provider/join/<str:token>/", views.join, name="join_provider"),
    path("commissioner/providers/", views.approvals, name="provider_approvals"),
    path("commissioner/providers/<int:provider_id>/", views.decide, name="provider_decide"),
]
