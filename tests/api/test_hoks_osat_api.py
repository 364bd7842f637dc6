"""The whole HOKS over GraphQL: paikalliset and yhteiset tutkinnon osat (with osa-alueet) and what eHOKS holds
beyond Polku's own fields (`lisatiedot`), written and read back, with jaksot under an osa-alue surveyed too."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from tortoise.context import TortoiseContext

from models.herate import Tyopaikkajaksoherate
from models.hoks import Hoks
from models.services.access import SYSTEM
from models.services.ehoks import import_ehoks
from tests.api.conftest import Gql
from tests.api.world import World, make_world
from tests.ehoks_documents import load, own
from tests.factories import hoks_input

FIELDS = """id lisatiedot tutkinnonOsat { tutkinnonOsaKoodi nimi tyyppi osaAlueKoodi lisatiedot yhteinenOsa
  hankkimistavat { yksiloivaTunniste tyyppi lisatiedot } } tyopaikkajaksot { yksiloivaTunniste }"""
CREATE = f"mutation($input: HoksInput!) {{ createHoks(input: $input) {{ {FIELDS} }} }}"
UPDATE = f"mutation($id: Int!, $input: HoksInput!) {{ updateHoks(id: $id, input: $input) {{ {FIELDS} }} }}"

NAYTTO = {"osaamisen-osoittaminen": [{"alku": "2021-11-01", "loppu": "2021-11-05", "sisallon-kuvaus": ["Huolto"]}]}
YHTEINEN = {"tutkinnon-osa-koodi-versio": 1, "koulutuksen-jarjestaja-oid": "1.2.246.562.10.54453921329"}


def _osat() -> list[dict[str, Any]]:
    jakso = hoks_input("x", "y")["tutkinnonOsat"][0]["hankkimistavat"][0]
    return [
        {**hoks_input("x", "y")["tutkinnonOsat"][0], "lisatiedot": NAYTTO},
        {"tutkinnonOsaKoodi": "", "nimi": "Työmaan turvallisuus", "tyyppi": "PAIKALLINEN"},
        {
            "tutkinnonOsaKoodi": "106729",
            "tyyppi": "YHTEINEN",
            "osaAlueKoodi": "ammatillisenoppiaineet_vvai",
            "yhteinenOsa": YHTEINEN,
            "hankkimistavat": [
                {**jakso, "yksiloivaTunniste": "osa-alue-jakso", "lisatiedot": {"keskeiset-tyotehtavat": ["Kassa"]}}
            ],
        },
    ]


@pytest.fixture
async def world(db: TortoiseContext) -> World:
    return await make_world()


async def test_every_kind_of_osa_and_the_lisatiedot_are_stored_and_read_back(gql: Gql, world: World) -> None:
    oppija, oo = await world.new_oo()
    urasuunnitelma = {"urasuunnitelma-koodi-uri": "urasuunnitelma_0001"}
    plan = hoks_input(oppija, oo, tutkinnonOsat=_osat(), lisatiedot=urasuunnitelma)
    body = await gql(world.writer, CREATE, input=plan)
    assert "errors" not in body, body
    hoks = body["data"]["createHoks"]
    assert hoks["lisatiedot"] == urasuunnitelma
    ammat, paikallinen, yhteinen = hoks["tutkinnonOsat"]
    assert (ammat["tyyppi"], ammat["lisatiedot"]) == ("AMMATILLINEN", NAYTTO)
    assert (paikallinen["tyyppi"], paikallinen["tutkinnonOsaKoodi"], paikallinen["nimi"]) == (
        "PAIKALLINEN",
        "",
        "Työmaan turvallisuus",
    )
    assert (yhteinen["tyyppi"], yhteinen["osaAlueKoodi"], yhteinen["yhteinenOsa"]) == (
        "YHTEINEN",
        "ammatillisenoppiaineet_vvai",
        YHTEINEN,
    )
    assert yhteinen["hankkimistavat"][0]["lisatiedot"] == {"keskeiset-tyotehtavat": ["Kassa"]}
    assert {j["yksiloivaTunniste"] for j in hoks["tyopaikkajaksot"]} == {"jakso-1", "osa-alue-jakso"}
    assert await Tyopaikkajaksoherate.all().count() == 2  # the jakso under the osa-alue is decided on too

    kept = await gql(world.writer, UPDATE, id=hoks["id"], input=hoks_input(oppija, oo, tutkinnonOsat=_osat()))
    assert kept["data"]["updateHoks"]["tutkinnonOsat"] == hoks["tutkinnonOsat"]
    assert kept["data"]["updateHoks"]["lisatiedot"] is None  # the whole plan is replaced, as documented


async def test_osa_kinds_are_checked_with_field_paths(gql: Gql, world: World) -> None:
    oppija, oo = await world.new_oo()
    bad = [
        {"tutkinnonOsaKoodi": "", "tyyppi": "AMMATILLINEN"},
        {"tutkinnonOsaKoodi": "106727", "osaAlueKoodi": "ammatillisenoppiaineet_vvai"},
    ]
    body = await gql(world.writer, CREATE, input=hoks_input(oppija, oo, tutkinnonOsat=bad))
    fields = {e["field"]: e["code"] for e in body["errors"][0]["extensions"]["errors"]}
    assert fields == {"tutkinnonOsat[0].tutkinnonOsaKoodi": "REQUIRED", "tutkinnonOsat[1].osaAlueKoodi": "NOT_ALLOWED"}
    not_an_object = await gql(world.writer, CREATE, input=hoks_input(oppija, oo, lisatiedot=[1, 2]))
    assert not_an_object["errors"][0]["extensions"]["code"] == "NOT_AN_OBJECT"


async def test_the_parts_ehoks_holds_read_as_typed_fields(gql: Gql, world: World) -> None:
    oppija, oo = await world.new_oo()
    doc = {**load(own()[0]), "oppija-oid": oppija, "opiskeluoikeus-oid": oo}
    hoks_id = (await import_ehoks(doc, SYSTEM, date(2026, 11, 28))).hoks_id
    query = """query($id: Int!) { hoks(id: $id) {
      urasuunnitelma opiskeluvalmiuksiaTukevatOpinnot { nimi alku }
      aiemminHankittuOsaaminen { tyyppi tutkinnonOsaKoodi valittuTodentamisenProsessi lahetettyArvioitavaksi }
      tutkinnonOsat { tyyppi opetusJaOhjausmaara laajuus tavoitteetJaSisallot
        naytot { alku nayttoymparistonNimi sisallonKuvaus tyoelamanArvioijat { nimi ytunnus } }
        hankkimistavat { yksiloivaTunniste keskeisetTyotehtavat muutOppimisymparistot { koodi alku } } } } }"""
    body = await gql(world.writer, query, id=hoks_id)
    assert "errors" not in body, body
    hoks = body["data"]["hoks"]
    assert hoks["urasuunnitelma"] == "urasuunnitelma_0001"
    assert hoks["opiskeluvalmiuksiaTukevatOpinnot"] == [{"nimi": "Opiskelutaidot", "alku": "2026-08-24"}]
    assert hoks["aiemminHankittuOsaaminen"] == [
        {
            "tyyppi": "ammatillinen",
            "tutkinnonOsaKoodi": "tutkinnonosat_106727",
            "valittuTodentamisenProsessi": "osaamisentodentamisenprosessi_0001",
            "lahetettyArvioitavaksi": "2026-08-25",
        }
    ]
    ammat, paikallinen, *_ = hoks["tutkinnonOsat"]
    assert ammat["opetusJaOhjausmaara"] == 120
    assert ammat["naytot"] == [
        {
            "alku": "2027-01-10",
            "nayttoymparistonNimi": "Rakennus Oy",
            "sisallonKuvaus": ["Runkotyöt"],
            "tyoelamanArvioijat": [{"nimi": "Mestari, Matti", "ytunnus": "1234567-1"}],
        }
    ]
    tavat = {t["yksiloivaTunniste"]: t for t in ammat["hankkimistavat"]}
    assert tavat["ammat-1"]["muutOppimisymparistot"] == [{"koodi": "oppimisymparistot_0001", "alku": "2026-09-01"}]
    assert tavat["ammat-2"]["keskeisetTyotehtavat"] == ["Muottityöt", "Raudoitus"]
    assert (paikallinen["laajuus"], paikallinen["tavoitteetJaSisallot"]) == (5, "Työturvallisuuskortti")


async def test_a_lisatiedot_value_of_an_unexpected_shape_is_refused_and_one_stored_before_reads_as_absent(
    gql: Gql, world: World
) -> None:
    oppija, oo = await world.new_oo()
    odd = {"opiskeluvalmiuksia-tukevat-opinnot": "ei lista", "urasuunnitelma-koodi-uri": 7}
    refused = await gql(world.writer, CREATE, input=hoks_input(oppija, oo, lisatiedot=odd))
    fields = {(e["field"], e["code"]) for e in refused["errors"][0]["extensions"]["errors"]}
    assert fields == {("opiskeluvalmiuksiaTukevatOpinnot", "INVALID_TYPE"), ("urasuunnitelma", "INVALID_TYPE")}

    hoks_id = (await gql(world.writer, CREATE, input=hoks_input(oppija, oo)))["data"]["createHoks"]["id"]
    await Hoks.filter(id=hoks_id).update(lisatiedot=odd)  # as a row stored before the parts were checked
    query = "query($id: Int!) { hoks(id: $id) { urasuunnitelma opiskeluvalmiuksiaTukevatOpinnot { nimi } } }"
    read = await gql(world.writer, query, id=hoks_id)
    assert read["data"]["hoks"] == {"urasuunnitelma": None, "opiskeluvalmiuksiaTukevatOpinnot": []}
