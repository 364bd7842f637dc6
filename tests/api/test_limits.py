"""Limits (issue 10 §3): the request body, the size of a HOKS plan, statements of bounded size, and a plan that
can always be shrunk."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.app import create_app
from models.db import MAX_PARAMETERS
from models.hoks import HankittavaTutkinnonOsa, Hankkimistapa, Hoks
from models.rules.hoks import MAX_HANKKIMISTAVAT, MAX_HANKKIMISTAVAT_PER_OSA, MAX_TUTKINNON_OSAT
from models.services import hoks as hoks_service
from models.settings import Settings
from tests.api.conftest import Gql
from tests.api.world import CREATE, GET, UPDATE, World, make_world
from tests.factories import hoks_input


@pytest.fixture
async def world(db: TortoiseContext) -> World:
    return await make_world()


# --- the request body ---------------------------------------------------------------------------------------


async def _small_limit_client() -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(Settings(database_url="unused://", graphql_max_body_bytes=2000), manage_db=False)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c


def _refused(response: httpx.Response, limit: int) -> None:
    assert response.status_code == 413
    [error] = response.json()["errors"]
    assert error["extensions"] == {"code": "REQUEST_TOO_LARGE", "maxBytes": limit}


async def test_a_body_over_the_default_megabyte_is_413_before_authentication(client: httpx.AsyncClient) -> None:
    query = "{ hoksit(first: 1) { pageInfo { hasNextPage } } }" + " " * 1_000_000
    response = await client.post("/graphql", json={"query": query}, headers={"Authorization": "Bearer nope"})
    _refused(response, 1_000_000)


async def test_a_body_just_under_the_limit_is_read(world: World) -> None:
    async for small in _small_limit_client():
        query = "{ hoksit(first: 1) { pageInfo { hasNextPage } } }"
        body = json.dumps({"query": query + " " * (1900 - len(query))})
        response = await small.post(
            "/graphql",
            content=body,
            headers={"Authorization": f"Bearer {world.reader}", "Content-Type": "application/json"},
        )
        assert response.status_code == 200 and "errors" not in response.json()


async def test_a_chunked_body_without_length_is_counted_as_it_arrives(world: World) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "{ hoksit(first: 1) { pageInfo { hasNextPage } } }'
        for _ in range(10):
            yield b" " * 500
        yield b'"}'

    async for small in _small_limit_client():
        response = await small.post(
            "/graphql",
            content=chunks(),
            headers={"Authorization": f"Bearer {world.reader}", "Content-Type": "application/json"},
        )
        assert "content-length" not in response.request.headers
        _refused(response, 2000)


# --- the plan -------------------------------------------------------------------------------------------------


def _plan(oppija: str, oo: str, osat: int, tavat_per_osa: int) -> dict[str, Any]:
    base = hoks_input(oppija, oo)
    [template] = base["tutkinnonOsat"][0]["hankkimistavat"]
    base["tutkinnonOsat"] = [
        {
            "tutkinnonOsaKoodi": str(100000 + i),
            "hankkimistavat": [{**template, "yksiloivaTunniste": f"jakso-{i}-{j}"} for j in range(tavat_per_osa)],
        }
        for i in range(osat)
    ]
    return base


async def test_a_plan_over_the_limits_is_a_field_error(gql: Gql, world: World) -> None:
    oppija, oo = await world.new_oo()
    body = await gql(world.writer, CREATE, input=_plan(oppija, oo, MAX_TUTKINNON_OSAT + 1, 0))
    [error] = body["errors"]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert error["extensions"]["errors"][0]["field"] == "tutkinnonOsat"
    assert error["extensions"]["errors"][0]["code"] == "TOO_MANY"
    assert not await Hoks.exists(opiskeluoikeus__oid=oo)


async def test_the_largest_plan_is_stored_and_shrunk(gql: Gql, world: World) -> None:
    oppija, oo = await world.new_oo()
    tavat_per_osa = MAX_HANKKIMISTAVAT // MAX_TUTKINNON_OSAT
    largest = _plan(oppija, oo, MAX_TUTKINNON_OSAT, tavat_per_osa)
    largest["tutkinnonOsat"][0]["hankkimistavat"] = [
        {**largest["tutkinnonOsat"][0]["hankkimistavat"][0], "yksiloivaTunniste": f"eka-{j}"}
        for j in range(MAX_HANKKIMISTAVAT_PER_OSA)
    ]
    body = await gql(world.writer, CREATE, input=largest)
    assert "errors" not in body, body["errors"][0]["message"]
    hoks_id = body["data"]["createHoks"]["id"]
    assert len(body["data"]["createHoks"]["tutkinnonOsat"]) == MAX_TUTKINNON_OSAT

    body = await gql(world.writer, UPDATE, id=hoks_id, input=_plan(oppija, oo, 2, 1))
    assert "errors" not in body, body
    assert await HankittavaTutkinnonOsa.filter(hoks_id=hoks_id).count() == 2
    assert await Hankkimistapa.filter(hoks_id=hoks_id).count() == 2


@pytest.mark.postgres_only
async def test_a_plan_stored_before_the_limits_with_more_rows_than_a_statement_takes_can_be_shrunk(
    gql: Gql, world: World
) -> None:
    """asyncpg takes at most 32 767 parameters a statement: deleting 33 000 osat in one statement failed."""
    stored = await world.new_hoks(gql)
    hoks = await Hoks.get(id=stored["id"]).prefetch_related("oppija", "opiskeluoikeus")
    await HankittavaTutkinnonOsa.bulk_create(
        [HankittavaTutkinnonOsa(hoks=hoks, jarjestys=i, tutkinnon_osa_koodi=str(i)) for i in range(33_000)],
        batch_size=2000,
    )
    small = _plan(hoks.oppija.oid, hoks.opiskeluoikeus.oid, 1, 1)
    body = await gql(world.writer, UPDATE, id=hoks.id, input=small)
    assert "errors" not in body, body
    assert len((await hoks_service.load_plan(hoks)).tutkinnon_osat) == 1


@pytest.mark.postgres_only
async def test_a_large_write_does_not_hold_up_another_organisations_read(gql: Gql, world: World) -> None:
    """Order, not wall-clock: the other provider's read finishes while the largest plan is still being written."""
    theirs = await world.new_hoks(gql, world.other_oppilaitos)
    oppija, oo = await world.new_oo()
    largest = _plan(oppija, oo, MAX_TUTKINNON_OSAT, MAX_HANKKIMISTAVAT // MAX_TUTKINNON_OSAT)
    finished: list[str] = []

    async def write() -> None:
        body = await gql(world.writer, CREATE, input=largest)
        assert "errors" not in body
        finished.append("write")

    async def read() -> None:
        await asyncio.sleep(0)  # let the write start first
        body = await gql(world.outsider, GET, id=theirs["id"])
        assert body["data"]["hoks"]["id"] == theirs["id"]
        finished.append("read")

    await asyncio.gather(write(), read())
    assert finished == ["read", "write"]


@pytest.mark.postgres_only
async def test_a_statement_binding_more_than_a_few_thousand_values_is_named_in_the_log(
    db: TortoiseContext, caplog: pytest.LogCaptureFixture
) -> None:
    conn = db.db()

    async def bind(count: int) -> None:
        placeholders = ", ".join(f"${i + 1}" for i in range(count))
        await conn.execute_query(f"SELECT 1 WHERE 1 IN ({placeholders})", list(range(count)))

    with caplog.at_level(logging.WARNING, logger="polku.db"):
        await bind(MAX_PARAMETERS)
        assert not caplog.records
        await bind(MAX_PARAMETERS + 1)
    [record] = caplog.records
    assert f"binds {MAX_PARAMETERS + 1} values" in record.getMessage()
