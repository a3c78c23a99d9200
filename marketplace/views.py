"""Offer pages: search and the offer page (anyone), a provider's own offers, and the
commissioners' approvals queue. Views parse, call one service or selector, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from marketplace import selectors, services
from marketplace.errors import OfferError
from marketplace.forms import OfferForm, RefuseForm, SearchForm
from marketplace.search import search_offers

PROVIDER_ROLES = (Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF)
REVIEWER_ROLES = (Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR)


# --- Anyone ----------------------------------------------------------------------


@require_GET
def offer_search(request):
    form = SearchForm(request.GET or None)
    if form.is_bound:
        form.is_valid()  # invalid fields are shown and ignored; the rest still filter
    # With JavaScript the page asks for just the results region when a filter changes; a
    # filter it cannot use needs the whole page, so its error shows at the top and by it.
    partial = (request.headers.get("HX-Request") == "true"
               and "HX-History-Restore-Request" not in request.headers)
    if partial and form.errors:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = request.get_full_path()
    else:
        results = search_offers(form.to_query())
        params = request.GET.copy()
        params.pop("page", None)
        response = render(
            request, "marketplace/_search_results.html" if partial else "marketplace/search.html",
            {
                "form": form,
                "results": results,
                "page_query": params.urlencode(),
                "filtered": any(value for key, value in request.GET.items() if key != "page"),
                "partial": partial,
            })
    # The same address answers with the page or its results: caches must keep both apart.
    patch_vary_headers(response, ["HX-Request"])
    return response


def book_url(offer) -> str:
    try:
        return reverse("book_offer", args=[offer.pk])
    except NoReverseMatch:
        return f"/offers/{offer.pk}/book/"


@require_GET
def offer_detail(request, offer_id: int):
    offer = selectors.offer_for_viewer(offer_id=offer_id, user=request.user)
    if offer is None:
        raise Http404("No such offer")
    user = request.user
    can_book = offer.is_listed and (not user.is_authenticated or user.is_jobseeker)
    return render(request, "marketplace/offer_detail.html", {
        "offer": offer,
        "standing": offer.standing,
        "can_book": can_book,
        "book_url": book_url(offer),
    })


# --- Provider members: their own offers ------------------------------------------------


def _own_provider(request):
    membership = getattr(request.user, "provider_membership", None)
    if membership is None:
        raise PermissionDenied("Your account is not linked to a provider yet.")
    return membership.provider


def _own_offer(request, offer_id):
    offer = selectors.provider_offer(provider=_own_provider(request), offer_id=offer_id)
    if offer is None:  # another provider's offer looks exactly like a missing one
        raise Http404("No such offer")
    return offer


@role_required(*PROVIDER_ROLES)
@require_GET
def provider_offers(request):
    provider = _own_provider(request)
    return render(request, "marketplace/provider_offers.html", {
        "provider": provider,
        "offers": selectors.provider_offers(provider),
    })


def _save_offer(request, form, *, offer=None):
    submit = request.POST.get("action") != "draft"
    try:
        if offer is None:
            return services.create_offer(actor=request.user, submit=submit,
                                         **form.offer_fields())
        return services.update_offer(actor=request.user, offer=offer, submit=submit,
                                     **form.offer_fields())
    except ValidationError as error:
        form.add_error(None, error)
    except OfferError as error:
        form.add_error(None, str(error))
    return None


def _saved_message(request, offer):
    if offer.status == "pending":
        messages.success(request, f"“{offer.title}” is waiting for approval. It will "
                                  "appear in search once a commissioner approves it.")
    else:
        messages.success(request, f"“{offer.title}” is saved as a draft.")


@role_required(*PROVIDER_ROLES)
@require_http_methods(["GET", "POST"])
def offer_create(request):
    _own_provider(request)
    form = OfferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        offer = _save_offer(request, form)
        if offer is not None:
            _saved_message(request, offer)
            return redirect("provider_offers")
    return render(request, "marketplace/offer_form.html", {"form": form, "offer": None})


@role_required(*PROVIDER_ROLES)
@require_http_methods(["GET", "POST"])
def offer_edit(request, offer_id: int):
    offer = _own_offer(request, offer_id)
    form = OfferForm(request.POST or None, instance=offer)
    if request.method == "POST" and form.is_valid():
        saved = _save_offer(request, form, offer=selectors.provider_offer(
            provider=offer.provider, offer_id=offer.pk))
        if saved is not None:
            _saved_message(request, saved)
            return redirect("provider_offers")
    return render(request, "marketplace/offer_form.html", {"form": form, "offer": offer})


@role_required(*PROVIDER_ROLES)
@require_POST
def offer_submit(request, offer_id: int):
    offer = _own_offer(request, offer_id)
    try:
        services.submit_offer(actor=request.user, offer=offer)
        messages.success(request, f"“{offer.title}” is waiting for approval.")
    except OfferError as error:
        messages.error(request, str(error))
    return redirect("provider_offers")


@role_required(*PROVIDER_ROLES)
@require_POST
def offer_withdraw(request, offer_id: int):
    offer = _own_offer(request, offer_id)
    try:
        services.withdraw_offer(actor=request.user, offer=offer)
        messages.success(request, f"“{offer.title}” is withdrawn and no longer in search.")
    except OfferError as error:
        messages.error(request, str(error))
    return redirect("provider_offers")


# --- Commissioner staff: the approvals queue ------------------------------------------


@role_required(*REVIEWER_ROLES)
@require_GET
def offer_approvals(request):
    return render(request, "marketplace/approvals.html", {
        "offers": selectors.pending_offers(),
        "can_act": request.user.is_commissioner_manager,
    })


def _review_page(request, offer, refuse_form=None, status=200):
    return render(request, "marketplace/offer_review.html", {
        "offer": offer,
        "standing": offer.standing,
        "can_act": request.user.is_commissioner_manager and offer.status == "pending",
        "refuse_form": refuse_form or RefuseForm(),
    }, status=status)


def _reviewed_offer(offer_id):
    offer = selectors.offer_for_review(offer_id)
    if offer is None:
        raise Http404("No such offer")
    return offer


@role_required(*REVIEWER_ROLES)
@require_GET
def offer_review(request, offer_id: int):
    return _review_page(request, _reviewed_offer(offer_id))


@role_required(Role.COMMISSIONER_MANAGER)
@require_POST
def offer_approve(request, offer_id: int):
    offer = _reviewed_offer(offer_id)
    try:
        services.approve_offer(actor=request.user, offer=offer)
        messages.success(request, f"“{offer.title}” is approved and now appears in search.")
    except OfferError as error:
        messages.error(request, str(error))
        return redirect("offer_review", offer_id=offer.pk)
    return redirect("offer_approvals")


@role_required(Role.COMMISSIONER_MANAGER)
@require_POST
def offer_refuse(request, offer_id: int):
    offer = _reviewed_offer(offer_id)
    form = RefuseForm(request.POST)
    if form.is_valid():
        try:
            services.refuse_offer(actor=request.user, offer=offer,
                                  reason=form.cleaned_data["reason"])
            messages.success(request, f"“{offer.title}” is refused. The provider can see "
                                      "your reason.")
            return redirect("offer_approvals")
        except OfferError as error:
            form.add_error(None, str(error))
    return _review_page(request, offer, refuse_form=form, status=400)
