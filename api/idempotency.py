"""``Idempotency-Key`` on requests that move money.

The first request with a key runs and its response (status and body) is stored under
(who sent it, key) with a hash of the method, path and body. A repeat with the same
key and the same request gets the stored response, without the service running again
(marked ``Idempotent-Replayed: true``). The same key with a different request is
refused with 422. A key whose first request is still running gets 409.

Only answers the service gave are stored (2xx, and the 403/409/422 of a domain
refusal); invalid input (400), sign-in problems (401) and throttling (429) are not,
so the request can be corrected and sent again with the same key.
"""

import hashlib
import json
from functools import wraps

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions, status
from rest_framework.response import Response

from api.models import ApiToken, IdempotentRequest

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
STORED_STATUSES = {403, 409, 422}

IDEMPOTENCY_PARAMETER = OpenApiParameter(
    name=HEADER, type=OpenApiTypes.STR, location=OpenApiParameter.HEADER, required=False,
    description="Any unique string (a UUID is ideal), at most 255 characters. Repeating the "
                "request with the same key and body returns the first response and moves "
                "no money again; a different body with the same key is refused (422).",
)


def owner_of(request) -> str:
    if isinstance(request.auth, ApiToken):
        return f"token:{request.auth.pk}"
    return f"user:{request.user.pk}"


def request_hash(request) -> str:
    payload = {"method": request.method, "path": request.get_full_path(),
               "body": request.data}
    text = json.dumps(payload, sort_keys=True, cls=DjangoJSONEncoder, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _clean_key(raw: str) -> str:
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise exceptions.ValidationError(
            {HEADER: [f"Give a key of 1 to {MAX_KEY_LENGTH} printable characters."]}
        )
    return key


def idempotent(handler):
    """Decorate an APIView method (post) that moves money."""

    @wraps(handler)
    def wrapped(view, request, *args, **kwargs):
        raw = request.headers.get(HEADER)
        if raw is None:
            return handler(view, request, *args, **kwargs)
        key = _clean_key(raw)
        owner, digest = owner_of(request), request_hash(request)
        try:
            with transaction.atomic():
                stored = IdempotentRequest.objects.create(
                    owner=owner, key=key, method=request.method,
                    path=request.get_full_path()[:500], request_hash=digest,
                )
        except IntegrityError:
            earlier = IdempotentRequest.objects.get(owner=owner, key=key)
            if earlier.request_hash != digest:
                return Response(
                    {"detail": "This Idempotency-Key was already used for a different "
                               "request. Use a new key for a new request."},
                    status=status.HTTP_422_UNPROCESSABLE_ENTITY,
                )
            if earlier.status_code is None:
                return Response(
                    {"detail": "A request with this Idempotency-Key is still being handled. "
                               "Try again in a moment."},
                    status=status.HTTP_409_CONFLICT,
                )
            return Response(earlier.body, status=earlier.status_code,
                            headers={"Idempotent-Replayed": "true"})
        try:
            try:
                response = handler(view, request, *args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - turned into a response as DRF would
                response = view.handle_exception(exc)
        except Exception:
            IdempotentRequest.objects.filter(pk=stored.pk).delete()
            raise
        code = response.status_code
        if 200 <= code < 300 or code in STORED_STATUSES:
            stored.status_code = code
            stored.body = response.data
            stored.completed_at = timezone.now()
            stored.save(update_fields=["status_code", "body", "completed_at"])
        else:
            IdempotentRequest.objects.filter(pk=stored.pk).delete()
        return response

    wrapped.idempotent = True
    return wrapped
