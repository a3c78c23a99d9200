"""The payout pages and panels, and the weekly scheduled run."""

import pytest

from payouts.models import PayoutRun, PayoutStatus
from payouts.tasks import weekly_payout_run
from tests.factories import (
    BankDetailsFactory,
    ManagerFactory,
    ProviderFactory,
    give_totp,
    make_owed,
    payout_programme,
)


@pytest.fixture(autouse=True)
def bacs(settings):
    settings.PAYOUT_METHOD, settings.STRIPE_SECRET_KEY = "bacs", ""


@pytest.fixture
def owed(manager):
    programme = payout_programme(manager)
    provider = BankDetailsFactory(provider=ProviderFactory(name="Able Skills CIC"),
                                  account_number="11115678").provider
    make_owed(manager=manager, programme=programme, provider=provider, amount=25_000)
    return provider


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_commissioner_page_shows_what_is_owed_and_a_start_button(client, manager, owed):
    client.force_login(manager)
    body = client.get("/commissioner/payouts/").content.decode()
    assert body.count("<h1") == 1
    assert "Able Skills CIC" in body and "£250.00" in body
    assert "Start a payout run" in body


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_auditor_sees_payouts_but_cannot_start_a_run(client, auditor, owed):
    client.force_login(auditor)
    assert "Start a payout run" not in client.get("/commissioner/payouts/").content.decode()
    assert client.post("/commissioner/payouts/run/").status_code == 403
    assert not PayoutRun.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_manager_starts_a_run_and_sees_its_payouts(client, manager, owed):
    client.force_login(manager)
    response = client.post("/commissioner/payouts/run/", follow=True)
    body = response.content.decode()
    assert "Payout run finished: 1 payout made" in body
    assert "Able Skills CIC" in body and "Sent for payment" in body
    assert PayoutRun.objects.get().payouts.get().status == PayoutStatus.SENT_FOR_PAYMENT


@pytest.mark.postgres
@pytest.mark.django_db
def test_run_problems_are_shown_on_the_run_page(client, manager):
    programme = payout_programme(manager)
    make_owed(manager=manager, programme=programme, provider=ProviderFactory(name="No Bank"),
              amount=1_000)
    client.force_login(manager)
    body = client.post("/commissioner/payouts/run/", follow=True).content.decode()
    assert "with problems listed below" in body
    assert "No Bank" in body and "no bank details" in body.lower()


@pytest.mark.postgres
@pytest.mark.django_db
def test_another_commissioners_run_is_not_found(client, manager, owed):
    client.force_login(manager)
    client.post("/commissioner/payouts/run/")
    run = PayoutRun.objects.get()
    client.force_login(give_totp(ManagerFactory()))
    assert client.get(f"/commissioner/payouts/runs/{run.pk}/").status_code == 404


@pytest.mark.postgres
@pytest.mark.django_db
def test_marking_the_file_paid_from_the_page(client, manager, owed):
    client.force_login(manager)
    client.post("/commissioner/payouts/run/")
    bacs_file = PayoutRun.objects.get().bacs_file
    body = client.post(f"/commissioner/payouts/files/{bacs_file.pk}/paid/",
                       follow=True).content.decode()
    assert "is marked as paid" in body
    assert PayoutRun.objects.get().payouts.get().status == PayoutStatus.PAID


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_provider_page_shows_payouts_and_masked_bank_details(client, manager, owed):
    from tests.factories import ProviderStaffFactory

    client.force_login(manager)
    client.post("/commissioner/payouts/run/")
    staff = give_totp(ProviderStaffFactory(provider=owed))
    client.force_login(staff)
    body = client.get("/provider/payouts/").content.decode()
    assert body.count("<h1") == 1
    assert "****5678" in body and "11115678" not in body
    assert "Sent for payment" in body and "£250.00" in body
    assert "Only your organisation's admin can change" in body


@pytest.mark.django_db
def test_the_stripe_connect_button_shows_only_when_stripe_is_configured(
        client, settings, provider_admin):
    client.force_login(provider_admin)
    assert "Connect a Stripe account" not in client.get("/provider/payouts/").content.decode()
    settings.PAYOUT_METHOD, settings.STRIPE_SECRET_KEY = "stripe", "sk_test_x"
    assert "Connect a Stripe account" in client.get("/provider/payouts/").content.decode()


@pytest.mark.django_db
def test_a_jobseeker_cannot_see_the_payout_pages(client, jobseeker):
    client.force_login(jobseeker)
    assert client.get("/commissioner/payouts/").status_code == 403
    assert client.get("/provider/payouts/").status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_commissioner_home_panel_links_to_payouts(client, manager, owed):
    client.force_login(manager)
    body = client.get("/commissioner/").content.decode()
    assert "Owed to providers now: <span class=\"onward-money\">£250.00</span>" in body
    assert "/commissioner/payouts/" in body


@pytest.mark.django_db
def test_the_provider_home_panel_asks_for_bank_details(provider_admin):
    from django.template import Context, Template

    provider = provider_admin.provider_membership.provider
    body = Template("{% include 'payouts/panels/provider.html' %}").render(
        Context({"provider": provider}))
    assert "Add your bank details so that you can be paid." in body
    assert "/provider/payouts/" in body


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_weekly_task_runs_payouts_for_every_commissioner_that_owes(manager, owed):
    other_manager = ManagerFactory()
    other = payout_programme(other_manager, name="Elsewhere")
    provider = BankDetailsFactory().provider
    make_owed(manager=other_manager, programme=other, provider=provider, amount=3_000)

    run_ids = weekly_payout_run.delay().get()

    runs = PayoutRun.objects.filter(pk__in=run_ids)
    assert {run.commissioner_id for run in runs} == {manager.commissioner_id,
                                                      other_manager.commissioner_id}
    assert all(run.started_by is None for run in runs)
    assert sum(run.payouts.count() for run in runs) == 2
