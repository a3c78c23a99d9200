"""Shared fixtures: people in each role, and guards for the real services.

Tests that need PostgreSQL or Redis are marked; they skip where the service is
missing, and fail instead when REQUIRE_SERVICES=1 (as .ci/run sets).
"""

import os
import socket

import pytest
from django.db import connection

from tests.factories import (
    AdviserFactory,
    AuditorFactory,
    CommissionerFactory,
    JobseekerFactory,
    ManagerFactory,
    ProviderAdminFactory,
    ProviderStaffFactory,
    give_totp,
)

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")


def service_missing(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (REQUIRE_SERVICES=1, so this fails instead of skipping)")
    pytest.skip(reason)


def redis_available() -> bool:
    from urllib.parse import urlparse

    parsed = urlparse(REDIS_URL)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def reset_celery_connections(app) -> None:
    """Drop pooled broker connections and producers so the next send dials the current
    broker_url (tests point the app at a dead broker, then at Redis)."""
    import kombu.pools

    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None
    kombu.pools.reset()


@pytest.fixture(autouse=True)
def _service_guards(request):
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        service_missing("needs PostgreSQL: set DATABASE_URL to a PostgreSQL database")
    if request.node.get_closest_marker("redis") and not redis_available():
        service_missing(f"needs Redis at {REDIS_URL}")


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = settings.PRIVATE_MEDIA_ROOT


@pytest.fixture
def commissioner(db):
    return CommissionerFactory()


@pytest.fixture
def manager(commissioner):
    return give_totp(ManagerFactory(commissioner=commissioner))


@pytest.fixture
def auditor(commissioner):
    return give_totp(AuditorFactory(commissioner=commissioner))


@pytest.fixture
def adviser(commissioner):
    return give_totp(AdviserFactory(commissioner=commissioner))


@pytest.fixture
def jobseeker(commissioner, adviser):
    return JobseekerFactory(jobseeker_profile__commissioner=commissioner,
                            jobseeker_profile__adviser=adviser)


@pytest.fixture
def provider_admin(db):
    return give_totp(ProviderAdminFactory())


@pytest.fixture
def provider_staff(provider_admin):
    return give_totp(ProviderStaffFactory(provider=provider_admin.provider_membership.provider))
