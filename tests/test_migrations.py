"""The committed migrations are the schema: they apply cleanly and match the models exactly.

Tests elsewhere build tables with generate_schemas for speed; this is where the production path is proven.
"""

from __future__ import annotations

import asyncio
import os
import sys
import uuid
from asyncio.subprocess import PIPE

import asyncpg
import pytest
from tortoise import Tortoise
from tortoise.cli.cli import tortoise_cli_context
from tortoise.connection import get_connection
from tortoise.migrations.autodetector import MigrationAutodetector

from api.cli import run_migrations
from models.db import tortoise_config
from models.settings import Settings
from tests.conftest import BACKEND


async def test_models_and_migrations_agree() -> None:
    """`make migrations` would write nothing: every model change has its migration committed."""
    config = tortoise_config("sqlite://:memory:")
    async with tortoise_cli_context(config) as ctx:
        writers = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    assert [w.name for w in writers] == []


async def _applied_tables(url: str) -> set[str]:
    await run_migrations(Settings(database_url=url))
    await Tortoise.init(config=tortoise_config(url))
    try:
        conn = get_connection("default")
        if conn.capabilities.dialect == "sqlite":
            _, rows = await conn.execute_query("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        else:
            _, rows = await conn.execute_query(
                "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' "
                "UNION SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
            )
        return {r["name"] for r in rows}
    finally:
        await Tortoise.close_connections()


async def test_migrations_build_every_table_and_the_kuntailmoitus_trigger(tmp_path) -> None:
    if BACKEND == "sqlite":
        url = f"sqlite://{tmp_path / 'migrated.sqlite3'}"
        names = await _applied_tables(url)
    else:
        name = f"polku_migrate_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            names = await _applied_tables(f"postgres://postgres@127.0.0.1:5432/{name}")
        finally:
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            await admin.close()
    assert {"hoks", "kyselylinkki", "vastaus", "valpas_kuntailmoitus", "audit_event"} <= names
    assert any("kuntailmoitus" in n and n != "valpas_kuntailmoitus" for n in names), "immutability trigger missing"
    assert any(n.startswith("audit_event_") for n in names), "audit log append-only trigger missing"


@pytest.mark.postgres_only
async def test_two_migrate_commands_at_once_both_succeed() -> None:
    """Issue 12 item 5: two deploys migrating one database at once crashed one of them (IntegrityError on
    tortoise_migrations); they now take turns on an advisory lock."""
    name = f"polku_migrate_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    await admin.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{name}"}
    try:
        processes = [
            await asyncio.create_subprocess_exec(
                sys.executable, "-m", "api.cli", "migrate", env=env, stdout=PIPE, stderr=PIPE
            )
            for _ in range(2)
        ]
        outputs = [await p.communicate() for p in processes]
        assert [p.returncode for p in processes] == [0, 0], [err.decode()[-500:] for _, err in outputs]
    finally:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.close()
