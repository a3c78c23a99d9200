"""Streamed CSV exports for commissioners' managers and auditors: ledger entries, bookings,
outcomes and payouts, for any period.

Rows are read by keyset pagination (``id > last`` in chunks, ordered by id), written to
CSV a chunk at a time and handed to a StreamingHttpResponse: memory stays constant
whatever the number of rows, and no database cursor is held open between chunks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from bookings.models import Booking
from ledger.models import Entry
from outcomes.models import Milestone, Outcome
from payouts.models import PayoutLine

CHUNK = 5000


class PeriodError(ValueError):
    """The period in the request cannot be read; the message says how to write it."""


def parse_day(value: str, name: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value) if len(value) == 10 else _bad(value, name)
    except ValueError:
        return _bad(value, name)


def _bad(value, name):
    raise PeriodError(f"The {name} date must be written YYYY-MM-DD, for example 2026-04-01 "
                      f"(got {value[:40]!r}).")


def parse_period(params) -> tuple[dt.date | None, dt.date | None]:
    """``?start=YYYY-MM-DD&end=YYYY-MM-DD``, both inclusive, either may be left out."""
    start = parse_day(params.get("start", ""), "start")
    end = parse_day(params.get("end", ""), "end")
    if start and end and end < start:
        raise PeriodError("The end date must be the same as or after the start date.")
    return start, end


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _window(field: str, start, end, *, dates=False) -> Q:
    q = Q()
    if start:
        q &= Q(**{f"{field}__gte": start if dates else _midnight(start)})
    if end:
        q &= (Q(**{f"{field}__lte": end}) if dates
              else Q(**{f"{field}__lt": _midnight(end + dt.timedelta(days=1))}))
    return q


def _when(value) -> str:
    return timezone.localtime(value).isoformat() if value else ""


def _day(value) -> str:
    return value.isoformat() if value else ""


@dataclass(frozen=True)
class Export:
    name: str
    title: str
    columns: tuple[str, ...]
    # (programme ids, start, end) → queryset of the rows
    rows: Callable
    fields: tuple[str, ...]
    to_row: Callable[[tuple], list]
    # Optional: extra reads per chunk (e.g. an outcome's milestones), given the chunk.
    per_chunk: Callable | None = None


def _ledger_rows(programme_ids, start, end):
    return Entry.objects.filter(_window("created_at", start, end),
                                account__programme_id__in=programme_ids)


def _ledger_row(r):
    (pk, created_at, transfer_id, kind, key, memo, programme_id, account_key, account_kind,
     amount, balance_after, sequence, prev_hash, digest) = r
    return [pk, _when(created_at), transfer_id, kind, key, memo, programme_id, account_key,
            account_kind, amount, balance_after, sequence, prev_hash, digest]


def _booking_rows(programme_ids, start, end):
    return Booking.objects.filter(_window("requested_at", start, end),
                                  budget__programme_id__in=programme_ids)


def _booking_row(r):
    (pk, requested_at, status, programme_id, budget_id, pseudonym, provider_id, provider,
     offer_id, offer, category, price, accepted_at, delivered_at, confirmed_at, closed_at) = r
    return [f"B{pk:06d}", pk, _when(requested_at), status, programme_id, budget_id, pseudonym,
            provider_id, provider, offer_id, offer, category, price, _when(accepted_at),
            _when(delivered_at), _when(confirmed_at), _when(closed_at)]


def _outcome_rows(programme_ids, start, end):
    return Outcome.objects.filter(_window("start_date", start, end, dates=True),
                                  programme_id__in=programme_ids)


def _outcome_milestones(batch) -> dict:
    found: dict[int, list[str]] = {}
    for outcome_id, key, status in (Milestone.objects.filter(
            outcome_id__in=[r[0] for r in batch]).order_by("outcome_id", "position")
            .values_list("outcome_id", "key", "status")):
        found.setdefault(outcome_id, []).append(f"{key}:{status}")
    return found


def _outcome_row(r, milestones):
    (pk, pseudonym, programme_id, start_date, hours, status, tier, reported_at, decided_at,
     ended_on) = r
    return [pk, pseudonym, programme_id, _day(start_date), hours, status, tier,
            _when(reported_at), _when(decided_at), _day(ended_on),
            ";".join(milestones.get(pk, []))]


def _payout_rows(programme_ids, start, end):
    return PayoutLine.objects.filter(_window("payout__created_at", start, end),
                                     programme_id__in=programme_ids)


def _payout_row(r):
    (pk, payout_id, reference, created_at, provider_id, provider, method, status, programme_id,
     amount, total, paid_at, failed_at, transfer_id) = r
    return [pk, payout_id, reference, _when(created_at), provider_id, provider, method, status,
            programme_id, amount, total, _when(paid_at), _when(failed_at), transfer_id]


EXPORTS = {export.name: export for export in (
    Export("ledger-entries", "Ledger entries",
           ("entry_id", "created_at", "transfer_id", "transfer_kind", "idempotency_key",
            "memo", "programme_id", "account", "account_kind", "amount_pence",
            "balance_after_pence", "sequence", "prev_hash", "hash"),
           _ledger_rows,
           ("created_at", "transfer_id", "transfer__kind", "transfer__idempotency_key",
            "transfer__memo", "account__programme_id", "account__key", "account__kind",
            "amount", "balance_after", "sequence", "prev_hash", "hash"),
           _ledger_row),
    Export("bookings", "Bookings",
           ("reference", "booking_id", "requested_at", "status", "programme_id", "budget_id",
            "jobseeker_pseudonym", "provider_id", "provider", "offer_id", "offer", "category",
            "price_pence", "accepted_at", "delivered_at", "confirmed_at", "closed_at"),
           _booking_rows,
           ("requested_at", "status", "budget__programme_id", "budget_id",
            "jobseeker__pseudonym", "provider_id", "provider__name", "offer_id",
            "offer__title", "offer__category", "price", "accepted_at", "delivered_at",
            "confirmed_at", "closed_at"),
           _booking_row),
    Export("outcomes", "Job outcomes",
           ("outcome_id", "jobseeker_pseudonym", "programme_id", "start_date",
            "hours_per_week", "status", "support_tier", "reported_at", "decided_at",
            "ended_on", "milestones"),
           _outcome_rows,
           ("jobseeker__pseudonym", "programme_id", "start_date", "hours_per_week", "status",
            "support_tier", "reported_at", "decided_at", "ended_on"),
           _outcome_row, per_chunk=_outcome_milestones),
    Export("payouts", "Payouts (one row per programme a payout covers)",
           ("payout_line_id", "payout_id", "payout_reference", "created_at", "provider_id",
            "provider", "method", "status", "programme_id", "amount_pence",
            "payout_total_pence", "paid_at", "failed_at", "ledger_transfer_id"),
           _payout_rows,
           ("payout_id", "payout__reference", "payout__created_at", "payout__provider_id",
            "payout__provider__name", "payout__method", "payout__status", "programme_id",
            "amount", "payout__amount", "payout__paid_at", "payout__failed_at",
            "payout__ledger_transfer_id"),
           _payout_row),
)}


def stream(export: Export, *, programme_ids, start=None, end=None,
           chunk: int = CHUNK) -> Iterator[str]:
    """The CSV text, header first, one chunk of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(export.columns)
    yield buffer.getvalue()
    base = export.rows(list(programme_ids), start, end).order_by("pk")
    last = 0
    while True:
        batch = list(base.filter(pk__gt=last).values_list("pk", *export.fields)[:chunk])
        if not batch:
            return
        buffer.seek(0)
        buffer.truncate()
        if export.per_chunk is not None:
            extra = export.per_chunk(batch)
            writer.writerows(export.to_row(row, extra) for row in batch)
        else:
            writer.writerows(export.to_row(row) for row in batch)
        last = batch[-1][0]
        yield buffer.getvalue()


def chart_csv(chart) -> Iterator[str]:
    """One dashboard chart's rows as CSV: raw values (pence, counts, basis points)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.csv_heading for column in chart.columns])
    for row in chart.rows:
        writer.writerow([
            value.strftime("%Y-%m") if column.kind == "month" and value else
            ("" if value is None else value)
            for column, value in zip(chart.columns, row, strict=True)])
    yield buffer.getvalue()
