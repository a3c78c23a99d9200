"""Domain errors for API tokens. Pages and the API turn each into a clear message."""


class TokenError(Exception):
    default_message = "That could not be done."

    def __init__(self, message: str | None = None):
        super().__init__(message or self.default_message)


class NotAllowed(TokenError):
    default_message = "Only an organisation's admin can manage its API tokens."


class BadTokenRole(TokenError):
    default_message = "Choose what the token may do: act as a manager or as an auditor."
