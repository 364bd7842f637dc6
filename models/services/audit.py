"""Recording who read or changed personal data, with a field-level diff (DOMAIN.md §2)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from tortoise import connections

from models.audit import AuditEvent
from models.services.access import Principal
from models.services.sql import Sql, fetch


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
    await record_many(principal, [(action, entity, entity_id, oppija_oid, changes)])


async def record_reads(principal: Principal, entity: str, rows: Iterable[tuple[object, str | None]]) -> None:
    """One insert for a whole page of reads: auditing must not make a listing cost a query per row."""
    await record_many(principal, [("read", entity, entity_id, oppija_oid, None) for entity_id, oppija_oid in rows])


Row = tuple[str, str, object, str | None, Mapping[str, Any] | None]
"""action, entity, entity_id, oppija OID, changes"""

_COLUMNS = "at, user_id, user_name, action, entity, entity_id, oppija_oid, changes"
_CHANGES = AuditEvent._meta.fields_map["changes"]
_ROWS_PER_INSERT = 600  # 8 parameters a row: under the 5000 a statement binds at most (models.db)


async def record_many(principal: Principal, rows: Sequence[Row]) -> None:
    """Raw SQL: every API read writes here, and the ORM's insert cost more than many of the reads it records.

    On PostgreSQL one statement whatever the number of rows, each column one array parameter (an export of
    30 000 rows read spent more on binding and planning 600-row VALUES lists than on the list itself,
    bench/valpas_lists.py); elsewhere VALUES lists. Runs on the current connection, so inside a mutation's
    transaction the audit row commits or rolls back with the change it records.
    """
    if not rows:
        return
    who = (datetime.now(UTC), principal.user_id, principal.name)
    if connections.get("default").capabilities.dialect == "postgres":
        columns = [list(c) for c in zip(*((a, e, str(i)[:64], o, _stored(c)) for a, e, i, o, c in rows), strict=True)]
        await fetch(
            lambda p: (
                f"INSERT INTO audit_event ({_COLUMNS}) SELECT {p.many(who)}, a, e, i, o, c::jsonb "
                f"FROM unnest({', '.join(f'{p(values)}::text[]' for values in columns)}) AS r(a, e, i, o, c)"
            )
        )
        return

    def insert(chunk: Sequence[Row]) -> Callable[[Sql], str]:
        def build(p: Sql) -> str:
            return f"INSERT INTO audit_event ({_COLUMNS}) VALUES " + ", ".join(
                f"({p.many((*who, action, entity, str(entity_id)[:64], oppija_oid, _stored(changes)))})"
                for action, entity, entity_id, oppija_oid, changes in chunk
            )

        return build

    for start in range(0, len(rows), _ROWS_PER_INSERT):
        await fetch(insert(rows[start : start + _ROWS_PER_INSERT]))


def _stored(changes: Mapping[str, Any] | None) -> Any:
    return None if changes is None else _CHANGES.to_db_value(dict(changes), AuditEvent)
