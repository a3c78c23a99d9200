"""Payout pages: thin views that parse, call one service or selector, and render."""

import logging

import stripe
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from ledger.errors import MoneyError
from payouts import selectors, services
from payouts.forms import BankDetailsForm, ReturnedPaymentForm
from payouts.models import BacsFile, Payout, PayoutRun
from payouts.reconciliation import reconcile
from payouts.services import private_storage
from payouts.stripe_gateway import stripe_configured

log = logging.getLogger(__name__)

COMMISSIONER = (Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR)
PROVIDER = (Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF)


def _provider(request):
    membership = getattr(request.user, "provider_membership", None)
    if membership is None:
        raise Http404("You are not a member of a provider yet.")
    return membership.provider


# --- Commissioner -----------------------------------------------------------------------


@require_GET
@role_required(*COMMISSIONER)
def commissioner_payouts(request):
    commissioner = request.user.commissioner
    context = selectors.commissioner_payouts_context(commissioner)
    context.update(commissioner=commissioner, method=services.payout_method())
    return render(request, "payouts/commissioner.html", context)


@require_POST
@role_required(Role.COMMISSIONER_MANAGER)
def start_run(request):
    try:
        run = services.start_payout_run(actor=request.user,
                                        commissioner=request.user.commissioner)
    except MoneyError as error:
        messages.error(request, str(error))
        return redirect("payouts_commissioner")
    count = run.payouts.count()
    messages.success(request, f"Payout run finished: {count} payout{'s' if count != 1 else ''}"
                              f" made{', with problems listed below' if run.problems else ''}.")
    return redirect("payouts_run", pk=run.pk)


@require_GET
@role_required(*COMMISSIONER)
def run_detail(request, pk):
    run = get_object_or_404(PayoutRun, pk=pk, commissioner=request.user.commissioner)
    payouts = run.payouts.select_related("provider").prefetch_related("lines__programme")
    return render(request, "payouts/run.html", {"run": run, "payouts": payouts})


@require_GET
@role_required(*COMMISSIONER)
def download_file(request, pk):
    bacs_file = get_object_or_404(BacsFile, pk=pk, commissioner=request.user.commissioner)
    try:
        handle = private_storage().open(bacs_file.path, "rb")
    except OSError as error:
        raise Http404("The payment file is missing.") from error
    return FileResponse(handle, as_attachment=True, filename=bacs_file.filename,
                        content_type="text/plain; charset=us-ascii")


@require_POST
@role_required(Role.COMMISSIONER_MANAGER)
def mark_file_paid(request, pk):
    bacs_file = get_object_or_404(BacsFile, pk=pk, commissioner=request.user.commissioner)
    try:
        services.mark_file_paid(actor=request.user, bacs_file=bacs_file)
    except MoneyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{bacs_file.filename} is marked as paid.")
    return redirect("payouts_commissioner")


@role_required(Role.COMMISSIONER_MANAGER)
def payout_returned(request, pk):
    payout = get_object_or_404(Payout, pk=pk, commissioner=request.user.commissioner)
    form = ReturnedPaymentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.mark_payout_returned(actor=request.user, payout=payout,
                                          reason=form.cleaned_data["reason"])
        except MoneyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"The payout to {payout.provider} is marked as returned."
                                      " The money is owed to them again.")
            return redirect("payouts_commissioner")
    return render(request, "payouts/returned.html", {"form": form, "payout": payout})


@require_GET
@role_required(*COMMISSIONER)
def reconciliation(request):
    commissioner = request.user.commissioner
    return render(request, "payouts/reconciliation.html",
                  {"mismatches": reconcile(commissioner), "commissioner": commissioner})


# --- Provider ---------------------------------------------------------------------------


@require_GET
@role_required(*PROVIDER)
def provider_payouts(request):
    provider = _provider(request)
    context = selectors.provider_payouts_context(provider)
    context.update(provider=provider, stripe_enabled=stripe_configured())
    return render(request, "payouts/provider.html", context)


@role_required(Role.PROVIDER_ADMIN)
def bank_details(request):
    provider = _provider(request)
    current = getattr(provider, "bank_details", None)
    form = BankDetailsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_bank_details(actor=request.user, provider=provider,
                                       **form.cleaned_data)
        except (MoneyError, ValueError) as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Your bank details are saved.")
            return redirect("payouts_provider")
    return render(request, "payouts/bank_details.html", {"form": form, "current": current})


def _stripe_urls(request) -> dict:
    # SITE_URL, not the request's Host header: Stripe sends people back to our own site.
    return {"refresh_url": settings.SITE_URL + reverse("payouts_stripe_refresh"),
            "return_url": settings.SITE_URL + reverse("payouts_stripe_return")}


def _to_stripe(request):
    try:
        url = services.start_stripe_onboarding(actor=request.user, provider=_provider(request),
                                               **_stripe_urls(request))
    except MoneyError as error:
        messages.error(request, str(error))
        return redirect("payouts_provider")
    return redirect(url)


@require_POST
@role_required(Role.PROVIDER_ADMIN)
def stripe_connect(request):
    return _to_stripe(request)


@require_GET
@role_required(Role.PROVIDER_ADMIN)
def stripe_refresh(request):
    # Stripe sends people here when an onboarding link has expired: make a fresh one.
    return _to_stripe(request)


@require_GET
@role_required(Role.PROVIDER_ADMIN)
def stripe_return(request):
    try:
        account = services.refresh_connected_account(actor=request.user,
                                                     provider=_provider(request))
    except MoneyError as error:
        messages.error(request, str(error))
    else:
        if account is not None and account.payouts_enabled:
            messages.success(request, "Your Stripe account is connected and payouts are on.")
        else:
            messages.info(request, "Stripe has not turned payouts on yet. If you did not "
                                   "finish, connect again to carry on.")
    return redirect("payouts_provider")


# --- Stripe webhook ---------------------------------------------------------------------


@csrf_exempt
@require_POST
def stripe_webhook(request):
    """Stripe calls this. Only a correctly signed, fresh event is stored (once)."""
    try:
        event, created = services.record_stripe_event(
            payload=request.body, signature=request.headers.get("Stripe-Signature"))
    except (ValueError, KeyError, stripe.SignatureVerificationError) as error:
        log.warning("Refused a Stripe webhook: %s", error)
        return HttpResponseBadRequest("Invalid Stripe signature or payload.")
    return HttpResponse("Stored." if created else "Already received.", status=200)
