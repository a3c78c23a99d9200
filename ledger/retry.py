"""Retry a money service when PostgreSQL aborts it for a conflict, never half-applying it.

PostgreSQL may abort a transaction with a serialization failure (SQLSTATE 40001) or a
deadlock (40P01) when it runs against another. Nothing of the aborted transaction is
kept, so running the whole function again is safe, and the ledger's idempotency keys
make a repeat that did commit return the first transfer.

Only the outermost caller may retry: inside an outer ``atomic`` block the aborted
transaction belongs to the caller, so the error goes up to it unchanged.
"""

import functools
import logging
import random
import time

from django.db import DatabaseError, connection

log = logging.getLogger(__name__)

CONFLICT_SQLSTATES = frozenset({"40001", "40P01"})  # serialization_failure, deadlock_detected
RETRIES = 3
BASE_DELAY = 0.05  # seconds; doubled per attempt, with full jitter


def is_conflict(error: BaseException) -> bool:
    """True when ``error`` (or what caused it) is a serialization failure or deadlock."""
    seen = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if getattr(current, "sqlstate", None) in CONFLICT_SQLSTATES:
            return True
        current = current.__cause__ or current.__context__
    return False


def retry_on_conflict(func=None, *, retries: int = RETRIES, base_delay: float = BASE_DELAY):
    """Decorator: run ``func`` again (up to ``retries`` more times, with jittered backoff)
    when the database aborts it for a serialization failure or deadlock."""

    def decorate(function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            if connection.in_atomic_block:
                return function(*args, **kwargs)
            attempt = 0
            while True:
                try:
                    return function(*args, **kwargs)
                except DatabaseError as error:
                    if attempt >= retries or not is_conflict(error):
                        raise
                    attempt += 1
                    delay = random.uniform(0, base_delay * 2 ** attempt)
                    log.warning("%s aborted by a database conflict (%s); retry %s of %s",
                                function.__qualname__, error, attempt, retries)
                    time.sleep(delay)

        wrapper.retries_on_conflict = True
        return wrapper

    return decorate(func) if func is not None else decorate
