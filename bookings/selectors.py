"""Reads of bookings and plans that pages and the API share."""

from django.db.models import Count, Q

from bookings.models import (
    OPEN_STATUSES,
    Booking,
    BookingStatus,
    PlanGoal,
    PlanItem,
    PlanItemStatus,
)


def bookings_for_jobseeker(user):
    return Booking.objects.filter(jobseeker=user).select_related("offer", "provider")


def deliveries_awaiting_confirmation(user):
    """Every booking delivered to this jobseeker that they have not yet confirmed or
    disputed, however many newer bookings they have: each is a task on their home page.
    The one waiting longest (closest to confirming itself) comes first."""
    return (Booking.objects.filter(jobseeker=user, status=BookingStatus.DELIVERED)
            .select_related("offer", "provider").order_by("delivered_at", "id"))


def bookings_for_provider(provider):
    return Booking.objects.filter(provider=provider).select_related("offer", "jobseeker")


def provider_inbox_counts(provider) -> dict:
    return Booking.objects.filter(provider=provider).aggregate(
        requested=Count("id", filter=Q(status=BookingStatus.REQUESTED)),
        accepted=Count("id", filter=Q(status=BookingStatus.ACCEPTED)),
        delivered=Count("id", filter=Q(status=BookingStatus.DELIVERED)),
        disputed=Count("id", filter=Q(status=BookingStatus.DISPUTED)),
    )


def shows_jobseeker_identity(booking) -> bool:
    """Providers see a jobseeker's name and contact only once they accept the booking."""
    return booking.status not in (BookingStatus.REQUESTED, BookingStatus.DECLINED) and \
        booking.accepted_at is not None


def disputes_for_commissioner(commissioner):
    return (Booking.objects.filter(status=BookingStatus.DISPUTED,
                                   budget__programme__commissioner=commissioner)
            .select_related("offer", "provider", "budget__programme"))


def flagged_bookings_for_commissioner(commissioner):
    """Open bookings in the commissioner's programmes whose provider was suspended."""
    return (Booking.objects.filter(flagged=True, status__in=OPEN_STATUSES,
                                   budget__programme__commissioner=commissioner)
            .select_related("offer", "provider", "budget__programme"))


def plan_for(user) -> dict:
    items = PlanItem.objects.filter(jobseeker=user).select_related("offer", "suggested_by")
    return {
        "goals": PlanGoal.objects.filter(jobseeker=user),
        "suggestions": [i for i in items if i.status == PlanItemStatus.SUGGESTED],
        "planned": [i for i in items if i.status == PlanItemStatus.ACCEPTED],
        "declined": [i for i in items if i.status == PlanItemStatus.DECLINED],
    }
