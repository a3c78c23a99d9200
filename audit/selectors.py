"""Reads of the audit log and of ledger verification runs, scoped to one commissioner."""

from django.core.paginator import Paginator

from accounts.models import User
from audit.models import AuditEvent, LedgerCheck

PAGE_SIZE = 50


def events_for(commissioner, *, action: str = "", actor=None, date_from=None, date_to=None,
               page=1):
    """A page of the commissioner's audit events, newest first, optionally filtered."""
    events = AuditEvent.objects.filter(commissioner=commissioner).select_related("actor")
    if action:
        events = events.filter(action=action)
    if actor is not None:
        events = events.filter(actor=actor)
    if date_from:
        events = events.filter(at__date__gte=date_from)
    if date_to:
        events = events.filter(at__date__lte=date_to)
    return Paginator(events, PAGE_SIZE).get_page(page)


def actions_for(commissioner) -> list[str]:
    return list(AuditEvent.objects.filter(commissioner=commissioner).order_by("action")
                .values_list("action", flat=True).distinct())


def actors_for(commissioner):
    """People who appear as actors in the commissioner's log."""
    ids = (AuditEvent.objects.filter(commissioner=commissioner, actor__isnull=False)
           .order_by().values("actor_id").distinct())
    return User.objects.filter(pk__in=ids).order_by("full_name", "email")


def latest_ledger_check() -> LedgerCheck | None:
    return LedgerCheck.objects.select_related("actor").first()


def recent_ledger_checks(limit: int = 10) -> list[LedgerCheck]:
    return list(LedgerCheck.objects.select_related("actor")[:limit])


def problems_for(check: LedgerCheck, commissioner) -> dict:
    """The problems a commissioner may read: their own accounts' and the whole ledger's;
    other commissioners' are counted, not described."""
    own = [p for p in check.problems if p.get("commissioner_id") in (None, commissioner.pk)]
    return {"shown": own, "elsewhere": len(check.problems) - len(own)}
