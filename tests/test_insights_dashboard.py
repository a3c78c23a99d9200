"""Every dashboard figure against values worked out by hand from the fixed data set in
tests/factories/insights.py (amounts in pence).

Spend (settled deliveries): Able 20,000 + 10,000, Bright 30,000 = 60,000, all moved today.
Withheld 30 %: b1 6,000 (J1, tier 1), b3 9,000 (J3, tier 3: bonus = the share again).
Paid to Able: upfront 14,000 + 7,000, J1's start 1,200 and 13 weeks 1,800 = 24,000.
Paid to Bright: upfront 21,000, J3's start 1,800 + 1,800, 13 weeks 2,700 + 2,700,
26 weeks 4,500 + 4,500 = 39,000, for one person in work at 26 weeks.
"""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from insights import selectors
from insights.selectors import BudgetFigures, Filters, Funnel
from tests.factories import AuditorFactory, ManagerFactory, give_totp
from tests.factories.insights import InsightsWorld

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def world(manager):
    return InsightsWorld(manager)


def board(world, **filters):
    return selectors.dashboard(Filters(world.programme, **filters))


def rows(board, key):
    return board.chart(key).rows


def csv_rows(response):
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


# --- Spend ---------------------------------------------------------------------------------


def test_spend_headline_and_social_enterprise_share(world):
    figures = board(world)
    assert figures.spend_total == 60_000
    assert figures.social_enterprise_spend == 30_000
    assert figures.social_enterprise_share_bp == 5_000


def test_spend_over_time_is_by_month_of_the_ledger_movement(world):
    month = timezone.localdate().replace(day=1)
    assert rows(board(world), "spend-over-time") == [(month, 60_000)]


def test_spend_by_category(world):
    assert rows(board(world), "spend-by-category") == [
        ("Training and qualifications", 50_000, 8_333),
        ("Coaching and mentoring", 10_000, 1_666)]


def test_spend_by_provider_and_provider_type(world):
    figures = board(world)
    assert rows(figures, "spend-by-provider") == [
        ("Able Skills", 30_000, "Social enterprise"),
        ("Bright Training Ltd", 30_000, "Company")]
    assert rows(figures, "spend-by-provider-type") == [
        ("Company", 30_000, 5_000), ("Social enterprise", 30_000, 5_000)]


# --- Budgets -------------------------------------------------------------------------------


def test_budgets_issued_claimed_spent_unspent_and_expired(world):
    figures = board(world).budgets
    assert figures == BudgetFigures(
        issued=5, claimed=4, expired=1, issued_amount=500_000, claimed_amount=400_000,
        spent=60_000, committed=5_000, unspent=335_000, expired_amount=100_000)
    assert figures.issued_amount == (figures.spent + figures.committed + figures.unspent
                                     + figures.expired_amount)
    assert rows(board(world), "budgets") == [
        ("Issued", 500_000, 5), ("Claimed", 400_000, 4), ("Spent", 60_000, None),
        ("Booked, not yet delivered", 5_000, None), ("Unspent", 335_000, None),
        ("Expired (returned to the programme)", 100_000, 1)]


# --- Outcomes ------------------------------------------------------------------------------


def test_outcome_funnel(world):
    figures = board(world)
    assert figures.funnel == Funnel(booked=3, delivered=3, job_start=2, week_13=2, week_26=1)
    assert rows(figures, "outcome-funnel") == [
        ("Booked", 3, 10_000), ("Support delivered", 3, 10_000), ("Started a job", 2, 6_666),
        ("In work at 13 weeks", 2, 6_666), ("In work at 26 weeks", 1, 3_333)]


def test_cost_per_sustained_job_by_provider(world):
    assert rows(board(world), "cost-per-sustained-job") == [
        ("Bright Training Ltd", 39_000, 39_000, 1), ("Able Skills", None, 24_000, 0)]


def test_reach_into_harder_to_help_tiers(world):
    figures = board(world)
    assert rows(figures, "reach-by-tier") == [
        ("Tier 1: job ready soon", 1, 3_333, 0), ("Tier 2: some barriers", 1, 3_333, 0),
        ("Tier 3: harder to help", 1, 3_333, 1)]
    assert figures.harder_to_help_share_bp == 6_666


# --- Filters -------------------------------------------------------------------------------


def test_provider_filter(world):
    figures = board(world, provider_id=world.able.pk)
    assert figures.spend_total == 30_000
    assert figures.social_enterprise_share_bp == 10_000
    assert rows(figures, "spend-by-category") == [
        ("Training and qualifications", 20_000, 6_666), ("Coaching and mentoring", 10_000, 3_333)]
    assert figures.funnel == Funnel(booked=2, delivered=2, job_start=1, week_13=1, week_26=0)
    assert rows(figures, "cost-per-sustained-job") == [("Able Skills", None, 24_000, 0)]


def test_category_filter(world):
    figures = board(world, category="training")
    assert figures.spend_total == 50_000
    assert figures.funnel == Funnel(booked=2, delivered=2, job_start=2, week_13=2, week_26=1)
    # Able's coaching booking (b2: 7,000 upfront) is not training.
    assert rows(figures, "cost-per-sustained-job") == [
        ("Bright Training Ltd", 39_000, 39_000, 1), ("Able Skills", None, 17_000, 0)]


def test_tier_filter(world):
    figures = board(world, tier=3)
    assert figures.spend_total == 30_000
    assert figures.budgets == BudgetFigures(
        issued=1, claimed=1, expired=0, issued_amount=100_000, claimed_amount=100_000,
        spent=30_000, committed=0, unspent=70_000, expired_amount=0)
    assert figures.funnel == Funnel(booked=1, delivered=1, job_start=1, week_13=1, week_26=1)
    assert rows(figures, "cost-per-sustained-job") == [
        ("Bright Training Ltd", 39_000, 39_000, 1)]


def test_period_before_today_has_the_bookings_but_not_the_spend(world):
    yesterday = timezone.localdate() - timedelta(days=1)
    figures = board(world, end=yesterday)
    assert figures.spend_total == 0
    assert figures.funnel.booked == 3  # requested 40 weeks ago
    assert figures.budgets.issued == 0  # issued today
    assert rows(figures, "cost-per-sustained-job") == []


def test_period_of_today_has_the_spend_but_not_the_bookings(world):
    today = timezone.localdate()
    figures = board(world, start=today, end=today)
    assert figures.spend_total == 60_000
    assert figures.budgets.issued == 5
    assert figures.funnel == Funnel(booked=0, delivered=0, job_start=0, week_13=0, week_26=0)


def test_the_dashboard_is_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(16):
        board(world)


# --- Pages ---------------------------------------------------------------------------------


def test_the_page_shows_the_headline_charts_and_tables(client, world, manager):
    client.force_login(manager)
    response = client.get(f"/commissioner/insights/programmes/{world.programme.pk}/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "£600.00" in page and "50.0%" in page  # spend and social-enterprise share
    assert page.count("<svg") == 8
    assert page.count('class="govuk-details"') == 8
    assert "<script>" not in page and "style=" not in page  # the CSP allows neither
    assert "Bright Training Ltd" in page and "£390.00" in page


def test_a_chart_downloads_as_csv_with_the_same_filters(client, world, manager):
    client.force_login(manager)
    response = client.get(f"/commissioner/insights/programmes/{world.programme.pk}/"
                          f"spend-by-category.csv?provider={world.able.pk}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert csv_rows(response) == [
        ["category", "spend_pence", "share_bp"],
        ["Training and qualifications", "20000", "6666"],
        ["Coaching and mentoring", "10000", "3333"]]


def test_funnel_and_month_csv(client, world, manager):
    client.force_login(manager)
    base = f"/commissioner/insights/programmes/{world.programme.pk}/"
    month = timezone.localdate().strftime("%Y-%m")
    assert csv_rows(client.get(base + "spend-over-time.csv")) == [
        ["month", "spend_pence"], [month, "60000"]]
    assert csv_rows(client.get(base + "outcome-funnel.csv"))[-1] == [
        "In work at 26 weeks", "1", "3333"]


def test_bad_filters_are_explained(client, world, manager):
    client.force_login(manager)
    base = f"/commissioner/insights/programmes/{world.programme.pk}/"
    response = client.get(base + "?start=01/04/2026")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()
    response = client.get(base + "budgets.csv?start=2026-05-01&end=2026-04-01")
    assert response.status_code == 400
    assert "end date must be the same as or after" in response.content.decode()


# --- Who may see ---------------------------------------------------------------------------


def test_an_auditor_reads_the_dashboard_and_csv(client, world, auditor):
    client.force_login(auditor)
    base = f"/commissioner/insights/programmes/{world.programme.pk}/"
    assert client.get(base).status_code == 200
    assert client.get(base + "budgets.csv").status_code == 200


def test_an_auditor_cannot_post_anything(client, world, auditor):
    client.force_login(auditor)
    base = f"/commissioner/insights/programmes/{world.programme.pk}/"
    for path in (base, base + "budgets.csv", "/commissioner/insights/",
                 "/commissioner/exports/ledger-entries.csv"):
        assert client.post(path).status_code == 405, path
    # The API says why: an auditor's access is read-only.
    for path in (f"/api/v1/commissioner/programmes/{world.programme.pk}/dashboard/",
                 "/api/v1/commissioner/exports/bookings.csv"):
        response = client.post(path)
        assert response.status_code == 403, path
        assert "read-only" in response.json()["detail"]


def test_another_commissioners_staff_see_nothing(client, world):
    for other in (give_totp(ManagerFactory()), give_totp(AuditorFactory())):
        client.force_login(other)
        base = f"/commissioner/insights/programmes/{world.programme.pk}/"
        assert client.get(base).status_code == 404
        assert client.get(base + "spend-by-provider.csv").status_code == 404
        index = client.get("/commissioner/insights/").content.decode()
        assert "Leeds Back to Work" not in index


def test_other_roles_are_refused(client, world, provider_admin, jobseeker):
    base = f"/commissioner/insights/programmes/{world.programme.pk}/"
    for person in (provider_admin, jobseeker):
        client.force_login(person)
        assert client.get(base).status_code == 403
    client.logout()
    assert client.get(base).status_code == 302


def test_commissioners_have_a_dashboards_link(client, world, manager):
    client.force_login(manager)
    page = client.get("/commissioner/insights/").content.decode()
    assert 'href="/commissioner/insights/"' in page
    assert f'href="/commissioner/insights/programmes/{world.programme.pk}/"' in page
