"""Test-only hook for a real Celery worker process (``celery worker --include
tests.worker_hooks``): with ONWARD_TEST_PAUSE_AFTER_FIRST_TRANSFER=<seconds> the worker
pauses right after its first ledger transfer commits, so a test can kill it mid-task.
Never imported by the application."""

import os
import sys
import time

from django.db import transaction

from ledger import posting

PAUSE = float(os.environ.get("ONWARD_TEST_PAUSE_AFTER_FIRST_TRANSFER", "0") or 0)

if PAUSE:
    _original = posting.post_transfer
    _paused = False

    def _pause_once():
        global _paused
        if not _paused:
            _paused = True
            print("worker_hooks: first transfer committed; pausing", file=sys.stderr,
                  flush=True)
            time.sleep(PAUSE)

    def post_transfer(**kwargs):
        transfer = _original(**kwargs)
        transaction.on_commit(_pause_once)
        return transfer

    posting.post_transfer = post_transfer
