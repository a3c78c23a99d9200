"""The booking life cycle. Every transition checks who may act, locks the booking, moves
money through budgets.services in the same transaction (keyed by ledger.keys), records a
BookingEvent, and is safe to repeat: a retried action finds the booking already moved and
does nothing more.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone

from accounts.models import Role
from audit.services import record
from bookings.errors import (
    AlreadyReviewed,
    CapacityFull,
    CategoryNotAllowed,
    InvalidTransition,
    NoActiveBudget,
    NotYourBooking,
    OfferNotBookable,
)
from bookings.models import (
    PLACE_STATUSES,
    Booking,
    BookingEvent,
    BookingStatus,
    PlanGoal,
    PlanItem,
    PlanItemStatus,
    Review,
)
from budgets import services as money
from budgets.errors import NotAllowed
from budgets.models import Budget, BudgetStatus
from ledger import keys
from marketplace.models import Offer, OfferStatus
from outbox.services import enqueue
from providers.models import ProviderStatus

S = BookingStatus


def _lock(booking: Booking) -> Booking:
    return Booking.objects.select_for_update().select_related(
        "budget__programme", "provider", "offer").get(pk=booking.pk)


def _move(booking, actor, to_status, note="", **fields) -> Booking:
    from_status = booking.status
    booking.status = to_status
    for name, value in fields.items():
        setattr(booking, name, value)
    booking.save(update_fields=["status", *fields])
    BookingEvent.objects.create(booking=booking, actor=actor, from_status=from_status,
                                to_status=to_status, note=note)
    return booking


def _is_provider_member(actor, booking) -> bool:
    membership = getattr(actor, "provider_membership", None) if actor else None
    return (actor is not None and actor.role in (Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF)
            and membership is not None and membership.provider_id == booking.provider_id)


def _require_provider(actor, booking):
    if not _is_provider_member(actor, booking):
        raise NotYourBooking()


def _require_jobseeker(actor, booking):
    if actor is None or actor.pk != booking.jobseeker_id:
        raise NotYourBooking()


def _require_commissioner_manager(actor, booking):
    if (actor is None or actor.role != Role.COMMISSIONER_MANAGER
            or actor.commissioner_id != booking.budget.programme.commissioner_id):
        raise NotAllowed("Only a manager of the programme's commissioner can resolve this.")


def _check(booking, *allowed):
    if booking.status not in allowed:
        raise InvalidTransition(
            f"This booking is {booking.get_status_display().lower()}, so that cannot be done now.")


def active_budget_for(jobseeker) -> Budget | None:
    """The budget a jobseeker spends from: their newest active, unexpired one."""
    return (Budget.objects.select_related("programme")
            .filter(jobseeker=jobseeker, status=BudgetStatus.ACTIVE,
                    expires_on__gte=timezone.localdate())
            .order_by("-issued_at").first())


def request_booking(*, jobseeker, offer: Offer, request_token: str, message: str = "") -> Booking:
    """A jobseeker books an offer: budget available → committed. The same request_token
    (one per form shown) returns the first booking instead of making a second."""
    if jobseeker.role != Role.JOBSEEKER:
        raise NotAllowed("Only jobseekers can book support with a budget.")
    earlier = Booking.objects.filter(jobseeker=jobseeker, request_token=request_token).first()
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            # Locking the offer serialises bookings of it, so capacity holds under load.
            offer = Offer.objects.select_for_update().select_related("provider").get(pk=offer.pk)
            earlier = Booking.objects.filter(jobseeker=jobseeker,
                                             request_token=request_token).first()
            if earlier is not None:
                return earlier
            if offer.status != OfferStatus.APPROVED or \
                    offer.provider.status != ProviderStatus.APPROVED:
                raise OfferNotBookable()
            budget = active_budget_for(jobseeker)
            if budget is None:
                raise NoActiveBudget()
            if not budget.programme.allows_category(offer.category):
                raise CategoryNotAllowed(
                    f"Your budget from {budget.programme.name} cannot be spent on "
                    f"{offer.get_category_display().lower()}.")
            if offer.capacity is not None:
                taken = offer.bookings.filter(status__in=PLACE_STATUSES).count()
                if taken >= offer.capacity:
                    raise CapacityFull()
            booking = Booking.objects.create(
                offer=offer, provider=offer.provider, budget=budget, jobseeker=jobseeker,
                price=offer.price, request_token=request_token, message=message)
            BookingEvent.objects.create(booking=booking, actor=jobseeker, to_status=S.REQUESTED)
            money.commit_for_booking(actor=jobseeker, budget=budget, amount=offer.price,
                                     booking_id=booking.pk, key=keys.booking_commit(booking.pk))
    except IntegrityError:
        # The same request arrived twice at once; the first one made the booking.
        return Booking.objects.get(jobseeker=jobseeker, request_token=request_token)
    return booking


def accept_booking(*, actor, booking: Booking) -> Booking:
    """The provider accepts a request. Repeating it does nothing more."""
    with transaction.atomic():
        booking = _lock(booking)
        _require_provider(actor, booking)
        if booking.status == S.ACCEPTED:
            return booking
        _check(booking, S.REQUESTED)
        return _move(booking, actor, S.ACCEPTED, accepted_at=timezone.now())


def _release(booking, actor, to_status, note, **fields) -> Booking:
    money.release_commitment(actor=actor, budget=booking.budget, amount=booking.price,
                             booking_id=booking.pk, key=keys.booking_release(booking.pk),
                             reason=to_status)
    return _move(booking, actor, to_status, note, closed_at=timezone.now(), **fields)


def decline_booking(*, actor, booking: Booking, reason: str) -> Booking:
    """The provider declines a request with a reason: committed → available."""
    if not reason.strip():
        raise InvalidTransition("Give the jobseeker a reason for declining.")
    with transaction.atomic():
        booking = _lock(booking)
        _require_provider(actor, booking)
        if booking.status == S.DECLINED:
            return booking
        _check(booking, S.REQUESTED)
        return _release(booking, actor, S.DECLINED, reason, decline_reason=reason)


def cancel_booking(*, actor, booking: Booking, reason: str = "") -> Booking:
    """The jobseeker cancels before delivery: committed → available."""
    with transaction.atomic():
        booking = _lock(booking)
        _require_jobseeker(actor, booking)
        if booking.status == S.CANCELLED:
            return booking
        _check(booking, S.REQUESTED, S.ACCEPTED)
        return _release(booking, actor, S.CANCELLED, reason, cancel_reason=reason)


def mark_delivered(*, actor, booking: Booking) -> Booking:
    """The provider says the support was delivered; the jobseeker confirms (or, unless they
    dispute, it confirms itself after DELIVERY_AUTO_CONFIRM_DAYS)."""
    with transaction.atomic():
        booking = _lock(booking)
        _require_provider(actor, booking)
        if booking.status == S.DELIVERED:
            return booking
        _check(booking, S.ACCEPTED)
        return _move(booking, actor, S.DELIVERED, delivered_at=timezone.now())


def _settle(booking, actor, note="", **fields) -> Booking:
    money.settle_delivery(actor=actor, budget=booking.budget, provider=booking.provider,
                          amount=booking.price, booking_id=booking.pk,
                          key=keys.booking_settle(booking.pk))
    now = timezone.now()
    booking = _move(booking, actor, S.CONFIRMED, note, confirmed_at=now, closed_at=now, **fields)
    # People served changed: the provider's published record follows, after the commit.
    enqueue("outcomes.tasks.refresh_provider_standings", [booking.provider_id])
    return booking


def confirm_delivery(*, actor, booking: Booking) -> Booking:
    """The jobseeker confirms delivery: committed → provider payable (upfront share) and
    the booking's escrow (outcome share). ``actor=None`` is the automatic confirmation."""
    with transaction.atomic():
        booking = _lock(booking)
        if actor is not None:
            _require_jobseeker(actor, booking)
        if booking.status == S.CONFIRMED:
            return booking
        _check(booking, S.DELIVERED)
        return _settle(booking, actor, "" if actor else "Confirmed automatically",
                       auto_confirmed=actor is None)


def dispute_delivery(*, actor, booking: Booking, reason: str) -> Booking:
    """The jobseeker says it was not delivered as promised; a commissioner decides."""
    if not reason.strip():
        raise InvalidTransition("Tell us what went wrong.")
    with transaction.atomic():
        booking = _lock(booking)
        _require_jobseeker(actor, booking)
        if booking.status == S.DISPUTED:
            return booking
        _check(booking, S.DELIVERED)
        return _move(booking, actor, S.DISPUTED, reason, dispute_reason=reason)


def resolve_dispute(*, actor, booking: Booking, settle: bool, note: str) -> Booking:
    """A commissioner manager settles the booking (pay the provider) or refunds the budget."""
    with transaction.atomic():
        booking = _lock(booking)
        _require_commissioner_manager(actor, booking)
        if booking.status in (S.CONFIRMED, S.REFUNDED):
            return booking
        _check(booking, S.DISPUTED)
        if settle:
            booking = _settle(booking, actor, note, resolution_note=note)
        else:
            booking = _release(booking, actor, S.REFUNDED, note, resolution_note=note)
        record(actor=actor, action="booking.dispute_resolved", obj=booking,
               summary=f"Dispute on {booking.reference} {'settled' if settle else 'refunded'}",
               after={"status": booking.status, "note": note})
        return booking


def auto_confirm_due(now=None) -> int:
    """Confirm deliveries nobody disputed within DELIVERY_AUTO_CONFIRM_DAYS."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.DELIVERY_AUTO_CONFIRM_DAYS)
    due = Booking.objects.filter(status=S.DELIVERED, delivered_at__lte=cutoff)
    count = 0
    for booking in due.iterator(chunk_size=500):
        confirm_delivery(actor=None, booking=booking)
        count += 1
    return count


def review_booking(*, actor, booking: Booking, rating: int, text: str = "") -> Review:
    """The jobseeker reviews a delivered booking once (1–5 and words)."""
    booking = Booking.objects.select_related("provider").get(pk=booking.pk)
    _require_jobseeker(actor, booking)
    if booking.status not in (S.DELIVERED, S.CONFIRMED, S.DISPUTED):
        raise InvalidTransition("You can review a booking once it has been delivered.")
    if not 1 <= int(rating) <= 5:
        raise InvalidTransition("Choose a rating from 1 to 5.")
    try:
        with transaction.atomic():
            review = Review.objects.create(booking=booking, provider=booking.provider,
                                           rating=int(rating), text=text)
    except IntegrityError as error:
        raise AlreadyReviewed() from error
    _refresh_rating(booking.provider)
    return review


def _refresh_rating(provider) -> None:
    figures = Review.objects.filter(provider=provider).aggregate(avg=Avg("rating"),
                                                                 n=Count("id"))
    from marketplace.services import refresh_provider_standing

    average = Decimal(str(round(figures["avg"], 2))) if figures["avg"] is not None else None
    refresh_provider_standing(provider=provider, rating_average=average,
                              rating_count=figures["n"])


def flag_open_bookings(*, provider, reason: str) -> int:
    """Mark a suspended provider's open bookings so jobseekers and commissioners see it."""
    return Booking.objects.filter(provider=provider, status__in=(
        S.REQUESTED, S.ACCEPTED, S.DELIVERED, S.DISPUTED)).update(
        flagged=True, flag_reason=reason[:300])


# --- The back-to-work plan -------------------------------------------------------


def add_goal(*, jobseeker, text: str, target_date=None) -> PlanGoal:
    if jobseeker.role != Role.JOBSEEKER:
        raise NotAllowed("Only jobseekers keep a plan.")
    return PlanGoal.objects.create(jobseeker=jobseeker, text=text.strip(),
                                   target_date=target_date)


def set_goal_done(*, jobseeker, goal: PlanGoal, done: bool) -> PlanGoal:
    if goal.jobseeker_id != jobseeker.pk:
        raise NotAllowed("This goal is not yours.")
    goal.done = done
    goal.save(update_fields=["done"])
    return goal


def add_offer_to_plan(*, jobseeker, offer: Offer) -> PlanItem:
    if jobseeker.role != Role.JOBSEEKER:
        raise NotAllowed("Only jobseekers keep a plan.")
    item, _ = PlanItem.objects.update_or_create(
        jobseeker=jobseeker, offer=offer,
        defaults={"status": PlanItemStatus.ACCEPTED, "decided_at": timezone.now()})
    return item


def suggest_offer(*, adviser, jobseeker, offer: Offer, note: str = "") -> PlanItem:
    """An adviser suggests an offer; it joins the plan only if the jobseeker accepts."""
    profile = getattr(jobseeker, "jobseeker_profile", None)
    if adviser.role != Role.ADVISER or profile is None or profile.adviser_id != adviser.pk:
        raise NotAllowed("You can only suggest offers to people on your caseload.")
    item, created = PlanItem.objects.get_or_create(
        jobseeker=jobseeker, offer=offer,
        defaults={"status": PlanItemStatus.SUGGESTED, "note": note, "suggested_by": adviser})
    if created:
        record(actor=adviser, action="plan.offer_suggested", obj=item,
               summary=f"Suggested offer {offer.pk} to a jobseeker", after={"note": note})
    return item


def decide_suggestion(*, jobseeker, item: PlanItem, accept: bool) -> PlanItem:
    """No decisions about me without me: only the jobseeker accepts or declines."""
    if item.jobseeker_id != jobseeker.pk:
        raise NotAllowed("This suggestion is not yours.")
    if item.status != PlanItemStatus.SUGGESTED:
        return item
    item.status = PlanItemStatus.ACCEPTED if accept else PlanItemStatus.DECLINED
    item.decided_at = timezone.now()
    item.save(update_fields=["status", "decided_at"])
    return item
