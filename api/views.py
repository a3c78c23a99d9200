"""API endpoints. Thin: parse with a serializer, call one service or selector, render.

Records a person may not see are 404s, exactly as on the pages. Requests that move
money honour an Idempotency-Key (api.idempotency).
"""

import hashlib
import secrets

from django.http import Http404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView, ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api import selectors as api_selectors
from api.exceptions import domain_status
from api.idempotency import HEADER as IDEMPOTENCY_HEADER
from api.idempotency import IDEMPOTENCY_PARAMETER, idempotent
from api.models import ApiToken
from api.permissions import IsCommissionerStaff, IsJobseeker, IsProviderMember, MayClaimBudget
from api.serializers import (
    BookingListParams,
    BookingRequestSerializer,
    BudgetSerializer,
    BulkIssueResultSerializer,
    BulkIssueSerializer,
    ClaimSerializer,
    DeclineSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    FundSerializer,
    GoalDoneSerializer,
    IssueBudgetSerializer,
    IssuedBudgetSerializer,
    IssueResultSerializer,
    JobseekerBookingSerializer,
    MeSerializer,
    MilestoneSerializer,
    OfferSearchParams,
    OfferSearchResultsSerializer,
    OfferSerializer,
    OfferWriteSerializer,
    OptionalReasonSerializer,
    OutcomeSerializer,
    PayoutRunSerializer,
    PlanGoalSerializer,
    PlanItemSerializer,
    PlanOfferAddSerializer,
    PlanSerializer,
    ProgrammeSerializer,
    ProviderBookingSerializer,
    ProviderOfferSerializer,
    ReasonSerializer,
    ReviewOfferSerializer,
    TransferSerializer,
)
from bookings import selectors as booking_selectors
from bookings import services as booking_services
from bookings.models import PlanGoal, PlanItem
from budgets import services as budget_services
from marketplace import selectors as offer_selectors
from marketplace import services as offer_services
from marketplace.search import search_offers
from outcomes import selectors as outcome_selectors
from outcomes import services as outcome_services
from outcomes.models import Milestone, MilestoneStatus, Outcome, OutcomeStatus
from payouts import services as payout_services


def _found(obj):
    if obj is None:
        raise Http404
    return obj


def _provider(request):
    return request.user.provider_membership.provider


def _parse(serializer_class, request, **kwargs):
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Anyone -----------------------------------------------------------------------------


class MeView(APIView):
    """Who is calling: their role and organisation (a token acts for its organisation)."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=MeSerializer, tags=["account"])
    def get(self, request):
        user = request.user
        organisation = None
        membership = getattr(user, "provider_membership", None)
        if membership is not None:
            organisation = {"kind": "provider", "id": membership.provider_id,
                            "name": membership.provider.name}
        elif user.commissioner_id:
            organisation = {"kind": "commissioner", "id": user.commissioner_id,
                            "name": user.commissioner.name}
        data = {"id": user.pk, "display_name": user.display_name, "role": user.role,
                "organisation": organisation, "via_token": isinstance(request.auth, ApiToken)}
        return Response(MeSerializer(data).data)


class OfferSearchView(APIView):
    """Search listed offers with the same filters as the search page. Results are
    ranked, so this list is numbered by page (``page``, ``page_size``), not by cursor."""

    permission_classes = [AllowAny]

    @extend_schema(parameters=[OfferSearchParams], responses=OfferSearchResultsSerializer,
                   tags=["offers"], operation_id="offers_search")
    def get(self, request):
        params = OfferSearchParams(data=request.query_params)
        params.is_valid(raise_exception=True)
        results = search_offers(params.to_query())
        return Response(OfferSearchResultsSerializer(results).data)


class OfferDetailView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=OfferSerializer, tags=["offers"])
    def get(self, request, pk):
        offer = _found(offer_selectors.offer_for_viewer(offer_id=pk, user=request.user))
        return Response(OfferSerializer(offer).data)


# --- Jobseekers ----------------------------------------------------------------------------


class JobseekerBudgetsView(ListAPIView):
    """Your budgets, with what is available to spend and what is committed to bookings."""

    permission_classes = [IsJobseeker]
    serializer_class = BudgetSerializer

    def get_queryset(self):
        return api_selectors.jobseeker_budgets(self.request.user)

    @extend_schema(tags=["jobseeker"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ClaimBudgetView(APIView):
    """Claim the budget an invitation carries (signed-in people only; not for tokens)."""

    permission_classes = [MayClaimBudget]

    @extend_schema(request=ClaimSerializer, responses={201: BudgetSerializer},
                   tags=["jobseeker"])
    def post(self, request):
        data = _parse(ClaimSerializer, request)
        budget = budget_services.claim_invitation(user=request.user,
                                                  code_or_token=data["code"])
        budget = api_selectors.jobseeker_budgets(request.user).get(pk=budget.pk)
        return Response(BudgetSerializer(budget).data, status=status.HTTP_201_CREATED)


# --- Providers: offers -----------------------------------------------------------------------


class ProviderOffersView(ListAPIView):
    """Your provider's offers (any status), and listing a new one."""

    permission_classes = [IsProviderMember]
    serializer_class = ProviderOfferSerializer

    def get_queryset(self):
        return offer_selectors.provider_offers(_provider(self.request))

    @extend_schema(tags=["provider"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=OfferWriteSerializer, responses={201: ProviderOfferSerializer},
                   tags=["provider"])
    def post(self, request):
        data = dict(_parse(OfferWriteSerializer, request))
        submit = data.pop("submit", True)
        offer = offer_services.create_offer(actor=request.user, submit=submit, **data)
        return Response(ProviderOfferSerializer(offer).data, status=status.HTTP_201_CREATED)


class ProviderOfferDetailView(APIView):
    permission_classes = [IsProviderMember]

    def _offer(self, request, pk):
        return _found(offer_selectors.provider_offer(provider=_provider(request), offer_id=pk))

    @extend_schema(responses=ProviderOfferSerializer, tags=["provider"])
    def get(self, request, pk):
        return Response(ProviderOfferSerializer(self._offer(request, pk)).data)

    @extend_schema(request=OfferWriteSerializer, responses=ProviderOfferSerializer,
                   tags=["provider"])
    def patch(self, request, pk):
        offer = self._offer(request, pk)
        serializer = OfferWriteSerializer(offer, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        submit = data.pop("submit", True)
        offer = offer_services.update_offer(actor=request.user, offer=offer, submit=submit,
                                            **data)
        return Response(ProviderOfferSerializer(offer).data)


class ProviderOfferActionView(APIView):
    """Send an offer for approval, or withdraw it from the marketplace."""

    permission_classes = [IsProviderMember]
    action = ""

    @extend_schema(request=None, responses=ProviderOfferSerializer, tags=["provider"])
    def post(self, request, pk):
        offer = _found(offer_selectors.provider_offer(provider=_provider(request), offer_id=pk))
        service = {"submit": offer_services.submit_offer,
                   "withdraw": offer_services.withdraw_offer}[self.action]
        return Response(ProviderOfferSerializer(service(actor=request.user, offer=offer)).data)


# --- Bookings: jobseekers book; providers answer and deliver ----------------------------------


def _status_filter(request) -> str:
    params = BookingListParams(data=request.query_params)
    params.is_valid(raise_exception=True)
    return params.validated_data.get("status", "")


def _request_token(request) -> str:
    """The booking service's one-time token. From the Idempotency-Key when there is one,
    so a retry makes one booking even without the stored response."""
    key = request.headers.get(IDEMPOTENCY_HEADER, "").strip()
    if key:
        return "api-" + hashlib.sha256(key.encode()).hexdigest()[:48]
    return "api-" + secrets.token_hex(16)


def _jobseeker_booking(request, pk):
    return _found(api_selectors.jobseeker_bookings(request.user).filter(pk=pk).first())


def _provider_booking(request, pk):
    return _found(api_selectors.provider_bookings(_provider(request)).filter(pk=pk).first())


class JobseekerBookingsView(ListAPIView):
    """Your bookings, newest first, each with its history; and booking an offer, which
    commits its price in your budget (available → committed) until the provider answers."""

    permission_classes = [IsJobseeker]
    serializer_class = JobseekerBookingSerializer

    def get_queryset(self):
        return api_selectors.jobseeker_bookings(self.request.user,
                                                _status_filter(self.request))

    @extend_schema(parameters=[BookingListParams], tags=["jobseeker"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=BookingRequestSerializer,
                   responses={201: JobseekerBookingSerializer},
                   parameters=[IDEMPOTENCY_PARAMETER], tags=["jobseeker"])
    @idempotent
    def post(self, request):
        data = _parse(BookingRequestSerializer, request, context={"request": request})
        booking = booking_services.request_booking(
            jobseeker=request.user, offer=data["offer"], request_token=_request_token(request),
            message=data["message"])
        return Response(JobseekerBookingSerializer(_jobseeker_booking(request, booking.pk)).data,
                        status=status.HTTP_201_CREATED)


class JobseekerBookingDetailView(APIView):
    permission_classes = [IsJobseeker]

    @extend_schema(responses=JobseekerBookingSerializer, tags=["jobseeker"])
    def get(self, request, pk):
        return Response(JobseekerBookingSerializer(_jobseeker_booking(request, pk)).data)


class JobseekerCancelView(APIView):
    """Cancel a booking before it is delivered: its price goes back to your budget
    (committed → available)."""

    permission_classes = [IsJobseeker]

    @extend_schema(request=OptionalReasonSerializer, responses=JobseekerBookingSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER], tags=["jobseeker"])
    @idempotent
    def post(self, request, pk):
        booking = _jobseeker_booking(request, pk)
        reason = _parse(OptionalReasonSerializer, request)["reason"]
        booking_services.cancel_booking(actor=request.user, booking=booking, reason=reason)
        return Response(JobseekerBookingSerializer(_jobseeker_booking(request, pk)).data)


class JobseekerConfirmView(APIView):
    """Confirm you got the support: the provider is paid its upfront share and the rest
    is held back for job outcomes (committed → provider payable and escrow)."""

    permission_classes = [IsJobseeker]

    @extend_schema(request=None, responses=JobseekerBookingSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER], tags=["jobseeker"])
    @idempotent
    def post(self, request, pk):
        booking = _jobseeker_booking(request, pk)
        booking_services.confirm_delivery(actor=request.user, booking=booking)
        return Response(JobseekerBookingSerializer(_jobseeker_booking(request, pk)).data)


class JobseekerDisputeView(APIView):
    """Say a delivered booking was not what was promised; the council decides. No money
    moves until then."""

    permission_classes = [IsJobseeker]

    @extend_schema(request=ReasonSerializer, responses=JobseekerBookingSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER], tags=["jobseeker"])
    @idempotent
    def post(self, request, pk):
        booking = _jobseeker_booking(request, pk)
        reason = _parse(ReasonSerializer, request)["reason"]
        booking_services.dispute_delivery(actor=request.user, booking=booking, reason=reason)
        return Response(JobseekerBookingSerializer(_jobseeker_booking(request, pk)).data)


class ProviderBookingsView(ListAPIView):
    """Bookings made with your provider, newest first. Who booked shows as a pseudonymous
    reference until you accept; then their name, email and phone, as on the booking page."""

    permission_classes = [IsProviderMember]
    serializer_class = ProviderBookingSerializer

    def get_queryset(self):
        return api_selectors.provider_bookings(_provider(self.request),
                                               _status_filter(self.request))

    @extend_schema(parameters=[BookingListParams], tags=["provider"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ProviderBookingDetailView(APIView):
    permission_classes = [IsProviderMember]

    @extend_schema(responses=ProviderBookingSerializer, tags=["provider"])
    def get(self, request, pk):
        return Response(ProviderBookingSerializer(_provider_booking(request, pk)).data)


class ProviderBookingActionView(APIView):
    """Accept a booking request, or mark an accepted booking delivered (the jobseeker then
    confirms, or it confirms itself after 14 days unless they dispute it, and that pays
    you). Repeating either changes nothing."""

    permission_classes = [IsProviderMember]
    action = ""

    @extend_schema(request=None, responses=ProviderBookingSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER], tags=["provider"])
    @idempotent
    def post(self, request, pk):
        booking = _provider_booking(request, pk)
        service = {"accept": booking_services.accept_booking,
                   "deliver": booking_services.mark_delivered}[self.action]
        service(actor=request.user, booking=booking)
        return Response(ProviderBookingSerializer(_provider_booking(request, pk)).data)


class ProviderDeclineView(APIView):
    """Decline a booking request with a reason the jobseeker sees: the price goes back to
    their budget (committed → available)."""

    permission_classes = [IsProviderMember]

    @extend_schema(request=DeclineSerializer, responses=ProviderBookingSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER], tags=["provider"])
    @idempotent
    def post(self, request, pk):
        booking = _provider_booking(request, pk)
        reason = _parse(DeclineSerializer, request)["reason"]
        booking_services.decline_booking(actor=request.user, booking=booking, reason=reason)
        return Response(ProviderBookingSerializer(_provider_booking(request, pk)).data)


# --- The jobseeker's plan --------------------------------------------------------------------


def _plan_body(user) -> dict:
    return PlanSerializer(booking_selectors.plan_for(user)).data


class JobseekerPlanView(APIView):
    """Your back-to-work plan: your goals, your adviser's suggestions (you accept or
    decline each), and the support in your plan."""

    permission_classes = [IsJobseeker]

    @extend_schema(responses=PlanSerializer, tags=["jobseeker"])
    def get(self, request):
        return Response(_plan_body(request.user))


class PlanGoalsView(APIView):
    permission_classes = [IsJobseeker]

    @extend_schema(request=PlanGoalSerializer, responses={201: PlanGoalSerializer},
                   tags=["jobseeker"])
    def post(self, request):
        data = _parse(PlanGoalSerializer, request)
        goal = booking_services.add_goal(jobseeker=request.user, text=data["text"],
                                         target_date=data.get("target_date"))
        return Response(PlanGoalSerializer(goal).data, status=status.HTTP_201_CREATED)


class PlanGoalDetailView(APIView):
    permission_classes = [IsJobseeker]

    @extend_schema(request=GoalDoneSerializer, responses=PlanGoalSerializer,
                   tags=["jobseeker"])
    def patch(self, request, pk):
        goal = _found(PlanGoal.objects.filter(pk=pk, jobseeker=request.user).first())
        done = _parse(GoalDoneSerializer, request)["done"]
        goal = booking_services.set_goal_done(jobseeker=request.user, goal=goal, done=done)
        return Response(PlanGoalSerializer(goal).data)


class PlanOffersView(APIView):
    """Put a listed offer in your plan yourself."""

    permission_classes = [IsJobseeker]

    @extend_schema(request=PlanOfferAddSerializer, responses={201: PlanItemSerializer},
                   tags=["jobseeker"])
    def post(self, request):
        offer = _parse(PlanOfferAddSerializer, request, context={"request": request})["offer"]
        item = booking_services.add_offer_to_plan(jobseeker=request.user, offer=offer)
        return Response(PlanItemSerializer(item).data, status=status.HTTP_201_CREATED)


class PlanSuggestionDecisionView(APIView):
    """Accept an adviser's suggestion into your plan, or decline it. Only you decide; a
    suggestion already decided stays as it is."""

    permission_classes = [IsJobseeker]
    decision = ""

    @extend_schema(request=None, responses=PlanItemSerializer, tags=["jobseeker"])
    def post(self, request, pk):
        item = _found(PlanItem.objects.select_related("offer__provider", "suggested_by")
                      .filter(pk=pk, jobseeker=request.user).first())
        item = booking_services.decide_suggestion(jobseeker=request.user, item=item,
                                                  accept=self.decision == "accept")
        return Response(PlanItemSerializer(item).data)


# --- Outcomes (providers: evidence; commissioners: verification) --------------------------------


class OutcomesView(ListAPIView):
    """Jobs you may see: for a provider, those of people it delivered support to."""

    permission_classes = [IsProviderMember]
    serializer_class = OutcomeSerializer

    def get_queryset(self):
        return outcome_selectors.outcomes_for(self.request.user).prefetch_related("milestones")

    @extend_schema(tags=["provider"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OutcomeEvidenceView(APIView):
    """Upload a payslip, contract or employer letter for a job (multipart form)."""

    permission_classes = [IsProviderMember]
    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": EvidenceUploadSerializer},
                   responses={201: EvidenceSerializer}, tags=["provider"])
    def post(self, request, pk):
        outcome = _found(outcome_selectors.outcomes_for(request.user).filter(pk=pk).first())
        data = _parse(EvidenceUploadSerializer, request)
        evidence = outcome_services.add_evidence(actor=request.user, outcome=outcome,
                                                 file=data["file"], kind=data["kind"])
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)


# --- Commissioners -----------------------------------------------------------------------------


class CommissionerView(GenericAPIView):
    permission_classes = [IsCommissionerStaff]

    def programmes(self):
        return api_selectors.commissioner_programmes(self.request.user.commissioner_id)

    def programme(self, pk):
        return _found(self.programmes().filter(pk=pk).first())


class ProgrammesView(CommissionerView, ListAPIView):
    """Your commissioner's programmes (with the money in each pot); managers set up new ones."""

    serializer_class = ProgrammeSerializer

    def get_queryset(self):
        return self.programmes()

    @extend_schema(tags=["commissioner"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=ProgrammeSerializer, responses={201: ProgrammeSerializer},
                   tags=["commissioner"])
    def post(self, request):
        data = dict(_parse(ProgrammeSerializer, request))
        programme = budget_services.create_programme(
            actor=request.user, name=data.pop("name"),
            budget_per_person=data.pop("budget_per_person"), **data)
        return Response(ProgrammeSerializer(self.programme(programme.pk)).data,
                        status=status.HTTP_201_CREATED)


class ProgrammeDetailView(CommissionerView):
    @extend_schema(responses=ProgrammeSerializer, tags=["commissioner"])
    def get(self, request, pk):
        return Response(ProgrammeSerializer(self.programme(pk)).data)


FundResult = inline_serializer("FundResult", {
    "transfer": TransferSerializer(), "pot": serializers.IntegerField(help_text="Pence."),
})


class FundProgrammeView(CommissionerView):
    """Put money in a programme's pot (funding → pot). The reference makes a repeat harmless."""

    @extend_schema(request=FundSerializer, responses={201: FundResult},
                   parameters=[IDEMPOTENCY_PARAMETER], tags=["commissioner"])
    @idempotent
    def post(self, request, pk):
        programme = self.programme(pk)
        data = _parse(FundSerializer, request)
        transfer = budget_services.fund_programme(actor=request.user, programme=programme,
                                                  amount=data["amount"],
                                                  reference=data["reference"])
        body = {"transfer": TransferSerializer(transfer).data,
                "pot": self.programme(pk).pot}
        return Response(body, status=status.HTTP_201_CREATED)


class ProgrammeBudgetsView(CommissionerView, ListAPIView):
    """Budgets issued in a programme; managers issue one (pot → budget)."""

    serializer_class = IssuedBudgetSerializer

    def get_queryset(self):
        return api_selectors.programme_budgets(self.programme(self.kwargs["pk"]))

    @extend_schema(tags=["commissioner"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=IssueBudgetSerializer,
                   responses={201: IssueResultSerializer, 200: IssueResultSerializer},
                   parameters=[IDEMPOTENCY_PARAMETER], tags=["commissioner"])
    @idempotent
    def post(self, request, pk):
        programme = self.programme(pk)
        data = _parse(IssueBudgetSerializer, request)
        budget, created = budget_services.issue_budget(actor=request.user, programme=programme,
                                                       **data)
        body = IssueResultSerializer({"budget": budget, "created": created}).data
        return Response(body, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class BulkIssueView(CommissionerView):
    """Issue many budgets at once (like the CSV upload). Each row is issued on its own;
    a reference issued before is not issued again, so a failed request can be resent
    whole. A row the rules refuse stops the request with 409/422 naming it as
    ``budgets[<index from 0>]``, the same way 400 field errors are keyed."""

    @extend_schema(request=BulkIssueSerializer, responses={200: BulkIssueResultSerializer},
                   parameters=[IDEMPOTENCY_PARAMETER], tags=["commissioner"])
    @idempotent
    def post(self, request, pk):
        programme = self.programme(pk)
        rows = _parse(BulkIssueSerializer, request)["budgets"]
        results = []
        for index, row in enumerate(rows):
            try:
                budget, created = budget_services.issue_budget(
                    actor=request.user, programme=programme, **row)
            except Exception as error:
                if domain_status(error) is None:
                    raise
                raise type(error)(
                    f"budgets[{index}] ({row['external_reference']}): {error} The budgets "
                    f"before it were issued; resending them issues nothing twice.") from error
            results.append({"budget": budget, "created": created})
        body = {"issued": sum(r["created"] for r in results),
                "already_issued": sum(not r["created"] for r in results),
                "results": results}
        return Response(BulkIssueResultSerializer(body).data)


class PendingOffersView(CommissionerView, ListAPIView):
    """The offer approvals queue."""

    serializer_class = ReviewOfferSerializer

    def get_queryset(self):
        return offer_selectors.pending_offers()

    @extend_schema(tags=["commissioner"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OfferDecisionView(CommissionerView):
    """Approve an offer, or refuse it with a reason the provider sees."""

    decision = ""

    @extend_schema(request=ReasonSerializer, responses=ReviewOfferSerializer,
                   tags=["commissioner"])
    def post(self, request, pk):
        offer = _found(offer_selectors.offer_for_review(pk))
        if self.decision == "approve":
            offer = offer_services.approve_offer(actor=request.user, offer=offer)
        else:
            reason = _parse(ReasonSerializer, request)["reason"]
            offer = offer_services.refuse_offer(actor=request.user, offer=offer, reason=reason)
        return Response(ReviewOfferSerializer(offer).data)


class VerificationQueueView(CommissionerView, ListAPIView):
    """Jobs reported in your commissioner's programmes, waiting to be verified."""

    serializer_class = OutcomeSerializer

    def get_queryset(self):
        return (Outcome.objects.filter(programme__commissioner_id=self.request.user.commissioner_id)
                .filter(status=OutcomeStatus.REPORTED)
                .select_related("jobseeker").prefetch_related("milestones"))

    @extend_schema(tags=["commissioner"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MilestonesDueView(CommissionerView, ListAPIView):
    """Milestones of verified jobs that are due and waiting to be verified."""

    serializer_class = MilestoneSerializer

    def get_queryset(self):
        return Milestone.objects.filter(
            outcome__programme__commissioner_id=self.request.user.commissioner_id,
            status=MilestoneStatus.DUE, outcome__status=OutcomeStatus.VERIFIED)

    @extend_schema(tags=["commissioner"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OutcomeDecisionView(CommissionerView):
    """Verify a reported job (its start milestone pays at once), or reject it with a reason."""

    decision = ""

    @extend_schema(request=ReasonSerializer, responses=OutcomeSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER], tags=["commissioner"])
    @idempotent
    def post(self, request, pk):
        outcome = _found(Outcome.objects.filter(
            pk=pk, programme__commissioner_id=request.user.commissioner_id).first())
        if self.decision == "verify":
            outcome = outcome_services.verify_outcome(actor=request.user, outcome=outcome)
        else:
            reason = _parse(ReasonSerializer, request)["reason"]
            outcome = outcome_services.reject_outcome(actor=request.user, outcome=outcome,
                                                      reason=reason)
        return Response(OutcomeSerializer(outcome).data)


class MilestoneDecisionView(CommissionerView):
    """Verify a due milestone (its payment is released at once), or reject it."""

    decision = ""

    @extend_schema(request=ReasonSerializer, responses=MilestoneSerializer,
                   parameters=[IDEMPOTENCY_PARAMETER], tags=["commissioner"])
    @idempotent
    def post(self, request, pk):
        milestone = _found(Milestone.objects.select_related("outcome__programme").filter(
            pk=pk, outcome__programme__commissioner_id=request.user.commissioner_id).first())
        if self.decision == "verify":
            milestone = outcome_services.verify_milestone(actor=request.user,
                                                          milestone=milestone)
        else:
            reason = _parse(ReasonSerializer, request)["reason"]
            milestone = outcome_services.reject_milestone(actor=request.user,
                                                          milestone=milestone, reason=reason)
        return Response(MilestoneSerializer(milestone).data)


class PayoutRunsView(CommissionerView, ListAPIView):
    """Payout runs of your commissioner; managers start one (payable → payouts out)."""

    serializer_class = PayoutRunSerializer

    def get_queryset(self):
        return api_selectors.commissioner_payout_runs(self.request.user.commissioner_id)

    @extend_schema(tags=["commissioner"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=None, responses={201: PayoutRunSerializer},
                   parameters=[IDEMPOTENCY_PARAMETER], tags=["commissioner"])
    @idempotent
    def post(self, request):
        run = payout_services.start_payout_run(actor=request.user,
                                               commissioner=request.user.commissioner)
        run = self.get_queryset().get(pk=run.pk)
        return Response(PayoutRunSerializer(run).data, status=status.HTTP_201_CREATED)


class PayoutRunDetailView(CommissionerView):
    @extend_schema(responses=PayoutRunSerializer, tags=["commissioner"])
    def get(self, request, pk):
        run = _found(api_selectors.commissioner_payout_runs(
            request.user.commissioner_id).filter(pk=pk).first())
        return Response(PayoutRunSerializer(run).data)


class NotFoundView(APIView):
    """Any other path under /api/v1/: a JSON 404, never the HTML page."""

    permission_classes = [AllowAny]
    schema = None

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise Http404

