"""Every write that moves money. Plain functions, keyword arguments, one transaction each.

``actor`` is the person acting; ``actor=None`` means the system itself (a scheduled
task). Each service checks who may act and raises a domain error from
budgets.errors (or ledger.errors); pages and the API turn those into messages. Money
moves through ledger.posting, on the accounts ledger.accounts finds, with the
idempotency keys ledger.keys spells.
"""

import secrets
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import JobseekerProfile, Role
from audit.services import record
from budgets.errors import (
    BudgetNotActive,
    InvitationAlreadyClaimed,
    InvitationNotFound,
    NotAllowed,
    NotEligible,
    NotEnoughBudget,
    NotEnoughInEscrow,
    NotEnoughInPot,
)
from budgets.models import BASIS_POINTS, Budget, BudgetStatus, Invitation, Programme
from ledger import keys, posting
from ledger.accounts import (
    available_account,
    committed_account,
    escrow_account,
    funding_account,
    payable_account,
    payouts_account,
    pot_account,
)
from ledger.errors import InvalidAmount
from ledger.models import Account, Transfer, TransferKind
from ledger.posting import Leg
from ledger.retry import retry_on_conflict

# Unambiguous characters for codes read aloud or typed on a phone (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def _positive(amount) -> int:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise InvalidAmount()
    return amount


def _require_manager(actor, programme) -> None:
    if (
        actor is None
        or actor.role != Role.COMMISSIONER_MANAGER
        or actor.commissioner_id != programme.commissioner_id
    ):
        raise NotAllowed("Only a manager of this programme's commissioner can do that.")


def _require_system_or_manager(actor, programme) -> None:
    if actor is not None:
        _require_manager(actor, programme)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)


# --- Programmes ---------------------------------------------------------------------


def create_programme(*, actor, name: str, budget_per_person: int, **rules) -> Programme:
    """A commissioner manager sets up a programme in their own commissioner."""
    if actor is None or actor.role != Role.COMMISSIONER_MANAGER:
        raise NotAllowed("Only a commissioner manager can set up a programme.")
    programme = Programme(commissioner=actor.commissioner, name=name,
                          budget_per_person=budget_per_person, **rules)
    programme.full_clean()
    programme.save()
    record(actor=actor, action="programme.created", obj=programme,
           summary=f"Programme {programme.name} set up", after=_rules(programme))
    return programme


def _rules(programme) -> dict:
    return {field: getattr(programme, field) for field in (
        "name", "status", "budget_per_person", "validity_months", "outcome_share_bp",
        "milestones", "min_hours_per_week", "attribution_months", "tier_multipliers",
        "eligibility_months_unemployed", "allowed_categories")}


@retry_on_conflict
def fund_programme(*, actor, programme: Programme, amount: int, reference: str) -> Transfer:
    """funding → programme pot. ``reference`` (e.g. the grant or purchase order) makes a
    repeated request harmless."""
    _require_manager(actor, programme)
    _positive(amount)
    with transaction.atomic():
        key = keys.fund(programme.pk, reference)
        repeated = Transfer.objects.filter(idempotency_key=key).exists()
        transfer = posting.post_transfer(
            key=key, kind=TransferKind.FUND, actor=actor, programme=programme,
            memo=f"Funding {reference}",
            legs=[Leg(funding_account(programme), -amount),
                  Leg(pot_account(programme), amount)],
        )
        if not repeated:
            record(actor=actor, action="programme.funded", obj=programme,
                   summary=f"Funded {programme.name} with {amount}p ({reference})",
                   after={"amount": amount, "reference": reference})
    return transfer


# --- Budgets and invitations ----------------------------------------------------------


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(settings.INVITATION_CODE_LENGTH))


@retry_on_conflict
def issue_budget(*, actor, programme: Programme, external_reference: str,
                 amount: int | None = None, recipient_name: str = "",
                 recipient_email: str = "", months_unemployed: int | None = None,
                 expires_on: date | None = None) -> tuple[Budget, bool]:
    """pot → budget available, and an invitation to claim it.

    Returns (budget, created). Issuing the same external reference again returns the
    first budget and moves nothing, so a re-uploaded CSV issues nothing twice.
    """
    _require_manager(actor, programme)
    external_reference = external_reference.strip()
    existing = Budget.objects.filter(
        programme=programme, external_reference=external_reference
    ).first()
    if existing is not None:
        return existing, False
    amount = _positive(amount if amount is not None else programme.budget_per_person)
    minimum = programme.eligibility_months_unemployed
    if months_unemployed is not None and months_unemployed < minimum:
        raise NotEligible(
            f"People must have been out of work for at least "
            f"{minimum} months to get this budget."
        )
    today = timezone.localdate()
    try:
        with transaction.atomic():
            budget = Budget.objects.create(
                programme=programme, external_reference=external_reference, amount=amount,
                recipient_name=recipient_name, recipient_email=recipient_email,
                months_unemployed=months_unemployed, issued_by=actor,
                expires_on=expires_on or add_months(today, programme.validity_months),
            )
            Invitation.objects.create(budget=budget, code=_new_code(),
                                      token=secrets.token_urlsafe(32))
            posting.post_transfer(
                key=keys.issue(programme.pk, external_reference), kind=TransferKind.ISSUE,
                actor=actor, programme=programme, budget=budget,
                memo=f"Budget {external_reference} issued",
                legs=[Leg(pot_account(programme), -amount),
                      Leg(available_account(budget), amount)],
                insufficient=NotEnoughInPot,
            )
            record(actor=actor, action="budget.issued", obj=budget,
                   summary=f"Budget {external_reference} issued for {amount}p",
                   after={"amount": amount, "external_reference": external_reference,
                          "expires_on": budget.expires_on})
    except IntegrityError:
        # A concurrent request issued the same reference first.
        return Budget.objects.get(programme=programme,
                                  external_reference=external_reference), False
    return budget, True


def find_invitation(code_or_token: str) -> Invitation:
    value = (code_or_token or "").strip()
    code = value.upper().replace(" ", "").replace("-", "")
    invitation = (
        Invitation.objects.select_related("budget__programme")
        .filter(code=code).first()
        or Invitation.objects.select_related("budget__programme").filter(token=value).first()
    )
    if invitation is None:
        raise InvitationNotFound()
    return invitation


def claim_invitation(*, user, code_or_token: str) -> Budget:
    """A jobseeker claims the budget an invitation carries. A claimed invitation
    cannot be claimed again (by anyone, including the same person)."""
    if user.role not in ("", Role.JOBSEEKER):
        raise NotAllowed("Staff accounts cannot claim budgets. Sign in with your own account.")
    found = find_invitation(code_or_token)
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=found.pk)
        if invitation.is_claimed:
            raise InvitationAlreadyClaimed()
        budget = Budget.objects.select_for_update().get(pk=invitation.budget_id)
        if budget.status == BudgetStatus.EXPIRED or budget.expires_on < timezone.localdate():
            raise BudgetNotActive("This budget has expired. Ask your adviser about a new one.")
        if user.role != Role.JOBSEEKER:
            user.role = Role.JOBSEEKER
            user.save(update_fields=["role"])
        JobseekerProfile.objects.get_or_create(
            user=user, defaults={"commissioner_id": budget.programme.commissioner_id}
        )
        if not user.full_name and budget.recipient_name:
            user.full_name = budget.recipient_name
            user.save(update_fields=["full_name"])
        invitation.claimed_at = timezone.now()
        invitation.claimed_by = user
        invitation.save(update_fields=["claimed_at", "claimed_by"])
        budget.jobseeker = user
        budget.status = BudgetStatus.ACTIVE
        budget.save(update_fields=["jobseeker", "status"])
    return budget


@retry_on_conflict
def expire_budget(*, actor=None, budget: Budget) -> Transfer | None:
    """budget available → pot, once the budget's validity ends. Committed money stays
    with its bookings; whatever they release later goes back to the pot."""
    _require_system_or_manager(actor, budget.programme)
    with transaction.atomic():
        budget = Budget.objects.select_for_update().get(pk=budget.pk)
        available = available_account(budget)
        transfer = None
        balance = Account.objects.get(pk=available.pk).balance
        if balance > 0:
            transfer = posting.post_transfer(
                key=keys.expire(budget.pk), kind=TransferKind.EXPIRE, actor=actor,
                programme=budget.programme, budget=budget, memo="Budget expired",
                legs=[Leg(available, -balance), Leg(pot_account(budget.programme), balance)],
            )
        if budget.status != BudgetStatus.EXPIRED:
            budget.status = BudgetStatus.EXPIRED
            budget.expired_at = timezone.now()
            budget.save(update_fields=["status", "expired_at"])
    return transfer


# --- Bookings -----------------------------------------------------------------------


def _require_budget_holder_or_system(actor, budget) -> None:
    if actor is not None and actor.pk != budget.jobseeker_id:
        raise NotAllowed("Only the budget's holder can spend it.")


@retry_on_conflict
def commit_for_booking(*, actor, budget: Budget, amount: int, booking_id: int,
                       key: str) -> Transfer:
    """budget available → budget committed, when a jobseeker requests a booking."""
    _require_budget_holder_or_system(actor, budget)
    _positive(amount)
    if budget.status != BudgetStatus.ACTIVE or budget.expires_on < timezone.localdate():
        raise BudgetNotActive()
    return posting.post_transfer(
        key=key, kind=TransferKind.COMMIT, actor=actor, programme=budget.programme,
        budget=budget, booking_id=booking_id, memo=f"Booking {booking_id} requested",
        legs=[Leg(available_account(budget), -amount),
              Leg(committed_account(budget), amount)],
        insufficient=NotEnoughBudget,
    )


@retry_on_conflict
def release_commitment(*, actor=None, budget: Budget, amount: int, booking_id: int,
                       key: str, reason: str = "released") -> Transfer:
    """budget committed → budget available (declined, cancelled, refunded). If the
    budget has expired meanwhile, the money goes back to the programme's pot."""
    _positive(amount)
    destination = (
        pot_account(budget.programme)
        if budget.status == BudgetStatus.EXPIRED
        else available_account(budget)
    )
    return posting.post_transfer(
        key=key, kind=TransferKind.RELEASE, actor=actor, programme=budget.programme,
        budget=budget, booking_id=booking_id, memo=f"Booking {booking_id} {reason}",
        legs=[Leg(committed_account(budget), -amount), Leg(destination, amount)],
    )


def split_outcome_share(programme: Programme, amount: int) -> tuple[int, int]:
    """(upfront, withheld) for a booking price; withheld rounds down to whole pence."""
    withheld = amount * programme.outcome_share_bp // BASIS_POINTS
    return amount - withheld, withheld


@retry_on_conflict
def settle_delivery(*, actor=None, budget: Budget, provider, amount: int, booking_id: int,
                    key: str) -> Transfer:
    """budget committed → provider payable (upfront share) and → the booking's escrow
    (the outcome share, paid out later at milestones)."""
    _positive(amount)
    upfront, withheld = split_outcome_share(budget.programme, amount)
    committed = committed_account(budget)
    legs = [Leg(committed, -amount),
            Leg(payable_account(provider=provider, programme=budget.programme), upfront)]
    if withheld:
        legs.append(Leg(escrow_account(booking_id=booking_id, budget=budget,
                                       provider=provider), withheld))
    return posting.post_transfer(
        key=key, kind=TransferKind.SETTLE, actor=actor, programme=budget.programme,
        budget=budget, provider=provider, booking_id=booking_id,
        memo=f"Booking {booking_id} delivered",
        legs=legs,
    )


# --- Outcomes -------------------------------------------------------------------------


@retry_on_conflict
def release_escrow(*, actor=None, booking_id: int, amount: int, bonus: int = 0,
                   key: str, memo: str = "") -> Transfer:
    """booking escrow → provider payable (a milestone's fraction), plus a harder-to-help
    bonus from the programme pot."""
    escrow = Account.objects.select_related("programme", "provider", "budget").get(
        key=keys.escrow(booking_id))
    _require_system_or_manager(actor, escrow.programme)
    payable = payable_account(provider=escrow.provider, programme=escrow.programme)
    legs = [Leg(escrow, -amount), Leg(payable, amount)]
    if bonus:
        legs += [Leg(pot_account(escrow.programme), -bonus), Leg(payable, bonus)]
    if escrow.balance < amount:
        raise NotEnoughInEscrow(account=escrow, needed=amount, available=escrow.balance)
    return posting.post_transfer(
        key=key, kind=TransferKind.ESCROW_RELEASE, actor=actor, programme=escrow.programme,
        budget=escrow.budget, provider=escrow.provider, booking_id=booking_id,
        memo=memo or f"Booking {booking_id} outcome payment", legs=legs,
        insufficient=NotEnoughInPot,
    )


@retry_on_conflict
def return_escrow(*, actor=None, booking_id: int, key: str, memo: str = "") -> Transfer | None:
    """What is left in a booking's escrow → back to the programme's pot (the job ended
    before a milestone, or no job came within the attribution window)."""
    escrow = Account.objects.select_related("programme", "provider", "budget").get(
        key=keys.escrow(booking_id))
    _require_system_or_manager(actor, escrow.programme)
    earlier = Transfer.objects.filter(idempotency_key=key).first()
    if earlier is not None:
        return earlier
    with transaction.atomic():
        balance = Account.objects.select_for_update().get(pk=escrow.pk).balance
        if balance == 0:
            return None
        return posting.post_transfer(
            key=key, kind=TransferKind.ESCROW_RETURN, actor=actor, programme=escrow.programme,
            budget=escrow.budget, provider=escrow.provider, booking_id=booking_id,
            memo=memo or f"Booking {booking_id} withheld share returned",
            legs=[Leg(escrow, -balance), Leg(pot_account(escrow.programme), balance)],
        )


# --- Payouts --------------------------------------------------------------------------


@retry_on_conflict
def pay_out(*, actor=None, provider, amounts: dict[Programme, int], key: str,
            memo: str = "") -> Transfer:
    """provider payable → payouts out, across the programmes a payout covers."""
    legs = []
    for programme, amount in amounts.items():
        _require_system_or_manager(actor, programme)
        _positive(amount)
        legs += [Leg(payable_account(provider=provider, programme=programme), -amount),
                 Leg(payouts_account(programme), amount)]
    first = next(iter(amounts))
    return posting.post_transfer(
        key=key, kind=TransferKind.PAYOUT, actor=actor,
        programme=first if len(amounts) == 1 else None, provider=provider,
        memo=memo or f"Payout to {provider}", legs=legs,
    )


@retry_on_conflict
def reverse_payout(*, actor=None, payout_transfer: Transfer, key: str,
                   memo: str = "") -> Transfer:
    """payouts out → provider payable: a failed or reversed transfer is owed again."""
    legs = [Leg(entry.account, -entry.amount)
            for entry in payout_transfer.entries.select_related("account__programme")]
    for leg in legs:
        if leg.account.programme is not None:
            _require_system_or_manager(actor, leg.account.programme)
    return posting.post_transfer(
        key=key, kind=TransferKind.PAYOUT_REVERSAL, actor=actor,
        programme=payout_transfer.programme, provider=payout_transfer.provider,
        memo=memo or f"Payout reversed ({payout_transfer.idempotency_key})", legs=legs,
    )


def update_programme(*, actor, programme: Programme, **rules) -> Programme:
    """A manager of the programme's commissioner changes its rules (validated as a whole).
    Changes apply to what happens next; money already moved stays as it was."""
    _require_manager(actor, programme)
    with transaction.atomic():
        programme = Programme.objects.select_for_update().get(pk=programme.pk)
        before = _rules(programme)
        for field, value in rules.items():
            setattr(programme, field, value)
        programme.full_clean()
        programme.save()
        record(actor=actor, action="programme.changed", obj=programme,
               summary=f"Rules of {programme.name} changed", before=before,
               after=_rules(programme))
    return programme


def send_invitation(*, budget: Budget) -> None:
    """E-mail the invitation (code and link) once the issuing transaction commits."""
    if not budget.recipient_email:
        return
    from django.core.mail import send_mail
    from django.urls import reverse

    invitation = budget.invitation
    link = settings.SITE_URL + reverse("claim_by_link", args=[invitation.token])
    code = f"{invitation.code[:4]} {invitation.code[4:]}"
    transaction.on_commit(lambda: send_mail(
        f"Your budget from {budget.programme.name}",
        f"Hello {budget.recipient_name},\n\nYou have a budget of £{budget.amount / 100:,.2f} "
        f"to spend on support to get back to work.\n\nClaim it here: {link}\n"
        f"or go to {settings.SITE_URL}/claim/ and enter the code {code}.\n",
        None, [budget.recipient_email], fail_silently=True))
