"""Pages for booking support, answering bookings, resolving disputes and keeping a plan."""

import secrets

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.models import JobseekerProfile, Role, SupportTier
from accounts.permissions import role_required
from bookings import selectors, services
from bookings.forms import (
    BookingRequestForm,
    DisputeForm,
    GoalForm,
    ReasonForm,
    ResolveForm,
    ReviewForm,
    SuggestForm,
)
from bookings.models import Booking, PlanGoal, PlanItem
from ledger.accounts import available_account
from ledger.errors import MoneyError
from ledger.models import Account
from marketplace.models import Offer

PROVIDER_ROLES = (Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF)
COMMISSIONER_ROLES = (Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR)


def _available(budget) -> int:
    return Account.objects.get(pk=available_account(budget).pk).balance


# --- Jobseeker ----------------------------------------------------------------------


@role_required(Role.JOBSEEKER)
def book_offer(request, offer_id):
    offer = get_object_or_404(Offer.objects.select_related("provider"), pk=offer_id)
    budget = services.active_budget_for(request.user)
    available = _available(budget) if budget else 0
    if request.method == "POST":
        form = BookingRequestForm(request.POST)
        if form.is_valid():
            try:
                booking = services.request_booking(
                    jobseeker=request.user, offer=offer,
                    request_token=form.cleaned_data["request_token"],
                    message=form.cleaned_data["message"])
            except MoneyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Booking requested. {offer.provider.name} will "
                                          "accept or decline it.")
                return redirect("jobseeker_booking", booking.pk)
    else:
        form = BookingRequestForm(initial={"request_token": secrets.token_urlsafe(16)})
    return render(request, "bookings/book.html", {
        "offer": offer, "form": form, "budget": budget, "available": available,
        "left_after": available - offer.price,
    })


@role_required(Role.JOBSEEKER)
def jobseeker_bookings(request):
    return render(request, "bookings/jobseeker_list.html",
                  {"bookings": selectors.bookings_for_jobseeker(request.user)})


@role_required(Role.JOBSEEKER)
def jobseeker_booking(request, booking_id):
    booking = get_object_or_404(selectors.bookings_for_jobseeker(request.user), pk=booking_id)
    forms = {"cancel": ReasonForm(prefix="cancel"), "dispute": DisputeForm(prefix="dispute"),
             "review": ReviewForm(prefix="review")}
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "confirm":
                services.confirm_delivery(actor=request.user, booking=booking)
                messages.success(request, "Thank you. You confirmed the support was delivered.")
                return redirect("jobseeker_booking", booking.pk)
            if action == "cancel":
                services.cancel_booking(actor=request.user, booking=booking,
                                        reason=request.POST.get("cancel-reason", ""))
                messages.success(request, "Booking cancelled. The money is back in your budget.")
                return redirect("jobseeker_booking", booking.pk)
            if action == "dispute":
                forms["dispute"] = DisputeForm(request.POST, prefix="dispute")
                if forms["dispute"].is_valid():
                    services.dispute_delivery(actor=request.user, booking=booking,
                                              reason=forms["dispute"].cleaned_data["reason"])
                    messages.success(request, "We have told the council. Someone will look at "
                                              "it and decide.")
                    return redirect("jobseeker_booking", booking.pk)
            if action == "review":
                forms["review"] = ReviewForm(request.POST, prefix="review")
                if forms["review"].is_valid():
                    services.review_booking(actor=request.user, booking=booking,
                                            rating=forms["review"].cleaned_data["rating"],
                                            text=forms["review"].cleaned_data["text"])
                    messages.success(request, "Thank you for your review.")
                    return redirect("jobseeker_booking", booking.pk)
        except MoneyError as error:
            messages.error(request, str(error))
            return redirect("jobseeker_booking", booking.pk)
    return render(request, "bookings/jobseeker_detail.html", {
        "booking": booking, "events": booking.events.all(), "forms": forms,
        "reviewed": hasattr(booking, "review"),
    })


@role_required(Role.JOBSEEKER)
def my_plan(request):
    goal_form = GoalForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "goal":
                goal_form = GoalForm(request.POST)
                if goal_form.is_valid():
                    services.add_goal(jobseeker=request.user, **goal_form.cleaned_data)
                    messages.success(request, "Goal added to your plan.")
                    return redirect("my_plan")
            elif action in ("done", "undone"):
                goal = get_object_or_404(PlanGoal, pk=request.POST.get("goal"),
                                         jobseeker=request.user)
                services.set_goal_done(jobseeker=request.user, goal=goal, done=action == "done")
                return redirect("my_plan")
            elif action in ("accept", "decline"):
                item = get_object_or_404(PlanItem, pk=request.POST.get("item"),
                                         jobseeker=request.user)
                services.decide_suggestion(jobseeker=request.user, item=item,
                                           accept=action == "accept")
                messages.success(request, "Added to your plan." if action == "accept"
                                 else "Suggestion declined.")
                return redirect("my_plan")
            elif action == "add_offer":
                offer = get_object_or_404(Offer, pk=request.POST.get("offer"))
                services.add_offer_to_plan(jobseeker=request.user, offer=offer)
                messages.success(request, f"{offer.title} is in your plan.")
                return redirect("my_plan")
        except MoneyError as error:
            messages.error(request, str(error))
    return render(request, "bookings/plan.html",
                  {"plan": selectors.plan_for(request.user), "goal_form": goal_form})


# --- Provider -----------------------------------------------------------------------


def _provider(user):
    membership = getattr(user, "provider_membership", None)
    if membership is None:
        raise Http404("You are not a member of a provider.")
    return membership.provider


@role_required(*PROVIDER_ROLES)
def provider_bookings(request):
    provider = _provider(request.user)
    bookings = selectors.bookings_for_provider(provider)
    return render(request, "bookings/provider_list.html", {
        "bookings": bookings, "provider": provider,
        "counts": selectors.provider_inbox_counts(provider),
    })


@role_required(*PROVIDER_ROLES)
def provider_booking(request, booking_id):
    provider = _provider(request.user)
    booking = get_object_or_404(selectors.bookings_for_provider(provider), pk=booking_id)
    decline_form = ReasonForm(prefix="decline")
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "accept":
                services.accept_booking(actor=request.user, booking=booking)
                messages.success(request, "Booking accepted. You can now see the person's "
                                          "contact details.")
                return redirect("provider_booking", booking.pk)
            if action == "deliver":
                services.mark_delivered(actor=request.user, booking=booking)
                messages.success(request, "Marked as delivered. The jobseeker will be asked "
                                          "to confirm.")
                return redirect("provider_booking", booking.pk)
            if action == "decline":
                decline_form = ReasonForm(request.POST, prefix="decline")
                if decline_form.is_valid():
                    services.decline_booking(actor=request.user, booking=booking,
                                             reason=decline_form.cleaned_data["reason"])
                    messages.success(request, "Booking declined. The money is back in the "
                                              "jobseeker's budget.")
                    return redirect("provider_booking", booking.pk)
        except MoneyError as error:
            messages.error(request, str(error))
            return redirect("provider_booking", booking.pk)
    booking.refresh_from_db()
    return render(request, "bookings/provider_detail.html", {
        "booking": booking, "decline_form": decline_form,
        "show_identity": selectors.shows_jobseeker_identity(booking),
        "profile": JobseekerProfile.objects.filter(user=booking.jobseeker).first(),
    })


# --- Commissioner -------------------------------------------------------------------


@role_required(*COMMISSIONER_ROLES)
def disputes(request):
    commissioner = request.user.commissioner
    return render(request, "bookings/disputes.html", {
        "bookings": selectors.disputes_for_commissioner(commissioner),
        "flagged": selectors.flagged_bookings_for_commissioner(commissioner),
    })


@role_required(*COMMISSIONER_ROLES)
def dispute(request, booking_id):
    booking = get_object_or_404(
        Booking.objects.select_related("offer", "provider", "budget__programme"),
        pk=booking_id, budget__programme__commissioner=request.user.commissioner)
    form = ResolveForm()
    if request.method == "POST":
        if request.user.role != Role.COMMISSIONER_MANAGER:
            from accounts.permissions import WrongRole

            raise WrongRole(request.user, [Role.COMMISSIONER_MANAGER])
        form = ResolveForm(request.POST)
        if form.is_valid():
            try:
                services.resolve_dispute(actor=request.user, booking=booking,
                                         settle=form.cleaned_data["decision"] == "settle",
                                         note=form.cleaned_data["note"])
            except MoneyError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "Dispute resolved.")
                return redirect("disputes")
    return render(request, "bookings/dispute.html", {"booking": booking, "form": form,
                                                     "events": booking.events.all()})


# --- Adviser ------------------------------------------------------------------------


@role_required(Role.ADVISER)
def caseload_person(request, user_id):
    profile = get_object_or_404(JobseekerProfile.objects.select_related("user"),
                                user_id=user_id, adviser=request.user)
    form = SuggestForm()
    if request.method == "POST":
        form = SuggestForm(request.POST)
        if form.is_valid():
            offer = Offer.objects.filter(pk=form.cleaned_data["offer"]).first()
            if offer is None or not offer.is_listed:
                form.add_error("offer", "There is no offer with that number in search.")
            else:
                try:
                    services.suggest_offer(adviser=request.user, jobseeker=profile.user,
                                           offer=offer, note=form.cleaned_data["note"])
                except MoneyError as error:
                    form.add_error(None, str(error))
                else:
                    messages.success(request, f"Suggested {offer.title}. "
                                              f"{profile.user.display_name} will decide.")
                    return redirect("caseload_person", profile.user_id)
    return render(request, "bookings/caseload_person.html", {
        "profile": profile, "form": form, "plan": selectors.plan_for(profile.user),
        "tiers": SupportTier.choices,
        "bookings": selectors.bookings_for_jobseeker(profile.user),
    })


@require_POST
@role_required(Role.ADVISER)
def record_assessment(request, user_id):
    from accounts.services import record_assessment as record

    profile = get_object_or_404(JobseekerProfile, user_id=user_id, adviser=request.user)
    try:
        record(adviser=request.user, profile=profile,
               support_tier=int(request.POST.get("support_tier", "0")),
               assessment=request.POST.get("assessment", ""))
    except (MoneyError, ValueError) as error:
        messages.error(request, str(error) or "Choose a support tier.")
    else:
        messages.success(request, "Assessment saved.")
    return redirect("caseload_person", user_id)
