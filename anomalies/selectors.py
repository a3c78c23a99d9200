"""Reads of anomaly flags for the pages. Everything is scoped to one commissioner."""

from django.core.paginator import Paginator
from django.db.models import Count, Q

from anomalies.models import Flag, FlagStatus, Rule, Scan
from bookings.models import Booking
from outcomes.models import Outcome

PAGE_SIZE = 50


def flags_for(commissioner, *, status: str = "", rule: str = "", page=1):
    """A page of the commissioner's flags, newest first, optionally filtered."""
    flags = Flag.objects.filter(commissioner=commissioner).select_related(
        "provider", "programme", "cleared_by")
    if status:
        flags = flags.filter(status=status)
    if rule:
        flags = flags.filter(rule=rule)
    return Paginator(flags, PAGE_SIZE).get_page(page)


def flag_for(commissioner, pk: int) -> Flag:
    """One of the commissioner's flags; another commissioner's raises Flag.DoesNotExist."""
    return Flag.objects.select_related("provider", "programme", "offer", "cleared_by",
                                       "person").get(pk=pk, commissioner=commissioner)


def flag_evidence(flag: Flag) -> dict:
    """The bookings or outcomes behind a flag, from the flag's commissioner only."""
    kind = flag.details.get("evidence_kind", "booking")
    ids = flag.evidence_ids
    if kind == "outcome":
        rows = (Outcome.objects.filter(pk__in=ids, programme__commissioner=flag.commissioner)
                .select_related("programme", "jobseeker", "reported_by")
                .prefetch_related("milestones").order_by("pk"))
        return {"kind": kind, "outcomes": list(rows)}
    rows = (Booking.objects.filter(pk__in=ids,
                                   budget__programme__commissioner=flag.commissioner)
            .select_related("offer", "provider", "budget__programme", "jobseeker")
            .order_by("requested_at", "pk"))
    return {"kind": kind, "bookings": list(rows)}


def open_counts(commissioner) -> dict:
    """rule → number of open flags, and the total."""
    rows = (Flag.objects.filter(commissioner=commissioner, status=FlagStatus.OPEN)
            .values("rule").annotate(n=Count("id")))
    counts = {row["rule"]: row["n"] for row in rows}
    return {"by_rule": [(Rule(rule).label, counts.get(rule, 0)) for rule in Rule.values],
            "total": sum(counts.values())}


def last_scan(commissioner) -> Scan | None:
    return Scan.objects.filter(commissioner=commissioner).select_related("actor").first()


def status_totals(commissioner) -> dict:
    return Flag.objects.filter(commissioner=commissioner).aggregate(
        open=Count("id", filter=Q(status=FlagStatus.OPEN)),
        cleared=Count("id", filter=Q(status=FlagStatus.CLEARED)))
