"""Personal data: everything held about a jobseeker, their erasure, and evidence retention.

Erasure is immediate, asked for by the jobseeker themselves (after a confirmation page).
No manager decision is needed because nothing a commissioner must keep is lost: the
ledger and the audit log are never touched (they refer to the person by id and the
pseudonym only), transfers keep their amounts, bookings and outcomes keep their figures
so provider records and payments stay right. What goes is what identifies or describes
the person: name, email, phone, postcode, the adviser's assessment, free text they
wrote (booking messages, reviews, plan notes), the employer and job title, evidence
files. Their login is disabled. The audit log records that the erasure happened.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from audit.services import record
from budgets.errors import NotAllowed
from ledger.accounts import budget_accounts
from ledger.models import Account
from privacy.models import DeletedEvidence, DeletionReason

log = logging.getLogger(__name__)

ERASED = "(erased)"


def erased_name(user) -> str:
    return f"Erased person {user.pseudonym.hex[:8]}"


def erased_email(user) -> str:
    return f"erased-{user.pseudonym.hex}@invalid"


# --- Download --------------------------------------------------------------------------


def _when(value):
    return value.isoformat() if value else None


def personal_data(*, user) -> dict:
    """Everything held about ``user`` (a jobseeker), as plain JSON-ready data. The caller
    must be that person: views pass ``request.user``."""
    from bookings.models import Booking, PlanGoal, PlanItem, Review
    from budgets import selectors
    from outcomes.models import Evidence, Outcome

    profile = getattr(user, "jobseeker_profile", None)
    data = {
        "generated_at": _when(timezone.now()),
        "profile": {
            "full_name": user.full_name, "email": user.email, "role": user.role,
            "pseudonym": str(user.pseudonym), "joined": _when(user.date_joined),
            "last_sign_in": _when(user.last_login),
        },
        "budgets": [], "bookings": [], "plan": {"goals": [], "suggestions": []},
        "reviews": [], "outcomes": [],
    }
    if profile is not None:
        data["profile"].update({
            "commissioner": profile.commissioner.name,
            "adviser": profile.adviser.display_name if profile.adviser else None,
            "support_tier": profile.get_support_tier_display(),
            "assessment": profile.assessment, "assessed_at": _when(profile.assessed_at),
            "phone": profile.phone, "postcode": profile.postcode,
        })
    for budget in selectors.budgets_of(user):
        available, committed = budget_accounts(budget)
        balances = dict(Account.objects.filter(pk__in=[available.pk, committed.pk])
                        .values_list("pk", "balance"))
        data["budgets"].append({
            "programme": budget.programme.name, "reference": budget.external_reference,
            "amount_pence": budget.amount, "status": budget.status,
            "issued_at": _when(budget.issued_at), "expires_on": _when(budget.expires_on),
            "available_pence": balances.get(available.pk, 0),
            "committed_pence": balances.get(committed.pk, 0),
            "movements": [{"at": _when(m.at), "text": m.text, "amount_pence": m.amount}
                          for m in selectors.budget_history(budget)],
        })
    bookings = (Booking.objects.filter(jobseeker=user)
                .select_related("offer", "provider").prefetch_related("events")
                .order_by("requested_at"))
    for booking in bookings:
        data["bookings"].append({
            "id": booking.pk, "offer": booking.offer.title, "provider": booking.provider.name,
            "price_pence": booking.price, "status": booking.status,
            "your_message": booking.message, "cancel_reason": booking.cancel_reason,
            "dispute_reason": booking.dispute_reason, "decline_reason": booking.decline_reason,
            "requested_at": _when(booking.requested_at),
            "confirmed_at": _when(booking.confirmed_at),
            "events": [{"at": _when(e.at), "from": e.from_status, "to": e.to_status,
                        "note": e.note} for e in booking.events.all()],
        })
    for goal in PlanGoal.objects.filter(jobseeker=user):
        data["plan"]["goals"].append({"text": goal.text, "target_date": _when(goal.target_date),
                                      "done": goal.done})
    for item in PlanItem.objects.filter(jobseeker=user).select_related("offer"):
        data["plan"]["suggestions"].append({
            "offer": item.offer.title, "status": item.status, "note": item.note,
            "created_at": _when(item.created_at), "decided_at": _when(item.decided_at)})
    for review in Review.objects.filter(booking__jobseeker=user).select_related("provider"):
        data["reviews"].append({"provider": review.provider.name, "rating": review.rating,
                                "text": review.text, "at": _when(review.created_at)})
    for outcome in Outcome.objects.filter(jobseeker=user).prefetch_related("milestones"):
        evidence = Evidence.objects.filter(outcome=outcome).select_related("deletion")
        data["outcomes"].append({
            "employer": outcome.employer, "job_title": outcome.job_title,
            "start_date": _when(outcome.start_date), "hours_per_week": outcome.hours_per_week,
            "weekly_pay_pence": outcome.weekly_pay, "status": outcome.status,
            "ended_on": _when(outcome.ended_on),
            "milestones": [{"label": m.label, "due_on": _when(m.due_on), "status": m.status}
                           for m in outcome.milestones.all()],
            "evidence": [{"kind": e.get_kind_display(), "file_name": e.original_name,
                          "uploaded_at": _when(e.uploaded_at), "size_bytes": e.size,
                          "deleted": hasattr(e, "deletion")} for e in evidence],
        })
    return data


# --- Evidence files -----------------------------------------------------------------------


def _delete_evidence_file(evidence, reason: str) -> bool:
    """Delete the stored file, keep the row and a record that the file existed.
    Returns False when it was deleted before."""
    if DeletedEvidence.objects.filter(evidence=evidence).exists():
        return False
    DeletedEvidence.objects.create(
        evidence=evidence, outcome_id=evidence.outcome_id, kind=evidence.kind,
        size=evidence.size, uploaded_at=evidence.uploaded_at, reason=reason)
    name = evidence.file.name
    storage = evidence.file.storage
    # The file goes once the record of its deletion is committed (a rollback keeps both).
    transaction.on_commit(lambda: storage.delete(name) if name else None)
    return True


def delete_expired_evidence(*, now=None) -> int:
    """System task: delete evidence files older than EVIDENCE_RETENTION_DAYS. Safe to run
    any number of times. Returns how many files it deleted."""
    from outcomes.models import Evidence

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.EVIDENCE_RETENTION_DAYS)
    expired = Evidence.objects.filter(uploaded_at__lt=cutoff, deletion__isnull=True)
    deleted = 0
    for evidence in expired.iterator(chunk_size=500):
        with transaction.atomic():
            if _delete_evidence_file(evidence, DeletionReason.RETENTION):
                deleted += 1
    if deleted:
        log.info("Deleted %s evidence files past the %s-day retention period", deleted,
                 settings.EVIDENCE_RETENTION_DAYS)
    return deleted


# --- Erasure --------------------------------------------------------------------------------


def erase_jobseeker(*, actor, user) -> None:
    """The jobseeker erases their own personal data (see the module docstring for what
    goes and what stays). Moves no money. Their sign-in stops working."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    from accounts.models import JobseekerProfile
    from bookings.models import Booking, PlanGoal, PlanItem, Review
    from budgets.models import Budget
    from outcomes.models import Evidence, Outcome

    if actor is None or actor.pk != user.pk or user.role not in ("", Role.JOBSEEKER):
        raise NotAllowed("Only the person themselves can erase their data here.")
    with transaction.atomic():
        user.full_name = erased_name(user)
        user.email = erased_email(user)
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["full_name", "email", "is_active", "password"])
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        JobseekerProfile.objects.filter(user=user).update(phone="", postcode="", assessment="")
        Budget.objects.filter(jobseeker=user).update(recipient_name="", recipient_email="")
        Booking.objects.filter(jobseeker=user).update(message="", cancel_reason="",
                                                      dispute_reason="")
        Review.objects.filter(booking__jobseeker=user).update(text="")
        PlanGoal.objects.filter(jobseeker=user).update(text=ERASED)
        PlanItem.objects.filter(jobseeker=user).update(note="")
        Outcome.objects.filter(jobseeker=user).update(employer=ERASED, job_title=ERASED)
        evidence = Evidence.objects.filter(outcome__jobseeker=user)
        for item in evidence:
            _delete_evidence_file(item, DeletionReason.ERASURE)
        evidence.update(original_name=ERASED)
        record(actor=None, action="privacy.erased", obj=user,
               summary=f"Personal data erased at the person's request ({user.pseudonym})",
               commissioner=getattr(getattr(user, "jobseeker_profile", None),
                                    "commissioner", None))
    # Signed-in sessions end: the password hash changed, so Django refuses them.
