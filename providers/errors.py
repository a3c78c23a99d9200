from ledger.errors import MoneyError


class ProviderError(MoneyError):
    default_message = "That could not be done."


class AlreadyHasRole(ProviderError):
    default_message = (
        "Your account already has a role. Use a separate account to register an organisation."
    )


class InvitationInvalid(ProviderError):
    default_message = "This invitation link is not valid or has already been used."
