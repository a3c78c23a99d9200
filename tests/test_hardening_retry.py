"""A serialization failure or deadlock in a money service is retried, never half-applied."""

import psycopg.errors
import pytest
from django.db import OperationalError, connection, transaction

from audit.models import AuditEvent
from budgets import services
from ledger.accounts import available_account, pot_account
from ledger.models import Account, Transfer, TransferKind
from ledger.retry import is_conflict
from ledger.verification import verify_ledger
from tests.factories.bookings import funded_programme

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def conflict(kind=psycopg.errors.SerializationFailure):
    """A Django OperationalError caused by a real psycopg conflict error, as Django raises."""
    try:
        raise kind("could not serialize access due to concurrent update")
    except kind as cause:
        try:
            raise OperationalError(str(cause)) from cause
        except OperationalError as error:
            return error


class FailFirstPostings:
    """An execute wrapper that aborts the first ``times`` ledger postings."""

    def __init__(self, times=1, error=None):
        self.left = times
        self.error = error or (lambda: conflict())
        self.postings = 0

    def __call__(self, execute, sql, params, many, context):
        if "onward_post_transfer" in sql:
            self.postings += 1
            if self.left:
                self.left -= 1
                raise self.error()
        return execute(sql, params, many, context)


def balance(account) -> int:
    return Account.objects.get(pk=account.pk).balance


def test_the_error_helper_recognises_serialization_and_deadlock_only():
    assert is_conflict(conflict())
    assert is_conflict(conflict(psycopg.errors.DeadlockDetected))
    assert not is_conflict(OperationalError("server closed the connection"))


def test_a_serialization_failure_is_retried_and_the_transfer_written_once(manager):
    programme = services.create_programme(actor=manager, name="Retry", budget_per_person=1_000)
    wrapper = FailFirstPostings()
    with connection.execute_wrapper(wrapper):
        services.fund_programme(actor=manager, programme=programme, amount=50_000,
                                reference="grant")
    assert wrapper.postings == 2
    assert Transfer.objects.filter(kind=TransferKind.FUND, programme=programme).count() == 1
    assert balance(pot_account(programme)) == 50_000
    assert AuditEvent.objects.filter(action="programme.funded").count() == 1
    assert verify_ledger().ok


def test_a_deadlock_is_retried_too(manager):
    programme = funded_programme(manager, pot=10_000, per_person=1_000)
    wrapper = FailFirstPostings(error=lambda: conflict(psycopg.errors.DeadlockDetected))
    with connection.execute_wrapper(wrapper):
        budget, created = services.issue_budget(actor=manager, programme=programme,
                                                external_reference="D1")
    assert created
    assert balance(available_account(budget)) == 1_000
    assert balance(pot_account(programme)) == 9_000
    assert Transfer.objects.filter(kind=TransferKind.ISSUE).count() == 1
    assert verify_ledger().ok


def test_after_three_retries_the_error_goes_up_and_nothing_is_written(manager):
    programme = services.create_programme(actor=manager, name="Busy", budget_per_person=1_000)
    wrapper = FailFirstPostings(times=10)
    with pytest.raises(OperationalError), connection.execute_wrapper(wrapper):
        services.fund_programme(actor=manager, programme=programme, amount=50_000,
                                reference="grant")
    assert wrapper.postings == 4  # the first attempt and three retries
    assert not Transfer.objects.filter(kind=TransferKind.FUND, programme=programme).exists()
    assert not AuditEvent.objects.filter(action="programme.funded").exists()
    assert verify_ledger().ok


def test_inside_an_outer_transaction_the_caller_gets_the_error(manager):
    programme = services.create_programme(actor=manager, name="Outer", budget_per_person=1_000)
    wrapper = FailFirstPostings()
    with pytest.raises(OperationalError), connection.execute_wrapper(wrapper), \
            transaction.atomic():
        services.fund_programme(actor=manager, programme=programme, amount=50_000,
                                reference="grant")
    assert wrapper.postings == 1
    assert not Transfer.objects.filter(kind=TransferKind.FUND, programme=programme).exists()


def test_other_database_errors_are_not_retried(manager):
    programme = services.create_programme(actor=manager, name="Other", budget_per_person=1_000)
    wrapper = FailFirstPostings(error=lambda: OperationalError("server closed the connection"))
    with pytest.raises(OperationalError), connection.execute_wrapper(wrapper):
        services.fund_programme(actor=manager, programme=programme, amount=50_000,
                                reference="grant")
    assert wrapper.postings == 1
