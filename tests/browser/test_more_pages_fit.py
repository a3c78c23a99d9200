"""The public league table and the commissioner's audit log on a 320 px screen: both
tables stack, each row a block with its labels written out, long values wrap, and
nothing scrolls sideways."""

import pytest
from playwright.sync_api import expect

from tests.factories.insights import InsightsWorld

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"),
              pytest.mark.django_db(transaction=True)]


def test_the_league_table_fits_a_320_pixel_screen(new_page, manager):
    InsightsWorld(manager)
    person = new_page()
    person.goto("/league-table/").sees("Able Skills", "Bright Training Ltd")
    person.fits(320).shot("league-table")

    person.page.set_viewport_size({"width": 320, "height": 800})
    row = person.row("Able Skills")
    shown = [label.inner_text() for label in row.locator(".onward-stack-label").all()
             if label.is_visible()]
    assert shown == ["People supported", "Started a job", "In work at 13 weeks",
                     "In work at 26 weeks", "Cost per person in work at 26 weeks"], shown


def test_the_audit_log_fits_a_320_pixel_screen(new_page, manager, auditor):
    from audit.services import record
    from budgets import services as money

    programme = money.create_programme(actor=manager, name="Back to Work Leeds",
                                       budget_per_person=100_000)
    # Unbroken values (references, hashes) are what push a table wider than a phone.
    record(actor=manager, action="programme.changed", obj=programme,
           summary="Rules of Back to Work Leeds changed",
           before={"reference": "grant-" + "0123456789abcdef" * 4},
           after={"reference": "grant-" + "fedcba9876543210" * 4})

    commissioner = new_page("auditor")
    commissioner.sign_in(auditor, mfa=True)
    commissioner.goto("/commissioner/audit/").sees("Rules of Back to Work Leeds changed")
    commissioner.fits(320).shot("audit-log")

    commissioner.page.set_viewport_size({"width": 320, "height": 800})
    expect(commissioner.main.locator(".onward-table--stack thead th").first
           ).not_to_be_in_viewport()
    row = commissioner.row("Rules of Back to Work Leeds changed")
    assert "Before and after" in row.inner_text(), row.inner_text()


def test_the_plans_date_input_shows_its_error_and_fits_a_320_pixel_screen(new_page, jobseeker):
    person = new_page()
    person.sign_in(jobseeker)
    person.goto("/my/plan/").fill("Your goal", "Start a warehouse job")
    person.fill("Day", "31").fill("Month", "2").fill("Year", "2027")
    person.press_button("Add goal").sees_error("Enter a real date")
    expect(person.main.get_by_label("Day")).to_have_value("31")
    expect(person.main.get_by_role("group", name="By when (optional)")).to_be_visible()
    person.fits(320).shot("plan-date-error")

    person.fill("Month", "3").press_button("Add goal").sees("by 31 March 2027")
