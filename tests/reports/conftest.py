"""Report test fixtures: compiled `raportti` catalogs, and a live uvicorn server for the browser test."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import uvicorn
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from tortoise.contrib.test import tortoise_test_context

from api.app import create_app
from models.db import MODEL_MODULES
from models.settings import Settings
from survey_ui.raportti import DOMAIN, KIELET, LOCALES
from tests.api.conftest import client, gql  # noqa: F401  (the HTTP fixtures, shared with tests/api)
from tests.conftest import test_db_url


@pytest.fixture(scope="session", autouse=True)
def raportti_catalogs() -> None:
    """Compile the report page catalogs when `make install` hasn't (the .mo files are not in git)."""
    for lang in KIELET:
        po = LOCALES / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as f:
                catalog = read_po(f, locale=lang, domain=DOMAIN)
            with mo.open("wb") as f:
                write_mo(f, catalog)


@dataclass
class LiveServer:
    url: str
    seeded: dict[str, Any]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def live_server(report_seed: Callable[[], Awaitable[dict[str, Any]]]) -> Iterator[LiveServer]:
    """uvicorn serving the real app on 127.0.0.1 in a background thread, on a fresh test database.

    The thread owns its event loop and its Tortoise context (a fresh database, filled by the test module's
    `report_seed` fixture, a coroutine function), so the browser test itself stays synchronous.
    """
    port = _free_port()
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
