"""The audit log and ledger verification pages.

The audit log is read-only in the application: there is no route that edits or deletes
an event (the pages answer GET only; the database refuses UPDATE and DELETE). Managers
and auditors read their own commissioner's events. Both may run ledger verification: it
only reads the ledger and appends its result.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Role
from accounts.permissions import role_required
from audit import selectors, services
from audit.forms import AuditFilterForm

COMMISSIONER = (Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR)
FILTERS = ("action", "actor", "date_from", "date_to")


@require_GET
@role_required(*COMMISSIONER)
def audit_log(request):
    commissioner = request.user.commissioner
    form = AuditFilterForm(request.GET or None, actions=selectors.actions_for(commissioner),
                           actors=selectors.actors_for(commissioner))
    filters = {}
    if form.is_bound and form.is_valid():
        filters = {name: form.cleaned_data[name] for name in FILTERS}
    query = urlencode({name: request.GET[name] for name in FILTERS
                       if filters and request.GET.get(name)})
    events = selectors.events_for(commissioner, page=request.GET.get("page", 1),
                                  **{k: v for k, v in filters.items() if v})
    return render(request, "audit/log.html", {
        "commissioner": commissioner, "form": form, "events": events,
        "filtered": any(filters.values()), "page_query": query,
    })


@require_GET
@role_required(*COMMISSIONER)
def ledger_verification(request):
    commissioner = request.user.commissioner
    latest = selectors.latest_ledger_check()
    return render(request, "audit/ledger.html", {
        "commissioner": commissioner, "latest": latest,
        "problems": selectors.problems_for(latest, commissioner) if latest else None,
        "history": selectors.recent_ledger_checks(),
    })


@require_POST
@role_required(*COMMISSIONER)
def run_ledger_verification(request):
    check = services.run_ledger_check(actor=request.user)
    if check.ok:
        messages.success(request, "The ledger is verified: every entry matches its hash and "
                                  "every balance adds up.")
    else:
        messages.error(request, "Ledger verification failed. The problems are listed below.")
    return redirect("ledger_verification")
