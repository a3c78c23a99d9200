"""The header's role label and menu for the signed-in person."""

from django.urls import reverse

from accounts.models import Role


def _menu(user) -> list[tuple[str, str]]:
    if not user.is_authenticated:
        return [("Find support", "offer_search"), ("Claim a budget", "claim_invitation"),
                ("About", "about")]
    role = user.role
    if role == Role.JOBSEEKER:
        return [("Home", "jobseeker_home"), ("Find support", "offer_search"),
                ("Your budget", "my_budget"), ("Bookings", "jobseeker_bookings"),
                ("Plan", "my_plan"), ("Jobs", "outcome_list"), ("Your data", "my_data")]
    if role == Role.ADVISER:
        return [("Caseload", "adviser_home"), ("Jobs", "outcome_list"),
                ("Find support", "offer_search")]
    if role in (Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF):
        return [("Dashboard", "provider_home"), ("Bookings", "provider_bookings"),
                ("Offers", "provider_offers"), ("Jobs", "outcome_list"),
                ("Earnings", "provider_earnings"), ("Payouts", "payouts_provider")]
    if role in (Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR):
        return [("Home", "commissioner_home"), ("Programmes", "programmes"),
                ("Providers", "provider_approvals"), ("Offers", "offer_approvals"),
                ("Outcomes", "outcome_queue"), ("Disputes", "disputes"),
                ("Payouts", "payouts_commissioner"), ("Dashboards", "insights"),
                ("Flags", "anomaly_flags"),
                ("Audit log", "audit_log"), ("Ledger", "ledger_verification")]
    return [("Home", "home"), ("Find support", "offer_search")]


def navigation(request):
    user = request.user
    items = []
    for text, name in _menu(user):
        href = reverse(name)
        current = request.path == href or (href not in ("/", "/my/", "/provider/",
                                                        "/commissioner/", "/adviser/")
                                           and request.path.startswith(href))
        items.append({"text": text, "href": href, "current": current})
    # Only the first matching item is marked current.
    seen = False
    for item in items:
        if item["current"] and not seen:
            seen = True
        else:
            item["current"] = False
    organisation = ""
    if user.is_authenticated:
        if user.commissioner_id:
            organisation = user.commissioner.name
        elif user.is_provider_member:
            membership = getattr(user, "provider_membership", None)
            organisation = membership.provider.name if membership else ""
    return {
        "nav_items": items,
        "nav_role_label": Role(user.role).label if getattr(user, "role", "") else "",
        "nav_organisation": organisation,
    }
