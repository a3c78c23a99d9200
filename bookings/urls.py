from django.urls import path

from . import views

urlpatterns = [
    path("offers/<int:offer_id>/book/", views.book_offer, name="book_offer"),
    path("my/bookings/", views.jobseeker_bookings, name="jobseeker_bookings"),
    path("my/bookings/<int:booking_id>/", views.jobseeker_booking, name="jobseeker_booking"),
    path("my/plan/", views.my_plan, name="my_plan"),
    path("provider/bookings/", views.provider_bookings, name="provider_bookings"),
    path("provider/bookings/<int:booking_id>/", views.provider_booking, name="provider_booking"),
    path("commissioner/disputes/", views.disputes, name="disputes"),
    path("commissioner/disputes/<int:booking_id>/", views.dispute, name="dispute"),
    path("adviser/people/<int:user_id>/", views.caseload_person, name="caseload_person"),
    path("adviser/people/<int:user_id>/assessment/", views.record_assessment,
         name="record_assessment"),
]
