"""Shared fixtures: a fresh database per test on the real PostgreSQL (or SQLite with POLKU_TEST_DB=sqlite).

The backend is chosen once per process: Tortoise can't switch dialects inside one process (STACK.md §2).
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from tortoise.context import TortoiseContext
from tortoise.contrib.test import tortoise_test_context

from models.db import MODEL_MODULES
from models.sql_extras import install as install_sql_extras
from tests.support import compile_catalogs

BACKEND = os.environ.get("POLKU_TEST_DB", "postgres")
PG_URL = os.environ.get("POLKU_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/test_{}")


def test_db_url() -> str:
    return "sqlite://:memory:" if BACKEND == "sqlite" else PG_URL


@pytest.fixture(scope="session", autouse=True)
def _catalogs() -> None:
    compile_catalogs()


@pytest_asyncio.fixture
async def db() -> AsyncIterator[TortoiseContext]:
    async with tortoise_test_context(MODEL_MODULES, db_url=test_db_url()) as ctx:
        await install_sql_extras(ctx.db())
        yield ctx
        if BACKEND != "sqlite":
            conn = ctx.db()
            await conn.close()
            await conn.db_delete()
