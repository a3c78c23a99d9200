"""Domain errors for programmes and budgets, in the words of the person acting. Pages and
the API turn each into a clear message. The ledger's own errors (not enough money, a key
reused, an unbalanced transfer, a bad amount) are in ledger.errors."""

from ledger.errors import InsufficientFunds, MoneyError


class NotAllowed(MoneyError):
    default_message = "You are not allowed to do that."


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


class InvitationNotFound(MoneyError):
    default_message = "We could not find that invitation code. Check it and try again."


class InvitationAlreadyClaimed(MoneyError):
    default_message = "This invitation has already been used to claim a budget."


class NotEligible(MoneyError):
    default_message = "This person is not eligible for the programme."
