"""API hygiene (issue 2 §5): constant SQL per page, depth and alias limits, GraphiQL only when debugging."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.app import create_app
from models.demo import generate
from models.organisation import OPH_OID, Organisation
from models.settings import Settings
from models.user import RoleName
from tests.api.conftest import Gql
from tests.factories import user_token

PAGE = """query($n: Int!) { hoksit(first: $n) { edges { node {
  id oppija { oid sukunimi }
  opiskeluoikeus { oid tilat { tila } oppilaitos { nimi } }
  tutkinnonOsat { tutkinnonOsaKoodi hankkimistavat { yksiloivaTunniste ytunnus ohjaaja { nimi }
    keskeytymisajanjaksot { alku loppu } } }
  tyopaikkajaksot { id }
} } pageInfo { hasNextPage } } }"""


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.args:  # tortoise logs every statement as "%s: %s" (sql, values)
            self.statements.append(str(record.args[0]) if isinstance(record.args, tuple) else record.getMessage())


@contextmanager
def count_queries() -> Iterator[list[str]]:
    logger = logging.getLogger("tortoise.db_client")
    handler = _Counter()
    old_level = logger.level
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    try:
        yield handler.statements
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)


async def test_a_page_costs_the_same_number_of_queries_whatever_its_size(gql: Gql, db: TortoiseContext) -> None:
    await generate(260, seed=9)
    oph = await Organisation.get(oid=OPH_OID)
    token = await user_token(oph, RoleName.READ)
    costs = {}
    for n in (10, 100):
        with count_queries() as statements:
            body = await gql(token, PAGE, n=n)
        assert "errors" not in body, body
        edges = body["data"]["hoksit"]["edges"]
        assert len(edges) == n
        assert sum(len(e["node"]["tutkinnonOsat"]) for e in edges) > n  # parts are really there
        assert any(o["hankkimistavat"] for e in edges for o in e["node"]["tutkinnonOsat"])
        costs[n] = len(statements)
    assert costs[10] == costs[100], costs
    assert costs[100] <= 12, costs


async def test_query_depth_is_limited(gql: Gql, db: TortoiseContext) -> None:
    token = await user_token(await _oph(), RoleName.READ)
    nested = "{ id }"
    for _ in range(5):
        nested = f"{{ opiskeluoikeus {{ hoks {nested} }} }}"
    deep = f"{{ hoks(id: 1) {nested} }}"
    body = await gql(token, deep)
    assert "exceeds maximum operation depth" in body["errors"][0]["message"]
    assert body.get("data") is None


async def test_aliases_are_limited(gql: Gql, db: TortoiseContext) -> None:
    token = await user_token(await _oph(), RoleName.READ)
    many = "{ " + " ".join(f"a{i}: hoksit(first: 1) {{ pageInfo {{ hasNextPage }} }}" for i in range(20)) + " }"
    body = await gql(token, many)
    assert "aliases found" in body["errors"][0]["message"]


async def _oph() -> Organisation:
    from models.services.organisations import oph

    return await oph()


@pytest.mark.parametrize("debug", [False, True])
async def test_graphiql_only_when_debugging(db: TortoiseContext, debug: bool) -> None:
    app = create_app(Settings(database_url="unused://", debug=debug), manage_db=False)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        response = await c.get("/graphiql", headers={"Accept": "text/html"})
    if debug:
        assert response.status_code == 200 and "graphiql" in response.text.lower()
    else:
        assert response.status_code == 404


def test_debug_flag_comes_from_polku_debug(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POLKU_DEBUG", "1")
    assert Settings.from_env().debug
    monkeypatch.delenv("POLKU_DEBUG")
    assert not Settings.from_env().debug


def test_a_message_names_its_field_as_extensions_field_does() -> None:
    from api.errors import client_message

    assert client_message("oppija_oid 1.2.3 is not valid", "oppija_oid") == "oppijaOid 1.2.3 is not valid"
    assert (
        client_message("syy must be vaara_tyyppi or ei_aloittanut", "syy")
        == "syy must be vaara_tyyppi or ei_aloittanut"
    )
    assert client_message("see hoks.oppija_oid", "oppija_oid") == "see hoks.oppija_oid"
