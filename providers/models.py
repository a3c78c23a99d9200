"""Provider organisations and the people who work for them."""

from django.conf import settings
from django.db import models


class ProviderType(models.TextChoices):
    SOCIAL_ENTERPRISE = "social_enterprise", "Social enterprise"
    CHARITY = "charity", "Charity"
    CIC = "cic", "Community interest company (CIC)"
    COMPANY = "company", "Company"
    PUBLIC_BODY = "public_body", "Public body"
    SOLE_TRADER = "sole_trader", "Sole trader"


class ProviderStatus(models.TextChoices):
    PENDING = "pending", "Waiting for approval"
    APPROVED = "approved", "Approved"
    REFUSED = "refused", "Refused"
    SUSPENDED = "suspended", "Suspended"


class Provider(models.Model):
    """An organisation that sells support on the marketplace once a commissioner approves it."""

    name = models.CharField(max_length=200, unique=True)
    provider_type = models.CharField("type", max_length=32, choices=ProviderType.choices)
    registration_number = models.CharField(
        max_length=40, blank=True,
        help_text="Charity, company or CIC number. Leave blank if you are a sole trader.",
    )
    areas_served = models.CharField(
        max_length=300, help_text="Towns or areas you work in, separated by commas."
    )
    description = models.TextField(help_text="What your organisation does, in plain words.")
    contact_email = models.EmailField()
    contact_phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    status = models.CharField(
        max_length=16, choices=ProviderStatus.choices, default=ProviderStatus.PENDING
    )
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_approved(self) -> bool:
        return self.status == ProviderStatus.APPROVED

    @property
    def is_social_enterprise(self) -> bool:
        return self.provider_type in (ProviderType.SOCIAL_ENTERPRISE, ProviderType.CIC)


class ProviderMember(models.Model):
    """A person's membership of one provider. Their user role says admin or staff."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="provider_membership"
    )
    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="members")
    joined_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.user} at {self.provider}"


class StaffInvitation(models.Model):
    """A provider admin invites a colleague; the link makes them provider staff."""

    provider = models.ForeignKey(Provider, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation for {self.email} to {self.provider}"
