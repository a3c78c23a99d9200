"""People, their roles, and the commissioner organisations that employ staff."""

import uuid

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models


class Role(models.TextChoices):
    JOBSEEKER = "jobseeker", "Jobseeker"
    ADVISER = "adviser", "Adviser"
    PROVIDER_ADMIN = "provider_admin", "Provider admin"
    PROVIDER_STAFF = "provider_staff", "Provider staff"
    COMMISSIONER_MANAGER = "commissioner_manager", "Commissioner manager"
    COMMISSIONER_AUDITOR = "commissioner_auditor", "Commissioner auditor"


PROVIDER_ROLES = frozenset({Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF})
COMMISSIONER_ROLES = frozenset({Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR, Role.ADVISER})
# Staff must use MFA: they see other people's records or move public money.
MFA_ROLES = PROVIDER_ROLES | COMMISSIONER_ROLES


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class Commissioner(models.Model):
    """A public body that funds programmes: a council, a combined authority, a department."""

    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class User(AbstractUser):
    """A person who signs in. Their role decides what they may see and do."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=32, choices=Role.choices, blank=True)
    # Commissioner staff (managers, auditors, advisers) belong to one commissioner.
    commissioner = models.ForeignKey(
        Commissioner, null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    # Analytics and exports use this, never the name or email.
    pseudonym = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="commissioner_staff_have_a_commissioner",
                condition=~models.Q(
                    role__in=["adviser", "commissioner_manager", "commissioner_auditor"]
                )
                | models.Q(commissioner__isnull=False),
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    @property
    def is_jobseeker(self) -> bool:
        return self.role == Role.JOBSEEKER

    @property
    def is_adviser(self) -> bool:
        return self.role == Role.ADVISER

    @property
    def is_provider_member(self) -> bool:
        return self.role in PROVIDER_ROLES

    @property
    def is_provider_admin(self) -> bool:
        return self.role == Role.PROVIDER_ADMIN

    @property
    def is_commissioner_staff(self) -> bool:
        return self.role in COMMISSIONER_ROLES

    @property
    def is_commissioner_manager(self) -> bool:
        return self.role == Role.COMMISSIONER_MANAGER

    @property
    def is_auditor(self) -> bool:
        return self.role == Role.COMMISSIONER_AUDITOR

    @property
    def requires_mfa(self) -> bool:
        return self.role in MFA_ROLES


class SupportTier(models.IntegerChoices):
    """Set by an adviser's assessment; harder-to-help tiers earn providers a bonus."""

    STANDARD = 1, "Tier 1: job ready soon"
    ENHANCED = 2, "Tier 2: some barriers"
    INTENSIVE = 3, "Tier 3: harder to help"


class JobseekerProfile(models.Model):
    """What the service holds about a jobseeker beyond their sign-in."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="jobseeker_profile")
    commissioner = models.ForeignKey(
        Commissioner, on_delete=models.PROTECT, related_name="jobseekers"
    )
    adviser = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="caseload",
        limit_choices_to={"role": Role.ADVISER},
    )
    support_tier = models.PositiveSmallIntegerField(
        choices=SupportTier.choices, default=SupportTier.STANDARD
    )
    assessment = models.TextField(blank=True)
    assessed_at = models.DateTimeField(null=True, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"Jobseeker {self.user}"
