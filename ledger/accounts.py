"""Finding a ledger account by what it belongs to, opening it on first use.

The arguments are the business objects (a programme, a budget, a provider), read only
for their ids (``.pk``, ``.programme_id``), so the ledger imports none of their models.
Every key comes from ledger.keys.
"""

from ledger import keys
from ledger.models import EXTERNAL_KINDS, Account, AccountKind


def _account(key: str, kind: str, **fields) -> Account:
    account, _ = Account.objects.get_or_create(
        key=key, defaults={"kind": kind, "is_external": kind in EXTERNAL_KINDS, **fields},
    )
    return account


def funding_account(programme) -> Account:
    return _account(keys.funding(programme.pk), AccountKind.FUNDING, programme=programme)


def pot_account(programme) -> Account:
    return _account(keys.pot(programme.pk), AccountKind.PROGRAMME_POT, programme=programme)


def returned_account(programme) -> Account:
    return _account(keys.returned(programme.pk), AccountKind.RETURNED, programme=programme)


def payouts_account(programme) -> Account:
    return _account(keys.payouts(programme.pk), AccountKind.PAYOUTS_OUT, programme=programme)


def budget_accounts(budget) -> tuple[Account, Account]:
    """(available, committed) for a budget, in one query, remembered on the instance.
    Only the ids are used from these objects: balances are always read under lock."""
    cached = budget.__dict__.get("_ledger_accounts")
    if cached is not None:
        return cached
    available_key = keys.budget_available(budget.pk)
    committed_key = keys.budget_committed(budget.pk)
    wanted = {available_key: AccountKind.BUDGET_AVAILABLE,
              committed_key: AccountKind.BUDGET_COMMITTED}
    found = {a.key: a for a in Account.objects.filter(key__in=wanted)}
    for key, kind in wanted.items():
        if key not in found:
            found[key] = _account(key, kind, programme_id=budget.programme_id, budget=budget)
    pair = (found[available_key], found[committed_key])
    budget.__dict__["_ledger_accounts"] = pair
    return pair


def available_account(budget) -> Account:
    return budget_accounts(budget)[0]


def committed_account(budget) -> Account:
    return budget_accounts(budget)[1]


def escrow_account(*, booking_id: int, budget, provider) -> Account:
    return _account(keys.escrow(booking_id), AccountKind.ESCROW,
                    programme_id=budget.programme_id, budget=budget, provider=provider,
                    booking_id=booking_id)


def payable_account(*, provider, programme) -> Account:
    return _account(keys.payable(provider.pk, programme.pk), AccountKind.PROVIDER_PAYABLE,
                    programme=programme, provider=provider)
