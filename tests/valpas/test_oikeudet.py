"""Granting Valpas rights (DOMAIN.md §6.4): who grants what, where; never to oneself; every grant audited."""

from __future__ import annotations

import pytest

from models.audit import AuditEvent
from models.organisation import Organisation
from models.services.organisations import oph
from models.services.users import add_user
from models.user import Role, RoleName, User, UserKind
from tests.api.conftest import Gql
from tests.factories import provider, user_token
from tests.valpas.builders import days, henkilo_doc, kunta, tallenna, years_ago

pytestmark = pytest.mark.usefixtures("db")

GRANT = """mutation($u: String!, $o: String!, $r: Rooli!) {
  grantRole(user: $u, organisation: $o, role: $r) { user organisation role } }"""


async def person(name: str) -> str:
    """An official with no roles yet."""
    await User.create(name=name, kind=UserKind.OFFICIAL)
    return name


async def code(gql: Gql, token: str, user: str, org: Organisation, role: RoleName) -> str | None:
    body = await gql(token, GRANT, u=user, o=org.oid, r=role.value)
    return body["errors"][0]["extensions"]["code"] if "errors" in body else None


async def test_vastuukayttaja_grants_paakayttaja_roles_and_it_is_audited(gql: Gql) -> None:
    kt, _ = await provider()
    k = await kunta("091")
    vastuu = await user_token(await oph(), RoleName.VASTUUKAYTTAJA, name="vastuu")
    assert await code(gql, vastuu, await person("pk"), kt, RoleName.PAAKAYTTAJA) is None
    assert await code(gql, vastuu, await person("kpk"), k, RoleName.KUNTA_PAAKAYTTAJA) is None
    role = await Role.get(user__name="pk").prefetch_related("granted_by")
    assert (role.role, role.granted_by.name if role.granted_by else None) == (RoleName.PAAKAYTTAJA, "vastuu")
    events = await AuditEvent.filter(action="grant").order_by("id")
    assert [(e.user_name, e.changes["user"][1], e.changes["role"][1]) for e in events] == [
        ("vastuu", "pk", "paakayttaja"),
        ("vastuu", "kpk", "kunta_paakayttaja"),
    ]


async def test_paakayttaja_grants_valvoja_roles_in_own_organisation_only(gql: Gql) -> None:
    kt, ol = await provider()
    other_kt, _ = await provider()
    pk = await user_token(kt, RoleName.PAAKAYTTAJA)
    target = await person("valvoja")
    assert await code(gql, pk, target, ol, RoleName.VALVOJA_HAKEUTUMINEN) is None
    assert await code(gql, pk, target, kt, RoleName.VALVOJA_MAKSUTTOMUUS) is None
    assert await code(gql, pk, target, other_kt, RoleName.VALVOJA_SUORITTAMINEN) == "FORBIDDEN"
    assert await code(gql, pk, target, kt, RoleName.PAAKAYTTAJA) == "FORBIDDEN"


async def test_kunta_paakayttaja_grants_kunta_valvoja_in_own_kunta_only(gql: Gql) -> None:
    own, other = await kunta("091"), await kunta("049")
    kt, _ = await provider()
    kpk = await user_token(own, RoleName.KUNTA_PAAKAYTTAJA)
    target = await person("kv")
    assert await code(gql, kpk, target, own, RoleName.KUNTA_VALVOJA) is None
    assert await code(gql, kpk, target, other, RoleName.KUNTA_VALVOJA) == "FORBIDDEN"
    assert await code(gql, kpk, target, kt, RoleName.VALVOJA_HAKEUTUMINEN) == "FORBIDDEN"


@pytest.mark.parametrize("granter", [RoleName.VALVOJA_HAKEUTUMINEN, RoleName.KUNTA_VALVOJA, RoleName.ADMIN])
async def test_valvojat_and_ehoks_admins_grant_nothing(gql: Gql, granter: RoleName) -> None:
    kt, ol = await provider()
    k = await kunta("091")
    token = await user_token(k if granter == RoleName.KUNTA_VALVOJA else kt, granter)
    target = await person("someone")
    assert await code(gql, token, target, ol, RoleName.VALVOJA_HAKEUTUMINEN) == "FORBIDDEN"
    assert await code(gql, token, target, k, RoleName.KUNTA_VALVOJA) == "FORBIDDEN"


async def test_nobody_grants_to_themselves(gql: Gql) -> None:
    kt, ol = await provider()
    vastuu = await user_token(await oph(), RoleName.VASTUUKAYTTAJA, name="vastuu")
    pk = await user_token(kt, RoleName.PAAKAYTTAJA, name="pk")
    assert await code(gql, vastuu, "vastuu", kt, RoleName.PAAKAYTTAJA) == "SELF_GRANT"
    assert await code(gql, pk, "pk", ol, RoleName.VALVOJA_HAKEUTUMINEN) == "SELF_GRANT"
    assert await Role.filter(user__name__in=["vastuu", "pk"]).count() == 2
    assert not await AuditEvent.filter(action="grant").exists()


async def test_role_must_fit_the_organisation_and_be_a_valpas_role(gql: Gql) -> None:
    kt, _ = await provider()
    k = await kunta("091")
    vastuu = await user_token(await oph(), RoleName.VASTUUKAYTTAJA)
    target = await person("x")
    assert await code(gql, vastuu, target, k, RoleName.PAAKAYTTAJA) == "INVALID_CHOICE"
    assert await code(gql, vastuu, target, kt, RoleName.KUNTA_PAAKAYTTAJA) == "INVALID_CHOICE"
    assert await code(gql, vastuu, target, kt, RoleName.ADMIN) == "INVALID_CHOICE"
    assert await code(gql, vastuu, target, kt, RoleName.VASTUUKAYTTAJA) == "INVALID_CHOICE"


async def test_rights_are_personal_not_for_service_users(gql: Gql) -> None:
    kt, _ = await provider()
    await add_user("sis-system", UserKind.SERVICE, kt.oid, RoleName.WRITE)
    vastuu = await user_token(await oph(), RoleName.VASTUUKAYTTAJA)
    assert await code(gql, vastuu, "sis-system", kt, RoleName.PAAKAYTTAJA) == "NOT_PERSONAL"


async def test_a_vastuukayttajas_scope_is_its_organisation_tree(gql: Gql) -> None:
    """The one authorization check applies: a role covers its organisation and those below; OPH's covers all."""
    kt, _ = await provider()
    other_kt, _ = await provider()
    local = await user_token(kt, RoleName.VASTUUKAYTTAJA)
    assert await code(gql, local, await person("y"), kt, RoleName.PAAKAYTTAJA) is None
    assert await code(gql, local, await person("z"), other_kt, RoleName.PAAKAYTTAJA) == "FORBIDDEN"


VAPAUTUS = 'mutation($o: String!, $a: Date!) { addVapautus(oppijaOid: $o, kunta: "091", alku: $a) { alku } }'
KESKEYTYS = """mutation($o: String!, $a: Date!, $l: Date) {
  addKeskeytys(oppijaOid: $o, kunta: "091", alku: $a, loppu: $l) { alku } }"""


async def test_vapautus_and_keskeytys_are_recorded_by_the_kuntas_users_only(gql: Gql) -> None:
    kt, ol = await provider()
    await kunta("091")
    oppija = await tallenna(henkilo_doc(ol, kt, syntymaaika=years_ago(15)))
    for token in (
        await user_token(ol, RoleName.VALVOJA_HAKEUTUMINEN),
        await user_token(await kunta("049"), RoleName.KUNTA_VALVOJA),
    ):
        assert (await gql(token, VAPAUTUS, o=oppija, a=days(0).isoformat()))["errors"][0]["extensions"][
            "code"
        ] == "FORBIDDEN"
        assert (await gql(token, KESKEYTYS, o=oppija, a=days(0).isoformat()))["errors"][0]["extensions"][
            "code"
        ] == "FORBIDDEN"


async def test_vapautus_rules(gql: Gql) -> None:
    kt, ol = await provider()
    token = await user_token(await kunta("091"), RoleName.KUNTA_VALVOJA)
    oppija = await tallenna(henkilo_doc(ol, kt, syntymaaika=years_ago(15)))
    muualla = await tallenna(henkilo_doc(ol, kt, syntymaaika=years_ago(15), kotikunnat=[("049", years_ago(15), None)]))
    early = await gql(token, VAPAUTUS, o=oppija, a="2022-07-31")
    assert (early["errors"][0]["extensions"]["code"], early["errors"][0]["extensions"]["field"]) == (
        "OUT_OF_RANGE",
        "alku",
    )
    assert (await gql(token, VAPAUTUS, o=muualla, a="2022-08-01"))["errors"][0]["extensions"]["code"] == "NOT_RESIDENT"
    assert "errors" not in await gql(token, VAPAUTUS, o=oppija, a="2022-08-01")
    assert (await gql(token, VAPAUTUS, o=oppija, a="2023-01-01"))["errors"][0]["extensions"]["code"] == "DUPLICATE"
    backwards = await gql(token, KESKEYTYS, o=oppija, a=days(0).isoformat(), l=days(-1).isoformat())
    assert backwards["errors"][0]["extensions"]["field"] == "loppu"


async def test_kunta_user_sees_the_residents_study_rights_at_any_provider_and_ehoks_users_only_their_own(
    gql: Gql,
) -> None:
    """A kunta follows its residents wherever they study (§6.3); an eHOKS reader sees its own oppilaitos only."""
    kt, ol = await provider()
    kt2, ol2 = await provider()
    oid = await tallenna(henkilo_doc(ol, kt, syntymaaika=years_ago(16)))
    await tallenna(henkilo_doc(ol2, kt2, syntymaaika=years_ago(16), oppija=oid, tyyppi="lukiokoulutus"))
    query = "query($oid: String!) { oppija(oid: $oid) { opiskeluoikeudet { tyyppi } } }"

    kunta_user = await user_token(await kunta("091"), RoleName.KUNTA_VALVOJA)
    body = await gql(kunta_user, query, oid=oid)
    assert sorted(o["tyyppi"] for o in body["data"]["oppija"]["opiskeluoikeudet"]) == ["lukiokoulutus", "perusopetus"]

    reader = await user_token(ol, RoleName.READ)
    body = await gql(reader, query, oid=oid)
    assert [o["tyyppi"] for o in body["data"]["oppija"]["opiskeluoikeudet"]] == ["perusopetus"]

    stranger = await user_token(await kunta("049"), RoleName.KUNTA_VALVOJA)
    body = await gql(stranger, query, oid=oid)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


REVOKE = """mutation($u: String!, $o: String!, $r: Rooli!) {
  revokeRole(user: $u, organisation: $o, role: $r) { user organisation role } }"""


async def test_a_role_is_revoked_by_whoever_may_grant_it_and_the_audit_keeps_it(gql: Gql) -> None:
    kt, ol = await provider()
    other_kt, _ = await provider()
    pk = await user_token(kt, RoleName.PAAKAYTTAJA, name="pk-revoker")
    target = await person("revoked-valvoja")
    assert await code(gql, pk, target, ol, RoleName.VALVOJA_HAKEUTUMINEN) is None
    outsider = await user_token(other_kt, RoleName.PAAKAYTTAJA)
    valvoja = await user_token(ol, RoleName.VALVOJA_HAKEUTUMINEN)
    for refused in (outsider, valvoja):
        body = await gql(refused, REVOKE, u=target, o=ol.oid, r="valvoja_hakeutuminen")
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql(pk, REVOKE, u=target, o=ol.oid, r="valvoja_hakeutuminen")
    assert body["data"]["revokeRole"]["user"] == target
    assert not await Role.filter(user__name=target).exists()
    event = await AuditEvent.get(action="revoke", entity="role")
    assert event.user_name == "pk-revoker" and event.changes["granted_at"][0].startswith(str(days(0).year))
    assert {k: v[0] for k, v in event.changes.items()} == {
        "user": target,
        "organisation": ol.oid,
        "role": "valvoja_hakeutuminen",
        "granted_by": "pk-revoker",
        "granted_at": event.changes["granted_at"][0],
    }
    again = await gql(pk, REVOKE, u=target, o=ol.oid, r="valvoja_hakeutuminen")
    assert again["errors"][0]["extensions"]["code"] == "NOT_FOUND"
