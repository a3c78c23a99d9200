"""A provider registers, invites staff, and waits for a commissioner's decision."""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import Role
from bookings import services as bookings
from providers.models import Provider, ProviderStatus
from tests.factories import UserFactory, give_totp
from tests.factories.bookings import bookable_offer, budget_holder, funded_programme

REGISTRATION = {"name": "Harehills Bike Works", "provider_type": "social_enterprise",
                "registration_number": "SE-1", "areas_served": "Harehills",
                "description": "Bike repair training.", "contact_email": "hi@bikes.example.org"}


@pytest.mark.django_db
def test_a_person_registers_an_organisation_and_becomes_its_admin(client):
    person = UserFactory()
    client.force_login(person)
    response = client.post(reverse("register_provider"), REGISTRATION)
    assert response.status_code == 302
    person.refresh_from_db()
    provider = Provider.objects.get(name="Harehills Bike Works")
    assert person.role == Role.PROVIDER_ADMIN
    assert provider.status == ProviderStatus.PENDING
    assert person.provider_membership.provider == provider


@pytest.mark.django_db
def test_registration_errors_are_shown_beside_each_field(client):
    client.force_login(UserFactory())
    body = client.post(reverse("register_provider"),
                       {**REGISTRATION, "name": "", "contact_email": "nope"}).content.decode()
    assert "There is a problem" in body
    assert "Enter your organisation&#x27;s name" in body
    assert "Enter an email address like name@example.org" in body
    assert not Provider.objects.exists()


@pytest.mark.django_db
def test_admin_invites_staff_who_join_by_link(client, provider_admin,
                                               django_capture_on_commit_callbacks):
    client.force_login(provider_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("provider_staff"), {"email": "colleague@example.org"})
    assert mail.outbox and "colleague@example.org" in mail.outbox[0].to
    token = provider_admin.provider_membership.provider.invitations.get().token
    colleague = UserFactory(email="colleague@example.org")
    client.force_login(colleague)
    client.post(reverse("join_provider", args=[token]))
    colleague.refresh_from_db()
    assert colleague.role == Role.PROVIDER_STAFF
    assert colleague.provider_membership.provider == provider_admin.provider_membership.provider
    # The link works once.
    client.force_login(UserFactory())
    client.post(reverse("join_provider", args=[token]))
    assert Provider.objects.get().members.count() == 2


@pytest.mark.django_db
def test_staff_cannot_invite(client, provider_staff):
    client.force_login(provider_staff)
    assert client.post(reverse("provider_staff"), {"email": "x@example.org"}).status_code == 403


@pytest.mark.django_db
def test_manager_refuses_with_a_reason_the_provider_sees(client, manager):
    admin = UserFactory()
    client.force_login(admin)
    client.post(reverse("register_provider"), REGISTRATION)
    provider = Provider.objects.get()
    client.force_login(manager)
    response = client.post(reverse("provider_decide", args=[provider.pk]), {"decision": "refuse"})
    assert "Give the provider a reason" in response.content.decode()
    client.post(reverse("provider_decide", args=[provider.pk]),
                {"decision": "refuse", "reason": "No insurance certificate"})
    provider.refresh_from_db()
    assert provider.status == ProviderStatus.REFUSED
    client.force_login(give_totp(admin))
    assert "No insurance certificate" in client.get(reverse("provider_home")).content.decode()


@pytest.mark.django_db
def test_auditor_cannot_decide(client, auditor, provider_admin):
    provider = provider_admin.provider_membership.provider
    client.force_login(auditor)
    assert client.get(reverse("provider_decide", args=[provider.pk])).status_code == 200
    response = client.post(reverse("provider_decide", args=[provider.pk]),
                           {"decision": "suspend", "reason": "x"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_suspension_flags_open_bookings_and_removes_offers_from_search(client):
    programme = funded_programme()
    budget = budget_holder(programme)
    offer = bookable_offer()
    booking = bookings.request_booking(jobseeker=budget.jobseeker, offer=offer,
                                       request_token="t")
    client.force_login(programme.manager)
    client.post(reverse("provider_decide", args=[offer.provider.pk]),
                {"decision": "suspend", "reason": "Safeguarding concern"})
    booking.refresh_from_db()
    assert booking.flagged and "Safeguarding concern" in booking.flag_reason
    client.force_login(budget.jobseeker)
    assert offer.title not in client.get(reverse("offer_search")).content.decode()
    assert "Safeguarding concern" in client.get(
        reverse("jobseeker_booking", args=[booking.pk])).content.decode()
