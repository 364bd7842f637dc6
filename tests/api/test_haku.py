"""Finding things (issue 14): `me`, `organisaatiot` and `oppijat(haku:)` by name, hetu and OID, within rights."""

from __future__ import annotations

from typing import Any

import pytest
from tortoise import connections

from models.audit import AuditEvent
from models.opiskeluoikeus import Opiskeluoikeus
from models.organisation import OPH_OID, OrganisationTyyppi
from models.services.organisations import ensure_organisation
from models.user import RoleName
from tests.api.conftest import Gql
from tests.factories import koski_doc, org_oid, provider, user_token
from tests.services.conftest import store

pytestmark = pytest.mark.usefixtures("db")

OPPIJAT = """query($h: String!, $n: Int!, $a: String) { oppijat(haku: $h, first: $n, after: $a) {
  edges { cursor node { oid sukunimi etunimet } } pageInfo { hasNextPage endCursor } } }"""


async def _person(
    kt: Any,
    ol: Any,
    sukunimi: str,
    etunimet: str,
    hetu: str | None = None,
    kotikunnat: tuple[tuple[str, str, str | None], ...] = (),
) -> str:
    doc = koski_doc(koulutustoimija=kt.oid, oppilaitos=ol.oid)
    doc["henkilö"].update({"sukunimi": sukunimi, "etunimet": etunimet, **({"hetu": hetu} if hetu else {})})
    if kotikunnat:
        doc["henkilö"]["kotikuntahistoria"] = [
            {"kotikunta": k, "alku": alku, **({"loppu": loppu} if loppu else {})} for k, alku, loppu in kotikunnat
        ]
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
    reads = await AuditEvent.filter(action="read", entity="oppija").values_list("oppija_oid", flat=True)
    assert sorted(reads) == sorted([*mine[:2], *mine[2:], *mine, hetullinen, mine[1]]), "each shown once a search"


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


async def test_kunta_and_valvoja_users_find_their_own_by_name(gql: Gql) -> None:
    """A kunta user finds today's residents only; a valvoja finds the pupils of their oppilaitos only."""
    kt, ol = await provider()
    other_kt, other_ol = await provider()
    kunta = await ensure_organisation(org_oid(), OrganisationTyyppi.KUNTA, "Hakukunta", kuntakoodi="905")
    asukas = await _person(other_kt, other_ol, "Hakulainen", "Asta", kotikunnat=(("905", "2004-05-06", None),))
    await _person(other_kt, other_ol, "Hakulainen", "Eero", kotikunnat=(("905", "2004-05-06", "2010-01-01"),))
    oppilas = await _person(kt, ol, "Hakulainen", "Oona")

    kunnan = await user_token(kunta, RoleName.KUNTA_VALVOJA)
    found = (await gql(kunnan, OPPIJAT, h="hakulainen", n=10))["data"]["oppijat"]["edges"]
    assert [e["node"]["oid"] for e in found] == [asukas]
    valvoja = await user_token(ol, RoleName.VALVOJA_SUORITTAMINEN)
    found = (await gql(valvoja, OPPIJAT, h="hakulainen", n=10))["data"]["oppijat"]["edges"]
    assert [e["node"]["oid"] for e in found] == [oppilas]


async def test_a_voided_study_right_shows_the_person_to_ehoks_readers_but_not_to_valvojat(gql: Gql) -> None:
    """The same rule as reading the person (`api.authorization.may_read_oppija`), which the search applies for it."""
    kt, ol = await provider()
    oid = await _person(kt, ol, "Mitatoinen", "Ville")
    await Opiskeluoikeus.filter(oppija__oid=oid).update(mitatoity=True)
    lukija = await user_token(ol, RoleName.READ)
    valvoja = await user_token(ol, RoleName.VALVOJA_SUORITTAMINEN)
    found = (await gql(lukija, OPPIJAT, h="mitatoinen", n=5))["data"]["oppijat"]["edges"]
    assert [e["node"]["oid"] for e in found] == [oid]
    assert (await gql(valvoja, OPPIJAT, h="mitatoinen", n=5))["data"]["oppijat"]["edges"] == []


async def test_a_longer_page_costs_no_more_queries(gql: Gql, monkeypatch: pytest.MonkeyPatch) -> None:
    """The search applies the read rule itself, for organisation and kunta rights alike, so no learner shown is
    checked again one by one (at a million persons that was most of a page's time)."""
    kt, ol = await provider()
    kunta = await ensure_organisation(org_oid(), OrganisationTyyppi.KUNTA, "Sivukunta", kuntakoodi="907")
    for i in range(6):
        await _person(kt, ol, "Sivulainen", f"Eeva {i}", kotikunnat=(("907", "2004-05-06", None),))
    client = type(connections.get("default"))
    statements: list[str] = []
    for method in ("execute_query", "execute_query_dict", "execute_insert", "execute_many", "execute_script"):
        original = getattr(client, method)

        async def counted(self: Any, sql: str, *args: Any, _original: Any = original, **kw: Any) -> Any:
            statements.append(sql)
            return await _original(self, sql, *args, **kw)

        monkeypatch.setattr(client, method, counted)
    for token in (await user_token(ol, RoleName.READ), await user_token(kunta, RoleName.KUNTA_VALVOJA)):
        costs = []
        for n in (1, 6):
            statements.clear()
            assert len((await gql(token, OPPIJAT, h="sivulainen", n=n))["data"]["oppijat"]["edges"]) == n
            costs.append(len(statements))
        assert costs[0] == costs[1], costs
