"""Domain errors for offers. Pages turn each into a clear message."""


class OfferError(Exception):
    """Base class: the message is written for the person who tried the action."""

    default_message = "That could not be done."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.default_message)


class NotAllowed(OfferError):
    default_message = "You are not allowed to do that."


class NotYourOffer(NotAllowed):
    default_message = "This offer belongs to another provider."


class WrongOfferStatus(OfferError):
    default_message = "The offer is not in a state where that can be done."


class ReasonRequired(OfferError):
    default_message = "Enter the reason, so the provider knows what to change."
