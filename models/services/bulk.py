"""Bulk writes without a model object per row (issue 18): one statement per chunk of 5000 rows.

The feedback run writes a row per jakso (its schedule, its bundle membership) and per delivery; building a
tortoise object for each cost more than the database's work (115 000 `Model.__init__` per 30 000 jaksot).
On PostgreSQL a chunk goes as one `INSERT … SELECT * FROM unnest($1::int[], …)` with a typed array per
column; on SQLite as one executemany. Columns are database column names; the caller fills what tortoise's
auto fields would (timestamps).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from tortoise import connections, fields
from tortoise.models import Model

from models.services.facts import chunks

# PostgreSQL array types for the field kinds bulk rows hold (a foreign key's column is its IntField).
_PG_TYPES: tuple[tuple[type[fields.Field[Any]], str], ...] = (
    (fields.BooleanField, "boolean"),
    (fields.IntField, "integer"),
    (fields.DatetimeField, "timestamptz"),
    (fields.DateField, "date"),
    (fields.CharField, "text"),
    (fields.TextField, "text"),
)


def _pg_type(model: type[Model], column: str) -> str:
    field = model._meta.fields_map.get(column) or model._meta.fields_map[column.removesuffix("_id")]
    if isinstance(field, fields.relational.ForeignKeyFieldInstance):
        return "integer"
    for kind, name in _PG_TYPES:
        if isinstance(field, kind):
            return name
    raise TypeError(f"{model.__name__}.{column}: no bulk type for {type(field).__name__}")


def _sqlite_value(value: Any) -> Any:
    """What tortoise stores in SQLite for a date or timestamp (ISO text), so raw rows read back alike."""
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


async def insert_rows(model: type[Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert `rows` (tuples in `columns` order) into `model`'s table on the current connection."""
    if not rows:
        return
    conn = connections.get("default")
    table = model._meta.db_table
    names = ", ".join(f'"{c}"' for c in columns)
    if conn.capabilities.dialect == "postgres":
        arrays = ", ".join(f"${i}::{_pg_type(model, c)}[]" for i, c in enumerate(columns, 1))
        sql = f'INSERT INTO "{table}" ({names}) SELECT * FROM unnest({arrays})'
        for chunk in chunks(rows):
            await conn.execute_query(sql, [list(col) for col in zip(*chunk, strict=True)])
        return
    sql = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" for _ in columns)})'
    for chunk in chunks(rows):
        await conn.execute_many(sql, [[_sqlite_value(v) for v in row] for row in chunk])


async def delete_in(model: type[Model], column: str, keys: Sequence[int]) -> None:
    """Delete the rows whose integer `column` is one of `keys`: one `= ANY($1)` statement on PostgreSQL (an IN
    list of thousands of terms cost more to build than to run), chunks of 5000 elsewhere."""
    conn = connections.get("default")
    if conn.capabilities.dialect == "postgres":
        if keys:
            await conn.execute_query(
                f'DELETE FROM "{model._meta.db_table}" WHERE "{column}" = ANY($1::int[])', [list(keys)]
            )
        return
    for chunk in chunks(keys):
        await model.filter(**{f"{column}__in": chunk}).delete()
