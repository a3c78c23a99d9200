"""Anomaly flag pages: thin views that parse, call one service or selector, and render.

Managers and auditors read their own commissioner's flags; only managers run the checks
and clear flags (an auditor's POST is refused with 403). Another commissioner's flag is
a 404: its existence is not revealed.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from anomalies import selectors, services
from anomalies.errors import FlagError
from anomalies.forms import ClearFlagForm, FlagFilterForm
from anomalies.models import Flag
from budgets.errors import NotAllowed

COMMISSIONER = (Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR)


def _flag(request, pk) -> Flag:
    try:
        return selectors.flag_for(request.user.commissioner, pk)
    except Flag.DoesNotExist as error:
        raise Http404("No such flag.") from error


@require_GET
@role_required(*COMMISSIONER)
def flag_list(request):
    commissioner = request.user.commissioner
    form = FlagFilterForm(request.GET or None)
    status = rule = ""
    if form.is_valid():
        status, rule = form.cleaned_data["status"], form.cleaned_data["rule"]
    query = "&".join(f"{k}={v}" for k, v in (("status", status), ("rule", rule)) if v)
    return render(request, "anomalies/flag_list.html", {
        "commissioner": commissioner, "form": form, "filtered": bool(status or rule),
        "flags": selectors.flags_for(commissioner, status=status, rule=rule,
                                     page=request.GET.get("page", 1)),
        "page_query": query, "counts": selectors.open_counts(commissioner),
        "totals": selectors.status_totals(commissioner),
        "last_scan": selectors.last_scan(commissioner),
    })


@require_POST
@role_required(Role.COMMISSIONER_MANAGER)
def run_checks(request):
    try:
        scan = services.run_checks(commissioner=request.user.commissioner, actor=request.user)
    except NotAllowed as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Checks run: {scan.raised} new flag{'s' * (scan.raised != 1)}"
                                  f", {scan.reopened} reopened.")
    return redirect("anomaly_flags")


def _detail(request, flag, form):
    return render(request, "anomalies/flag_detail.html", {
        "flag": flag, "form": form, "evidence": selectors.flag_evidence(flag),
    })


@require_GET
@role_required(*COMMISSIONER)
def flag_detail(request, pk):
    flag = _flag(request, pk)
    return _detail(request, flag, ClearFlagForm())


@require_POST
@role_required(Role.COMMISSIONER_MANAGER)
def clear_flag(request, pk):
    flag = _flag(request, pk)
    form = ClearFlagForm(request.POST)
    if form.is_valid():
        try:
            services.clear_flag(actor=request.user, flag=flag, note=form.cleaned_data["note"])
        except FlagError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Flag {flag.reference} is cleared.")
            return redirect("anomaly_flag", pk=flag.pk)
    return _detail(request, flag, form)
