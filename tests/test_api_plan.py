"""The back-to-work plan over the API: the jobseeker's goals, their adviser's
suggestions (only the jobseeker accepts or declines), and offers they add themselves."""

import pytest
from rest_framework.test import APIClient

from bookings import services
from bookings.models import PlanGoal, PlanItem, PlanItemStatus
from marketplace.models import OfferStatus
from tests.factories import JobseekerFactory, OfferFactory, api_token_for

pytestmark = pytest.mark.postgres

PLAN = "/api/v1/jobseeker/plan/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def me(jobseeker):
    client = APIClient()
    client.force_login(jobseeker)
    return client


@pytest.fixture
def suggestion(adviser, jobseeker):
    offer = OfferFactory(title="CV workshop")
    return services.suggest_offer(adviser=adviser, jobseeker=jobseeker, offer=offer,
                                  note="Good for your CV")


def test_the_plan_shows_goals_and_the_advisers_suggestions(me, jobseeker, suggestion,
                                                           adviser):
    services.add_goal(jobseeker=jobseeker, text="Get a forklift licence")
    body = me.get(PLAN).json()
    assert [g["text"] for g in body["goals"]] == ["Get a forklift licence"]
    assert [(s["offer"]["title"], s["note"], s["suggested_by"], s["status"])
            for s in body["suggestions"]] == \
        [("CV workshop", "Good for your CV", adviser.display_name, "suggested")]
    assert body["planned"] == body["declined"] == []


def test_accepting_a_suggestion_puts_it_in_the_plan(me, suggestion):
    response = me.post(f"{PLAN}suggestions/{suggestion.pk}/accept/")
    assert response.status_code == 200
    assert response.json()["status"] == "accepted"
    body = me.get(PLAN).json()
    assert body["suggestions"] == []
    assert [i["offer"]["title"] for i in body["planned"]] == ["CV workshop"]


def test_declining_a_suggestion_and_a_decision_stands(me, suggestion):
    assert me.post(f"{PLAN}suggestions/{suggestion.pk}/decline/").json()["status"] == \
        "declined"
    # Accepting later changes nothing: the suggestion was decided.
    assert me.post(f"{PLAN}suggestions/{suggestion.pk}/accept/").json()["status"] == \
        "declined"
    assert [i["id"] for i in me.get(PLAN).json()["declined"]] == [suggestion.pk]


def test_someone_elses_suggestion_is_404_and_stays_undecided(db, suggestion):
    other = APIClient()
    other.force_login(JobseekerFactory())
    assert other.post(f"{PLAN}suggestions/{suggestion.pk}/accept/").status_code == 404
    assert other.get(PLAN).json()["suggestions"] == []
    suggestion.refresh_from_db()
    assert suggestion.status == PlanItemStatus.SUGGESTED


def test_the_adviser_cannot_decide_for_the_jobseeker(adviser, suggestion):
    client = APIClient()
    client.force_login(adviser)
    assert client.post(f"{PLAN}suggestions/{suggestion.pk}/accept/").status_code == 403
    suggestion.refresh_from_db()
    assert suggestion.status == PlanItemStatus.SUGGESTED


def test_adding_a_goal_and_marking_it_done(me, jobseeker):
    response = me.post(f"{PLAN}goals/", {"text": "Apply for 5 jobs",
                                         "target_date": "2027-03-31"}, format="json")
    assert response.status_code == 201
    goal = response.json()
    assert (goal["text"], goal["target_date"], goal["done"]) == \
        ("Apply for 5 jobs", "2027-03-31", False)
    done = me.patch(f"{PLAN}goals/{goal['id']}/", {"done": True}, format="json")
    assert done.json()["done"] is True
    assert PlanGoal.objects.get(jobseeker=jobseeker).done


@pytest.mark.parametrize("body,field", [
    ({}, "text"),
    ({"text": "   "}, "text"),
    ({"text": "x" * 301}, "text"),
    ({"text": "Ok", "target_date": "next week"}, "target_date"),
])
def test_bad_goals_name_the_field(me, body, field):
    response = me.post(f"{PLAN}goals/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not PlanGoal.objects.exists()


def test_marking_a_goal_needs_done(me, jobseeker):
    goal = services.add_goal(jobseeker=jobseeker, text="Apply")
    response = me.patch(f"{PLAN}goals/{goal.pk}/", {"done": "maybe"}, format="json")
    assert response.status_code == 400
    assert "done" in response.json()["errors"]


def test_someone_elses_goal_is_404(me, db):
    theirs = services.add_goal(jobseeker=JobseekerFactory(), text="Theirs")
    assert me.patch(f"{PLAN}goals/{theirs.pk}/", {"done": True}, format="json") \
        .status_code == 404
    theirs.refresh_from_db()
    assert theirs.done is False


def test_adding_a_listed_offer_to_the_plan(me, jobseeker):
    offer = OfferFactory(title="Interview coaching")
    response = me.post(f"{PLAN}offers/", {"offer": offer.pk}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "accepted"
    assert PlanItem.objects.get(jobseeker=jobseeker).offer == offer


def test_an_offer_not_listed_cannot_be_added(me):
    hidden = OfferFactory(status=OfferStatus.DRAFT)
    response = me.post(f"{PLAN}offers/", {"offer": hidden.pk}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"offer": ["There is no listed offer with that id."]}
    assert not PlanItem.objects.exists()


def test_the_plan_is_for_jobseekers_only(provider_admin, manager, commissioner):
    _, secret = api_token_for(provider=provider_admin.provider_membership.provider)
    token = APIClient()
    token.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    session = APIClient()
    session.force_login(manager)
    for client in (token, session, APIClient()):
        assert client.get(PLAN).status_code in (401, 403)
        assert client.post(f"{PLAN}goals/", {"text": "x"}, format="json").status_code \
            in (401, 403)
    assert not PlanGoal.objects.exists()
