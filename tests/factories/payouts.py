"""Payout test data: money owed to providers (made through the real money services),
bank details, connected accounts, a recorded-response Stripe HTTP client, and Stripe
webhook signatures computed by hand."""

import hashlib
import hmac
import itertools
import json
import time
from pathlib import Path

import factory
import stripe

from budgets import services as money
from ledger import keys
from payouts.models import BankDetails, ConnectedAccount
from tests.factories.accounts import JobseekerFactory, ProviderFactory

__all__ = [
    "BankDetailsFactory",
    "ConnectedAccountFactory",
    "RecordedStripe",
    "WEBHOOK_SECRET",
    "make_owed",
    "payout_programme",
    "recorded",
    "sign_webhook",
    "stripe_event",
]

RECORDINGS = Path(__file__).parent / "stripe_recordings"
WEBHOOK_SECRET = "whsec_test_onward_0123456789abcdef"
_booking_ids = itertools.count(90_000)


class BankDetailsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BankDetails

    provider = factory.SubFactory(ProviderFactory)
    account_name = factory.Sequence(lambda n: f"Provider {n} Ltd")
    sort_code = "309950"
    account_number = factory.Sequence(lambda n: f"{12345678 + n:08d}")


class ConnectedAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConnectedAccount

    provider = factory.SubFactory(ProviderFactory)
    stripe_account_id = factory.Sequence(lambda n: f"acct_1Onward{n:08d}")
    payouts_enabled = True
    details_submitted = True


def payout_programme(manager, name="Back to Work", fund=10_000_000):
    """A funded programme that withholds nothing, so a delivery's price is all payable."""
    programme = money.create_programme(actor=manager, name=name, budget_per_person=1_000_000,
                                       outcome_share_bp=0)
    money.fund_programme(actor=manager, programme=programme, amount=fund, reference="grant")
    return programme


def make_owed(*, manager, programme, provider, amount):
    """Put ``amount`` pence into the provider's payable account for the programme, the
    way real bookings do: issue, claim, commit, deliver."""
    booking_id = next(_booking_ids)
    budget, _ = money.issue_budget(actor=manager, programme=programme,
                                   external_reference=f"JS-{booking_id}", amount=amount)
    budget = money.claim_invitation(user=JobseekerFactory(),
                                    code_or_token=budget.invitation.code)
    money.commit_for_booking(actor=budget.jobseeker, budget=budget, amount=amount,
                             booking_id=booking_id, key=keys.booking_commit(booking_id))
    money.settle_delivery(budget=budget, provider=provider, amount=amount,
                          booking_id=booking_id, key=keys.booking_settle(booking_id))


def recorded(name: str, **changes) -> dict:
    """A recorded Stripe API response body (tests/factories/stripe_recordings/)."""
    body = json.loads((RECORDINGS / f"{name}.json").read_text())
    body.update(changes)
    return body


class RecordedStripe(stripe.HTTPClient):
    """Stands in for the network: answers each Stripe request from a queue of recorded
    responses per (method, path) and remembers every request it was sent.

    A queued item is (status, body dict) or an exception instance to raise (e.g.
    stripe.APIConnectionError)."""

    name = "recorded"

    def __init__(self):
        super().__init__()
        self.queues: dict[tuple[str, str], list] = {}
        self.calls: list[dict] = []

    def add(self, method: str, path: str, *responses):
        self.queues.setdefault((method.lower(), path), []).extend(responses)
        return self

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        path = url.split("api.stripe.com", 1)[-1].split("?", 1)[0]
        self.calls.append({"method": method.lower(), "path": path,
                           "headers": dict(headers or {}), "data": post_data or ""})
        queue = self.queues.get((method.lower(), path))
        if not queue:
            raise AssertionError(f"No recorded Stripe response for {method} {path}")
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, BaseException):
            raise item
        status, body = item
        return json.dumps(body), status, {"request-id": "req_recorded"}

    def calls_to(self, method: str, path: str) -> list[dict]:
        return [c for c in self.calls if c["method"] == method and c["path"] == path]

    def close(self):
        pass


def stripe_event(event_type: str, obj: dict, *, event_id: str, account: str | None = None,
                 created: int | None = None) -> str:
    body = {
        "id": event_id, "object": "event", "api_version": "2026-10-28.endive",
        "created": created if created is not None else int(time.time()),
        "type": event_type, "livemode": False, "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "data": {"object": obj},
    }
    if account:
        body["account"] = account
    return json.dumps(body)


def sign_webhook(payload: str, *, secret: str = WEBHOOK_SECRET,
                 timestamp: int | None = None) -> str:
    """Stripe's scheme: t=<unix time>,v1=HMAC_SHA256(secret, "<t>.<payload>")."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(),
                      hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
