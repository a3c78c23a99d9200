"""Search with and without JavaScript. With it, htmx swaps in only the results when a
filter changes, puts the filters in the address (so back and refresh work), tells screen
readers how many offers it found, and says so when loading or when an update fails.
Without it, the same plain GET form finds the same offers."""

import pytest
from playwright.sync_api import expect

from tests.browser.journey import Journey
from tests.browser.world import World

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"),
              pytest.mark.django_db(transaction=True)]


@pytest.fixture
def offers(db):
    World.offer(title="Forklift licence course", price=45_000, category="licences")
    World.offer(title="CSCS card and test", price=18_000, category="licences")
    World.offer(title="Interview coaching", price=12_050, category="cv_interview")


def _titles(person: Journey) -> list[str]:
    return person.page.locator("#search-results h3").all_inner_texts()


class WithoutJavaScript(Journey):
    """A tab with JavaScript switched off. axe-core cannot run there (its timers never
    fire), so each page is checked for errors and requests only; the same pages are
    audited with JavaScript on in the other tests."""

    def audit(self):
        from tests.browser.journey import MAX_REQUESTS_PER_PAGE

        assert not self.errors, "\n".join(self.errors)
        assert len(self._requests) <= MAX_REQUESTS_PER_PAGE, self._requests
        return self


def _no_javascript(browser, live_server, name: str) -> Journey:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    return WithoutJavaScript(context.new_page(), name=name)


def test_changing_a_filter_updates_only_the_results_and_the_address(new_page, offers):
    person = new_page()
    person.goto("/offers/").sees("3 offers")
    page = person.page
    # Set on this document: a full page load would lose it.
    page.evaluate("window.stillTheSamePage = true")

    page.get_by_label("Category").select_option(label="Licences and tickets")

    expect(page.locator("#results-heading")).to_have_text("2 offers")
    assert page.evaluate("window.stillTheSamePage === true"), "the whole page was reloaded"
    assert "category=licences" in page.url
    assert sorted(_titles(person)) == ["CSCS card and test", "Forklift licence course"]
    person.does_not_see("Interview coaching")
    # Announced to screen readers by a polite live region outside the swapped results.
    status = page.locator("#search-status")
    assert status.get_attribute("role") == "status"
    expect(status).to_have_text("2 offers found")
    person.audit()  # the swapped page passes axe-core too, and needed one more request only

    # A search typed and sent with Enter also stays on the page.
    page.get_by_label("Search").fill("forklift")
    page.get_by_label("Search").press("Enter")
    expect(page.locator("#results-heading")).to_have_text("1 offer")
    assert page.evaluate("window.stillTheSamePage === true")
    assert "q=forklift" in page.url and "category=licences" in page.url

    # Back returns to the previous results; refresh shows the same filtered page.
    page.go_back()
    expect(page.locator("#results-heading")).to_have_text("2 offers")
    expect(page.get_by_label("Search")).to_have_value("")
    page.go_back()
    expect(page.locator("#results-heading")).to_have_text("3 offers")
    page.go_forward()
    expect(page.locator("#results-heading")).to_have_text("2 offers")
    page.reload()
    expect(page.locator("#results-heading")).to_have_text("2 offers")
    expect(page.get_by_label("Category")).to_have_value("licences")
    person.audit()


def test_the_same_filter_without_javascript_finds_the_same_offers(
        new_page, browser, live_server, offers):
    with_js = new_page("search with JavaScript")
    with_js.goto("/offers/")
    with_js.page.get_by_label("Category").select_option(label="Licences and tickets")
    expect(with_js.page.locator("#results-heading")).to_have_text("2 offers")
    found_with_js, address_with_js = _titles(with_js), with_js.page.url

    without_js = _no_javascript(browser, live_server, "search without JavaScript")
    try:
        without_js.goto("/offers/").sees("3 offers")
        without_js.select("Category", "Licences and tickets")
        # Changing the list alone does nothing without JavaScript: the button sends it.
        without_js.sees("3 offers")
        without_js.press_button("Search", exact=True).sees("2 offers")
        without_js.does_not_see("Interview coaching")
        expect(without_js.page.locator("#search-loading")).to_be_hidden()
        expect(without_js.page.locator("#search-error")).to_be_hidden()
        assert _titles(without_js) == found_with_js
        assert without_js.page.url == address_with_js
        without_js.fits(320)
    finally:
        without_js.page.context.close()


def test_an_invalid_filter_shows_its_error_at_the_top_and_by_the_field(new_page, offers):
    person = new_page()
    person.goto("/offers/")
    person.fill("Lowest price (£)", "ten pounds")
    person.press_button("Search", exact=True)  # the server asks for a full page load
    person.sees_error("Enter the lowest price in pounds")
    person.sees("3 offers")  # the filter it could not use is ignored


def test_while_results_load_the_page_says_so(new_page, offers):
    person = new_page()
    person.goto("/offers/")
    page = person.page
    held = []
    page.route(lambda url: "category=" in url, lambda route: held.append(route))

    page.get_by_label("Category").select_option(label="Licences and tickets")

    loading = page.locator("#search-loading")
    expect(loading).to_be_visible()
    expect(loading).to_have_text("Updating the results…")
    expect(page.locator("#search-results")).to_have_attribute("aria-busy", "true")
    held[0].continue_()
    expect(page.locator("#results-heading")).to_have_text("2 offers")
    expect(loading).to_be_hidden()
    expect(page.locator("#search-results")).not_to_have_attribute("aria-busy", "true")


@pytest.mark.parametrize("failure", ["server error", "no connection"])
def test_a_failed_update_says_what_to_do_and_keeps_the_results(new_page, offers, failure):
    person = new_page()
    person.goto("/offers/")
    page = person.page
    expect(page.locator("#search-error")).to_be_hidden()
    if failure == "server error":
        page.route(lambda url: "category=" in url,
                   lambda route: route.fulfill(status=500, body="Server Error"))
    else:
        page.route(lambda url: "category=" in url, lambda route: route.abort())

    page.get_by_label("Category").select_option(label="Licences and tickets")

    problem = page.locator("#search-error")
    expect(problem).to_be_visible()
    assert problem.get_attribute("role") == "alert"
    expect(problem).to_contain_text("The results could not be updated")
    expect(problem).to_contain_text("press Search to try again")
    expect(page.locator("#results-heading")).to_have_text("3 offers")  # the old ones stay
    expect(page.locator("#search-loading")).to_be_hidden()
    # The browser and htmx log the failure itself; nothing else may have gone wrong.
    person.errors = [e for e in person.errors if "500" not in e and "htmx" not in e.lower()
                     and "ERR_FAILED" not in e]
    person.audit()

    page.unroute_all()
    page.locator("main").get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results-heading")).to_have_text("2 offers")
    expect(problem).to_be_hidden()


def test_the_search_page_fits_a_phone_and_a_narrow_screen(new_page, offers):
    person = new_page()
    person.goto("/offers/").fits(320).shot("search-enhanced")
    person.page.set_viewport_size({"width": 320, "height": 800})
    person.page.get_by_label("Category").select_option(label="Licences and tickets")
    expect(person.page.locator("#results-heading")).to_have_text("2 offers")
    person.fits(320)


def _region_violations(person: Journey) -> list:
    if not person.page.evaluate("typeof window.axe !== 'undefined'"):
        from tests.browser.journey import AXE_SOURCE
        person.page.evaluate(AXE_SOURCE)
    results = person.page.evaluate(
        "async () => await axe.run(document, {runOnly: ['region']})")
    return [node["html"] for v in results["violations"] for node in v["nodes"]]


def test_back_links_are_inside_the_main_landmark(new_page, manager, jobseeker):
    World(manager).budget_for(jobseeker)
    offer = World.offer(title="Forklift licence course", price=45_000)
    person = new_page()
    person.goto(f"/offers/{offer.pk}/")
    back = person.main.locator(".govuk-back-link")
    expect(back).to_have_text("Back to search")
    assert _region_violations(person) == []

    person.sign_in(jobseeker)
    for path in (f"/offers/{offer.pk}/", "/offers/", "/my/", f"/offers/{offer.pk}/book/"):
        person.goto(path)
        assert _region_violations(person) == [], path
    expect(person.main.locator(".govuk-back-link")).to_have_text("Back to the offer")
    # Still first in the tab order after the skip link and the menu: Tab reaches it
    # before anything else in <main>.
    person.main.locator(".govuk-back-link").focus()
    person.page.keyboard.press("Shift+Tab")
    assert person.page.evaluate(
        "!document.getElementById('main-content').contains(document.activeElement)")
