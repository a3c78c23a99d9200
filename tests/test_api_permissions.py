"""Every endpoint for every role: who is let in, who is refused (401 anonymous, 403
signed in with the wrong role or a read-only token)."""

import importlib.util
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import Role
from marketplace.models import OfferStatus
from tests.factories import OfferFactory, OutcomeWorld, api_token_for

HAS_BOOKINGS = importlib.util.find_spec("bookings.models") is not None

ANON = "anonymous"
ROLES = [ANON, "jobseeker", "adviser", "provider_admin", "provider_token", "manager",
         "manager_token", "auditor_token"]
PROVIDERS = {"provider_admin", "provider_token"}
COMMISSIONER_READ = {"manager", "manager_token", "auditor_token"}
COMMISSIONER_WRITE = {"manager", "manager_token"}
SIGNED_IN = set(ROLES) - {ANON}

# (method, path, body, roles let in). {offer}, {programme}, {outcome}, {milestone} and
# {run} are filled in from the world below.
ENDPOINTS = [
    ("get", "/api/v1/me/", None, SIGNED_IN),
    ("get", "/api/v1/offers/", None, set(ROLES)),
    ("get", "/api/v1/offers/{listed}/", None, set(ROLES)),
    ("get", "/api/v1/jobseeker/budgets/", None, {"jobseeker"}),
    ("post", "/api/v1/jobseeker/budgets/claim/", {"code": "NOPE"}, {"jobseeker"}),
    ("get", "/api/v1/provider/offers/", None, PROVIDERS),
    ("post", "/api/v1/provider/offers/", {"title": "x"}, PROVIDERS),
    ("get", "/api/v1/provider/offers/{offer}/", None, PROVIDERS),
    ("patch", "/api/v1/provider/offers/{offer}/", {"title": "New title"}, PROVIDERS),
    ("post", "/api/v1/provider/offers/{offer}/submit/", None, PROVIDERS),
    ("post", "/api/v1/provider/offers/{offer}/withdraw/", None, PROVIDERS),
    ("get", "/api/v1/commissioner/programmes/", None, COMMISSIONER_READ),
    ("post", "/api/v1/commissioner/programmes/", {"name": "New", "budget_per_person": 100},
     COMMISSIONER_WRITE),
    ("get", "/api/v1/commissioner/programmes/{programme}/", None, COMMISSIONER_READ),
    ("post", "/api/v1/commissioner/programmes/{programme}/fund/",
     {"amount": 100, "reference": "PO-1"}, COMMISSIONER_WRITE),
    ("get", "/api/v1/commissioner/programmes/{programme}/budgets/", None, COMMISSIONER_READ),
    ("post", "/api/v1/commissioner/programmes/{programme}/budgets/",
     {"external_reference": "R-1"}, COMMISSIONER_WRITE),
    ("post", "/api/v1/commissioner/programmes/{programme}/budgets/bulk/",
     {"budgets": [{"external_reference": "R-2"}]}, COMMISSIONER_WRITE),
    ("get", "/api/v1/commissioner/offers/pending/", None, COMMISSIONER_READ),
    ("post", "/api/v1/commissioner/offers/{offer}/approve/", None, COMMISSIONER_WRITE),
    ("post", "/api/v1/commissioner/offers/{offer}/refuse/", {"reason": "Too vague"},
     COMMISSIONER_WRITE),
    ("get", "/api/v1/commissioner/outcomes/", None, COMMISSIONER_READ),
    ("post", "/api/v1/commissioner/outcomes/{outcome}/verify/", None, COMMISSIONER_WRITE),
    ("post", "/api/v1/commissioner/outcomes/{outcome}/reject/", {"reason": "No job"},
     COMMISSIONER_WRITE),
    ("get", "/api/v1/commissioner/milestones/", None, COMMISSIONER_READ),
    ("post", "/api/v1/commissioner/milestones/{milestone}/verify/", None, COMMISSIONER_WRITE),
    ("get", "/api/v1/commissioner/dashboard/", None, COMMISSIONER_READ),
    ("get", "/api/v1/commissioner/payout-runs/", None, COMMISSIONER_READ),
    ("post", "/api/v1/commissioner/payout-runs/", None, COMMISSIONER_WRITE),
]
if HAS_BOOKINGS:
    ENDPOINTS += [
        ("get", "/api/v1/jobseeker/bookings/", None, {"jobseeker"}),
        ("post", "/api/v1/jobseeker/bookings/", {"offer": "{listed}"}, {"jobseeker"}),
        ("get", "/api/v1/jobseeker/bookings/{booking}/", None, {"jobseeker"}),
        ("post", "/api/v1/jobseeker/bookings/{booking}/cancel/", {"reason": "Found work"},
         {"jobseeker"}),
        ("post", "/api/v1/jobseeker/bookings/{booking}/confirm/", None, {"jobseeker"}),
        ("post", "/api/v1/jobseeker/bookings/{booking}/dispute/", {"reason": "Not done"},
         {"jobseeker"}),
        ("get", "/api/v1/jobseeker/plan/", None, {"jobseeker"}),
        ("post", "/api/v1/jobseeker/plan/goals/", {"text": "Apply for jobs"}, {"jobseeker"}),
        ("patch", "/api/v1/jobseeker/plan/goals/{goal}/", {"done": True}, {"jobseeker"}),
        ("post", "/api/v1/jobseeker/plan/offers/", {"offer": "{listed}"}, {"jobseeker"}),
        ("post", "/api/v1/jobseeker/plan/suggestions/{suggestion}/accept/", None,
         {"jobseeker"}),
        ("post", "/api/v1/jobseeker/plan/suggestions/{suggestion}/decline/", None,
         {"jobseeker"}),
        ("get", "/api/v1/provider/bookings/", None, PROVIDERS),
        ("get", "/api/v1/provider/bookings/{booking}/", None, PROVIDERS),
        ("post", "/api/v1/provider/bookings/{booking}/accept/", None, PROVIDERS),
        ("post", "/api/v1/provider/bookings/{booking}/decline/", {"reason": "Full"}, PROVIDERS),
        ("post", "/api/v1/provider/bookings/{booking}/deliver/", None, PROVIDERS),
        ("get", "/api/v1/provider/outcomes/", None, PROVIDERS),
        # Rejecting a milestone closes the outcome, which reads bookings.
        ("post", "/api/v1/commissioner/milestones/{milestone}/reject/", {"reason": "Left"},
         COMMISSIONER_WRITE),
    ]


@pytest.fixture
def world(jobseeker, adviser, manager, auditor, provider_admin, commissioner):
    provider = provider_admin.provider_membership.provider
    outcome_world = OutcomeWorld(manager)
    outcome_world.budget_for(jobseeker)
    # Starts next month: verifying it releases no money yet.
    outcome = outcome_world.report(jobseeker=jobseeker,
                                   start_date=timezone.localdate() + timedelta(days=30))
    clients = {ANON: APIClient()}
    for name, user in [("jobseeker", jobseeker), ("adviser", adviser),
                       ("provider_admin", provider_admin), ("manager", manager)]:
        clients[name] = APIClient()
        clients[name].force_login(user)
    for name, kwargs in [("provider_token", {"provider": provider}),
                         ("manager_token", {"commissioner": commissioner,
                                            "role": Role.COMMISSIONER_MANAGER}),
                         ("auditor_token", {"commissioner": commissioner,
                                            "role": Role.COMMISSIONER_AUDITOR})]:
        _, secret = api_token_for(**kwargs)
        clients[name] = APIClient()
        clients[name].credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    ids = {
        "offer": OfferFactory(provider=provider, status=OfferStatus.PENDING).pk,
        "listed": OfferFactory().pk,
        "programme": outcome_world.programme.pk,
        "outcome": outcome.pk,
        "milestone": outcome.milestones.first().pk,
    }
    if HAS_BOOKINGS:
        from bookings import services as bookings

        ids["booking"] = bookings.request_booking(
            jobseeker=jobseeker, offer=OfferFactory(provider=provider),
            request_token="matrix").pk
        ids["goal"] = bookings.add_goal(jobseeker=jobseeker, text="Get a licence").pk
        ids["suggestion"] = bookings.suggest_offer(
            adviser=adviser, jobseeker=jobseeker, offer=OfferFactory()).pk
    return clients, ids


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def expected_status(role, allowed):
    if allowed:
        return "let in"
    return 401 if role == ANON else 403


@pytest.mark.parametrize("method,path,body,allowed", ENDPOINTS,
                         ids=[f"{e[0]} {e[1]}" for e in ENDPOINTS])
def test_endpoint_access_by_role(world, method, path, body, allowed):
    """One row of the table: every role calls the endpoint once."""
    clients, ids = world
    if body:  # "{name}" values are ids from the world too
        body = {k: ids[v[1:-1]] if isinstance(v, str) and v.startswith("{") else v
                for k, v in body.items()}
    wrong = []
    for role in ROLES:
        response = getattr(clients[role], method)(path.format(**ids), body, format="json")
        code = response.status_code
        let_in = code not in (401, 403)
        ok = (let_in and code < 500) if role in allowed else code == expected_status(role, False)
        if not response["Content-Type"].startswith("application/json"):
            ok = False
        elif code >= 400 and not isinstance(response.json().get("detail"), str):
            ok = False
        if not ok:
            wrong.append(f"{role}: got {code}, expected {expected_status(role, role in allowed)}"
                         f" ({response.content[:200]!r})")
    assert not wrong, "\n".join(wrong)
