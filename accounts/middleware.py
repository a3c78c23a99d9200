"""Staff (provider and commissioner roles) set up MFA before they reach their pages."""

from allauth.mfa.models import Authenticator
from django.conf import settings
from django.shortcuts import redirect

# Paths a staff member without MFA may still reach: sign-in, MFA set-up, sign-out, assets.
ALLOWED_PREFIXES = ("/accounts/", "/static/", "/favicon.ico", "/healthz")


class StaffMFAMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            settings.MFA_REQUIRED_FOR_STAFF
            and user is not None
            and user.is_authenticated
            and user.requires_mfa
            and not request.path.startswith(ALLOWED_PREFIXES)
            and not Authenticator.objects.filter(
                user=user, type=Authenticator.Type.TOTP
            ).exists()
        ):
            return redirect(f"/accounts/2fa/totp/activate/?next={request.path}")
        return self.get_response(request)
