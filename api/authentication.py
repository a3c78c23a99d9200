"""``Authorization: Token <secret>``: an organisation's systems act as the token's
service user. Sessions (the browser, with CSRF) work too."""

from datetime import timedelta

from django.utils import timezone
from rest_framework import authentication, exceptions

from api.models import ApiToken
from api.services import find_active_token

# Writing last_used_at on every call would make each read a write; once a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                "Give the token after the word Token, with one space: "
                "Authorization: Token <secret>."
            )
        try:
            secret = header[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed("The token has characters it cannot have.") \
                from error
        token = find_active_token(secret)
        if token is None or not token.service_user.is_active:
            raise exceptions.AuthenticationFailed("The token is wrong or has been revoked.")
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.service_user, token

    def authenticate_header(self, request):
        return self.keyword
