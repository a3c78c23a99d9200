"""Organisation API tokens: created by admins, stored hashed, shown once, revocable."""

import hashlib

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from api.models import ApiToken
from api.services import create_api_token, revoke_api_token
from audit.models import AuditEvent
from tests.factories import ProviderFactory, api_token_for


def token_client(secret):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_token_secret_is_stored_only_as_its_sha256(provider_admin):
    token, secret = create_api_token(actor=provider_admin, name="booking system")
    assert secret.startswith(f"onw_{token.prefix}_")
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())


def test_provider_token_acts_as_provider_staff_of_that_provider(provider_admin):
    _, secret = create_api_token(actor=provider_admin, name="crm")
    body = token_client(secret).get("/api/v1/me/").json()
    assert body["role"] == Role.PROVIDER_STAFF
    assert body["organisation"] == {
        "kind": "provider", "id": provider_admin.provider_membership.provider_id,
        "name": provider_admin.provider_membership.provider.name}
    assert body["via_token"] is True


@pytest.mark.parametrize("role", [Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR])
def test_commissioner_token_acts_with_the_role_chosen(manager, role):
    _, secret = create_api_token(actor=manager, name="finance", role=role)
    body = token_client(secret).get("/api/v1/me/").json()
    assert body["role"] == role
    assert body["organisation"]["id"] == manager.commissioner_id


def test_commissioner_token_needs_a_role(manager):
    from api.errors import BadTokenRole

    with pytest.raises(BadTokenRole):
        create_api_token(actor=manager, name="x", role=Role.PROVIDER_STAFF)


@pytest.mark.parametrize("who", ["provider_staff", "auditor", "jobseeker", "adviser"])
def test_only_organisation_admins_create_tokens(request, who):
    from api.errors import NotAllowed

    with pytest.raises(NotAllowed):
        create_api_token(actor=request.getfixturevalue(who), name="x",
                         role=Role.COMMISSIONER_AUDITOR)


def test_revoked_token_is_refused(provider_admin):
    token, secret = create_api_token(actor=provider_admin, name="old")
    revoke_api_token(actor=provider_admin, token=token)
    response = token_client(secret).get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json() == {"detail": "The token is wrong or has been revoked."}


def test_a_wrong_secret_with_a_real_prefix_is_refused(provider_admin):
    token, secret = create_api_token(actor=provider_admin, name="x")
    response = token_client(secret[:-2] + "zz").get("/api/v1/me/")
    assert response.status_code == 401


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token nonsense", "Token onw__x"])
def test_malformed_token_headers_are_401_not_500(db, header):
    response = APIClient().get("/api/v1/me/", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert "detail" in response.json()


def test_another_provider_admin_cannot_revoke_the_token(provider_admin):
    from api.errors import NotAllowed
    from tests.factories import ProviderAdminFactory

    token, _ = create_api_token(actor=provider_admin, name="x")
    with pytest.raises(NotAllowed):
        revoke_api_token(actor=ProviderAdminFactory(), token=token)


def test_token_creation_is_audited(provider_admin):
    token, _ = create_api_token(actor=provider_admin, name="crm")
    event = AuditEvent.objects.get(action="api_token.created")
    assert event.actor == provider_admin
    assert event.object_id == str(token.pk)


# --- Pages --------------------------------------------------------------------------------


def test_provider_admin_creates_a_token_on_the_page_and_sees_it_once(client, provider_admin):
    client.force_login(provider_admin)
    response = client.post(reverse("provider_api_tokens"), {"name": "booking system"})
    token = ApiToken.objects.get()
    page = response.content.decode()
    assert response.status_code == 200
    secret = page.split('id="new-token">')[1].split("<")[0]
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in client.get(reverse("provider_api_tokens")).content.decode()


def test_token_page_form_errors_are_summarised(client, provider_admin):
    client.force_login(provider_admin)
    page = client.post(reverse("provider_api_tokens"), {"name": ""}).content.decode()
    assert "There is a problem" in page
    assert page.count("Enter a name for the token") == 2


def test_commissioner_manager_chooses_auditor_on_the_page(client, manager):
    client.force_login(manager)
    client.post(reverse("commissioner_api_tokens"),
                {"name": "audit feed", "role": Role.COMMISSIONER_AUDITOR})
    assert ApiToken.objects.get().role == Role.COMMISSIONER_AUDITOR


@pytest.mark.parametrize("who,page", [
    ("provider_staff", "provider_api_tokens"),
    ("manager", "provider_api_tokens"),
    ("auditor", "commissioner_api_tokens"),
    ("provider_admin", "commissioner_api_tokens"),
    ("jobseeker", "commissioner_api_tokens"),
])
def test_token_pages_refuse_other_roles(client, request, who, page):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(page)).status_code == 403


def test_revoke_button_revokes_the_token(client, provider_admin):
    token, secret = create_api_token(actor=provider_admin, name="x")
    client.force_login(provider_admin)
    response = client.post(reverse("provider_api_tokens_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert token_client(secret).get("/api/v1/me/").status_code == 401


def test_another_providers_token_cannot_be_revoked_from_the_page(client, provider_admin):
    token, _ = api_token_for(provider=ProviderFactory())
    client.force_login(provider_admin)
    assert client.post(reverse("provider_api_tokens_revoke", args=[token.pk])).status_code \
        == 404


# --- Command ---------------------------------------------------------------------------------


def test_command_prints_a_working_provider_token(provider_admin, capsys):
    provider = provider_admin.provider_membership.provider
    call_command("create_api_token", "--provider", provider.name, "--name", "demo")
    secret = capsys.readouterr().out.strip()
    assert token_client(secret).get("/api/v1/provider/offers/").status_code == 200


def test_command_is_refused_in_production(provider_admin, settings):
    settings.PRODUCTION = True
    with pytest.raises(CommandError):
        call_command("create_api_token", "--provider",
                     provider_admin.provider_membership.provider.name)
