"""The data-quality list (DOMAIN.md §6.1, issue 16.1): an organisation's own flagged study rights, in GraphQL
pages and CSV, for its valvojat only."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from models.oppija import Oppija
from models.organisation import Organisation
from models.user import RoleName
from tests.api.conftest import Gql
from tests.factories import oo_oid, provider, user_token
from tests.valpas.builders import henkilo_doc, kunta, suoritus, tallenna, years_ago

pytestmark = pytest.mark.usefixtures("db")

LIST = """query($o: String!, $first: Int, $after: String) {
  tietojenLaatu(organisaatio: $o, first: $first, after: $after) {
    edges { node { oppijaOid sukunimi syntymaaika opiskeluoikeusOid ongelmat { code text } } }
    pageInfo { hasNextPage endCursor } } }"""


async def flagged_world(ol: Organisation, kt: Organisation) -> dict[str, str]:
    """Three problems, one of each kind, stored through the Koski path, and a clean pupil; returns sukunimi →
    oppija OID."""
    early = await tallenna(
        henkilo_doc(
            ol,
            kt,
            sukunimi="Aalto",
            syntymaaika=years_ago(16),
            tilat=[(years_ago(9, 8, 1), "lasna"), (years_ago(4, 6, 1), "valmistunut")],
            suoritukset=[suoritus("perusopetuksenoppimaara", years_ago(4, 6, 1))],
        )
    )
    known_by_oid = henkilo_doc(ol, kt, sukunimi="Berg", syntymaaika=years_ago(16))
    del known_by_oid["henkilö"]["syntymäaika"]
    no_birth = await tallenna(known_by_oid)
    without_tilat = henkilo_doc(ol, kt, sukunimi="Mäki", syntymaaika=years_ago(16), oo=oo_oid())
    without_tilat["tila"]["opiskeluoikeusjaksot"] = []
    no_tilat = await tallenna(without_tilat)
    await tallenna(henkilo_doc(ol, kt, sukunimi="Clean", syntymaaika=years_ago(16)))
    return {"Aalto": early, "Berg": no_birth, "Mäki": no_tilat}


def codes(body: dict[str, Any]) -> dict[str, list[str]]:
    edges = body["data"]["tietojenLaatu"]["edges"]
    return {e["node"]["sukunimi"]: [o["code"] for o in e["node"]["ongelmat"]] for e in edges}


@pytest.mark.parametrize("role", [RoleName.VALVOJA_HAKEUTUMINEN, RoleName.VALVOJA_SUORITTAMINEN])
async def test_lists_each_problem_of_the_organisations_own_study_rights(gql: Gql, role: RoleName) -> None:
    kt, ol = await provider()
    people = await flagged_world(ol, kt)
    other_kt, other_ol = await provider()
    await flagged_world(other_ol, other_kt)  # another school's problems are not ours
    body = await gql(await user_token(kt, role), LIST, o=ol.oid)
    assert codes(body) == {
        "Aalto": ["perusopetus_valmistunut_ennen_15v"],
        "Berg": ["syntymaaika_puuttuu"],
        "Mäki": ["tilat_puuttuvat"],
    }
    nodes = {e["node"]["sukunimi"]: e["node"] for e in body["data"]["tietojenLaatu"]["edges"]}
    assert nodes["Berg"]["syntymaaika"] is None and nodes["Berg"]["oppijaOid"] == people["Berg"]
    assert all(o["text"] for n in nodes.values() for o in n["ongelmat"])


async def test_pages_follow_name_order_without_gaps_or_repeats(gql: Gql) -> None:
    kt, ol = await provider()
    await flagged_world(ol, kt)
    token = await user_token(ol, RoleName.VALVOJA_MAKSUTTOMUUS)
    seen: list[str] = []
    after = None
    while True:
        page = (await gql(token, LIST, o=ol.oid, first=1, after=after))["data"]["tietojenLaatu"]
        seen += [e["node"]["sukunimi"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ["Aalto", "Berg", "Mäki"]
    bad = await gql(token, LIST, o=ol.oid, after="bm90IGEgY3Vyc29y")
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_CURSOR"


@pytest.mark.parametrize("role", [RoleName.PAAKAYTTAJA, RoleName.READ, RoleName.KUNTA_VALVOJA])
async def test_others_are_forbidden(gql: Gql, client: httpx.AsyncClient, role: RoleName) -> None:
    kt, ol = await provider()
    await flagged_world(ol, kt)
    org = await kunta("091") if role == RoleName.KUNTA_VALVOJA else kt
    token = await user_token(org, role)
    assert (await gql(token, LIST, o=ol.oid))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    url = f"/valpas/tietojen-laatu.csv?organisaatio={ol.oid}"
    refused = await client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 403 and refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_valvoja_of_another_school_is_forbidden(gql: Gql) -> None:
    _, ol = await provider()
    _, other = await provider()
    token = await user_token(other, RoleName.VALVOJA_HAKEUTUMINEN)
    assert (await gql(token, LIST, o=ol.oid))["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_csv_has_every_row_and_neutralises_formulas(client: httpx.AsyncClient) -> None:
    kt, ol = await provider()
    people = await flagged_world(ol, kt)
    await Oppija.filter(oid=people["Aalto"]).update(sukunimi="=HYPERLINK(1)")
    token = await user_token(ol, RoleName.VALVOJA_HAKEUTUMINEN)
    url = f"/valpas/tietojen-laatu.csv?organisaatio={ol.oid}"
    assert (await client.get(url)).status_code == 401
    response = await client.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "oppija_oid" and rows[0][-1] == "ongelmat"
    assert {r[0]: (r[1], r[-1]) for r in rows[1:]} == {
        people["Aalto"]: ("'=HYPERLINK(1)", "perusopetus_valmistunut_ennen_15v"),
        people["Berg"]: ("Berg", "syntymaaika_puuttuu"),
        people["Mäki"]: ("Mäki", "tilat_puuttuvat"),
    }
