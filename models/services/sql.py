"""Raw SQL for the few hot paths where building queries through the ORM costs more than the database work.

Used by the Valpas lists (thousands of rows per request, bench/valpas_lists.py) and by the respondent's form and
answer (two requests per answer, bench/survey_load.py). Everything else goes through tortoise models.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient


class Sql:
    """Placeholders and values for one raw statement, in the dialect of the connection."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.values: list[Any] = []

    def __call__(self, value: Any) -> str:
        if isinstance(value, datetime) and self.dialect == "sqlite":
            value = value.isoformat(" ")  # the text tortoise stores, so it compares and parses back alike
        elif isinstance(value, date) and self.dialect == "sqlite":
            value = value.isoformat()
        self.values.append(value)
        return f"${len(self.values)}" if self.dialect == "postgres" else "?"

    def many(self, values: Iterable[Any]) -> str:
        return ", ".join(self(v) for v in values)

    def any_of(self, column: str, keys: Sequence[int]) -> str:
        """`column` is one of the integer `keys`: on PostgreSQL one array parameter however many there are (an IN
        list that long costs more to bind than to query, models.db.MAX_PARAMETERS), elsewhere an IN list."""
        if self.dialect == "postgres":
            return f"{column} = ANY({self(list(keys))}::int[])"
        return f"{column} IN ({self.many(keys)})"

    @staticmethod
    def literal(value: date | str) -> str:
        """A date, one of our own codes or a digits-only kuntakoodi as an SQL literal (quotes doubled)."""
        text = value.isoformat() if isinstance(value, date) else value
        return "'" + text.replace("'", "''") + "'"


async def fetch(build: Callable[[Sql], str], connection: BaseDBAsyncClient | None = None) -> list[Any]:
    """Rows of the statement `build` makes with `Sql` placeholders, on `connection` (a transaction) or the default."""
    connection = connection or connections.get("default")
    p = Sql(connection.capabilities.dialect)
    sql = build(p)
    _, rows = await connection.execute_query(sql, p.values)
    return list(rows)


def day(value: Any) -> date | None:
    """SQLite returns dates as ISO text, PostgreSQL as dates."""
    return value if value is None or isinstance(value, date) else date.fromisoformat(value)


def moment(value: Any) -> datetime | None:
    """SQLite returns timestamps as ISO text (with their offset), PostgreSQL as aware datetimes."""
    return value if value is None or isinstance(value, datetime) else datetime.fromisoformat(value)
