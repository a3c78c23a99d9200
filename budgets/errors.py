"""Domain errors for money. Pages and the API turn each into a clear message."""


class MoneyError(Exception):
    """Base class: the message is written for the person who tried the action."""

    default_message = "That could not be done."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.default_message)


class NotAllowed(MoneyError):
    default_message = "You are not allowed to do that."


class InsufficientFunds(MoneyError):
    default_message = "There is not enough money in the account."

    def __init__(self, message=None, *, account=None, needed=0, available=0):
        self.account, self.needed, self.available = account, needed, available
        super().__init__(message)


class NotEnoughBudget(InsufficientFunds):
    default_message = "There is not enough left in your budget for this."


class NotEnoughInPot(InsufficientFunds):
    default_message = (
        "The programme's pot does not have enough money left. Fund the programme first."
    )


class NotEnoughInEscrow(InsufficientFunds):
    default_message = "The booking's withheld share has already been paid out or returned."


class BudgetNotActive(MoneyError):
    default_message = "This budget cannot be used: it has not been claimed or it has expired."


class IdempotencyConflict(MoneyError):
    default_message = (
        "This request repeats an earlier one with the same key but different details."
    )


class UnbalancedTransfer(MoneyError):
    default_message = "A transfer's entries must add up to zero."


class InvalidAmount(MoneyError):
    default_message = "Amounts must be whole pence greater than zero."


class InvitationNotFound(MoneyError):
    default_message = "We could not find that invitation code. Check it and try again."


class InvitationAlreadyClaimed(MoneyError):
    default_message = "This invitation has already been used to claim a budget."


class NotEligible(MoneyError):
    default_message = "This person is not eligible for the programme."
