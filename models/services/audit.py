"""Recording who read or changed personal data, with a field-level diff (DOMAIN.md §2)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from models.audit import AuditEvent
from models.services.access import Principal


def _flatten(value: Any, prefix: str, out: dict[str, Any]) -> None:
    if isinstance(value, Mapping):
        for k, v in value.items():
            _flatten(v, f"{prefix}.{k}" if prefix else str(k), out)
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            _flatten(v, f"{prefix}[{i}]", out)
    elif isinstance(value, date | datetime):
        out[prefix] = value.isoformat()
    else:
        out[prefix] = value


def diff(before: Mapping[str, Any] | None, after: Mapping[str, Any] | None) -> dict[str, list[Any]]:
    """`{path: [old, new]}` for every leaf that changed; nested plans are compared leaf by leaf."""
    old: dict[str, Any] = {}
    new: dict[str, Any] = {}
    _flatten(before or {}, "", old)
    _flatten(after or {}, "", new)
    return {k: [old.get(k), new.get(k)] for k in sorted(old.keys() | new.keys()) if old.get(k) != new.get(k)}


async def record(
    principal: Principal,
    action: str,
    entity: str,
    entity_id: object,
    oppija_oid: str | None = None,
    changes: Mapping[str, Any] | None = None,
) -> None:
    await AuditEvent.create(
        user_id=principal.user_id,
        user_name=principal.name,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        oppija_oid=oppija_oid,
        changes=dict(changes) if changes is not None else None,
    )


async def record_reads(principal: Principal, entity: str, rows: Iterable[tuple[object, str | None]]) -> None:
    """One insert for a whole page of reads: auditing must not make a listing cost a query per row."""
    events = [
        AuditEvent(
            user_id=principal.user_id,
            user_name=principal.name,
            action="read",
            entity=entity,
            entity_id=str(entity_id),
            oppija_oid=oppija_oid,
        )
        for entity_id, oppija_oid in rows
    ]
    if events:
        await AuditEvent.bulk_create(events)
