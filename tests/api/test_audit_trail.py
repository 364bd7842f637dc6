"""Audit of GraphQL reads (issue 10.5): every personal-data object a response holds, nested ones included, is
recorded with its person's oppija OID, and every refusal with who, what and why; one write per request."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import httpx
import pytest
from tortoise.transactions import in_transaction

from models.audit import AuditEvent
from models.services import hoks as hoks_service
from models.services.tyopaikkakysely import generate_tyopaikkakysely
from models.user import RoleName
from tests.api.authz_world import make_authz_world
from tests.api.conftest import Gql
from tests.api.test_authorization import ATTACK
from tests.factories import koski_doc, provider, user_token
from tests.services.conftest import Setting, jakso, plan, store

pytestmark = pytest.mark.usefixtures("db")


async def events(user: str) -> list[dict[str, Any]]:
    return list(
        await AuditEvent.filter(user_name=user)
        .order_by("id")
        .values("action", "entity", "entity_id", "oppija_oid", "changes")
    )


async def test_nested_reads_and_refusals_are_audited_with_the_person(gql: Gql) -> None:
    world = await make_authz_world()
    await gql(world.tokens["kunta_valvoja_X"], ATTACK, oid=world.p_oid)
    seen = await events("kunta_valvoja_X")
    assert {(e["action"], e["entity"], e["oppija_oid"]) for e in seen} == {
        ("read", "oppija", world.p_oid),
        ("read", "opiskeluoikeus", world.p_oid),
        ("denied", "hoks", world.p_oid),
    }
    [denied] = [e for e in seen if e["action"] == "denied"]
    assert denied["entity_id"] == str(world.p_hoks_id)
    assert denied["changes"] == {"why": "kunta_valvoja_X may not read this Hoks"}

    await gql(world.tokens["ehoks_read_B"], ATTACK, oid=world.p_oid)
    owner = {(e["action"], e["entity"], e["oppija_oid"]) for e in await events("ehoks_read_B")}
    assert {("read", "hoks", world.p_oid), ("read", "kyselylinkki", world.p_oid)} <= owner


async def test_a_link_by_tunnus_is_audited_with_its_learner(gql: Gql) -> None:
    world = await make_authz_world()
    query = "query($t: String!) { kyselylinkki(tunnus: $t) { tunnus toimitukset { osoite } } }"
    for tunnus in world.tunnukset:
        body = await gql(world.tokens["ehoks_read_B"], query, t=tunnus)
        assert "errors" not in body, body
    persons = {e["oppija_oid"] for e in await events("ehoks_read_B") if e["entity"] == "kyselylinkki"}
    assert persons == {world.p_oid, world.q_oid}


async def test_a_refusal_of_a_root_argument_is_audited(gql: Gql) -> None:
    world = await make_authz_world()
    query = 'query($kt: String!) { upcomingSends(koulutustoimija: $kt, paiva: "2030-01-01") { osoite } }'
    body = await gql(world.tokens["ehoks_read_A"], query, kt=world.orgs["b_kt"].oid)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    [denied] = await events("ehoks_read_A")
    assert (denied["action"], denied["entity"], denied["entity_id"]) == ("denied", "graphql", "upcomingSends")
    assert world.orgs["b_kt"].oid in denied["changes"]["why"]


async def test_tyopaikkakyselyt_are_audited_with_the_learners_of_their_jaksot(
    gql: Gql, client: httpx.AsyncClient
) -> None:
    kt, ol = await provider()
    doc = koski_doc(koulutustoimija=kt.oid, oppilaitos=ol.oid)
    await store(doc)
    s = Setting(kt, ol, doc["henkilö"]["oid"], doc["oid"])
    await hoks_service.create_hoks(plan(s, jakso("j1", keskeytymisajanjaksot=())), s.writer(), date(2021, 9, 1))
    async with in_transaction():
        await generate_tyopaikkakysely(date(2022, 1, 3), datetime(2022, 1, 3, 9, tzinfo=UTC))
    token = await user_token(kt, RoleName.READ, name="tp-reader")
    body = await gql(token, "query($kt: String!) { tyopaikkakyselyt(koulutustoimija: $kt) { jaksoja } }", kt=kt.oid)
    assert body["data"]["tyopaikkakyselyt"] == [{"jaksoja": 1}]
    response = await client.get(
        "/tyopaikkakysely.csv", params={"koulutustoimija": kt.oid}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert [(e["action"], e["entity"], e["oppija_oid"]) for e in await events("tp-reader")] == [
        ("read", "tyopaikkakysely", s.oppija_oid),
        ("export", "tyopaikkakysely", s.oppija_oid),
    ]


async def test_one_audit_write_per_request() -> None:
    """The trail collects rows and writes them in one statement at the end of the request."""
    from api.audit_trail import AuditTrail
    from models.services.access import Principal

    trail = AuditTrail()
    for i in range(3):
        trail.read("oppija", f"oid{i}", ("oid", f"oid{i}"))
    trail.read("oppija", "oid0", ("oid", "oid0"))  # the same object twice is one read
    await trail.flush(Principal(user_id=None, name="flusher", grants=()))
    assert await AuditEvent.filter(user_name="flusher").count() == 3
    await trail.flush(Principal(user_id=None, name="flusher", grants=()))  # nothing left to write
    assert await AuditEvent.filter(user_name="flusher").count() == 3
