"""Errors are JSON with one shape; bad ids are 404s, bad parameters 400s, never a 500;
throttling follows settings."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import Role
from tests.factories import api_token_for


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def api(commissioner):
    _, secret = api_token_for(commissioner=commissioner, role=Role.COMMISSIONER_MANAGER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


@pytest.mark.parametrize("path", [
    "/api/v1/commissioner/programmes/abc/",
    "/api/v1/commissioner/programmes/99999999999999999999999/",
    "/api/v1/commissioner/programmes/-1/",
    "/api/v1/offers/%0A/",
    "/api/v1/no-such-thing/",
    "/api/v1/commissioner/programmes/1",
])
def test_paths_that_do_not_exist_are_json_404(api, path):
    response = api.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_a_missing_record_is_json_404(api):
    response = api.get("/api/v1/commissioner/programmes/123456/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_validation_errors_have_detail_and_errors_by_field(api):
    response = api.post("/api/v1/commissioner/programmes/", {"budget_per_person": -5},
                        format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Check the fields and try again."
    assert set(body["errors"]) == {"name", "budget_per_person"}
    assert all(isinstance(m, str) for m in body["errors"]["name"])


def test_malformed_json_is_400(api):
    response = api.post("/api/v1/commissioner/programmes/", "{not json",
                        content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


def test_wrong_method_is_405_json(api):
    response = api.delete("/api/v1/commissioner/programmes/")
    assert response.status_code == 405
    assert "detail" in response.json()


def test_not_signed_in_is_401_with_the_token_scheme(db):
    response = APIClient().get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_wrong_role_says_who_it_is_for(jobseeker):
    client = APIClient()
    client.force_login(jobseeker)
    response = client.get("/api/v1/commissioner/programmes/")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "This is only for commissioner managers and commissioner auditors."}


def test_throttle_rates_come_from_settings(settings, db):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "anon": "2/minute"}
    cache.clear()
    try:
        codes = [APIClient().get("/api/v1/offers/").status_code for _ in range(3)]
    finally:
        cache.clear()
    assert codes == [200, 200, 429]


def test_token_throttle_counts_per_token(settings, api):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "token": "1/minute"}
    cache.clear()
    try:
        codes = [api.get("/api/v1/me/").status_code for _ in range(2)]
    finally:
        cache.clear()
    assert codes == [200, 429]


def test_the_schema_and_docs_are_served(db):
    client = APIClient()
    schema = client.get("/api/v1/schema/?format=json")
    assert schema.status_code == 200
    assert "tokenAuth" in schema.json()["components"]["securitySchemes"]
    docs = client.get("/api/v1/docs/")
    page = docs.content.decode()
    assert docs.status_code == 200
    assert page.count("<h1") == 1
    assert "/api/v1/commissioner/programmes/{id}/fund/" in page
    assert "Idempotency-Key" in page
    assert "<script>" not in page and "style=" not in page
