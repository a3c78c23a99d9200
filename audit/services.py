"""Writing to the audit log. Services call ``record`` in the same transaction as the change."""

import json
import re
import time

from django.core.serializers.json import DjangoJSONEncoder

from accounts.models import Role
from audit.models import AuditEvent, LedgerCheck
from budgets.errors import NotAllowed
from ledger.models import Account, Entry, Transfer
from ledger.verification import verify_ledger


def _plain(values: dict | None) -> dict:
    # JSON-safe copy: dates, decimals and UUIDs become strings.
    return json.loads(json.dumps(values or {}, cls=DjangoJSONEncoder))


def record(*, actor, action: str, obj, summary: str, before: dict | None = None,
           after: dict | None = None, commissioner=None) -> AuditEvent:
    """Append one event. ``actor`` None means the system (a scheduled task)."""
    if commissioner is None and actor is not None:
        commissioner = getattr(actor, "commissioner", None)
    return AuditEvent.objects.create(
        actor=actor, actor_role=getattr(actor, "role", "") or "",
        commissioner=commissioner, action=action, object_type=obj._meta.label,
        object_id=str(obj.pk), summary=summary[:300], before=_plain(before),
        after=_plain(after),
    )


# --- Ledger verification ------------------------------------------------------------------

ACCOUNT_IN_MESSAGE = re.compile(r"[Aa]ccount ([\w:.-]+)")
TRANSFER_IN_MESSAGE = re.compile(r"^Transfer (.+?)'s entries")


def _commissioner_of(problem) -> int | None:
    """The commissioner whose programme a problem's account (or transfer) belongs to;
    None for problems of the whole ledger."""
    if problem.entry_id is not None:
        return (Entry.objects.filter(pk=problem.entry_id)
                .values_list("account__programme__commissioner_id", flat=True).first())
    account = ACCOUNT_IN_MESSAGE.search(problem.message)
    if account:
        return (Account.objects.filter(key=account.group(1))
                .values_list("programme__commissioner_id", flat=True).first())
    transfer = TRANSFER_IN_MESSAGE.search(problem.message)
    if transfer:
        return (Transfer.objects.filter(idempotency_key=transfer.group(1))
                .values_list("programme__commissioner_id", flat=True).first())
    return None


def run_ledger_check(*, actor=None) -> LedgerCheck:
    """Verify the whole ledger now (``verify_ledger``) and keep the result and time.

    Commissioner managers and auditors may run it (it reads the ledger and changes no
    money or record; it only appends its result), and so may the nightly task (actor
    None). The run is recorded in the audit log.
    """
    if actor is not None and actor.role not in (Role.COMMISSIONER_MANAGER,
                                                Role.COMMISSIONER_AUDITOR):
        raise NotAllowed("Only commissioner managers and auditors can verify the ledger.")
    started = time.monotonic()
    result = verify_ledger()
    check = LedgerCheck.objects.create(
        actor=actor, ok=result.ok, accounts_checked=result.accounts_checked,
        entries_checked=result.entries_checked, transfers_checked=result.transfers_checked,
        summary=result.summary(), checked_at=result.checked_at,
        duration_ms=int((time.monotonic() - started) * 1000),
        problems=[{"entry_id": p.entry_id, "message": p.message,
                   "commissioner_id": _commissioner_of(p)} for p in result.problems],
    )
    record(actor=actor, action="ledger.verified", obj=check,
           summary=("Ledger verified: passed" if check.ok
                    else f"Ledger verification failed: {len(check.problems)} problem"
                         f"{'s' * (len(check.problems) != 1)}"),
           after={"ok": check.ok, "entries_checked": check.entries_checked,
                  "problems": len(check.problems)})
    return check
