"""The audit log (issue 10.5): append-only in the database, and readable through `auditLog` by OPH and, for
their own organisation's HOKSes, study rights and links, by an organisation's admin."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise import connections

from models.services import audit
from models.services.access import SYSTEM
from models.user import RoleName
from tests.api.authz_world import AuthzWorld, make_authz_world
from tests.api.conftest import Gql
from tests.factories import user_token

pytestmark = pytest.mark.usefixtures("db")

LOG = """query($first: Int!, $after: String, $oppija: String, $hoks: Int) {
  auditLog(first: $first, after: $after, oppijaOid: $oppija, hoksId: $hoks) {
    edges { node { id user action entity entityId oppijaOid changes } }
    pageInfo { hasNextPage endCursor } } }"""


async def page_all(gql: Gql, token: str, **filters: Any) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    after = None
    while True:
        body = await gql(token, LOG, first=3, after=after, **filters)
        assert "errors" not in body, body
        page = body["data"]["auditLog"]
        rows += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return rows
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize("statement", ["UPDATE audit_event SET action = 'x'", "DELETE FROM audit_event"])
async def test_the_audit_table_refuses_changes(statement: str) -> None:
    await audit.record(SYSTEM, "read", "oppija", "1.2.3", "1.2.3")
    with pytest.raises(Exception, match="append-only"):
        await connections.get("default").execute_script(statement)
    assert (await connections.get("default").execute_query_dict("SELECT action FROM audit_event")) == [
        {"action": "read"}
    ]


async def _history(gql: Gql, world: AuthzWorld) -> None:
    """Some reads of Q's HOKS by B's reader and a refused one by A's reader."""
    query = "query($id: Int!) { hoks(id: $id) { sahkoposti } }"
    await gql(world.tokens["ehoks_read_B"], query, id=world.q_hoks_id)
    await gql(world.tokens["ehoks_read_A"], query, id=world.q_hoks_id)


async def test_oph_and_the_organisations_admin_read_a_hoks_history_page_by_page(gql: Gql) -> None:
    world = await make_authz_world()
    await _history(gql, world)
    b_admin = await user_token(world.orgs["b_kt"], RoleName.ADMIN, name="admin-B")
    for token in (world.tokens["oph_read"], b_admin):
        rows = await page_all(gql, token, hoks=world.q_hoks_id)
        assert [(r["action"], r["user"]) for r in rows] == [
            ("create", "writer B"),
            ("read", "ehoks_read_B"),
            ("denied", "ehoks_read_A"),
        ]
        assert {r["oppijaOid"] for r in rows} == {world.q_oid}
        assert rows[-1]["changes"] == {"why": "ehoks_read_A may not read this Hoks"}
        assert len({r["id"] for r in rows}) == 3  # no repeats across pages


async def test_other_organisations_see_nothing_of_it(gql: Gql) -> None:
    world = await make_authz_world()
    await _history(gql, world)
    assert await page_all(gql, world.tokens["ehoks_admin_A"], hoks=world.q_hoks_id) == []
    # P studies at A too, but P's HOKS at B is B's: A's admin sees only rows about A's own study right.
    rows = await page_all(gql, world.tokens["ehoks_admin_A"], oppija=world.p_oid)
    assert {r["entity"] for r in rows} <= {"opiskeluoikeus"}
    for kind in ("ehoks_read_A", "ehoks_write_A", "kunta_valvoja_X", "vastuukayttaja"):
        body = await gql(world.tokens[kind], LOG, first=3, hoks=world.q_hoks_id)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", kind
    body = await gql(world.tokens["ehoks_admin_A"], LOG, first=3)
    assert body["errors"][0]["extensions"] == {"code": "REQUIRED", "field": "oppijaOid"}
