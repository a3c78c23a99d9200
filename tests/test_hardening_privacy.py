"""Personal data: a jobseeker downloads everything held about them and can erase it; the
ledger and the audit log stay complete. Evidence files go when their retention ends."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from audit.models import AuditEvent
from bookings import services as bookings
from bookings.models import Booking, PlanGoal, Review
from ledger.accounts import available_account
from ledger.models import Account, Entry, Transfer
from ledger.verification import verify_ledger
from outcomes import services as outcomes
from outcomes.models import Evidence, Outcome
from privacy.models import DeletedEvidence, DeletionReason
from privacy.services import delete_expired_evidence, erase_jobseeker
from privacy.tasks import delete_expired_evidence as retention_task
from tests.factories import JobseekerFactory
from tests.factories.bookings import bookable_offer, budget_holder, funded_programme

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def person():
    """A jobseeker with a budget, a confirmed and reviewed booking, a plan goal, a job
    and its evidence."""
    budget = budget_holder(funded_programme(per_person=50_000))
    user = budget.jobseeker
    user.full_name = "Amina Okafor"
    user.save()
    profile = user.jobseeker_profile
    profile.phone, profile.postcode = "07700 900123", "LS1 4AP"
    profile.save()
    offer = bookable_offer(price=20_000, title="Forklift licence")
    booking = bookings.request_booking(jobseeker=user, offer=offer, request_token="p1",
                                       message="I can come on Tuesdays")
    bookings.accept_booking(actor=offer.admin, booking=booking)
    bookings.mark_delivered(actor=offer.admin, booking=booking)
    bookings.confirm_delivery(actor=user, booking=booking)
    bookings.review_booking(actor=user, booking=Booking.objects.get(pk=booking.pk), rating=5,
                            text="Amina found it really useful")
    bookings.add_goal(jobseeker=user, text="Get my forklift licence by June")
    outcome = outcomes.report_outcome(actor=user, jobseeker=user,
                                      start_date=timezone.localdate(), hours_per_week=30,
                                      employer="Leeds Logistics", job_title="Driver")
    outcomes.add_evidence(actor=user, outcome=outcome, kind="payslip",
                          file=SimpleUploadedFile("amina-payslip.pdf", PDF))
    return User.objects.get(pk=user.pk)


def test_the_download_holds_everything_about_the_person(client, person):
    client.force_login(person)
    response = client.get(reverse("my_data_json"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["profile"]["full_name"] == "Amina Okafor"
    assert data["profile"]["postcode"] == "LS1 4AP"
    assert data["budgets"][0]["amount_pence"] == 50_000
    assert data["budgets"][0]["available_pence"] == 30_000
    assert len(data["budgets"][0]["movements"]) >= 3
    assert data["bookings"][0]["your_message"] == "I can come on Tuesdays"
    assert data["plan"]["goals"][0]["text"] == "Get my forklift licence by June"
    assert data["reviews"][0]["text"] == "Amina found it really useful"
    assert data["outcomes"][0]["employer"] == "Leeds Logistics"
    assert data["outcomes"][0]["evidence"][0]["file_name"] == "amina-payslip.pdf"


def test_the_readable_page_shows_the_same(client, person):
    client.force_login(person)
    page = client.get(reverse("my_data")).content.decode()
    for text in ("Amina Okafor", "LS1 4AP", "Forklift licence", "I can come on Tuesdays",
                 "Get my forklift licence by June", "Leeds Logistics", "amina-payslip.pdf"):
        assert text in page


def test_nobody_else_reads_a_persons_data(client, person):
    other = JobseekerFactory()
    client.force_login(other)
    page = client.get(reverse("my_data")).content.decode()
    assert "Amina" not in page


def test_erasure_removes_personal_data_and_disables_login(
        client, person, django_capture_on_commit_callbacks):
    pseudonym = person.pseudonym.hex
    evidence_path = Path(Evidence.objects.get().file.path)
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("privacy_erase"), {"confirm": "on"})
    assert response.status_code == 302

    person.refresh_from_db()
    assert person.full_name == f"Erased person {pseudonym[:8]}"
    assert person.email == f"erased-{pseudonym}@invalid"
    assert not person.is_active and not person.has_usable_password()
    assert (person.jobseeker_profile.phone, person.jobseeker_profile.postcode) == ("", "")
    assert Booking.objects.get().message == ""
    assert Review.objects.get().text == ""
    assert "forklift" not in PlanGoal.objects.get().text
    assert Outcome.objects.get().employer == "(erased)"
    assert not evidence_path.exists()
    assert DeletedEvidence.objects.get().reason == DeletionReason.ERASURE
    assert client.get(reverse("my_data")).status_code == 302  # signed out
    assert not client.login(email="erased-" + pseudonym + "@invalid", password="x")


def test_erasure_keeps_the_ledger_and_audit_log_complete(person):
    transfers = list(Transfer.objects.order_by("pk").values_list("pk", "kind"))
    entries = Entry.objects.count()
    events = AuditEvent.objects.count()
    available = available_account(person.budgets.get())

    erase_jobseeker(actor=person, user=person)

    assert list(Transfer.objects.order_by("pk").values_list("pk", "kind")) == transfers
    assert Entry.objects.count() == entries
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.filter(action="privacy.erased").exists()
    assert Account.objects.get(pk=available.pk).balance == 30_000
    assert verify_ledger().ok


def test_erasure_needs_the_tick_box(client, person):
    client.force_login(person)
    page = client.post(reverse("privacy_erase"), {}).content.decode()
    assert page.count("Tick the box to confirm you want your data erased") == 2
    person.refresh_from_db()
    assert person.is_active


def test_evidence_past_retention_is_deleted_and_the_record_kept(
        person, settings, django_capture_on_commit_callbacks):
    settings.EVIDENCE_RETENTION_DAYS = 30
    evidence = Evidence.objects.get()
    path = Path(evidence.file.path)
    assert delete_expired_evidence() == 0  # not old enough yet
    Evidence.objects.filter(pk=evidence.pk).update(
        uploaded_at=timezone.now() - timedelta(days=31))

    with django_capture_on_commit_callbacks(execute=True):
        assert retention_task() == 1

    assert not path.exists()
    assert Evidence.objects.filter(pk=evidence.pk).exists()
    record = DeletedEvidence.objects.get(evidence=evidence)
    assert record.reason == DeletionReason.RETENTION and record.size == len(PDF)
    assert delete_expired_evidence() == 0  # once only


def test_the_retention_task_is_scheduled_daily(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "privacy.tasks.delete_expired_evidence" in tasks
