"""Schemathesis drives every operation in the OpenAPI schema through the WSGI app with
generated input (valid and invalid): no 5xx, and every response matches the schema
(status codes, content types, bodies). Limited examples keep it to a few minutes.
"""

import importlib.util
from datetime import timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import Role
from marketplace.models import OfferStatus
from tests.factories import OfferFactory, OutcomeWorld, ProviderStandingFactory, api_token_for

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]


def load_schema():
    from onward.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)


@pytest.fixture(autouse=True)
def _keep_test_connection_open(db):
    # The real WSGI app closes the database connection after each request; the test's
    # transaction lives on that connection, so keep it open (as Django's test client does).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def callers(settings, jobseeker, adviser, manager, provider_admin, commissioner):
    """Headers per area: a provider token, a manager token, a jobseeker's session; with
    real records to find (a funded programme, budgets, offers, a reported job)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    provider = provider_admin.provider_membership.provider
    world = OutcomeWorld(manager)
    world.budget_for(jobseeker)
    world.report(jobseeker=jobseeker, start_date=timezone.localdate() + timedelta(days=30))
    OfferFactory(provider=provider, status=OfferStatus.PENDING)
    ProviderStandingFactory(provider=OfferFactory().provider)
    if importlib.util.find_spec("bookings.models") is not None:
        from bookings import services as bookings

        # Bookings in each state a provider or the jobseeker can act on, and a plan.
        for token in ("requested", "accepted", "delivered"):
            booking = bookings.request_booking(
                jobseeker=jobseeker, offer=OfferFactory(provider=provider, price=1_000),
                request_token=token)
            if token != "requested":
                bookings.accept_booking(actor=provider_admin, booking=booking)
            if token == "delivered":
                bookings.mark_delivered(actor=provider_admin, booking=booking)
        bookings.add_goal(jobseeker=jobseeker, text="Apply for five jobs")
        bookings.suggest_offer(adviser=adviser, jobseeker=jobseeker, offer=OfferFactory())
    _, provider_secret = api_token_for(provider=provider)
    _, manager_secret = api_token_for(commissioner=commissioner,
                                      role=Role.COMMISSIONER_MANAGER)
    session = Client()
    session.force_login(jobseeker)
    # A session changes things only with the CSRF token (cookie and header), as in a browser.
    csrf = "schemathesis0csrf0token000000000"
    jobseeker_cookie = f"sessionid={session.cookies['sessionid'].value}; csrftoken={csrf}"

    def headers_for(case):
        if case.path.startswith("/api/v1/provider/"):
            return {"Authorization": f"Token {provider_secret}"}
        if case.path.startswith("/api/v1/jobseeker/"):
            return {"Cookie": jobseeker_cookie, "X-CSRFToken": csrf}
        return {"Authorization": f"Token {manager_secret}"}

    return headers_for


schema = load_schema()
if importlib.util.find_spec("bookings.models") is None:
    # Until bookings land, the outcomes selectors these use cannot run.
    schema = schema.exclude(path_regex="^/api/v1/provider/outcomes/")


@pytest.mark.postgres
@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_schema(case, callers):
    case.call_and_validate(headers=callers(case), checks=CHECKS)
