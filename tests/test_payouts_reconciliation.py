"""Reconciliation: ledger payouts against Stripe transfers and BACS file lines."""

from pathlib import Path

import pytest
import stripe
from django.conf import settings as django_settings

from budgets import services as money
from ledger import keys
from payouts import services, stripe_gateway
from payouts.models import Payout
from payouts.reconciliation import reconcile
from tests.factories import (
    WEBHOOK_SECRET,
    BankDetailsFactory,
    ConnectedAccountFactory,
    ProviderFactory,
    RecordedStripe,
    make_owed,
    payout_programme,
    recorded,
)


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
def programme(manager):
    return payout_programme(manager)


@pytest.fixture
def stripe_paid(fake_stripe, manager, programme):
    provider = ConnectedAccountFactory(provider=ProviderFactory()).provider
    make_owed(manager=manager, programme=programme, provider=provider, amount=50_000)
    fake_stripe.add("post", "/v1/transfers",
                    (200, recorded("transfer_created", id="tr_ok", amount=50_000)))
    return services.start_payout_run(actor=manager, commissioner=manager.commissioner
                                     ).payouts.get()


@pytest.fixture
def bacs_run(settings, manager, programme):
    settings.PAYOUT_METHOD, settings.STRIPE_SECRET_KEY = "bacs", ""
    for name, amount in (("Able", 10_000), ("Bright", 20_000)):
        provider = BankDetailsFactory(provider=ProviderFactory(name=name)).provider
        make_owed(manager=manager, programme=programme, provider=provider, amount=amount)
    return services.start_payout_run(actor=manager, commissioner=manager.commissioner)


def kinds(commissioner) -> list[str]:
    return [m.kind for m in reconcile(commissioner)]


def rewrite(bacs_file, change):
    path = Path(django_settings.PRIVATE_MEDIA_ROOT) / bacs_file.path
    lines = path.read_bytes().decode("ascii").split("\r\n")
    path.write_bytes("\r\n".join(change(lines)).encode("ascii"))


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_clean_stripe_run_reconciles(stripe_paid, manager):
    assert reconcile(manager.commissioner) == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_stripe_amount_that_differs_from_the_ledger_is_listed(stripe_paid, manager):
    Payout.objects.filter(pk=stripe_paid.pk).update(stripe_amount=49_000)
    [mismatch] = reconcile(manager.commissioner)
    assert mismatch.kind == "amount_differs"
    assert (mismatch.ledger_amount, mismatch.other_amount) == (50_000, 49_000)
    assert mismatch.reference == "tr_ok"


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_payout_stripe_never_confirmed_is_missing_on_the_stripe_side(
        fake_stripe, manager, programme):
    provider = ConnectedAccountFactory(provider=ProviderFactory()).provider
    make_owed(manager=manager, programme=programme, provider=provider, amount=50_000)
    fake_stripe.add("post", "/v1/transfers", stripe.APIConnectionError("down"))
    services.start_payout_run(actor=manager, commissioner=manager.commissioner)
    assert kinds(manager.commissioner) == ["missing_in_stripe"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_reversed_in_stripe_but_not_in_the_ledger_is_listed(stripe_paid, manager):
    Payout.objects.filter(pk=stripe_paid.pk).update(stripe_amount_reversed=50_000)
    assert kinds(manager.commissioner) == ["reversed_in_stripe_only"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_reversed_in_the_ledger_while_the_stripe_transfer_stands_is_listed(
        stripe_paid, manager):
    from django.db import transaction

    with transaction.atomic():
        payout = Payout.objects.select_for_update().get(pk=stripe_paid.pk)
        services._fail(payout, reason="The provider's bank payout failed: closed")
    assert kinds(manager.commissioner) == ["reversed_in_ledger_only"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_ledger_payout_without_a_payout_record_is_listed(stripe_paid, manager, programme):
    provider = ProviderFactory()
    make_owed(manager=manager, programme=programme, provider=provider, amount=1_000)
    money.pay_out(actor=manager, provider=provider, amounts={programme: 1_000},
                  key=keys.payout("paid-by-hand"))
    [mismatch] = reconcile(manager.commissioner)
    assert mismatch.kind == "missing_payout_record"
    assert mismatch.ledger_amount == 1_000


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_clean_bacs_file_reconciles(bacs_run, manager):
    assert reconcile(manager.commissioner) == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_bacs_line_whose_amount_was_changed_is_listed(bacs_run, manager):
    rewrite(bacs_run.bacs_file,
            lambda lines: [lines[0][:35] + "00000010001" + lines[0][46:], *lines[1:]])
    assert sorted(kinds(manager.commissioner)) == ["amount_differs", "file_altered"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_payout_missing_from_its_bacs_file_is_listed(bacs_run, manager):
    rewrite(bacs_run.bacs_file, lambda lines: lines[1:])
    assert sorted(kinds(manager.commissioner)) == ["file_altered", "missing_in_file"]


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_reconciliation_page_lists_mismatches_for_an_auditor(client, stripe_paid,
                                                                 auditor):
    Payout.objects.filter(pk=stripe_paid.pk).update(stripe_amount=49_000)
    client.force_login(auditor)
    body = client.get("/commissioner/payouts/reconciliation/").content.decode()
    assert "1 thing does not match" in body
    assert "differs from the ledger" in body
    assert "£490.00" in body and "£500.00" in body


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_reconciliation_page_says_when_everything_matches(client, stripe_paid, manager):
    client.force_login(manager)
    body = client.get("/commissioner/payouts/reconciliation/").content.decode()
    assert "Everything matches" in body
