"""Domain errors for outcomes. Pages turn each into a clear message."""

from ledger.errors import MoneyError


class OutcomeError(MoneyError):
    default_message = "That could not be done with this job outcome."


class NotAllowedToReport(OutcomeError):
    default_message = (
        "Only the jobseeker, their adviser or a provider that has delivered support to them "
        "can report this job."
    )


class NoProgramme(OutcomeError):
    default_message = "This person has no budget in a programme, so a job cannot be recorded."


class BadEvidence(OutcomeError):
    default_message = "The evidence must be a PDF, JPG or PNG file."


class AlreadyDecided(OutcomeError):
    default_message = "This has already been verified or rejected."


class NotReady(OutcomeError):
    default_message = "This cannot be verified yet."


class DoesNotCount(OutcomeError):
    default_message = "This job does not count for the programme."
