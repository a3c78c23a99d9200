"""Provider onboarding: registration, staff invitations, and commissioners' decisions."""

import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from audit.services import record
from budgets.errors import NotAllowed
from providers.errors import AlreadyHasRole, InvitationInvalid
from providers.models import Provider, ProviderMember, ProviderStatus, StaffInvitation

REGISTRATION_FIELDS = ("name", "provider_type", "registration_number", "areas_served",
                       "description", "contact_email", "contact_phone", "website")


@transaction.atomic
def register_provider(*, user, **fields) -> Provider:
    """A signed-in person without a role registers an organisation and becomes its admin.
    The provider waits for a commissioner to approve it."""
    if user.role:
        raise AlreadyHasRole()
    provider = Provider(status=ProviderStatus.PENDING,
                        **{k: v for k, v in fields.items() if k in REGISTRATION_FIELDS})
    provider.full_clean()
    provider.save()
    ProviderMember.objects.create(user=user, provider=provider)
    user.role = Role.PROVIDER_ADMIN
    user.save(update_fields=["role"])
    return provider


def _require_admin(actor, provider):
    membership = getattr(actor, "provider_membership", None)
    if actor.role != Role.PROVIDER_ADMIN or membership is None or \
            membership.provider_id != provider.pk:
        raise NotAllowed("Only an admin of this organisation can do that.")


def invite_staff(*, actor, provider: Provider, email: str) -> StaffInvitation:
    """A provider admin invites a colleague by e-mail (the link is also shown to the admin)."""
    _require_admin(actor, provider)
    invitation = StaffInvitation.objects.create(
        provider=provider, email=email.strip().lower(), token=secrets.token_urlsafe(24),
        invited_by=actor)
    link = settings.SITE_URL + reverse("join_provider", args=[invitation.token])
    transaction.on_commit(lambda: send_mail(
        f"Join {provider.name} on Onward",
        f"{actor.display_name} has invited you to join {provider.name} on Onward.\n\n"
        f"Sign up or sign in, then open this link: {link}\n",
        None, [invitation.email], fail_silently=True))
    return invitation


@transaction.atomic
def accept_staff_invitation(*, user, token: str) -> ProviderMember:
    invitation = StaffInvitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or invitation.accepted_at is not None:
        raise InvitationInvalid()
    if user.role:
        raise AlreadyHasRole("Your account already has a role, so it cannot join a provider.")
    member = ProviderMember.objects.create(user=user, provider=invitation.provider)
    user.role = Role.PROVIDER_STAFF
    user.save(update_fields=["role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return member


def _require_manager(actor):
    if actor is None or actor.role != Role.COMMISSIONER_MANAGER:
        raise NotAllowed("Only a commissioner manager can approve, refuse or suspend providers.")


def _decide(actor, provider, status, reason, action):
    _require_manager(actor)
    with transaction.atomic():
        provider = Provider.objects.select_for_update().get(pk=provider.pk)
        before = {"status": provider.status, "reason": provider.status_reason}
        provider.status = status
        provider.status_reason = reason.strip()
        provider.status_changed_at = timezone.now()
        provider.status_changed_by = actor
        provider.save()
        record(actor=actor, action=action, obj=provider,
               summary=f"{provider.name}: {provider.get_status_display().lower()}",
               before=before, after={"status": status, "reason": provider.status_reason})
    return provider


def approve_provider(*, actor, provider: Provider, reason: str = "") -> Provider:
    return _decide(actor, provider, ProviderStatus.APPROVED, reason, "provider.approved")


def refuse_provider(*, actor, provider: Provider, reason: str) -> Provider:
    if not reason.strip():
        raise NotAllowed("Give the provider a reason for refusing.")
    return _decide(actor, provider, ProviderStatus.REFUSED, reason, "provider.refused")


def suspend_provider(*, actor, provider: Provider, reason: str) -> Provider:
    """Suspended providers leave search; their open bookings are flagged for everyone."""
    from bookings.services import flag_open_bookings

    if not reason.strip():
        raise NotAllowed("Give the provider a reason for suspending.")
    with transaction.atomic():
        provider = _decide(actor, provider, ProviderStatus.SUSPENDED, reason,
                           "provider.suspended")
        flag_open_bookings(provider=provider, reason=f"Provider suspended: {reason.strip()}")
    return provider
