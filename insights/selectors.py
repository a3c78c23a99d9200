"""Figures for commissioner dashboards and the public league table.

Every figure is a grouped SQL aggregate: a dashboard costs a fixed handful of queries
whatever the number of bookings. The ledger's figures are cached until money next moves
(``ledger_figures``), the people figures until money moves or PEOPLE_CACHE_SECONDS pass
(``people_figures``). Money comes from the ledger (integer pence):

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

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, F, Max, Q, Sum, When
from django.db.models.functions import TruncMonth
from django.utils import timezone

from accounts.models import JobseekerProfile, Role, SupportTier
from bookings.models import Booking, BookingStatus
from budgets.models import BASIS_POINTS, Budget, Programme
from ledger.models import Account, AccountKind, Entry, Transfer, TransferKind
from marketplace.models import Category, Offer
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
        account__programme_id=f.programme.pk, transfer__kind=TransferKind.SETTLE)
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


# --- What the ledger says --------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerFigures:
    """Everything a dashboard reads from the ledger, by id (names and categories are looked
    up when shown, so renaming a provider or recategorising an offer shows at once).

    ``spend`` holds (month, provider id, offer id, pence) per month, provider and offer of
    the settled deliveries; ``paid`` is pence credited to each provider's payable account.
    """

    spend: list[tuple[dt.date, int | None, int | None, int]]
    spent: int
    committed: int
    unspent: int
    expired_amount: int
    paid: dict[int, int]


def _month(value) -> dt.date:
    # A raw cursor skips the ORM's converters: PostgreSQL gives the local month's start as
    # a naive date-time, SQLite as text.
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _spend_rows(f: Filters) -> list[tuple[dt.date, int | None, int | None, int]]:
    """One pass over the settled deliveries, grouped by month, provider and offer; every
    spend chart is summed from its few thousand rows. The booking (for its offer) is joined
    by id in plain SQL around the ORM's query: the transfer holds the booking's id but no
    relation the ORM could join, and a per-row subquery cost a lookup per delivery."""
    entries = (_spend_entries(f).order_by()
               .values(month=TruncMonth("created_at"), provider=F("transfer__provider_id"),
                       booking=F("transfer__booking_id"), pence=F("amount")))
    inner, params = entries.query.sql_with_params()
    quote = connection.ops.quote_name
    sql = (f"SELECT s.month, s.provider, b.{quote('offer_id')}, SUM(s.pence) "
           f"FROM ({inner}) s LEFT JOIN {quote(Booking._meta.db_table)} b "
           f"ON b.{quote('id')} = s.booking GROUP BY s.month, s.provider, b.{quote('offer_id')}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        # PostgreSQL sums bigints as numeric: back to integer pence.
        return [(_month(month), provider, offer, -int(total))
                for month, provider, offer, total in cursor.fetchall()]


def _budgets(f: Filters):
    budgets = Budget.objects.filter(f.window("issued_at"), programme=f.programme)
    if f.tier:
        budgets = budgets.filter(jobseeker__jobseeker_profile__support_tier=f.tier)
    return budgets


def _paid(f: Filters) -> dict[int, int]:
    """Per provider: credited to its payable account in the programme in the period,
    payout reversals excepted. Summed as every credit less the reversals' credits: the
    credits alone read from the entries' index, and reversals are rare."""
    credits = Entry.objects.filter(
        f.window("created_at"), account__kind=AccountKind.PROVIDER_PAYABLE,
        account__programme_id=f.programme.pk, amount__gt=0)
    if f.provider_id:
        credits = credits.filter(account__provider_id=f.provider_id)
    if f.category or f.tier:
        chosen = _bookings(replace(f, start=None, end=None)).values("pk")
        credits = credits.filter(transfer__booking_id__in=chosen)

    def by_provider(entries):
        return {r["account__provider_id"]: (r["total"], r["n"]) for r in entries.order_by()
                .values("account__provider_id").annotate(total=Sum("amount"), n=Count("*"))}

    paid = by_provider(credits)
    reversals = credits.filter(transfer__kind=TransferKind.PAYOUT_REVERSAL)
    for pk, (total, n) in by_provider(reversals).items():
        paid[pk] = (paid[pk][0] - total, paid[pk][1] - n)
    return {pk: total for pk, (total, n) in paid.items() if n}


def _ledger_figures(f: Filters) -> LedgerFigures:
    budgets = _budgets(f)
    balances = dict(Account.objects.filter(
        budget__in=budgets.values("pk"),
        kind__in=[AccountKind.BUDGET_AVAILABLE, AccountKind.BUDGET_COMMITTED],
    ).values("kind").annotate(total=Sum("balance")).values_list("kind", "total"))
    spent = Entry.objects.filter(
        account__kind=AccountKind.BUDGET_COMMITTED, account__budget__in=budgets.values("pk"),
        transfer__kind=TransferKind.SETTLE).aggregate(total=Sum("amount"))["total"] or 0
    # On expiry the available money goes back to the pot, and so does whatever a booking
    # releases after it.
    expired_amount = Entry.objects.filter(
        account__kind=AccountKind.PROGRAMME_POT, amount__gt=0,
        transfer__kind__in=[TransferKind.EXPIRE, TransferKind.RELEASE],
        transfer__budget__in=budgets.values("pk"),
    ).aggregate(total=Sum("amount"))["total"] or 0
    return LedgerFigures(
        spend=_spend_rows(f), spent=-spent,
        committed=balances.get(AccountKind.BUDGET_COMMITTED, 0) or 0,
        unspent=balances.get(AccountKind.BUDGET_AVAILABLE, 0) or 0,
        expired_amount=expired_amount, paid=_paid(f))


LEDGER_CACHE_SECONDS = 600
PEOPLE_CACHE_SECONDS = 30


def ledger_version() -> int:
    """Changes whenever money moves: transfers are only ever added (the database refuses
    changes and deletions) and every movement of money is a new one, so their number grows
    with each. Read it before the figures: figures stored under it are never older."""
    return Transfer.objects.count()


def _cache_key(kind: str, f: Filters, version: int) -> str:
    return ":".join(str(part) for part in (
        "insights", kind, "v1", f.programme.pk, f.programme.created_at.timestamp(), version,
        f.start or "", f.end or "", f.provider_id or "", f.category, f.tier or ""))


def ledger_figures(f: Filters, version: int) -> LedgerFigures:
    """The ledger's figures, kept in the cache until money next moves (``version``). The
    category and tier filters depend on rows outside the ledger (an offer's category, a
    person's tier): those figures are always worked out afresh."""
    if f.category or f.tier:
        return _ledger_figures(f)
    key = _cache_key("ledger", f, version)
    figures = cache.get(key)
    if figures is None:
        figures = _ledger_figures(f)
        cache.set(key, figures, LEDGER_CACHE_SECONDS)
    return figures


# --- Spend -------------------------------------------------------------------------------


def spend_by_month(ledger: LedgerFigures) -> list[tuple[dt.date, int]]:
    totals: dict[dt.date, int] = {}
    for month, _, _, pence in ledger.spend:
        totals[month] = totals.get(month, 0) + pence
    return sorted(totals.items())


@dataclass(frozen=True)
class ProviderSpend:
    provider_id: int
    name: str
    provider_type: str
    spend: int


def spend_by_provider(ledger: LedgerFigures, providers: dict) -> list[ProviderSpend]:
    """``providers``: id → (name, type) for every provider in the figures."""
    totals: dict[int | None, int] = {}
    for _, provider, _, pence in ledger.spend:
        totals[provider] = totals.get(provider, 0) + pence
    found = [ProviderSpend(pk, *providers.get(pk, (None, None)), spend)
             for pk, spend in totals.items()]
    return sorted(found, key=lambda p: (-p.spend, p.name))


def spend_by_provider_type(by_provider: list[ProviderSpend]) -> list[tuple[str, int]]:
    """Summed from spend_by_provider's rows (one per provider, already aggregated)."""
    totals: dict[str, int] = {}
    for row in by_provider:
        totals[row.provider_type] = totals.get(row.provider_type, 0) + row.spend
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def spend_by_category(ledger: LedgerFigures) -> list[tuple[str, int]]:
    offers = {offer for _, _, offer, _ in ledger.spend if offer is not None}
    category = dict(Offer.objects.filter(pk__in=offers).values_list("pk", "category"))
    totals: dict[str, int] = {}
    for _, _, offer, pence in ledger.spend:
        key = category.get(offer) or ""
        totals[key] = totals.get(key, 0) + pence
    return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


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


def budget_figures(f: Filters, ledger: LedgerFigures) -> BudgetFigures:
    counts = _budgets(f).aggregate(
        issued=Count("pk"), issued_amount=Sum("amount"),
        claimed=Count("pk", filter=Q(jobseeker__isnull=False)),
        claimed_amount=Sum("amount", filter=Q(jobseeker__isnull=False)),
        expired=Count("pk", filter=Q(status="expired")))
    return BudgetFigures(
        issued=counts["issued"], claimed=counts["claimed"], expired=counts["expired"],
        issued_amount=counts["issued_amount"] or 0,
        claimed_amount=counts["claimed_amount"] or 0, spent=ledger.spent,
        committed=ledger.committed, unspent=ledger.unspent,
        expired_amount=ledger.expired_amount)


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


def people_by_tier(f: Filters) -> dict[int | None, Funnel]:
    """The funnel of each support tier (None: no assessment), with the tier filter left
    out. A person has one tier, so a tier's funnel is the funnel filtered to that tier and
    the tiers' funnels add up to the whole: one query serves the funnel and the reach
    chart. It counts people once each: the cohort by person (delivered or not), each
    person's furthest verified milestone in the programme, then people by tier."""
    cohort = (_bookings(f, tier=False).filter(jobseeker_id__isnull=False).order_by()
              .values(person=F("jobseeker_id")).annotate(delivered=Max(Case(When(
                  Q(delivered_at__isnull=False) & ~Q(status=BookingStatus.REFUNDED), then=1),
                  default=0))))
    jobs = (Milestone.objects.filter(outcome__programme=f.programme, status__in=DONE)
            .order_by().values(person=F("outcome__jobseeker_id")).annotate(weeks=Max("weeks")))
    (cohort_sql, cohort_params), (jobs_sql, jobs_params) = (
        cohort.query.sql_with_params(), jobs.query.sql_with_params())
    quote = connection.ops.quote_name
    profile = quote(JobseekerProfile._meta.db_table)
    sql = (f"SELECT p.{quote('support_tier')}, COUNT(*), SUM(c.delivered), "
           + ", ".join(f"SUM(CASE WHEN j.weeks >= {weeks} THEN 1 ELSE 0 END)"
                       for weeks in (0, 13, 26))
           + f" FROM ({cohort_sql}) c LEFT JOIN ({jobs_sql}) j"
           f" ON j.person = c.person AND c.delivered = 1"
           f" LEFT JOIN {profile} p ON p.{quote('user_id')} = c.person"
           f" GROUP BY p.{quote('support_tier')}")
    with connection.cursor() as cursor:
        cursor.execute(sql, (*cohort_params, *jobs_params))
        return {tier: Funnel(*(int(n) for n in counts))
                for tier, *counts in cursor.fetchall()}


@dataclass(frozen=True)
class PeopleFigures:
    by_tier: dict[int | None, Funnel]
    sustained: dict[int, int]  # provider id → people whose 26-week payment it received
    computed_at: dt.datetime  # shown on the page: these may be up to the cache time old


def people_figures(f: Filters, version: int) -> PeopleFigures:
    """The funnel, reach and sustained jobs: worked out afresh whenever money moves
    (``version``), and otherwise kept for PEOPLE_CACHE_SECONDS, so what moves no money (a
    delivery marked, a milestone verified but not yet paid, a tier reassessed) shows within
    that time."""
    key = _cache_key("people", f, version)
    figures = cache.get(key)
    if figures is None:
        figures = PeopleFigures(by_tier=people_by_tier(f), sustained=_sustained(f),
                                computed_at=timezone.now())
        cache.set(key, figures, PEOPLE_CACHE_SECONDS)
    return figures


def funnel(f: Filters, by_tier: dict[int | None, Funnel]) -> Funnel:
    chosen = [by_tier.get(f.tier, Funnel(0, 0, 0, 0, 0))] if f.tier else by_tier.values()
    return Funnel(*(sum(getattr(tier, name) for tier in chosen) for name in (
        "booked", "delivered", "job_start", "week_13", "week_26")))


@dataclass(frozen=True)
class ProviderCost:
    provider_id: int
    name: str
    paid: int
    sustained: int

    @property
    def cost_per_sustained_job(self) -> int | None:
        return self.paid // self.sustained if self.sustained else None


def _sustained(f: Filters) -> dict[int, int]:
    """Per provider: the people whose 26-week milestone paid it in the period."""
    payments = MilestonePayment.objects.filter(
        f.window("created_at"), programme=f.programme, milestone__status__in=DONE,
        milestone__weeks__gte=26)
    if f.provider_id:
        payments = payments.filter(provider_id=f.provider_id)
    if f.category or f.tier:
        payments = payments.filter(
            booking_id__in=_bookings(replace(f, start=None, end=None)).values("pk"))
    return dict(payments.order_by().values("provider_id").annotate(
        n=Count("milestone__outcome__jobseeker_id", distinct=True)).values_list(
        "provider_id", "n"))


def cost_per_sustained_job(paid: dict[int, int], sustained: dict[int, int],
                           names: dict[int, str]) -> list[ProviderCost]:
    """Per provider: paid in the period from this programme, and the people whose 26-week
    milestone paid it in the period. Commissioners see exact numbers (not suppressed)."""
    rows = [ProviderCost(pk, names.get(pk, ""), paid.get(pk, 0), sustained.get(pk, 0))
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


def reach_by_tier(by_tier: dict[int | None, Funnel]) -> list[TierReach]:
    """People booked in each support tier (the adviser's assessment), and of them the
    people in work at 26 weeks. The tier filter does not apply here."""
    booked = {t.value: by_tier[t.value].booked for t in SupportTier if t.value in by_tier}
    total = sum(tier.booked for tier in by_tier.values())  # with the unassessed, if any
    return [TierReach(t.value, booked.get(t.value, 0), _share(booked.get(t.value, 0), total),
                      by_tier[t.value].week_26 if t.value in by_tier else 0)
            for t in SupportTier]


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
    people_as_of: dt.datetime | None = None
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
    version = ledger_version()
    ledger = ledger_figures(f, version)
    people_now = people_figures(f, version)
    by_tier, sustained = people_now.by_tier, people_now.sustained
    ids = {provider for _, provider, _, _ in ledger.spend} | set(ledger.paid) | set(sustained)
    providers = {pk: (name, kind) for pk, name, kind in Provider.objects.filter(
        pk__in=ids).values_list("pk", "name", "provider_type")}
    months = spend_by_month(ledger)
    providers_spend = spend_by_provider(ledger, providers)
    types = spend_by_provider_type(providers_spend)
    categories = spend_by_category(ledger)
    budgets = budget_figures(f, ledger)
    people = funnel(f, by_tier)
    costs = cost_per_sustained_job(ledger.paid, sustained,
                                   {pk: name for pk, (name, _) in providers.items()})
    tiers = reach_by_tier(by_tier)
    total = sum(amount for _, amount in months)
    social = sum(amount for kind, amount in types if kind in SOCIAL_TYPES)
    money = Column("Spend", "money", "spend_pence")
    board = Dashboard(filters=f, spend_total=total, social_enterprise_spend=social,
                      funnel=people, budgets=budgets, tiers=tiers,
                      people_as_of=people_now.computed_at)
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
              [(p.name, p.spend, _label(ProviderType, p.provider_type)) for p in providers_spend],
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
            account__kind=AccountKind.BUDGET_COMMITTED, transfer__kind=TransferKind.SETTLE,
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
