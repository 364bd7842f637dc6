"""Ending a keskeytys (issue 16.6): by the recording kunta's users, once, audited with the old value."""

from __future__ import annotations

import asyncio

import pytest

from models.audit import AuditEvent
from models.organisation import Organisation
from models.user import RoleName
from models.valpas import Keskeytys
from tests.api.conftest import Gql
from tests.factories import provider, user_token
from tests.valpas.builders import days, henkilo_doc, kunta, tallenna, years_ago

pytestmark = pytest.mark.usefixtures("db")

ADD = 'mutation($o: String!, $a: Date!) { addKeskeytys(oppijaOid: $o, kunta: "091", alku: $a) { id loppu } }'
END = "mutation($k: Int!, $l: Date!) { endKeskeytys(keskeytys: $k, loppu: $l) { id alku loppu } }"


async def open_keskeytys(gql: Gql) -> tuple[str, int, Organisation]:
    kt, ol = await provider()
    k = await kunta("091")
    token = await user_token(k, RoleName.KUNTA_VALVOJA)
    oppija = await tallenna(henkilo_doc(ol, kt, syntymaaika=years_ago(16)))
    made = (await gql(token, ADD, o=oppija, a=days(-10).isoformat()))["data"]["addKeskeytys"]
    return token, int(made["id"]), k


async def test_a_kunta_user_ends_it_once_and_the_old_value_stays_in_the_audit(gql: Gql) -> None:
    token, kid, _ = await open_keskeytys(gql)
    ended = (await gql(token, END, k=kid, l=days(0).isoformat()))["data"]["endKeskeytys"]
    assert ended == {"id": kid, "alku": days(-10).isoformat(), "loppu": days(0).isoformat()}
    again = await gql(token, END, k=kid, l=days(1).isoformat())
    assert again["errors"][0]["extensions"]["code"] == "ALREADY_ENDED"
    change = await AuditEvent.get(entity="keskeytys", action="update", entity_id=str(kid))
    assert change.changes == {"loppu": [None, days(0).isoformat()]}
    assert (await Keskeytys.get(id=kid)).loppu == days(0)


async def test_two_officials_ending_it_at_once_one_wins(gql: Gql) -> None:
    token, kid, k = await open_keskeytys(gql)
    other = await user_token(k, RoleName.KUNTA_PAAKAYTTAJA)
    bodies = await asyncio.gather(
        gql(token, END, k=kid, l=days(0).isoformat()), gql(other, END, k=kid, l=days(2).isoformat())
    )
    codes = sorted("ok" if "errors" not in b else b["errors"][0]["extensions"]["code"] for b in bodies)
    assert codes == ["ALREADY_ENDED", "ok"]
    assert await AuditEvent.filter(entity="keskeytys", action="update").count() == 1


async def test_other_kunnat_and_providers_are_forbidden_and_loppu_before_alku_refused(gql: Gql) -> None:
    token, kid, _ = await open_keskeytys(gql)
    other_kunta = await user_token(await kunta("049"), RoleName.KUNTA_PAAKAYTTAJA)
    _, ol = await provider()
    valvoja = await user_token(ol, RoleName.VALVOJA_SUORITTAMINEN)
    for refused in (other_kunta, valvoja):
        body = await gql(refused, END, k=kid, l=days(0).isoformat())
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    early = await gql(token, END, k=kid, l=days(-11).isoformat())
    assert (early["errors"][0]["extensions"]["code"], early["errors"][0]["extensions"]["field"]) == (
        "INVALID_PERIOD",
        "loppu",
    )
    assert (await gql(token, END, k=kid + 1000, l=days(0).isoformat()))["errors"][0]["extensions"]["code"] == (
        "NOT_FOUND"
    )
