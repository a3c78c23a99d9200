"""Outcome pages: report a job, see it, add evidence, verify, earnings, provider records.

Thin: parse, call one service or selector, render. Domain errors become messages or
form errors.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from ledger.errors import MoneyError
from outcomes import selectors, services
from outcomes.errors import BadEvidence
from outcomes.forms import EndForm, EvidenceForm, ReasonForm, ReportOutcomeForm
from outcomes.models import Evidence, Milestone, MilestoneStatus, Outcome
from providers.models import Provider, ProviderStatus

REPORTERS = (Role.JOBSEEKER, Role.ADVISER, Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF)
COMMISSIONER = (Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR)


def _visible_outcome(request, pk) -> Outcome:
    outcome = get_object_or_404(Outcome.objects.select_related("programme", "jobseeker"), pk=pk)
    if not selectors.can_see_outcome(request.user, outcome):
        raise PermissionDenied("This job belongs to someone you do not work with.")
    return outcome


@role_required(*REPORTERS, *COMMISSIONER)
@require_GET
def outcome_list(request):
    return render(request, "outcomes/list.html",
                  {"outcomes": selectors.outcomes_for(request.user)[:200]})


@role_required(*REPORTERS)
def outcome_report(request):
    jobseekers = selectors.reportable_jobseekers(request.user)
    fixed = request.user if request.user.role == Role.JOBSEEKER else None
    data = request.POST.copy() if request.method == "POST" else None
    if data is not None and fixed is not None:
        data["jobseeker"] = str(fixed.pk)
    form = ReportOutcomeForm(data, request.FILES or None, jobseekers=jobseekers,
                             fixed_jobseeker=fixed, initial={"jobseeker": fixed and fixed.pk})
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            outcome = services.report_outcome(
                actor=request.user, jobseeker=values["jobseeker"], employer=values["employer"],
                job_title=values["job_title"], start_date=values["start_date"],
                hours_per_week=values["hours_per_week"], weekly_pay=values["weekly_pay"],
                evidence_file=values.get("evidence"), evidence_kind=values["evidence_kind"])
        except MoneyError as error:
            field = "evidence" if isinstance(error, BadEvidence) else None
            form.add_error(field, str(error))
        else:
            if outcome.counts:
                messages.success(request, "Job reported. The commissioner will verify it.")
            else:
                messages.info(request, outcome.hours_message)
            return redirect("outcome_detail", pk=outcome.pk)
    return render(request, "outcomes/report.html", {"form": form})


@role_required(*REPORTERS, *COMMISSIONER)
@require_GET
def outcome_detail(request, pk):
    outcome = _visible_outcome(request, pk)
    user = request.user
    may_report = services.may_report_for(user, outcome.jobseeker)
    return render(request, "outcomes/detail.html", {
        "outcome": outcome,
        "milestones": outcome.milestones.all(),
        "evidence": outcome.evidence.all(),
        "payments": outcome.milestones.filter(payments__isnull=False).distinct(),
        "may_report": may_report,
        "is_manager": (user.role == Role.COMMISSIONER_MANAGER),
        "evidence_form": EvidenceForm() if may_report else None,
        "end_form": EndForm() if may_report and not outcome.ended_on else None,
        "reason_form": ReasonForm(),
    })


def _back(outcome_pk):
    return redirect("outcome_detail", pk=outcome_pk)


@role_required(*REPORTERS)
@require_POST
def evidence_add(request, pk):
    outcome = _visible_outcome(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        milestone = outcome.milestones.filter(status=MilestoneStatus.DUE).first()
        try:
            services.add_evidence(actor=request.user, outcome=outcome,
                                  file=form.cleaned_data["file"], kind=form.cleaned_data["kind"],
                                  milestone=milestone)
        except MoneyError as error:
            form.add_error("file", str(error))
        else:
            messages.success(request, "Evidence added.")
            return _back(pk)
    return render(request, "outcomes/evidence_form.html", {"outcome": outcome, "form": form},
                  status=400)


@role_required(*REPORTERS, *COMMISSIONER)
@require_GET
def evidence_download(request, pk):
    """Only people who may see the job get the file; always as a download, never
    rendered by the browser."""
    evidence = get_object_or_404(Evidence.objects.select_related("outcome__programme"), pk=pk)
    if not selectors.evidence_visible_to(request.user, evidence):
        raise PermissionDenied("This evidence belongs to someone you do not work with.")
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The file is no longer stored.") from missing
    response = FileResponse(handle, as_attachment=True,
                            filename=f"evidence-{evidence.pk}{evidence.extension}",
                            content_type=evidence.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*REPORTERS)
@require_POST
def outcome_end(request, pk):
    outcome = _visible_outcome(request, pk)
    form = EndForm(request.POST)
    if form.is_valid():
        try:
            services.report_job_end(actor=request.user, outcome=outcome,
                                    ended_on=form.cleaned_data["ended_on"])
        except MoneyError as error:
            form.add_error("ended_on", str(error))
        else:
            messages.success(request, "Thank you. We have recorded that the job ended.")
            return _back(pk)
    return render(request, "outcomes/end_form.html", {"outcome": outcome, "form": form},
                  status=400)


@role_required(Role.COMMISSIONER_MANAGER)
@require_POST
def outcome_decide(request, pk, decision):
    outcome = _visible_outcome(request, pk)
    try:
        if decision == "verify":
            services.verify_outcome(actor=request.user, outcome=outcome)
            messages.success(request, "Job verified.")
        else:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Give a reason for rejecting the job.")
                return _back(pk)
            services.reject_outcome(actor=request.user, outcome=outcome,
                                    reason=form.cleaned_data["reason"])
            messages.success(request, "Job rejected.")
    except MoneyError as error:
        messages.error(request, str(error))
    return _back(pk)


@role_required(Role.COMMISSIONER_MANAGER)
@require_POST
def milestone_decide(request, pk, decision):
    milestone = get_object_or_404(Milestone.objects.select_related("outcome__programme"),
                                  pk=pk)
    _visible_outcome(request, milestone.outcome_id)
    try:
        if decision == "verify":
            services.verify_milestone(actor=request.user, milestone=milestone)
            messages.success(request, f"{milestone.label} verified and paid.")
        else:
            form = ReasonForm(request.POST)
            if not form.is_valid():
                messages.error(request, "Give a reason for rejecting the milestone.")
                return _back(milestone.outcome_id)
            services.reject_milestone(actor=request.user, milestone=milestone,
                                      reason=form.cleaned_data["reason"])
            messages.success(request, f"{milestone.label} rejected.")
    except MoneyError as error:
        messages.error(request, str(error))
    return _back(milestone.outcome_id)


@role_required(Role.JOBSEEKER)
@require_POST
def milestone_confirm(request, pk):
    milestone = get_object_or_404(Milestone, pk=pk, outcome__jobseeker=request.user)
    services.confirm_still_in_work(actor=request.user, milestone=milestone)
    messages.success(request, "Thank you for confirming you are still in work.")
    return redirect("jobseeker_home")


@role_required(*COMMISSIONER)
@require_GET
def verification_queue(request):
    outcomes, milestones = selectors.verification_queue(request.user.commissioner_id)
    return render(request, "outcomes/queue.html", {
        "outcomes": outcomes, "milestones": milestones,
        "owed": selectors.owed_bonuses(request.user.commissioner_id)})


@role_required(Role.PROVIDER_ADMIN, Role.PROVIDER_STAFF)
@require_GET
def provider_earnings(request):
    provider = request.user.provider_membership.provider
    return render(request, "outcomes/earnings.html", {
        "provider": provider, "earnings": selectors.provider_earnings(provider)})


@require_GET
def provider_public(request, pk):
    """Anyone may see an approved provider's published outcome record."""
    provider = get_object_or_404(Provider, pk=pk, status=ProviderStatus.APPROVED)
    return render(request, "outcomes/provider_public.html", {"provider": provider})
