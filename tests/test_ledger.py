"""The ledger: balanced, immutable, idempotent, never negative, provable."""

import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from budgets import services
from budgets.errors import NotAllowed, NotEnoughBudget, NotEnoughInPot
from ledger import keys
from ledger.accounts import (
    available_account,
    committed_account,
    escrow_account,
    funding_account,
    payable_account,
    pot_account,
    returned_account,
)
from ledger.errors import IdempotencyConflict, ImmutableLedgerError, UnbalancedTransfer
from ledger.models import Account, Entry, Transfer
from ledger.posting import Leg, post_transfer
from ledger.verification import verify_ledger
from tests.factories import JobseekerFactory, ManagerFactory, ProviderFactory


def balance(account) -> int:
    return Account.objects.get(pk=account.pk).balance


@pytest.fixture
def programme(manager):
    programme = services.create_programme(actor=manager, name="Back to Work Leeds",
                                          budget_per_person=100_000)
    services.fund_programme(actor=manager, programme=programme, amount=1_000_000,
                            reference="grant-1")
    return programme


@pytest.fixture
def budget(programme, manager):
    budget, _ = services.issue_budget(actor=manager, programme=programme,
                                      external_reference="JS-1")
    return services.claim_invitation(user=JobseekerFactory(), code_or_token=budget.invitation.code)


@pytest.mark.django_db
def test_funding_moves_money_from_funding_into_the_pot(programme):
    assert balance(pot_account(programme)) == 1_000_000
    assert balance(funding_account(programme)) == -1_000_000


@pytest.mark.django_db
def test_issuing_a_budget_moves_it_out_of_the_pot(programme, budget):
    assert balance(pot_account(programme)) == 900_000
    assert balance(available_account(budget)) == 100_000


@pytest.mark.django_db
def test_issuing_more_than_the_pot_holds_is_refused_and_creates_nothing(manager):
    programme = services.create_programme(actor=manager, name="Small", budget_per_person=50_000)
    services.fund_programme(actor=manager, programme=programme, amount=60_000, reference="g")
    services.issue_budget(actor=manager, programme=programme, external_reference="A")
    with pytest.raises(NotEnoughInPot):
        services.issue_budget(actor=manager, programme=programme, external_reference="B")
    assert programme.budgets.count() == 1
    assert balance(pot_account(programme)) == 10_000


@pytest.mark.django_db
def test_a_retried_call_returns_the_first_transfer_and_moves_nothing_twice(budget):
    first = services.commit_for_booking(actor=budget.jobseeker, budget=budget, amount=30_000,
                                        booking_id=1, key=keys.booking_commit(1))
    again = services.commit_for_booking(actor=budget.jobseeker, budget=budget, amount=30_000,
                                        booking_id=1, key=keys.booking_commit(1))
    assert again.pk == first.pk
    assert balance(available_account(budget)) == 70_000
    assert balance(committed_account(budget)) == 30_000


@pytest.mark.django_db
def test_reusing_a_key_for_a_different_movement_is_refused(budget):
    services.commit_for_booking(actor=budget.jobseeker, budget=budget, amount=30_000,
                                booking_id=1, key="k")
    with pytest.raises(IdempotencyConflict):
        services.commit_for_booking(actor=budget.jobseeker, budget=budget, amount=31_000,
                                    booking_id=1, key="k")


@pytest.mark.django_db
def test_committing_more_than_is_available_is_refused(budget):
    with pytest.raises(NotEnoughBudget) as refused:
        services.commit_for_booking(actor=budget.jobseeker, budget=budget, amount=100_001,
                                    booking_id=1, key="k")
    assert "not enough left in your budget" in str(refused.value)
    assert balance(available_account(budget)) == 100_000
    assert not Transfer.objects.filter(idempotency_key="k").exists()


@pytest.mark.django_db
def test_someone_else_cannot_spend_a_budget(budget):
    with pytest.raises(NotAllowed):
        services.commit_for_booking(actor=JobseekerFactory(), budget=budget, amount=1_000,
                                    booking_id=1, key="k")


@pytest.mark.django_db
def test_only_the_programmes_own_manager_can_fund_it(programme):
    with pytest.raises(NotAllowed):
        services.fund_programme(actor=ManagerFactory(), programme=programme, amount=1,
                                reference="x")


@pytest.mark.django_db
def test_delivery_splits_upfront_and_withheld_outcome_share(budget):
    provider = ProviderFactory()
    services.commit_for_booking(actor=budget.jobseeker, budget=budget, amount=40_000,
                                booking_id=7, key="c")
    services.settle_delivery(budget=budget, provider=provider, amount=40_000, booking_id=7,
                             key="s")
    payable = payable_account(provider=provider, programme=budget.programme)
    escrow = escrow_account(booking_id=7, budget=budget, provider=provider)
    assert balance(payable) == 28_000
    assert balance(escrow) == 12_000
    assert balance(committed_account(budget)) == 0


@pytest.mark.django_db
def test_escrow_release_with_tier_bonus_and_return_of_the_rest(budget):
    provider = ProviderFactory()
    services.commit_for_booking(actor=None, budget=budget, amount=40_000, booking_id=7, key="c")
    services.settle_delivery(budget=budget, provider=provider, amount=40_000, booking_id=7,
                             key="s")
    pot_before = balance(pot_account(budget.programme))
    services.release_escrow(booking_id=7, amount=2_400, bonus=1_200, key="m1")
    services.return_escrow(booking_id=7, key="ret")
    payable = payable_account(provider=provider, programme=budget.programme)
    assert balance(payable) == 28_000 + 2_400 + 1_200
    assert balance(pot_account(budget.programme)) == pot_before - 1_200 + 9_600


@pytest.mark.django_db
def test_expiry_returns_the_unspent_balance_to_the_pot_once(budget):
    services.commit_for_booking(actor=None, budget=budget, amount=10_000, booking_id=1, key="c")
    pot_before = balance(pot_account(budget.programme))
    services.expire_budget(budget=budget)
    services.expire_budget(budget=budget)
    assert balance(pot_account(budget.programme)) == pot_before + 90_000
    assert balance(available_account(budget)) == 0
    # Money still committed to a booking goes to the pot when that booking is released.
    budget.refresh_from_db()
    services.release_commitment(budget=budget, amount=10_000, booking_id=1, key="r")
    assert balance(pot_account(budget.programme)) == pot_before + 100_000


@pytest.mark.django_db
def test_payout_and_its_reversal(budget):
    provider = ProviderFactory()
    services.commit_for_booking(actor=None, budget=budget, amount=10_000, booking_id=1, key="c")
    services.settle_delivery(budget=budget, provider=provider, amount=10_000, booking_id=1,
                             key="s")
    payable = payable_account(provider=provider, programme=budget.programme)
    payout = services.pay_out(provider=provider, amounts={budget.programme: 7_000},
                              key=keys.payout("p1"))
    assert balance(payable) == 0
    services.reverse_payout(payout_transfer=payout, key=keys.payout_reversal(keys.payout("p1")))
    assert balance(payable) == 7_000
    assert verify_ledger().ok


@pytest.mark.django_db
def test_an_unbalanced_transfer_is_refused(programme):
    with pytest.raises(UnbalancedTransfer):
        post_transfer(key="bad", kind="test",
                      legs=[Leg(pot_account(programme), -5),
                            Leg(returned_account(programme), 4)])


@pytest.mark.django_db
def test_the_orm_refuses_to_change_or_delete_ledger_rows(budget):
    entry = Entry.objects.first()
    entry.amount += 1
    with pytest.raises(ImmutableLedgerError):
        entry.save()
    with pytest.raises(ImmutableLedgerError):
        entry.delete()
    with pytest.raises(ImmutableLedgerError):
        Entry.objects.filter(pk=entry.pk).update(amount=1)
    with pytest.raises(ImmutableLedgerError):
        Transfer.objects.all().delete()


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgres_trigger_refuses_raw_updates_and_deletes(budget):
    entry = Entry.objects.first()
    for sql, row in (("UPDATE budgets_entry SET amount = amount + 1 WHERE id = %s", entry.pk),
                     ("DELETE FROM budgets_entry WHERE id = %s", entry.pk),
                     ("UPDATE budgets_transfer SET kind = 'x' WHERE id = %s", entry.transfer_id),
                     ("DELETE FROM budgets_transfer WHERE id = %s", entry.transfer_id)):
        with pytest.raises(DatabaseError, match="immutable"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [row])


@pytest.mark.postgres
@pytest.mark.django_db
def test_verify_ledger_names_an_entry_changed_behind_the_orms_back(budget):
    services.commit_for_booking(actor=None, budget=budget, amount=5_000, booking_id=3, key="c3")
    call_command("verify_ledger")
    target = Entry.objects.get(transfer__idempotency_key="c3", amount=5_000)
    with connection.cursor() as cursor:
        # As a database superuser would: with triggers off for this session only.
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE budgets_entry SET amount = 50000 WHERE id = %s", [target.pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    result = verify_ledger()
    assert not result.ok
    assert result.first_problem.entry_id == target.pk
    with pytest.raises(CommandError, match=f"Entry {target.pk} "):
        call_command("verify_ledger")


@pytest.mark.postgres
@pytest.mark.django_db
def test_verify_ledger_notices_a_deleted_entry(budget):
    services.commit_for_booking(actor=None, budget=budget, amount=5_000, booking_id=3, key="c3")
    services.release_commitment(budget=budget, amount=5_000, booking_id=3, key="r3")
    target = Entry.objects.get(transfer__idempotency_key="c3", amount=-5_000)
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("DELETE FROM budgets_entry WHERE id = %s", [target.pk])
        cursor.execute("SET session_replication_role = DEFAULT")
    result = verify_ledger()
    assert not result.ok
    assert "out of sequence" in result.summary()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_32_concurrent_commits_on_one_budget_never_overspend(manager):
    programme = services.create_programme(actor=manager, name="Race", budget_per_person=10_000)
    services.fund_programme(actor=manager, programme=programme, amount=10_000, reference="g")
    issued, _ = services.issue_budget(actor=manager, programme=programme,
                                      external_reference="R")
    budget = services.claim_invitation(user=JobseekerFactory(),
                                       code_or_token=issued.invitation.code)
    price, workers = 700, 32
    barrier = threading.Barrier(workers)
    outcomes: list[str] = []

    def book(n):
        try:
            barrier.wait()
            services.commit_for_booking(actor=budget.jobseeker, budget=budget, amount=price,
                                        booking_id=n, key=f"race:{n}")
            outcomes.append("ok")
        except NotEnoughBudget:
            outcomes.append("not enough")
        finally:
            connection.close()

    threads = [threading.Thread(target=book, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert outcomes.count("ok") == 10_000 // price == 14
    assert outcomes.count("not enough") == workers - 14
    assert balance(available_account(budget)) == 10_000 - 14 * price
    assert verify_ledger().ok
