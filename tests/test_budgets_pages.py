"""Budget pages: claiming, the jobseeker's budget, and commissioners issuing budgets."""

import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bookings import services as bookings
from budgets import services
from budgets.models import Budget, Programme
from ledger.accounts import pot_account
from ledger.models import Account, Transfer
from tests.factories import (
    AuditorFactory,
    JobseekerFactory,
    ManagerFactory,
    UserFactory,
    give_totp,
)
from tests.factories.bookings import bookable_offer, budget_holder, funded_programme


def pot(programme) -> int:
    return Account.objects.get(pk=pot_account(programme).pk).balance


@pytest.fixture
def programme(db):
    return funded_programme(pot=500_000, per_person=100_000)


def issue(programme, reference="R1", **kwargs):
    budget, _ = services.issue_budget(actor=programme.manager, programme=programme,
                                      external_reference=reference, **kwargs)
    return budget


def test_sign_up_verify_and_claim_with_a_code(client, programme,
                                              django_capture_on_commit_callbacks):
    budget = issue(programme, recipient_name="Amina Hussain")
    response = client.post(reverse("claim_invitation"), {"code": budget.invitation.code})
    assert response["Location"].startswith(reverse("account_signup"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_signup"), {
            "email": "amina@example.org", "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase"})
    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mail.outbox[-1].body).group(0)
    path = link.split("testserver", 1)[-1]
    response = client.post(path, follow=True)
    assert response.redirect_chain[-1][0] == reverse("my_budget")
    budget.refresh_from_db()
    assert budget.jobseeker.email == "amina@example.org"
    assert "£1,000.00" in response.content.decode()


def test_a_claimed_invitation_cannot_be_claimed_again(client, programme):
    budget = issue(programme)
    services.claim_invitation(user=JobseekerFactory(), code_or_token=budget.invitation.code)
    client.force_login(UserFactory())
    body = client.post(reverse("claim_invitation"),
                       {"code": budget.invitation.code}).content.decode()
    assert "already been used" in body


def test_a_wrong_code_is_shown_beside_the_field(client, programme):
    client.force_login(UserFactory())
    body = client.post(reverse("claim_invitation"), {"code": "NOPE1234"}).content.decode()
    assert "govuk-error-message" in body and "could not find that invitation code" in body


def test_claim_by_link_for_a_signed_in_person(client, programme):
    budget = issue(programme)
    person = UserFactory()
    client.force_login(person)
    response = client.get(reverse("claim_by_link", args=[budget.invitation.token]))
    assert response["Location"] == reverse("my_budget")
    budget.refresh_from_db()
    assert budget.jobseeker == person


def test_budget_page_shows_figures_and_history_in_plain_words(client, programme):
    budget = budget_holder(programme)
    offer = bookable_offer(price=12_000)
    kept = bookings.request_booking(jobseeker=budget.jobseeker, offer=offer, request_token="a")
    declined = bookings.request_booking(jobseeker=budget.jobseeker, offer=offer,
                                        request_token="b")
    bookings.decline_booking(actor=offer.admin, booking=declined, reason="Full")
    bookings.accept_booking(actor=offer.admin, booking=kept)
    bookings.mark_delivered(actor=offer.admin, booking=kept)
    bookings.confirm_delivery(actor=budget.jobseeker, booking=kept)
    client.force_login(budget.jobseeker)
    body = client.get(reverse("my_budget")).content.decode()
    assert "£880.00" in body  # to spend
    assert re.search(r"£120.00</span></span> spent", body)
    assert "Budget issued: £1,000.00" in body
    assert f"£120.00 set aside for your booking with {offer.provider.name}" in body
    assert "£120.00 returned to your budget: booking declined" in body
    assert f"£120.00 paid to {offer.provider.name} for your booking" in body


def test_a_jobseeker_sees_only_their_own_budget(client, programme):
    mine, theirs = budget_holder(programme), budget_holder(programme)
    client.force_login(mine.jobseeker)
    body = client.get(reverse("my_budget")).content.decode()
    assert Budget.objects.filter(jobseeker=mine.jobseeker).count() == 1
    assert theirs.jobseeker.full_name not in body


CSV = (
    "reference,name,email,months_unemployed,amount\n"
    "A1,Ann Able,ann@example.org,9,\n"
    "A2,Bob Baker,not-an-email,9,\n"
    "A3,Cat Cole,cat@example.org,nine,\n"
    "A4,Dan Dee,dan@example.org,9,-5\n"
    "A1,Ann Again,ann2@example.org,9,\n"
    "A5,Eve Early,eve@example.org,2,\n"
    "A6,Fay Full,fay@example.org,12,250.50\n"
)


def upload(client, programme, text):
    return client.post(reverse("upload_budgets", args=[programme.pk]),
                       {"file": SimpleUploadedFile("budgets.csv", text.encode())})


def test_csv_reports_every_bad_row_by_line_and_issues_the_good_ones(client, programme):
    client.force_login(programme.manager)
    body = upload(client, programme, CSV).content.decode()
    assert set(programme.budgets.values_list("external_reference", flat=True)) == {"A1", "A6"}
    assert programme.budgets.get(external_reference="A6").amount == 25_050
    for line, words in ((3, "not a valid email"), (4, "not a whole number"),
                        (5, "more than £0"), (6, "repeated (first on line 2)"),
                        (7, "not eligible")):
        assert re.search(rf">{line}</th>\s*<td[^>]*>[^<]*{re.escape(words)}", body, re.I), line
    assert pot(programme) == 500_000 - 100_000 - 25_050


def test_uploading_the_same_file_again_issues_nothing_twice(client, programme):
    client.force_login(programme.manager)
    upload(client, programme, CSV)
    transfers = Transfer.objects.count()
    body = upload(client, programme, CSV).content.decode()
    assert "0 budgets issued" in body and "2 already issued before" in body
    assert Transfer.objects.count() == transfers


def test_rows_after_the_pot_runs_out_are_reported(client, db):
    programme = funded_programme(pot=150_000, per_person=100_000)
    client.force_login(programme.manager)
    body = upload(client, programme, "reference,name,email,months_unemployed\n"
                                     "B1,One,,9\nB2,Two,,9\n").content.decode()
    assert programme.budgets.count() == 1
    assert "Not issued: The programme&#x27;s pot does not have enough money left" in body


def test_programme_rules_errors_name_the_problem(client, manager):
    client.force_login(manager)
    body = client.post(reverse("programme_new"), {
        "name": "Bad rules", "budget_per_person_pounds": "-3", "validity_months": 12,
        "outcome_share_percent": 30,
        "milestones_text": "Start, 0, 20\n13 weeks, 13, 30\n26 weeks, 26, 40",
        "min_hours_per_week": 16, "attribution_months": 12, "tier_1": 1, "tier_2": 1.5,
        "tier_3": 2, "eligibility_months_unemployed": 6}).content.decode()
    assert "more than £0" in body
    assert not Programme.objects.filter(name="Bad rules").exists()
    body = client.post(reverse("programme_new"), {
        "name": "Bad rules", "budget_per_person_pounds": "1200", "validity_months": 12,
        "outcome_share_percent": 30,
        "milestones_text": "Start, 0, 20\n13 weeks, 13, 30\n26 weeks, 26, 40",
        "min_hours_per_week": 16, "attribution_months": 12, "tier_1": 1, "tier_2": 1.5,
        "tier_3": 2, "eligibility_months_unemployed": 6}).content.decode()
    assert "Milestone shares must add up to 100%; they add up to 90%" in body


def test_auditors_read_but_cannot_issue(client, programme):
    auditor = give_totp(AuditorFactory(commissioner=programme.commissioner))
    client.force_login(auditor)
    assert client.get(reverse("programme_detail", args=[programme.pk])).status_code == 200
    response = client.post(reverse("issue_budget", args=[programme.pk]), {
        "reference": "X", "name": "X", "months_unemployed": 9})
    assert response.status_code == 403
    assert not programme.budgets.exists()


def test_another_commissioners_manager_cannot_see_the_programme(client, programme):
    client.force_login(give_totp(ManagerFactory()))
    assert client.get(reverse("programme_detail", args=[programme.pk])).status_code == 404
    assert client.post(reverse("programme_fund", args=[programme.pk]),
                       {"amount": "10", "reference": "x"}).status_code == 404


def test_issuing_one_budget_shows_the_invitation_code(client, programme,
                                                      django_capture_on_commit_callbacks):
    client.force_login(programme.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("issue_budget", args=[programme.pk]), {
            "reference": "ONE", "name": "Dee Dawson", "email": "dee@example.org",
            "months_unemployed": 7}, follow=True)
    budget = programme.budgets.get(external_reference="ONE")
    assert budget.invitation.code in response.content.decode()
    code = budget.invitation.code
    assert f"{code[:4]} {code[4:]}" in mail.outbox[-1].body
