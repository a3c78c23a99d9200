"""Creating and revoking API tokens. Keyword arguments, one transaction each. Moves no
money.

Who may call: a provider admin for their own provider (the token acts as provider
staff), a commissioner manager for their own commissioner (the token acts as a
manager or a read-only auditor).
"""

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from api.errors import BadTokenRole, NotAllowed
from api.models import ApiToken
from audit.services import record
from providers.models import ProviderMember

SECRET_START = "onw_"


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def split_secret(secret: str) -> str | None:
    """The lookup prefix of a presented secret, or None when it has the wrong shape."""
    if not secret.startswith(SECRET_START):
        return None
    prefix, _, rest = secret[len(SECRET_START):].partition("_")
    if not prefix or not rest or len(prefix) > 16:
        return None
    return prefix


def find_active_token(secret: str) -> ApiToken | None:
    """The active token a secret belongs to (constant-time comparison), or None."""
    prefix = split_secret(secret)
    if prefix is None:
        return None
    token = (ApiToken.objects.select_related("service_user", "provider", "commissioner")
             .filter(prefix=prefix, revoked_at__isnull=True).first())
    if token is None or not hmac.compare_digest(token.secret_hash, hash_secret(secret)):
        return None
    return token


def organisation_of(actor):
    """(provider, commissioner) the actor administers, or NotAllowed."""
    if actor is not None and actor.role == Role.PROVIDER_ADMIN:
        membership = getattr(actor, "provider_membership", None)
        if membership is not None:
            return membership.provider, None
    if actor is not None and actor.role == Role.COMMISSIONER_MANAGER and actor.commissioner_id:
        return None, actor.commissioner
    raise NotAllowed()


def create_api_token(*, actor, name: str, role: str = "") -> tuple[ApiToken, str]:
    """Make a token for the actor's organisation. Returns (token, secret): the secret
    is shown once and never stored. ``role`` is for commissioner tokens only
    (commissioner_manager or commissioner_auditor); provider tokens act as staff."""
    provider, commissioner = organisation_of(actor)
    if provider is not None:
        role = Role.PROVIDER_STAFF
    elif role not in (Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR):
        raise BadTokenRole()
    name = (name or "").strip()[:100] or "API token"
    prefix = secrets.token_hex(4)
    secret = f"{SECRET_START}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        service_user = User.objects.create_user(
            email=f"api-token-{prefix}@tokens.onward.invalid",
            full_name=f"API token: {name}", role=role, commissioner=commissioner,
        )
        service_user.set_unusable_password()
        service_user.save(update_fields=["password"])
        if provider is not None:
            ProviderMember.objects.create(user=service_user, provider=provider)
        token = ApiToken.objects.create(
            name=name, prefix=prefix, secret_hash=hash_secret(secret), role=role,
            provider=provider, commissioner=commissioner, service_user=service_user,
            created_by=actor,
        )
        record(actor=actor, action="api_token.created", obj=token,
               summary=f"API token “{name}” ({prefix}) created for {token.organisation}",
               after={"role": role, "prefix": prefix}, commissioner=commissioner)
    return token, secret


def revoke_api_token(*, actor, token: ApiToken) -> ApiToken:
    """Revoke a token of the actor's own organisation. Repeating it changes nothing."""
    provider, commissioner = organisation_of(actor)
    if (provider is not None and token.provider_id != provider.pk) or (
        commissioner is not None and token.commissioner_id != commissioner.pk
    ):
        raise NotAllowed("This token belongs to another organisation.")
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = timezone.now()
        locked.revoked_by = actor
        locked.save(update_fields=["revoked_at", "revoked_by"])
        User.objects.filter(pk=locked.service_user_id).update(is_active=False)
        record(actor=actor, action="api_token.revoked", obj=locked,
               summary=f"API token “{locked.name}” ({locked.prefix}) revoked",
               commissioner=commissioner)
    return locked

