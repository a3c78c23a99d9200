"""A person going through Onward in Chromium, and the checks every page they see must pass.

Each page that loads is checked as it arrives: axe-core finds no serious or critical
accessibility problem, the browser reports no JavaScript error or Content-Security-Policy
violation, and the page needs only a few requests. ``shot`` saves screenshots at phone
and desktop widths into test-artifacts/screenshots/ (git-ignored).
"""

import json
import re
import time
from pathlib import Path

import axe_playwright_python
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()
BLOCKING_IMPACTS = {"serious", "critical"}
# A page is its HTML, two stylesheets, two scripts and the favicon; allow a little more.
MAX_REQUESTS_PER_PAGE = 8

HTMX_CANCELLED = ("htmx:sendAbort", "htmx:afterRequest")

# What every page audited in this run found, for test-artifacts/axe-report.json.
AUDITED: list[dict] = []


def totp_code() -> str:
    """The current code of the authenticator app that give_totp() sets up. Codes change
    every 30 seconds and the server allows no drift, so a code about to change is not
    typed: wait for the next one, as a person would."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    from tests.factories import TEST_TOTP_SECRET

    left = 30 - time.time() % 30
    if left < 4:
        time.sleep(left + 0.2)
    return format_hotp_value(hotp_value(TEST_TOTP_SECRET, int(time.time()) // 30))


class Journey:
    """One person's browser tab. Every navigation it makes is audited."""

    def __init__(self, page: Page, name: str):
        self.page = page
        self.name = name
        self.errors: list[str] = []
        self._requests: list[str] = []
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"JavaScript error: {error}"))
        page.on("request", self._on_request)

    def _on_request(self, request):
        # A redirect chain's earlier documents are not part of the page that shows.
        if request.resource_type == "document":
            self._requests.clear()
        self._requests.append(request.url)

    def _on_console(self, message):
        # htmx logs a search it cancelled for a newer one (a filter changed, then Search
        # pressed) as an error; that is the search working. A failed one still shows as
        # htmx:responseError or htmx:sendError, and the browser logs the failing status.
        if message.type == "error" and not message.text.startswith(HTMX_CANCELLED):
            self.errors.append(f"Console error on {self.page.url}: {message.text}")

    # --- moving about ---------------------------------------------------------------

    def goto(self, path: str, *, status: int = 200):
        self._requests.clear()
        response = self.page.goto(path)
        assert response is not None and response.status == status, (
            f"{path} answered {response.status if response else 'nothing'}, not {status}")
        if status >= 400:  # the browser logs the expected error status; nothing else may fail
            self.errors = [e for e in self.errors if f"status of {status}" not in e]
        self.audit()
        return self

    def _navigate(self, action):
        self._requests.clear()
        with self.page.expect_navigation() as navigation:
            action()
        response = navigation.value
        self.page.wait_for_load_state("load")
        assert response is None or response.status < 400, (
            f"{self.page.url} answered {response.status}")
        self.audit()
        return self

    def press_key(self, key: str):
        """Press a key that submits or follows something (Enter on a field or a link)."""
        return self._navigate(lambda: self.page.keyboard.press(key))

    def click_link(self, name: str, *, exact: bool = False):
        link = self.page.locator("main").get_by_role("link", name=name, exact=exact).first
        return self._navigate(link.click)

    def click_nav(self, name: str):
        nav = self.page.get_by_role("navigation", name="Menu")
        return self._navigate(nav.get_by_role("link", name=name).click)

    def press_button(self, name: str, *, exact: bool = False):
        button = self.page.locator("main").get_by_role("button", name=name, exact=exact).first
        return self._navigate(button.click)

    def fill(self, label: str, value: str, *, exact: bool = False):
        self.page.locator("main").get_by_label(label, exact=exact).first.fill(value)
        return self

    def choose(self, label: str, *, exact: bool = False):
        self.page.locator("main").get_by_label(label, exact=exact).first.check()
        return self

    def select(self, label: str, option: str):
        self.page.locator("main").get_by_label(label).first.select_option(label=option)
        return self

    def upload(self, label: str, *, name: str, content: bytes, mime: str = "text/csv"):
        self.page.locator("main").get_by_label(label).first.set_input_files(
            files=[{"name": name, "mimeType": mime, "buffer": content}])
        return self

    # --- what the page shows ---------------------------------------------------------

    @property
    def main(self):
        return self.page.locator("main")

    def heading(self) -> str:
        return self.page.locator("h1").inner_text().strip()

    def sees(self, *texts: str):
        for text in texts:
            expect(self.main).to_contain_text(text)
        return self

    def sees_heading(self, text: str):
        expect(self.page.locator("h1")).to_contain_text(text)
        return self

    def does_not_see(self, *texts: str):
        for text in texts:
            expect(self.main).not_to_contain_text(text)
        return self

    def sees_error(self, message: str):
        """The message is in the error summary at the top and beside its field."""
        summary = self.page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_contain_text("There is a problem")
        expect(summary).to_contain_text(message)
        expect(self.page.locator(".govuk-error-message").filter(has_text=message).first
               ).to_be_visible()
        return self

    def row(self, text: str):
        """The table row (or summary list row) that mentions ``text``."""
        rows = self.main.locator("tr, .govuk-summary-list__row").filter(has_text=text)
        expect(rows.first).to_be_visible()
        return rows.first

    # --- checks ------------------------------------------------------------------------

    def audit(self):
        """axe-core on the page as it is now: no serious or critical violation. Also no
        JavaScript error or CSP violation so far, and only a few requests for the page."""
        page = self.page
        if not page.evaluate("typeof window.axe !== 'undefined'"):
            page.evaluate(AXE_SOURCE)
        results = page.evaluate(
            "async () => await axe.run(document, {resultTypes: ['violations']})")
        violations = results["violations"]
        path = re.sub(r"^https?://[^/]+", "", page.url)
        AUDITED.append({
            "journey": self.name, "path": path, "title": page.title(),
            "requests": len(self._requests),
            "violations": [{"id": v["id"], "impact": v["impact"], "help": v["help"],
                            "nodes": [n["target"] for n in v["nodes"]]} for v in violations],
        })
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"axe-core on {path}:\n" + "\n".join(
            f"- {v['impact']} {v['id']}: {v['help']}\n"
            + "\n".join(f"    {n['html'][:200]}\n    {n.get('failureSummary', '')}"
                        for n in v["nodes"][:5])
            for v in blocking)
        assert not self.errors, "\n".join(self.errors)
        assert len(self._requests) <= MAX_REQUESTS_PER_PAGE, (
            f"{path} needed {len(self._requests)} requests: {self._requests}")
        return self

    def shot(self, name: str):
        """Screenshots of the whole page at 375 px (a phone) and 1280 px (a laptop)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page = self.page
        original = page.viewport_size
        for width in (375, 1280):
            page.set_viewport_size({"width": width, "height": 800})
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
        page.set_viewport_size(original)
        return self

    def fits(self, width: int = 320):
        """Nothing scrolls sideways at ``width`` px."""
        page = self.page
        original = page.viewport_size
        page.set_viewport_size({"width": width, "height": 800})
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        page.set_viewport_size(original)
        assert scroll_width <= width, (
            f"{page.url} is {scroll_width} px wide at a {width} px viewport")
        return self

    # --- signing in ----------------------------------------------------------------------

    def sign_in(self, user, *, mfa: bool | None = None):
        from tests.factories import PASSWORD

        self.goto("/accounts/login/")
        self.fill("Email", user.email)
        self.fill("Password", PASSWORD)
        self.press_button("Sign in")
        if mfa is None:
            mfa = "/2fa/authenticate" in self.page.url
        if mfa:
            self.fill("code", totp_code())
            self.press_button("Sign in")
            assert "/2fa/authenticate" not in self.page.url, (
                "The authenticator code was refused: " + self.main.inner_text())
        return self

    def sign_out(self):
        nav = self.page.get_by_role("navigation", name="Menu")
        return self._navigate(nav.get_by_role("button", name="Sign out").click)


def write_report():
    if not AUDITED:
        return
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "axe-report.json").write_text(json.dumps(AUDITED, indent=1))
