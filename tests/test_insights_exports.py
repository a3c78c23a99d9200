"""Streamed CSV exports (ledger entries, bookings, outcomes, payouts) and the API's
dashboard figures, on the fixed data set of tests/factories/insights.py."""

import csv
import io
from datetime import timedelta

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone

from insights import exports
from ledger.models import Entry, TransferKind
from tests.factories import AuditorFactory, BankDetailsFactory, ManagerFactory, give_totp
from tests.factories.insights import InsightsWorld

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def world(manager):
    return InsightsWorld(manager)


def read(response):
    assert isinstance(response, StreamingHttpResponse)
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


def export(client, name, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(f"/commissioner/exports/{name}.csv?{query}")


def test_ledger_entries_stream_every_entry_of_the_programme(client, world, auditor):
    client.force_login(auditor)
    rows = read(export(client, "ledger-entries", programme=world.programme.pk))
    expected = Entry.objects.filter(account__programme=world.programme).order_by("pk")
    assert [int(r["entry_id"]) for r in rows] == list(expected.values_list("pk", flat=True))
    settle = [r for r in rows if r["transfer_kind"] == TransferKind.SETTLE
              and r["account_kind"] == "committed"]
    assert sorted(int(r["amount_pence"]) for r in settle) == [-30_000, -20_000, -10_000]
    # Every transfer of the programme is between its own accounts: they sum to zero.
    assert sum(int(r["amount_pence"]) for r in rows) == 0


def test_the_period_chooses_the_rows(client, world, manager):
    client.force_login(manager)
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    assert read(export(client, "ledger-entries", end=yesterday)) == []
    assert len(read(export(client, "ledger-entries", start=today, end=today))) == (
        Entry.objects.filter(account__programme=world.programme).count())
    booked = timezone.localdate(world.booked_at)
    assert len(read(export(client, "bookings", start=booked, end=booked))) == 5
    assert read(export(client, "bookings", start=today)) == []


def test_bookings_export_names_people_only_by_pseudonym(client, world, manager):
    client.force_login(manager)
    rows = read(export(client, "bookings"))
    assert [r["reference"] for r in rows] == [f"B{b.pk:06d}" for b in (
        world.b1, world.b2, world.b3, world.b4, world.b5)]
    first = rows[0]
    assert first["jobseeker_pseudonym"] == str(world.j1.pseudonym)
    assert first["price_pence"] == "20000" and first["category"] == "training"
    assert world.j1.full_name not in "".join(str(r) for r in rows)


def test_outcomes_export_lists_milestones(client, world, manager):
    client.force_login(manager)
    rows = read(export(client, "outcomes"))
    assert {r["outcome_id"]: r["milestones"] for r in rows} == {
        str(world.outcome1.pk): "start:paid;week_13:paid;week_26:scheduled",
        str(world.outcome3.pk): "start:paid;week_13:paid;week_26:paid"}


def test_payouts_export(client, world, manager):
    from payouts import services as payout_services

    BankDetailsFactory(provider=world.able)
    BankDetailsFactory(provider=world.bright)
    payout_services.start_payout_run(actor=manager, commissioner=manager.commissioner)
    client.force_login(manager)
    rows = read(export(client, "payouts", programme=world.programme.pk))
    assert sorted((r["provider"], int(r["amount_pence"])) for r in rows) == [
        ("Able Skills", 24_000), ("Bright Training Ltd", 39_000)]


def test_keyset_chunks_return_every_row_once(world):
    chunks = list(exports.stream(exports.EXPORTS["ledger-entries"],
                                 programme_ids=[world.programme.pk], chunk=3))
    rows = list(csv.reader(io.StringIO("".join(chunks))))[1:]
    ids = [int(r[0]) for r in rows]
    assert ids == sorted(set(ids))
    assert len(ids) == Entry.objects.filter(account__programme=world.programme).count()
    assert len(chunks) > 3


def test_bad_dates_are_a_clear_400(client, world, manager):
    client.force_login(manager)
    response = export(client, "bookings", start="2026-13-01")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.content.decode()
    response = export(client, "bookings", start="2026-05-01", end="2026-04-01")
    assert response.status_code == 400
    assert "end date" in response.content.decode()


def test_other_commissioners_and_roles_get_nothing(client, world, provider_admin):
    other = give_totp(ManagerFactory())
    client.force_login(other)
    assert export(client, "bookings", programme=world.programme.pk).status_code == 404
    assert read(export(client, "bookings")) == []  # their own programmes: none
    assert export(client, "nonsense").status_code == 404
    client.force_login(provider_admin)
    assert export(client, "bookings").status_code == 403


# --- API -------------------------------------------------------------------------------------


def test_api_dashboard_figures(client, world, auditor):
    client.force_login(auditor)
    body = client.get(f"/api/v1/commissioner/programmes/{world.programme.pk}/dashboard/"
                      f"?category=training").json()
    assert body["spend_total"] == 50_000
    assert body["funnel"] == {"booked": 2, "delivered": 2, "job_start": 2, "week_13": 2,
                              "week_26": 1}
    chart = next(c for c in body["charts"] if c["key"] == "spend-over-time")
    assert chart["rows"] == [[timezone.localdate().strftime("%Y-%m"), 50_000]]
    assert chart["columns"][1] == {"name": "spend_pence", "heading": "Spend", "kind": "money"}


def test_api_dashboard_refuses_bad_filters_and_other_commissioners(client, world):
    client.force_login(give_totp(AuditorFactory(commissioner=world.programme.commissioner)))
    url = f"/api/v1/commissioner/programmes/{world.programme.pk}/dashboard/"
    response = client.get(url + "?end=tomorrow")
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.json()["errors"]["end"][0]
    client.force_login(give_totp(ManagerFactory()))
    assert client.get(url).status_code == 404


def test_api_summary_has_each_programmes_spend(client, world, manager):
    client.force_login(manager)
    body = client.get("/api/v1/commissioner/dashboard/").json()
    assert body["programmes"][0]["spend_total"] == 60_000
    assert body["programmes"][0]["social_enterprise_share_bp"] == 5_000
    assert body["money_in_pots"] == 1_000_000 - 500_000 + 100_000 - 1_800 - 2_700 - 4_500


def test_api_export_streams_csv(client, world, auditor):
    client.force_login(auditor)
    response = client.get(f"/api/v1/commissioner/exports/bookings.csv"
                          f"?programme={world.programme.pk}")
    assert response.status_code == 200
    assert len(read(response)) == 5
    assert client.get("/api/v1/commissioner/exports/bookings.csv?start=x").status_code == 400
    assert client.post("/api/v1/commissioner/exports/bookings.csv").status_code == 403
