"""The public provider league table: outcome rates with the people behind them, small
numbers suppressed (outcomes.selectors.provider_records decides what is shown)."""

import pytest

from insights import selectors
from providers.models import ProviderStatus
from tests.factories import JobseekerFactory, ProviderFactory
from tests.factories.insights import InsightsWorld

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def world(manager):
    return InsightsWorld(manager)


@pytest.fixture
def busy(world):
    """A provider that served five people, none of them in work yet."""
    provider = ProviderFactory(name="Calder Coaching")
    for _ in range(5):
        person = JobseekerFactory(jobseeker_profile__commissioner=world.programme.commissioner)
        world.budgets[person.pk] = world._budget(person)
        world.book(person, provider, "coaching", 1_000)
    return provider


def test_anyone_can_read_it_without_signing_in(client, world):
    response = client.get("/league-table/")
    assert response.status_code == 200
    assert "Provider league table" in response.content.decode()


def test_fewer_than_five_people_are_too_few_to_show(client, world):
    page = client.get("/league-table/").content.decode()
    row = page[page.index("Able Skills"):page.index("</tr>", page.index("Able Skills"))]
    assert "too few to show" in row
    assert "%" not in row


def test_rates_are_shown_with_the_number_of_people(client, world, busy):
    rows = {row.provider.name: row for row in selectors.league_table()}
    record = rows["Calder Coaching"].record
    assert (record.people_served, record.jobs_started, record.job_start_rate_bp) == (5, 0, 0)
    page = client.get("/league-table/").content.decode()
    row = page[page.index("Calder Coaching"):page.index("</tr>", page.index("Calder Coaching"))]
    assert ">5<" in row
    assert "0% <span class=\"govuk-body-s\">(0 people)</span>" in row


def test_rated_providers_come_first_and_unapproved_ones_are_left_out(world, busy):
    ProviderFactory(name="Hidden Ltd", status=ProviderStatus.SUSPENDED)
    names = [row.provider.name for row in selectors.league_table()]
    assert names[0] == "Calder Coaching"
    assert "Hidden Ltd" not in names


def test_filter_by_provider_type(client, world):
    page = client.get("/league-table/?type=company").content.decode()
    assert "Bright Training Ltd" in page and "Able Skills" not in page


def test_search_and_offer_pages_link_to_it(client, world):
    assert 'href="/league-table/"' in client.get("/offers/").content.decode()
    offer_page = client.get(f"/offers/{world.b1.offer_id}/").content.decode()
    assert 'href="/league-table/"' in offer_page
