"""Kuntailmoitus (DOMAIN.md §6.3): who may make one, validation, who sees it, and that it never changes."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise import connections
from tortoise.exceptions import BaseORMException

from models.organisation import Organisation
from models.user import RoleName
from models.valpas import Kuntailmoitus
from tests.api.conftest import Gql
from tests.factories import provider, user_token
from tests.valpas.builders import TODAY, henkilo_doc, kunta, mutation_names, tallenna, years_ago

pytestmark = pytest.mark.usefixtures("db")

CREATE = """mutation($i: KuntailmoitusInput!) { createKuntailmoitus(input: $i) {
  id oppijaOid kunta tekija tekijaOrganisaatio { oid } yhteydenottokieli hakenutMuualle muuHaku createdAt
  yhteystiedot { lahiosoite postinumero postitoimipaikka puhelinnumero sahkoposti } } }"""
RECEIVED = """query($k: String!) { kuntailmoituksetVastaanotetut(kunta: $k) {
  id oppijaOid muuHaku yhteystiedot { puhelinnumero } } }"""
SENT = "query($o: String!) { kuntailmoituksetLahetetyt(organisaatio: $o) { id kunta yhteystiedot { puhelinnumero } } }"
MUU_HAKU = "mutation($o: String!, $ol: String!) { markMuuHaku(oppijaOid: $o, oppilaitos: $ol, muuHaku: true) }"


def ilmoitus(oppija: str, tekija: Organisation, **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "oppijaOid": oppija,
        "kunta": "091",
        "tekijaOrganisaatio": tekija.oid,
        "yhteystiedot": {
            "lahiosoite": "Mannerheimintie 1 A",
            "postinumero": "00100",
            "postitoimipaikka": "Helsinki",
            "puhelinnumero": "040 123 4567",
            "sahkoposti": "huoltaja@example.fi",
        },
        "yhteydenottokieli": "fi",
        "hakenutMuualle": False,
    }
    base.update(changes)
    return base


async def setup(turvakielto: bool = False) -> tuple[Organisation, Organisation, Organisation, str]:
    kt, ol = await provider()
    k = await kunta("091")
    oppija = await tallenna(henkilo_doc(ol, kt, syntymaaika=years_ago(16), turvakielto=turvakielto))
    return kt, ol, k, oppija


async def test_a_valvoja_notifies_the_kunta_and_both_sides_see_it(gql: Gql) -> None:
    _, ol, k, oppija = await setup()
    valvoja = await user_token(ol, RoleName.VALVOJA_HAKEUTUMINEN, name="valvoja-anna")
    assert (await gql(valvoja, MUU_HAKU, o=oppija, ol=ol.oid))["data"]["markMuuHaku"] is True
    body = await gql(valvoja, CREATE, i=ilmoitus(oppija, ol, yhteydenottokieli="sv", hakenutMuualle=True))
    made = body["data"]["createKuntailmoitus"]
    assert made["kunta"] == "091" and made["tekija"] == "valvoja-anna"
    assert made["tekijaOrganisaatio"]["oid"] == ol.oid
    assert (made["yhteydenottokieli"], made["hakenutMuualle"], made["muuHaku"]) == ("sv", True, True)
    assert made["yhteystiedot"]["postinumero"] == "00100"
    kunta_user = await user_token(k, RoleName.KUNTA_VALVOJA)
    received = (await gql(kunta_user, RECEIVED, k="091"))["data"]["kuntailmoituksetVastaanotetut"]
    assert [(r["id"], r["oppijaOid"], r["muuHaku"]) for r in received] == [(made["id"], oppija, True)]
    sent = (await gql(valvoja, SENT, o=ol.oid))["data"]["kuntailmoituksetLahetetyt"]
    assert [s["id"] for s in sent] == [made["id"]]


async def test_a_kunta_user_notifies_for_a_resident_of_their_own_kunta(gql: Gql) -> None:
    _, _, k, oppija = await setup()
    await kunta("049")
    user = await user_token(k, RoleName.KUNTA_PAAKAYTTAJA)
    body = await gql(user, CREATE, i=ilmoitus(oppija, k, kunta="049"))
    assert body["data"]["createKuntailmoitus"]["kunta"] == "049"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("postinumero", "0010", "INVALID_POSTINUMERO"),
        ("postinumero", "00100A", "INVALID_POSTINUMERO"),
        ("lahiosoite", "<b>Katu 1</b>", "MARKUP_NOT_ALLOWED"),
        ("postitoimipaikka", "x" * 101, "TOO_LONG"),
        ("sahkoposti", "not-an-address", "INVALID_EMAIL"),
        ("puhelinnumero", "call me", "INVALID_PHONE"),
    ],
)
async def test_contact_details_are_validated(gql: Gql, field: str, value: str, code: str) -> None:
    _, ol, _, oppija = await setup()
    valvoja = await user_token(ol, RoleName.VALVOJA_SUORITTAMINEN)
    data = ilmoitus(oppija, ol)
    data["yhteystiedot"][field] = value
    error = (await gql(valvoja, CREATE, i=data))["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert error["extensions"]["errors"][0] == {
        "field": f"yhteystiedot.{field}",
        "code": code,
        "message": error["extensions"]["errors"][0]["message"],
    }
    assert await Kuntailmoitus.all().count() == 0


async def test_contact_language_must_be_fi_or_sv(gql: Gql) -> None:
    _, ol, _, oppija = await setup()
    valvoja = await user_token(ol, RoleName.VALVOJA_HAKEUTUMINEN)
    error = (await gql(valvoja, CREATE, i=ilmoitus(oppija, ol, yhteydenottokieli="en")))["errors"][0]
    assert error["extensions"]["field"] == "yhteydenottokieli"


@pytest.mark.parametrize("role", [RoleName.VALVOJA_MAKSUTTOMUUS, RoleName.PAAKAYTTAJA, RoleName.WRITE])
async def test_other_provider_roles_cannot_notify(gql: Gql, role: RoleName) -> None:
    _, ol, _, oppija = await setup()
    error = (await gql(await user_token(ol, role), CREATE, i=ilmoitus(oppija, ol)))["errors"][0]
    assert error["extensions"]["code"] == "FORBIDDEN"


async def test_a_valvoja_cannot_notify_about_another_schools_pupil(gql: Gql) -> None:
    _, _, _, oppija = await setup()
    _, other = await provider()
    error = await gql(await user_token(other, RoleName.VALVOJA_HAKEUTUMINEN), CREATE, i=ilmoitus(oppija, other))
    assert error["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_kunta_user_cannot_notify_about_another_kuntas_resident(gql: Gql) -> None:
    _, _, _, oppija = await setup()
    other = await kunta("049")
    body = await gql(await user_token(other, RoleName.KUNTA_VALVOJA), CREATE, i=ilmoitus(oppija, other))
    assert body["errors"][0]["extensions"]["code"] == "NOT_RESIDENT"


async def test_received_and_sent_lists_are_for_their_own_users(gql: Gql) -> None:
    _, ol, _, _ = await setup()
    outsider_kunta = await user_token(await kunta("049"), RoleName.KUNTA_VALVOJA)
    assert (await gql(outsider_kunta, RECEIVED, k="091"))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    _, other = await provider()
    outsider = await user_token(other, RoleName.VALVOJA_HAKEUTUMINEN)
    assert (await gql(outsider, SENT, o=ol.oid))["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_turvakielto_contact_data_is_for_the_kunta_only(gql: Gql) -> None:
    _, ol, k, oppija = await setup(turvakielto=True)
    valvoja = await user_token(ol, RoleName.VALVOJA_HAKEUTUMINEN)
    made = (await gql(valvoja, CREATE, i=ilmoitus(oppija, ol)))["data"]["createKuntailmoitus"]
    assert made["yhteystiedot"] is None
    assert (await gql(valvoja, SENT, o=ol.oid))["data"]["kuntailmoituksetLahetetyt"][0]["yhteystiedot"] is None
    kunta_user = await user_token(k, RoleName.KUNTA_VALVOJA)
    received = (await gql(kunta_user, RECEIVED, k="091"))["data"]["kuntailmoituksetVastaanotetut"]
    assert received[0]["yhteystiedot"] == {"puhelinnumero": "040 123 4567"}


async def test_the_api_has_no_way_to_change_or_withdraw_one(gql: Gql) -> None:
    kt, _ = await provider()
    mutations = await mutation_names(gql, await user_token(kt, RoleName.ADMIN))
    assert {m for m in mutations if "kuntailmoitus" in m.lower()} == {"createKuntailmoitus"}


async def test_the_database_refuses_update_and_delete(gql: Gql) -> None:
    _, ol, _, oppija = await setup()
    valvoja = await user_token(ol, RoleName.VALVOJA_HAKEUTUMINEN)
    made = (await gql(valvoja, CREATE, i=ilmoitus(oppija, ol)))["data"]["createKuntailmoitus"]
    conn = connections.get("default")
    param = "$1" if conn.capabilities.dialect == "postgres" else "?"
    with pytest.raises(BaseORMException, match="immutable"):
        await conn.execute_query(
            f"UPDATE valpas_kuntailmoitus SET postinumero = '99999' WHERE id = {param}", [made["id"]]
        )
    with pytest.raises(BaseORMException, match="immutable"):
        await conn.execute_query(f"DELETE FROM valpas_kuntailmoitus WHERE id = {param}", [made["id"]])
    with pytest.raises(BaseORMException, match="immutable"):
        await Kuntailmoitus.filter(id=made["id"]).update(hakenut_muualle=True)
    stored = await Kuntailmoitus.get(id=made["id"])
    assert (stored.postinumero, stored.hakenut_muualle) == ("00100", False)


async def test_each_notice_shows_whether_it_is_active_and_a_vapautus_makes_it_passive(gql: Gql) -> None:
    _, ol, k, oppija = await setup()
    valvoja = await user_token(ol, RoleName.VALVOJA_HAKEUTUMINEN)
    made = (await gql(valvoja, CREATE, i=ilmoitus(oppija, ol)))["data"]["createKuntailmoitus"]
    kunta_user = await user_token(k, RoleName.KUNTA_VALVOJA)
    state = (
        "query($k: String!) { kuntailmoituksetVastaanotetut(kunta: $k) { id aktiivinen aktiivisuusReason { code } } }"
    )
    before = (await gql(kunta_user, state, k="091"))["data"]["kuntailmoituksetVastaanotetut"]
    assert before == [{"id": made["id"], "aktiivinen": True, "aktiivisuusReason": {"code": "kuntailmoitus_aktiivinen"}}]
    vapautus = 'mutation($o: String!, $a: Date!) { addVapautus(oppijaOid: $o, kunta: "091", alku: $a) { alku } }'
    assert "errors" not in await gql(kunta_user, vapautus, o=oppija, a=TODAY.isoformat())
    after = (await gql(kunta_user, state, k="091"))["data"]["kuntailmoituksetVastaanotetut"]
    assert after == [{"id": made["id"], "aktiivinen": False, "aktiivisuusReason": {"code": "vapautus"}}]
