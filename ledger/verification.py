"""Ledger verification: recompute every hash chain and balance, name the first mismatch.

Reads the whole ledger once, streamed in (account, sequence) order, so memory stays
flat however long the ledger grows.
"""

from dataclasses import dataclass, field

from django.db.models import Sum
from django.utils import timezone

from ledger.models import Account, Entry, Transfer
from ledger.posting import GENESIS_HASH, entry_hash


@dataclass
class Problem:
    entry_id: int | None
    message: str


@dataclass
class VerificationResult:
    ok: bool
    accounts_checked: int = 0
    entries_checked: int = 0
    transfers_checked: int = 0
    total_balance: int = 0
    problems: list[Problem] = field(default_factory=list)
    checked_at: object = None

    @property
    def first_problem(self) -> Problem | None:
        with_entry = [p for p in self.problems if p.entry_id is not None]
        if with_entry:
            return min(with_entry, key=lambda p: p.entry_id)
        return self.problems[0] if self.problems else None

    def summary(self) -> str:
        if self.ok:
            return (
                f"Ledger verified: {self.entries_checked} entries in {self.accounts_checked} "
                f"accounts and {self.transfers_checked} transfers match their hashes and balances."
            )
        return f"Ledger verification FAILED: {self.first_problem.message}"


def _check_account(account, entries, result):
    """entries: (id, sequence, amount, balance_after, prev_hash, hash, created_at, transfer_key)."""
    expected_prev, running, expected_sequence = GENESIS_HASH, 0, 1
    for entry_id, sequence, amount, balance_after, prev_hash, digest, created_at, tkey in entries:
        result.entries_checked += 1
        where = f"Entry {entry_id} (account {account.key}, number {sequence}, transfer {tkey})"
        if sequence != expected_sequence:
            return Problem(entry_id, f"{where} is out of sequence: expected number "
                                     f"{expected_sequence}; an entry is missing or was inserted.")
        if prev_hash != expected_prev:
            return Problem(entry_id, f"{where} does not link to the entry before it.")
        running += amount
        if balance_after != running:
            return Problem(entry_id, f"{where} records a balance of {balance_after}p but the "
                                     f"entries add up to {running}p.")
        recomputed = entry_hash(
            prev_hash=prev_hash, account_key=account.key, sequence=sequence, transfer_key=tkey,
            amount=amount, balance_after=balance_after, created_at=created_at,
        )
        if recomputed != digest:
            return Problem(entry_id, f"{where} does not match its hash: it was altered.")
        expected_prev, expected_sequence = digest, expected_sequence + 1
    if running != account.balance:
        return Problem(None, f"Account {account.key} shows a balance of {account.balance}p but "
                             f"its entries add up to {running}p.")
    if expected_sequence - 1 != account.entry_count or expected_prev != account.last_hash:
        return Problem(None, f"Account {account.key}'s last entry does not match the chain head "
                             f"recorded on the account (an entry is missing).")
    if not account.is_external and account.balance < 0:
        return Problem(None, f"Account {account.key} is below zero ({account.balance}p).")
    return None


def verify_ledger() -> VerificationResult:
    result = VerificationResult(ok=True, checked_at=timezone.now())
    accounts = {a.pk: a for a in Account.objects.all()}
    result.accounts_checked = len(accounts)
    result.total_balance = sum(a.balance for a in accounts.values())

    rows = (
        Entry.objects.order_by("account_id", "sequence")
        .values_list("account_id", "id", "sequence", "amount", "balance_after", "prev_hash",
                     "hash", "created_at", "transfer__idempotency_key")
        .iterator(chunk_size=5000)
    )
    current_id, batch, seen = None, [], set()

    def flush():
        problem = _check_account(accounts[current_id], batch, result)
        if problem:
            result.problems.append(problem)

    for account_id, *entry in rows:
        if account_id != current_id:
            if current_id is not None:
                flush()
            current_id, batch = account_id, []
            seen.add(account_id)
        batch.append(entry)
    if current_id is not None:
        flush()
    for pk, account in accounts.items():
        if pk not in seen:
            problem = _check_account(account, [], result)
            if problem:
                result.problems.append(problem)

    unbalanced = (
        Transfer.objects.annotate(total=Sum("entries__amount"))
        .exclude(total=0).values_list("idempotency_key", "total")[:1]
    )
    for key, total in unbalanced:
        result.problems.append(Problem(None, f"Transfer {key}'s entries add up to {total}p, "
                                             f"not zero."))
    result.transfers_checked = Transfer.objects.count()
    if result.total_balance != 0:
        result.problems.append(Problem(None, f"All accounts together add up to "
                                             f"{result.total_balance}p, not zero."))
    result.ok = not result.problems
    return result
