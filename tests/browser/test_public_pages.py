"""Someone who has not signed in: the landing page, finding support, signing in."""

import pytest

from tests.browser.world import World

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"),
              pytest.mark.django_db(transaction=True)]


def test_a_visitor_finds_support_from_the_landing_page(new_page):
    World.offer(title="Forklift licence course", price=45000, area="Leeds")
    World.offer(title="Interview coaching", price=12050, area="Bradford")
    visitor = new_page()

    visitor.goto("/").sees_heading("Your budget to get back to work").shot("landing")
    visitor.press_button("Find support").sees_heading("Find support").sees("2 offers")
    visitor.fill("Search", "forklift").press_button("Search", exact=True)
    visitor.sees("1 offer", "Forklift licence course", "£450.00").shot("search")
    visitor.does_not_see("Interview coaching")

    visitor.click_link("Forklift licence course").sees_heading("Forklift licence course")
    visitor.sees("£450.00").shot("offer")


def test_a_search_that_finds_nothing_says_so(new_page):
    World.offer(title="Forklift licence course")
    visitor = new_page()

    visitor.goto("/offers/?q=astronaut").sees("No offers match. Try removing a filter.")


def test_a_wrong_password_is_explained_at_the_top_and_by_the_field(new_page, jobseeker):
    visitor = new_page()
    visitor.goto("/accounts/login/")
    visitor.fill("Email", jobseeker.email).fill("Password", "not-my-password")
    visitor.press_button("Sign in")

    summary = visitor.page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "There is a problem" in summary.inner_text()
    visitor.shot("sign-in-error")


def test_staff_sign_in_asks_for_the_authenticator_code(new_page, manager):
    staff = new_page()

    staff.sign_in(manager, mfa=True)

    assert staff.page.url.endswith("/commissioner/")


def test_signing_in_works_with_the_keyboard_alone(new_page, jobseeker):
    """Tab from the top of the page to each field, type, and submit with Enter; every
    focused field shows a visible focus indicator."""
    from tests.factories import PASSWORD

    visitor = new_page()
    visitor.goto("/accounts/login/")
    keyboard = visitor.page.keyboard

    def tab_to(field_id: str):
        for _ in range(30):
            keyboard.press("Tab")
            focused = visitor.page.evaluate("document.activeElement.id")
            if focused == field_id:
                style = visitor.page.evaluate(
                    "(() => { const s = getComputedStyle(document.activeElement);"
                    " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; })()")
                assert style[0] != "none" or style[2] != "none", f"{field_id} focus invisible"
                return
        raise AssertionError(f"Tab never reached #{field_id}")

    tab_to("id_login")
    keyboard.type(jobseeker.email)
    tab_to("id_password")
    keyboard.type(PASSWORD)
    visitor.press_key("Enter")

    assert visitor.page.url.endswith("/my/")


def test_a_page_someone_may_not_see_says_why(new_page, jobseeker):
    person = new_page()
    person.sign_in(jobseeker)

    person.goto("/commissioner/payouts/", status=403).sees_heading("You cannot see this page")
    person.sees("You are signed in as a jobseeker").shot("forbidden")


def test_a_missing_page_says_what_to_check(new_page):
    visitor = new_page()

    visitor.goto("/no-such-page/", status=404).sees_heading("Page not found")
    visitor.sees("check it is correct")
