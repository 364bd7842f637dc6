"""Report test fixtures: a live uvicorn server for the browser test."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn
from tortoise.contrib.test import tortoise_test_context

from api.app import create_app
from models.db import MODEL_MODULES
from models.settings import Settings
from tests.api.conftest import client, gql  # noqa: F401  (the HTTP fixtures, shared with tests/api)
from tests.conftest import test_db_url
from tests.support import free_port


@dataclass
class LiveServer:
    url: str
    seeded: dict[str, Any]


@pytest.fixture
def live_server(report_seed: Callable[[], Awaitable[dict[str, Any]]]) -> Iterator[LiveServer]:
    """uvicorn serving the real app on 127.0.0.1 in a background thread, on a fresh test database.

    The thread owns its event loop and its Tortoise context (a fresh database, filled by the test module's
    `report_seed` fixture, a coroutine function), so the browser test itself stays synchronous.
    """
    port = free_port()
    ready = threading.Event()
    state: dict[str, Any] = {}

    async def main() -> None:
        async with tortoise_test_context(MODEL_MODULES, db_url=test_db_url()) as ctx:
            try:
                state["seeded"] = await report_seed()
                app = create_app(Settings(database_url="unused://"), manage_db=False)
                config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
                server = uvicorn.Server(config)
                state["server"] = server
                serving = asyncio.create_task(server.serve())
                while not server.started and not serving.done():
                    await asyncio.sleep(0.02)
                ready.set()
                await serving
            finally:
                ready.set()
                conn = ctx.db()
                await conn.close()
                await conn.db_delete()

    thread = threading.Thread(target=lambda: asyncio.run(main()), daemon=True)
    thread.start()
    assert ready.wait(30), "uvicorn did not start"
    assert "server" in state and state["server"].started, "uvicorn failed to start"
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", state["seeded"])
    finally:
        state["server"].should_exit = True
        thread.join(15)
