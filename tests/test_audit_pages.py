"""The audit log page (read-only, every commissioner's own events) and the ledger
verification page (result and time, a tampered ledger shown failing)."""

from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.db import DatabaseError, connection, transaction
from django.urls import get_resolver

from audit.models import AuditEvent, LedgerCheck
from audit.services import record, run_ledger_check
from audit.tasks import verify_ledger_nightly
from budgets import services as money
from ledger.errors import ImmutableLedgerError
from ledger.models import Entry
from tests.factories import AuditorFactory, ManagerFactory, give_totp

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def programme(manager):
    programme = money.create_programme(actor=manager, name="Back to Work Leeds",
                                       budget_per_person=100_000)
    money.fund_programme(actor=manager, programme=programme, amount=1_000_000,
                         reference="grant-1")
    money.update_programme(actor=manager, programme=programme, min_hours_per_week=20)
    return programme


@pytest.fixture
def elsewhere():
    """Another commissioner, with a funded programme of its own."""
    other = give_totp(ManagerFactory(full_name="Olive Other"))
    programme = money.create_programme(actor=other, name="Bradford Works",
                                       budget_per_person=50_000)
    money.fund_programme(actor=other, programme=programme, amount=500_000,
                         reference="other-grant")
    other.programme = programme
    return other


# --- The audit log -------------------------------------------------------------------------


def test_an_auditor_reads_who_did_what_when_with_before_and_after(client, auditor, manager,
                                                                   programme):
    client.force_login(auditor)
    body = client.get("/commissioner/audit/").content.decode()
    assert body.count("<h1") == 1
    assert "programme.changed" in body and "Rules of Back to Work Leeds changed" in body
    assert manager.display_name in body
    assert "min_hours_per_week" in body and "16 → 20" in body


def test_a_commissioner_sees_none_of_another_commissioners_events(client, auditor, programme,
                                                                  elsewhere):
    client.force_login(auditor)
    body = client.get("/commissioner/audit/").content.decode()
    assert "Bradford Works" not in body and "Olive Other" not in body
    client.force_login(elsewhere)
    body = client.get("/commissioner/audit/").content.decode()
    assert "Bradford Works" in body and "Back to Work Leeds" not in body


def test_the_log_filters_by_action_actor_and_date(client, auditor, manager, programme):
    client.force_login(auditor)
    body = client.get("/commissioner/audit/?action=programme.funded").content.decode()
    assert "Funded Back to Work Leeds" in body and "Rules of" not in body
    body = client.get(f"/commissioner/audit/?actor={auditor.pk + 1000}").content.decode()
    assert "Select a valid choice" in body  # not someone in this log
    body = client.get(f"/commissioner/audit/?actor={manager.pk}").content.decode()
    assert "Funded Back to Work Leeds" in body
    event = AuditEvent.objects.filter(action="programme.funded").get()
    day = event.at.date()
    body = client.get(f"/commissioner/audit/?date_from={day + timedelta(days=1)}"
                      ).content.decode()
    assert "Funded Back to Work Leeds" not in body and "No events match" in body
    body = client.get(f"/commissioner/audit/?date_from={day}&date_to={day}").content.decode()
    assert "Funded Back to Work Leeds" in body


def test_the_log_is_paginated(client, auditor, manager, programme):
    for number in range(60):
        record(actor=manager, action="test.note", obj=programme, summary=f"Note {number}")
    client.force_login(auditor)
    first = client.get("/commissioner/audit/?action=test.note").content.decode()
    assert "Page 1 of 2" in first and "Note 59" in first and "Note 0<" not in first
    second = client.get("/commissioner/audit/?action=test.note&page=2").content.decode()
    assert "Note 0<" in second


def test_no_request_can_change_the_log(client, manager, auditor, programme):
    before = list(AuditEvent.objects.values())
    event = AuditEvent.objects.first()
    for person in (manager, auditor):
        client.force_login(person)
        for method in (client.post, client.put, client.delete, client.patch):
            assert method("/commissioner/audit/", {"id": event.pk}).status_code == 405
            assert method(f"/commissioner/audit/{event.pk}/").status_code == 404
    assert list(AuditEvent.objects.values()) == before
    # No route under the log does anything but read it.
    names = {p.name for p in get_resolver().url_patterns
             for p in getattr(p, "url_patterns", [p])
             if str(p.pattern).startswith("commissioner/audit")}
    assert names == {"audit_log"}


def test_the_database_refuses_to_change_or_delete_an_event(programme):
    event = AuditEvent.objects.first()
    for sql in ("UPDATE audit_auditevent SET summary = 'nothing happened' WHERE id = %s",
                "DELETE FROM audit_auditevent WHERE id = %s"):
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    event.summary = "nothing happened"
    with pytest.raises(ImmutableLedgerError):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).summary != "nothing happened"


def test_people_outside_the_commissioner_cannot_read_the_log(client, jobseeker, provider_admin):
    for person in (jobseeker, provider_admin):
        client.force_login(person)
        assert client.get("/commissioner/audit/").status_code == 403
        assert client.get("/commissioner/ledger/").status_code == 403
        assert client.post("/commissioner/ledger/verify/").status_code == 403


# --- Ledger verification -------------------------------------------------------------------


def _tamper(entry):
    with connection.cursor() as cursor:
        # As a database superuser would: with triggers off for this session only.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE budgets_entry SET amount = amount + 1 WHERE id = %s", [entry.pk])
        cursor.execute("SET session_replication_role = DEFAULT")


def test_the_page_says_when_the_ledger_has_not_been_verified(client, auditor):
    client.force_login(auditor)
    assert "The ledger has not been verified yet." in client.get(
        "/commissioner/ledger/").content.decode()


def test_an_auditor_verifies_the_ledger_and_sees_the_result_and_time(client, auditor,
                                                                     programme):
    client.force_login(auditor)
    body = client.post("/commissioner/ledger/verify/", follow=True).content.decode()
    check = LedgerCheck.objects.get()
    assert check.ok and check.actor == auditor and check.entries_checked == Entry.objects.count()
    assert "The ledger is verified" in body and "Passed" in body
    assert f"{check.entries_checked}" in body and auditor.display_name in body
    assert AuditEvent.objects.filter(action="ledger.verified", actor=auditor).exists()


def test_a_tampered_ledger_is_shown_failing_with_the_entry_named(client, manager, programme):
    target = Entry.objects.filter(account__programme=programme).order_by("id").last()
    _tamper(target)
    client.force_login(manager)
    body = client.post("/commissioner/ledger/verify/", follow=True).content.decode()
    assert "Ledger verification failed" in body and "Failed" in body
    assert f"Entry {target.pk} (account {target.account.key}" in body
    check = LedgerCheck.objects.get()
    assert not check.ok and check.problems[0]["entry_id"] == target.pk
    assert check.problems[0]["commissioner_id"] == manager.commissioner_id


def test_another_commissioner_sees_the_failure_but_not_our_accounts(client, manager, programme,
                                                                    elsewhere):
    target = Entry.objects.filter(account__programme=programme).order_by("id").last()
    _tamper(target)
    check = run_ledger_check(actor=manager)
    # The altered entry, and its transfer that no longer adds up to zero.
    assert {p["commissioner_id"] for p in check.problems} == {manager.commissioner_id}
    client.force_login(elsewhere)
    body = client.get("/commissioner/ledger/").content.decode()
    assert "Ledger verification failed" in body
    assert f"Entry {target.pk}" not in body and target.account.key not in body
    assert (f"{len(check.problems)} problems in accounts of other commissioners' "
            f"programmes") in body
    assert manager.display_name not in body and "by another commissioner" in body


def test_the_nightly_verification_keeps_its_result(programme):
    assert verify_ledger_nightly() is True
    check = LedgerCheck.objects.get()
    assert check.ok and check.actor is None
    assert django_settings.CELERY_BEAT_SCHEDULE["verify-ledger"]["task"] == \
        "audit.tasks.verify_ledger_nightly"


def test_a_verification_result_cannot_be_changed(programme):
    check = run_ledger_check()
    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_ledgercheck SET ok = false WHERE id = %s", [check.pk])


def test_an_auditors_verification_is_logged_for_their_own_commissioner(elsewhere):
    auditor = give_totp(AuditorFactory(commissioner=elsewhere.commissioner))
    check = run_ledger_check(actor=auditor)
    assert check.ok
    event = AuditEvent.objects.get(action="ledger.verified")
    assert event.commissioner == elsewhere.commissioner
