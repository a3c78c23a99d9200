"""The plan's "By when" is a GOV.UK date input: day, month and year in three boxes, with
plain messages at the top and beside the field, and nothing typed lost."""

import re
from datetime import date

import pytest
from django.urls import reverse

from bookings.models import PlanGoal
from tests.factories.bookings import budget_holder, funded_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobseeker(client):
    person = budget_holder(funded_programme()).jobseeker
    client.force_login(person)
    return person


def _add_goal(client, **fields):
    return client.post(reverse("my_plan"), {"action": "goal", **fields})


def _input_value(body: str, name: str) -> str:
    match = re.search(rf'<input [^>]*name="{name}"[^>]*value="([^"]*)"', body)
    assert match, f"no input {name}"
    return match.group(1)


def test_the_date_is_three_boxes_in_a_fieldset(client, jobseeker):
    body = client.get(reverse("my_plan")).content.decode()
    assert 'class="govuk-date-input"' in body
    assert "<legend" in body and "By when (optional)" in body
    for name in ("target_date_day", "target_date_month", "target_date_year"):
        assert f'name="{name}"' in body
    assert "2027-03-31" not in body


def test_a_real_date_is_saved_with_the_goal(client, jobseeker):
    response = _add_goal(client, text="Start a warehouse job", target_date_day="31",
                         target_date_month="3", target_date_year="2027")
    assert response.status_code == 302
    goal = PlanGoal.objects.get(jobseeker=jobseeker)
    assert (goal.text, goal.target_date) == ("Start a warehouse job", date(2027, 3, 31))
    assert "by 31 March 2027" in client.get(reverse("my_plan")).content.decode()


def test_a_goal_without_a_date_is_saved(client, jobseeker):
    assert _add_goal(client, text="Get a forklift licence", target_date_day="",
                     target_date_month="", target_date_year="").status_code == 302
    assert PlanGoal.objects.get(jobseeker=jobseeker).target_date is None


def test_an_impossible_date_is_refused_and_nothing_typed_is_lost(client, jobseeker):
    response = _add_goal(client, text="Start a warehouse job", target_date_day="31",
                         target_date_month="2", target_date_year="2027")
    assert response.status_code == 200
    assert not PlanGoal.objects.exists()
    body = response.content.decode()
    summary = body[body.index('class="govuk-error-summary"'):]
    summary = summary[:summary.index("</ul>")]
    assert "There is a problem" in summary
    assert '<a href="#id_target_date">Enter a real date</a>' in summary
    assert ('<p id="id_target_date-error" class="govuk-error-message">'
            '<span class="govuk-visually-hidden">Error:</span> Enter a real date</p>') in body
    assert 'id="id_target_date" name="target_date_day"' in body  # the summary link's target
    assert (_input_value(body, "target_date_day"), _input_value(body, "target_date_month"),
            _input_value(body, "target_date_year")) == ("31", "2", "2027")
    assert "Start a warehouse job" in body


def test_a_missing_part_says_which_part(client, jobseeker):
    body = _add_goal(client, text="Start a job", target_date_day="31", target_date_month="",
                     target_date_year="").content.decode()
    assert "The date must include a month and year" in body
    month = re.search(r'<input [^>]*name="target_date_month"', body).group(0)
    day = re.search(r'<input [^>]*name="target_date_day"', body).group(0)
    assert "govuk-input--error" in month and "govuk-input--error" not in day
