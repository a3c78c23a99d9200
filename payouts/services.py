"""Paying providers. Every write here; money moves only through budgets.services.

Ledger timing: a payout's ledger transfer (provider payable → payouts out) is written
in the same transaction that creates the payout, before anything is sent, so the same
money can never be picked up by a second run. If the payment then fails (Stripe refuses
it, Stripe reverses it, the provider's bank payout fails, the bank returns a BACS
payment) the transfer is reversed (payouts out → provider payable) and the money is owed
again; the next run pays it as a new payout.

A Stripe error that leaves us unsure whether Stripe acted (unreachable, rate limited
after the retries) leaves the payout "pending" with its ledger transfer in place; the
next run retries it with the same idempotency key, so Stripe creates at most one
transfer for it.
"""

import contextlib
import hashlib
import json
import logging
import re
import uuid
import zlib
from datetime import UTC, datetime

import stripe
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Role
from audit.services import record as audit
from budgets import services as money
from budgets.errors import NotAllowed
from ledger import keys
from ledger.errors import InsufficientFunds
from ledger.models import Account, AccountKind
from payouts import bacs, stripe_gateway
from payouts.errors import (
    FileAlreadyPaid,
    PayoutNotFailable,
    RunAlreadyInProgress,
)
from payouts.models import (
    BacsFile,
    BankDetails,
    ConnectedAccount,
    Payout,
    PayoutLine,
    PayoutMethod,
    PayoutRun,
    PayoutStatus,
    RunStatus,
    StripeEvent,
)
from payouts.selectors import owed_in_commissioner

log = logging.getLogger(__name__)


# --- Who may act ---------------------------------------------------------------------


def _require_manager(actor, commissioner) -> None:
    if (actor is None or actor.role != Role.COMMISSIONER_MANAGER
            or actor.commissioner_id != commissioner.pk):
        raise NotAllowed("Only a manager of this commissioner can do that.")


def _require_provider_admin(actor, provider) -> None:
    membership = getattr(actor, "provider_membership", None)
    if (actor is None or actor.role != Role.PROVIDER_ADMIN or membership is None
            or membership.provider_id != provider.pk):
        raise NotAllowed("Only an admin of this provider can do that.")


def payout_method() -> str:
    return PayoutMethod.STRIPE if stripe_gateway.stripe_configured() else PayoutMethod.BACS


# --- Bank details ----------------------------------------------------------------------


def normalise_digits(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def save_bank_details(*, actor, provider, account_name: str, sort_code: str,
                      account_number: str) -> BankDetails:
    """A provider admin sets where BACS payouts go. Audited, with the numbers masked."""
    _require_provider_admin(actor, provider)
    sort_code, account_number = normalise_digits(sort_code), normalise_digits(account_number)
    account_name = " ".join(account_name.split())
    if not re.fullmatch(r"\d{6}", sort_code):
        raise ValueError("Enter a sort code of 6 digits, like 30-99-50.")
    if not re.fullmatch(r"\d{8}", account_number):
        raise ValueError("Enter an account number of 8 digits.")
    if not account_name or not bacs.ALLOWED_NAME.match(account_name):
        raise ValueError("Enter the account name using letters, numbers, spaces and . & / -")
    with transaction.atomic():
        details = BankDetails.objects.select_for_update().filter(provider=provider).first()
        before = ({"account_name": details.account_name, "sort_code": details.masked_sort_code,
                   "account_number": details.masked_account_number} if details else {})
        if details is None:
            details = BankDetails(provider=provider)
        details.account_name = account_name
        details.sort_code = sort_code
        details.account_number = account_number
        details.updated_by = actor
        details.save()
        audit(actor=actor, action="payouts.bank_details_changed", obj=details,
              summary=f"Bank details for {provider} changed", before=before,
              after={"account_name": account_name, "sort_code": details.masked_sort_code,
                     "account_number": details.masked_account_number})
    return details


# --- Stripe Connect onboarding ----------------------------------------------------------


def start_stripe_onboarding(*, actor, provider, refresh_url: str, return_url: str) -> str:
    """A provider admin connects (or finishes connecting) a Stripe Express account.
    Returns the Stripe-hosted onboarding URL to send them to. Moves no money."""
    _require_provider_admin(actor, provider)
    account = ConnectedAccount.objects.filter(provider=provider).first()
    if account is None:
        created = stripe_gateway.create_express_account(
            email=provider.contact_email, name=provider.name, provider_id=provider.pk,
            idempotency_key=f"onward-provider-{provider.pk}-"
                            f"{int(provider.created_at.timestamp())}-express",
        )
        account, _ = ConnectedAccount.objects.get_or_create(
            provider=provider,
            defaults={"stripe_account_id": created.id,
                      "payouts_enabled": bool(created.payouts_enabled),
                      "details_submitted": bool(created.details_submitted)},
        )
        audit(actor=actor, action="payouts.stripe_account_created", obj=account,
              summary=f"Stripe Express account {account.stripe_account_id} for {provider}")
    return stripe_gateway.create_account_link(
        account_id=account.stripe_account_id, refresh_url=refresh_url, return_url=return_url)


def refresh_connected_account(*, actor, provider) -> ConnectedAccount | None:
    """Read the account's flags from Stripe (when a provider returns from onboarding)."""
    _require_provider_admin(actor, provider)
    account = ConnectedAccount.objects.filter(provider=provider).first()
    if account is None:
        return None
    fetched = stripe_gateway.retrieve_account(account.stripe_account_id)
    with transaction.atomic():
        account = ConnectedAccount.objects.select_for_update().get(pk=account.pk)
        account.payouts_enabled = bool(fetched.payouts_enabled)
        account.details_submitted = bool(fetched.details_submitted)
        account.stripe_updated_at = timezone.now()
        account.save()
    return account


# --- Payout runs ----------------------------------------------------------------------


RUN_LOCK_KEY = zlib.crc32(b"payouts.run") & 0x7FFFFFFF


@contextlib.contextmanager
def _run_lock(commissioner_id: int):
    """One run at a time per commissioner. A PostgreSQL session lock: it outlives the
    run's many short transactions and is freed if the process dies."""
    if connection.vendor != "postgresql":
        yield
        return
    key = RUN_LOCK_KEY
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [key, commissioner_id])
        if not cursor.fetchone()[0]:
            raise RunAlreadyInProgress()
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [key, commissioner_id])


def _why_not_payable(provider, method) -> str:
    if method == PayoutMethod.STRIPE:
        account = ConnectedAccount.objects.filter(provider=provider).first()
        if account is None:
            return ("Has not connected a Stripe account yet. The money stays owed until "
                    "they do.")
        if not account.payouts_enabled:
            return ("Stripe has not enabled payouts on their account yet (onboarding "
                    "unfinished). The money stays owed.")
        return ""
    if not BankDetails.objects.filter(provider=provider).exists():
        return "Has no bank details. The money stays owed until their admin adds them."
    return ""


def _create_payout(*, run, provider, split, method, actor) -> Payout:
    """One transaction: the payout record, its per-programme lines and the ledger
    transfer provider payable → payouts out."""
    reference = uuid.uuid4()
    amount = sum(pence for _, pence in split)
    destination = ""
    if method == PayoutMethod.STRIPE:
        destination = ConnectedAccount.objects.get(provider=provider).stripe_account_id
    with transaction.atomic():
        transfer = money.pay_out(
            actor=actor, provider=provider, amounts=dict(split), key=keys.payout(reference),
            memo=f"Payout {reference} to {provider} (run {run.pk})",
        )
        payout = Payout.objects.create(
            reference=reference, run=run, commissioner=run.commissioner, provider=provider,
            method=method, amount=amount, ledger_transfer=transfer,
            stripe_account_id=destination,
        )
        PayoutLine.objects.bulk_create(
            [PayoutLine(payout=payout, programme=programme, amount=pence)
             for programme, pence in split])
    return payout


def _fail(payout: Payout, *, reason: str, actor=None) -> Payout:
    """Inside the caller's transaction, with the payout row locked: reverse the ledger
    transfer (the money is owed again) and record why."""
    if payout.status == PayoutStatus.FAILED:
        return payout
    reversal = money.reverse_payout(
        actor=actor, payout_transfer=payout.ledger_transfer,
        key=keys.payout_reversal(payout.ledger_key),
        memo=f"Payout {payout.reference} failed: {reason}"[:300],
    )
    payout.status = PayoutStatus.FAILED
    payout.failure_reason = reason[:300]
    payout.failed_at = timezone.now()
    payout.reversal_transfer = reversal
    payout.save()
    return payout


def _transfer_params(payout: Payout) -> dict:
    # Identical on every try: Stripe refuses a reused idempotency key with other params.
    return {
        "amount": payout.amount,
        "destination": payout.stripe_account_id,
        "idempotency_key": payout.stripe_idempotency_key,
        "transfer_group": f"onward-payout-{payout.reference}",
        "description": f"Onward payout {payout.reference}",
        "metadata": {"onward_payout": str(payout.reference),
                     "onward_commissioner": str(payout.commissioner_id),
                     "onward_provider": str(payout.provider_id)},
    }


def send_stripe_payout(*, payout: Payout, actor=None) -> str:
    """Create the Stripe transfer for a pending payout. Returns "" or the problem.

    The payout row stays locked while Stripe is called, so two runs (or a webhook)
    never act on it at once."""
    with transaction.atomic():
        payout = Payout.objects.select_for_update().select_related("ledger_transfer").get(
            pk=payout.pk)
        if payout.status != PayoutStatus.PENDING:
            return ""
        payout.attempts += 1
        try:
            created = stripe_gateway.create_transfer(**_transfer_params(payout))
        except stripe.StripeError as error:
            reason = stripe_gateway.describe(error)
            if stripe_gateway.is_transient(error):
                payout.last_error = reason[:300]
                payout.save(update_fields=["attempts", "last_error"])
                return (f"{reason}. Not paid yet: the next run retries it with the same "
                        "idempotency key, so it cannot be paid twice.")
            _fail(payout, reason=reason, actor=actor)
            return f"{reason}. The money is owed again; the next run tries again."
        payout.stripe_transfer_id = created.id
        payout.stripe_amount = created.amount
        payout.status = PayoutStatus.PAID
        payout.paid_at = timezone.now()
        payout.last_error = ""
        payout.save()
    return ""


def private_storage() -> FileSystemStorage:
    # Built per call: PRIVATE_MEDIA_ROOT is never served under a public URL.
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT)


def _write_bacs_file(run: PayoutRun) -> BacsFile | None:
    """Every BACS payout of the commissioner still waiting for a file (this run's, and
    any an interrupted run left) goes into one file; they become "sent for payment"."""
    with transaction.atomic():
        payouts = list(
            Payout.objects.select_for_update(of=("self",))
            .filter(commissioner=run.commissioner, method=PayoutMethod.BACS,
                    status=PayoutStatus.PENDING, bacs_file__isnull=True)
            .select_related("provider__bank_details").order_by("id"))
        if not payouts:
            return None
        bacs_file = BacsFile.objects.create(run=run, commissioner=run.commissioner, path="",
                                            sha256="", line_count=0, total=0)
        content = bacs.build_file(
            payments=[(p.provider.bank_details.sort_code, p.provider.bank_details.account_number,
                       p.provider.bank_details.account_name, p.amount, p.bacs_reference)
                      for p in payouts],
            originator_sort_code=settings.BACS_ORIGINATOR_SORT_CODE,
            originator_account=settings.BACS_ORIGINATOR_ACCOUNT,
            originator_name=settings.BACS_ORIGINATOR_NAME,
            contra_reference=f"CONTRA R{run.pk:010d}",
        )
        data = content.encode("ascii")
        name = f"payouts/bacs/commissioner-{run.commissioner_id}/{bacs_file.filename}"
        bacs_file.path = private_storage().save(name, ContentFile(data))
        bacs_file.sha256 = hashlib.sha256(data).hexdigest()
        bacs_file.line_count = len(payouts) + 1
        bacs_file.total = sum(p.amount for p in payouts)
        bacs_file.save()
        Payout.objects.filter(pk__in=[p.pk for p in payouts]).update(
            bacs_file=bacs_file, status=PayoutStatus.SENT_FOR_PAYMENT)
    return bacs_file


def start_payout_run(*, actor, commissioner) -> PayoutRun:
    """A commissioner manager (for their own commissioner) or the weekly schedule
    (actor None) pays every provider owed money in the commissioner's programmes:
    one payout per provider, each written to the ledger (payable → payouts out) as
    it is created, then a Stripe transfer each, or one BACS file for them all."""
    if actor is not None:
        _require_manager(actor, commissioner)
    method = payout_method()
    with _run_lock(commissioner.pk):
        # Holding the lock, any run still "running" died part-way.
        PayoutRun.objects.filter(commissioner=commissioner, status=RunStatus.RUNNING).update(
            status=RunStatus.INTERRUPTED, finished_at=timezone.now())
        run = PayoutRun.objects.create(commissioner=commissioner, method=method,
                                       started_by=actor)
        problems = []
        failed_now = set()  # a provider whose payout failed definitively waits for next run

        def problem(provider, reason):
            problems.append({"provider": provider.name, "provider_id": provider.pk,
                             "reason": reason})

        if method == PayoutMethod.STRIPE:
            # First what an earlier run left unsent, with its original idempotency key.
            for payout in (Payout.objects.filter(commissioner=commissioner,
                                                 method=PayoutMethod.STRIPE,
                                                 status=PayoutStatus.PENDING)
                           .select_related("provider").order_by("id")):
                reason = send_stripe_payout(payout=payout, actor=actor)
                if reason:
                    problem(payout.provider, reason)
                    failed_now.add(payout.provider_id)

        for provider, split in owed_in_commissioner(commissioner):
            if provider.pk in failed_now:
                continue
            reason = _why_not_payable(provider, method)
            if reason:
                problem(provider, reason)
                continue
            try:
                payout = _create_payout(run=run, provider=provider, split=split,
                                        method=method, actor=actor)
            except InsufficientFunds:
                problem(provider, "The amount owed changed while the run was working; the "
                                  "next run pays it.")
                continue
            if method == PayoutMethod.STRIPE:
                reason = send_stripe_payout(payout=payout, actor=actor)
                if reason:
                    problem(provider, reason)

        if method == PayoutMethod.BACS:
            _write_bacs_file(run)

        run.problems = problems
        run.status = RunStatus.COMPLETED_WITH_PROBLEMS if problems else RunStatus.COMPLETED
        run.finished_at = timezone.now()
        run.save(update_fields=["problems", "status", "finished_at"])
    return run


def weekly_payout_run() -> list[PayoutRun]:
    """The schedule's run: every commissioner with money owed to a provider."""
    from accounts.models import Commissioner

    ids = (Account.objects.filter(kind=AccountKind.PROVIDER_PAYABLE, balance__gt=0)
           .values_list("programme__commissioner_id", flat=True).distinct())
    runs = []
    for commissioner in Commissioner.objects.filter(pk__in=list(ids)).order_by("pk"):
        try:
            runs.append(start_payout_run(actor=None, commissioner=commissioner))
        except RunAlreadyInProgress:
            log.info("Payout run for %s already in progress; skipped", commissioner)
        except Exception:
            # One commissioner's failure must not stop the others being paid; whatever
            # it left half-done, its next run finishes.
            log.exception("Payout run for %s failed", commissioner)
    return runs


# --- BACS: the finance team's side --------------------------------------------------------


def mark_file_paid(*, actor, bacs_file: BacsFile) -> BacsFile:
    """A commissioner manager records that the bank has paid the file: its payouts
    become "paid". Moves no money (the ledger moved it when the payouts were made)."""
    _require_manager(actor, bacs_file.commissioner)
    with transaction.atomic():
        bacs_file = BacsFile.objects.select_for_update().get(pk=bacs_file.pk)
        if bacs_file.paid_at is not None:
            raise FileAlreadyPaid()
        now = timezone.now()
        bacs_file.paid_at, bacs_file.paid_by = now, actor
        bacs_file.save(update_fields=["paid_at", "paid_by"])
        count = Payout.objects.filter(bacs_file=bacs_file,
                                      status=PayoutStatus.SENT_FOR_PAYMENT).update(
            status=PayoutStatus.PAID, paid_at=now)
        audit(actor=actor, action="payouts.bacs_file_paid", obj=bacs_file,
              summary=f"BACS file {bacs_file.pk} marked paid ({count} payouts)")
    return bacs_file


def mark_payout_returned(*, actor, payout: Payout, reason: str) -> Payout:
    """A commissioner manager records that the bank returned a BACS payment: the ledger
    transfer is reversed and the money is owed again."""
    _require_manager(actor, payout.commissioner)
    with transaction.atomic():
        payout = Payout.objects.select_for_update().select_related("ledger_transfer").get(
            pk=payout.pk)
        if payout.method != PayoutMethod.BACS or payout.status not in (
                PayoutStatus.SENT_FOR_PAYMENT, PayoutStatus.PAID):
            raise PayoutNotFailable()
        _fail(payout, reason=f"Returned by the bank: {reason}", actor=actor)
        audit(actor=actor, action="payouts.payout_returned", obj=payout,
              summary=f"Payout {payout.pk} to {payout.provider} returned: {reason}")
    return payout


# --- Stripe webhooks -----------------------------------------------------------------------


def record_stripe_event(*, payload: bytes, signature: str | None) -> tuple[StripeEvent, bool]:
    """Verify Stripe's signature and store the event once by its id; a new event is
    handed to a task once the row is committed. Raises ValueError or
    stripe.SignatureVerificationError for anything not signed by Stripe."""
    # Comma-separated: Stripe signs "your account" and "connected accounts" endpoints
    # with different secrets. Never accept events signed with an empty secret.
    secrets = [s.strip() for s in settings.STRIPE_WEBHOOK_SECRET.split(",") if s.strip()]
    if not secrets:
        raise ValueError("STRIPE_WEBHOOK_SECRET is not set.")
    for number, secret in enumerate(secrets, start=1):
        try:
            stripe.Webhook.construct_event(payload, signature, secret)  # tolerance 300 s
            break
        except stripe.SignatureVerificationError:
            if number == len(secrets):
                raise
    # Verified: keep Stripe's own JSON as it came.
    event = json.loads(payload)
    obj = event["data"]["object"]
    with transaction.atomic():
        stored, created = StripeEvent.objects.get_or_create(
            event_id=event["id"],
            defaults={
                "event_type": event["type"],
                "account": event.get("account") or "",
                "object_id": obj.get("id", "") or "",
                "created": datetime.fromtimestamp(event["created"], tz=UTC),
                "payload": event,
            },
        )
        if created:
            from outbox.services import enqueue

            enqueue("payouts.tasks.process_stripe_event", stored.pk)
    return stored, created


def _payout_for_transfer(obj) -> Payout | None:
    reference = (obj.get("metadata") or {}).get("onward_payout")
    query = Payout.objects.select_for_update().select_related("ledger_transfer")
    if reference:
        with contextlib.suppress(ValueError):
            found = query.filter(reference=uuid.UUID(reference)).first()
            if found:
                return found
    return query.filter(stripe_transfer_id=obj.get("id")).first()


def _on_transfer_created(event: StripeEvent) -> str:
    obj = event.payload["data"]["object"]
    payout = _payout_for_transfer(obj)
    if payout is None:
        return "No payout matches this transfer."
    if not payout.stripe_transfer_id:
        payout.stripe_transfer_id, payout.stripe_amount = obj["id"], obj["amount"]
    if payout.status == PayoutStatus.PENDING:
        # Stripe made it but we never heard back (the response was lost).
        payout.status, payout.paid_at, payout.last_error = (
            PayoutStatus.PAID, timezone.now(), "")
        payout.save()
        return "Payout confirmed as paid."
    payout.save()
    return f"Nothing to do: the payout is already {payout.get_status_display().lower()}."


def _on_transfer_reversed(event: StripeEvent) -> str:
    obj = event.payload["data"]["object"]
    payout = _payout_for_transfer(obj)
    if payout is None:
        return "No payout matches this transfer."
    if not payout.stripe_transfer_id:
        payout.stripe_transfer_id, payout.stripe_amount = obj["id"], obj["amount"]
    payout.stripe_amount_reversed = max(payout.stripe_amount_reversed,
                                        int(obj.get("amount_reversed") or 0))
    payout.save()
    if payout.status == PayoutStatus.FAILED:
        return "Nothing to do: the payout had already failed."
    if payout.stripe_amount_reversed < payout.amount:
        return "Partly reversed in Stripe: the ledger is unchanged; reconciliation lists it."
    _fail(payout, reason="Stripe reversed the transfer.")
    return "Payout failed: the transfer was reversed; the money is owed again."


def _on_payout_failed(event: StripeEvent) -> str:
    """A connected account's payout to its bank failed. Stripe's payout object does
    not name our transfer, so the latest paid payout to that account of the same
    amount is failed (once per Stripe payout id)."""
    obj = event.payload["data"]["object"]
    if not event.account:
        return "Not a connected account's payout: ignored."
    if Payout.objects.filter(stripe_failed_payout_id=obj["id"]).exists():
        return "Nothing to do: this bank payout failure was already handled."
    payout = (Payout.objects.select_for_update().select_related("ledger_transfer")
              .filter(stripe_account_id=event.account, method=PayoutMethod.STRIPE,
                      status=PayoutStatus.PAID, amount=obj["amount"])
              .order_by("-paid_at", "-id").first())
    if payout is None:
        return "No paid payout of this amount to this account: reconciliation will show it."
    payout.stripe_failed_payout_id = obj["id"]
    detail = obj.get("failure_message") or obj.get("failure_code") or "no reason given"
    _fail(payout, reason=f"The provider's bank payout failed: {detail}")
    return "Payout failed: the money is owed again."


def _on_account_updated(event: StripeEvent) -> str:
    obj = event.payload["data"]["object"]
    account = ConnectedAccount.objects.select_for_update().filter(
        stripe_account_id=obj["id"]).first()
    if account is None:
        return "No provider has this account."
    if account.stripe_updated_at and event.created < account.stripe_updated_at:
        return "Older than what we hold: ignored."
    account.payouts_enabled = bool(obj.get("payouts_enabled"))
    account.details_submitted = bool(obj.get("details_submitted"))
    account.stripe_updated_at = event.created
    account.save()
    return f"Payouts {'enabled' if account.payouts_enabled else 'not enabled'}."


EVENT_HANDLERS = {
    "account.updated": _on_account_updated,
    "transfer.created": _on_transfer_created,
    "transfer.paid": _on_transfer_created,
    "transfer.reversed": _on_transfer_reversed,
    "payout.failed": _on_payout_failed,
}


def handle_stripe_event(*, event_pk: int) -> str:
    """The task's work (the system acts): apply one stored event, at most once."""
    with transaction.atomic():
        event = StripeEvent.objects.select_for_update().get(pk=event_pk)
        if event.processed_at is not None:
            return event.outcome
        handler = EVENT_HANDLERS.get(event.event_type)
        outcome = handler(event) if handler else "Ignored: not an event this service acts on."
        event.processed_at = timezone.now()
        event.outcome = outcome[:300]
        event.save(update_fields=["processed_at", "outcome"])
    return outcome

