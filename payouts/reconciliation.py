"""Reconciliation: the ledger's payouts against what Stripe told us, or the BACS files.

The ledger side is read from the ledger's transfers (kind "payout" into a payouts-out
account of one of the commissioner's programmes), not from our payout records, so a
payout record that disagrees with the ledger shows up too.
"""

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ledger import keys
from ledger.models import AccountKind, Entry, Transfer, TransferKind
from payouts import bacs
from payouts.models import BacsFile, Payout, PayoutMethod, PayoutStatus


@dataclass(frozen=True)
class Mismatch:
    kind: str  # amount_differs, missing_in_stripe, missing_in_ledger, ...
    problem: str  # plain words for the page
    payout: Payout | None = None
    ledger_amount: int | None = None
    other_amount: int | None = None
    reference: str = ""


def _ledger_payouts(commissioner) -> dict[str, int]:
    """Ledger key → pence paid out, for the commissioner's programmes."""
    amounts: dict[str, int] = defaultdict(int)
    entries = Entry.objects.filter(
        transfer__kind=TransferKind.PAYOUT, account__kind=AccountKind.PAYOUTS_OUT,
        account__programme__commissioner=commissioner,
    ).values_list("transfer__idempotency_key", "amount")
    for key, amount in entries:
        amounts[key] += amount
    return dict(amounts)


def _ledger_reversed_keys(payout_keys) -> set[str]:
    return set(Transfer.objects.filter(
        kind=TransferKind.PAYOUT_REVERSAL,
        idempotency_key__in=[keys.payout_reversal(key) for key in payout_keys],
    ).values_list("idempotency_key", flat=True))


def _read_file(bacs_file: BacsFile) -> tuple[bytes | None, str]:
    path = Path(settings.PRIVATE_MEDIA_ROOT) / bacs_file.path
    try:
        return path.read_bytes(), ""
    except OSError:
        return None, "The payment file is missing from private storage."


def _check_bacs(commissioner, payouts, ledger) -> list[Mismatch]:
    found = []
    by_pk = {p.pk: p for p in payouts if p.method == PayoutMethod.BACS}
    for bacs_file in BacsFile.objects.filter(commissioner=commissioner).order_by("id"):
        data, error = _read_file(bacs_file)
        label = f"File {bacs_file.filename}"
        if data is None:
            found.append(Mismatch("file_missing", f"{label}: {error}", reference=label))
            continue
        if hashlib.sha256(data).hexdigest() != bacs_file.sha256:
            found.append(Mismatch("file_altered",
                                  f"{label} has changed since it was written.",
                                  reference=label))
        in_file = set()
        for line in data.decode("ascii", "replace").splitlines():
            try:
                fields = bacs.parse_line(line)
            except ValueError:
                found.append(Mismatch("bad_line", f"{label} has a line that is not a "
                                                  "Standard 18 record.", reference=label))
                continue
            if fields["transaction_code"] != bacs.CREDIT:
                continue
            reference = fields["reference"].strip()
            payout = None
            if reference.startswith("ONWARD P") and reference[8:].isdigit():
                payout = by_pk.get(int(reference[8:]))
            if payout is None or payout.bacs_file_id != bacs_file.pk:
                found.append(Mismatch(
                    "missing_in_ledger", f"{label} pays {reference} but no payout in the "
                    "ledger matches it.", other_amount=fields["amount"], reference=reference))
                continue
            in_file.add(payout.pk)
            ledger_amount = ledger.get(payout.ledger_key)
            if ledger_amount != fields["amount"]:
                found.append(Mismatch(
                    "amount_differs", f"{label}: the amount for {reference} differs from "
                    "the ledger.", payout=payout, ledger_amount=ledger_amount,
                    other_amount=fields["amount"], reference=reference))
        for payout in by_pk.values():
            if payout.bacs_file_id == bacs_file.pk and payout.pk not in in_file:
                found.append(Mismatch(
                    "missing_in_file", f"Payout {payout.bacs_reference} should be in {label} "
                    "but is not.", payout=payout, ledger_amount=ledger.get(payout.ledger_key),
                    reference=payout.bacs_reference))
    return found


def _check_stripe(payouts, ledger, reversed_keys) -> list[Mismatch]:
    found = []
    for payout in payouts:
        if payout.method != PayoutMethod.STRIPE:
            continue
        ledger_amount = ledger.get(payout.ledger_key)
        ledger_reversed = keys.payout_reversal(payout.ledger_key) in reversed_keys
        ref = payout.stripe_transfer_id or str(payout.reference)
        if payout.stripe_transfer_id is None:
            if payout.status == PayoutStatus.PAID:
                found.append(Mismatch("missing_in_stripe", "Marked paid but no Stripe "
                                      "transfer is recorded.", payout, ledger_amount,
                                      reference=ref))
            elif payout.status == PayoutStatus.PENDING:
                found.append(Mismatch("missing_in_stripe", "Paid out in the ledger but not "
                                      "yet confirmed by Stripe (the next run retries it).",
                                      payout, ledger_amount, reference=ref))
            continue
        if payout.stripe_amount != ledger_amount:
            found.append(Mismatch("amount_differs", "The Stripe transfer's amount differs "
                                  "from the ledger.", payout, ledger_amount,
                                  payout.stripe_amount, reference=ref))
        if payout.stripe_amount_reversed and not ledger_reversed:
            found.append(Mismatch("reversed_in_stripe_only", "Reversed in Stripe but not in "
                                  "the ledger.", payout, ledger_amount,
                                  payout.stripe_amount_reversed, reference=ref))
        if ledger_reversed and payout.stripe_amount_reversed < (payout.stripe_amount or 0):
            found.append(Mismatch("reversed_in_ledger_only", "Reversed in the ledger but the "
                                  "Stripe transfer stands: recover it from the provider's "
                                  "Stripe balance or reverse it in Stripe.", payout,
                                  ledger_amount, payout.stripe_amount, reference=ref))
    return found


def reconcile(commissioner) -> list[Mismatch]:
    """Everything that does not match, for one commissioner. Empty: all agrees."""
    ledger = _ledger_payouts(commissioner)
    payouts = list(Payout.objects.filter(commissioner=commissioner)
                   .select_related("provider").order_by("id"))
    payout_keys = {p.ledger_key for p in payouts}
    found = []
    for key, amount in sorted(ledger.items()):
        if key not in payout_keys:
            found.append(Mismatch("missing_payout_record", "A payout in the ledger has no "
                                  "payout record.", ledger_amount=amount, reference=key))
    for payout in payouts:
        if payout.ledger_key not in ledger:
            found.append(Mismatch("missing_in_ledger", "A payout record has no payout in the "
                                  "ledger.", payout, other_amount=payout.amount,
                                  reference=str(payout.reference)))
        elif ledger[payout.ledger_key] != payout.amount:
            found.append(Mismatch("amount_differs", "The payout record's amount differs from "
                                  "the ledger.", payout, ledger[payout.ledger_key],
                                  payout.amount, reference=str(payout.reference)))
    reversed_keys = _ledger_reversed_keys(payout_keys)
    found += _check_stripe(payouts, ledger, reversed_keys)
    found += _check_bacs(commissioner, payouts, ledger)
    return found
