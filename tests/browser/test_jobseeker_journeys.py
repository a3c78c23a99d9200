"""A jobseeker's journey: claim a budget with an invitation code, find support, book it,
watch the balance change, and confirm the support was delivered."""

import pytest

from tests.browser.world import World

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser"),
              pytest.mark.django_db(transaction=True)]


def test_the_main_jobseeker_pages_fit_a_320_pixel_screen(new_page, manager, jobseeker):
    World(manager).budget_for(jobseeker)
    offer = World.offer(title="Forklift licence course with a very long name indeed", price=45000)
    person = new_page()

    for path in ("/", "/offers/", "/accounts/login/"):
        person.goto(path).fits(320)
    person.goto(f"/offers/{offer.pk}/").fits(320)
    person.sign_in(jobseeker)
    person.goto("/my/").fits(320)
