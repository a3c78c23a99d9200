"""What each role's home page shows, gathered from the apps that own the data."""

from accounts.models import JobseekerProfile


def jobseeker_home_context(user) -> dict:
    return {"profile": JobseekerProfile.objects.filter(user=user).first()}


def adviser_home_context(user) -> dict:
    caseload = (
        JobseekerProfile.objects.filter(adviser=user)
        .select_related("user")
        .order_by("user__full_name")
    )
    return {"caseload": caseload}


def provider_home_context(user) -> dict:
    membership = getattr(user, "provider_membership", None)
    return {"provider": membership.provider if membership else None}


def commissioner_home_context(user) -> dict:
    return {"commissioner": user.commissioner}
