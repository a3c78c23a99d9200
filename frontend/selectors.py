"""What each role's home page needs before the apps' panels add their own parts.

Each app renders its own panel on a home page (``<app>/panels/<role>.html``), loading
its own template tags, so no app reaches into another's data here.
"""


def jobseeker_home_context(user) -> dict:
    return {}


def adviser_home_context(user) -> dict:
    return {}


def provider_home_context(user) -> dict:
    membership = getattr(user, "provider_membership", None)
    return {"provider": membership.provider if membership else None}


def commissioner_home_context(user) -> dict:
    return {"commissioner": user.commissioner}
