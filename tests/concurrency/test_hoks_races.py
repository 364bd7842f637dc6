"""Concurrent HOKS writes through two app instances on one PostgreSQL (issue 12 item 1): no lost update, and
the audit trail replays to exactly what the database holds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from tortoise.context import TortoiseContext

from api.app import create_app
from models.audit import AuditEvent
from models.hoks import Hoks
from models.settings import Settings
from tests.api.world import PATCH, World, make_world

pytestmark = pytest.mark.postgres_only

PAIRS = 25


@pytest_asyncio.fixture
async def clients(db: TortoiseContext) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.AsyncClient]]:
    """Two app instances (as two API processes would be), each with its own lifespan and client."""
    apps = [create_app(Settings(database_url="unused://"), manage_db=False) for _ in range(2)]
    async with (
        apps[0].router.lifespan_context(apps[0]),
        apps[1].router.lifespan_context(apps[1]),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=apps[0]), base_url="http://a") as a,
        httpx.AsyncClient(transport=httpx.ASGITransport(app=apps[1]), base_url="http://b") as b,
    ):
        yield a, b


async def _post(client: httpx.AsyncClient, token: str, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {token}"}
    )
    body: dict[str, Any] = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body


async def test_concurrent_patches_of_different_fields_both_hold(
    clients: tuple[httpx.AsyncClient, httpx.AsyncClient],
) -> None:
    a, b = clients
    world: World = await make_world()

    async def gql(token: str | None, query: str, **variables: Any) -> dict[str, Any]:
        assert token is not None
        return await _post(a, token, query, **variables)

    hoks_id = (await world.new_hoks(gql))["id"]
    lost = 0
    for i in range(PAIRS):
        email, phone = f"pari{i}@example.fi", f"+35840{i:07d}"
        await asyncio.gather(
            _post(a, world.writer, PATCH, id=hoks_id, input={"sahkoposti": email}),
            _post(b, world.writer, PATCH, id=hoks_id, input={"puhelinnumero": phone}),
        )
        stored = await Hoks.get(id=hoks_id)
        lost += (stored.sahkoposti != email) + (stored.puhelinnumero != phone)
    assert lost == 0
    # Same field from both sides: whichever commits last wins, and its audit row names the other's value as old.
    for i in range(PAIRS):
        await asyncio.gather(
            _post(a, world.writer, PATCH, id=hoks_id, input={"sahkoposti": f"a{i}@example.fi"}),
            _post(b, world.writer, PATCH, id=hoks_id, input={"sahkoposti": f"b{i}@example.fi"}),
        )

    # The audit trail, replayed in order, ends where the database is, and each change starts where the last ended.
    held: dict[str, Any] = {}
    for event in await AuditEvent.filter(entity="hoks", entity_id=str(hoks_id), action="update").order_by("id"):
        for key in ("sahkoposti", "puhelinnumero"):
            if key in event.changes:
                old, new = event.changes[key]
                if key in held:
                    assert old == held[key], (key, event.changes)
                held[key] = new
    stored = await Hoks.get(id=hoks_id)
    assert held == {"sahkoposti": stored.sahkoposti, "puhelinnumero": stored.puhelinnumero}
