"""A jobseeker's journey: claim a budget with an invitation code, find support, book it,
watch the balance change, and confirm the support was delivered."""

import pytest

from tests.browser.world import World

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"),
              pytest.mark.django_db(transaction=True)]


def _balances(person, *, available: str, committed: str, spent: str):
    """The three figures at the top of the budget page, each beside its meaning."""
    person.click_nav("Your budget").sees_heading("Your budget")
    stats = person.main.locator("p.govuk-body").filter(has=person.page.locator(".onward-stat"))
    shown = {}
    for text in stats.all_inner_texts():
        figure, meaning = text.split(None, 1)  # "£550.00\nto spend"
        shown[" ".join(meaning.split())] = figure
    assert shown == {"to spend": available, "set aside for bookings": committed,
                     "spent": spent}, shown


def test_a_jobseeker_books_support_and_the_provider_delivers_it(
        new_page, manager, jobseeker, provider_staff):
    from bookings.models import Booking
    from budgets.models import Budget
    from ledger.accounts import available_account, committed_account, payable_account
    from ledger.models import Account, AccountKind

    world = World(manager, budget_per_person=100_000)
    code = world.invitation_code("JS-1", recipient_name=jobseeker.full_name)
    provider = provider_staff.provider_membership.provider
    World.offer(provider=provider, title="Forklift licence course", price=45_000,
                category="licences", price_covers="Five days' training and the test")
    World.offer(title="Interview coaching", price=12_050, category="cv_interview")

    # --- The jobseeker claims the budget with the code from their letter. ---------------
    person = new_page("jobseeker")
    person.sign_in(jobseeker).sees("You have no budget yet")
    person.click_link("Claim your budget with your invitation code")
    person.sees_heading("Claim your budget")
    person.press_button("Claim budget").sees_error("Enter your invitation code")
    person.fill("Invitation code", "ZZZZ ZZZZ").press_button("Claim budget")
    person.sees_error("We could not find that invitation code. Check it and try again.")
    # Typed as it might be read out on the phone: in lower case, in two groups of four.
    person.fill("Invitation code", f"{code[:4]} {code[4:]}".lower())
    person.press_button("Claim budget")
    person.sees_heading("Your budget").sees("Your budget of £1,000.00 is ready to spend.")
    _balances(person, available="£1,000.00", committed="£0.00", spent="£0.00")
    person.shot("jobseeker-budget-claimed").fits(320)

    person.click_nav("Home").sees("£1,000.00 left to spend").shot("jobseeker-home").fits(320)

    # --- Searches with a filter, opens the offer, books it. ------------------------------
    person.click_nav("Find support").sees_heading("Find support").sees("2 offers")
    person.select("Category", "Licences and tickets").press_button("Search", exact=True)
    person.sees("1 offer", "Forklift licence course", "£450.00").does_not_see(
        "Interview coaching")
    person.shot("jobseeker-search").fits(320)
    person.click_link("Forklift licence course").sees_heading("Forklift licence course")
    person.sees("£450.00", provider.name).shot("jobseeker-offer").fits(320)

    person.press_button("Book this").sees_heading("Book Forklift licence course")
    assert "£1,000.00" in person.row("Your budget now").inner_text()
    assert "£550.00" in person.row("Left after booking").inner_text()
    person.shot("jobseeker-book").fits(320)
    person.fill("Anything the provider should know", "I can do weekday mornings.")
    person.press_button("Confirm booking").sees_heading("Forklift licence course")
    person.sees(f"Booking requested. {provider.name} will accept or decline it.")
    assert "Requested" in person.row("Status").inner_text()

    _balances(person, available="£550.00", committed="£450.00", spent="£0.00")
    person.shot("jobseeker-budget-booked").fits(320)

    # --- The provider's member of staff accepts and delivers. ----------------------------
    staff = new_page("provider")
    staff.sign_in(provider_staff, mfa=True).sees_heading("Provider dashboard")
    staff.click_nav("Bookings").sees_heading("Bookings")
    staff.sees("1 waiting for your answer · 0 to deliver")
    row = staff.row("Forklift licence course").inner_text()
    assert "£450.00" in row and "Requested" in row, row
    staff.shot("provider-inbox").fits(320)
    staff.click_link(Booking.objects.get().reference).sees_heading("Forklift licence course")
    staff.sees("name and contact shown once you accept", "I can do weekday mornings.")
    staff.does_not_see(jobseeker.email)
    staff.shot("provider-booking").fits(320)

    staff.press_button("Accept booking").sees("Booking accepted.")
    assert "Accepted" in staff.row("Status").inner_text()
    staff.sees(jobseeker.email)
    staff.press_button("Mark as delivered").sees("Marked as delivered.")
    assert "Delivered" in staff.row("Status").inner_text()
    staff.click_nav("Bookings").sees("0 to deliver · 1 waiting for the person to confirm")

    # --- The jobseeker confirms; the money set aside is spent. ---------------------------
    person.click_nav("Bookings")
    person.click_link("Forklift licence course")
    assert "Delivered" in person.row("Status").inner_text()
    person.sees("Did you get this support?").shot("jobseeker-confirm").fits(320)
    # Nothing needs a mouse: the button is reached and pressed from the keyboard.
    person.main.get_by_role("button", name="Yes, I got it").focus()
    person.press_key("Enter")
    person.sees("Thank you. You confirmed the support was delivered.")
    assert "Confirmed" in person.row("Status").inner_text()
    person.does_not_see("Did you get this support?")

    _balances(person, available="£550.00", committed="£0.00", spent="£450.00")

    # The ledger agrees: 70 % to the provider now, 30 % held back for job outcomes.
    budget = Budget.objects.get(jobseeker=jobseeker)
    payable = payable_account(provider=provider, programme=world.programme)
    escrow = Account.objects.get(kind=AccountKind.ESCROW, provider=provider, budget=budget)
    assert Account.objects.get(pk=available_account(budget).pk).balance == 55_000
    assert Account.objects.get(pk=committed_account(budget).pk).balance == 0
    assert (Account.objects.get(pk=payable.pk).balance, escrow.balance) == (31_500, 13_500)


def test_the_main_jobseeker_pages_fit_a_320_pixel_screen(new_page, manager, jobseeker):
    World(manager).budget_for(jobseeker)
    offer = World.offer(title="Forklift licence course with a very long name indeed", price=45000)
    person = new_page()

    for path in ("/", "/offers/", "/accounts/login/"):
        person.goto(path).fits(320)
    person.goto(f"/offers/{offer.pk}/").fits(320)
    person.sign_in(jobseeker)
    person.goto("/my/").fits(320)
