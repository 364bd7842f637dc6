"""The object-level guard (api/authorization.py): whatever path reaches a HOKS, a link, a delivery or contact
data, the same check decides; a denied object is null with a FORBIDDEN error at its path (issue 10, item 1)."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest

from api.authorization import guarded_types
from api.execution import PolkuExecutionContext
from api.schema import schema
from models.audit import AuditEvent
from tests.api.authz_world import leaks, make_authz_world
from tests.api.conftest import Gql

pytestmark = pytest.mark.usefixtures("db")

ATTACK = """query($oid: String!) { oppija(oid: $oid) { oid opiskeluoikeudet { oid hoks {
  sahkoposti puhelinnumero tyopaikkajaksot { ohjaaja { nimi sahkoposti } }
  kyselylinkit { tunnus url toimitukset { osoite } } } } } }"""


def forbidden_paths(body: dict[str, Any]) -> list[list[Any]]:
    return [e["path"] for e in body.get("errors", []) if e["extensions"]["code"] == "FORBIDDEN"]


@pytest.mark.parametrize("kind", ["valvoja_suorittaminen_A", "valvoja_hakeutuminen_A", "kunta_valvoja_X"])
async def test_a_valpas_user_following_a_person_gets_no_hoks_of_another_organisation(gql: Gql, kind: str) -> None:
    world = await make_authz_world()
    body = await gql(world.tokens[kind], ATTACK, oid=world.p_oid)
    assert leaks(json.dumps(body), world.secrets) == []
    oppija = body["data"]["oppija"]
    assert oppija["oid"] == world.p_oid  # the person is theirs to follow …
    hoksit = [oo["hoks"] for oo in oppija["opiskeluoikeudet"]]
    assert len(hoksit) == 2 and hoksit.count(None) == 2  # … the other organisation's HOKS is not
    denied = forbidden_paths(body)
    assert denied and all(p[:2] == ["oppija", "opiskeluoikeudet"] and p[3] == "hoks" for p in denied), body


async def test_the_owner_reads_the_same_path_in_full(gql: Gql) -> None:
    world = await make_authz_world()
    body = await gql(world.tokens["ehoks_read_B"], ATTACK, oid=world.p_oid)
    assert "errors" not in body, body
    [hoks] = [oo["hoks"] for oo in body["data"]["oppija"]["opiskeluoikeudet"] if oo["hoks"]]
    assert hoks["sahkoposti"] == "hoks.secretb.p@example.fi"
    assert hoks["tyopaikkajaksot"][0]["ohjaaja"]["nimi"] == "Secretb Ohjaaja p"
    assert hoks["kyselylinkit"] and hoks["kyselylinkit"][0]["tunnus"] in world.tunnukset


async def test_every_path_to_the_link_and_the_hoks_is_refused_alike(gql: Gql) -> None:
    world = await make_authz_world()
    token = world.tokens["kunta_valvoja_X"]
    for query, args in (
        ("query($id: Int!) { hoks(id: $id) { sahkoposti } }", {"id": world.p_hoks_id}),
        (
            "query($t: String!) { kyselylinkki(tunnus: $t) { tunnus toimitukset { osoite } } }",
            {"t": world.tunnukset[0]},
        ),
    ):
        body = await gql(token, query, **args)
        assert leaks(json.dumps(body), world.secrets) == []
        assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


def test_guarded_types_keep_their_check_on_the_fast_executor() -> None:
    """The executor's direct path skips graphql-core's completion only for types without `is_type_of`."""
    assert issubclass(schema.execution_context_class, PolkuExecutionContext)
    names = {t.__strawberry_definition__.name for t in guarded_types()}
    assert {"Hoks", "Oppija", "Opiskeluoikeus", "Kyselylinkki", "Toimitus", "Tyopaikkaohjaaja"} <= names
    for name in names:
        assert schema._schema.type_map[name].is_type_of is not None, name  # type: ignore[union-attr]


async def test_the_direct_path_runs_the_guard_itself(gql: Gql, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page of HOKSes completes on the executor's direct path (no graphql-core object completion for the
    guarded Hoks, Oppija and Tyopaikkaohjaaja), and the guard still decided each object: each HOKS read is
    recorded by it."""
    world = await make_authz_world()
    completed: Counter[str] = Counter()
    original = PolkuExecutionContext.complete_object_value

    def counting(self: PolkuExecutionContext, return_type: Any, *args: Any) -> Any:
        completed[return_type.name] += 1
        return original(self, return_type, *args)

    monkeypatch.setattr(PolkuExecutionContext, "complete_object_value", counting)
    query = "{ hoksit { edges { node { id sahkoposti oppija { oid } tyopaikkajaksot { ohjaaja { nimi } } } } } }"
    body = await gql(world.tokens["ehoks_read_B"], query)
    nodes = [e["node"] for e in body["data"]["hoksit"]["edges"]]
    assert {n["sahkoposti"] for n in nodes} == {"hoks.secretb.p@example.fi", "hoks.secretb.q@example.fi"}
    assert {n["tyopaikkajaksot"][0]["ohjaaja"]["nimi"] for n in nodes} == {"Secretb Ohjaaja p", "Secretb Ohjaaja q"}
    assert completed["Hoks"] == completed["Oppija"] == completed["Tyopaikkaohjaaja"] == 0, completed
    reads = await AuditEvent.filter(user_name="ehoks_read_B", action="read", entity="hoks").count()
    assert reads == 2
