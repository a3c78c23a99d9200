"""Factories for every app's data. Each app's factories live in their own module."""

from tests.factories.accounts import *  # noqa: F401,F403
from tests.factories.api import *  # noqa: F401,F403
from tests.factories.bookings import *  # noqa: F401,F403
from tests.factories.marketplace import *  # noqa: F401,F403
from tests.factories.outcomes import *  # noqa: F401,F403
from tests.factories.payouts import *  # noqa: F401,F403
