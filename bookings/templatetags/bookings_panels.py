from django import template

from accounts.models import JobseekerProfile
from bookings import selectors

register = template.Library()


@register.inclusion_tag("bookings/panels/_jobseeker.html")
def jobseeker_bookings_panel(user):
    plan = selectors.plan_for(user)
    return {"bookings": list(selectors.bookings_for_jobseeker(user)[:5]),
            "suggestions": plan["suggestions"], "goals": plan["goals"]}


@register.inclusion_tag("bookings/panels/_provider.html")
def provider_bookings_panel(user):
    membership = getattr(user, "provider_membership", None)
    if membership is None:
        return {"counts": None}
    return {"counts": selectors.provider_inbox_counts(membership.provider)}


@register.inclusion_tag("bookings/panels/_adviser.html")
def adviser_caseload_panel(user):
    caseload = (JobseekerProfile.objects.filter(adviser=user).select_related("user")
                .order_by("user__full_name"))
    return {"caseload": caseload}
