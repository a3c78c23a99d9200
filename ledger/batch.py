"""Many ledger transfers in a few statements, for the nightly milestone run.

The same rules as ``ledger.posting.post_transfer``, applied to a whole batch:

* every account the batch touches is locked in ONE ``SELECT ... FOR UPDATE`` in
  ascending id order, the order post_transfer uses, so a batch and single transfers
  can never wait on each other in a cycle;
* idempotency keys already written are skipped (and a unique index backs this up);
* no internal account may go below zero (the CHECK constraint is the last guard);
* each entry is chained with ``ledger.posting.entry_hash``, the same function
  ``verify_ledger`` recomputes;
* transfers, entries and the new account balances are written with COPY and one
  set-based statement each (PostgreSQL), so the number of statements does not grow
  with the number of transfers. Other databases (the SQLite demo) use bulk_create.

Only outcomes.services calls this (the milestone run and the escrow returns), inside
its own transaction.
"""

import time
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from ledger.errors import InsufficientFunds, UnbalancedTransfer
from ledger.models import Account, Entry, Transfer
from ledger.posting import entry_hash


@dataclass
class LockedAccount:
    id: int
    key: str
    is_external: bool
    balance: int
    entry_count: int
    last_hash: str
    programme_id: int | None = None
    provider_id: int | None = None
    budget_id: int | None = None
    booking_id: int | None = None


@dataclass
class BatchTransfer:
    key: str
    kind: str
    legs: list[tuple[int, int]]  # (account id, signed pence)
    memo: str = ""
    programme_id: int | None = None
    budget_id: int | None = None
    provider_id: int | None = None
    booking_id: int | None = None


@dataclass
class BatchResult:
    written: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # keys already in the ledger


def lock_accounts(ids) -> dict[int, LockedAccount]:
    """Lock the accounts (ascending id, one statement) and return their current state."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_accounts must run inside a transaction.")
    rows = (
        Account.objects.select_for_update()
        .filter(pk__in=sorted(set(ids))).order_by("pk")
        .values_list("pk", "key", "is_external", "balance", "entry_count", "last_hash",
                     "programme_id", "provider_id", "budget_id", "booking_id")
    )
    return {row[0]: LockedAccount(*row) for row in rows}


def write_transfers(transfers: list[BatchTransfer], accounts: dict[int, LockedAccount],
                    actor_id=None) -> BatchResult:
    """Write the transfers against accounts already locked by ``lock_accounts``.

    Raises InsufficientFunds (and writes nothing) if any transfer would take an internal
    account below zero: the caller sizes the amounts from the locked balances.
    """
    result = BatchResult()
    if not transfers:
        return result
    keys = [t.key for t in transfers]
    if len(set(keys)) != len(keys):
        raise ValueError("A batch cannot repeat an idempotency key.")
    for transfer in transfers:
        transfer.legs = [(account_id, amount) for account_id, amount in transfer.legs if amount]
        if not transfer.legs or sum(amount for _, amount in transfer.legs) != 0:
            raise UnbalancedTransfer()
    with transaction.atomic():  # a refusal below undoes this batch's inserts
        todo = transfers
        if connection.vendor != "postgresql":
            # PostgreSQL skips existing keys in the INSERT itself (ON CONFLICT DO NOTHING).
            existing = set(Transfer.objects.filter(idempotency_key__in=keys)
                           .values_list("idempotency_key", flat=True))
            todo = [t for t in transfers if t.key not in existing]
        now = timezone.now()
        transfer_ids = _insert_transfers(todo, now, actor_id) if todo else {}
        result.skipped = [t.key for t in transfers if t.key not in transfer_ids]
        todo = [t for t in todo if t.key in transfer_ids]
        if not todo:
            return result

        running = {pk: account.balance for pk, account in accounts.items()}
        for transfer in todo:
            for account_id, amount in transfer.legs:
                running[account_id] += amount
        for pk, value in running.items():
            if not accounts[pk].is_external and value < 0:
                raise InsufficientFunds(account=accounts[pk], needed=-value,
                                        available=accounts[pk].balance)

        entry_rows = []
        touched = set()
        for transfer in todo:
            transfer_id = transfer_ids[transfer.key]
            for account_id, amount in transfer.legs:
                account = accounts[account_id]
                account.balance += amount
                account.entry_count += 1
                digest = entry_hash(
                    prev_hash=account.last_hash, account_key=account.key,
                    sequence=account.entry_count, transfer_key=transfer.key, amount=amount,
                    balance_after=account.balance, created_at=now,
                )
                entry_rows.append((transfer_id, account_id, amount, account.entry_count,
                                   account.balance, account.last_hash, digest, now))
                account.last_hash = digest
                touched.add(account_id)
            result.written.append(transfer.key)
        _insert_entries(entry_rows)
        _update_accounts([accounts[pk] for pk in sorted(touched)])
    return result


# --- PostgreSQL: COPY into the tables (or a temporary staging table), one statement each.
# COPY does not pass through Django's cursor wrapper, so each one is logged by hand to
# keep query counts (tests, the benchmark) honest.


def _logged(sql: str, started: float) -> None:
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": sql, "time": f"{time.perf_counter() - started:.3f}"})


def copy_rows(table: str, columns: list[str], rows) -> None:
    """COPY rows (tuples in column order) into a table: one statement."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    started = time.perf_counter()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
    _logged(sql, started)


def _insert_transfers(todo, now, actor_id) -> dict[str, int]:
    """Insert the transfers; returns key → id for those written (a key that already
    exists is left alone: ON CONFLICT DO NOTHING)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS ledger_batch_transfer "
                "(idempotency_key varchar(200), kind varchar(32), memo varchar(300), "
                "programme_id bigint, budget_id bigint, provider_id bigint, booking_id bigint) "
                "ON COMMIT DROP")
        copy_rows("ledger_batch_transfer",
                  ["idempotency_key", "kind", "memo", "programme_id", "budget_id",
                   "provider_id", "booking_id"],
                  ((t.key, t.kind, t.memo[:300], t.programme_id, t.budget_id, t.provider_id,
                    t.booking_id) for t in todo))
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO budgets_transfer (idempotency_key, kind, memo, programme_id,
                    budget_id, provider_id, booking_id, actor_id, created_at)
                SELECT idempotency_key, kind, memo, programme_id, budget_id, provider_id,
                       booking_id, %s, %s
                FROM ledger_batch_transfer
                ON CONFLICT (idempotency_key) DO NOTHING
                RETURNING idempotency_key, id
                """,
                [actor_id, now],
            )
            written = dict(cursor.fetchall())
            cursor.execute("TRUNCATE ledger_batch_transfer")
        return written
    objs = Transfer.objects.bulk_create([
        Transfer(idempotency_key=t.key, kind=t.kind, memo=t.memo[:300], actor_id=actor_id,
                 programme_id=t.programme_id, budget_id=t.budget_id,
                 provider_id=t.provider_id, booking_id=t.booking_id)
        for t in todo
    ])
    return {obj.idempotency_key: obj.pk for obj in objs}


def _insert_entries(rows) -> None:
    if connection.vendor == "postgresql":
        copy_rows("budgets_entry", ["transfer_id", "account_id", "amount", "sequence",
                                    "balance_after", "prev_hash", "hash", "created_at"], rows)
        return
    Entry.objects.bulk_create([
        Entry(transfer_id=t, account_id=a, amount=amount, sequence=seq, balance_after=bal,
              prev_hash=prev, hash=digest, created_at=created)
        for t, a, amount, seq, bal, prev, digest, created in rows
    ], batch_size=500)


def _update_accounts(accounts: list[LockedAccount]) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMPORARY TABLE IF NOT EXISTS ledger_batch_account "
                "(id bigint, balance bigint, entry_count bigint, last_hash varchar(64)) "
                "ON COMMIT DROP")
        copy_rows("ledger_batch_account", ["id", "balance", "entry_count", "last_hash"],
                  ((a.id, a.balance, a.entry_count, a.last_hash) for a in accounts))
        with connection.cursor() as cursor:
            cursor.execute(
                """
                UPDATE budgets_account AS a
                SET balance = v.balance, entry_count = v.entry_count, last_hash = v.last_hash
                FROM ledger_batch_account AS v
                WHERE a.id = v.id
                """)
            cursor.execute("TRUNCATE ledger_batch_account")
        return
    for account in accounts:
        Account.objects.filter(pk=account.id).update(
            balance=account.balance, entry_count=account.entry_count,
            last_hash=account.last_hash,
        )
