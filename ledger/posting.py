"""The ledger's one write path for single transfers. The money services (budgets.services)
call it; the nightly milestone run writes many at once through ledger.batch.

``post_transfer`` locks every account it touches, in ascending id order (so two
transfers can never wait on each other in a cycle), re-checks the idempotency key
once it holds the locks, refuses to take an internal account below zero, and
writes the transfer, its entries and the new balances in one transaction. The
CHECK constraint on ``Account.balance`` is the last guard if Python is wrong.
"""

import datetime as dt
import hashlib
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ledger.errors import IdempotencyConflict, InsufficientFunds, UnbalancedTransfer
from ledger.models import Account, Entry, Transfer

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Leg:
    account: Account
    amount: int  # signed pence: negative leaves the account, positive arrives


def hash_timestamp(moment) -> str:
    """The timestamp as hashed: UTC, always with microseconds (PostgreSQL formats it alike)."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_hash(*, prev_hash, account_key, sequence, transfer_key, amount, balance_after,
               created_at) -> str:
    """The chain link: changing any of these fields, or any earlier entry, breaks it.
    The PostgreSQL function onward_post_transfer computes exactly the same."""
    payload = "|".join([
        prev_hash, account_key, str(sequence), transfer_key, str(amount), str(balance_after),
        hash_timestamp(created_at),
    ])
    return hashlib.sha256(payload.encode()).hexdigest()


def _net(legs) -> dict[int, int]:
    net: dict[int, int] = defaultdict(int)
    for leg in legs:
        net[leg.account.pk] += leg.amount
    return {pk: amount for pk, amount in net.items() if amount}


def _replay(existing: Transfer, kind: str, legs) -> Transfer:
    recorded = defaultdict(int)
    for account_id, amount in existing.entries.values_list("account_id", "amount"):
        recorded[account_id] += amount
    if existing.kind != kind or {k: v for k, v in recorded.items() if v} != _net(legs):
        raise IdempotencyConflict()
    return existing


def post_transfer(*, key: str, kind: str, legs: list[Leg], memo: str = "", actor=None,
                  programme=None, budget=None, provider=None, booking_id=None,
                  insufficient=InsufficientFunds) -> Transfer:
    """Write one balanced transfer, or return the earlier one with the same key.

    ``insufficient`` is the error class raised when an internal account would go
    below zero, so callers get a message in their own words ("not enough budget").
    """
    legs = [leg for leg in legs if leg.amount]
    if not legs or sum(leg.amount for leg in legs) != 0:
        raise UnbalancedTransfer()
    fields = dict(idempotency_key=key, kind=kind, memo=memo[:300], actor=actor,
                  programme=programme, budget=budget, provider=provider, booking_id=booking_id)
    if connection.vendor == "postgresql":
        return _post_on_postgres(fields, legs, insufficient)

    with transaction.atomic():
        ids = sorted({leg.account.pk for leg in legs})
        locked = {
            account.pk: account
            for account in Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")
        }
        # Checked under the locks: a twin request touching the same accounts has either
        # committed (we return its transfer) or waits behind us.
        existing = Transfer.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return _replay(existing, kind, legs)

        for pk, delta in _net(legs).items():
            account = locked[pk]
            if not account.is_external and account.balance + delta < 0:
                raise insufficient(account=account, needed=-delta, available=account.balance)

        try:
            transfer = Transfer.objects.create(**fields)
        except IntegrityError as error:
            # The same key was used at the same moment for a transfer on other accounts.
            raise IdempotencyConflict() from error

        now = timezone.now()
        entries = []
        for leg in legs:
            account = locked[leg.account.pk]
            account.balance += leg.amount
            account.entry_count += 1
            digest = entry_hash(
                prev_hash=account.last_hash, account_key=account.key,
                sequence=account.entry_count, transfer_key=key, amount=leg.amount,
                balance_after=account.balance, created_at=now,
            )
            entries.append(Entry(
                transfer=transfer, account=account, amount=leg.amount,
                sequence=account.entry_count, balance_after=account.balance,
                prev_hash=account.last_hash, hash=digest, created_at=now,
            ))
            account.last_hash = digest
        Entry.objects.bulk_create(entries)
        Account.objects.bulk_update(list(locked.values()),
                                    ["balance", "entry_count", "last_hash"])
    return transfer


def _post_on_postgres(fields: dict, legs: list[Leg], insufficient) -> Transfer:
    """The same steps as the Python path, in one call to onward_post_transfer."""
    ref = {name: getattr(fields[name], "pk", None) for name in
           ("actor", "programme", "budget", "provider")}
    # Outside a transaction the single statement is its own transaction; inside one, a
    # savepoint keeps the caller's transaction usable if the key collides.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard, connection.cursor() as cursor:
            cursor.execute(
                "SELECT * FROM onward_post_transfer(%s, %s, %s, %s, %s, %s, %s, %s, "
                "%s::bigint[], %s::bigint[])",
                [fields["idempotency_key"], fields["kind"], fields["memo"], ref["actor"],
                 ref["programme"], ref["budget"], ref["provider"], fields["booking_id"],
                 [leg.account.pk for leg in legs], [leg.amount for leg in legs]],
            )
            transfer_id, created_at, status, short_id, short_balance = cursor.fetchone()
    except IntegrityError as error:
        raise IdempotencyConflict() from error
    if status == "exists":
        return _replay(Transfer.objects.get(pk=transfer_id), fields["kind"], legs)
    if status == "insufficient":
        account = next(leg.account for leg in legs if leg.account.pk == short_id)
        net = _net(legs)[short_id]
        raise insufficient(account=account, needed=-net, available=short_balance)
    transfer = Transfer(pk=transfer_id, created_at=created_at, **fields)
    transfer._state.adding = False
    transfer._state.db = "default"
    return transfer
