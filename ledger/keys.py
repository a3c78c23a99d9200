"""Every account key and transfer idempotency key, spelled in one place.

Keys are stored data: an account is found by its key, and a repeated request is
recognised by its transfer's key. So each scheme below must keep producing exactly the
strings it always has (rows written years ago still have to match); a new scheme gets a
new function, an old one is never respelled.
"""

# --- Accounts ----------------------------------------------------------------------------


def funding(programme_id) -> str:
    return f"programme:{programme_id}:funding"


def pot(programme_id) -> str:
    return f"programme:{programme_id}:pot"


def returned(programme_id) -> str:
    return f"programme:{programme_id}:returned"


def payouts(programme_id) -> str:
    return f"programme:{programme_id}:payouts"


def budget_available(budget_id) -> str:
    return f"budget:{budget_id}:available"


def budget_committed(budget_id) -> str:
    return f"budget:{budget_id}:committed"


def escrow(booking_id) -> str:
    return f"booking:{booking_id}:escrow"


def payable(provider_id, programme_id) -> str:
    return f"provider:{provider_id}:programme:{programme_id}:payable"


# --- Transfers ---------------------------------------------------------------------------


def fund(programme_id, reference) -> str:
    """A programme funded; ``reference`` is the commissioner's (grant, purchase order)."""
    return f"fund:programme:{programme_id}:{reference}"


def issue(programme_id, external_reference) -> str:
    """A budget issued, by the commissioner's reference for the person (one per CSV row)."""
    return f"issue:programme:{programme_id}:{external_reference}"


def expire(budget_id) -> str:
    return f"expire:budget:{budget_id}"


def booking_commit(booking_id) -> str:
    return f"booking:{booking_id}:commit"


def booking_release(booking_id) -> str:
    return f"booking:{booking_id}:release"


def booking_settle(booking_id) -> str:
    return f"booking:{booking_id}:settle"


def milestone_release(milestone_id, booking_id) -> str:
    """A milestone's payment for one attributed booking (escrow → payable, with its bonus)."""
    return f"milestone:{milestone_id}:booking:{booking_id}"


def milestone_bonus(milestone_id, booking_id) -> str:
    """A bonus that was owed when the milestone paid, paid later from the pot."""
    return f"{milestone_release(milestone_id, booking_id)}:bonus"


def outcome_ended(outcome_id, booking_id) -> str:
    """A booking's escrow returned because the job it counted for ended."""
    return f"outcome:{outcome_id}:ended:booking:{booking_id}"


def window_ended(booking_id) -> str:
    """A booking's escrow returned because no job came within the attribution window."""
    return f"{escrow(booking_id)}:window_ended"


def payout(reference) -> str:
    """A payout, by its own reference (a UUID)."""
    return f"payout:{reference}"


def payout_reversal(payout_key) -> str:
    """The reversal of the payout whose transfer has key ``payout_key``."""
    return f"{payout_key}:reversal"
