"""Cancelling (mitätöinti) a keskeytys or a vapautus (issue 16.6): by the recording kunta's users, once, audited,
raced, and kept in the person's history with who cancelled it and when; a cancelled record no longer counts."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from models.audit import AuditEvent
from models.organisation import Organisation
from models.user import RoleName
from models.valpas import Keskeytys, Vapautus
from tests.api.conftest import Gql
from tests.factories import provider, user_token
from tests.valpas.builders import days, henkilo_doc, kunta, mutation_names, tallenna, years_ago

pytestmark = pytest.mark.usefixtures("db")

ADD_K = 'mutation($o: String!, $a: Date!) { addKeskeytys(oppijaOid: $o, kunta: "091", alku: $a) { id tekija } }'
ADD_V = 'mutation($o: String!, $a: Date!) { addVapautus(oppijaOid: $o, kunta: "091", alku: $a) { id tekija } }'
END_K = "mutation($k: Int!, $l: Date!) { endKeskeytys(keskeytys: $k, loppu: $l) { id loppu paattaja } }"
CANCEL_K = "mutation($id: Int!) { cancelKeskeytys(keskeytys: $id) { id alku mitatoija mitatoity } }"
CANCEL_V = "mutation($id: Int!) { cancelVapautus(vapautus: $id) { id alku mitatoija mitatoity } }"
HISTORY = """query($oid: String!) { oppija(oid: $oid) { oppivelvollisuus {
  keskeytetty oppivelvollinenUntilReason { code }
  keskeytykset { id alku loppu tekija paattaja paatetty mitatoija mitatoity }
  vapautukset { id alku tekija mitatoija mitatoity } } } }"""


class World:
    """A 16-year-old resident of 091 whose perusopetus ended, two users of 091, a school and its valvoja."""

    def __init__(self, oppija: str, k: Organisation, ol: Organisation, first: str, second: str) -> None:
        self.oppija, self.kunta, self.ol, self.first, self.second = oppija, k, ol, first, second


async def world() -> World:
    kt, ol = await provider()
    k = await kunta("091")
    oppija = await tallenna(
        henkilo_doc(ol, kt, syntymaaika=years_ago(16), tilat=[(years_ago(9, 8, 1), "lasna"), (days(-60), "eronnut")])
    )
    first = await user_token(k, RoleName.KUNTA_VALVOJA, "kunta-valvoja")
    second = await user_token(k, RoleName.KUNTA_PAAKAYTTAJA, "kunta-paakayttaja")
    return World(oppija, k, ol, first, second)


def code(body: dict[str, Any]) -> str:
    return "ok" if "errors" not in body else str(body["errors"][0]["extensions"]["code"])


async def history(gql: Gql, token: str, oppija: str) -> dict[str, Any]:
    body = await gql(token, HISTORY, oid=oppija)
    assert "errors" not in body, body
    result: dict[str, Any] = body["data"]["oppija"]["oppivelvollisuus"]
    return result


async def test_a_cancelled_keskeytys_stays_in_the_history_and_no_longer_counts(gql: Gql) -> None:
    w = await world()
    made = (await gql(w.first, ADD_K, o=w.oppija, a=days(-10).isoformat()))["data"]["addKeskeytys"]
    assert made["tekija"] == "kunta-valvoja"
    assert (await history(gql, w.first, w.oppija))["keskeytetty"] is True
    cancelled = (await gql(w.second, CANCEL_K, id=made["id"]))["data"]["cancelKeskeytys"]
    assert (cancelled["id"], cancelled["mitatoija"]) == (made["id"], "kunta-paakayttaja")
    assert cancelled["mitatoity"] is not None
    seen = await history(gql, w.first, w.oppija)
    assert seen["keskeytetty"] is False
    assert seen["keskeytykset"] == [
        {
            "id": made["id"],
            "alku": days(-10).isoformat(),
            "loppu": None,
            "tekija": "kunta-valvoja",
            "paattaja": None,
            "paatetty": None,
            "mitatoija": "kunta-paakayttaja",
            "mitatoity": cancelled["mitatoity"],
        }
    ]
    event = await AuditEvent.get(entity="keskeytys", action="cancel", entity_id=str(made["id"]))
    assert event.oppija_oid == w.oppija and event.changes["mitatoity_at"][0] is None
    assert code(await gql(w.first, CANCEL_K, id=made["id"])) == "ALREADY_CANCELLED"
    assert code(await gql(w.first, END_K, k=made["id"], l=days(0).isoformat())) == "ALREADY_CANCELLED"
    assert (await Keskeytys.get(id=made["id"])).loppu is None


async def test_an_ended_keskeytys_shows_who_ended_it_and_can_still_be_cancelled(gql: Gql) -> None:
    w = await world()
    made = (await gql(w.first, ADD_K, o=w.oppija, a=days(-10).isoformat()))["data"]["addKeskeytys"]
    ended = (await gql(w.second, END_K, k=made["id"], l=days(-1).isoformat()))["data"]["endKeskeytys"]
    assert ended == {"id": made["id"], "loppu": days(-1).isoformat(), "paattaja": "kunta-paakayttaja"}
    row = (await history(gql, w.first, w.oppija))["keskeytykset"][0]
    assert (row["loppu"], row["paattaja"], row["mitatoity"]) == (days(-1).isoformat(), "kunta-paakayttaja", None)
    assert row["paatetty"] is not None
    assert code(await gql(w.first, CANCEL_K, id=made["id"])) == "ok"
    row = (await history(gql, w.first, w.oppija))["keskeytykset"][0]
    assert (row["loppu"], row["paattaja"], row["mitatoija"]) == (
        days(-1).isoformat(),
        "kunta-paakayttaja",
        "kunta-valvoja",
    )


async def test_a_cancelled_vapautus_stays_brings_the_person_back_and_a_new_one_can_be_recorded(gql: Gql) -> None:
    w = await world()
    first = (await gql(w.first, ADD_V, o=w.oppija, a=days(-5).isoformat()))["data"]["addVapautus"]
    assert (await history(gql, w.first, w.oppija))["oppivelvollinenUntilReason"]["code"] == "vapautus"
    assert code(await gql(w.first, ADD_V, o=w.oppija, a=days(0).isoformat())) == "DUPLICATE"
    cancelled = (await gql(w.second, CANCEL_V, id=first["id"]))["data"]["cancelVapautus"]
    assert cancelled["mitatoija"] == "kunta-paakayttaja" and cancelled["mitatoity"] is not None
    assert (await history(gql, w.first, w.oppija))["oppivelvollinenUntilReason"]["code"] == "turns_18"
    check = '{ automaattinenTarkistus(kunta: "091") { edges { node { oppijaOid } } } }'
    listed = (await gql(w.first, check))["data"]["automaattinenTarkistus"]["edges"]
    assert [e["node"]["oppijaOid"] for e in listed] == [w.oppija]
    second = (await gql(w.first, ADD_V, o=w.oppija, a=days(0).isoformat()))["data"]["addVapautus"]
    seen = await history(gql, w.first, w.oppija)
    assert [(v["id"], v["alku"], v["mitatoija"]) for v in seen["vapautukset"]] == [
        (first["id"], days(-5).isoformat(), "kunta-paakayttaja"),
        (second["id"], days(0).isoformat(), None),
    ]
    assert seen["oppivelvollinenUntilReason"]["code"] == "vapautus"
    assert code(await gql(w.second, CANCEL_V, id=first["id"])) == "ALREADY_CANCELLED"
    assert await AuditEvent.filter(entity="vapautus", action="cancel").count() == 1


@pytest.mark.parametrize("what", ["keskeytys", "vapautus"])
async def test_officials_cancelling_at_once_exactly_one_wins(gql: Gql, what: str) -> None:
    w = await world()
    add, cancel, field = (ADD_K, CANCEL_K, "addKeskeytys") if what == "keskeytys" else (ADD_V, CANCEL_V, "addVapautus")
    record_id = (await gql(w.first, add, o=w.oppija, a=days(-3).isoformat()))["data"][field]["id"]
    others = [await user_token(w.kunta, RoleName.KUNTA_VALVOJA) for _ in range(2)]
    bodies = await asyncio.gather(*(gql(t, cancel, id=record_id) for t in (w.first, w.second, *others)))
    assert sorted(code(b) for b in bodies) == ["ALREADY_CANCELLED"] * 3 + ["ok"]
    winner = next(b for b in bodies if "errors" not in b)["data"]
    assert await AuditEvent.filter(entity=what, action="cancel").count() == 1
    model = Keskeytys if what == "keskeytys" else Vapautus
    stored = await model.get(id=record_id).prefetch_related("mitatoija")
    assert stored.mitatoija is not None
    assert stored.mitatoija.name == next(iter(winner.values()))["mitatoija"]


async def test_only_the_recording_kuntas_users_may_cancel(gql: Gql) -> None:
    w = await world()
    k_id = (await gql(w.first, ADD_K, o=w.oppija, a=days(-3).isoformat()))["data"]["addKeskeytys"]["id"]
    v_id = (await gql(w.first, ADD_V, o=w.oppija, a=days(-3).isoformat()))["data"]["addVapautus"]["id"]
    refused = [
        await user_token(await kunta("049"), RoleName.KUNTA_PAAKAYTTAJA),
        await user_token(w.ol, RoleName.VALVOJA_HAKEUTUMINEN),
        await user_token(w.ol, RoleName.READ),
        await user_token(w.kunta, RoleName.PAAKAYTTAJA),
    ]
    for token in refused:
        assert code(await gql(token, CANCEL_K, id=k_id)) == "FORBIDDEN"
        assert code(await gql(token, CANCEL_V, id=v_id)) == "FORBIDDEN"
    assert code(await gql(None, CANCEL_K, id=k_id)) == "UNAUTHENTICATED"
    assert await Keskeytys.filter(mitatoity_at__isnull=False).count() == 0
    assert await Vapautus.filter(mitatoity_at__isnull=False).count() == 0
    assert code(await gql(w.first, CANCEL_K, id=k_id + 1000)) == "NOT_FOUND"
    assert code(await gql(w.first, CANCEL_V, id=v_id + 1000)) == "NOT_FOUND"


async def test_the_history_is_shown_to_whoever_follows_the_person_and_refused_to_others(gql: Gql) -> None:
    w = await world()
    await gql(w.first, ADD_K, o=w.oppija, a=days(-3).isoformat())
    valvoja = await user_token(w.ol, RoleName.VALVOJA_SUORITTAMINEN)
    assert len((await history(gql, valvoja, w.oppija))["keskeytykset"]) == 1
    _, elsewhere = await provider()
    for token in (
        await user_token(await kunta("049"), RoleName.KUNTA_VALVOJA),
        await user_token(elsewhere, RoleName.VALVOJA_SUORITTAMINEN),
    ):
        body = await gql(token, HISTORY, oid=w.oppija)
        assert body["data"] is None and code(body) == "FORBIDDEN"


async def test_corrections_exist_for_keskeytys_and_vapautus_only_never_for_a_kuntailmoitus(gql: Gql) -> None:
    w = await world()
    names = await mutation_names(gql, w.first)
    assert {n for n in names if n.startswith(("cancel", "end", "update", "delete"))} >= {
        "cancelKeskeytys",
        "cancelVapautus",
        "endKeskeytys",
    }
    assert not {n for n in names if "kuntailmoitus" in n.lower() and n != "createKuntailmoitus"}
