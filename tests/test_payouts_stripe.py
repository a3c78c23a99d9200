"""Payout runs paid by Stripe Connect transfers, against recorded Stripe responses.

No network: tests.factories.RecordedStripe is set as stripe.default_http_client and
answers from recorded JSON bodies."""

from urllib.parse import parse_qs

import pytest
import stripe

from budgets import services as money
from ledger.accounts import payable_account, payouts_account
from ledger.models import Account, Transfer, TransferKind
from payouts import services, stripe_gateway
from payouts.errors import RunAlreadyInProgress
from payouts.models import ConnectedAccount, Payout, PayoutRun, PayoutStatus, RunStatus
from tests.factories import (
    WEBHOOK_SECRET,
    ConnectedAccountFactory,
    ManagerFactory,
    ProviderFactory,
    RecordedStripe,
    make_owed,
    payout_programme,
    recorded,
)

TRANSFERS = "/v1/transfers"


@pytest.fixture
def fake_stripe(settings, monkeypatch):
    settings.PAYOUT_METHOD = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_onward_recorded"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    client = RecordedStripe()
    client.pauses = []
    monkeypatch.setattr(stripe, "default_http_client", client)
    monkeypatch.setattr(stripe_gateway, "pause", client.pauses.append)
    return client


@pytest.fixture
def programme(manager):
    return payout_programme(manager)


def connected(provider=None, **kwargs):
    return ConnectedAccountFactory(provider=provider or ProviderFactory(), **kwargs).provider


def balance(account) -> int:
    return Account.objects.get(pk=account.pk).balance


def payable(provider, programme) -> int:
    return balance(payable_account(provider=provider, programme=programme))


def sent(call) -> dict:
    return {key: values[0] for key, values in parse_qs(call["data"]).items()}


def transfer_ok(amount, n=1):
    return (200, recorded("transfer_created", id=f"tr_recorded{n:04d}", amount=amount))


def rate_limited():
    return (429, recorded("error_rate_limit"))


def refused():
    return (400, recorded("error_invalid_request"))


def unreachable():
    return stripe.APIConnectionError("Connection reset by peer (recorded)", should_retry=True)


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_run_transfers_what_each_provider_is_owed_and_marks_it_paid(
        fake_stripe, manager, programme):
    provider = connected()
    make_owed(manager=manager, programme=programme, provider=provider, amount=50_000)
    fake_stripe.add("post", TRANSFERS, transfer_ok(50_000))

    run = services.start_payout_run(actor=manager, commissioner=manager.commissioner)

    payout = run.payouts.get()
    assert payout.status == PayoutStatus.PAID
    assert payout.amount == 50_000
    assert payout.stripe_transfer_id == "tr_recorded0001"
    assert payable(provider, programme) == 0
    assert balance(payouts_account(programme)) == 50_000
    assert run.status == RunStatus.COMPLETED


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_transfer_carries_an_idempotency_key_derived_from_the_payout(
        fake_stripe, manager, programme):
    provider = connected()
    make_owed(manager=manager, programme=programme, provider=provider, amount=50_000)
    fake_stripe.add("post", TRANSFERS, transfer_ok(50_000))

    run = services.start_payout_run(actor=manager, commissioner=manager.commissioner)

    payout = run.payouts.get()
    call = fake_stripe.calls_to("post", TRANSFERS)[0]
    assert call["headers"]["Idempotency-Key"] == f"onward-payout-{payout.reference}"
    params = sent(call)
    assert params["amount"] == "50000"
    assert params["currency"] == "gbp"
    assert params["destination"] == provider.connected_account.stripe_account_id
    assert params["metadata[onward_payout]"] == str(payout.reference)


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_payout_records_its_split_across_programmes(fake_stripe, manager, programme):
    second = payout_programme(manager, name="Second programme")
    provider = connected()
    make_owed(manager=manager, programme=programme, provider=provider, amount=30_000)
    make_owed(manager=manager, programme=second, provider=provider, amount=20_000)
    fake_stripe.add("post", TRANSFERS, transfer_ok(50_000))

    run = services.start_payout_run(actor=manager, commissioner=manager.commissioner)

    payout = run.payouts.get()
    assert payout.amount == 50_000
    assert {line.programme.name: line.amount for line in payout.lines.all()} == {
        "Back to Work": 30_000, "Second programme": 20_000}
    assert balance(payouts_account(second)) == 20_000


@pytest.mark.postgres
@pytest.mark.django_db
def test_rate_limit_is_retried_with_back_off_and_the_same_key_then_pays_once(
        fake_stripe, manager, programme):
    provider = connected()
    make_owed(manager=manager, programme=programme, provider=provider, amount=50_000)
    fake_stripe.add("post", TRANSFERS, rate_limited(), transfer_ok(50_000))

    run = services.start_payout_run(actor=manager, commissioner=manager.commissioner)

    calls = fake_stripe.calls_to("post", TRANSFERS)
    assert len(calls) == 2
    assert calls[0]["headers"]["Idempotency-Key"] == calls[1]["headers"]["Idempotency-Key"]
    assert fake_stripe.pauses == [0.5]
    assert run.payouts.get().status == PayoutStatus.PAID


@pytest.mark.postgres
@pytest.mark.django_db
def test_stripe_unreachable_after_three_tries_leaves_the_payout_pending_not_failed(
        fake_stripe, manager, programme):
    provider = connected()
    make_owed(manager=manager, programme=programme, provider=provider, amount=50_000)
    fake_stripe.add("post", TRANSFERS, unreachable())

    run = services.start_payout_run(actor=manager, commissioner=manager.commissioner)

    payout = run.payouts.get()
    assert len(fake_stripe.calls_to("post", TRANSFERS)) == 3
    assert fake_stripe.pauses == [0.5, 1.0]
    assert payout.status == PayoutStatus.PENDING
    assert payable(provider, programme) == 0  # not owed twice while Stripe may have acted
    assert run.status == RunStatus.COMPLETED_WITH_PROBLEMS
    assert "Could not reach Stripe after 3 tries" in run.problems[0]["reason"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_next_run_retries_a_pending_payout_with_its_original_key(
        fake_stripe, manager, programme):
    provider = connected()
    make_owed(manager=manager, programme=programme, provider=provider, amount=50_000)
    fake_stripe.add("post", TRANSFERS, unreachable())
    services.start_payout_run(actor=manager, commissioner=manager.commissioner)
    fake_stripe.queues.clear()
    fake_stripe.add("post", TRANSFERS, transfer_ok(50_000))

    services.start_payout_run(actor=manager, commissioner=manager.commissioner)

    payout = Payout.objects.get()
    keys = {c["headers"]["Idempotency-Key"] for c in fake_stripe.calls_to("post", TRANSFERS)}
    assert keys == {payout.stripe_idempotency_key}
    assert payout.status == PayoutStatus.PAID
    assert Transfer.objects.filter(kind=TransferKind.PAYOUT).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_invalid_request_fails_the_payout_and_the_money_is_owed_again(
        fake_stripe, manager, programme):
    provider = connected()
    make_owed(manager=manager, programme=programme, provider=provider, amount=50_000)
    fake_stripe.add("post", TRANSFERS, refused())

    run = services.start_payout_run(actor=manager, commissioner=manager.commissioner)

    payout = run.payouts.get()
    assert len(fake_stripe.calls_to("post", TRANSFERS)) == 1  # not retried
    assert payout.status == PayoutStatus.FAILED
    assert "does not have access to account" in payout.failure_reason
    assert payout.reversal_transfer is not None
    assert payable(provider, programme) == 50_000
    assert balance(payouts_account(programme)) == 0
    assert "Stripe refused the request" in run.problems[0]["reason"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_permission_error_is_surfaced_on_the_run_and_nothing_is_marked_paid(
        fake_stripe, manager, programme):
    provider = connected()
    make_owed(manager=manager, programme=programme, provider=provider, amount=50_000)
    fake_stripe.add("post", TRANSFERS, (403, recorded("error_permission")))

    run = services.start_payout_run(actor=manager, commissioner=manager.commissioner)

    assert "Stripe refused permission" in run.problems[0]["reason"]
    assert not Payout.objects.filter(status=PayoutStatus.PAID).exists()
    assert payable(provider, programme) == 50_000


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_later_run_pays_money_owed_again_after_a_failure(fake_stripe, manager, programme):
    provider = connected()
    make_owed(manager=manager, programme=programme, provider=provider, amount=50_000)
    fake_stripe.add("post", TRANSFERS, refused())
    services.start_payout_run(actor=manager, commissioner=manager.commissioner)
    fake_stripe.queues.clear()
    fake_stripe.add("post", TRANSFERS, transfer_ok(50_000, n=2))

    run = services.start_payout_run(actor=manager, commissioner=manager.commissioner)

    assert run.payouts.get().status == PayoutStatus.PAID
    assert payable(provider, programme) == 0
    assert balance(payouts_account(programme)) == 50_000


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_provider_without_payouts_enabled_is_listed_and_stays_owed(
        fake_stripe, manager, programme):
    provider = connected(payouts_enabled=False)
    make_owed(manager=manager, programme=programme, provider=provider, amount=50_000)

    run = services.start_payout_run(actor=manager, commissioner=manager.commissioner)

    assert not run.payouts.exists()
    assert fake_stripe.calls == []
    assert "has not enabled payouts" in run.problems[0]["reason"]
    assert payable(provider, programme) == 50_000


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_run_interrupted_after_the_first_provider_pays_each_exactly_once_when_rerun(
        fake_stripe, manager, programme, monkeypatch):
    first, second = connected(ProviderFactory(name="A first")), connected(
        ProviderFactory(name="B second"))
    make_owed(manager=manager, programme=programme, provider=first, amount=50_000)
    make_owed(manager=manager, programme=programme, provider=second, amount=40_000)
    fake_stripe.add("post", TRANSFERS, transfer_ok(50_000, n=1))
    real_pay_out = money.pay_out

    def crash_on_second(**kwargs):
        if Transfer.objects.filter(kind=TransferKind.PAYOUT).exists():
            raise RuntimeError("worker killed")
        return real_pay_out(**kwargs)

    monkeypatch.setattr(money, "pay_out", crash_on_second)
    with pytest.raises(RuntimeError):
        services.start_payout_run(actor=manager, commissioner=manager.commissioner)
    monkeypatch.setattr(money, "pay_out", real_pay_out)
    fake_stripe.queues.clear()
    fake_stripe.add("post", TRANSFERS, transfer_ok(40_000, n=2))

    services.start_payout_run(actor=manager, commissioner=manager.commissioner)

    destinations = [sent(c)["destination"] for c in fake_stripe.calls_to("post", TRANSFERS)]
    assert sorted(destinations) == sorted([first.connected_account.stripe_account_id,
                                           second.connected_account.stripe_account_id])
    assert Transfer.objects.filter(kind=TransferKind.PAYOUT).count() == 2
    assert payable(first, programme) == payable(second, programme) == 0
    assert balance(payouts_account(programme)) == 90_000
    assert PayoutRun.objects.filter(status=RunStatus.INTERRUPTED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_crash_between_ledger_and_stripe_is_resent_with_the_same_key_not_paid_again(
        fake_stripe, manager, programme):
    provider = connected()
    make_owed(manager=manager, programme=programme, provider=provider, amount=50_000)
    fake_stripe.add("post", TRANSFERS, RuntimeError("process killed mid-request"))
    with pytest.raises(RuntimeError):
        services.start_payout_run(actor=manager, commissioner=manager.commissioner)
    fake_stripe.queues.clear()
    fake_stripe.add("post", TRANSFERS, transfer_ok(50_000))

    services.start_payout_run(actor=manager, commissioner=manager.commissioner)

    payout = Payout.objects.get()
    keys = [c["headers"]["Idempotency-Key"] for c in fake_stripe.calls_to("post", TRANSFERS)]
    assert keys == [payout.stripe_idempotency_key] * 2
    assert payout.status == PayoutStatus.PAID
    assert Transfer.objects.filter(kind=TransferKind.PAYOUT).count() == 1
    assert payable(provider, programme) == 0


@pytest.mark.postgres
@pytest.mark.django_db
def test_only_the_commissioners_own_manager_can_start_a_run(fake_stripe, manager, auditor):
    from budgets.errors import NotAllowed

    for person in (ManagerFactory(), auditor):
        with pytest.raises(NotAllowed):
            services.start_payout_run(actor=person, commissioner=manager.commissioner)


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_second_run_at_the_same_time_is_refused(fake_stripe, manager, programme):
    from django.db import connections

    other = connections.create_connection("default")  # another session holds the run
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)",
                           [services.RUN_LOCK_KEY, manager.commissioner.pk])
        with pytest.raises(RunAlreadyInProgress):
            services.start_payout_run(actor=manager, commissioner=manager.commissioner)
    finally:
        other.close()
    assert not PayoutRun.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_provider_admin_connects_an_express_account_through_an_account_link(
        fake_stripe, client, provider_admin):
    fake_stripe.add("post", "/v1/accounts", (200, recorded("account_created")))
    fake_stripe.add("post", "/v1/account_links", (200, recorded("account_link_created")))
    client.force_login(provider_admin)

    response = client.post("/provider/payouts/stripe/connect/")

    assert response.status_code == 302
    assert response["Location"].startswith("https://connect.stripe.com/setup/e/")
    account = ConnectedAccount.objects.get()
    assert account.provider == provider_admin.provider_membership.provider
    assert account.stripe_account_id == "acct_1QOnwardExpress01"
    assert not account.payouts_enabled
    params = sent(fake_stripe.calls_to("post", "/v1/accounts")[0])
    assert params["type"] == "express" and params["country"] == "GB"
    link = sent(fake_stripe.calls_to("post", "/v1/account_links")[0])
    assert link["type"] == "account_onboarding"
    assert link["return_url"].endswith("/provider/payouts/stripe/return/")


@pytest.mark.postgres
@pytest.mark.django_db
def test_coming_back_from_stripe_shows_whether_payouts_are_enabled(
        fake_stripe, client, provider_admin):
    provider = provider_admin.provider_membership.provider
    ConnectedAccountFactory(provider=provider, stripe_account_id="acct_1QOnwardExpress01",
                            payouts_enabled=False)
    fake_stripe.add("get", "/v1/accounts/acct_1QOnwardExpress01",
                    (200, recorded("account_created", payouts_enabled=True,
                                   details_submitted=True)))
    client.force_login(provider_admin)

    body = client.get("/provider/payouts/stripe/return/", follow=True).content.decode()

    assert "payouts are on" in body
    assert "Enabled" in body
    assert ConnectedAccount.objects.get().payouts_enabled


@pytest.mark.postgres
@pytest.mark.django_db
def test_provider_staff_cannot_connect_a_stripe_account(fake_stripe, client, provider_staff):
    client.force_login(provider_staff)
    assert client.post("/provider/payouts/stripe/connect/").status_code == 403
    assert fake_stripe.calls == []
