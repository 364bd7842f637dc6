"""Finding things (issue 14): `me`, `organisaatiot` and `oppijat(haku:)` by name, hetu and OID, within rights."""

from __future__ import annotations

from typing import Any

import pytest

from models.audit import AuditEvent
from models.organisation import OPH_OID, OrganisationTyyppi
from models.services.organisations import ensure_organisation
from models.user import RoleName
from tests.api.conftest import Gql
from tests.factories import koski_doc, org_oid, provider, user_token
from tests.services.conftest import store

pytestmark = pytest.mark.usefixtures("db")

OPPIJAT = """query($h: String!, $n: Int!, $a: String) { oppijat(haku: $h, first: $n, after: $a) {
  edges { cursor node { oid sukunimi etunimet } } pageInfo { hasNextPage endCursor } } }"""


async def _person(kt: Any, ol: Any, sukunimi: str, etunimet: str, hetu: str | None = None) -> str:
    doc = koski_doc(koulutustoimija=kt.oid, oppilaitos=ol.oid)
    doc["henkilö"].update({"sukunimi": sukunimi, "etunimet": etunimet, **({"hetu": hetu} if hetu else {})})
    await store(doc)
    return str(doc["henkilö"]["oid"])


async def test_search_by_name_hetu_and_oid_sees_only_own_learners_and_pages(gql: Gql) -> None:
    kt, ol = await provider()
    other_kt, other_ol = await provider()
    mine = [await _person(kt, ol, "Virtanen", f"Aino {i}") for i in range(3)]
    hetullinen = await _person(kt, ol, "Korhonen", "Eino", hetu="010101A123N")
    others = await _person(other_kt, other_ol, "Virtanen", "Toinen")
    token = await user_token(ol, RoleName.READ)

    first = (await gql(token, OPPIJAT, h="virta AINO", n=2))["data"]["oppijat"]
    assert [e["node"]["oid"] for e in first["edges"]] == mine[:2]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await gql(token, OPPIJAT, h="virta aino", n=2, a=first["pageInfo"]["endCursor"]))["data"]["oppijat"]
    assert [e["node"]["oid"] for e in rest["edges"]] == mine[2:]
    assert rest["pageInfo"]["hasNextPage"] is False

    everyone = (await gql(token, OPPIJAT, h="Virtanen", n=100))["data"]["oppijat"]["edges"]
    assert others not in [e["node"]["oid"] for e in everyone]
    by_hetu = (await gql(token, OPPIJAT, h="010101a123n", n=5))["data"]["oppijat"]["edges"]
    assert [e["node"]["oid"] for e in by_hetu] == [hetullinen]
    by_oid = (await gql(token, OPPIJAT, h=mine[1], n=5))["data"]["oppijat"]["edges"]
    assert [e["node"]["sukunimi"] for e in by_oid] == ["Virtanen"]
    assert (await gql(token, OPPIJAT, h=others, n=5))["data"]["oppijat"]["edges"] == []

    searches = await AuditEvent.filter(action="search", entity="oppija").values_list("entity_id", flat=True)
    assert sorted(searches) == ["hetu", "nimi", "nimi", "nimi", "oid", "oid"]
    assert await AuditEvent.filter(action="read", entity="oppija", oppija_oid=hetullinen).exists()


async def test_a_too_short_name_is_a_field_error(gql: Gql) -> None:
    _, ol = await provider()
    token = await user_token(ol, RoleName.READ)
    [error] = (await gql(token, OPPIJAT, h=" ab ", n=5))["errors"]
    assert error["extensions"]["code"] == "TOO_SHORT"
    assert error["extensions"]["field"] == "haku"


async def test_me_and_the_organisation_tree(gql: Gql) -> None:
    kt, ol = await provider()
    kunta = await ensure_organisation(org_oid(), OrganisationTyyppi.KUNTA, "Testikunta")
    token = await user_token(kt, RoleName.WRITE, name="virkailija")
    query = """{ me { nimi tyyppi roolit { rooli organisaatio { oid tyyppi } } }
      organisaatiot { oid nimi tyyppi ylaorganisaatioOid } }"""
    data = (await gql(token, query))["data"]
    assert data["me"] == {
        "nimi": "virkailija",
        "tyyppi": "official",
        "roolit": [{"rooli": "write", "organisaatio": {"oid": kt.oid, "tyyppi": "koulutustoimija"}}],
    }
    assert data["organisaatiot"] == [
        {"oid": kt.oid, "nimi": kt.nimi, "tyyppi": "koulutustoimija", "ylaorganisaatioOid": OPH_OID},
        {"oid": ol.oid, "nimi": ol.nimi, "tyyppi": "oppilaitos", "ylaorganisaatioOid": kt.oid},
    ]
    assert kunta.oid not in str(data)
