"""Tortoise configuration: which modules hold tables, and how to connect."""

from __future__ import annotations

import logging
from typing import Any

import asyncpg
from tortoise.backends.base.config_generator import expand_db_url

from models.settings import Settings

MODEL_MODULES = [
    "models.organisation",
    "models.oppija",
    "models.opiskeluoikeus",
    "models.koski_synkronointi",
    "models.hoks",
    "models.user",
    "models.audit",
    "models.kyselylinkki",
    "models.vastaus",
    "models.valpas",
    "models.herate",
]


log = logging.getLogger("polku.db")
# A statement should bind at most a few thousand values: asyncpg refuses more than 32 767, and long before that
# an IN list costs more than the query (issue 10 §3). Key lists go in chunks or as one array
# (models.services.facts.values_in).
MAX_PARAMETERS = 5000


def _check_size(query: str, count: int) -> None:
    """Name any statement past MAX_PARAMETERS in the log: the place to chunk, found before asyncpg's limit."""
    if count > MAX_PARAMETERS:
        log.warning("a statement binds %d values (more than %d): %s", count, MAX_PARAMETERS, query[:80])


class PolkuConnection(asyncpg.Connection):  # type: ignore[misc]
    """A pooled PostgreSQL connection that goes back to the pool without a `RESET ALL` round trip.

    Outside a transaction tortoise takes a pool connection per statement, so asyncpg's default reset (RESET ALL,
    UNLISTEN *, CLOSE ALL, advisory unlock) doubled the round trips of every read. Polku never changes session
    state: no SET, LISTEN, session advisory locks or cursors outside a transaction. An open transaction is still
    rolled back by asyncpg before the connection is reused.
    """

    def get_reset_query(self) -> str:
        return ""

    async def fetch(self, query: str, *args: Any, **kwargs: Any) -> Any:
        _check_size(query, len(args))
        return await super().fetch(query, *args, **kwargs)

    async def fetchrow(self, query: str, *args: Any, **kwargs: Any) -> Any:
        _check_size(query, len(args))
        return await super().fetchrow(query, *args, **kwargs)

    async def execute(self, query: str, *args: Any, **kwargs: Any) -> Any:
        _check_size(query, len(args))
        return await super().execute(query, *args, **kwargs)


def with_polku_connection(connection: dict[str, Any]) -> dict[str, Any]:
    """An expanded tortoise connection config, using PolkuConnection when it is PostgreSQL."""
    if connection["engine"] == "tortoise.backends.asyncpg":
        connection["credentials"]["connection_class"] = PolkuConnection
    return connection


def tortoise_config(database_url: str, pool_size: int | None = None) -> dict[str, Any]:
    """`pool_size` caps a PostgreSQL process's connections (POLKU_DB_POOL_SIZE; asyncpg's default is 5)."""
    connection = with_polku_connection(expand_db_url(database_url))
    if pool_size and connection["engine"] == "tortoise.backends.asyncpg":
        connection["credentials"].update(minsize=1, maxsize=pool_size)
    return {
        "connections": {"default": connection},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "models.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


# For the `tortoise` CLI (makemigrations): `tortoise -c models.db.TORTOISE_ORM makemigrations`.
TORTOISE_ORM = tortoise_config(Settings.from_env().database_url)
