"""Reads for the API: token lists, and the few reads its apps do not offer yet.
Balances come from the ledger's running totals; nothing here writes."""

from django.db.models import Count, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from api.models import ApiToken
from api.services import organisation_of
from budgets.models import Budget, Programme
from ledger.models import Account, AccountKind
from payouts.models import PayoutRun


def tokens_of(actor):
    """The tokens of the organisation the actor administers, newest first."""
    provider, commissioner = organisation_of(actor)
    if provider is not None:
        return ApiToken.objects.filter(provider=provider)
    return ApiToken.objects.filter(commissioner=commissioner)


def _balance(kind, **match):
    rows = Account.objects.filter(kind=kind, **{k: OuterRef(v) for k, v in match.items()})
    return Coalesce(Subquery(rows.values("balance")[:1]), Value(0))


def jobseeker_budgets(user):
    """A jobseeker's own budgets with their available and committed balances."""
    return (Budget.objects.filter(jobseeker=user).select_related("programme")
            .annotate(available=_balance(AccountKind.BUDGET_AVAILABLE, budget="pk"),
                      committed=_balance(AccountKind.BUDGET_COMMITTED, budget="pk")))


def commissioner_programmes(commissioner_id):
    """A commissioner's programmes with the money in each pot."""
    return (Programme.objects.filter(commissioner_id=commissioner_id)
            .annotate(pot=_balance(AccountKind.PROGRAMME_POT, programme="pk")))


def programme_budgets(programme):
    return Budget.objects.filter(programme=programme).select_related("invitation")


def commissioner_payout_runs(commissioner_id):
    return (PayoutRun.objects.filter(commissioner_id=commissioner_id)
            .annotate(payout_count=Count("payouts"),
                      payout_total=Coalesce(Sum("payouts__amount"), 0)))


def jobseeker_bookings(user, status: str = ""):
    """A jobseeker's own bookings, with their history (the bookings pages' list)."""
    from bookings.selectors import bookings_for_jobseeker

    bookings = bookings_for_jobseeker(user).prefetch_related("events")
    return bookings.filter(status=status) if status else bookings


def provider_bookings(provider, status: str = ""):
    """The bookings made with a provider, with their history and who booked (whose name
    and contact the serializer shows only as the provider's booking page does)."""
    from bookings.selectors import bookings_for_provider

    bookings = (bookings_for_provider(provider)
                .select_related("jobseeker__jobseeker_profile").prefetch_related("events"))
    return bookings.filter(status=status) if status else bookings
