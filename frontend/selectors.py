"""What each role's home page needs before the apps' panels add their own parts.

Each app renders its own panel on a home page (``<app>/panels/<role>.html``), loading
its own template tags, so no app reaches into another's data here. The one exception is
the jobseeker's "Things to do" box: a single box gathers the tasks several apps ask of
the jobseeker, each app rendering its own items (``<app>/panels/_jobseeker_tasks.html``).
"""

from bookings.selectors import deliveries_awaiting_confirmation
from outcomes.selectors import milestones_to_confirm


def jobseeker_home_context(user) -> dict:
    return {"milestone_tasks": list(milestones_to_confirm(user)),
            "delivery_tasks": list(deliveries_awaiting_confirmation(user))}


def adviser_home_context(user) -> dict:
    return {}


def provider_home_context(user) -> dict:
    membership = getattr(user, "provider_membership", None)
    return {"provider": membership.provider if membership else None}


def commissioner_home_context(user) -> dict:
    return {"commissioner": user.commissioner}
