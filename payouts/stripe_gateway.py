"""Every call this service makes to Stripe, and how its errors read to people.

Transient errors (Stripe unreachable, rate limited) are retried here with a bounded
back-off: safe, because every create carries an idempotency key, so a retry of a
request Stripe did receive returns the first result instead of acting twice.
Stripe's own automatic retries are off so this is the one place that decides.
"""

import logging
import time

import stripe
from django.conf import settings

from payouts.errors import StripeFailed, StripeNotConfigured

log = logging.getLogger(__name__)

MAX_TRIES = 3
FIRST_DELAY_SECONDS = 0.5
RETRYABLE = (stripe.APIConnectionError, stripe.RateLimitError)


def stripe_configured() -> bool:
    return settings.PAYOUT_METHOD == "stripe" and bool(settings.STRIPE_SECRET_KEY)


def pause(seconds: float) -> None:
    # A seam so tests can count the back-off without waiting for it.
    time.sleep(seconds)


def _client() -> stripe.StripeClient:
    if not stripe_configured():
        raise StripeNotConfigured()
    # stripe.default_http_client when one is set (tests set a recorded one); else the
    # library's own.
    return stripe.StripeClient(settings.STRIPE_SECRET_KEY, max_network_retries=0,
                               http_client=stripe.default_http_client)


def describe(error: stripe.StripeError) -> str:
    """A Stripe error in plain words, for the run's problem list and the payout."""
    detail = getattr(error, "user_message", None) or str(error) or error.__class__.__name__
    if isinstance(error, stripe.APIConnectionError):
        return f"Could not reach Stripe after {MAX_TRIES} tries: {detail}"
    if isinstance(error, stripe.RateLimitError):
        return f"Stripe was too busy after {MAX_TRIES} tries: {detail}"
    if isinstance(error, stripe.AuthenticationError):
        return "Stripe did not accept this service's API key. Check STRIPE_SECRET_KEY."
    if isinstance(error, stripe.PermissionError):
        return f"Stripe refused permission: {detail}"
    if isinstance(error, stripe.InvalidRequestError):
        return f"Stripe refused the request: {detail}"
    return f"Stripe error: {detail}"


def is_transient(error: stripe.StripeError) -> bool:
    """True when Stripe may or may not have acted: the payout must be retried with the
    same idempotency key, never marked failed (that would let a later run pay twice)."""
    return isinstance(error, (*RETRYABLE, stripe.APIError))


def _with_retries(call, *args, **kwargs):
    for attempt in range(1, MAX_TRIES + 1):
        try:
            return call(*args, **kwargs)
        except RETRYABLE as error:
            if attempt == MAX_TRIES:
                raise
            delay = FIRST_DELAY_SECONDS * 2 ** (attempt - 1)
            log.warning("Stripe %s (try %s of %s); retrying in %.1fs",
                        error.__class__.__name__, attempt, MAX_TRIES, delay)
            pause(delay)
    raise AssertionError("unreachable")


def create_transfer(*, amount: int, destination: str, idempotency_key: str,
                    transfer_group: str, description: str, metadata: dict):
    """Raises stripe.StripeError; the caller decides what a failure means for the payout."""
    client = _client()
    return _with_retries(
        client.v1.transfers.create,
        params={"amount": amount, "currency": "gbp", "destination": destination,
                "transfer_group": transfer_group, "description": description,
                "metadata": metadata},
        options={"idempotency_key": idempotency_key},
    )


def create_express_account(*, email: str, name: str, provider_id: int, idempotency_key: str):
    client = _client()
    try:
        return _with_retries(
            client.v1.accounts.create,
            params={"type": "express", "country": "GB", "email": email,
                    "capabilities": {"transfers": {"requested": True}},
                    "business_profile": {"name": name},
                    "metadata": {"onward_provider_id": str(provider_id)}},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as error:
        raise StripeFailed(describe(error)) from error


def create_account_link(*, account_id: str, refresh_url: str, return_url: str) -> str:
    client = _client()
    try:
        link = _with_retries(
            client.v1.account_links.create,
            params={"account": account_id, "refresh_url": refresh_url,
                    "return_url": return_url, "type": "account_onboarding"},
        )
    except stripe.StripeError as error:
        raise StripeFailed(describe(error)) from error
    return link.url


def retrieve_account(account_id: str):
    client = _client()
    try:
        return _with_retries(client.v1.accounts.retrieve, account_id)
    except stripe.StripeError as error:
        raise StripeFailed(describe(error)) from error
