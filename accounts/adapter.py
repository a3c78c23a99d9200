from allauth.account.adapter import DefaultAccountAdapter
from django.urls import reverse


class OnwardAccountAdapter(DefaultAccountAdapter):
    """Sends each person to their role's home after they sign in."""

    def get_login_redirect_url(self, request):
        next_url = super().get_login_redirect_url(request)
        if next_url and next_url != "/":
            return next_url
        return reverse("home")
