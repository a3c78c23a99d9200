"""Domain errors for paying providers. Pages turn each into a clear message."""

from ledger.errors import MoneyError


class PayoutError(MoneyError):
    default_message = "The payout could not be made."


class RunAlreadyInProgress(PayoutError):
    default_message = (
        "A payout run is already in progress for your organisation. Wait for it to finish."
    )


class StripeNotConfigured(PayoutError):
    default_message = "Stripe payouts are not set up on this service."


class StripeFailed(PayoutError):
    """Stripe refused or could not be reached; the message says why, in plain words."""

    default_message = "Stripe could not be reached. Try again later."


class FileAlreadyPaid(PayoutError):
    default_message = "This payment file has already been marked as paid."


class PayoutNotFailable(PayoutError):
    default_message = "Only a payout sent for payment can be marked as returned by the bank."
