"""Suorittamisen valvonta (DOMAIN.md §6.3, issue 16.3): the oppilaitos' own students after perusopetus, in
GraphQL pages and CSV, for its suorittamisen valvojat only, and a kuntailmoitus from the list."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from models.audit import AuditEvent
from models.organisation import Organisation
from models.user import RoleName
from tests.api.conftest import Gql
from tests.factories import oo_oid, provider, user_token
from tests.valpas.builders import days, henkilo_doc, kunta, suoritus, tallenna, years_ago
from tests.valpas.oppilaitos_listat import assert_refused, csv_rows, outsiders, walk_pages

pytestmark = pytest.mark.usefixtures("db")

LIST = """query($ol: String!, $first: Int, $after: String) {
  suorittamisvalvonta(oppilaitos: $ol, first: $first, after: $after) {
    edges { node { oppijaOid sukunimi opiskeluoikeusTyyppi tila paattynyt reason { code text }
                   oppivelvollinenUntil keskeytetty } }
    pageInfo { hasNextPage endCursor } } }"""
CREATE = """mutation($i: KuntailmoitusInput!) { createKuntailmoitus(input: $i) { id tekijaOrganisaatio { oid } } }"""
LASNA = [(years_ago(1, 8, 1), "lasna")]


async def student(
    ol: Organisation,
    kt: Organisation,
    sukunimi: str,
    tyyppi: str,
    tilat: list[tuple[date, str]],
    syntymaaika: date | None = None,
    suoritukset: list[dict[str, Any]] | None = None,
) -> str:
    born = syntymaaika or years_ago(16)
    doc = henkilo_doc(ol, kt, sukunimi=sukunimi, syntymaaika=born, tyyppi=tyyppi, tilat=tilat, suoritukset=suoritukset)
    return await tallenna(doc)


async def world(ol: Organisation, kt: Organisation) -> dict[str, str]:
    """Four students on the list, one of each reason, and five who are not; returns sukunimi → oppija OID."""
    osittainen = [suoritus("ammatillinentutkintoosittainen", days(-20))]
    people = {
        "Aalto": await student(ol, kt, "Aalto", "lukiokoulutus", LASNA),
        "Berg": await student(ol, kt, "Berg", "ammatillinenkoulutus", [*LASNA, (days(-30), "eronnut")]),
        "Castrén": await student(ol, kt, "Castrén", "lukiokoulutus", [*LASNA, (days(-10), "valmistunut")]),
        "Mäki": await student(
            ol, kt, "Mäki", "ammatillinenkoulutus", [*LASNA, (days(-20), "valmistunut")], suoritukset=osittainen
        ),
        "Perus": await student(ol, kt, "Perus", "perusopetus", LASNA),
        "Eurooppa": await student(ol, kt, "Eurooppa", "ebtutkinto", LASNA),
        "Vanha": await student(ol, kt, "Vanha", "lukiokoulutus", LASNA, syntymaaika=years_ago(19)),
        "Siirtynyt": await student(ol, kt, "Siirtynyt", "ammatillinenkoulutus", [*LASNA, (days(-60), "eronnut")]),
    }
    other_kt, other_ol = await provider()
    await student(other_ol, other_kt, "Muualla", "lukiokoulutus", LASNA)
    new_place = henkilo_doc(
        other_ol, other_kt, oppija=people["Siirtynyt"], syntymaaika=years_ago(16), tyyppi="lukiokoulutus", oo=oo_oid()
    )
    await tallenna(new_place)
    return people


def nodes(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["node"]["sukunimi"]: e["node"] for e in body["data"]["suorittamisvalvonta"]["edges"]}


async def test_lists_the_schools_students_with_the_reason(gql: Gql) -> None:
    kt, ol = await provider()
    people = await world(ol, kt)
    token = await user_token(ol, RoleName.VALVOJA_SUORITTAMINEN)
    listed = nodes(await gql(token, LIST, ol=ol.oid))
    assert {k: (n["reason"]["code"], n["tila"], n["paattynyt"]) for k, n in listed.items()} == {
        "Aalto": ("suorittamisvalvonta_voimassa", "lasna", None),
        "Berg": ("suorittamisvalvonta_kesken_jaanyt", "eronnut", days(-30).isoformat()),
        "Castrén": ("suorittamisvalvonta_lukio_valmistunut", "valmistunut", days(-10).isoformat()),
        "Mäki": ("suorittamisvalvonta_osittainen_valmistunut", "valmistunut", days(-20).isoformat()),
    }
    assert (
        listed["Aalto"]["oppijaOid"] == people["Aalto"] and listed["Aalto"]["opiskeluoikeusTyyppi"] == "lukiokoulutus"
    )
    assert all(n["reason"]["text"] and n["oppivelvollinenUntil"] for n in listed.values())
    reads = await AuditEvent.filter(entity="suorittamisvalvonta").values_list("entity_id", "oppija_oid")
    assert sorted(reads) == sorted((ol.oid, people[k]) for k in listed)


async def test_a_valvoja_of_the_koulutustoimija_sees_its_oppilaitos(gql: Gql) -> None:
    kt, ol = await provider()
    await world(ol, kt)
    token = await user_token(kt, RoleName.VALVOJA_SUORITTAMINEN)
    assert set(nodes(await gql(token, LIST, ol=ol.oid))) == {"Aalto", "Berg", "Castrén", "Mäki"}


async def test_pages_follow_name_order_without_gaps_or_repeats(gql: Gql) -> None:
    kt, ol = await provider()
    await world(ol, kt)
    token = await user_token(ol, RoleName.VALVOJA_SUORITTAMINEN)
    seen = await walk_pages(gql, token, LIST, "suorittamisvalvonta", ol.oid, first=1)
    assert seen == ["Aalto", "Berg", "Castrén", "Mäki"]
    assert (await gql(token, LIST, ol=ol.oid, first=101))["errors"][0]["extensions"]["code"] == "OUT_OF_RANGE"


async def test_everyone_else_is_forbidden(gql: Gql, client: httpx.AsyncClient) -> None:
    kt, ol = await provider()
    await world(ol, kt)
    url = f"/valpas/suorittamisvalvonta.csv?oppilaitos={ol.oid}"
    for token in (await outsiders(kt, ol, RoleName.VALVOJA_SUORITTAMINEN)).values():
        await assert_refused(gql, client, token, LIST, url, ol.oid)


async def test_csv_has_the_same_students(client: httpx.AsyncClient) -> None:
    kt, ol = await provider()
    people = await world(ol, kt)
    token = await user_token(ol, RoleName.VALVOJA_SUORITTAMINEN)
    rows = await csv_rows(client, token, f"/valpas/suorittamisvalvonta.csv?oppilaitos={ol.oid}")
    assert rows[0][:3] == ["oppija_oid", "sukunimi", "etunimet"] and rows[0][-1] == "keskeytetty"
    assert [(r[0], r[6], r[7]) for r in rows[1:]] == [
        (people["Aalto"], "lasna", ""),
        (people["Berg"], "eronnut", days(-30).isoformat()),
        (people["Castrén"], "valmistunut", days(-10).isoformat()),
        (people["Mäki"], "valmistunut", days(-20).isoformat()),
    ]


def ilmoitus(oppija: str, ol: Organisation) -> dict[str, Any]:
    return {
        "oppijaOid": oppija,
        "kunta": "091",
        "tekijaOrganisaatio": ol.oid,
        "yhteystiedot": {"puhelinnumero": "040 123 4567"},
        "yhteydenottokieli": "fi",
        "hakenutMuualle": False,
    }


async def test_a_kuntailmoitus_from_the_list_takes_an_ended_study_right_off(gql: Gql) -> None:
    kt, ol = await provider()
    people = await world(ol, kt)
    await kunta("091")
    token = await user_token(ol, RoleName.VALVOJA_SUORITTAMINEN)
    made = await gql(token, CREATE, i=ilmoitus(people["Berg"], ol))
    assert made["data"]["createKuntailmoitus"]["tekijaOrganisaatio"]["oid"] == ol.oid, made
    # in force: notified, and still followed here
    assert "errors" not in await gql(token, CREATE, i=ilmoitus(people["Aalto"], ol))
    assert set(nodes(await gql(token, LIST, ol=ol.oid))) == {"Aalto", "Castrén", "Mäki"}
    # Berg is off the list now, so a second notice is not this role's to make
    again = await gql(token, CREATE, i=ilmoitus(people["Berg"], ol))
    assert again["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize("sukunimi", ["Perus", "Eurooppa", "Vanha", "Siirtynyt"])
async def test_a_suorittamisen_valvoja_notifies_only_about_students_on_its_list(gql: Gql, sukunimi: str) -> None:
    kt, ol = await provider()
    people = await world(ol, kt)
    await kunta("091")
    token = await user_token(ol, RoleName.VALVOJA_SUORITTAMINEN)
    refused = await gql(token, CREATE, i=ilmoitus(people[sukunimi], ol))
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "suorittamisvalvonta" in refused["errors"][0]["message"]
