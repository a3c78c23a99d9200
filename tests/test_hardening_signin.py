"""Sign-in protection: rate limits with lockout messages, MFA for every staff role (pages
and the API's session path), secure cookies and HSTS in production."""

import json

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts.models import MFA_ROLES, Role
from tests.factories import (
    PASSWORD,
    AdviserFactory,
    AuditorFactory,
    JobseekerFactory,
    ManagerFactory,
    ProviderAdminFactory,
    ProviderStaffFactory,
)
from tests.test_foundation_settings import STRONG_KEY, run_django

LOCKED_OUT = "Too many failed login attempts"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.mark.django_db
def test_repeated_failed_sign_ins_lock_the_account_out(client):
    person = JobseekerFactory()
    for _ in range(5):
        response = client.post(reverse("account_login"),
                               {"login": person.email, "password": "not-the-password"})
        assert LOCKED_OUT not in response.content.decode()
    # Even the right password is refused while the lockout lasts.
    response = client.post(reverse("account_login"),
                           {"login": person.email, "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert LOCKED_OUT in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_too_many_sign_ups_from_one_address_are_refused(client):
    statuses = []
    for n in range(21):
        response = client.post(reverse("account_signup"), {
            "email": f"new{n}@example.org", "password1": "a long passphrase 1",
            "password2": "a long passphrase 1"})
        statuses.append(response.status_code)
        client.logout()
    assert 429 not in statuses[:20]
    assert statuses[20] == 429


@pytest.mark.django_db
def test_too_many_password_resets_for_one_address_are_refused(client):
    person = JobseekerFactory()
    statuses = []
    for _ in range(6):
        response = client.post(reverse("account_reset_password"), {"email": person.email})
        statuses.append(response.status_code)
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429 or "Too many" in response.content.decode()


STAFF = {
    Role.ADVISER: (AdviserFactory, "adviser_home"),
    Role.PROVIDER_ADMIN: (ProviderAdminFactory, "provider_home"),
    Role.PROVIDER_STAFF: (ProviderStaffFactory, "provider_home"),
    Role.COMMISSIONER_MANAGER: (ManagerFactory, "commissioner_home"),
    Role.COMMISSIONER_AUDITOR: (AuditorFactory, "commissioner_home"),
}


def test_every_staff_role_is_covered():
    assert set(STAFF) == set(MFA_ROLES)


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(STAFF))
def test_staff_without_mfa_are_sent_to_set_it_up(client, role):
    factory, home = STAFF[role]
    client.force_login(factory())
    for path in (reverse(home), reverse("offer_search"), reverse("api_me")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/2fa/totp/activate/"), path


@pytest.mark.django_db
def test_jobseekers_reach_the_api_session_path_without_mfa(client):
    client.force_login(JobseekerFactory())
    assert client.get(reverse("api_me")).status_code == 200


def test_production_cookies_are_secure_and_hsts_is_on(monkeypatch):
    for name in ("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "MFA_REQUIRED_FOR_STAFF"):
        monkeypatch.delenv(name, raising=False)  # the defaults are what is tested
    result = run_django(["shell", "-c", (
        "import json; from django.conf import settings as s;"
        "print(json.dumps({k: getattr(s, k) for k in ("
        "'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY',"
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD',"
        "'SECURE_SSL_REDIRECT', 'DEBUG', 'MFA_REQUIRED_FOR_STAFF')}))")],
        ONWARD_ENV="production", SECRET_KEY=STRONG_KEY, ALLOWED_HOSTS="onward.example.org")
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "SESSION_COOKIE_SECURE": True, "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True, "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True, "SECURE_HSTS_PRELOAD": True,
        "SECURE_SSL_REDIRECT": True, "DEBUG": False, "MFA_REQUIRED_FOR_STAFF": True,
    }


def test_the_csp_allows_no_inline_script_or_style(settings):
    directives = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
