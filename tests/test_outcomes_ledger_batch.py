"""The batched ledger writer follows the ledger's rules: chained, balanced, never negative,
idempotent, and verify_ledger still proves it."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from budgets import services
from ledger import batch as ledger_batch
from ledger.accounts import pot_account, returned_account
from ledger.batch import BatchTransfer
from ledger.errors import InsufficientFunds
from ledger.models import Account, Transfer
from ledger.verification import verify_ledger

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture
def programme(manager):
    programme = services.create_programme(actor=manager, name="Batch", budget_per_person=1_000)
    services.fund_programme(actor=manager, programme=programme, amount=100_000, reference="g")
    return programme


def moves(programme, count, amount=100, prefix="t"):
    pot = pot_account(programme)
    sink = returned_account(programme)
    return pot, [BatchTransfer(key=f"{prefix}:{n}", kind="test", legs=[(pot.pk, -amount),
                                                                       (sink.pk, amount)],
                               programme_id=programme.pk) for n in range(count)]


def write(programme, transfers, pot):
    with transaction.atomic():
        accounts = ledger_batch.lock_accounts(
            {account_id for t in transfers for account_id, _ in t.legs})
        return ledger_batch.write_transfers(transfers, accounts)


def test_a_batch_keeps_the_hash_chain_that_verify_ledger_checks(programme):
    pot, transfers = moves(programme, 50)
    write(programme, transfers, pot)
    assert Account.objects.get(pk=pot.pk).balance == 100_000 - 50 * 100
    result = verify_ledger()
    assert result.ok, result.summary()


def test_a_batch_and_single_transfers_interleave_on_one_chain(programme, manager):
    pot, transfers = moves(programme, 3)
    write(programme, transfers, pot)
    services.fund_programme(actor=manager, programme=programme, amount=500, reference="g2")
    _, more = moves(programme, 3, prefix="u")
    write(programme, more, pot)
    assert verify_ledger().ok


def test_repeated_keys_are_skipped_not_paid_twice(programme):
    pot, transfers = moves(programme, 5)
    write(programme, transfers, pot)
    _, again = moves(programme, 5)
    result = write(programme, again, pot)
    assert len(result.skipped) == 5 and result.written == []
    assert Account.objects.get(pk=pot.pk).balance == 100_000 - 500
    assert Transfer.objects.filter(kind="test").count() == 5


def test_a_batch_that_would_overdraw_writes_nothing(programme):
    pot, transfers = moves(programme, 3, amount=40_000)
    with pytest.raises(InsufficientFunds):
        write(programme, transfers, pot)
    assert Account.objects.get(pk=pot.pk).balance == 100_000
    assert not Transfer.objects.filter(kind="test").exists()


def test_the_number_of_statements_does_not_grow_with_the_batch(programme):
    counts = []
    for size, prefix in ((5, "a"), (200, "b")):
        pot, transfers = moves(programme, size, amount=1, prefix=prefix)
        with CaptureQueriesContext(connection) as queries:
            write(programme, transfers, pot)
        counts.append(len(queries))
    assert counts[0] == counts[1]
