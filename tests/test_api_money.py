"""Requests that move money: funding, issuing budgets (one and bulk), payout runs, and
the Idempotency-Key that makes a retried request harmless."""

from unittest import mock

import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from api.models import IdempotentRequest
from budgets import services as budget_services
from budgets.models import Budget
from ledger.accounts import pot_account
from ledger.models import Account, Transfer, TransferKind
from tests.factories import ManagerFactory, api_token_for

pytestmark = pytest.mark.postgres


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def programme(manager):
    return budget_services.create_programme(actor=manager, name="Back to Work",
                                            budget_per_person=50_000)


@pytest.fixture
def api(commissioner):
    _, secret = api_token_for(commissioner=commissioner, role=Role.COMMISSIONER_MANAGER)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def pot(programme) -> int:
    return Account.objects.get(pk=pot_account(programme).pk).balance


def fund(api, programme, key=None, **body):
    body = {"amount": 100_000, "reference": "GRANT-1", **body}
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return api.post(f"/api/v1/commissioner/programmes/{programme.pk}/fund/", body,
                    format="json", **headers)


def test_funding_puts_money_in_the_pot(api, programme):
    response = fund(api, programme)
    assert response.status_code == 201
    assert response.json()["pot"] == 100_000
    assert pot(programme) == 100_000


def test_a_repeat_with_the_same_key_returns_the_first_response_without_the_service(
        api, programme):
    first = fund(api, programme, key="k-1")
    with mock.patch("budgets.services.fund_programme") as service:
        again = fund(api, programme, key="k-1")
    service.assert_not_called()
    assert again.status_code == first.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert pot(programme) == 100_000


def test_the_same_key_with_a_different_body_is_refused_with_422(api, programme):
    fund(api, programme, key="k-1")
    response = fund(api, programme, key="k-1", amount=5)
    assert response.status_code == 422
    assert "different request" in response.json()["detail"]
    assert pot(programme) == 100_000


def test_keys_are_private_to_whoever_sent_them(api, programme, commissioner):
    fund(api, programme, key="shared")
    _, secret = api_token_for(commissioner=commissioner, role=Role.COMMISSIONER_MANAGER)
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    assert fund(other, programme, key="shared", reference="GRANT-2").status_code == 201
    assert pot(programme) == 200_000


def test_invalid_input_is_not_stored_so_the_key_can_be_reused(api, programme):
    assert fund(api, programme, key="k-1", amount="lots").status_code == 400
    assert fund(api, programme, key="k-1").status_code == 201


def test_a_domain_refusal_is_stored_and_replayed(api, programme):
    issue = f"/api/v1/commissioner/programmes/{programme.pk}/budgets/"
    first = api.post(issue, {"external_reference": "A"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="issue-a")
    assert first.status_code == 409
    fund(api, programme)
    again = api.post(issue, {"external_reference": "A"}, format="json",
                     HTTP_IDEMPOTENCY_KEY="issue-a")
    assert again.status_code == 409
    assert not Budget.objects.exists()


def test_an_overlong_key_is_a_field_error(api, programme):
    response = fund(api, programme, key="x" * 300)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]


def test_issuing_a_budget_moves_money_from_the_pot(api, programme):
    fund(api, programme)
    response = api.post(f"/api/v1/commissioner/programmes/{programme.pk}/budgets/",
                        {"external_reference": "JS-1", "recipient_name": "Ann"},
                        format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["created"] is True
    assert body["budget"]["amount"] == 50_000
    assert len(body["budget"]["invitation_code"]) == 8
    assert pot(programme) == 50_000


def test_issuing_the_same_reference_again_moves_nothing(api, programme):
    fund(api, programme)
    url = f"/api/v1/commissioner/programmes/{programme.pk}/budgets/"
    api.post(url, {"external_reference": "JS-1"}, format="json")
    response = api.post(url, {"external_reference": "JS-1"}, format="json")
    assert response.status_code == 200
    assert response.json()["created"] is False
    assert pot(programme) == 50_000


def test_issuing_with_a_short_pot_is_409_with_the_reason(api, programme):
    response = api.post(f"/api/v1/commissioner/programmes/{programme.pk}/budgets/",
                        {"external_reference": "JS-1"}, format="json")
    assert response.status_code == 409
    assert response.json() == {"detail": "The programme's pot does not have enough money "
                                         "left. Fund the programme first."}


def test_bulk_issue_issues_each_row_once(api, programme):
    fund(api, programme)
    url = f"/api/v1/commissioner/programmes/{programme.pk}/budgets/bulk/"
    rows = {"budgets": [{"external_reference": "A"}, {"external_reference": "B",
                                                       "amount": 20_000}]}
    assert api.post(url, rows, format="json").json()["issued"] == 2
    again = api.post(url, rows, format="json").json()
    assert (again["issued"], again["already_issued"]) == (0, 2)
    assert pot(programme) == 100_000 - 70_000


def test_bulk_issue_names_the_row_the_pot_could_not_cover(api, programme):
    fund(api, programme, amount=60_000)
    url = f"/api/v1/commissioner/programmes/{programme.pk}/budgets/bulk/"
    rows = {"budgets": [{"external_reference": "A"}, {"external_reference": "B"}]}
    response = api.post(url, rows, format="json")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("budgets[1] (B):")
    assert list(Budget.objects.values_list("external_reference", flat=True)) == ["A"]


def test_bulk_issue_row_errors_are_nested_by_row(api, programme):
    url = f"/api/v1/commissioner/programmes/{programme.pk}/budgets/bulk/"
    response = api.post(url, {"budgets": [{"external_reference": "A"}, {"amount": 5}]},
                        format="json")
    assert response.status_code == 400
    assert response.json()["errors"]["budgets"]["1"] == {
        "external_reference": ["This field is required."]}


def test_auditor_token_cannot_fund(commissioner, programme):
    _, secret = api_token_for(commissioner=commissioner, role=Role.COMMISSIONER_AUDITOR)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = fund(client, programme)
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert not Transfer.objects.filter(kind=TransferKind.FUND).exists()


def test_another_commissioners_programme_is_not_found(api):
    other = ManagerFactory()
    programme = budget_services.create_programme(actor=other, name="Theirs",
                                                 budget_per_person=100)
    assert fund(api, programme).status_code == 404
    assert api.get(f"/api/v1/commissioner/programmes/{programme.pk}/").status_code == 404


def test_programmes_list_shows_the_pot(api, programme):
    fund(api, programme)
    body = api.get("/api/v1/commissioner/programmes/").json()
    assert [(p["name"], p["pot"]) for p in body["results"]] == [("Back to Work", 100_000)]


def test_programme_name_clash_is_a_field_error(api, programme):
    response = api.post("/api/v1/commissioner/programmes/",
                        {"name": "Back to Work", "budget_per_person": 100}, format="json")
    assert response.status_code == 400
    assert response.json()["detail"] == "Check the fields and try again."
    assert response.json()["errors"]


def test_starting_a_payout_run_with_nothing_owed(api):
    response = api.post("/api/v1/commissioner/payout-runs/", HTTP_IDEMPOTENCY_KEY="run-1")
    assert response.status_code == 201
    assert response.json()["payouts"] == 0
    replay = api.post("/api/v1/commissioner/payout-runs/", HTTP_IDEMPOTENCY_KEY="run-1")
    assert replay.json()["id"] == response.json()["id"]
    assert IdempotentRequest.objects.count() == 1


def test_payout_run_pays_what_is_owed(api, manager, provider_admin):
    from payouts.models import Payout
    from tests.factories import BankDetailsFactory, make_owed, payout_programme

    provider = provider_admin.provider_membership.provider
    BankDetailsFactory(provider=provider)
    programme = payout_programme(manager)
    make_owed(manager=manager, programme=programme, provider=provider, amount=12_345)
    response = api.post("/api/v1/commissioner/payout-runs/")
    assert response.status_code == 201
    assert response.json()["total"] == 12_345
    assert Payout.objects.get().amount == 12_345


def test_dashboard_figures(api, programme):
    from marketplace.models import OfferStatus
    from tests.factories import OfferFactory

    fund(api, programme)
    OfferFactory(status=OfferStatus.PENDING)
    body = api.get("/api/v1/commissioner/dashboard/").json()
    assert body["money_in_pots"] == 100_000
    assert body["programmes"][0]["pot"] == 100_000
    assert body["offers_to_approve"] == 1
    assert body["outcomes_to_verify"] == 0


def test_a_repeat_while_the_first_is_still_running_is_409(api, programme):
    fund(api, programme, key="busy")
    # As if the first request had not finished yet.
    IdempotentRequest.objects.filter(key="busy").update(status_code=None, body=None)
    response = fund(api, programme, key="busy")
    assert response.status_code == 409
    assert "still being handled" in response.json()["detail"]
    assert pot(programme) == 100_000


def test_token_use_is_recorded(api):
    from api.models import ApiToken

    api.get("/api/v1/me/")
    assert ApiToken.objects.get().last_used_at is not None
