"""The GraphQL API over HOKS data: authorization, error shape, voiding, plan updates, pagination and audit."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from tortoise.context import TortoiseContext

from models.audit import AuditEvent
from models.hoks import HankittavaTutkinnonOsa, Hankkimistapa, Hoks
from models.kyselylinkki import Kyselylinkki, Kyselytyyppi
from models.organisation import Organisation
from models.services import audit
from tests.api.conftest import Gql
from tests.api.world import CREATE, GET, PATCH, UPDATE, World, make_world
from tests.factories import hoks_input, koski_doc


@pytest.fixture
async def world(db: TortoiseContext) -> World:
    return await make_world()


def error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("errors"), body
    first: dict[str, Any] = body["errors"][0]
    return first


# --- authentication -------------------------------------------------------------------------------------------


async def test_missing_token_is_401_unauthenticated(client: httpx.AsyncClient, world: World) -> None:
    response = await client.post("/graphql", json={"query": "{ hoks(id: 1) { id } }"})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("header", ["Bearer not-a-token", "Basic dXNlcjpwdw==", "Bearer "])
async def test_unknown_or_malformed_token_is_401(client: httpx.AsyncClient, world: World, header: str) -> None:
    response = await client.post(
        "/graphql", json={"query": "{ hoks(id: 1) { id } }"}, headers={"Authorization": header}
    )
    assert response.status_code == 401
    assert response.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


# --- authorization ----------------------------------------------------------------------------------------------


async def test_another_organisations_hoks_is_forbidden(gql: Gql, world: World) -> None:
    hoks = await world.new_hoks(gql)
    body = await gql(world.outsider, GET, id=hoks["id"])
    assert body["data"] is None
    assert error(body)["extensions"]["code"] == "FORBIDDEN"
    patch = await gql(world.outsider, PATCH, id=hoks["id"], input={"sahkoposti": "x@example.fi"})
    assert error(patch)["extensions"]["code"] == "FORBIDDEN"


async def test_read_only_user_cannot_write(gql: Gql, world: World) -> None:
    oppija, oo = await world.new_oo()
    body = await gql(world.reader, CREATE, input=hoks_input(oppija, oo))
    assert error(body)["extensions"]["code"] == "FORBIDDEN"
    assert await Hoks.all().count() == 0
    hoks = await world.new_hoks(gql)
    assert (await gql(world.reader, GET, id=hoks["id"]))["data"]["hoks"]["id"] == hoks["id"]
    patch = await gql(world.reader, PATCH, id=hoks["id"], input={"sahkoposti": "x@example.fi"})
    assert error(patch)["extensions"]["code"] == "FORBIDDEN"


async def test_role_on_koulutustoimija_covers_its_oppilaitos(gql: Gql, world: World) -> None:
    oppija, oo = await world.new_oo()
    body = await gql(world.kt_writer, CREATE, input=hoks_input(oppija, oo))
    assert "errors" not in body, body
    assert body["data"]["createHoks"]["opiskeluoikeus"]["oppilaitos"]["oid"] == world.oppilaitos.oid


async def test_oph_sees_every_provider_and_others_only_their_own(gql: Gql, world: World) -> None:
    mine = await world.new_hoks(gql)
    theirs = await world.new_hoks(gql, oppilaitos=world.other_oppilaitos)
    query = "{ hoksit(first: 10) { edges { node { id } } } }"

    async def ids(token: str) -> set[int]:
        body = await gql(token, query)
        assert "errors" not in body, body
        return {e["node"]["id"] for e in body["data"]["hoksit"]["edges"]}

    assert await ids(world.oph_reader) == {mine["id"], theirs["id"]}
    assert await ids(world.reader) == {mine["id"]}
    assert await ids(world.kt_writer) == {mine["id"]}
    assert await ids(world.outsider) == {theirs["id"]}


async def test_filtering_by_an_organisation_outside_ones_rights_is_forbidden(gql: Gql, world: World) -> None:
    query = "query($o: String) { hoksit(oppilaitos: $o) { edges { cursor } } }"
    body = await gql(world.reader, query, o=world.other_oppilaitos.oid)
    assert error(body)["extensions"]["code"] == "FORBIDDEN"
    unknown = await gql(world.reader, query, o="1.2.246.562.10.12345678903")
    assert error(unknown)["extensions"] == {"code": "NOT_FOUND", "field": "oppilaitos"}


# --- errors -----------------------------------------------------------------------------------------------------


async def test_validation_errors_name_the_field_in_camel_case(gql: Gql, world: World) -> None:
    oppija, oo = await world.new_oo()
    bad = hoks_input(oppija, oo, osaamisenSaavuttamisenPvm="2017-12-31")
    bad["tutkinnonOsat"][0]["hankkimistavat"][0]["ytunnus"] = "1572860-1"
    body = await gql(world.writer, CREATE, input=bad)
    ext = error(body)["extensions"]
    assert ext["code"] == "VALIDATION_FAILED"
    assert ext["field"] == "osaamisenSaavuttamisenPvm"
    assert {(e["field"], e["code"]) for e in ext["errors"]} == {
        ("osaamisenSaavuttamisenPvm", "DATE_TOO_EARLY"),
        ("tutkinnonOsat[0].hankkimistavat[0].ytunnus", "INVALID_YTUNNUS"),
    }
    assert "2018-01-01" in ext["errors"][0]["message"] or "2018-01-01" in error(body)["message"]


async def test_domain_refusals_carry_code_and_field(gql: Gql, world: World) -> None:
    hoks = await world.new_hoks(gql)
    again = await gql(world.writer, CREATE, input=hoks_input(hoks["oppija"]["oid"], hoks["opiskeluoikeus"]["oid"]))
    assert error(again)["extensions"] == {"code": "DUPLICATE_HOKS", "field": "opiskeluoikeusOid"}
    missing = await gql(world.writer, GET, id=999999)
    assert error(missing)["extensions"] == {"code": "NOT_FOUND", "field": "id"}


async def test_unexpected_failures_are_masked_and_leave_nothing_half_written(
    gql: Gql, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The audit insert is the last step of createHoks; when it fails, the HOKS and its parts roll back."""

    async def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("audit store down")

    oppija, oo = await world.new_oo()
    monkeypatch.setattr(audit, "record", broken)
    body = await gql(world.writer, CREATE, input=hoks_input(oppija, oo))
    assert error(body)["extensions"] == {"code": "INTERNAL"}
    assert "audit store down" not in str(body)
    assert await Hoks.all().count() == 0
    assert await HankittavaTutkinnonOsa.all().count() == 0
    assert await Hankkimistapa.all().count() == 0


async def test_failed_update_leaves_the_old_plan(gql: Gql, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    hoks = await world.new_hoks(gql)

    async def broken(*_: Any, **__: Any) -> None:
        raise RuntimeError("audit store down")

    monkeypatch.setattr(audit, "record", broken)
    changed = hoks_input(hoks["oppija"]["oid"], hoks["opiskeluoikeus"]["oid"], tutkinnonOsat=[])
    assert error(await gql(world.writer, UPDATE, id=hoks["id"], input=changed))["extensions"]["code"] == "INTERNAL"
    assert await HankittavaTutkinnonOsa.filter(hoks_id=hoks["id"]).count() == 1
    assert await Hankkimistapa.filter(hoks_id=hoks["id"]).count() == 1


# --- Koski transfers --------------------------------------------------------------------------------------------

SAVE = "mutation($d: JSON!) { saveOpiskeluoikeus(data: $d) { created opiskeluoikeus { versio tilat { tila } } } }"


async def test_save_opiskeluoikeus_newest_wins_and_stale_is_refused(gql: Gql, world: World) -> None:
    doc = koski_doc(koulutustoimija=world.koulutustoimija.oid, oppilaitos=world.oppilaitos.oid, versio=2)
    first = await gql(world.writer, SAVE, d=doc)
    assert first["data"]["saveOpiskeluoikeus"] == {
        "created": True,
        "opiskeluoikeus": {"versio": 2, "tilat": [{"tila": "lasna"}]},
    }
    newer = {
        **doc,
        "versionumero": 3,
        "tila": {"opiskeluoikeusjaksot": [{"alku": "2021-08-01", "tila": {"koodiarvo": "eronnut"}}]},
    }
    second = await gql(world.writer, SAVE, d=newer)
    assert second["data"]["saveOpiskeluoikeus"]["opiskeluoikeus"] == {"versio": 3, "tilat": [{"tila": "eronnut"}]}
    for versio in (3, 1):
        stale = await gql(world.writer, SAVE, d={**doc, "versionumero": versio})
        assert error(stale)["extensions"] == {"code": "STALE_VERSION", "field": "versionumero"}
    bad = await gql(world.writer, SAVE, d={**doc, "oid": "1.2.246.562.15.1"})
    assert error(bad)["extensions"]["field"] == "oid"


SAVE_MANY = "mutation($d: JSON!) { saveOpiskeluoikeus(data: $d) { created opiskeluoikeudet { oid versio } } }"


async def test_save_opiskeluoikeus_takes_oppija_documents_and_lists(gql: Gql, world: World) -> None:
    kw = {"koulutustoimija": world.koulutustoimija.oid, "oppilaitos": world.oppilaitos.oid}
    first, second = koski_doc(**kw), koski_doc(**kw)
    henkilo = first.pop("henkilö")
    second.pop("henkilö")
    sure = [{"henkilö": {"oid": henkilo["oid"]}, "opiskeluoikeudet": [first, second]}]
    saved = await gql(world.writer, SAVE_MANY, d=sure)
    assert saved["data"]["saveOpiskeluoikeus"] == {
        "created": True,
        "opiskeluoikeudet": [{"oid": first["oid"], "versio": 1}, {"oid": second["oid"], "versio": 1}],
    }
    # the same versions again in the Oppija shape change nothing; an empty document is a field error
    again = await gql(world.writer, SAVE_MANY, d={"henkilö": henkilo, "opiskeluoikeudet": [first]})
    assert again["data"]["saveOpiskeluoikeus"]["created"] is False
    empty = await gql(world.writer, SAVE_MANY, d={"henkilö": henkilo, "opiskeluoikeudet": []})
    assert error(empty)["extensions"]["field"] == "opiskeluoikeudet"


# --- voiding ----------------------------------------------------------------------------------------------------

VOID = 'mutation($oid: String!) { voidOpiskeluoikeus(oid: $oid, syy: ei_aloittanut) { mitatoity } }'


async def test_voided_opiskeluoikeus_hides_its_hoks_everywhere(gql: Gql, world: World) -> None:
    hoks = await world.new_hoks(gql)
    oo = hoks["opiskeluoikeus"]["oid"]
    link = await Kyselylinkki.create(
        kyselytyyppi=Kyselytyyppi.ALOITTANEET,
        koulutustoimija=world.koulutustoimija,
        hoks_id=hoks["id"],
        heratepvm=date(2021, 8, 15),
        rahoituskausi="2021-2022",
    )
    assert (await gql(world.writer, VOID, oid=oo))["data"]["voidOpiskeluoikeus"] == {"mitatoity": True}

    assert error(await gql(world.writer, GET, id=hoks["id"]))["extensions"]["code"] == "NOT_FOUND"
    listing = await gql(world.writer, "{ hoksit { edges { node { id } } } }")
    assert listing["data"]["hoksit"]["edges"] == []
    view = await gql(
        world.writer, "query($oid: String!) { opiskeluoikeus(oid: $oid) { mitatoity hoks { id } } }", oid=oo
    )
    assert view["data"]["opiskeluoikeus"] == {"mitatoity": True, "hoks": None}
    update = await gql(world.writer, UPDATE, id=hoks["id"], input=hoks_input(hoks["oppija"]["oid"], oo))
    assert error(update)["extensions"]["code"] == "NOT_FOUND"
    patch = await gql(world.writer, PATCH, id=hoks["id"], input={"sahkoposti": None})
    assert error(patch)["extensions"]["code"] == "NOT_FOUND"
    await link.refresh_from_db()
    assert link.peruttu_at is not None
    again = await gql(world.writer, VOID, oid=oo)
    assert error(again)["extensions"]["code"] == "ALREADY_VOIDED"


async def test_no_hoks_for_voided_or_foreign_opiskeluoikeus(gql: Gql, world: World) -> None:
    oppija, oo = await world.new_oo()
    other_oppija, _ = await world.new_oo()
    foreign = await gql(world.writer, CREATE, input=hoks_input(other_oppija, oo))
    assert error(foreign)["extensions"] == {"code": "OPPIJA_MISMATCH", "field": "oppijaOid"}
    await gql(world.writer, VOID, oid=oo)
    voided = await gql(world.writer, CREATE, input=hoks_input(oppija, oo))
    assert error(voided)["extensions"] == {"code": "OPISKELUOIKEUS_VOIDED", "field": "opiskeluoikeusOid"}


# --- plan updates ----------------------------------------------------------------------------------------------


async def test_update_keeps_jakso_identity_and_drops_removed_ones(gql: Gql, world: World) -> None:
    hoks = await world.new_hoks(gql)
    jakso = hoks["tutkinnonOsat"][0]["hankkimistavat"][0]
    plan = hoks_input(hoks["oppija"]["oid"], hoks["opiskeluoikeus"]["oid"])
    tapa = plan["tutkinnonOsat"][0]["hankkimistavat"][0]
    plan["tutkinnonOsat"][0]["hankkimistavat"] = [
        {**tapa, "loppu": "2022-01-31", "keskeytymisajanjaksot": []},
        {**tapa, "yksiloivaTunniste": None, "alku": "2022-02-01", "loppu": "2022-03-01", "keskeytymisajanjaksot": []},
    ]
    body = await gql(world.writer, UPDATE, id=hoks["id"], input=plan)
    assert "errors" not in body, body
    tavat = body["data"]["updateHoks"]["tutkinnonOsat"][0]["hankkimistavat"]
    assert tavat[0]["id"] == jakso["id"] and tavat[0]["yksiloivaTunniste"] == "jakso-1"
    assert tavat[0]["loppu"] == "2022-01-31" and tavat[0]["keskeytymisajanjaksot"] == []
    assert tavat[1]["id"] != jakso["id"] and len(tavat[1]["yksiloivaTunniste"]) == 36

    plan["tutkinnonOsat"][0]["hankkimistavat"] = [{**tapa, "yksiloivaTunniste": "jakso-2"}]
    body = await gql(world.writer, UPDATE, id=hoks["id"], input=plan)
    tavat = body["data"]["updateHoks"]["tutkinnonOsat"][0]["hankkimistavat"]
    assert [t["yksiloivaTunniste"] for t in tavat] == ["jakso-2"]
    assert not await Hankkimistapa.filter(id=jakso["id"]).exists()


async def test_patch_changes_top_level_only_and_trims(gql: Gql, world: World) -> None:
    hoks = await world.new_hoks(gql)
    assert hoks["sahkoposti"] == "aino.virtanen@example.fi"  # trimmed on create
    body = await gql(
        world.writer,
        PATCH,
        id=hoks["id"],
        input={"sahkoposti": "  uusi@example.fi ", "osaamisenSaavuttamisenPvm": None},
    )
    patched = body["data"]["patchHoks"]
    assert patched["sahkoposti"] == "uusi@example.fi"
    assert patched["tutkinnonOsat"] == hoks["tutkinnonOsat"]
    assert patched["tyopaikkajaksot"] == hoks["tyopaikkajaksot"]


# --- listing and audit --------------------------------------------------------------------------------------------

PAGE = """query($n: Int!, $after: String) {
  hoksit(first: $n, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } }
}"""


async def test_pagination_walks_every_hoks_once(gql: Gql, world: World) -> None:
    made = [(await world.new_hoks(gql))["id"] for _ in range(5)]
    seen: list[int] = []
    after = None
    pages = 0
    while True:
        body = await gql(world.reader, PAGE, n=2, after=after)
        page = body["data"]["hoksit"]
        seen += [e["node"]["id"] for e in page["edges"]]
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
    assert seen == sorted(made) and pages == 3


@pytest.mark.parametrize("n", [0, 101, -1])
async def test_page_size_is_bounded(gql: Gql, world: World, n: int) -> None:
    body = await gql(world.reader, PAGE, n=n)
    assert error(body)["extensions"] == {"code": "OUT_OF_RANGE", "field": "first"}


async def test_bad_cursor_is_refused(gql: Gql, world: World) -> None:
    body = await gql(world.reader, PAGE, n=2, after="bm90LWEtY3Vyc29y")
    assert error(body)["extensions"] == {"code": "INVALID_CURSOR", "field": "after"}


async def test_reads_and_writes_are_audited(gql: Gql, world: World) -> None:
    hoks = await world.new_hoks(gql)
    await gql(world.reader, GET, id=hoks["id"])
    await gql(world.reader, "{ hoksit { edges { node { id } } } }")
    await gql(world.writer, PATCH, id=hoks["id"], input={"puhelinnumero": "0401234567"})
    await gql(world.reader, "query($o: String!) { oppija(oid: $o) { oid } }", o=hoks["oppija"]["oid"])
    events = (
        await AuditEvent.all()
        .order_by("id")
        .values("user_name", "action", "entity", "entity_id", "oppija_oid", "changes")
    )
    hoks_events = [
        (e["action"], e["entity"]) for e in events if e["entity_id"] in (str(hoks["id"]), hoks["oppija"]["oid"])
    ]
    # Every object a response holds is a read, nested ones and a mutation's answer included (issue 10.5).
    assert hoks_events == [
        ("create", "hoks"),
        ("read", "hoks"),  # createHoks's answer: the HOKS with its oppija
        ("read", "oppija"),
        ("read", "hoks"),  # hoks(id)
        ("read", "oppija"),
        ("read", "hoks"),  # hoksit
        ("update", "hoks"),
        ("read", "hoks"),  # patchHoks's answer
        ("read", "oppija"),
        ("read", "oppija"),  # oppija(oid)
    ]
    assert all(e["oppija_oid"] == hoks["oppija"]["oid"] for e in events if e["entity"] in ("hoks", "oppija"))
    update = next(e for e in events if e["action"] == "update" and e["entity"] == "hoks")
    assert update["changes"] == {"puhelinnumero": [None, "0401234567"]}
    assert len({e["user_name"] for e in events if e["entity"] == "hoks"}) == 2


async def test_turvakielto_hides_kotikunta(gql: Gql, world: World) -> None:
    doc = koski_doc(koulutustoimija=world.koulutustoimija.oid, oppilaitos=world.oppilaitos.oid)
    doc["henkilö"]["turvakielto"] = True
    doc["henkilö"]["kotikuntahistoria"] = [{"kotikunta": "091", "alku": "2004-05-06"}]
    await gql(world.writer, SAVE, d=doc)
    body = await gql(
        world.reader,
        "query($o: String!) { oppija(oid: $o) { turvakielto kotikunta kotikuntahistoria { kuntakoodi } } }",
        o=doc["henkilö"]["oid"],
    )
    assert body["data"]["oppija"] == {"turvakielto": True, "kotikunta": None, "kotikuntahistoria": []}


async def test_organisation_lookup_helper_world_is_consistent(world: World) -> None:
    assert (await Organisation.get(id=world.oppilaitos.id)).path.startswith(world.koulutustoimija.path)
