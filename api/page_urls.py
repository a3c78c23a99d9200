from django.urls import path

from api import pages

urlpatterns = [
    path("provider/api-tokens/", pages.provider_api_tokens, name="provider_api_tokens"),
    path("provider/api-tokens/<int:pk>/revoke/", pages.provider_api_token_revoke,
         name="provider_api_tokens_revoke"),
    path("commissioner/api-tokens/", pages.commissioner_api_tokens,
         name="commissioner_api_tokens"),
    path("commissioner/api-tokens/<int:pk>/revoke/", pages.commissioner_api_token_revoke,
         name="commissioner_api_tokens_revoke"),
]
