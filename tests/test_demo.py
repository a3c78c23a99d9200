"""`make demo`'s data loads, loads again without change, and every sign-in has a home."""

import pytest
from django.core.management import call_command

from frontend.demo import load_demo
from ledger.models import Transfer
from ledger.verification import verify_ledger


@pytest.mark.django_db
def test_demo_data_is_idempotent_and_balanced(client):
    sign_ins, code = load_demo()
    transfers = Transfer.objects.count()
    again, _ = load_demo()
    assert Transfer.objects.count() == transfers
    assert [s.email for s in again] == [s.email for s in sign_ins]
    assert len({s.role for s in sign_ins}) == 6
    assert verify_ledger().ok
    call_command("load_demo")  # the command prints; it must not fail either
