import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP

from accounts.models import Commissioner, JobseekerProfile, Role, User
from providers.models import Provider, ProviderMember, ProviderStatus, ProviderType

__all__ = [
    "PASSWORD",
    "AdviserFactory",
    "AuditorFactory",
    "CommissionerFactory",
    "JobseekerFactory",
    "JobseekerProfileFactory",
    "ManagerFactory",
    "ProviderAdminFactory",
    "ProviderFactory",
    "ProviderStaffFactory",
    "UserFactory",
    "give_totp",
    "TEST_TOTP_SECRET",
]

PASSWORD = "correct-horse-battery"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_totp(user, secret: str = TEST_TOTP_SECRET):
    """Give a staff member an authenticator app, as if they had set up MFA."""
    TOTP.activate(user, secret)
    return user


class CommissionerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commissioner
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Council {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    role = ""

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])
            EmailAddress.objects.get_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )


class ManagerFactory(UserFactory):
    role = Role.COMMISSIONER_MANAGER
    commissioner = factory.SubFactory(CommissionerFactory)


class AuditorFactory(UserFactory):
    role = Role.COMMISSIONER_AUDITOR
    commissioner = factory.SubFactory(CommissionerFactory)


class AdviserFactory(UserFactory):
    role = Role.ADVISER
    commissioner = factory.SubFactory(CommissionerFactory)


class JobseekerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobseekerProfile

    user = factory.SubFactory(UserFactory, role=Role.JOBSEEKER)
    commissioner = factory.SubFactory(CommissionerFactory)


class JobseekerFactory(UserFactory):
    role = Role.JOBSEEKER
    jobseeker_profile = factory.RelatedFactory(JobseekerProfileFactory, factory_related_name="user")


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Provider {n}")
    provider_type = ProviderType.SOCIAL_ENTERPRISE
    areas_served = "Leeds, Bradford"
    description = "We help people back into work."
    contact_email = factory.Sequence(lambda n: f"hello{n}@provider.example.org")
    status = ProviderStatus.APPROVED


class _ProviderMemberFactory(UserFactory):
    @factory.post_generation
    def provider(self, create, extracted, **kwargs):
        if create:
            ProviderMember.objects.create(user=self, provider=extracted or ProviderFactory())


class ProviderAdminFactory(_ProviderMemberFactory):
    role = Role.PROVIDER_ADMIN


class ProviderStaffFactory(_ProviderMemberFactory):
    role = Role.PROVIDER_STAFF
