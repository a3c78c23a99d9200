"""The payouts panels on the commissioner and provider home pages."""

from django import template
from django.db.models import Sum

from ledger.models import Account, AccountKind
from payouts.models import BacsFile, BankDetails, ConnectedAccount, Payout, PayoutStatus
from payouts.stripe_gateway import stripe_configured

register = template.Library()


@register.inclusion_tag("payouts/panels/commissioner_panel.html", takes_context=True)
def commissioner_payouts_panel(context):
    commissioner = context["request"].user.commissioner
    owed = Account.objects.filter(kind=AccountKind.PROVIDER_PAYABLE,
                                  programme__commissioner=commissioner).aggregate(
        total=Sum("balance"))["total"] or 0
    return {
        "owed_total": owed,
        "files_waiting": BacsFile.objects.filter(commissioner=commissioner,
                                                 paid_at__isnull=True).count(),
    }


@register.inclusion_tag("payouts/panels/provider_panel.html", takes_context=True)
def provider_payouts_panel(context):
    provider = context.get("provider")
    if provider is None:
        return {"owed_total": 0, "paid_total": 0, "needs_setup": ""}
    owed = Account.objects.filter(kind=AccountKind.PROVIDER_PAYABLE, provider=provider
                                  ).aggregate(total=Sum("balance"))["total"] or 0
    paid = Payout.objects.filter(provider=provider, status=PayoutStatus.PAID).aggregate(
        total=Sum("amount"))["total"] or 0
    if stripe_configured():
        ready = ConnectedAccount.objects.filter(provider=provider, payouts_enabled=True).exists()
        needs = "" if ready else "Connect a Stripe account so that you can be paid."
    else:
        ready = BankDetails.objects.filter(provider=provider).exists()
        needs = "" if ready else "Add your bank details so that you can be paid."
    return {"owed_total": owed, "paid_total": paid, "needs_setup": needs}
