"""Reads the payout pages, the run and the reconciliation share."""

from collections import defaultdict

from django.db.models import Sum

from ledger.models import Account, AccountKind
from payouts.models import BacsFile, Payout, PayoutRun, PayoutStatus
from providers.models import Provider


def owed_in_commissioner(commissioner) -> list[tuple[Provider, list[tuple[object, int]]]]:
    """Each provider with money owed in the commissioner's programmes, and the split by
    programme: [(provider, [(programme, pence), ...]), ...], providers by name."""
    accounts = (
        Account.objects.filter(kind=AccountKind.PROVIDER_PAYABLE,
                               programme__commissioner=commissioner, balance__gt=0)
        .select_related("provider", "programme")
        .order_by("provider__name", "provider_id", "programme__name", "programme_id")
    )
    owed: dict[int, list] = defaultdict(list)
    providers = {}
    for account in accounts:
        providers[account.provider_id] = account.provider
        owed[account.provider_id].append((account.programme, account.balance))
    return [(providers[pk], owed[pk]) for pk in providers]


def owed_to_provider(provider) -> list[tuple[object, int]]:
    """What the provider is owed now, by programme (before any payout run)."""
    accounts = Account.objects.filter(
        kind=AccountKind.PROVIDER_PAYABLE, provider=provider, balance__gt=0
    ).select_related("programme__commissioner").order_by("programme__name")
    return [(account.programme, account.balance) for account in accounts]


def commissioner_payouts_context(commissioner) -> dict:
    runs = PayoutRun.objects.filter(commissioner=commissioner)[:10]
    payouts = (Payout.objects.filter(commissioner=commissioner)
               .select_related("provider", "run", "bacs_file")
               .prefetch_related("lines__programme")[:50])
    files = BacsFile.objects.filter(commissioner=commissioner)[:10]
    owed = owed_in_commissioner(commissioner)
    return {
        "runs": runs,
        "payouts": payouts,
        "files": files,
        "owed": [(provider, sum(amount for _, amount in split), split)
                 for provider, split in owed],
        "owed_total": sum(amount for _, split in owed for _, amount in split),
    }


def provider_payouts_context(provider) -> dict:
    payouts = (Payout.objects.filter(provider=provider)
               .select_related("commissioner").prefetch_related("lines__programme")[:50])
    paid_total = Payout.objects.filter(provider=provider, status=PayoutStatus.PAID).aggregate(
        total=Sum("amount"))["total"] or 0
    in_progress_total = Payout.objects.filter(
        provider=provider, status__in=[PayoutStatus.PENDING, PayoutStatus.SENT_FOR_PAYMENT]
    ).aggregate(total=Sum("amount"))["total"] or 0
    owed = owed_to_provider(provider)
    return {
        "payouts": payouts,
        "paid_total": paid_total,
        "in_progress_total": in_progress_total,
        "owed": owed,
        "owed_total": sum(amount for _, amount in owed),
        "bank_details": getattr(provider, "bank_details", None),
        "connected_account": getattr(provider, "connected_account", None),
    }
