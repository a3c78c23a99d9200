"""Raising and clearing anomaly flags.

``run_checks`` runs every rule for one commissioner and upserts one flag per (rule,
subject): a new finding raises a flag; an open flag gets its evidence refreshed; a
cleared flag stays cleared unless the finding now names evidence (a booking or outcome
id) that was not there when it was cleared, and then it reopens. A flag whose pattern
has gone away is left as it is: a person decides, with a note, that it needs no more
attention.
"""

from django.db import transaction
from django.utils import timezone

from accounts.models import Role
from anomalies.errors import AlreadyCleared, NoteRequired
from anomalies.models import Flag, FlagStatus, Scan
from anomalies.rules import RULES, Finding
from audit.services import record
from budgets.errors import NotAllowed


def _apply(flag: Flag, finding: Finding, now) -> None:
    flag.summary = finding.summary[:300]
    flag.details = finding.details
    flag.evidence_ids = sorted(set(finding.evidence_ids))
    flag.last_seen_at = now
    for name in ("programme_id", "provider_id", "offer_id", "booking_id", "outcome_id",
                 "person_id"):
        setattr(flag, name, getattr(finding, name))


@transaction.atomic
def run_checks(*, commissioner, actor=None, now=None) -> Scan:
    """Run every rule over one commissioner's data and upsert its flags.

    Called by the nightly task (``actor`` None) or by a commissioner manager ("Run
    checks now"). Safe to repeat: it never makes a second flag for the same subject.
    """
    if actor is not None and (actor.role != Role.COMMISSIONER_MANAGER
                              or actor.commissioner_id != commissioner.pk):
        raise NotAllowed("Only a manager of this commissioner can run the checks.")
    now = now or timezone.now()
    findings = [finding for rule in RULES.values() for finding in rule(commissioner, now=now)]
    existing = {(f.rule, f.subject_key): f for f in
                Flag.objects.select_for_update().filter(commissioner=commissioner)}
    raised, reopened, refreshed = [], [], 0
    for finding in findings:
        flag = existing.get((finding.rule, finding.subject_key))
        if flag is None:
            flag = Flag(commissioner=commissioner, rule=finding.rule,
                        subject_key=finding.subject_key, raised_at=now)
            _apply(flag, finding, now)
            raised.append(flag)
            continue
        new_evidence = set(finding.evidence_ids) - set(flag.cleared_evidence_ids)
        if flag.status == FlagStatus.CLEARED and not new_evidence:
            continue
        before = {"status": flag.status, "evidence_ids": flag.evidence_ids}
        _apply(flag, finding, now)
        if flag.status == FlagStatus.CLEARED:
            flag.status, flag.reopened_at = FlagStatus.OPEN, now
            flag.save()
            record(actor=None, action="anomaly.reopened", obj=flag, commissioner=commissioner,
                   summary=f"Flag {flag.reference} reopened: new evidence "
                           f"{sorted(new_evidence)}",
                   before=before, after={"status": flag.status,
                                         "evidence_ids": flag.evidence_ids})
            reopened.append(flag)
        else:
            flag.save()
            refreshed += 1
    # ignore_conflicts: a concurrent run that raised the same flag first wins.
    Flag.objects.bulk_create(raised, ignore_conflicts=True)
    scan = Scan.objects.create(commissioner=commissioner, actor=actor, started_at=now,
                               finished_at=timezone.now(), raised=len(raised),
                               reopened=len(reopened), refreshed=refreshed)
    record(actor=actor, action="anomaly.checks_run", obj=scan, commissioner=commissioner,
           summary=f"Anomaly checks run: {len(raised)} raised, {len(reopened)} reopened",
           after={"raised": len(raised), "reopened": len(reopened), "refreshed": refreshed})
    return scan


def clear_flag(*, actor, flag: Flag, note: str) -> Flag:
    """A commissioner manager of the flag's commissioner clears it with a note saying
    why. Auditors and everyone else are refused; the audit log keeps before and after."""
    if (actor is None or actor.role != Role.COMMISSIONER_MANAGER
            or actor.commissioner_id != flag.commissioner_id):
        raise NotAllowed("Only a manager of this commissioner can clear a flag.")
    note = (note or "").strip()
    if not note:
        raise NoteRequired()
    with transaction.atomic():
        flag = Flag.objects.select_for_update().get(pk=flag.pk)
        if flag.status == FlagStatus.CLEARED:
            raise AlreadyCleared()
        before = {"status": flag.status, "note": flag.note,
                  "cleared_by": flag.cleared_by_id, "cleared_at": flag.cleared_at}
        flag.status, flag.note = FlagStatus.CLEARED, note
        flag.cleared_by, flag.cleared_at = actor, timezone.now()
        flag.cleared_evidence_ids = flag.evidence_ids
        flag.save(update_fields=["status", "note", "cleared_by", "cleared_at",
                                 "cleared_evidence_ids"])
        record(actor=actor, action="anomaly.cleared", obj=flag,
               summary=f"Flag {flag.reference} cleared: {flag.summary}"[:300],
               before=before,
               after={"status": flag.status, "note": note, "cleared_by": actor.pk,
                      "cleared_at": flag.cleared_at})
    return flag
