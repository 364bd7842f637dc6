"""Shared fixtures: a fresh database per test on the real PostgreSQL (or SQLite with POLKU_TEST_DB=sqlite).

The backend is chosen once per process: Tortoise can't switch dialects inside one process (STACK.md §2).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, settings
from tortoise.backends.base.config_generator import generate_config
from tortoise.context import TortoiseContext
from tortoise.warnings import TortoiseLoopSwitchWarning

from models.db import MODEL_MODULES, with_polku_connection
from models.sql_extras import install as install_sql_extras
from tests.support import compile_catalogs

# CI and the shared development machine run other work alongside the suite: a slow example is load, not a
# defect, so property tests are judged by their assertions only (explicit @settings still set the counts).
settings.register_profile("polku", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("polku")

BACKEND = os.environ.get("POLKU_TEST_DB", "postgres")
PG_URL = os.environ.get("POLKU_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/test_{}")


def test_db_url() -> str:
    return "sqlite://:memory:" if BACKEND == "sqlite" else PG_URL


@pytest.fixture(scope="session", autouse=True)
def _catalogs() -> None:
    compile_catalogs()


@pytest_asyncio.fixture
async def db() -> AsyncIterator[TortoiseContext]:
    """tortoise_test_context's steps, with the production connection class (models.db.PolkuConnection)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=TortoiseLoopSwitchWarning)
        async with _context() as ctx:
            yield ctx


@asynccontextmanager
async def _context() -> AsyncIterator[TortoiseContext]:
    async with TortoiseContext() as ctx:
        config = generate_config(test_db_url(), app_modules={"models": MODEL_MODULES}, testing=True)
        for connection in config["connections"].values():
            with_polku_connection(connection)
        await ctx.init(config=config, _create_db=True, use_tz=True, timezone="UTC")
        await ctx.generate_schemas(safe=False)
        await install_sql_extras(ctx.db())
        yield ctx
        if BACKEND != "sqlite":
            conn = ctx.db()
            await conn.close()
            await conn.db_delete()
