"""Maksuttomuuden valvonta (DOMAIN.md §6.3, issue 16.4): the oppilaitos' students whose free education is in
force, with its end date and reason, in GraphQL pages and CSV, for its maksuttomuuden valvojat only."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest

from models.audit import AuditEvent
from models.organisation import Organisation
from models.user import RoleName
from tests.api.conftest import Gql
from tests.factories import provider, user_token
from tests.valpas.builders import TODAY, days, henkilo_doc, suoritus, tallenna, years_ago
from tests.valpas.oppilaitos_listat import assert_refused, csv_rows, outsiders, walk_pages

pytestmark = pytest.mark.usefixtures("db")

LIST = """query($ol: String!, $first: Int, $after: String) {
  maksuttomuusvalvonta(oppilaitos: $ol, first: $first, after: $after) {
    edges { node { oppijaOid sukunimi opiskeluoikeusOid maksuttomuusUntil maksuttomuusUntilReason { code text } } }
    pageInfo { hasNextPage endCursor } } }"""
LASNA = [(years_ago(1, 8, 1), "lasna")]


async def student(
    ol: Organisation,
    kt: Organisation,
    sukunimi: str,
    born: date,
    tyyppi: str = "ammatillinenkoulutus",
    tilat: list[tuple[date, str]] = LASNA,
    suoritukset: list[dict[str, Any]] | None = None,
) -> str:
    doc = henkilo_doc(ol, kt, sukunimi=sukunimi, syntymaaika=born, tyyppi=tyyppi, tilat=tilat, suoritukset=suoritukset)
    return await tallenna(doc)


async def world(ol: Organisation, kt: Organisation) -> dict[str, str]:
    """Three students with free education in force (one past 18, one whose tutkinto is confirmed for a later
    day) and four without; returns sukunimi → oppija OID."""
    people = {
        "Aalto": await student(ol, kt, "Aalto", years_ago(16), "lukiokoulutus"),
        "Berg": await student(ol, kt, "Berg", years_ago(19)),
        "Castrén": await student(
            ol, kt, "Castrén", years_ago(17), suoritukset=[suoritus("ammatillinentutkinto", days(30))]
        ),
        "Perus": await student(ol, kt, "Perus", years_ago(14), "perusopetus"),
        "Eronnut": await student(ol, kt, "Eronnut", years_ago(17), tilat=[*LASNA, (days(-5), "eronnut")]),
        "Vanha": await student(ol, kt, "Vanha", years_ago(21)),
        "Ahvenanmaa": await student(ol, kt, "Ahvenanmaa", years_ago(16)),
    }
    await tallenna(
        henkilo_doc(
            ol,
            kt,
            oppija=people["Ahvenanmaa"],
            sukunimi="Ahvenanmaa",
            syntymaaika=years_ago(16),
            kotikunnat=[("478", years_ago(16), None)],
            versio=2,
        )
    )
    other_kt, other_ol = await provider()
    await student(other_ol, other_kt, "Muualla", years_ago(16))
    return people


def year_20(born: date) -> str:
    return date(born.year + 20, 12, 31).isoformat()


def nodes(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["node"]["sukunimi"]: e["node"] for e in body["data"]["maksuttomuusvalvonta"]["edges"]}


async def test_lists_students_with_free_education_in_force_with_end_date_and_reason(gql: Gql) -> None:
    kt, ol = await provider()
    people = await world(ol, kt)
    token = await user_token(ol, RoleName.VALVOJA_MAKSUTTOMUUS)
    listed = nodes(await gql(token, LIST, ol=ol.oid))
    assert {k: (n["maksuttomuusUntil"], n["maksuttomuusUntilReason"]["code"]) for k, n in listed.items()} == {
        "Aalto": (year_20(years_ago(16)), "year_turning_20"),
        "Berg": (year_20(years_ago(19)), "year_turning_20"),
        "Castrén": (days(30).isoformat(), "ammatillinen_tutkinto_completed"),
    }
    assert listed["Berg"]["oppijaOid"] == people["Berg"] and listed["Berg"]["opiskeluoikeusOid"]
    assert all(n["maksuttomuusUntilReason"]["text"] for n in listed.values())
    reads = await AuditEvent.filter(entity="maksuttomuusvalvonta").values_list("oppija_oid", flat=True)
    assert sorted(reads) == sorted(people[k] for k in listed)


async def test_pages_follow_name_order_without_gaps_or_repeats(gql: Gql) -> None:
    kt, ol = await provider()
    await world(ol, kt)
    token = await user_token(kt, RoleName.VALVOJA_MAKSUTTOMUUS)  # a role on the koulutustoimija reaches below
    seen = await walk_pages(gql, token, LIST, "maksuttomuusvalvonta", ol.oid, first=2)
    assert seen == ["Aalto", "Berg", "Castrén"]


async def test_everyone_else_is_forbidden(gql: Gql, client: httpx.AsyncClient) -> None:
    kt, ol = await provider()
    await world(ol, kt)
    url = f"/valpas/maksuttomuus.csv?oppilaitos={ol.oid}"
    for token in (await outsiders(kt, ol, RoleName.VALVOJA_MAKSUTTOMUUS)).values():
        await assert_refused(gql, client, token, LIST, url, ol.oid)


async def test_csv_has_the_same_students_with_the_reason_in_words(client: httpx.AsyncClient) -> None:
    kt, ol = await provider()
    people = await world(ol, kt)
    token = await user_token(ol, RoleName.VALVOJA_MAKSUTTOMUUS)
    rows = await csv_rows(client, token, f"/valpas/maksuttomuus.csv?oppilaitos={ol.oid}")
    assert rows[0] == [
        "oppija_oid",
        "sukunimi",
        "etunimet",
        "syntymäaika",
        "opiskeluoikeus_oid",
        "maksuttomuus_päättyy",
        "päättymisen_syy",
    ]
    assert [(r[0], r[5]) for r in rows[1:]] == [
        (people["Aalto"], year_20(years_ago(16))),
        (people["Berg"], date(TODAY.year + 1, 12, 31).isoformat()),
        (people["Castrén"], days(30).isoformat()),
    ]
    assert rows[3][6].startswith("Koko ammatillinen tutkinto on suoritettu")  # Finnish without Accept-Language
