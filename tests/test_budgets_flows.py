"""Budget flows beyond the basic pages: expiry, invitation links, rules in the form's units,
and who may see what."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bookings import services as bookings
from budgets import selectors, services
from budgets.models import Budget, BudgetStatus, Programme
from budgets.rules import validate_programme_rules
from budgets.tasks import expire_budgets
from ledger.accounts import available_account, pot_account
from ledger.models import Account, Transfer, TransferKind
from tests.factories import (
    PASSWORD,
    AuditorFactory,
    ManagerFactory,
    UserFactory,
    give_totp,
)
from tests.factories.bookings import bookable_offer, budget_holder, funded_programme

pytestmark = pytest.mark.postgres

RULES = {"name": "Leeds Back to Work", "budget_per_person_pounds": "1,200.50",
         "validity_months": 12, "outcome_share_percent": "27.5",
         "milestones_text": "Job start, 0, 20\n13 weeks in work, 13, 30\n26 weeks, 26, 50",
         "min_hours_per_week": 16, "attribution_months": 12, "tier_1": 1, "tier_2": 1.5,
         "tier_3": 2, "eligibility_months_unemployed": 6}


def balance(account) -> int:
    return Account.objects.get(pk=account.pk).balance


@pytest.fixture
def programme(db):
    return funded_programme(pot=500_000, per_person=100_000)


def past_expiry(budget):
    Budget.objects.filter(pk=budget.pk).update(expires_on=dt.date(2020, 1, 1))


# --- Expiry ---------------------------------------------------------------------------


def test_expiry_task_run_twice_returns_the_balance_to_the_pot_once(programme):
    budget = budget_holder(programme)
    offer = bookable_offer(price=30_000)
    bookings.request_booking(jobseeker=budget.jobseeker, offer=offer, request_token="x")
    past_expiry(budget)
    pot = pot_account(programme)
    before = balance(pot)
    assert expire_budgets() == 1
    assert expire_budgets() == 0
    assert balance(pot) == before + 70_000
    assert balance(available_account(budget)) == 0
    assert Transfer.objects.filter(kind=TransferKind.EXPIRE, budget=budget).count() == 1
    budget.refresh_from_db()
    assert budget.status == BudgetStatus.EXPIRED


def test_expiry_task_leaves_budgets_still_in_date(programme):
    budget = budget_holder(programme)
    assert expire_budgets() == 0
    assert balance(available_account(budget)) == 100_000


def test_an_expired_budget_says_so_in_the_history(client, programme):
    budget = budget_holder(programme)
    past_expiry(budget)
    expire_budgets()
    texts = [m.text for m in selectors.budget_history(budget)]
    assert texts[0] == "Budget expired: £1,000.00 returned to the programme"


# --- Balances ---------------------------------------------------------------------------


def test_balances_split_available_committed_and_spent(programme):
    budget = budget_holder(programme)
    offer = bookable_offer(price=12_000)
    paid = bookings.request_booking(jobseeker=budget.jobseeker, offer=offer, request_token="a")
    bookings.request_booking(jobseeker=budget.jobseeker, offer=offer, request_token="b")
    bookings.accept_booking(actor=offer.admin, booking=paid)
    bookings.mark_delivered(actor=offer.admin, booking=paid)
    bookings.confirm_delivery(actor=budget.jobseeker, booking=paid)
    assert selectors.budget_balances(budget) == {
        "issued": 100_000, "available": 76_000, "committed": 12_000, "spent": 12_000}


# --- Invitations ------------------------------------------------------------------------


def test_csv_result_lists_each_invitation_code_and_link(client, programme):
    client.force_login(programme.manager)
    body = client.post(reverse("upload_budgets", args=[programme.pk]), {
        "file": SimpleUploadedFile("b.csv", b"reference,name,email,months_unemployed\n"
                                            b"L1,Lee Lowe,,8\n")}).content.decode()
    invitation = programme.budgets.get(external_reference="L1").invitation
    assert invitation.code in body
    assert f"/claim/{invitation.token}/" in body


def test_budget_page_shows_the_invitation_link_until_claimed(client, programme):
    budget, _ = services.issue_budget(actor=programme.manager, programme=programme,
                                      external_reference="D1")
    client.force_login(programme.manager)
    url = reverse("budget_detail", args=[programme.pk, budget.pk])
    assert f"/claim/{budget.invitation.token}/" in client.get(url).content.decode()


def test_an_anonymous_link_goes_to_sign_up_and_back_to_the_claim(client, programme):
    budget, _ = services.issue_budget(actor=programme.manager, programme=programme,
                                      external_reference="D2")
    response = client.get(reverse("claim_by_link", args=[budget.invitation.token]))
    assert response["Location"] == (f"{reverse('account_signup')}"
                                    f"?next={reverse('claim_invitation')}")


def test_a_signed_in_person_with_a_pending_code_claims_on_return(client, programme):
    budget, _ = services.issue_budget(actor=programme.manager, programme=programme,
                                      external_reference="D3")
    client.get(reverse("claim_by_link", args=[budget.invitation.token]))
    person = UserFactory()
    client.force_login(person)
    assert client.get(reverse("claim_invitation"))["Location"] == reverse("my_budget")
    budget.refresh_from_db()
    assert budget.jobseeker == person


def test_someone_with_an_account_signs_in_and_the_claim_completes(client, programme):
    budget, _ = services.issue_budget(actor=programme.manager, programme=programme,
                                      external_reference="D5")
    client.post(reverse("claim_invitation"), {"code": budget.invitation.code})
    person = UserFactory()
    response = client.post(reverse("account_login"),
                           {"login": person.email, "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("my_budget")
    budget.refresh_from_db()
    assert budget.jobseeker == person


def test_csv_rows_with_an_email_are_sent_their_invitation(client, programme,
                                                         django_capture_on_commit_callbacks):
    client.force_login(programme.manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("upload_budgets", args=[programme.pk]), {
            "file": SimpleUploadedFile("b.csv", b"reference,name,email,months_unemployed\n"
                                                b"M1,Mo,mo@example.org,8\nM2,Nia,,8\n")})
    token = programme.budgets.get(external_reference="M1").invitation.token
    assert [m.to for m in mail.outbox] == [["mo@example.org"]]
    assert f"/claim/{token}/" in mail.outbox[0].body


def test_a_used_link_is_refused_with_a_clear_message(client, programme):
    budget = budget_holder(programme)
    client.force_login(UserFactory())
    body = client.get(reverse("claim_by_link", args=[budget.invitation.token])).content.decode()
    assert "already been used" in body


def test_staff_cannot_claim_a_budget(client, programme, provider_admin):
    budget, _ = services.issue_budget(actor=programme.manager, programme=programme,
                                      external_reference="D4")
    client.force_login(provider_admin)
    body = client.post(reverse("claim_invitation"),
                       {"code": budget.invitation.code}).content.decode()
    assert "Staff accounts cannot claim budgets" in body
    budget.refresh_from_db()
    assert budget.jobseeker is None


# --- Programme rules ----------------------------------------------------------------------


def rule_errors(**rules):
    programme = Programme(budget_per_person=100_000, **rules)
    return validate_programme_rules(programme)


def test_default_rules_are_valid():
    assert rule_errors() == {}


def test_milestone_shares_must_add_up_to_100_percent():
    errors = rule_errors(milestones=[{"key": "start", "label": "Start", "weeks": 0,
                                      "share_bp": 6000}])
    assert errors["milestones"] == ["Milestone shares must add up to 100%; they add up to 60%."]


def test_the_outcome_share_must_be_between_0_and_100_percent():
    assert rule_errors(outcome_share_bp=10_001)["outcome_share_bp"] == [
        "The outcome share must be between 0% and 100%."]


def test_the_budget_per_person_must_be_positive():
    programme = Programme(budget_per_person=0)
    assert validate_programme_rules(programme)["budget_per_person"] == [
        "Budget per person must be more than £0."]


def test_a_tier_multiplier_below_one_is_refused():
    errors = rule_errors(tier_multipliers={"1": 10_000, "2": 9_000, "3": 20_000})
    assert errors["tier_multipliers"] == ["Tier 2's multiplier must be at least 1.0."]


def test_percent_and_pounds_are_saved_as_basis_points_and_pence(client, manager):
    client.force_login(manager)
    response = client.post(reverse("programme_new"), RULES)
    programme = Programme.objects.get(name="Leeds Back to Work")
    assert response["Location"] == reverse("programme_detail", args=[programme.pk])
    assert programme.budget_per_person == 120_050
    assert programme.outcome_share_bp == 2750
    assert [m["share_bp"] for m in programme.milestones] == [2000, 3000, 5000]
    assert programme.multiplier_bp(2) == 15_000


def test_a_malformed_milestone_line_is_named_by_its_number(client, manager):
    client.force_login(manager)
    body = client.post(reverse("programme_new"), {
        **RULES, "milestones_text": "Job start, 0, 20\n13 weeks, thirteen, 30\n26 weeks, 26"
    }).content.decode()
    assert "Line 2: weeks must be a whole number" in body
    assert "Line 3: write name, weeks, percent" in body
    assert not Programme.objects.exists()


def test_an_outcome_share_over_100_percent_is_refused(client, manager):
    client.force_login(manager)
    body = client.post(reverse("programme_new"),
                       {**RULES, "outcome_share_percent": "130"}).content.decode()
    assert "govuk-error-summary" in body and "less than or equal to 100" in body
    assert not Programme.objects.exists()


def test_a_manager_changes_the_rules(client, programme):
    client.force_login(programme.manager)
    client.post(reverse("programme_edit", args=[programme.pk]),
                {**RULES, "name": programme.name, "validity_months": 6})
    programme.refresh_from_db()
    assert programme.validity_months == 6


# --- Who may see what ---------------------------------------------------------------------


def test_the_auditor_sees_no_buttons_to_change_anything(client, programme):
    client.force_login(give_totp(AuditorFactory(commissioner=programme.commissioner)))
    body = client.get(reverse("programme_detail", args=[programme.pk])).content.decode()
    assert reverse("issue_budget", args=[programme.pk]) not in body
    assert reverse("programme_fund", args=[programme.pk]) not in body


@pytest.mark.parametrize("name", ["programme_fund", "programme_edit", "upload_budgets"])
def test_the_auditor_cannot_change_anything(client, programme, name):
    client.force_login(give_totp(AuditorFactory(commissioner=programme.commissioner)))
    pot = balance(pot_account(programme))
    response = client.post(reverse(name, args=[programme.pk]),
                           {"amount": "100", "reference": "audit", **RULES})
    assert response.status_code == 403
    assert balance(pot_account(programme)) == pot


def test_programme_list_shows_only_the_commissioners_own(client, programme):
    other = funded_programme(pot=1_000, per_person=500)
    client.force_login(programme.manager)
    body = client.get(reverse("programmes")).content.decode()
    assert programme.name in body and other.name not in body


def test_another_commissioners_auditor_gets_not_found(client, programme):
    client.force_login(give_totp(AuditorFactory()))
    budget = budget_holder(programme)
    assert client.get(reverse("budget_detail",
                              args=[programme.pk, budget.pk])).status_code == 404


def test_another_commissioners_manager_cannot_issue(client, programme):
    client.force_login(give_totp(ManagerFactory()))
    response = client.post(reverse("issue_budget", args=[programme.pk]),
                           {"reference": "Z", "name": "Z", "months_unemployed": 9})
    assert response.status_code == 404
    assert not programme.budgets.exists()


def test_a_jobseeker_cannot_open_a_commissioners_budget_page(client, programme):
    mine, theirs = budget_holder(programme), budget_holder(programme)
    client.force_login(mine.jobseeker)
    assert client.get(reverse("budget_detail",
                              args=[programme.pk, theirs.pk])).status_code == 403


def test_a_jobseekers_page_shows_only_their_own_money(client, programme):
    mine = budget_holder(programme, amount=40_000)
    budget_holder(programme, amount=65_000)
    client.force_login(mine.jobseeker)
    body = client.get(reverse("my_budget")).content.decode()
    assert "Budget issued: £400.00" in body
    assert "£650.00" not in body


def test_the_jobseeker_panel_shows_the_budget_at_a_glance(client, programme):
    budget = budget_holder(programme)
    client.force_login(budget.jobseeker)
    body = client.get("/", follow=True).content.decode()
    assert "£1,000.00" in body and reverse("my_budget") in body


def test_the_commissioner_panel_lists_their_programmes(client, programme):
    client.force_login(programme.manager)
    body = client.get("/", follow=True).content.decode()
    assert programme.name in body and "£5,000.00" in body
