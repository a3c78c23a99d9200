"""API tokens for organisations, and stored responses for idempotent requests."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

from accounts.models import Commissioner, Role
from providers.models import Provider

# Roles a token may act as: provider tokens act as provider staff; commissioner tokens
# as a manager or a read-only auditor, chosen when the token is created.
TOKEN_ROLES = (Role.PROVIDER_STAFF, Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR)


class ApiToken(models.Model):
    """A secret an organisation's systems use to call the API.

    Only the sha256 of the secret is stored; ``prefix`` (shown in lists) finds the row.
    Each token acts through its own service user, who holds the token's role in the
    organisation, so every service sees an ordinary actor and the audit log names the
    token.
    """

    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    role = models.CharField(max_length=32, choices=[(r.value, r.label) for r in TOKEN_ROLES])
    provider = models.ForeignKey(Provider, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="api_tokens")
    commissioner = models.ForeignKey(Commissioner, null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="api_tokens")
    service_user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        related_name="api_token")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="api_token_one_organisation",
                condition=models.Q(provider__isnull=False, commissioner__isnull=True)
                | models.Q(provider__isnull=True, commissioner__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def organisation(self):
        return self.provider or self.commissioner


class IdempotentRequest(models.Model):
    """The response to a request that moved money, stored under its Idempotency-Key so
    a retry gets the same answer without the service running again."""

    # "token:<id>" or "user:<id>": keys are private to whoever sent them.
    owner = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    request_hash = models.CharField(max_length=64)
    # Null while the first request is still being handled.
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    body = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "key"], name="idempotent_request_unique"),
        ]

    def __str__(self):
        return f"{self.method} {self.path} [{self.key}]"
