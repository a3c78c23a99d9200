"""Pages for claiming and seeing a budget, and for commissioners' programmes and budgets."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from accounts.models import Role
from accounts.permissions import WrongRole, role_required
from budgets import selectors, services
from budgets.csv_import import import_budgets
from budgets.errors import InvitationNotFound
from budgets.forms import ClaimForm, CsvUploadForm, FundForm, IssueBudgetForm, ProgrammeForm
from budgets.models import Programme
from ledger.errors import MoneyError

COMMISSIONER_ROLES = (Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR)
SESSION_CODE = "onward.claim_code"


# --- Jobseekers ---------------------------------------------------------------------


def claim_invitation(request, token=None):
    """Claim a budget with a typed code, or a token from the invitation link. Anonymous
    people sign up (or in) first; the code waits in their session meanwhile."""
    signed_in = request.user.is_authenticated
    signup = f"{reverse('account_signup')}?next={reverse('claim_invitation')}"
    if token:
        if not signed_in:
            request.session[SESSION_CODE] = token
            return redirect(signup)
        return _claim(request, token, ClaimForm())
    if request.method == "POST":
        form = ClaimForm(request.POST)
        if form.is_valid():
            if not signed_in:
                request.session[SESSION_CODE] = form.cleaned_data["code"]
                return redirect(signup)
            return _claim(request, form.cleaned_data["code"], form)
        return render(request, "budgets/claim.html", {"form": form, "anonymous": not signed_in})
    pending = request.session.get(SESSION_CODE)
    if pending and signed_in:
        return _claim(request, pending, ClaimForm())
    form = ClaimForm(initial={"code": request.GET.get("code", "")})
    return render(request, "budgets/claim.html", {"form": form, "anonymous": not signed_in})


def _claim(request, code, form):
    request.session.pop(SESSION_CODE, None)
    try:
        budget = services.claim_invitation(user=request.user, code_or_token=code)
    except MoneyError as error:
        if form.is_bound and isinstance(error, InvitationNotFound):
            form.add_error("code", str(error))
            claim_error = None
        else:
            claim_error = str(error)
        return render(request, "budgets/claim.html", {"form": form, "claim_error": claim_error})
    messages.success(request, f"Your budget of £{budget.amount / 100:,.2f} is ready to spend.")
    return redirect("my_budget")


@role_required(Role.JOBSEEKER)
def my_budget(request):
    budgets = [
        {"budget": budget, "balances": selectors.budget_balances(budget),
         "history": selectors.budget_history(budget)}
        for budget in selectors.budgets_of(request.user)
    ]
    return render(request, "budgets/my_budget.html", {"budgets": budgets})


# --- Commissioners ------------------------------------------------------------------


def _programme(request, programme_id) -> Programme:
    return get_object_or_404(Programme, pk=programme_id,
                             commissioner=request.user.commissioner)


def _managers_only(request):
    if request.user.role != Role.COMMISSIONER_MANAGER:
        raise WrongRole(request.user, [Role.COMMISSIONER_MANAGER])


@role_required(*COMMISSIONER_ROLES)
def programmes(request):
    items = list(selectors.programmes_for(request.user))
    pots = selectors.pot_balances(items)
    for programme in items:
        programme.pot = pots.get(programme.pk, 0)
    return render(request, "budgets/programmes.html", {"programmes": items})


@role_required(*COMMISSIONER_ROLES)
def programme_detail(request, programme_id):
    programme = _programme(request, programme_id)
    figures = selectors.programmes_for(request.user).get(pk=programme.pk)
    return render(request, "budgets/programme_detail.html", {
        "programme": programme, "figures": figures,
        "pot": selectors.pot_balances([programme]).get(programme.pk, 0),
        "budgets": programme.budgets.select_related("invitation", "jobseeker")[:50],
        "fund_form": FundForm(),
    })


@role_required(*COMMISSIONER_ROLES)
def programme_edit(request, programme_id=None):
    _managers_only(request)
    programme = _programme(request, programme_id) if programme_id else None
    if programme:
        form = ProgrammeForm.for_programme(programme, data=request.POST or None)
    else:
        form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if programme:
                programme = services.update_programme(actor=request.user, programme=programme,
                                                      **form.rules())
            else:
                programme = services.create_programme(actor=request.user, **form.rules())
        except ValidationError as error:
            form.add_rule_errors(error)
        except MoneyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{programme.name} saved.")
            return redirect("programme_detail", programme.pk)
    return render(request, "budgets/programme_form.html", {"form": form,
                                                           "programme": programme})


@role_required(*COMMISSIONER_ROLES)
def fund(request, programme_id):
    _managers_only(request)
    programme = _programme(request, programme_id)
    form = FundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.fund_programme(actor=request.user, programme=programme,
                                    amount=form.cleaned_data["amount"],
                                    reference=form.cleaned_data["reference"])
        except MoneyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Funding added to the programme's pot.")
            return redirect("programme_detail", programme.pk)
    return render(request, "budgets/fund.html", {"form": form, "programme": programme})


@role_required(*COMMISSIONER_ROLES)
def issue_budget(request, programme_id):
    _managers_only(request)
    programme = _programme(request, programme_id)
    form = IssueBudgetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            budget, created = services.issue_budget(
                actor=request.user, programme=programme, external_reference=data["reference"],
                amount=data["amount"], recipient_name=data["name"],
                recipient_email=data["email"], months_unemployed=data["months_unemployed"])
        except MoneyError as error:
            form.add_error(None, str(error))
        else:
            if created:
                services.send_invitation(budget=budget)
                messages.success(request, f"Budget issued to {budget.recipient_name}.")
            else:
                messages.info(request, "A budget with this reference was already issued; "
                                       "nothing new was issued.")
            return redirect("budget_detail", programme.pk, budget.pk)
    return render(request, "budgets/issue.html", {"form": form, "programme": programme})


@role_required(*COMMISSIONER_ROLES)
def budget_detail(request, programme_id, budget_id):
    programme = _programme(request, programme_id)
    budget = get_object_or_404(programme.budgets.select_related("invitation"), pk=budget_id)
    link = request.build_absolute_uri(reverse("claim_by_link", args=[budget.invitation.token]))
    return render(request, "budgets/budget_detail.html", {
        "programme": programme, "budget": budget, "link": link,
        "balances": selectors.budget_balances(budget),
    })


@role_required(*COMMISSIONER_ROLES)
def upload_budgets(request, programme_id):
    _managers_only(request)
    programme = _programme(request, programme_id)
    form = CsvUploadForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = import_budgets(actor=request.user, programme=programme,
                                data=form.cleaned_data["file"].read())
        for _, budget in result.issued:
            services.send_invitation(budget=budget)
    return render(request, "budgets/upload.html", {
        "form": form, "programme": programme, "result": result,
        "site": request.build_absolute_uri("/").rstrip("/"),
    })
