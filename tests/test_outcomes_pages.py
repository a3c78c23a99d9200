"""Outcome pages: reporting a job, evidence kept private, what each person sees."""

from datetime import date

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from outcomes import services
from outcomes.errors import BadEvidence, NotAllowedToReport
from outcomes.models import Evidence, Outcome, OutcomeStatus
from tests.factories import (
    JobseekerFactory,
    ProviderAdminFactory,
    ProviderFactory,
    give_totp,
)
from tests.factories.outcomes import OutcomeWorld, london

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
       b"\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00"
       b"\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(london(2027, 2, 1), tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(manager):
    return OutcomeWorld(manager)


@pytest.fixture
def outcome(world, jobseeker):
    world.budget_for(jobseeker)
    return world.report(jobseeker=jobseeker, start_date=date(2027, 2, 1))


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def report_form(**overrides):
    data = {"employer": "Leeds Logistics", "job_title": "Warehouse operative",
            "start_date": "2027-02-01", "hours_per_week": "20", "weekly_pay": "",
            "evidence_kind": "contract"}
    data.update(overrides)
    return data


def test_a_jobseeker_reports_their_job_with_a_payslip(client, world, jobseeker):
    world.budget_for(jobseeker)
    client.force_login(jobseeker)
    response = client.post(reverse("outcome_report"),
                           report_form(evidence=upload("payslip.pdf", PDF)))
    outcome = Outcome.objects.get(jobseeker=jobseeker)
    assert response.status_code == 302
    assert outcome.status == OutcomeStatus.REPORTED
    assert outcome.evidence.get().content_type == "application/pdf"


def test_the_page_says_why_a_short_hours_job_does_not_count(client, world, jobseeker):
    world.budget_for(jobseeker)
    client.force_login(jobseeker)
    response = client.post(reverse("outcome_report"), report_form(hours_per_week="12"),
                           follow=True)
    assert ("This job is 12 hours a week. Jobs must be at least 16 hours a week to count "
            "for this programme.") in response.content.decode()


def test_a_missing_employer_is_shown_at_the_top_and_beside_the_field(client, world, jobseeker):
    world.budget_for(jobseeker)
    client.force_login(jobseeker)
    page = client.post(reverse("outcome_report"), report_form(employer="")).content.decode()
    assert page.count("Enter the employer&#x27;s name") == 2
    assert "govuk-error-summary" in page


def test_evidence_type_is_judged_by_content_not_name(outcome, jobseeker):
    evidence = services.add_evidence(actor=jobseeker, outcome=outcome,
                                     file=upload("photo.jpg", PNG), kind="payslip")
    assert (evidence.content_type, evidence.extension) == ("image/png", ".png")


def test_a_script_named_like_a_pdf_is_refused(outcome, jobseeker):
    with pytest.raises(BadEvidence):
        services.add_evidence(actor=jobseeker, outcome=outcome,
                              file=upload("payslip.pdf", b"<script>alert(1)</script>",
                                          "application/pdf"),
                              kind="payslip")
    assert not Evidence.objects.exists()


def test_evidence_over_the_size_limit_is_refused(outcome, jobseeker, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(BadEvidence, match="smaller than"):
        services.add_evidence(actor=jobseeker, outcome=outcome,
                              file=upload("big.pdf", PDF + b"0" * 200), kind="payslip")


def test_evidence_is_stored_under_the_private_root(outcome, jobseeker, settings):
    evidence = services.add_evidence(actor=jobseeker, outcome=outcome,
                                     file=upload("amina-payslip.pdf", PDF), kind="payslip")
    path = evidence.file.path
    assert path.startswith(str(settings.PRIVATE_MEDIA_ROOT))
    assert "amina-payslip" not in path


def test_the_evidence_download_is_an_attachment_that_cannot_be_sniffed(client, outcome,
                                                                      jobseeker, manager):
    evidence = services.add_evidence(actor=jobseeker, outcome=outcome,
                                     file=upload("a.pdf", PDF), kind="payslip")
    client.force_login(manager)
    response = client.get(reverse("evidence_download", args=[evidence.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_another_jobseeker_cannot_download_the_evidence(client, outcome, jobseeker):
    evidence = services.add_evidence(actor=jobseeker, outcome=outcome,
                                     file=upload("a.pdf", PDF), kind="payslip")
    client.force_login(JobseekerFactory())
    assert client.get(reverse("evidence_download", args=[evidence.pk])).status_code == 403


def test_another_commissioners_manager_cannot_see_the_job(client, outcome):
    from tests.factories import ManagerFactory, give_totp

    client.force_login(give_totp(ManagerFactory()))
    assert client.get(reverse("outcome_detail", args=[outcome.pk])).status_code == 403


def test_the_adviser_can_report_for_their_caseload(world, jobseeker, adviser):
    world.budget_for(jobseeker)
    outcome = world.report(jobseeker=jobseeker, start_date=date(2027, 2, 1), actor=adviser)
    assert outcome.reported_by == adviser


def test_a_provider_that_never_served_the_jobseeker_cannot_report(world, jobseeker):
    world.budget_for(jobseeker)
    stranger = ProviderAdminFactory()
    with pytest.raises(NotAllowedToReport):
        world.report(jobseeker=jobseeker, start_date=date(2027, 2, 1), actor=stranger)


def test_a_provider_that_delivered_support_can_report(world, jobseeker):
    staff = ProviderAdminFactory()
    world.settled_booking(jobseeker=jobseeker, provider=staff.provider_membership.provider,
                          price=10_000)
    outcome = world.report(jobseeker=jobseeker, start_date=date(2027, 2, 1), actor=staff)
    assert outcome.reported_by == staff


def test_the_manager_verifies_from_the_job_page(client, outcome, manager):
    client.force_login(manager)
    client.post(reverse("outcome_verify", args=[outcome.pk]))
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.VERIFIED


def test_rejecting_needs_a_reason(client, outcome, manager):
    client.force_login(manager)
    page = client.post(reverse("outcome_reject", args=[outcome.pk]), {"reason": ""},
                       follow=True).content.decode()
    outcome.refresh_from_db()
    assert outcome.status == OutcomeStatus.REPORTED
    assert "Give a reason for rejecting the job." in page


def test_the_jobseeker_is_asked_on_their_home_page_and_can_confirm(client, outcome, manager,
                                                                   jobseeker, clock):
    services.verify_outcome(actor=manager, outcome=outcome)
    clock.move_to(london(2027, 5, 3, 3))
    services.process_due_milestones()
    client.force_login(jobseeker)
    page = client.get(reverse("jobseeker_home")).content.decode()
    assert "Are you still working as Warehouse operative at Leeds Logistics?" in page
    milestone = outcome.milestones.get(key="week_13")
    client.post(reverse("milestone_confirm", args=[milestone.pk]))
    milestone.refresh_from_db()
    assert milestone.jobseeker_confirmed_at is not None


def test_the_commissioner_home_counts_the_verification_queue(client, outcome, manager):
    client.force_login(manager)
    page = client.get(reverse("commissioner_home")).content.decode()
    assert "1 job and 0 milestones are waiting for verification." in page


def test_earnings_say_what_each_withheld_payment_waits_for(client, world, manager):
    staff = give_totp(ProviderAdminFactory())
    provider = staff.provider_membership.provider
    amina = JobseekerFactory(full_name="Amina Hussain")
    world.settled_booking(jobseeker=amina, provider=provider, price=10_000)
    outcome = world.report(jobseeker=amina, start_date=date(2027, 2, 1))
    services.verify_outcome(actor=manager, outcome=outcome)
    client.force_login(staff)
    page = client.get(reverse("provider_earnings")).content.decode()
    assert "Waiting for Amina&#x27;s 13-week check on 3 May 2027" in page
    # 10,000 booked: 3,000 withheld; start paid 600; 13 weeks 900 and 26 weeks 1,500 to come.
    assert "£9.00" in page and "£15.00" in page and "£24.00" in page


def test_small_provider_records_say_too_few_to_show(client, world):
    provider = ProviderFactory()
    world.settled_booking(jobseeker=JobseekerFactory(), provider=provider, price=10_000)
    page = client.get(reverse("provider_outcomes", args=[provider.pk])).content.decode()
    assert "too few to show" in page


def test_a_provider_record_counts_people_and_sustained_jobs(world, manager):
    from outcomes.selectors import provider_record

    provider = ProviderFactory()
    for _ in range(5):
        person = JobseekerFactory()
        world.settled_booking(jobseeker=person, provider=provider, price=10_000)
        services.verify_outcome(actor=manager, outcome=world.report(
            jobseeker=person, start_date=date(2027, 2, 1)))
    record = provider_record(provider)
    assert (record.people_served, record.jobs_started, record.in_work_26_weeks) == (5, 5, 0)
    assert record.job_start_rate_bp == 10_000
    assert record.total_paid == 5 * (7_000 + 600)


def test_search_standing_follows_verified_outcomes(world, manager,
                                                   django_capture_on_commit_callbacks):
    from marketplace.models import ProviderStanding

    provider = ProviderFactory()
    for _ in range(5):
        person = JobseekerFactory()
        world.settled_booking(jobseeker=person, provider=provider, price=10_000)
        with django_capture_on_commit_callbacks(execute=True):
            services.verify_outcome(actor=manager, outcome=world.report(
                jobseeker=person, start_date=date(2027, 2, 1)))
    standing = ProviderStanding.objects.get(provider=provider)
    assert (standing.people_served, standing.jobs_started, standing.in_work_26_weeks) == (5, 5, 0)


def test_the_adviser_home_shows_caseload_jobs(client, outcome, adviser):
    client.force_login(adviser)
    page = client.get(reverse("adviser_home")).content.decode()
    assert "1 job waiting for verification" in page


def test_the_commissioner_is_told_when_bonuses_are_owed(client, manager, jobseeker):
    from accounts.models import JobseekerProfile

    world = OutcomeWorld(manager, pot=100_000)
    world.settled_booking(jobseeker=jobseeker, provider=ProviderFactory(), price=10_000)
    JobseekerProfile.objects.filter(user=jobseeker).update(support_tier=3)
    services.verify_outcome(actor=manager, outcome=world.report(
        jobseeker=jobseeker, start_date=date(2027, 2, 1)))
    client.force_login(manager)
    page = client.get(reverse("outcome_queue")).content.decode()
    assert "£6.00" in page and "owed to providers because a programme pot was short" in page


def test_the_manager_sees_a_due_milestone_with_its_verify_button(client, outcome, manager,
                                                                 clock):
    services.verify_outcome(actor=manager, outcome=outcome)
    clock.move_to(london(2027, 5, 3, 3))
    services.process_due_milestones()
    client.force_login(manager)
    page = client.get(reverse("outcome_detail", args=[outcome.pk])).content.decode()
    assert "Verify 13 weeks in work" in page
    assert page.count("<h1") == 1
