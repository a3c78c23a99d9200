"""Figures for commissioner dashboards and the public league table.

Every figure is a grouped SQL aggregate: a dashboard costs a fixed handful of queries
whatever the number of bookings. Money comes from the ledger (integer pence):

* spend is money moved from a budget's committed account at delivery (the ``settle``
  transfer: upfront share to the provider's payable, outcome share to the booking's
  escrow), dated when it moved;
* paid to a provider is every credit to its payable account in the programme (upfront
  shares, outcome payments and bonuses), payout reversals excepted.

Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import Role, SupportTier
from bookings.models import Booking, BookingStatus
from budgets.models import BASIS_POINTS, Account, AccountKind, Budget, Entry, Programme
from marketplace.models import Category
from outcomes.models import Milestone, MilestonePayment, MilestoneStatus
from outcomes.selectors import ProviderRecord, provider_records
from providers.models import Provider, ProviderStatus, ProviderType

DONE = (MilestoneStatus.VERIFIED, MilestoneStatus.PAID)
# Provider.is_social_enterprise counts CICs as social enterprises; so do the figures.
SOCIAL_TYPES = (ProviderType.SOCIAL_ENTERPRISE, ProviderType.CIC)
HARDER_TO_HELP = (SupportTier.ENHANCED, SupportTier.INTENSIVE)
CHART_LIMIT = 10  # bars drawn for long lists; the table and CSV hold every row
COMMISSIONER_ROLES = (Role.COMMISSIONER_MANAGER, Role.COMMISSIONER_AUDITOR)


# --- Who may see -------------------------------------------------------------------------


def programmes_visible_to(user):
    """A commissioner's managers and auditors see their own programmes; nobody else any."""
    if not user.is_authenticated or user.role not in COMMISSIONER_ROLES:
        return Programme.objects.none()
    return Programme.objects.filter(commissioner_id=user.commissioner_id)


# --- Filters -----------------------------------------------------------------------------


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass(frozen=True)
class Filters:
    """What a dashboard shows: one programme, a period of local dates (both inclusive,
    either open), and optionally one provider, one offer category, one support tier."""

    programme: Programme
    start: dt.date | None = None
    end: dt.date | None = None
    provider_id: int | None = None
    category: str = ""
    tier: int | None = None

    def window(self, field_name: str) -> Q:
        """The period on a date-time field, as a range the field's index can serve."""
        q = Q()
        if self.start:
            q &= Q(**{f"{field_name}__gte": _midnight(self.start)})
        if self.end:
            q &= Q(**{f"{field_name}__lt": _midnight(self.end + dt.timedelta(days=1))})
        return q

    def query(self) -> dict[str, str]:
        """The filters as URL parameters (for CSV links that show the same figures)."""
        values = {"start": self.start.isoformat() if self.start else "",
                  "end": self.end.isoformat() if self.end else "",
                  "provider": str(self.provider_id or ""), "category": self.category,
                  "tier": str(self.tier or "")}
        return {key: value for key, value in values.items() if value}


def _bookings(f: Filters, *, tier=True):
    """The programme's bookings requested in the period, with the filters applied."""
    bookings = Booking.objects.filter(f.window("requested_at"), budget__programme=f.programme)
    if f.provider_id:
        bookings = bookings.filter(provider_id=f.provider_id)
    if f.category:
        bookings = bookings.filter(offer__category=f.category)
    if tier and f.tier:
        bookings = bookings.filter(jobseeker__jobseeker_profile__support_tier=f.tier)
    return bookings


def _spend_entries(f: Filters):
    """The committed-account leg of every delivery settled in the period (negative pence)."""
    entries = Entry.objects.filter(
        f.window("created_at"), account__kind=AccountKind.BUDGET_COMMITTED,
        account__programme_id=f.programme.pk, transfer__kind="settle")
    if f.provider_id:
        entries = entries.filter(transfer__provider_id=f.provider_id)
    if f.category:
        entries = entries.filter(transfer__booking_id__in=Booking.objects.filter(
            budget__programme=f.programme, offer__category=f.category).values("pk"))
    if f.tier:
        entries = entries.filter(account__budget__jobseeker__jobseeker_profile__support_tier=f.tier)
    return entries


def _share(part: int, whole: int) -> int | None:
    return part * BASIS_POINTS // whole if whole else None


# --- Spend -------------------------------------------------------------------------------


def spend_by_month(f: Filters) -> list[tuple[dt.date, int]]:
    rows = (_spend_entries(f).annotate(month=TruncMonth("created_at")).values("month")
            .annotate(total=Sum("amount")).order_by("month"))
    return [(timezone.localtime(row["month"]).date() if isinstance(row["month"], dt.datetime)
             else row["month"], -row["total"]) for row in rows]


@dataclass(frozen=True)
class ProviderSpend:
    provider_id: int
    name: str
    provider_type: str
    spend: int


def spend_by_provider(f: Filters) -> list[ProviderSpend]:
    rows = (_spend_entries(f)
            .values("transfer__provider_id", "transfer__provider__name",
                    "transfer__provider__provider_type")
            .annotate(total=Sum("amount")))
    found = [ProviderSpend(r["transfer__provider_id"], r["transfer__provider__name"],
                           r["transfer__provider__provider_type"], -r["total"]) for r in rows]
    return sorted(found, key=lambda p: (-p.spend, p.name))


def spend_by_provider_type(by_provider: list[ProviderSpend]) -> list[tuple[str, int]]:
    """Summed from spend_by_provider's rows (one per provider, already aggregated)."""
    totals: dict[str, int] = {}
    for row in by_provider:
        totals[row.provider_type] = totals.get(row.provider_type, 0) + row.spend
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def spend_by_category(f: Filters) -> list[tuple[str, int]]:
    category = Booking.objects.filter(pk=OuterRef("transfer__booking_id")).values(
        "offer__category")[:1]
    rows = (_spend_entries(f).annotate(category=Subquery(category)).values("category")
            .annotate(total=Sum("amount")))
    return sorted(((r["category"] or "", -r["total"]) for r in rows),
                  key=lambda item: (-item[1], item[0]))


# --- Budgets -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetFigures:
    """Budgets issued in the period and where their money is now:
    issued_amount = spent + committed + unspent + expired_amount."""

    issued: int
    claimed: int
    expired: int
    issued_amount: int
    claimed_amount: int
    spent: int
    committed: int
    unspent: int
    expired_amount: int


def budget_figures(f: Filters) -> BudgetFigures:
    budgets = Budget.objects.filter(f.window("issued_at"), programme=f.programme)
    if f.tier:
        budgets = budgets.filter(jobseeker__jobseeker_profile__support_tier=f.tier)
    counts = budgets.aggregate(
        issued=Count("pk"), issued_amount=Sum("amount"),
        claimed=Count("pk", filter=Q(jobseeker__isnull=False)),
        claimed_amount=Sum("amount", filter=Q(jobseeker__isnull=False)),
        expired=Count("pk", filter=Q(status="expired")))
    balances = dict(Account.objects.filter(
        budget__in=budgets.values("pk"),
        kind__in=[AccountKind.BUDGET_AVAILABLE, AccountKind.BUDGET_COMMITTED],
    ).values("kind").annotate(total=Sum("balance")).values_list("kind", "total"))
    spent = Entry.objects.filter(
        account__kind=AccountKind.BUDGET_COMMITTED, account__budget__in=budgets.values("pk"),
        transfer__kind="settle").aggregate(total=Sum("amount"))["total"] or 0
    # On expiry the available money goes back to the pot, and so does whatever a booking
    # releases after it.
    expired_amount = Entry.objects.filter(
        account__kind=AccountKind.PROGRAMME_POT, amount__gt=0,
        transfer__kind__in=["expire", "release"], transfer__budget__in=budgets.values("pk"),
    ).aggregate(total=Sum("amount"))["total"] or 0
    return BudgetFigures(
        issued=counts["issued"], claimed=counts["claimed"], expired=counts["expired"],
        issued_amount=counts["issued_amount"] or 0,
        claimed_amount=counts["claimed_amount"] or 0, spent=-spent,
        committed=balances.get(AccountKind.BUDGET_COMMITTED, 0) or 0,
        unspent=balances.get(AccountKind.BUDGET_AVAILABLE, 0) or 0,
        expired_amount=expired_amount)


# --- Outcomes ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Funnel:
    """People (distinct jobseekers) at each step. The cohort is the people who booked in
    the period; their jobs count whenever they started."""

    booked: int
    delivered: int
    job_start: int
    week_13: int
    week_26: int


def _delivered(bookings):
    return bookings.filter(delivered_at__isnull=False).exclude(status=BookingStatus.REFUNDED)


def _milestones_of(f: Filters, bookings):
    return Milestone.objects.filter(
        outcome__programme=f.programme, status__in=DONE,
        outcome__jobseeker_id__in=_delivered(bookings).values("jobseeker_id"))


def _people(weeks: int) -> Count:
    return Count("outcome__jobseeker_id", distinct=True, filter=Q(weeks__gte=weeks))


def funnel(f: Filters) -> Funnel:
    bookings = _bookings(f)
    people = bookings.aggregate(
        booked=Count("jobseeker_id", distinct=True),
        delivered=Count("jobseeker_id", distinct=True,
                        filter=Q(delivered_at__isnull=False) & ~Q(status=BookingStatus.REFUNDED)))
    jobs = _milestones_of(f, bookings).aggregate(start=_people(0), week_13=_people(13),
                                                 week_26=_people(26))
    return Funnel(booked=people["booked"], delivered=people["delivered"],
                  job_start=jobs["start"], week_13=jobs["week_13"], week_26=jobs["week_26"])


@dataclass(frozen=True)
class ProviderCost:
    provider_id: int
    name: str
    paid: int
    sustained: int

    @property
    def cost_per_sustained_job(self) -> int | None:
        return self.paid // self.sustained if self.sustained else None


def cost_per_sustained_job(f: Filters) -> list[ProviderCost]:
    """Per provider: paid in the period from this programme, and the people whose 26-week
    milestone paid it in the period. Commissioners see exact numbers (not suppressed)."""
    credits = Entry.objects.filter(
        f.window("created_at"), account__kind=AccountKind.PROVIDER_PAYABLE,
        account__programme_id=f.programme.pk, amount__gt=0,
    ).exclude(transfer__kind="payout_reversal")
    payments = MilestonePayment.objects.filter(
        f.window("created_at"), programme=f.programme, milestone__status__in=DONE,
        milestone__weeks__gte=26)
    if f.provider_id:
        credits = credits.filter(account__provider_id=f.provider_id)
        payments = payments.filter(provider_id=f.provider_id)
    if f.category or f.tier:
        chosen = _bookings(replace(f, start=None, end=None)).values("pk")
        credits = credits.filter(transfer__booking_id__in=chosen)
        payments = payments.filter(booking_id__in=chosen)
    paid = {r["account__provider_id"]: (r["account__provider__name"], r["total"]) for r in
            credits.values("account__provider_id", "account__provider__name")
            .annotate(total=Sum("amount"))}
    sustained = dict(payments.values("provider_id").annotate(
        n=Count("milestone__outcome__jobseeker_id", distinct=True)).values_list(
        "provider_id", "n"))
    missing = set(sustained) - set(paid)
    names = dict(Provider.objects.filter(pk__in=missing).values_list("pk", "name"))
    rows = [ProviderCost(pk, paid[pk][0] if pk in paid else names.get(pk, ""),
                         paid[pk][1] if pk in paid else 0, sustained.get(pk, 0))
            for pk in set(paid) | set(sustained)]
    return sorted(rows, key=lambda r: (r.cost_per_sustained_job is None,
                                       r.cost_per_sustained_job or 0, r.name))


@dataclass(frozen=True)
class TierReach:
    tier: int
    people_booked: int
    share_bp: int | None
    sustained: int

    @property
    def label(self) -> str:
        return SupportTier(self.tier).label


def reach_by_tier(f: Filters) -> list[TierReach]:
    """People booked in each support tier (the adviser's assessment), and of them the
    people in work at 26 weeks. The tier filter does not apply here."""
    bookings = _bookings(f, tier=False)
    tier = "jobseeker__jobseeker_profile__support_tier"
    booked = dict(bookings.values(tier).annotate(n=Count("jobseeker_id", distinct=True))
                  .values_list(tier, "n"))
    outcome_tier = "outcome__jobseeker__jobseeker_profile__support_tier"
    sustained = dict(_milestones_of(f, bookings).filter(weeks__gte=26).values(outcome_tier)
                     .annotate(n=Count("outcome__jobseeker_id", distinct=True))
                     .values_list(outcome_tier, "n"))
    total = sum(booked.values())
    return [TierReach(t.value, booked.get(t.value, 0), _share(booked.get(t.value, 0), total),
                      sustained.get(t.value, 0)) for t in SupportTier]


# --- The dashboard -----------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    heading: str
    kind: str = "count"  # text, month, money, count, bp
    csv_heading: str = ""


@dataclass
class Chart:
    """One chart's data: drawn as bars of the ``plot`` column, shown as a table, and
    downloadable as CSV (raw values: pence, counts, basis points)."""

    key: str
    title: str
    description: str
    columns: list[Column]
    rows: list[tuple]
    plot: int = 1
    layout: str = "bars"  # bars (horizontal) or columns (vertical, for time)
    limit: int | None = None

    @property
    def cells(self) -> list[list[tuple]]:
        """The table view: each value with its column's kind (for formatting)."""
        kinds = [column.kind for column in self.columns]
        return [list(zip(row, kinds, strict=True)) for row in self.rows]

    @property
    def plotted(self) -> list[tuple]:
        rows = [row for row in self.rows if row[self.plot]]
        return rows[: self.limit] if self.limit else rows


@dataclass
class Dashboard:
    filters: Filters
    spend_total: int
    social_enterprise_spend: int
    funnel: Funnel
    budgets: BudgetFigures
    tiers: list[TierReach]
    charts: list[Chart] = field(default_factory=list)

    @property
    def social_enterprise_share_bp(self) -> int | None:
        return _share(self.social_enterprise_spend, self.spend_total)

    @property
    def harder_to_help_share_bp(self) -> int | None:
        booked = sum(t.people_booked for t in self.tiers)
        return _share(sum(t.people_booked for t in self.tiers if t.tier in HARDER_TO_HELP),
                      booked)

    def chart(self, key: str) -> Chart | None:
        return next((chart for chart in self.charts if chart.key == key), None)


CHART_KEYS = ("spend-over-time", "spend-by-category", "spend-by-provider",
              "spend-by-provider-type", "budgets", "outcome-funnel", "cost-per-sustained-job",
              "reach-by-tier")


def dashboard(f: Filters) -> Dashboard:
    months = spend_by_month(f)
    providers = spend_by_provider(f)
    types = spend_by_provider_type(providers)
    categories = spend_by_category(f)
    budgets = budget_figures(f)
    people = funnel(f)
    costs = cost_per_sustained_job(f)
    tiers = reach_by_tier(f)
    total = sum(amount for _, amount in months)
    social = sum(amount for kind, amount in types if kind in SOCIAL_TYPES)
    money = Column("Spend", "money", "spend_pence")
    board = Dashboard(filters=f, spend_total=total, social_enterprise_spend=social,
                      funnel=people, budgets=budgets, tiers=tiers)
    board.charts = [
        Chart("spend-over-time", "Spend over time",
              "Money paid out of budgets for delivered support, by month.",
              [Column("Month", "month", "month"), money], months, layout="columns"),
        Chart("spend-by-category", "Spend by category",
              "What budgets bought, by the category of the offer.",
              [Column("Category", "text", "category"), money,
               Column("Share", "bp", "share_bp")],
              [(_label(Category, c), amount, _share(amount, total)) for c, amount in categories]),
        Chart("spend-by-provider", "Spend by provider",
              f"The {CHART_LIMIT} providers paid most are drawn; the table lists every one.",
              [Column("Provider", "text", "provider"), money,
               Column("Type", "text", "provider_type")],
              [(p.name, p.spend, _label(ProviderType, p.provider_type)) for p in providers],
              limit=CHART_LIMIT),
        Chart("spend-by-provider-type", "Spend by provider type",
              "Social enterprises and CICs are the share the headline counts.",
              [Column("Provider type", "text", "provider_type"), money,
               Column("Share", "bp", "share_bp")],
              [(_label(ProviderType, kind), amount, _share(amount, total))
               for kind, amount in types]),
        Chart("budgets", "Budgets and their money",
              "Budgets issued in the period, and where their money is now. The provider and "
              "category filters do not apply.",
              [Column("Budgets", "text", "what"), Column("Amount", "money", "amount_pence"),
               Column("Number of budgets", "count", "budgets")],
              [("Issued", budgets.issued_amount, budgets.issued),
               ("Claimed", budgets.claimed_amount, budgets.claimed),
               ("Spent", budgets.spent, None),
               ("Booked, not yet delivered", budgets.committed, None),
               ("Unspent", budgets.unspent, None),
               ("Expired (returned to the programme)", budgets.expired_amount,
                budgets.expired)]),
        Chart("outcome-funnel", "From booking to sustained work",
              "People who booked in the period, and how far they have gone since.",
              [Column("Step", "text", "step"), Column("People", "count", "people"),
               Column("Share of people who booked", "bp", "share_of_booked_bp")],
              [(step, n, _share(n, people.booked)) for step, n in (
                  ("Booked", people.booked), ("Support delivered", people.delivered),
                  ("Started a job", people.job_start), ("In work at 13 weeks", people.week_13),
                  ("In work at 26 weeks", people.week_26))]),
        Chart("cost-per-sustained-job", "Cost per sustained job, by provider",
              "Paid to each provider in the period divided by the people its 26-week "
              "outcome payments were for in the period.",
              [Column("Provider", "text", "provider"),
               Column("Cost per sustained job", "money", "cost_per_sustained_job_pence"),
               Column("Paid", "money", "paid_pence"),
               Column("People in work at 26 weeks", "count", "sustained_jobs")],
              [(c.name, c.cost_per_sustained_job, c.paid, c.sustained) for c in costs],
              limit=CHART_LIMIT),
        Chart("reach-by-tier", "Reach into harder-to-help tiers",
              "People who booked, by the support tier of their assessment. The tier filter "
              "does not apply.",
              [Column("Support tier", "text", "tier"), Column("People booked", "count",
                                                              "people_booked"),
               Column("Share", "bp", "share_bp"),
               Column("In work at 26 weeks", "count", "in_work_26_weeks")],
              [(t.label, t.people_booked, t.share_bp, t.sustained) for t in tiers]),
    ]
    return board


def _label(choices, value) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value or "Unknown"


# --- The public league table ---------------------------------------------------------------


@dataclass(frozen=True)
class LeagueRow:
    provider: Provider
    record: ProviderRecord


def league_table(*, provider_type: str = "", sort: str = "sustained") -> list[LeagueRow]:
    """Every approved provider's published outcome record (outcomes.selectors.provider_records,
    small numbers suppressed there), best sustained-job rate first; providers whose rates
    are too few to show come after, by people served."""
    providers = Provider.objects.filter(status=ProviderStatus.APPROVED).order_by("name")
    if provider_type:
        providers = providers.filter(provider_type=provider_type)
    providers = list(providers)
    records = provider_records([p.pk for p in providers])
    rows = [LeagueRow(p, records[p.pk]) for p in providers]
    rate = {"sustained": "sustained_rate_bp", "start": "job_start_rate_bp",
            "week_13": "in_work_13_rate_bp"}.get(sort, "sustained_rate_bp")

    def order(row):
        value = getattr(row.record, rate)
        return (value is None, -(value or 0), -row.record.people_served, row.provider.name)

    return sorted(rows, key=order)


# --- Exports' scope and the commissioner's overview ------------------------------------------


def export_programme_ids(user, chosen: str = "") -> list[int]:
    """The programmes an export covers: all the person's own, or the one chosen. Raises
    Programme.DoesNotExist for an id that is not one of theirs (a 404 to them)."""
    programmes = programmes_visible_to(user)
    chosen = (chosen or "").strip()
    if chosen:
        if not chosen.isdigit():
            raise Programme.DoesNotExist
        programmes = programmes.filter(pk=int(chosen))
    ids = list(programmes.values_list("pk", flat=True))
    if chosen and not ids:
        raise Programme.DoesNotExist
    return ids


def commissioner_overview(commissioner) -> dict:
    """The commissioner's home figures (pots, owed, queues) and each programme's spend and
    social-enterprise share, for the API's dashboard summary."""
    from api.selectors import commissioner_programmes
    from marketplace.selectors import pending_offer_count
    from outcomes.selectors import owed_bonuses, verification_queue
    from payouts.selectors import owed_in_commissioner

    programmes = list(commissioner_programmes(commissioner.pk)
                      .annotate(budgets_issued=Count("budgets")))
    spend: dict[int, dict[str, int]] = {}
    for row in (Entry.objects.filter(
            account__kind=AccountKind.BUDGET_COMMITTED, transfer__kind="settle",
            account__programme__commissioner=commissioner)
            .values("account__programme_id", "transfer__provider__provider_type")
            .annotate(total=Sum("amount"))):
        by_type = spend.setdefault(row["account__programme_id"], {})
        by_type[row["transfer__provider__provider_type"]] = -row["total"]
    outcomes, milestones = verification_queue(commissioner.pk)
    owed = owed_in_commissioner(commissioner)
    rows = []
    for p in programmes:
        by_type = spend.get(p.pk, {})
        total = sum(by_type.values())
        social = sum(v for k, v in by_type.items() if k in SOCIAL_TYPES)
        rows.append({"id": p.pk, "name": p.name, "status": p.status, "pot": p.pot,
                     "budgets_issued": p.budgets_issued, "spend_total": total,
                     "social_enterprise_share_bp": _share(social, total)})
    return {
        "programmes": rows,
        "money_in_pots": sum(p.pot for p in programmes),
        "owed_to_providers": sum(amount for _, split in owed for _, amount in split),
        "bonuses_owed": owed_bonuses(commissioner.pk),
        "outcomes_to_verify": outcomes.count(),
        "milestones_to_verify": milestones.count(),
        "offers_to_approve": pending_offer_count(),
    }
