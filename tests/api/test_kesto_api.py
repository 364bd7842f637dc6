"""The kesto of each työpaikkajakso in the HOKS view, with what it was computed from (issue 13, §4.1)."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise.context import TortoiseContext

from tests.api.conftest import Gql
from tests.api.world import World, make_world
from tests.factories import hoks_input

KESTO = """query($id: Int!) { hoks(id: $id) { tutkinnonOsat { hankkimistavat { yksiloivaTunniste
  kesto { kesto kalenteripaivia taukopaivia tauot { alku loppu syy } jaetutPaivat { jaksoja paivia }
          paiviaOsuuksin osaAikaisuus } } } } }"""


@pytest.fixture
async def world(db: TortoiseContext) -> World:
    return await make_world()


async def test_each_tyopaikkajakso_shows_its_kesto_breaks_and_shared_days(gql: Gql, world: World) -> None:
    oppija, oo = await world.new_oo()
    plan = hoks_input(oppija, oo)
    tapa = plan["tutkinnonOsat"][0]["hankkimistavat"][0]  # the rules' example: 97 days × 0.8 → 78 alone
    toinen = {**tapa, "yksiloivaTunniste": "jakso-2", "alku": "2021-12-01", "loppu": "2021-12-31"}
    toinen.update(osaAikaisuus=None, keskeytymisajanjaksot=[])
    koulussa = {"tyyppi": "oppilaitosmuotoinen", "alku": "2021-08-16", "loppu": "2021-08-31", "yksiloivaTunniste": "k"}
    plan["tutkinnonOsat"][0]["hankkimistavat"] = [tapa, toinen, koulussa]
    created = await gql(world.writer, "mutation($i: HoksInput!) { createHoks(input: $i) { id } }", i=plan)
    assert "errors" not in created, created
    body = await gql(world.reader, KESTO, id=created["data"]["createHoks"]["id"])
    assert "errors" not in body, body
    kestot: dict[str, Any] = {
        t["yksiloivaTunniste"]: t["kesto"] for t in body["data"]["hoks"]["tutkinnonOsat"][0]["hankkimistavat"]
    }
    # jakso-1: 97 counted days, 1.–15.12. shared with jakso-2: 82 + 7.5 = 89.5 × 0.8 = 71.6 → 72
    assert kestot["jakso-1"] == {
        "kesto": 72,
        "kalenteripaivia": 106,
        "taukopaivia": 9,
        "tauot": [{"alku": "2021-10-22", "loppu": "2021-10-30", "syy": "keskeytymisajanjakso"}],
        "jaetutPaivat": [{"jaksoja": 1, "paivia": 82}, {"jaksoja": 2, "paivia": 15}],
        "paiviaOsuuksin": 89.5,
        "osaAikaisuus": 80,
    }
    # jakso-2: 16 days alone + 15 shared at ½ = 23.5 → 24 (half up)
    assert (kestot["jakso-2"]["kesto"], kestot["jakso-2"]["paiviaOsuuksin"]) == (24, 23.5)
    assert kestot["k"] is None


async def test_another_organisations_reader_sees_no_kesto(gql: Gql, world: World) -> None:
    hoks = await world.new_hoks(gql)
    body = await gql(world.outsider, KESTO, id=hoks["id"])
    assert body["data"] is None or body["data"]["hoks"] is None
    assert body["errors"][0]["extensions"]["code"] in {"FORBIDDEN", "NOT_FOUND"}
