"""What each person finds waiting for them: the jobseeker's tasks on their home page
(confirm they are still in work, confirm support was delivered), empty pages that say
what happens next, and a menu that folds away on a phone."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.world import World

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"),
              pytest.mark.django_db(transaction=True)]


def test_the_jobseekers_home_asks_them_to_confirm_they_are_still_in_work(
        new_page, manager, jobseeker):
    from bookings.models import Booking
    from outcomes import services as outcomes
    from outcomes.models import Milestone

    world = World(manager)
    budget = world.budget_for(jobseeker)
    offer = World.offer(title="Forklift licence course", price=45_000)
    Booking.objects.create(offer=offer, provider=offer.provider, budget=budget,
                           jobseeker=jobseeker, price=offer.price, status="delivered",
                           delivered_at=timezone.now(), request_token="delivered-1")
    job = outcomes.report_outcome(
        actor=jobseeker, jobseeker=jobseeker, employer="Leeds Logistics",
        job_title="Warehouse operative", hours_per_week=30,
        start_date=timezone.localdate() - timedelta(weeks=14))
    outcomes.verify_outcome(actor=manager, outcome=job)
    outcomes.mark_due_milestones()

    person = new_page()
    person.sign_in(jobseeker).sees_heading("Hello")
    tasks = person.page.get_by_role("region", name="Things to do")
    expect(tasks).to_contain_text(
        "Are you still working as Warehouse operative at Leeds Logistics?")
    expect(tasks).to_contain_text("Confirm you got Forklift licence course")
    person.sees("Please confirm you got it")
    person.shot("jobseeker-home-tasks").fits(320)

    tasks.get_by_role("button", name="Yes, I am still in work").focus()
    person.press_key("Enter")
    person.sees("Thank you for confirming you are still in work.")
    # The delivery still waits for confirmation; the question about the job has gone.
    tasks = person.page.get_by_role("region", name="Things to do")
    expect(tasks).not_to_contain_text("Are you still working")
    expect(tasks).to_contain_text("Confirm you got Forklift licence course")
    assert Milestone.objects.filter(outcome=job, jobseeker_confirmed_at__isnull=False).exists()


def test_empty_pages_say_what_happens_next(new_page, provider_admin, manager, jobseeker):
    person = new_page("jobseeker")
    person.sign_in(jobseeker).sees("You have no budget yet", "No bookings yet.")
    person.click_nav("Bookings").sees_heading("Your bookings")
    person.goto("/offers/?q=astronaut").sees("No offers match. Try removing a filter.")

    provider = new_page("provider")
    provider.sign_in(provider_admin, mfa=True)
    provider.click_nav("Bookings").sees(
        "No bookings yet. Bookings appear here when jobseekers book your offers.").fits(320)
    provider.goto("/provider/offers/").sees("You have no offers yet.").fits(320)
    provider.goto("/provider/payouts/").sees("No payouts yet.").fits(320)

    commissioner = new_page("commissioner")
    commissioner.sign_in(manager, mfa=True)
    commissioner.goto("/commissioner/programmes/").sees("No programmes yet.").fits(320)
    commissioner.goto("/commissioner/payouts/").sees(
        "No provider is owed money at the moment.", "No payout runs yet.", "No payouts yet.")
    commissioner.fits(320)


def test_on_a_phone_the_menu_folds_away_behind_a_button(new_page, jobseeker):
    person = new_page()
    person.sign_in(jobseeker)
    page = person.page
    menu = page.get_by_role("navigation", name="Menu")
    toggle = menu.get_by_role("button", name="Menu")
    expect(toggle).to_be_hidden()  # a desktop shows every link
    expect(menu.get_by_role("link", name="Your budget")).to_be_visible()

    page.set_viewport_size({"width": 320, "height": 700})
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu.get_by_role("link", name="Your budget")).to_be_hidden()
    toggle.focus()
    page.keyboard.press("Enter")  # nothing needs a mouse
    expect(toggle).to_have_attribute("aria-expanded", "true")
    menu.get_by_role("link", name="Your budget").focus()
    person.press_key("Enter").sees_heading("Your budget").fits(320)
