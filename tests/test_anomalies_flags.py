"""Raising, refreshing, reopening and clearing flags, and the flag pages."""

import pytest
from django.conf import settings as django_settings

from anomalies import services
from anomalies.models import Flag, FlagStatus, Rule, Scan
from anomalies.tasks import run_anomaly_checks
from audit.models import AuditEvent
from budgets.errors import NotAllowed
from tests.factories import AuditorFactory, ManagerFactory, give_totp
from tests.factories.anomalies import AnomalyWorld

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def world(manager):
    return AnomalyWorld(manager)


@pytest.fixture
def drained(world):
    """A provider three of whose bookings took a jobseeker's whole budget."""
    offer = world.offer(price=25_000)
    for _ in range(3):
        world.book(offer, budget=25_000)
    return offer


def _flag(world):
    return Flag.objects.get(commissioner=world.programme.commissioner, rule=Rule.WHOLE_BUDGET)


def test_running_the_checks_raises_one_flag_and_rerunning_raises_no_duplicate(
        world, manager, drained):
    first = services.run_checks(commissioner=manager.commissioner, actor=manager)
    second = services.run_checks(commissioner=manager.commissioner, actor=manager)
    assert (first.raised, second.raised, second.refreshed) == (1, 0, 1)
    flag = _flag(world)
    assert flag.status == FlagStatus.OPEN and flag.provider_id == drained.provider_id
    assert Flag.objects.count() == 1


def test_a_cleared_flag_stays_cleared_until_new_evidence_appears(world, manager, drained):
    services.run_checks(commissioner=manager.commissioner)
    services.clear_flag(actor=manager, flag=_flag(world), note="Fixed-price licence course.")
    services.run_checks(commissioner=manager.commissioner)
    assert _flag(world).status == FlagStatus.CLEARED

    world.book(drained, budget=25_000)  # a fourth whole-budget booking
    scan = services.run_checks(commissioner=manager.commissioner)
    flag = _flag(world)
    assert scan.reopened == 1 and flag.status == FlagStatus.OPEN and flag.reopened_at
    assert flag.note == "Fixed-price licence course."  # the earlier review stays readable
    assert AuditEvent.objects.filter(action="anomaly.reopened", object_id=str(flag.pk)).exists()


def test_clearing_records_who_when_and_why_in_the_audit_log(world, manager, drained):
    services.run_checks(commissioner=manager.commissioner)
    flag = services.clear_flag(actor=manager, flag=_flag(world), note="  Checked with them. ")
    assert (flag.status, flag.note, flag.cleared_by) == (FlagStatus.CLEARED,
                                                         "Checked with them.", manager)
    event = AuditEvent.objects.get(action="anomaly.cleared")
    assert event.actor == manager and event.commissioner == manager.commissioner
    assert event.before["status"] == "open"
    assert event.after == {"status": "cleared", "note": "Checked with them.",
                           "cleared_by": manager.pk, "cleared_at": event.after["cleared_at"]}


def test_an_auditor_cannot_clear_a_flag_or_run_the_checks(world, manager, auditor, drained):
    services.run_checks(commissioner=manager.commissioner)
    with pytest.raises(NotAllowed):
        services.clear_flag(actor=auditor, flag=_flag(world), note="I would like to.")
    with pytest.raises(NotAllowed):
        services.run_checks(commissioner=manager.commissioner, actor=auditor)
    assert _flag(world).status == FlagStatus.OPEN


def test_the_nightly_task_checks_every_commissioner_and_is_scheduled(world, drained):
    assert run_anomaly_checks() == 1
    assert run_anomaly_checks() == 0
    assert Scan.objects.count() == 2
    schedule = django_settings.CELERY_BEAT_SCHEDULE["anomaly-checks"]
    assert schedule["task"] == "anomalies.tasks.run_anomaly_checks"


# --- Pages -----------------------------------------------------------------------------------


@pytest.fixture
def flag(world, manager, drained):
    services.run_checks(commissioner=manager.commissioner)
    return _flag(world)


def test_a_manager_runs_the_checks_from_the_page(client, manager, drained):
    client.force_login(manager)
    body = client.post("/commissioner/flags/run/", follow=True).content.decode()
    assert "Checks run: 1 new flag, 0 reopened." in body
    assert "took the jobseeker&#x27;s whole remaining budget" in body


def test_the_list_filters_by_status_and_rule(client, manager, flag):
    client.force_login(manager)
    assert flag.reference in client.get("/commissioner/flags/?status=open").content.decode()
    assert flag.reference not in client.get(
        "/commissioner/flags/?status=cleared").content.decode()
    assert flag.reference not in client.get(
        "/commissioner/flags/?rule=booking_burst").content.decode()
    assert flag.reference in client.get(
        "/commissioner/flags/?rule=whole_budget").content.decode()


def test_the_detail_page_shows_the_evidence(client, manager, flag, drained):
    client.force_login(manager)
    body = client.get(f"/commissioner/flags/{flag.pk}/").content.decode()
    assert body.count("<h1") == 1
    assert "Bookings that took the whole remaining budget" in body and "3 (100 %)" in body
    for booking in drained.bookings.all():
        assert booking.reference in body
    assert "Clear flag" in body


def test_clearing_needs_a_note_shown_at_the_top_and_beside_the_field(client, manager, flag):
    client.force_login(manager)
    body = client.post(f"/commissioner/flags/{flag.pk}/clear/", {"note": "  "}).content.decode()
    assert "There is a problem" in body
    assert body.count("Enter a note saying why you are clearing this flag") == 2
    assert 'href="#id_note"' in body and 'id="id_note-error"' in body
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_a_manager_clears_a_flag_with_a_note(client, manager, flag):
    client.force_login(manager)
    response = client.post(f"/commissioner/flags/{flag.pk}/clear/",
                           {"note": "Spoke to the provider: a fixed-price course."}, follow=True)
    body = response.content.decode()
    assert f"Flag {flag.reference} is cleared." in body
    assert "Spoke to the provider: a fixed-price course." in body
    flag.refresh_from_db()
    assert flag.status == FlagStatus.CLEARED and flag.cleared_by == manager


def test_an_auditor_reads_flags_but_a_post_is_refused(client, auditor, flag):
    client.force_login(auditor)
    body = client.get(f"/commissioner/flags/{flag.pk}/").content.decode()
    assert flag.summary.split(" took")[0] in body and "Clear flag" not in body
    assert "Run checks now" not in client.get("/commissioner/flags/").content.decode()
    assert client.post(f"/commissioner/flags/{flag.pk}/clear/",
                       {"note": "Looks fine."}).status_code == 403
    assert client.post("/commissioner/flags/run/").status_code == 403
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_another_commissioner_sees_nothing_of_these_flags(client, flag, drained):
    other_manager = give_totp(ManagerFactory())
    other_auditor = give_totp(AuditorFactory(commissioner=other_manager.commissioner))
    # The same provider is booked from the other commissioner's budgets too (not enough
    # to trip anything there).
    AnomalyWorld(other_manager).book(drained, budget=100_000)
    services.run_checks(commissioner=other_manager.commissioner, actor=other_manager)
    assert not Flag.objects.filter(commissioner=other_manager.commissioner).exists()
    for person in (other_manager, other_auditor):
        client.force_login(person)
        assert client.get(f"/commissioner/flags/{flag.pk}/").status_code == 404
        assert flag.reference not in client.get("/commissioner/flags/").content.decode()
    client.force_login(other_manager)
    assert client.post(f"/commissioner/flags/{flag.pk}/clear/",
                       {"note": "Not mine."}).status_code == 404
    flag.refresh_from_db()
    assert flag.status == FlagStatus.OPEN


def test_people_outside_the_commissioner_cannot_reach_the_flag_pages(
        client, jobseeker, provider_admin, flag):
    for person in (jobseeker, provider_admin):
        client.force_login(person)
        assert client.get("/commissioner/flags/").status_code == 403
        assert client.get(f"/commissioner/flags/{flag.pk}/").status_code == 403


def test_an_outcome_flag_shows_the_job_and_its_unconfirmed_milestones(client, manager, world):
    from datetime import timedelta

    from django.utils import timezone

    from outcomes.models import Outcome

    booking = world.deliver(world.book(world.offer(price=10_000)))
    admin = booking.provider.members.get(user__role="provider_admin").user
    outcome = world.job(jobseeker=booking.jobseeker, actor=admin, weeks_ago=8,
                        employer="Acme Depot")
    Outcome.objects.filter(pk=outcome.pk).update(reported_at=timezone.now() - timedelta(days=40))
    services.run_checks(commissioner=manager.commissioner)
    flag = Flag.objects.get(rule=Rule.UNCONFIRMED_OUTCOME)
    client.force_login(manager)
    body = client.get(f"/commissioner/flags/{flag.pk}/").content.decode()
    assert "Warehouse operative at Acme Depot" in body
    assert "Job start (due" in body and "not confirmed" in body
    assert admin.display_name in body
