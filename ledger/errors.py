"""The ledger's own errors. Pages and the API turn each MoneyError into a clear message;
business-worded ones ("not enough budget") live with the services that raise them
(budgets.errors) and subclass these."""


class MoneyError(Exception):
    """Base class: the message is written for the person who tried the action."""

    default_message = "That could not be done."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.default_message)


class InsufficientFunds(MoneyError):
    default_message = "There is not enough money in the account."

    def __init__(self, message=None, *, account=None, needed=0, available=0):
        self.account, self.needed, self.available = account, needed, available
        super().__init__(message)


class IdempotencyConflict(MoneyError):
    default_message = (
        "This request repeats an earlier one with the same key but different details."
    )


class UnbalancedTransfer(MoneyError):
    default_message = "A transfer's entries must add up to zero."


class InvalidAmount(MoneyError):
    default_message = "Amounts must be whole pence greater than zero."


class ImmutableLedgerError(Exception):
    """Raised when code tries to change or delete a written ledger row: a bug, not a
    refusal a person can act on, so it is no MoneyError."""
