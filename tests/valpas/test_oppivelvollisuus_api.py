"""`Oppija.oppivelvollisuus` through the API: each coverage and date rule of DOMAIN.md §6.1–6.2 with exact dates."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from models.user import RoleName
from tests.api.conftest import Gql
from tests.factories import provider, user_token
from tests.valpas.builders import TODAY, days, henkilo_doc, kunta, suoritus, tallenna, years_ago

pytestmark = pytest.mark.usefixtures("db")

QUERY = """query($oid: String!) { oppija(oid: $oid) {
  kotikunta kotikuntahistoria { kuntakoodi }
  oppivelvollisuus { covered reason { code text } oppivelvollinenUntil oppivelvollinenUntilReason { code }
    maksuttomuusUntil maksuttomuusUntilReason { code } suorittaa suorittaaReason { code } keskeytetty
    dataQualityFlags { code } } } }"""


async def ask(gql: Gql, **doc_args: Any) -> dict[str, Any]:
    kt, ol = await provider()
    oid = await tallenna(henkilo_doc(ol, kt, **doc_args))
    body = await gql(await user_token(ol, RoleName.READ), QUERY, oid=oid)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["oppija"]
    return result


async def test_born_on_2004_01_01_is_covered_until_the_day_before_18(gql: Gql) -> None:
    o = (await ask(gql, syntymaaika=date(2004, 1, 1)))["oppivelvollisuus"]
    assert o["covered"] is True
    assert o["reason"]["code"] == "covered"
    assert o["reason"]["text"].startswith("Syntynyt vuonna 2004 tai myöhemmin")  # Finnish without Accept-Language
    assert o["oppivelvollinenUntil"] == "2021-12-31"
    assert o["oppivelvollinenUntilReason"]["code"] == "turns_18"
    assert o["maksuttomuusUntil"] == "2024-12-31"
    assert o["maksuttomuusUntilReason"]["code"] == "year_turning_20"


async def test_born_on_2003_12_31_is_not_covered(gql: Gql) -> None:
    o = (await ask(gql, syntymaaika=date(2003, 12, 31)))["oppivelvollisuus"]
    assert (o["covered"], o["reason"]["code"]) == (False, "born_before_2004")
    assert o["oppivelvollinenUntil"] is None and o["maksuttomuusUntil"] is None


@pytest.mark.parametrize(
    ("vahvistus", "covered", "reason"),
    [
        (date(2020, 12, 31), False, "perusopetus_valmistunut_before_2021"),
        (date(2021, 1, 1), True, "covered"),
    ],
)
async def test_perusopetus_valmistunut_mark_before_2021_ends_coverage(
    gql: Gql, vahvistus: date, covered: bool, reason: str
) -> None:
    o = (
        await ask(
            gql,
            syntymaaika=date(2005, 3, 1),
            tilat=[(date(2012, 8, 1), "lasna"), (vahvistus, "valmistunut")],
            suoritukset=[suoritus("perusopetuksenoppimaara", vahvistus)],
        )
    )["oppivelvollisuus"]
    assert (o["covered"], o["reason"]["code"]) == (covered, reason)


async def test_a_mark_before_15_still_decides_but_is_flagged(gql: Gql) -> None:
    o = (
        await ask(
            gql,
            syntymaaika=date(2006, 3, 1),
            tilat=[(date(2013, 8, 1), "lasna")],
            suoritukset=[suoritus("perusopetuksenoppimaara", date(2018, 5, 31))],
        )
    )["oppivelvollisuus"]
    assert (o["covered"], o["reason"]["code"]) == (False, "perusopetus_valmistunut_before_2021")
    assert [f["code"] for f in o["dataQualityFlags"]] == ["perusopetus_valmistunut_ennen_15v"]


@pytest.mark.parametrize("koodi", ["035", "478", "941"])
async def test_kotikunta_in_aland_is_not_covered(gql: Gql, koodi: str) -> None:
    born = years_ago(15)
    o = (await ask(gql, syntymaaika=born, kotikunnat=[(koodi, born, None)]))["oppivelvollisuus"]
    assert (o["covered"], o["reason"]["code"]) == (False, "kotikunta_in_ahvenanmaa")


@pytest.mark.parametrize("koodi", ["198", "200"])
async def test_kotikunta_abroad_or_unknown_is_not_covered(gql: Gql, koodi: str) -> None:
    born = years_ago(15)
    o = (await ask(gql, syntymaaika=born, kotikunnat=[(koodi, born, None)]))["oppivelvollisuus"]
    assert (o["covered"], o["reason"]["code"]) == (False, "kotikunta_abroad_or_unknown")


async def test_no_kotikunta_is_not_covered(gql: Gql) -> None:
    o = (await ask(gql, syntymaaika=years_ago(15), kotikunnat=[]))["oppivelvollisuus"]
    assert (o["covered"], o["reason"]["code"]) == (False, "no_kotikunta_in_finland")


async def test_kotikunta_gained_at_18_is_not_covered(gql: Gql) -> None:
    born = date(2004, 6, 1)
    o = (await ask(gql, syntymaaika=born, kotikunnat=[("091", date(2022, 6, 1), None)]))["oppivelvollisuus"]
    assert (o["covered"], o["reason"]["code"]) == (False, "kotikunta_gained_at_18_or_later")
    moved_day_before = await ask(gql, syntymaaika=born, kotikunnat=[("091", date(2022, 5, 31), None)])
    assert moved_day_before["oppivelvollisuus"]["covered"] is True


async def test_turvakielto_is_assumed_finnish_and_hides_kotikunta_from_ehoks_users(gql: Gql) -> None:
    born = years_ago(15)
    o = await ask(gql, syntymaaika=born, turvakielto=True, kotikunnat=[("478", born, None)])
    assert (o["oppivelvollisuus"]["covered"], o["oppivelvollisuus"]["reason"]["code"]) == (True, "covered_turvakielto")
    assert o["kotikunta"] is None and o["kotikuntahistoria"] == []


async def test_turvakielto_kotikunta_is_shown_to_that_kunnas_users_only(gql: Gql) -> None:
    kt, ol = await provider()
    oid = await tallenna(henkilo_doc(ol, kt, syntymaaika=years_ago(15), turvakielto=True))
    own = await user_token(await kunta("091"), RoleName.KUNTA_VALVOJA)
    other = await user_token(await kunta("049"), RoleName.KUNTA_VALVOJA)
    seen = await gql(own, QUERY, oid=oid)
    assert seen["data"]["oppija"]["kotikunta"] == "091"
    assert [k["kuntakoodi"] for k in seen["data"]["oppija"]["kotikuntahistoria"]] == ["091"]
    refused = await gql(other, QUERY, oid=oid)
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_born_on_29_february_turns_18_on_28_february(gql: Gql) -> None:
    o = (await ask(gql, syntymaaika=date(2004, 2, 29)))["oppivelvollisuus"]
    assert o["oppivelvollinenUntil"] == "2022-02-27"
    assert o["maksuttomuusUntil"] == "2024-12-31"


async def test_ammatillinen_tutkinto_ends_both_early(gql: Gql) -> None:
    o = (
        await ask(
            gql,
            syntymaaika=date(2005, 3, 1),
            tyyppi="ammatillinenkoulutus",
            tilat=[(date(2021, 8, 1), "lasna"), (date(2022, 5, 20), "valmistunut")],
            suoritukset=[suoritus("ammatillinentutkinto", date(2022, 5, 20))],
        )
    )["oppivelvollisuus"]
    assert (o["oppivelvollinenUntil"], o["oppivelvollinenUntilReason"]["code"]) == (
        "2022-05-20",
        "ammatillinen_tutkinto_completed",
    )
    assert o["maksuttomuusUntil"] == "2022-05-20"


async def test_vapautus_ends_both_on_the_day_before(gql: Gql) -> None:
    kt, ol = await provider()
    oid = await tallenna(henkilo_doc(ol, kt, syntymaaika=years_ago(15)))
    token = await user_token(await kunta("091"), RoleName.KUNTA_VALVOJA)
    alku = days(-10)
    added = await gql(
        token,
        'mutation($o: String!, $a: Date!) { addVapautus(oppijaOid: $o, kunta: "091", alku: $a) { alku kunta } }',
        o=oid,
        a=alku.isoformat(),
    )
    assert added["data"]["addVapautus"] == {"alku": alku.isoformat(), "kunta": "091"}
    o = (await gql(token, QUERY, oid=oid))["data"]["oppija"]["oppivelvollisuus"]
    assert o["oppivelvollinenUntil"] == days(-11).isoformat()
    assert o["oppivelvollinenUntilReason"]["code"] == "vapautus"
    assert (o["maksuttomuusUntil"], o["maksuttomuusUntilReason"]["code"]) == (days(-11).isoformat(), "vapautus")


async def test_suorittaa_with_an_active_oo_and_not_with_a_future_one(gql: Gql) -> None:
    active = (await ask(gql, syntymaaika=years_ago(15)))["oppivelvollisuus"]
    assert (active["suorittaa"], active["suorittaaReason"]["code"]) == (True, "active_opiskeluoikeus")
    future = (await ask(gql, syntymaaika=years_ago(15), tilat=[(days(20), "lasna")]))["oppivelvollisuus"]
    assert (future["suorittaa"], future["suorittaaReason"]["code"]) == (False, "opiskeluoikeus_starts_later")


async def test_today_is_the_helsinki_day(gql: Gql) -> None:
    """The builders and the API agree on `today` (otherwise the dated tests above would be meaningless)."""
    o = (await ask(gql, syntymaaika=years_ago(15), tilat=[(TODAY, "lasna")]))["oppivelvollisuus"]
    assert o["suorittaa"] is True
