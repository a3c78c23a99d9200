"""Top-level pages: the landing page, each role's home, and error pages."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from accounts.models import Role
from accounts.permissions import role_required

ROLE_HOMES = {
    Role.JOBSEEKER: "jobseeker_home",
    Role.ADVISER: "adviser_home",
    Role.PROVIDER_ADMIN: "provider_home",
    Role.PROVIDER_STAFF: "provider_home",
    Role.COMMISSIONER_MANAGER: "commissioner_home",
    Role.COMMISSIONER_AUDITOR: "commissioner_home",
}


@require_GET
def home(request):
    """Signed-in people go to their role's home; everyone else sees what Onward is."""
    if request.user.is_authenticated and request.user.role in ROLE_HOMES:
        return redirect(ROLE_HOMES[request.user.role])
    if request.user.is_authenticated and request.session.get("onward.claim_code"):
        return redirect("claim_invitation")
    return render(request, "frontend/landing.html")


@require_GET
def about(request):
    return render(request, "frontend/about.html")


@require_GET
def healthz(request):
    from django.db import connection
    from django.http import JsonResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@role_required(Role.JOBSEEKER)
def jobseeker_home(request):
    from frontend.selectors import jobseeker_home_context

    return render(request, "frontend/jobseeker_home.html", jobseeker_home_context(request.user))


@role_required(Role.ADVISER)
def adviser_home(request):
    from frontend.selectors import adviser_home_context

    return render(request, "frontend/adviser_home.html", adviser_home_context(request.user))


@role_required(Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF)
def provider_home(request):
    from frontend.selectors import provider_home_context

    return render(request, "frontend/provider_home.html", provider_home_context(request.user))


@role_required(Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR)
def commissioner_home(request):
    from frontend.selectors import commissioner_home_context

    return render(
        request, "frontend/commissioner_home.html", commissioner_home_context(request.user)
    )


def permission_denied(request, exception=None):
    reason = str(exception) if exception and str(exception) else (
        "Your account does not give you access to this page."
    )
    return render(request, "403.html", {"reason": reason}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)
