"""Each role reaches its own pages and is refused the others with a reason."""

import time

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, JobseekerFactory, ManagerFactory, give_totp

ROLE_HOMES = {
    "jobseeker": "jobseeker_home",
    "adviser": "adviser_home",
    "provider_admin": "provider_home",
    "provider_staff": "provider_home",
    "manager": "commissioner_home",
    "auditor": "commissioner_home",
}


@pytest.fixture
def people(jobseeker, adviser, provider_admin, provider_staff, manager, auditor):
    return {
        "jobseeker": jobseeker,
        "adviser": adviser,
        "provider_admin": provider_admin,
        "provider_staff": provider_staff,
        "manager": manager,
        "auditor": auditor,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("who", list(ROLE_HOMES))
def test_home_sends_each_role_to_their_own_home(client, people, who):
    client.force_login(people[who])
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(ROLE_HOMES[who])


@pytest.mark.django_db
@pytest.mark.parametrize("who", list(ROLE_HOMES))
def test_each_role_is_refused_the_other_roles_homes_with_a_reason(client, people, who):
    client.force_login(people[who])
    for page in set(ROLE_HOMES.values()) - {ROLE_HOMES[who]}:
        response = client.get(reverse(page))
        assert response.status_code == 403, page
        body = response.content.decode()
        assert "You cannot see this page" in body
        assert "This page is only for" in body
        assert "You are signed in as" in body


@pytest.mark.django_db
def test_refusal_names_the_allowed_roles_and_the_persons_role(client, jobseeker):
    client.force_login(jobseeker)
    body = client.get(reverse("commissioner_home")).content.decode()
    assert "only for commissioner managers and commissioner auditors" in body
    assert "signed in as a jobseeker" in body


@pytest.mark.django_db
def test_anonymous_people_are_asked_to_sign_in(client):
    response = client.get(reverse("jobseeker_home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_landing_page_is_public_and_accessible(client):
    body = client.get("/").content.decode()
    assert 'href="#main-content"' in body and "Skip to main content" in body
    assert body.count("<h1") == 1
    assert 'role="banner"' in body and '<main' in body and 'role="contentinfo"' in body
    assert "<script>" not in body  # no inline script: the CSP forbids it


@pytest.mark.django_db
def test_header_shows_role_and_organisation(client, manager):
    client.force_login(manager)
    body = client.get(reverse("commissioner_home")).content.decode()
    assert "Commissioner manager" in body
    assert manager.commissioner.name in body


@pytest.mark.django_db
def test_staff_without_mfa_must_set_it_up_before_their_pages(client):
    manager = ManagerFactory()
    client.post(reverse("account_login"), {"login": manager.email, "password": PASSWORD})
    response = client.get(reverse("commissioner_home"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/totp/activate/")
    # The set-up page itself is reachable.
    assert client.get(response["Location"]).status_code == 200
    give_totp(manager)
    assert client.get(reverse("commissioner_home")).status_code == 200


@pytest.mark.django_db
def test_jobseekers_are_not_asked_for_mfa(client):
    client.force_login(JobseekerFactory())
    assert client.get(reverse("jobseeker_home")).status_code == 200


@pytest.mark.django_db
def test_signing_in_with_password_then_totp_code(client, manager):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from tests.factories import TEST_TOTP_SECRET

    response = client.post(
        reverse("account_login"), {"login": manager.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "/2fa/authenticate" in response["Location"]
    code = format_hotp_value(hotp_value(TEST_TOTP_SECRET, int(time.time()) // 30))
    response = client.post(response["Location"], {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("commissioner_home")


@pytest.mark.django_db
def test_wrong_password_shows_an_error_and_keeps_the_email(client, jobseeker):
    response = client.post(
        reverse("account_login"), {"login": jobseeker.email, "password": "wrong-password"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert jobseeker.email in body
