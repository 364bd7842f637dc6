"""The kunta's automatic check list (DOMAIN.md §6.3): who is on it, Koski changes at once, paging, CSV, rights."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import pytest

from models.organisation import Organisation
from models.user import RoleName
from tests.api.conftest import Gql
from tests.factories import oo_oid, provider, user_token
from tests.valpas.builders import days, henkilo_doc, kunta, mutation_names, tallenna, years_ago

pytestmark = pytest.mark.usefixtures("db")

LIST = """query($kunta: String!, $first: Int, $after: String) {
  automaattinenTarkistus(kunta: $kunta, first: $first, after: $after) {
    edges { cursor node { oppijaOid sukunimi syntymaaika oppivelvollinenUntil maksuttomuusUntil
                          reason { code } keskeytetty } }
    pageInfo { hasNextPage endCursor } } }"""
SAVE = "mutation($d: JSON!) { saveOpiskeluoikeus(data: $d) { created } }"


async def listed(gql: Gql, token: str, kunta: str = "091") -> list[dict[str, Any]]:
    body = await gql(token, LIST, kunta=kunta, first=100)
    assert "errors" not in body, body
    return [e["node"] for e in body["data"]["automaattinenTarkistus"]["edges"]]


async def ended(ol: Organisation, kt: Organisation, sukunimi: str, **extra: Any) -> str:
    """An under-18 resident of 091 whose perusopetus OO ended: a list candidate unless `extra` says otherwise."""
    args: dict[str, Any] = {
        "syntymaaika": years_ago(16),
        "sukunimi": sukunimi,
        "tilat": [(years_ago(9, 8, 1), "lasna"), (days(-60), "eronnut")],
    }
    args.update(extra)
    return await tallenna(henkilo_doc(ol, kt, **args))


async def test_lists_exactly_the_residents_without_an_active_study_place(gql: Gql) -> None:
    kt, ol = await provider()
    token = await user_token(await kunta("091"), RoleName.KUNTA_VALVOJA)
    on_list = await ended(ol, kt, "Aalto")
    future = await ended(ol, kt, "Berg", tilat=[(days(30), "lasna")])
    await ended(ol, kt, "Active", tilat=[(years_ago(1), "lasna")])
    await ended(ol, kt, "Holiday", tilat=[(years_ago(1), "lasna"), (days(-5), "loma")])
    await ended(ol, kt, "Elsewhere", kotikunnat=[("049", years_ago(16), None)])
    await ended(ol, kt, "Moved", kotikunnat=[("091", years_ago(16), days(-2)), ("049", days(-1), None)])
    await ended(ol, kt, "Protected", turvakielto=True)
    await ended(ol, kt, "Adult", syntymaaika=years_ago(18, 1, 1))
    await ended(ol, kt, "Child", syntymaaika=years_ago(5))
    rows = await listed(gql, token)
    assert [(r["oppijaOid"], r["reason"]["code"]) for r in rows] == [
        (on_list, "no_active_opiskeluoikeus"),
        (future, "opiskeluoikeus_starts_later"),
    ]
    assert rows[0]["syntymaaika"] == years_ago(16).isoformat()
    assert rows[0]["oppivelvollinenUntil"] == years_ago(-2, 3, 9).isoformat()
    assert rows[0]["maksuttomuusUntil"] == years_ago(-4, 12, 31).isoformat()


async def test_a_koski_transfer_changes_the_list_at_once(gql: Gql) -> None:
    kt, ol = await provider()
    token = await user_token(await kunta("091"), RoleName.KUNTA_VALVOJA)
    writer = await user_token(ol, RoleName.WRITE)
    oppija = await ended(ol, kt, "Aalto")
    assert [r["oppijaOid"] for r in await listed(gql, token)] == [oppija]
    lukio = henkilo_doc(ol, kt, oppija=oppija, syntymaaika=years_ago(16), tyyppi="lukiokoulutus", oo=oo_oid())
    lukio["tila"]["opiskeluoikeusjaksot"] = [{"alku": days(0).isoformat(), "tila": {"koodiarvo": "lasna"}}]
    assert "errors" not in await gql(writer, SAVE, d=lukio)
    assert await listed(gql, token) == []
    lukio["versionumero"] = 2
    lukio["tila"]["opiskeluoikeusjaksot"].append({"alku": days(0).isoformat(), "tila": {"koodiarvo": "eronnut"}})
    assert "errors" not in await gql(writer, SAVE, d=lukio)
    assert [r["oppijaOid"] for r in await listed(gql, token)] == [oppija]


async def test_keskeytys_is_shown_and_changes_no_dates(gql: Gql) -> None:
    kt, ol = await provider()
    token = await user_token(await kunta("091"), RoleName.KUNTA_PAAKAYTTAJA)
    oppija = await ended(ol, kt, "Aalto")
    before = (await listed(gql, token))[0]
    body = await gql(
        token,
        'mutation($o: String!, $a: Date!) { addKeskeytys(oppijaOid: $o, kunta: "091", alku: $a) { alku loppu } }',
        o=oppija,
        a=days(-3).isoformat(),
    )
    assert body["data"]["addKeskeytys"] == {"alku": days(-3).isoformat(), "loppu": None}
    after = (await listed(gql, token))[0]
    assert after["keskeytetty"] is True and before["keskeytetty"] is False
    assert (after["oppivelvollinenUntil"], after["maksuttomuusUntil"]) == (
        before["oppivelvollinenUntil"],
        before["maksuttomuusUntil"],
    )


async def test_vapautus_removes_the_person_from_the_list(gql: Gql) -> None:
    kt, ol = await provider()
    token = await user_token(await kunta("091"), RoleName.KUNTA_VALVOJA)
    oppija = await ended(ol, kt, "Aalto")
    await gql(
        token,
        'mutation($o: String!, $a: Date!) { addVapautus(oppijaOid: $o, kunta: "091", alku: $a) { alku } }',
        o=oppija,
        a=days(0).isoformat(),
    )
    assert await listed(gql, token) == []


async def test_pages_follow_name_order_without_gaps_or_repeats(gql: Gql) -> None:
    kt, ol = await provider()
    token = await user_token(await kunta("091"), RoleName.KUNTA_VALVOJA)
    names = ["Östman", "Aalto", "Mäki", "Berg", "Korhonen"]
    for name in names:
        await ended(ol, kt, name)
    seen: list[str] = []
    after = None
    while True:
        body = await gql(token, LIST, kunta="091", first=2, after=after)
        page = body["data"]["automaattinenTarkistus"]
        seen += [e["node"]["sukunimi"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == 5 and set(seen) == set(names)
    assert seen[:2] == ["Aalto", "Berg"]


async def test_nobody_can_remove_a_row_there_is_no_such_mutation(gql: Gql) -> None:
    mutations = await mutation_names(gql, await user_token(await kunta("091"), RoleName.KUNTA_PAAKAYTTAJA))
    assert "createKuntailmoitus" in mutations
    assert not {m for m in mutations if "tarkistus" in m.lower() or "remove" in m.lower()}


@pytest.mark.parametrize("role", [RoleName.VALVOJA_HAKEUTUMINEN, RoleName.PAAKAYTTAJA, RoleName.ADMIN])
async def test_provider_users_cannot_read_a_kunta_list(gql: Gql, role: RoleName) -> None:
    await kunta("091")
    kt, _ = await provider()
    body = await gql(await user_token(kt, role), LIST, kunta="091", first=10)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_another_kuntas_user_cannot_read_it(gql: Gql) -> None:
    await kunta("091")
    body = await gql(await user_token(await kunta("049"), RoleName.KUNTA_PAAKAYTTAJA), LIST, kunta="091", first=10)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_csv_export_is_bom_semicolon_utf8_with_every_row(client: httpx.AsyncClient) -> None:
    kt, ol = await provider()
    token = await user_token(await kunta("091"), RoleName.KUNTA_VALVOJA)
    first = await ended(ol, kt, "Äijälä")
    second = await ended(ol, kt, "=HYPERLINK(1)")
    await ended(ol, kt, "Active", tilat=[(years_ago(1), "lasna")])
    response = await client.get(
        "/valpas/automaattinen-tarkistus.csv?kunta=091", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["oppija_oid", "sukunimi", "etunimet", "syntymäaika"]
    assert {r[0]: r[1] for r in rows[1:]} == {first: "Äijälä", second: "'=HYPERLINK(1)"}
    assert rows[1][4] == "091" and rows[1][8] == "ei"


async def test_csv_export_needs_a_token_and_the_kuntas_role(client: httpx.AsyncClient) -> None:
    await kunta("091")
    other = await user_token(await kunta("049"), RoleName.KUNTA_VALVOJA)
    url = "/valpas/automaattinen-tarkistus.csv?kunta=091"
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers={"Accept": "text/html"})).status_code == 401
    refused = await client.get(url, headers={"Authorization": f"Bearer {other}"})
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
