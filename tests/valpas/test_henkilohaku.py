"""Valpas person search by hetu or OID (issue 16.4–5): kunta users within their kunta, maksuttomuuden valvojat
within their oppilaitos; anyone else's person answers as an unknown one."""

from __future__ import annotations

from typing import Any

import pytest

from models.audit import AuditEvent
from models.oppija import Oppija
from models.rules.tunnisteet import hetu_error
from models.user import RoleName
from tests.api.conftest import Gql
from tests.factories import oppija_oid, provider, user_token
from tests.valpas.builders import TODAY, henkilo_doc, kunta, tallenna, years_ago

pytestmark = pytest.mark.usefixtures("db")

HAKU = """query($t: String!) { valpasHaku(tunniste: $t) {
  oid oppivelvollisuus { maksuttomuusUntil maksuttomuusUntilReason { code text } oppivelvollinenUntil } } }"""
HETU = "100310A905M"  # born 10.3.2010


def code(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["code"])


async def resident() -> tuple[str, Any]:
    kt, ol = await provider()
    oid = await tallenna(henkilo_doc(ol, kt, syntymaaika=years_ago(TODAY.year - 2010)))
    await Oppija.filter(oid=oid).update(hetu=HETU)
    return oid, ol


def test_the_test_hetu_is_well_formed() -> None:
    assert hetu_error(HETU) is None
    assert hetu_error("100310A905N") == "check character does not match"
    assert hetu_error("1003-10") is not None


@pytest.mark.parametrize("role", [RoleName.KUNTA_VALVOJA, RoleName.KUNTA_PAAKAYTTAJA])
async def test_a_kunta_user_finds_a_resident_by_hetu_or_oid(gql: Gql, role: RoleName) -> None:
    oid, _ = await resident()
    token = await user_token(await kunta("091"), role)
    for tunniste in (HETU, HETU.lower(), oid):
        found = (await gql(token, HAKU, t=tunniste))["data"]["valpasHaku"]
        assert found["oid"] == oid
        assert found["oppivelvollisuus"]["maksuttomuusUntil"] == "2030-12-31"
        assert found["oppivelvollisuus"]["maksuttomuusUntilReason"]["code"] == "year_turning_20"
    searches = await AuditEvent.filter(entity="valpas_henkilohaku").values_list("entity_id", "oppija_oid")
    assert sorted(searches) == [("hetu", oid), ("hetu", oid), ("oid", oid)]


async def test_another_kuntas_user_gets_not_found_as_for_an_unknown_person(gql: Gql) -> None:
    oid, _ = await resident()
    await kunta("091")
    token = await user_token(await kunta("049"), RoleName.KUNTA_VALVOJA)
    assert code(await gql(token, HAKU, t=HETU)) == "NOT_FOUND"
    assert code(await gql(token, HAKU, t=oid)) == "NOT_FOUND"
    assert code(await gql(token, HAKU, t=oppija_oid())) == "NOT_FOUND"
    assert await AuditEvent.filter(entity="valpas_henkilohaku", oppija_oid__isnull=False).count() == 0


async def test_a_maksuttomuuden_valvoja_finds_only_own_students(gql: Gql) -> None:
    oid, ol = await resident()
    own = await user_token(ol, RoleName.VALVOJA_MAKSUTTOMUUS)
    assert (await gql(own, HAKU, t=HETU))["data"]["valpasHaku"]["oid"] == oid
    _, other = await provider()
    assert code(await gql(await user_token(other, RoleName.VALVOJA_MAKSUTTOMUUS), HAKU, t=HETU)) == "NOT_FOUND"


@pytest.mark.parametrize("role", [RoleName.VALVOJA_HAKEUTUMINEN, RoleName.PAAKAYTTAJA, RoleName.READ])
async def test_other_roles_are_forbidden(gql: Gql, role: RoleName) -> None:
    _, ol = await resident()
    assert code(await gql(await user_token(ol, role), HAKU, t=HETU)) == "FORBIDDEN"


async def test_a_malformed_tunniste_is_a_field_error(gql: Gql) -> None:
    token = await user_token(await kunta("091"), RoleName.KUNTA_VALVOJA)
    body = await gql(token, HAKU, t="100310A905N")
    assert code(body) == "VALIDATION_FAILED" and body["errors"][0]["extensions"]["field"] == "tunniste"
    assert code(await gql(token, HAKU, t="1.2.246.562.24.1")) == "VALIDATION_FAILED"
