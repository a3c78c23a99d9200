"""Writing to the audit log. Services call ``record`` in the same transaction as the change."""

import json

from django.core.serializers.json import DjangoJSONEncoder

from audit.models import AuditEvent


def _plain(values: dict | None) -> dict:
    # JSON-safe copy: dates, decimals and UUIDs become strings.
    return json.loads(json.dumps(values or {}, cls=DjangoJSONEncoder))


def record(*, actor, action: str, obj, summary: str, before: dict | None = None,
           after: dict | None = None, commissioner=None) -> AuditEvent:
    """Append one event. ``actor`` None means the system (a scheduled task)."""
    if commissioner is None and actor is not None:
        commissioner = getattr(actor, "commissioner", None)
    return AuditEvent.objects.create(
        actor=actor, actor_role=getattr(actor, "role", "") or "",
        commissioner=commissioner, action=action, object_type=obj._meta.label,
        object_id=str(obj.pk), summary=summary[:300], before=_plain(before),
        after=_plain(after),
    )
