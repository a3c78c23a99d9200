"""The anomaly rules. Each scans one commissioner's data and returns its findings.

Every rule is a plain function ``rule(commissioner, *, now) -> list[Finding]`` that reads
with a few set-based queries (never one query per booking or outcome) and writes nothing:
``anomalies.services.run_checks`` turns findings into flags. All thresholds live in
``THRESHOLDS`` below; a deployment may override any of them with the
``ANOMALY_THRESHOLDS`` setting (a dict of the same keys).

A flag is a reason for a person to look, never a verdict: each rule says why it matters.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from statistics import median

from django.conf import settings
from django.db.models import (
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
)
from django.utils import timezone

from accounts.models import PROVIDER_ROLES
from anomalies.models import Rule
from bookings.models import Booking, BookingStatus
from budgets.models import BASIS_POINTS
from frontend.templatetags.govuk import format_pence
from ledger.models import AccountKind, Entry, TransferKind
from marketplace.models import Category, Offer, OfferStatus
from outcomes.models import Milestone, Outcome, OutcomeStatus
from providers.models import ProviderMember

THRESHOLDS = {
    # whole_budget: a provider with at least this many bookings that each took the
    # jobseeker's entire remaining budget ...
    "whole_budget_min_bookings": 3,
    # ... making up at least this share (basis points: 5000 = 50 %) of its bookings.
    "whole_budget_min_share_bp": 5000,
    # booking_burst: this many bookings with one provider ...
    "burst_min_bookings": 8,
    # ... requested within this many minutes of the first.
    "burst_window_minutes": 60,
    # unconfirmed_outcome: a provider reported the job at least this many days ago and
    # the jobseeker has confirmed no milestone of it.
    "unconfirmed_after_days": 28,
    # ended_after_last_milestone: the job ended on the last milestone's date or at most
    # this many days after it.
    "ended_within_days": 14,
    # price_above_median: a booking's price is at least this multiple (basis points:
    # 20000 = 2×) of the median price of approved offers in its category ...
    "price_multiple_bp": 20000,
    # ... counted only where the category has at least this many approved offers.
    "price_min_offers": 5,
}

# Bookings that were never more than a request someone turned down.
NOT_TAKEN = (BookingStatus.DECLINED, BookingStatus.CANCELLED)


def threshold(name: str) -> int:
    overrides = getattr(settings, "ANOMALY_THRESHOLDS", None) or {}
    return int(overrides.get(name, THRESHOLDS[name]))


@dataclass
class Finding:
    """What a rule found about one subject. ``evidence_ids`` are the ids (bookings,
    outcomes) behind it: a cleared flag reopens only when a new one appears."""

    rule: str
    subject_key: str
    summary: str
    facts: list[tuple[str, str]]
    evidence_ids: list[int]
    evidence_kind: str  # "booking" or "outcome": what evidence_ids name
    programme_id: int | None = None
    provider_id: int | None = None
    offer_id: int | None = None
    booking_id: int | None = None
    outcome_id: int | None = None
    person_id: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def details(self) -> dict:
        return {"facts": [list(fact) for fact in self.facts],
                "evidence_kind": self.evidence_kind, **self.extra}


def _bookings(commissioner):
    return Booking.objects.filter(budget__programme__commissioner=commissioner).order_by()


def _percent(part: int, whole: int) -> str:
    return f"{part * 100 // whole} %" if whole else "0 %"


# --- The rules ---------------------------------------------------------------------------


def whole_budget(commissioner, *, now) -> list[Finding]:
    """A provider whose bookings often take a jobseeker's entire remaining budget.

    A booking "takes the whole budget" when its commit transfer left the budget's
    available account at exactly 0p. Tripped by at least ``whole_budget_min_bookings``
    such bookings that are at least ``whole_budget_min_share_bp`` of all the provider's
    bookings from this commissioner's budgets. Why: prices set to whatever a person has
    left, rather than what the support costs, are a sign of budgets being harvested.
    """
    drained = Entry.objects.filter(
        account__kind=AccountKind.BUDGET_AVAILABLE, transfer__kind=TransferKind.COMMIT,
        transfer__booking_id=OuterRef("pk"), balance_after=0)
    bookings = _bookings(commissioner).annotate(drained=Exists(drained))
    per_provider = (bookings.values("provider_id", "provider__name")
                    .annotate(total=Count("id"), whole=Count("id", filter=Q(drained=True))))
    minimum, share = threshold("whole_budget_min_bookings"), threshold("whole_budget_min_share_bp")
    tripped = {row["provider_id"]: row for row in per_provider
               if row["whole"] >= minimum and row["whole"] * BASIS_POINTS >= share * row["total"]}
    if not tripped:
        return []
    evidence = defaultdict(list)
    for provider_id, booking_id in (bookings.filter(drained=True, provider_id__in=tripped)
                                    .values_list("provider_id", "id").order_by("id")):
        evidence[provider_id].append(booking_id)
    findings = []
    for provider_id, row in tripped.items():
        findings.append(Finding(
            rule=Rule.WHOLE_BUDGET, subject_key=f"provider:{provider_id}",
            summary=(f"{row['whole']} of {row['total']} bookings with {row['provider__name']} "
                     f"took the jobseeker's whole remaining budget"),
            facts=[("Bookings with this provider", str(row["total"])),
                   ("Bookings that took the whole remaining budget",
                    f"{row['whole']} ({_percent(row['whole'], row['total'])})"),
                   ("Threshold", f"at least {minimum} bookings and "
                                 f"{share // 100} % of the provider's bookings")],
            evidence_ids=evidence[provider_id], evidence_kind="booking",
            provider_id=provider_id))
    return findings


def booking_burst(commissioner, *, now) -> list[Finding]:
    """A burst of bookings: many bookings with one provider in a short time.

    Tripped when at least ``burst_min_bookings`` bookings from this commissioner's
    budgets with one provider were requested within ``burst_window_minutes`` of each
    other. Why: people booked in a batch (at a provider's office, or by someone holding
    their sign-ins) have not chosen for themselves. One streamed query, then a sliding
    window over each provider's bookings in time order.
    """
    minimum = threshold("burst_min_bookings")
    window = timedelta(minutes=threshold("burst_window_minutes"))
    rows = (_bookings(commissioner).order_by("provider_id", "requested_at", "id")
            .values_list("provider_id", "provider__name", "id", "requested_at")
            .iterator(chunk_size=5000))
    by_provider = defaultdict(list)
    names = {}
    for provider_id, name, booking_id, requested_at in rows:
        by_provider[provider_id].append((requested_at, booking_id))
        names[provider_id] = name
    findings = []
    for provider_id, times in by_provider.items():
        in_bursts, largest, largest_start, start = set(), 0, None, 0
        for end in range(len(times)):
            while times[end][0] - times[start][0] >= window:
                start += 1
            size = end - start + 1
            if size >= minimum:
                in_bursts.update(booking_id for _, booking_id in times[start:end + 1])
                if size > largest:
                    largest, largest_start = size, times[start][0]
        if not in_bursts:
            continue
        findings.append(Finding(
            rule=Rule.BOOKING_BURST, subject_key=f"provider:{provider_id}",
            summary=(f"{largest} bookings with {names[provider_id]} within "
                     f"{threshold('burst_window_minutes')} minutes"),
            facts=[("Largest burst", f"{largest} bookings from "
                                     f"{timezone.localtime(largest_start):%d %B %Y %H:%M}"),
                   ("Bookings in a burst", str(len(in_bursts))),
                   ("Threshold", f"{minimum} bookings within "
                                 f"{threshold('burst_window_minutes')} minutes")],
            evidence_ids=sorted(in_bursts), evidence_kind="booking", provider_id=provider_id))
    return findings


def unconfirmed_outcome(commissioner, *, now) -> list[Finding]:
    """A job a provider reported that the jobseeker has never confirmed.

    Tripped by an outcome (waiting for verification, or verified) reported by a member
    of a provider at least ``unconfirmed_after_days`` days ago, none of whose milestones
    the jobseeker has confirmed ("still in work"). Why: outcome payments go to the
    provider, so a job only the provider vouches for needs the person's own word.
    """
    days = threshold("unconfirmed_after_days")
    confirmed = Milestone.objects.filter(outcome=OuterRef("pk"),
                                         jobseeker_confirmed_at__isnull=False)
    outcomes = (Outcome.objects.filter(
        programme__commissioner=commissioner, reported_by__role__in=PROVIDER_ROLES,
        reported_at__lte=now - timedelta(days=days),
        status__in=[OutcomeStatus.REPORTED, OutcomeStatus.VERIFIED])
        .annotate(confirmed=Exists(confirmed)).filter(confirmed=False)
        .values("id", "programme_id", "jobseeker_id", "employer", "start_date", "reported_at",
                "reported_by__provider_membership__provider_id",
                "reported_by__provider_membership__provider__name").order_by("id"))
    findings = []
    for row in outcomes:
        provider_name = row["reported_by__provider_membership__provider__name"] or "a provider"
        reported_on = f"{timezone.localtime(row['reported_at']):%d %B %Y}"
        findings.append(Finding(
            rule=Rule.UNCONFIRMED_OUTCOME, subject_key=f"outcome:{row['id']}",
            summary=(f"Job at {row['employer']} reported by {provider_name} on {reported_on}, "
                     f"never confirmed by the jobseeker"),
            facts=[("Reported by", provider_name),
                   ("Reported on", reported_on),
                   ("Job start", f"{row['start_date']:%d %B %Y}"),
                   ("Milestones the jobseeker confirmed", "none"),
                   ("Threshold", f"reported at least {days} days ago")],
            evidence_ids=[row["id"]], evidence_kind="outcome",
            programme_id=row["programme_id"], outcome_id=row["id"],
            person_id=row["jobseeker_id"],
            provider_id=row["reported_by__provider_membership__provider_id"]))
    return findings


def ended_after_last_milestone(commissioner, *, now) -> list[Finding]:
    """A job that ended just after its last milestone.

    Tripped when an outcome's end date is on its last milestone's due date or at most
    ``ended_within_days`` days after it. Why: a job arranged to last exactly as long as
    the payments (a short contract with a friendly employer) earns the full outcome
    payment without a sustained job.
    """
    days = threshold("ended_within_days")
    latest = ExpressionWrapper(F("due_on") + timedelta(days=days), output_field=DateField())
    rows = list(Milestone.objects.filter(
        outcome__programme__commissioner=commissioner, is_last=True,
        outcome__ended_on__isnull=False, outcome__ended_on__gte=F("due_on"))
        .annotate(latest=latest).filter(outcome__ended_on__lte=F("latest"))
        .values("outcome_id", "outcome__programme_id", "outcome__jobseeker_id",
                "outcome__employer", "outcome__ended_on", "due_on", "label")
        .order_by("outcome_id"))
    if not rows:
        return []
    # The providers that delivered support to each person in the programme.
    served = defaultdict(dict)
    for jobseeker_id, programme_id, provider_id, name in (
            Booking.objects.filter(
                jobseeker_id__in={r["outcome__jobseeker_id"] for r in rows},
                budget__programme__commissioner=commissioner, delivered_at__isnull=False)
            .values_list("jobseeker_id", "budget__programme_id", "provider_id",
                         "provider__name").distinct()):
        served[(jobseeker_id, programme_id)][provider_id] = name
    findings = []
    for row in rows:
        providers = served[(row["outcome__jobseeker_id"], row["outcome__programme_id"])]
        gap = (row["outcome__ended_on"] - row["due_on"]).days
        findings.append(Finding(
            rule=Rule.ENDED_AFTER_LAST_MILESTONE, subject_key=f"outcome:{row['outcome_id']}",
            summary=(f"Job at {row['outcome__employer']} ended {gap} day{'s' * (gap != 1)} "
                     f"after its last milestone ({row['label']})"),
            facts=[("Last milestone", f"{row['label']}, due {row['due_on']:%d %B %Y}"),
                   ("Job ended", f"{row['outcome__ended_on']:%d %B %Y}"),
                   ("Providers that supported this person",
                    ", ".join(sorted(providers.values())) or "none"),
                   ("Threshold", f"ended 0 to {days} days after the last milestone")],
            evidence_ids=[row["outcome_id"]], evidence_kind="outcome",
            programme_id=row["outcome__programme_id"], outcome_id=row["outcome_id"],
            person_id=row["outcome__jobseeker_id"],
            provider_id=next(iter(providers)) if len(providers) == 1 else None))
    return findings


def staff_jobseeker(commissioner, *, now) -> list[Finding]:
    """Provider staff who are also jobseekers booking that same provider.

    Tripped by a booking from this commissioner's budgets whose jobseeker is the same
    account as a member of the booked provider, or shares a member's email address or
    full name (case ignored; blank names never match). Why: a provider booking its own
    staff spends public money on itself.
    """
    same_person = ProviderMember.objects.filter(provider_id=OuterRef("provider_id")).filter(
        Q(user_id=OuterRef("jobseeker_id"))
        | Q(user__email__iexact=OuterRef("jobseeker__email"))
        | (Q(user__full_name__iexact=OuterRef("jobseeker__full_name"))
           & ~Q(user__full_name="")))
    rows = (_bookings(commissioner).annotate(match=Exists(same_person)).filter(match=True)
            .values_list("jobseeker_id", "jobseeker__email", "jobseeker__full_name",
                         "provider_id", "provider__name", "id").order_by("id"))
    pairs = defaultdict(list)
    people = {}
    for jobseeker_id, email, name, provider_id, provider_name, booking_id in rows:
        pairs[(jobseeker_id, provider_id)].append(booking_id)
        people[(jobseeker_id, provider_id)] = (email, name, provider_name)
    if not pairs:
        return []
    members = defaultdict(list)
    for provider_id, user_id, email, name in ProviderMember.objects.filter(
            provider_id__in={p for _, p in pairs}).values_list(
            "provider_id", "user_id", "user__email", "user__full_name"):
        members[provider_id].append((user_id, email.lower(), name.lower()))
    findings = []
    for (jobseeker_id, provider_id), booking_ids in pairs.items():
        email, name, provider_name = people[(jobseeker_id, provider_id)]
        reasons = set()
        for user_id, member_email, member_name in members[provider_id]:
            if user_id == jobseeker_id:
                reasons.add("the same account")
            if member_email == email.lower():
                reasons.add("the same email address")
            if member_name and member_name == name.lower():
                reasons.add("the same full name")
        findings.append(Finding(
            rule=Rule.STAFF_JOBSEEKER, subject_key=f"user:{jobseeker_id}:provider:{provider_id}",
            summary=f"A jobseeker who booked {provider_name} matches a member of its staff",
            facts=[("Provider", provider_name),
                   ("Matched on", ", ".join(sorted(reasons))),
                   ("Bookings", str(len(booking_ids)))],
            evidence_ids=booking_ids, evidence_kind="booking",
            provider_id=provider_id, person_id=jobseeker_id))
    return findings


def category_medians() -> dict[str, tuple[int, int]]:
    """category → (median price, number of approved offers), over approved offers."""
    prices = defaultdict(list)
    for category, price in (Offer.objects.filter(status=OfferStatus.APPROVED).order_by()
                            .values_list("category", "price").iterator(chunk_size=5000)):
        prices[category].append(price)
    return {category: (int(median(values)), len(values)) for category, values in prices.items()}


def price_above_median(commissioner, *, now) -> list[Finding]:
    """Bookings at a price far above the category's median.

    The median is over every approved offer in the category (the market's price), and
    counts only where the category has at least ``price_min_offers`` approved offers.
    Tripped by a booking from this commissioner's budgets (not declined or cancelled)
    whose price is at least ``price_multiple_bp`` (2×) of that median; one flag per
    offer. Why: the jobseeker chooses, but public money should not buy at several times
    the going rate without someone asking why.
    """
    multiple, minimum = threshold("price_multiple_bp"), threshold("price_min_offers")
    limits = {category: (med, count, -(-med * multiple // BASIS_POINTS))
              for category, (med, count) in category_medians().items() if count >= minimum}
    if not limits:
        return []
    over = Q()
    for category, (_, _, limit) in limits.items():
        over |= Q(offer__category=category, price__gte=limit)
    rows = (_bookings(commissioner).exclude(status__in=NOT_TAKEN).filter(over)
            .values_list("offer_id", "offer__title", "offer__category", "provider_id",
                         "provider__name", "id", "price").order_by("id"))
    offers = {}
    for offer_id, title, category, provider_id, provider_name, booking_id, price in rows:
        entry = offers.setdefault(offer_id, {"title": title, "category": category,
                                             "provider_id": provider_id,
                                             "provider_name": provider_name,
                                             "bookings": [], "top": 0})
        entry["bookings"].append(booking_id)
        entry["top"] = max(entry["top"], price)
    findings = []
    for offer_id, entry in offers.items():
        med, count, limit = limits[entry["category"]]
        label = Category(entry["category"]).label
        findings.append(Finding(
            rule=Rule.PRICE_ABOVE_MEDIAN, subject_key=f"offer:{offer_id}",
            summary=(f"{entry['title']} ({entry['provider_name']}) booked at "
                     f"{format_pence(entry['top'])}, {entry['top'] * 10 // med / 10:g}× the "
                     f"median for {label.lower()}"),
            facts=[("Offer", f"{entry['title']} by {entry['provider_name']}"),
                   ("Category", label),
                   ("Median price in the category",
                    f"{format_pence(med)} over {count} approved offers"),
                   ("Highest price booked", format_pence(entry["top"])),
                   ("Bookings at or above the threshold", str(len(entry["bookings"]))),
                   ("Threshold", f"{multiple / BASIS_POINTS:g}× the median "
                                 f"({format_pence(limit)})")],
            evidence_ids=entry["bookings"], evidence_kind="booking",
            provider_id=entry["provider_id"], offer_id=offer_id))
    return findings


# rule → function, in the order the checks run and the pages list them.
RULES = {
    Rule.WHOLE_BUDGET: whole_budget,
    Rule.BOOKING_BURST: booking_burst,
    Rule.UNCONFIRMED_OUTCOME: unconfirmed_outcome,
    Rule.ENDED_AFTER_LAST_MILESTONE: ended_after_last_milestone,
    Rule.STAFF_JOBSEEKER: staff_jobseeker,
    Rule.PRICE_ABOVE_MEDIAN: price_above_median,
}
