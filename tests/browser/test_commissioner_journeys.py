"""Commissioner staff at work: approving what providers list, verifying outcomes,
paying providers. Each journey signs in with a password and an authenticator code."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ledger import keys
from tests.browser.world import World
from tests.factories import BankDetailsFactory

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"),
              pytest.mark.django_db(transaction=True)]


def test_a_provider_lists_an_offer_and_a_commissioner_approves_it(
        new_page, provider_admin, manager):
    provider = new_page("provider")
    provider.sign_in(provider_admin, mfa=True).sees_heading("Provider dashboard")
    provider.click_link("Manage your offers").sees_heading("Your offers")
    provider.press_button("Add an offer").sees_heading("Add an offer")
    provider.press_button("Send for approval")
    provider.sees_error("Enter a title").shot("offer-form-errors")

    provider.fill("Title", "Forklift licence (counterbalance)")
    provider.fill("What you will get", "Five days' training and the test.")
    provider.fill("Who it is for", "Anyone over 18 who wants warehouse work.")
    provider.select("Category", "Licences and tickets")
    provider.fill("Price in pounds", "450")
    provider.fill("What the price covers", "Training, the test fee and a certificate.")
    provider.choose("In person", exact=True)
    provider.fill("Town or area", "Leeds")
    provider.press_button("Send for approval").sees_heading("Your offers")
    row = provider.row("Forklift licence (counterbalance)")
    assert "£450.00" in row.inner_text()
    assert "Waiting for approval" in row.inner_text()

    commissioner = new_page("commissioner")
    commissioner.sign_in(manager, mfa=True).sees_heading("Programmes")
    commissioner.click_link("Review offers").sees_heading("Offers waiting for approval")
    commissioner.sees("1 offer to review").shot("offer-approvals").fits(320)
    commissioner.click_link("Forklift licence (counterbalance)")
    commissioner.press_button("Approve").sees("now appears in search")

    visitor = new_page("visitor")
    visitor.goto("/offers/?q=forklift").sees("Forklift licence (counterbalance)", "£450.00")


def test_a_commissioner_verifies_a_job_and_pays_the_provider(
        new_page, manager, jobseeker, provider_admin):
    from bookings.models import Booking
    from budgets import services as money
    from outcomes import services as outcomes

    world = World(manager)
    budget = world.budget_for(jobseeker)
    provider = provider_admin.provider_membership.provider
    BankDetailsFactory(provider=provider)
    offer = World.offer(provider=provider, title="Forklift licence course", price=100_000)
    # Delivered before the job started: only such bookings are attributed to the job.
    now = timezone.now() - timedelta(days=10)
    booking = Booking.objects.create(
        offer=offer, provider=provider, budget=budget, jobseeker=jobseeker, price=offer.price,
        status="confirmed", delivered_at=now, confirmed_at=now)
    money.commit_for_booking(actor=jobseeker, budget=budget, amount=offer.price,
                             booking_id=booking.pk, key=keys.booking_commit(booking.pk))
    money.settle_delivery(budget=budget, provider=provider, amount=offer.price,
                          booking_id=booking.pk, key=keys.booking_settle(booking.pk))
    outcomes.report_outcome(actor=jobseeker, jobseeker=jobseeker, employer="Leeds Logistics",
                            job_title="Warehouse operative", hours_per_week=30,
                            start_date=timezone.localdate() - timedelta(days=3))

    commissioner = new_page("commissioner")
    commissioner.sign_in(manager, mfa=True)
    commissioner.sees("1 job and 0 milestones are waiting for verification")
    commissioner.click_link("Open the verification queue").sees_heading("Outcomes to verify")
    commissioner.shot("verification-queue")
    commissioner.click_link("Warehouse operative at Leeds Logistics")
    commissioner.press_button("Verify the job").shot("outcome-verified")
    commissioner.sees("Verified")

    commissioner.click_nav("Payouts").sees_heading("Payouts")
    # £700 upfront (70 % of £1,000) plus the job-start milestone: 20 % of the £300 withheld.
    owed = commissioner.row(provider.name).inner_text()
    assert "£760.00" in owed, owed
    commissioner.shot("payouts")
    commissioner.press_button("Start a payout run").sees("Payout run finished: 1 payout made")
    commissioner.sees(provider.name, "£760.00").shot("payout-run")


def test_a_commissioner_issues_budgets_from_a_csv_file(new_page, manager):
    from budgets.models import Budget
    from ledger.accounts import pot_account
    from ledger.models import Account

    world = World(manager, budget_per_person=100_000, pot=1_000_000)
    # As Excel saves "CSV UTF-8": a byte-order mark first, and names as people write them.
    first_file = (
        "reference,name,email,months_unemployed,amount\n"
        "LDS-0001,Amina Hussain,amina@example.org,9,\n"
        "LDS-0002,Siân Davies,,14,800\n"
        "LDS-0003,Sam Jones,sam-at-example,2,\n"
    ).encode("utf-8-sig")

    commissioner = new_page("commissioner")
    commissioner.sign_in(manager, mfa=True).sees_heading("Programmes")
    commissioner.click_nav("Programmes").click_link("Leeds Back to Work")
    commissioner.sees_heading("Leeds Back to Work").sees("£10,000.00", "No budgets issued yet.")
    commissioner.shot("programme").fits(320)
    commissioner.press_button("Issue budgets from a CSV file")
    commissioner.sees_heading("Issue budgets from a CSV file")
    commissioner.press_button("Upload and issue").sees_error("Choose a CSV file to upload")

    commissioner.upload("CSV file", name="leeds.csv", content=first_file)
    commissioner.press_button("Upload and issue")
    commissioner.sees("2 budgets issued", "0 already issued before · 1 row with problems")
    problem = commissioner.row("sam-at-example").inner_text()
    assert problem.startswith("4"), problem  # reported by its line in the file
    assert "Email 'sam-at-example' is not a valid email address" in problem, problem
    assert "not eligible: 2 months out of work; the programme needs at least 6" in problem
    for reference in ("LDS-0001", "LDS-0002"):
        code = Budget.objects.get(external_reference=reference).invitation.code
        assert code in commissioner.row(reference).inner_text()
    commissioner.does_not_see("LDS-0003")
    commissioner.shot("csv-upload-problems").fits(320)

    # The corrected file again: only the fixed row is new; nothing is issued twice.
    fixed_file = first_file.replace(b"sam-at-example,2", b"sam@example.org,7")
    commissioner.upload("CSV file", name="leeds.csv", content=fixed_file)
    commissioner.press_button("Upload and issue")
    commissioner.sees("1 budget issued", "2 already issued before · 0 rows with problems")
    commissioner.does_not_see("Rows not issued")
    sam = Budget.objects.get(external_reference="LDS-0003")
    row = commissioner.row("LDS-0003").inner_text()
    assert row.startswith("4") and sam.invitation.code in row, row
    assert f"/claim/{sam.invitation.token}/" in row, row
    commissioner.shot("csv-upload-issued").fits(320)

    commissioner.click_nav("Programmes").click_link("Leeds Back to Work")
    # £1,000 (the budget per person) + £800 + £1,000 left the £10,000 pot.
    commissioner.sees("£7,200.00")
    for reference, name, amount in (("LDS-0001", "Amina Hussain", "£1,000.00"),
                                    ("LDS-0002", "Siân Davies", "£800.00"),
                                    ("LDS-0003", "Sam Jones", "£1,000.00")):
        shown = commissioner.row(reference).inner_text()
        assert name in shown and amount in shown, shown
    assert Budget.objects.filter(programme=world.programme).count() == 3
    pot = Account.objects.get(pk=pot_account(world.programme).pk)
    assert pot.balance == 720_000


def test_a_commissioner_approves_a_provider_and_its_offers_appear(new_page, manager):
    from providers.models import Provider, ProviderStatus
    from tests.factories import OfferFactory, ProviderFactory

    pending = ProviderFactory(name="Leeds Skills Co-operative", status=ProviderStatus.PENDING,
                              areas_served="Leeds", description="Courses for warehouse work.")
    OfferFactory(provider=pending, title="Forklift licence course")
    visitor = new_page("visitor")
    visitor.goto("/offers/?q=forklift").sees("No offers match")

    commissioner = new_page("commissioner")
    commissioner.sign_in(manager, mfa=True)
    commissioner.click_nav("Providers").sees_heading("Providers")
    commissioner.sees("Leeds Skills Co-operative – Social enterprise, Leeds")
    commissioner.shot("provider-approvals").fits(320)
    commissioner.click_link("Leeds Skills Co-operative").sees_heading("Leeds Skills Co-operative")
    assert "Waiting for approval" in commissioner.row("Status").inner_text()
    commissioner.sees("Courses for warehouse work.")
    commissioner.press_button("Record decision").sees_error("Choose a decision")
    commissioner.choose("Refuse").press_button("Record decision")
    commissioner.sees_error("Give the provider a reason")
    commissioner.shot("provider-decision-errors").fits(320)

    commissioner.choose("Approve: list its offers").press_button("Record decision")
    commissioner.sees_heading("Providers").sees("Decision recorded for Leeds Skills Co-operative.")
    commissioner.sees("No providers are waiting.")
    assert "Approved" in commissioner.row("Leeds Skills Co-operative").inner_text()
    assert Provider.objects.get(pk=pending.pk).status == ProviderStatus.APPROVED

    visitor.goto("/offers/?q=forklift").sees("1 offer", "Forklift licence course")
