"""Payout runs without Stripe: a BACS Standard 18 file for the finance team."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings

from audit.models import AuditEvent
from ledger.accounts import payable_account, payouts_account
from ledger.models import Account
from payouts import services
from payouts.errors import FileAlreadyPaid
from payouts.models import BacsFile, BankDetails, Payout, PayoutStatus, RunStatus
from tests.factories import (
    AuditorFactory,
    BankDetailsFactory,
    ManagerFactory,
    ProviderFactory,
    give_totp,
    make_owed,
    payout_programme,
)


@pytest.fixture(autouse=True)
def bacs_settings(settings):
    settings.PAYOUT_METHOD = "bacs"
    settings.STRIPE_SECRET_KEY = ""
    settings.BACS_ORIGINATOR_NAME = "Leeds City Council"
    settings.BACS_ORIGINATOR_SORT_CODE = "401234"
    settings.BACS_ORIGINATOR_ACCOUNT = "87654321"


@pytest.fixture
def programme(manager):
    return payout_programme(manager)


def payable(provider, programme) -> int:
    return Account.objects.get(pk=payable_account(provider=provider,
                                                  programme=programme).pk).balance


def banked(name, sort_code="309950", account_number="12345678", account_name=None):
    provider = ProviderFactory(name=name)
    BankDetailsFactory(provider=provider, sort_code=sort_code, account_number=account_number,
                       account_name=account_name or name)
    return provider


def file_lines(bacs_file) -> list[str]:
    data = (Path(django_settings.PRIVATE_MEDIA_ROOT) / bacs_file.path).read_bytes()
    assert data.endswith(b"\r\n")
    return data.decode("ascii").split("\r\n")[:-1]


@pytest.fixture
def two_paid(manager, programme):
    first = banked("Able Skills CIC", "309950", "12345678", "Able Skills CIC")
    second = banked("Bright Futures", "203040", "87650001", "Bright Futures (Leeds) Ltd")
    make_owed(manager=manager, programme=programme, provider=first, amount=123_456)
    make_owed(manager=manager, programme=programme, provider=second, amount=7_005)
    run = services.start_payout_run(actor=manager, commissioner=manager.commissioner)
    return run, first, second


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_bacs_run_moves_the_money_in_the_ledger_and_marks_payouts_sent(two_paid, programme):
    run, first, second = two_paid
    assert run.status == RunStatus.COMPLETED
    assert sorted(run.payouts.values_list("status", flat=True)) == [
        PayoutStatus.SENT_FOR_PAYMENT] * 2
    assert payable(first, programme) == payable(second, programme) == 0
    payouts_out = Account.objects.get(pk=payouts_account(programme).pk)
    assert payouts_out.balance == 130_461


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_bacs_file_is_standard_18_field_by_field(two_paid):
    run, first, second = two_paid
    bacs_file = run.bacs_file
    lines = file_lines(bacs_file)
    assert len(lines) == 3 and all(len(line) == 100 for line in lines)
    payout = Payout.objects.get(provider=first)

    credit = lines[0]
    assert credit[0:6] == "309950"  # destination sort code
    assert credit[6:14] == "12345678"  # destination account number
    assert credit[14] == "0"  # account type
    assert credit[15:17] == "99"  # transaction code: bank giro credit
    assert credit[17:23] == "401234"  # originating sort code
    assert credit[23:31] == "87654321"  # originating account number
    assert credit[31:35] == "    "  # free format
    assert credit[35:46] == "00000123456"  # amount in pence, 11 digits
    assert credit[46:64] == "LEEDS CITY COUNCIL"  # originator's name, 18
    assert credit[64:82] == f"ONWARD P{payout.pk:010d}"  # our reference, 18
    assert credit[82:100] == "ABLE SKILLS CIC   "  # payee's account name, 18

    second_line = lines[1]
    assert second_line[0:14] == "20304087650001"
    assert second_line[35:46] == "00000007005"
    assert second_line[82:100] == "BRIGHT FUTURES  LE"  # ( ) are not Bacs characters

    contra = lines[2]
    assert contra[0:14] == "40123487654321"  # our own account
    assert contra[15:17] == "17"  # contra debit
    assert contra[17:31] == "40123487654321"
    assert contra[35:46] == "00000130461"  # the total
    assert contra[64:82] == f"CONTRA R{run.pk:010d}"
    assert bacs_file.total == 130_461 and bacs_file.line_count == 3


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_file_is_kept_privately_under_private_media_root(two_paid):
    run, *_ = two_paid
    path = Path(django_settings.PRIVATE_MEDIA_ROOT) / run.bacs_file.path
    assert path.is_file()
    assert not run.bacs_file.path.startswith("/")


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_provider_without_bank_details_is_listed_and_stays_owed(manager, programme):
    provider = ProviderFactory(name="No Bank Yet")
    make_owed(manager=manager, programme=programme, provider=provider, amount=5_000)

    run = services.start_payout_run(actor=manager, commissioner=manager.commissioner)

    assert run.status == RunStatus.COMPLETED_WITH_PROBLEMS
    assert run.problems[0]["provider"] == "No Bank Yet"
    assert "no bank details" in run.problems[0]["reason"].lower()
    assert payable(provider, programme) == 5_000
    assert not BacsFile.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_second_run_pays_nothing_twice(two_paid, manager):
    again = services.start_payout_run(actor=manager, commissioner=manager.commissioner)
    assert not again.payouts.exists()
    assert BacsFile.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_interrupted_bacs_run_puts_each_provider_in_a_file_exactly_once(
        manager, programme, monkeypatch):
    first, second = banked("A first"), banked("B second")
    make_owed(manager=manager, programme=programme, provider=first, amount=1_000)
    make_owed(manager=manager, programme=programme, provider=second, amount=2_000)
    real = services._write_bacs_file

    def crash(run):
        raise RuntimeError("killed before the file was written")

    monkeypatch.setattr(services, "_write_bacs_file", crash)
    with pytest.raises(RuntimeError):
        services.start_payout_run(actor=manager, commissioner=manager.commissioner)
    monkeypatch.setattr(services, "_write_bacs_file", real)

    run = services.start_payout_run(actor=manager, commissioner=manager.commissioner)

    lines = file_lines(run.bacs_file)
    assert [line[35:46] for line in lines] == ["00000001000", "00000002000", "00000003000"]
    assert Payout.objects.count() == 2
    assert payable(first, programme) == payable(second, programme) == 0


@pytest.mark.postgres
@pytest.mark.django_db
def test_marking_the_file_paid_marks_its_payouts_paid(two_paid, manager):
    run, *_ = two_paid
    services.mark_file_paid(actor=manager, bacs_file=run.bacs_file)
    assert set(run.payouts.values_list("status", flat=True)) == {PayoutStatus.PAID}


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_file_cannot_be_marked_paid_twice(two_paid, manager):
    run, *_ = two_paid
    services.mark_file_paid(actor=manager, bacs_file=run.bacs_file)
    with pytest.raises(FileAlreadyPaid):
        services.mark_file_paid(actor=manager, bacs_file=run.bacs_file)


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_payment_the_bank_returns_is_owed_again(two_paid, manager, programme):
    run, first, _ = two_paid
    payout = Payout.objects.get(provider=first)
    services.mark_payout_returned(actor=manager, payout=payout, reason="Account closed")
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.FAILED
    assert payout.failure_reason == "Returned by the bank: Account closed"
    assert payable(first, programme) == 123_456


@pytest.mark.postgres
@pytest.mark.django_db
def test_only_the_commissioners_managers_and_auditors_can_download_the_file(
        client, two_paid, manager, auditor, provider_admin):
    run, *_ = two_paid
    url = f"/commissioner/payouts/files/{run.bacs_file.pk}/download/"
    for person in (manager, auditor):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"309950")
        assert "attachment" in response["Content-Disposition"]
    client.force_login(give_totp(AuditorFactory()))  # another commissioner's auditor
    assert client.get(url).status_code == 404
    client.force_login(provider_admin)
    assert client.get(url).status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db
def test_an_auditor_cannot_mark_a_file_paid(client, two_paid, auditor):
    run, *_ = two_paid
    client.force_login(auditor)
    assert client.post(f"/commissioner/payouts/files/{run.bacs_file.pk}/paid/").status_code \
        == 403
    assert not BacsFile.objects.get().paid_at


@pytest.mark.postgres
@pytest.mark.django_db
def test_another_commissioners_manager_cannot_mark_the_file_paid(client, two_paid):
    run, *_ = two_paid
    client.force_login(give_totp(ManagerFactory()))
    assert client.post(f"/commissioner/payouts/files/{run.bacs_file.pk}/paid/").status_code \
        == 404


@pytest.mark.django_db
def test_a_provider_admin_saves_bank_details_and_sees_them_masked(client, provider_admin):
    client.force_login(provider_admin)
    response = client.post("/provider/payouts/bank-details/", {
        "account_name": "Able Skills CIC", "sort_code": "30-99-50",
        "account_number": "1234 5678"}, follow=True)
    body = response.content.decode()
    details = BankDetails.objects.get()
    assert (details.sort_code, details.account_number) == ("309950", "12345678")
    assert "****5678" in body
    assert "12345678" not in body


@pytest.mark.django_db
def test_bank_details_changes_are_audited_with_the_numbers_masked(client, provider_admin):
    client.force_login(provider_admin)
    client.post("/provider/payouts/bank-details/", {
        "account_name": "Able Skills CIC", "sort_code": "309950", "account_number": "12345678"})
    event = AuditEvent.objects.get(action="payouts.bank_details_changed")
    assert event.after["account_number"] == "****5678"
    assert "12345678" not in str(event.after)


@pytest.mark.django_db
@pytest.mark.parametrize("field,value,message", [
    ("sort_code", "12345", "Enter a valid sort code"),
    ("sort_code", "12-34-5X", "Enter a valid sort code"),
    ("account_number", "1234567", "it must be 8 digits"),
    ("account_name", "Caf\u00e9 <Ltd>", "must only use letters"),
])
def test_invalid_bank_details_are_refused_with_a_reason(client, provider_admin, field, value,
                                                        message):
    client.force_login(provider_admin)
    data = {"account_name": "Able Skills", "sort_code": "309950", "account_number": "12345678"}
    data[field] = value
    body = client.post("/provider/payouts/bank-details/", data).content.decode()
    assert "There is a problem" in body
    assert body.count(message) == 2  # in the summary and beside the field
    assert not BankDetails.objects.exists()


@pytest.mark.django_db
def test_provider_staff_cannot_change_bank_details(client, provider_staff):
    client.force_login(provider_staff)
    assert client.get("/provider/payouts/bank-details/").status_code == 403


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_runs_started_at_once_pay_each_provider_once(manager):
    import threading

    from django.db import connection

    from payouts.errors import RunAlreadyInProgress

    programme = payout_programme(manager)
    provider = banked("Able")
    make_owed(manager=manager, programme=programme, provider=provider, amount=9_000)
    barrier, outcomes = threading.Barrier(2), []

    def start():
        try:
            barrier.wait()
            run = services.start_payout_run(actor=manager, commissioner=manager.commissioner)
            outcomes.append(run.payouts.count())
        except RunAlreadyInProgress:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=start) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes, key=str) in ([0, 1], [1, "refused"])
    assert Payout.objects.count() == 1
    assert payable(provider, programme) == 0


@pytest.mark.postgres
@pytest.mark.django_db
def test_the_weekly_run_carries_on_when_one_commissioner_fails(manager, programme,
                                                               monkeypatch):
    other_manager = ManagerFactory()
    other = payout_programme(other_manager, name="Elsewhere")
    make_owed(manager=manager, programme=programme, provider=banked("Mine"), amount=1_000)
    make_owed(manager=other_manager, programme=other, provider=banked("Theirs"), amount=2_000)
    real = services.start_payout_run

    def first_fails(*, actor, commissioner):
        if commissioner == manager.commissioner:
            raise RuntimeError("broken")
        return real(actor=actor, commissioner=commissioner)

    monkeypatch.setattr(services, "start_payout_run", first_fails)
    runs = services.weekly_payout_run()
    assert [run.commissioner for run in runs] == [other_manager.commissioner]
