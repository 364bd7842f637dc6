"""An in-process client for the real ASGI app, on the test database opened by the `db` fixture."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest_asyncio
from tortoise.context import TortoiseContext

from api.app import create_app
from models.settings import Settings

Gql = Callable[..., Awaitable[dict[str, Any]]]


@pytest_asyncio.fixture
async def client(db: TortoiseContext) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url="unused://"), manage_db=False)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
            yield c


@pytest_asyncio.fixture
async def gql(client: httpx.AsyncClient) -> Gql:
    """POST a GraphQL document with a bearer token; returns the JSON body (data and errors)."""

    async def call(token: str | None, query: str, **variables: Any) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
        body: dict[str, Any] = response.json()
        body["_status"] = response.status_code
        return body

    return call
