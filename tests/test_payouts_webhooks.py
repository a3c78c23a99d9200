"""Stripe webhooks at /payouts/stripe/webhook/, signed by hand with HMAC-SHA256."""

import time

import pytest
import stripe

from ledger.accounts import payable_account
from ledger.models import Account, Transfer, TransferKind
from payouts import services, stripe_gateway
from payouts.models import ConnectedAccount, Payout, PayoutStatus, StripeEvent
from tests.factories import (
    WEBHOOK_SECRET,
    ConnectedAccountFactory,
    ProviderFactory,
    RecordedStripe,
    make_owed,
    payout_programme,
    recorded,
    sign_webhook,
    stripe_event,
)

URL = "/payouts/stripe/webhook/"


@pytest.fixture
def fake_stripe(settings, monkeypatch):
    settings.PAYOUT_METHOD = "stripe"
    settings.STRIPE_SECRET_KEY = "sk_test_onward_recorded"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    client = RecordedStripe()
    monkeypatch.setattr(stripe, "default_http_client", client)
    monkeypatch.setattr(stripe_gateway, "pause", lambda seconds: None)
    return client


@pytest.fixture
def paid(fake_stripe, manager):
    """A provider paid 50,000p by a Stripe transfer tr_paid0001."""
    programme = payout_programme(manager)
    provider = ConnectedAccountFactory(provider=ProviderFactory(),
                                       stripe_account_id="acct_1Paid").provider
    make_owed(manager=manager, programme=programme, provider=provider, amount=50_000)
    fake_stripe.add("post", "/v1/transfers",
                    (200, recorded("transfer_created", id="tr_paid0001", amount=50_000)))
    run = services.start_payout_run(actor=manager, commissioner=manager.commissioner)
    return run.payouts.get(), programme


def post(client, payload, signature):
    headers = {"HTTP_STRIPE_SIGNATURE": signature} if signature is not None else {}
    return client.post(URL, data=payload, content_type="application/json", **headers)


def deliver(client, django_capture_on_commit_callbacks, payload, signature=None):
    with django_capture_on_commit_callbacks(execute=True):
        return post(client, payload, sign_webhook(payload) if signature is None else signature)


def transfer_obj(payout, *, reversed_amount=None, transfer_id="tr_paid0001"):
    obj = recorded("transfer_created", id=transfer_id, amount=payout.amount,
                   destination=payout.stripe_account_id,
                   metadata={"onward_payout": str(payout.reference)})
    if reversed_amount is not None:
        obj.update(amount_reversed=reversed_amount, reversed=reversed_amount >= payout.amount)
    return obj


def payable(payout, programme) -> int:
    return Account.objects.get(pk=payable_account(provider=payout.provider,
                                                  programme=programme).pk).balance


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_validly_signed_event_is_stored_once_and_handled(
        client, paid, django_capture_on_commit_callbacks):
    payout, programme = paid
    payload = stripe_event("transfer.reversed", transfer_obj(payout, reversed_amount=50_000),
                           event_id="evt_rev1")

    response = deliver(client, django_capture_on_commit_callbacks, payload)

    assert response.status_code == 200
    event = StripeEvent.objects.get(event_id="evt_rev1")
    assert event.processed_at is not None
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.FAILED
    assert payout.failure_reason == "Stripe reversed the transfer."
    assert payable(payout, programme) == 50_000


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_event_is_handed_to_the_task_only_after_commit(
        client, paid, django_capture_on_commit_callbacks):
    payout, _ = paid
    payload = stripe_event("transfer.reversed", transfer_obj(payout, reversed_amount=50_000),
                           event_id="evt_rev1")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(client, payload, sign_webhook(payload))
    assert len(callbacks) == 1
    assert StripeEvent.objects.get().processed_at is None


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("signature", [
    None,
    "t=1,v1=deadbeef",
    "nonsense",
])
def test_a_missing_or_bad_signature_is_refused_and_changes_nothing(
        client, paid, django_capture_on_commit_callbacks, signature):
    payout, programme = paid
    payload = stripe_event("transfer.reversed", transfer_obj(payout, reversed_amount=50_000),
                           event_id="evt_forged")
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, payload, signature)
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    assert Payout.objects.get().status == PayoutStatus.PAID
    assert payable(payout, programme) == 0


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_signature_made_with_another_secret_is_refused(
        client, paid, django_capture_on_commit_callbacks):
    payout, _ = paid
    payload = stripe_event("transfer.reversed", transfer_obj(payout, reversed_amount=50_000),
                           event_id="evt_forged")
    response = deliver(client, django_capture_on_commit_callbacks, payload,
                       sign_webhook(payload, secret="whsec_someone_else"))
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_tampered_payload_is_refused(client, paid, django_capture_on_commit_callbacks):
    payout, _ = paid
    payload = stripe_event("transfer.reversed", transfer_obj(payout, reversed_amount=50_000),
                           event_id="evt_x")
    signature = sign_webhook(payload)
    response = deliver(client, django_capture_on_commit_callbacks,
                       payload.replace("evt_x", "evt_y"), signature)
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_expired_timestamp_is_refused(client, paid, django_capture_on_commit_callbacks):
    payout, _ = paid
    payload = stripe_event("transfer.reversed", transfer_obj(payout, reversed_amount=50_000),
                           event_id="evt_old")
    old = sign_webhook(payload, timestamp=int(time.time()) - 301)
    response = deliver(client, django_capture_on_commit_callbacks, payload, old)
    assert response.status_code == 400
    assert Payout.objects.get().status == PayoutStatus.PAID


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_connected_accounts_endpoint_secret_is_accepted_too(
        client, settings, fake_stripe, django_capture_on_commit_callbacks):
    settings.STRIPE_WEBHOOK_SECRET = f"{WEBHOOK_SECRET}, whsec_connect_endpoint"
    payload = stripe_event("charge.succeeded", {"id": "ch_1"}, event_id="evt_c")
    response = deliver(client, django_capture_on_commit_callbacks, payload,
                       sign_webhook(payload, secret="whsec_connect_endpoint"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_without_a_webhook_secret_every_event_is_refused(client, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    payload = stripe_event("account.updated", {"id": "acct_x"}, event_id="evt_1")
    response = post(client, payload, sign_webhook(payload, secret=""))
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


@pytest.mark.django_db
def test_the_webhook_only_accepts_post(client):
    assert client.get(URL).status_code == 405


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_replayed_event_changes_nothing_twice(client, paid,
                                                django_capture_on_commit_callbacks):
    payout, programme = paid
    payload = stripe_event("transfer.reversed", transfer_obj(payout, reversed_amount=50_000),
                           event_id="evt_rev1")
    deliver(client, django_capture_on_commit_callbacks, payload)

    again = deliver(client, django_capture_on_commit_callbacks, payload)

    assert again.status_code == 200
    assert StripeEvent.objects.count() == 1
    assert Transfer.objects.filter(kind=TransferKind.PAYOUT_REVERSAL).count() == 1
    assert payable(payout, programme) == 50_000


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_same_reversal_under_a_second_event_id_changes_nothing_twice(
        client, paid, django_capture_on_commit_callbacks):
    payout, programme = paid
    for event_id in ("evt_rev1", "evt_rev2"):
        payload = stripe_event("transfer.reversed",
                               transfer_obj(payout, reversed_amount=50_000), event_id=event_id)
        deliver(client, django_capture_on_commit_callbacks, payload)
    assert StripeEvent.objects.count() == 2
    assert Transfer.objects.filter(kind=TransferKind.PAYOUT_REVERSAL).count() == 1
    assert payable(payout, programme) == 50_000


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_reversal_arriving_before_the_transfer_created_event_is_applied_once(
        client, paid, django_capture_on_commit_callbacks):
    payout, programme = paid
    reversed_first = stripe_event("transfer.reversed",
                                  transfer_obj(payout, reversed_amount=50_000),
                                  event_id="evt_rev", created=1_764_000_100)
    created_late = stripe_event("transfer.created", transfer_obj(payout),
                                event_id="evt_created", created=1_764_000_000)
    deliver(client, django_capture_on_commit_callbacks, reversed_first)
    deliver(client, django_capture_on_commit_callbacks, created_late)

    payout.refresh_from_db()
    assert payout.status == PayoutStatus.FAILED
    assert Transfer.objects.filter(kind=TransferKind.PAYOUT_REVERSAL).count() == 1
    assert payable(payout, programme) == 50_000


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_transfer_created_event_confirms_a_payout_whose_response_was_lost(
        client, fake_stripe, manager, django_capture_on_commit_callbacks):
    programme = payout_programme(manager)
    provider = ConnectedAccountFactory(provider=ProviderFactory()).provider
    make_owed(manager=manager, programme=programme, provider=provider, amount=50_000)
    fake_stripe.add("post", "/v1/transfers",
                    stripe.APIConnectionError("read timed out", should_retry=True))
    run = services.start_payout_run(actor=manager, commissioner=manager.commissioner)
    payout = run.payouts.get()
    assert payout.status == PayoutStatus.PENDING

    payload = stripe_event("transfer.created", transfer_obj(payout, transfer_id="tr_late"),
                           event_id="evt_created")
    deliver(client, django_capture_on_commit_callbacks, payload)

    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID
    assert payout.stripe_transfer_id == "tr_late"


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_partial_reversal_leaves_the_ledger_alone(client, paid,
                                                    django_capture_on_commit_callbacks):
    payout, programme = paid
    payload = stripe_event("transfer.reversed", transfer_obj(payout, reversed_amount=10_000),
                           event_id="evt_part")
    deliver(client, django_capture_on_commit_callbacks, payload)
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID
    assert payout.stripe_amount_reversed == 10_000
    assert payable(payout, programme) == 0


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_failed_bank_payout_on_the_connected_account_fails_the_payout(
        client, paid, django_capture_on_commit_callbacks):
    payout, programme = paid
    obj = {"id": "po_1Failed", "object": "payout", "amount": 50_000, "currency": "gbp",
           "status": "failed", "failure_code": "account_closed",
           "failure_message": "The bank account has been closed."}
    for event_id in ("evt_pf1", "evt_pf2"):  # Stripe may send it twice
        payload = stripe_event("payout.failed", obj, event_id=event_id, account="acct_1Paid")
        deliver(client, django_capture_on_commit_callbacks, payload)

    payout.refresh_from_db()
    assert payout.status == PayoutStatus.FAILED
    assert "The bank account has been closed." in payout.failure_reason
    assert Transfer.objects.filter(kind=TransferKind.PAYOUT_REVERSAL).count() == 1
    assert payable(payout, programme) == 50_000


@pytest.mark.postgres
@pytest.mark.django_db
def test_account_updated_turns_payouts_on_for_the_provider(
        client, fake_stripe, django_capture_on_commit_callbacks):
    account = ConnectedAccountFactory(stripe_account_id="acct_1QOnwardExpress01",
                                      payouts_enabled=False)
    payload = stripe_event("account.updated",
                           recorded("account_created", payouts_enabled=True,
                                    details_submitted=True),
                           event_id="evt_acc1", account="acct_1QOnwardExpress01")
    deliver(client, django_capture_on_commit_callbacks, payload)
    account.refresh_from_db()
    assert account.payouts_enabled and account.details_submitted


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_older_account_updated_event_arriving_late_is_ignored(
        client, fake_stripe, django_capture_on_commit_callbacks):
    ConnectedAccountFactory(stripe_account_id="acct_1QOnwardExpress01", payouts_enabled=False)
    newer = stripe_event("account.updated", recorded("account_created", payouts_enabled=True),
                         event_id="evt_new", created=1_764_000_200)
    older = stripe_event("account.updated", recorded("account_created", payouts_enabled=False),
                         event_id="evt_old", created=1_764_000_100)
    deliver(client, django_capture_on_commit_callbacks, newer)
    deliver(client, django_capture_on_commit_callbacks, older)
    assert ConnectedAccount.objects.get().payouts_enabled
    assert "Older" in StripeEvent.objects.get(event_id="evt_old").outcome


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_event_type_we_do_not_act_on_is_stored_and_ignored(
        client, fake_stripe, django_capture_on_commit_callbacks):
    payload = stripe_event("charge.succeeded", {"id": "ch_1"}, event_id="evt_ch")
    assert deliver(client, django_capture_on_commit_callbacks, payload).status_code == 200
    assert StripeEvent.objects.get().outcome.startswith("Ignored")
