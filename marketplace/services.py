"""Every write to offers and provider standings. Keyword arguments, one transaction each.

Providers' members write their own provider's offers; commissioner managers approve or
refuse them. Any change to an offer's content sends it back for approval and out of
search. When Elasticsearch is the search backend, the index follows on commit
(``marketplace.tasks``); with the database backend those tasks do nothing.
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from audit.services import record
from marketplace.errors import NotAllowed, NotYourOffer, ReasonRequired, WrongOfferStatus
from marketplace.models import MIN_PEOPLE_FOR_STANDING, Offer, OfferStatus, ProviderStanding

# What a provider may set on an offer; everything else (status, review) is the service's.
OFFER_FIELDS = (
    "title", "what_you_get", "who_it_is_for", "category", "price", "price_covers",
    "delivery_mode", "area", "latitude", "longitude", "capacity", "next_start",
    "start_dates", "accessibility", "languages",
)
# A provider may submit these for approval (again).
SUBMITTABLE = {OfferStatus.DRAFT, OfferStatus.REFUSED, OfferStatus.WITHDRAWN}
STANDING_FIGURES = (
    "people_served", "jobs_started", "in_work_13_weeks", "in_work_26_weeks",
    "sustained_rate_bp", "cost_per_sustained_job", "rating_average", "rating_count",
)


def _provider_of(actor):
    membership = getattr(actor, "provider_membership", None) if actor else None
    if actor is None or actor.role not in (Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF) \
            or membership is None:
        raise NotAllowed("Only a provider's admin or staff can manage its offers.")
    return membership.provider


def _require_own(actor, offer: Offer) -> None:
    if _provider_of(actor).pk != offer.provider_id:
        raise NotYourOffer()


def _require_manager(actor) -> None:
    if actor is None or actor.role != Role.COMMISSIONER_MANAGER:
        raise NotAllowed("Only a commissioner manager can approve or refuse offers.")


def _lock(offer: Offer) -> Offer:
    return Offer.objects.select_for_update().get(pk=offer.pk)


def _sync_index(offer_id: int) -> None:
    from marketplace import tasks

    tasks.enqueue_on_commit(tasks.sync_offer, offer_id)


def create_offer(*, actor, submit: bool = True, **fields) -> Offer:
    """A provider member lists a new offer for their own provider. With ``submit`` it
    waits for approval (pending); without, it stays a draft only the provider sees."""
    provider = _provider_of(actor)
    unknown = set(fields) - set(OFFER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown offer fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        offer = Offer(provider=provider, **fields)
        offer.status = OfferStatus.PENDING if submit else OfferStatus.DRAFT
        offer.full_clean(exclude=["search_vector"])
        offer.save()
        record(actor=actor, action="offer.created", obj=offer,
               summary=f"Offer “{offer.title}” created ({offer.get_status_display().lower()})",
               after={"status": offer.status, "price": offer.price})
    return offer


def update_offer(*, actor, offer: Offer, submit: bool = True, **fields) -> Offer:
    """A provider member changes their own offer. Any change takes it out of search
    and back to approval (pending), or to draft when not submitted."""
    _require_own(actor, offer)
    unknown = set(fields) - set(OFFER_FIELDS)
    if unknown:
        raise TypeError(f"Unknown offer fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = _lock(offer)
        before = {name: getattr(locked, name) for name in fields}
        before["status"] = locked.status
        was_listed = locked.status == OfferStatus.APPROVED
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.status = OfferStatus.PENDING if submit else OfferStatus.DRAFT
        locked.status_reason = ""
        locked.full_clean(exclude=["search_vector"])
        locked.save()
        record(actor=actor, action="offer.changed", obj=locked,
               summary=f"Offer “{locked.title}” changed, now "
                       f"{locked.get_status_display().lower()}",
               before=before, after={**fields, "status": locked.status})
        if was_listed:
            _sync_index(locked.pk)
    return locked


def submit_offer(*, actor, offer: Offer) -> Offer:
    """A provider member sends a draft, refused or withdrawn offer for approval."""
    _require_own(actor, offer)
    with transaction.atomic():
        locked = _lock(offer)
        if locked.status == OfferStatus.PENDING:
            return locked  # a repeated submit has no second effect
        if locked.status not in SUBMITTABLE:
            raise WrongOfferStatus("This offer is already approved. Change it to send it "
                                   "for approval again.")
        before = locked.status
        locked.status = OfferStatus.PENDING
        locked.status_reason = ""
        locked.save(update_fields=["status", "status_reason", "updated_at"])
        record(actor=actor, action="offer.submitted", obj=locked,
               summary=f"Offer “{locked.title}” sent for approval",
               before={"status": before}, after={"status": locked.status})
    return locked


def withdraw_offer(*, actor, offer: Offer) -> Offer:
    """A provider member takes their own offer off the marketplace (and out of search)."""
    _require_own(actor, offer)
    with transaction.atomic():
        locked = _lock(offer)
        if locked.status == OfferStatus.WITHDRAWN:
            return locked
        before = locked.status
        locked.status = OfferStatus.WITHDRAWN
        locked.save(update_fields=["status", "updated_at"])
        record(actor=actor, action="offer.withdrawn", obj=locked,
               summary=f"Offer “{locked.title}” withdrawn",
               before={"status": before}, after={"status": locked.status})
        _sync_index(locked.pk)
    return locked


def approve_offer(*, actor, offer: Offer) -> Offer:
    """A commissioner manager approves a pending offer: it is listed (if its provider is
    approved) and indexed for search."""
    _require_manager(actor)
    with transaction.atomic():
        locked = _lock(offer)
        if locked.status == OfferStatus.APPROVED:
            return locked
        if locked.status != OfferStatus.PENDING:
            raise WrongOfferStatus("Only an offer waiting for approval can be approved.")
        locked.status = OfferStatus.APPROVED
        locked.status_reason = ""
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "reviewed_by", "reviewed_at",
                                   "updated_at"])
        record(actor=actor, action="offer.approved", obj=locked,
               summary=f"Offer “{locked.title}” approved",
               before={"status": OfferStatus.PENDING}, after={"status": locked.status})
        _sync_index(locked.pk)
    return locked


def refuse_offer(*, actor, offer: Offer, reason: str) -> Offer:
    """A commissioner manager refuses a pending offer, with a reason the provider sees."""
    _require_manager(actor)
    reason = (reason or "").strip()
    if not reason:
        raise ReasonRequired()
    with transaction.atomic():
        locked = _lock(offer)
        if locked.status != OfferStatus.PENDING:
            raise WrongOfferStatus("Only an offer waiting for approval can be refused.")
        locked.status = OfferStatus.REFUSED
        locked.status_reason = reason
        locked.reviewed_by = actor
        locked.reviewed_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "reviewed_by", "reviewed_at",
                                   "updated_at"])
        record(actor=actor, action="offer.refused", obj=locked,
               summary=f"Offer “{locked.title}” refused",
               before={"status": OfferStatus.PENDING},
               after={"status": locked.status, "reason": reason})
        _sync_index(locked.pk)
    return locked


def sustained_rate_bp(*, people_served: int, in_work_26_weeks: int) -> int | None:
    """Basis points of people served still in work at 26 weeks; None under the minimum."""
    if people_served < MIN_PEOPLE_FOR_STANDING:
        return None
    return min(10000, round(in_work_26_weeks * 10000 / people_served))


def refresh_provider_standing(*, provider, **figures) -> ProviderStanding:
    """Store a provider's published figures (any of STANDING_FIGURES; the rest are kept).

    Called by the outcomes service (people served, jobs, in work at 13 and 26 weeks,
    cost per sustained job) and the bookings/reviews service (rating average and count)
    whenever they change. ``sustained_rate_bp`` is worked out from the figures unless
    given. Moves no money; the search index follows on commit.
    """
    unknown = set(figures) - set(STANDING_FIGURES)
    if unknown:
        raise TypeError(f"Unknown standing figures: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        standing, _ = ProviderStanding.objects.select_for_update().get_or_create(
            provider=provider
        )
        for name, value in figures.items():
            setattr(standing, name, value)
        if "sustained_rate_bp" not in figures:
            standing.sustained_rate_bp = sustained_rate_bp(
                people_served=standing.people_served,
                in_work_26_weeks=standing.in_work_26_weeks,
            )
        elif standing.people_served < MIN_PEOPLE_FOR_STANDING:
            standing.sustained_rate_bp = None
        standing.save()
        from marketplace import tasks

        tasks.enqueue_on_commit(tasks.sync_provider, provider.pk)
    return standing
