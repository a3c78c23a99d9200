"""Domain errors for anomaly flags. Pages turn each into a clear message."""

from ledger.errors import MoneyError


class FlagError(MoneyError):
    default_message = "That could not be done with this flag."


class NoteRequired(FlagError):
    default_message = "Enter a note saying why you are clearing this flag"


class AlreadyCleared(FlagError):
    default_message = "This flag has already been cleared."
