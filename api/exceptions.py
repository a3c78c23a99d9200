"""One shape for every error the API returns.

* Invalid input (400): ``{"detail": "...", "errors": {"field": ["message", ...]}}`` —
  ``errors`` follows the shape of the request (nested objects and lists of rows too);
  problems not tied to one field are under ``non_field_errors``.
* Everything else: ``{"detail": "..."}`` — 401 not signed in, 403 not allowed, 404 not
  found (including ids of things you may not see), 405, 409 the action conflicts with
  the current state (not enough money, already decided), 422 the request is well formed
  but the rules refuse it (idempotency key reused with a different body, not eligible),
  429 too many requests.

Domain errors raised by services (ledger.errors.MoneyError and the apps' own errors:
budgets.errors, marketplace.errors, outcomes.errors, payouts.errors, …) become
403/409/422 with the service's message.
"""

import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from api import errors as api_errors
from bookings import errors as booking_errors
from budgets import errors as money_errors
from ledger import errors as ledger_errors
from marketplace import errors as offer_errors

log = logging.getLogger(__name__)

INVALID_INPUT = "Check the fields and try again."

# Most specific first. Domain errors not named here: 403 when their class name says
# "NotAllowed", otherwise 409.
DOMAIN_STATUS = [
    (money_errors.NotAllowed, status.HTTP_403_FORBIDDEN),
    (offer_errors.NotAllowed, status.HTTP_403_FORBIDDEN),
    (api_errors.NotAllowed, status.HTTP_403_FORBIDDEN),
    (ledger_errors.IdempotencyConflict, status.HTTP_422_UNPROCESSABLE_ENTITY),
    (ledger_errors.InvalidAmount, status.HTTP_422_UNPROCESSABLE_ENTITY),
    (money_errors.NotEligible, status.HTTP_422_UNPROCESSABLE_ENTITY),
    (money_errors.InvitationNotFound, status.HTTP_422_UNPROCESSABLE_ENTITY),
    (booking_errors.CategoryNotAllowed, status.HTTP_422_UNPROCESSABLE_ENTITY),
    (offer_errors.ReasonRequired, status.HTTP_422_UNPROCESSABLE_ENTITY),
    (api_errors.BadTokenRole, status.HTTP_422_UNPROCESSABLE_ENTITY),
    (ledger_errors.InsufficientFunds, status.HTTP_409_CONFLICT),
]


def domain_status(exc: Exception) -> int | None:
    """The status for a service's domain error, or None if ``exc`` is not one."""
    for cls, code in DOMAIN_STATUS:
        if isinstance(exc, cls):
            return code
    if isinstance(exc, ledger_errors.ImmutableLedgerError):
        return None  # a written ledger row changed: a bug, not a refusal (a 500)
    module = type(exc).__module__ or ""
    if not module.endswith(".errors") or module.split(".")[0] not in DOMAIN_APPS:
        return None
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & {"NotAllowed", "NotAllowedToReport", "NotYourOffer", "NotYourBooking"}:
        return status.HTTP_403_FORBIDDEN
    if names & {"BadEvidence", "DoesNotCount", "NoProgramme"}:
        return status.HTTP_422_UNPROCESSABLE_ENTITY
    return status.HTTP_409_CONFLICT


DOMAIN_APPS = {"api", "ledger", "budgets", "marketplace", "bookings", "outcomes", "payouts",
               "providers", "accounts", "audit"}


def _validation_errors(detail) -> Response:
    errors = detail if isinstance(detail, dict) else {"non_field_errors": detail}
    return Response({"detail": INVALID_INPUT, "errors": errors},
                    status=status.HTTP_400_BAD_REQUEST)


def _django_validation(exc: DjangoValidationError) -> Response:
    if hasattr(exc, "error_dict"):
        errors = {("non_field_errors" if field == "__all__" else field): messages
                  for field, messages in exc.message_dict.items()}
    else:
        errors = {"non_field_errors": exc.messages}
    return _validation_errors(errors)


def api_exception_handler(exc, context):
    """DRF's EXCEPTION_HANDLER: never a 500 for a person's input or a service's refusal."""
    code = domain_status(exc)
    if code is not None:
        return Response({"detail": str(exc)}, status=code)
    if isinstance(exc, DjangoValidationError):
        return _django_validation(exc)
    if isinstance(exc, exceptions.ValidationError):
        return _validation_errors(exc.detail)
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        message = str(exc) or "You are not allowed to do that."
        return Response({"detail": message}, status=status.HTTP_403_FORBIDDEN)
    if isinstance(exc, DataError):
        # A value the database cannot hold (a number too large, say) is bad input.
        return Response({"detail": "A value in the request is out of range."},
                        status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None:
        if isinstance(response.data, dict) and "detail" in response.data:
            response.data = {"detail": str(response.data["detail"])}
        else:
            response.data = {"detail": str(response.data)}
        return response
    log.exception("API error", exc_info=exc)
    return Response({"detail": "Something went wrong on our side. Try again later."},
                    status=status.HTTP_500_INTERNAL_SERVER_ERROR)
