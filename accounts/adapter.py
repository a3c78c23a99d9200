from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class OnwardAccountAdapter(DefaultAccountAdapter):
    """Sends each person to their role's home after they sign in."""

    def get_login_redirect_url(self, request):
        # Someone who arrived with an invitation code goes back to claim it.
        if request.session.get("onward.claim_code"):
            return reverse("claim_invitation")
        next_url = super().get_login_redirect_url(request)
        if next_url and next_url != "/":
            return next_url
        return reverse("home")

    def get_email_verification_redirect_url(self, email_address):
        if self.request.session.get("onward.claim_code"):
            return reverse("claim_invitation")
        return super().get_email_verification_redirect_url(email_address)
