"""Reads of budgets and programmes that pages, panels and the API share."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, Sum

from budgets.models import Budget, BudgetStatus, Programme
from ledger.accounts import budget_accounts
from ledger.models import Account, AccountKind, Entry, TransferKind


def budget_balances(budget: Budget) -> dict:
    """issued, available, committed (booked, not yet delivered) and spent (paid to providers)."""
    available, committed = budget_accounts(budget)
    balances = dict(Account.objects.filter(pk__in=[available.pk, committed.pk])
                    .values_list("pk", "balance"))
    spent = -(Entry.objects.filter(account=committed, transfer__kind=TransferKind.SETTLE)
              .aggregate(total=Sum("amount"))["total"] or 0)
    return {"issued": budget.amount, "available": balances.get(available.pk, 0),
            "committed": balances.get(committed.pk, 0), "spent": spent}


@dataclass
class Movement:
    at: datetime
    text: str
    amount: int  # signed pence, as the jobseeker sees their available money change


def _describe(kind: str, memo: str, amount: int, provider_name: str) -> str:
    pounds = f"£{abs(amount) // 100:,}.{abs(amount) % 100:02d}"
    if kind == TransferKind.ISSUE:
        return f"Budget issued: {pounds}"
    if kind == TransferKind.COMMIT:
        return f"{pounds} set aside for your booking" + (
            f" with {provider_name}" if provider_name else "")
    if kind == TransferKind.RELEASE:
        reason = memo.rsplit(" ", 1)[-1] if memo else "released"
        return f"{pounds} returned to your budget: booking {reason}"
    if kind == TransferKind.SETTLE:
        return f"{pounds} paid to {provider_name or 'the provider'} for your booking"
    if kind == TransferKind.EXPIRE:
        return f"Budget expired: {pounds} returned to the programme"
    return memo or kind


def budget_history(budget: Budget) -> list[Movement]:
    """Every movement of the budget's money, newest first, in plain words."""
    from bookings.models import Booking

    available, committed = budget_accounts(budget)
    entries = (Entry.objects.filter(account__in=[available, committed])
               .select_related("transfer", "transfer__provider").order_by("-id"))
    firsts, seen = [], set()
    for entry in entries:
        if entry.transfer_id not in seen:
            seen.add(entry.transfer_id)
            firsts.append(entry)
    booking_ids = {e.transfer.booking_id for e in firsts if e.transfer.booking_id}
    providers = dict(Booking.objects.filter(pk__in=booking_ids)
                     .values_list("pk", "provider__name"))
    movements = []
    for entry in firsts:
        transfer = entry.transfer
        name = transfer.provider.name if transfer.provider_id else providers.get(
            transfer.booking_id, "")
        movements.append(Movement(at=transfer.created_at, amount=entry.amount,
                                  text=_describe(transfer.kind, transfer.memo, entry.amount,
                                                 name)))
    return movements


def budgets_of(user):
    return Budget.objects.filter(jobseeker=user).select_related("programme").order_by(
        "-issued_at")


def programmes_for(user):
    return Programme.objects.filter(commissioner=user.commissioner).annotate(
        issued=Count("budgets"),
        claimed=Count("budgets", filter=Q(budgets__jobseeker__isnull=False)),
        expired=Count("budgets", filter=Q(budgets__status=BudgetStatus.EXPIRED)),
    )


def pot_balances(programmes) -> dict[int, int]:
    return dict(Account.objects.filter(kind=AccountKind.PROGRAMME_POT,
                                       programme__in=programmes)
                .values_list("programme_id", "balance"))
