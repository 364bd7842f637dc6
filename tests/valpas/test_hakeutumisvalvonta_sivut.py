"""Hakeutumisvalvonta paged and as CSV (issue 16.3 follow-up), like the other oppilaitos lists: name order by
cursor, the same pupils in CSV, for the hakeutumisen valvojat of the oppilaitos (or above it) only."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from models.audit import AuditEvent
from models.organisation import Organisation
from models.user import RoleName
from tests.api.conftest import Gql
from tests.factories import oo_oid, provider, user_token
from tests.valpas.builders import days, henkilo_doc, suoritus, tallenna, years_ago
from tests.valpas.oppilaitos_listat import assert_refused, csv_rows, outsiders, walk_pages

pytestmark = pytest.mark.usefixtures("db")

LIST = """query($ol: String!, $first: Int, $after: String) {
  hakeutumisvalvonta(oppilaitos: $ol, first: $first, after: $after) {
    edges { node { oppijaOid sukunimi listedReason { code } } } pageInfo { hasNextPage endCursor } } }"""
ALKU = years_ago(9, 8, 1)


async def world(ol: Organisation, kt: Organisation) -> dict[str, str]:
    """Four pupils on the list (9th grade present, graduated this spring, left at 17, a tuva pupil) and two who
    are not (8th grade, graduated long ago); sukunimi → oppija OID."""
    ninth = [suoritus("perusopetuksenvuosiluokka", koodi="9")]
    people = {
        "Östman": dict(tilat=[(ALKU, "lasna")], suoritukset=ninth),
        "Aalto": dict(tilat=[(ALKU, "lasna"), (days(-20), "valmistunut")], suoritukset=ninth),
        "Berg": dict(tilat=[(ALKU, "lasna"), (days(-15), "eronnut")], suoritukset=ninth, syntymaaika=years_ago(17)),
        "Mäki": dict(tyyppi="tuva", tilat=[(days(-40), "lasna")]),
        "Kahdeksas": dict(tilat=[(ALKU, "lasna")], suoritukset=[suoritus("perusopetuksenvuosiluokka", koodi="8")]),
        "Vanha": dict(tilat=[(ALKU, "lasna"), (days(-400), "valmistunut")], suoritukset=ninth),
    }
    made = {}
    for sukunimi, extra in people.items():
        args: dict[str, Any] = {"syntymaaika": years_ago(16), "sukunimi": sukunimi, "oo": oo_oid(), **extra}
        made[sukunimi] = await tallenna(henkilo_doc(ol, kt, **args))
    return made


def nodes(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["node"]["sukunimi"]: e["node"] for e in body["data"]["hakeutumisvalvonta"]["edges"]}


async def test_pages_follow_name_order_without_gaps_or_repeats(gql: Gql) -> None:
    kt, ol = await provider()
    await world(ol, kt)
    token = await user_token(ol, RoleName.VALVOJA_HAKEUTUMINEN)
    assert await walk_pages(gql, token, LIST, "hakeutumisvalvonta", ol.oid, first=1) == [
        "Aalto",
        "Berg",
        "Mäki",
        "Östman",
    ]
    assert (await gql(token, LIST, ol=ol.oid, first=0))["errors"][0]["extensions"]["code"] == "OUT_OF_RANGE"


async def test_a_valvoja_of_the_koulutustoimija_reads_it_and_each_row_read_is_audited(gql: Gql) -> None:
    kt, ol = await provider()
    people = await world(ol, kt)
    token = await user_token(kt, RoleName.VALVOJA_HAKEUTUMINEN)
    listed = nodes(await gql(token, LIST, ol=ol.oid))
    assert {k: n["listedReason"]["code"] for k, n in listed.items()} == {
        "Aalto": "hakeutumisvalvonta_ended_within_window",
        "Berg": "hakeutumisvalvonta_ended_within_window",
        "Mäki": "hakeutumisvalvonta_lasna",
        "Östman": "hakeutumisvalvonta_lasna",
    }
    reads = await AuditEvent.filter(entity="hakeutumisvalvonta").values_list("entity_id", "oppija_oid")
    assert sorted(reads) == sorted((ol.oid, people[k]) for k in listed)


async def test_everyone_else_is_forbidden(gql: Gql, client: httpx.AsyncClient) -> None:
    kt, ol = await provider()
    await world(ol, kt)
    url = f"/valpas/hakeutumisvalvonta.csv?oppilaitos={ol.oid}"
    for token in (await outsiders(kt, ol, RoleName.VALVOJA_HAKEUTUMINEN)).values():
        await assert_refused(gql, client, token, LIST, url, ol.oid)


async def test_csv_has_the_same_pupils(gql: Gql, client: httpx.AsyncClient) -> None:
    kt, ol = await provider()
    people = await world(ol, kt)
    token = await user_token(ol, RoleName.VALVOJA_HAKEUTUMINEN)
    rows = await csv_rows(client, token, f"/valpas/hakeutumisvalvonta.csv?oppilaitos={ol.oid}")
    assert rows[0][:3] == ["oppija_oid", "sukunimi", "etunimet"] and rows[0][-1] == "suorittaa"
    assert [r[1] for r in rows[1:]] == ["Aalto", "Berg", "Mäki", "Östman"]
    assert {r[0] for r in rows[1:]} == {people[k] for k in ("Aalto", "Berg", "Mäki", "Östman")}
    listed = nodes(await gql(token, LIST, ol=ol.oid))
    assert [r[0] for r in rows[1:]] == [listed[k]["oppijaOid"] for k in ("Aalto", "Berg", "Mäki", "Östman")]
