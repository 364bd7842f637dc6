"""The whole HOKS written through typed GraphQL inputs (issue 17 item 1): stored exactly as `polku import-hoks`
stores the eHOKS document that says the same (the exports are equal), read back as written, checked with field
paths and every error at once in the client's language, and jaksot under a yhteinen osa-alue keep their identity."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx
import pytest
from tortoise.context import TortoiseContext

from api.schema.ehoks_tiedot import (
    AiemminHankittuOsaAlue,
    AiemminHankittuPaikallinen,
    AiemminHankittuYhteinen,
    Arvioija,
    MuuOppimisymparisto,
    NaytonOsaAlue,
    Naytto,
    OpiskeluvalmiuksiaTukevaOpinto,
    OppimisenTuki,
    TarkentavatTiedot,
)
from api.schema.hoks import HankkimistapaInput, HoksInput, TutkinnonOsaInput
from models.herate import Tyopaikkajaksoherate
from models.hoks import Hankkimistapa, Hoks
from models.rules import ehoks_tiedot as tiedot
from models.services.access import SYSTEM
from models.services.ehoks import export_ehoks, import_ehoks
from tests.api.conftest import Gql
from tests.api.world import World, make_world
from tests.ehoks_documents import comparable

TODAY = date(2026, 11, 28)
OL = "1.2.246.562.10.54453921329"
CREATE = "mutation($input: HoksInput!) { createHoks(input: $input) { id } }"
UPDATE = """mutation($id: Int!, $input: HoksInput!) { updateHoks(id: $id, input: $input) {
  tutkinnonOsat { hankkimistavat { id yksiloivaTunniste } } } }"""

ARVIOIJA = {"nimi": "Opettaja, Olli", "oppilaitosOid": OL}
ARVIOIJA_DOC = {"nimi": "Opettaja, Olli", "organisaatio": {"oppilaitos-oid": OL}}
NAYTTO = {
    "alku": "2027-01-10",
    "loppu": "2027-01-14",
    "jarjestajanOppilaitosOid": OL,
    "nayttoymparistonNimi": "Rakennus Oy",
    "nayttoymparistonYtunnus": "1234567-1",
    "nayttoymparistonKuvaus": "Työmaa",
    "sisallonKuvaus": ["Runkotyöt"],
    "yksilollisetKriteerit": ["Ohjattuna"],
    "vaatimuksistaPoikkeaminen": "Lyhennetty",
    "koulutuksenJarjestajanArvioijat": [ARVIOIJA],
    "tyoelamanArvioijat": [{"nimi": "Mestari, Matti", "organisaationNimi": "Rakennus Oy", "ytunnus": "1234567-1"}],
    "osaAlueKoodit": [{"koodi": "ammatillisenoppiaineet_vvai", "versio": 1}],
}
NAYTTO_DOC = {
    "alku": "2027-01-10",
    "loppu": "2027-01-14",
    "jarjestaja": {"oppilaitos-oid": OL},
    "nayttoymparisto": {"nimi": "Rakennus Oy", "y-tunnus": "1234567-1", "kuvaus": "Työmaa"},
    "sisallon-kuvaus": ["Runkotyöt"],
    "yksilolliset-kriteerit": ["Ohjattuna"],
    "vaatimuksista-tai-tavoitteista-poikkeaminen": "Lyhennetty",
    "koulutuksen-jarjestaja-osaamisen-arvioijat": [ARVIOIJA_DOC],
    "tyoelama-osaamisen-arvioijat": [
        {"nimi": "Mestari, Matti", "organisaatio": {"nimi": "Rakennus Oy", "y-tunnus": "1234567-1"}}
    ],
    "osa-alueet": [{"koodi-uri": "ammatillisenoppiaineet_vvai", "koodi-versio": 1}],
}
TODENTAMINEN = {
    "valittuTodentamisenProsessi": "osaamisentodentamisenprosessi_0003",
    "valittuTodentamisenProsessiVersio": 1,
    "olennainenSeikka": True,
    "tarkentavatTiedot": {"lahetettyArvioitavaksi": "2026-08-25", "arvioijat": [ARVIOIJA], "naytot": [NAYTTO]},
}
TODENTAMINEN_DOC = {
    "valittu-todentamisen-prosessi-koodi-uri": "osaamisentodentamisenprosessi_0003",
    "valittu-todentamisen-prosessi-koodi-versio": 1,
    "olennainen-seikka": True,
    "tarkentavat-tiedot-osaamisen-arvioija": {
        "lahetetty-arvioitavaksi": "2026-08-25",
        "aiemmin-hankitun-osaamisen-arvioijat": [ARVIOIJA_DOC],
    },
    "tarkentavat-tiedot-naytto": [NAYTTO_DOC],
}
TYOPAIKKA = {"tyopaikanNimi": "Rakennus Oy", "ytunnus": "1234567-1", "ohjaaja": {"nimi": "Mestari, Matti"}}
TYOPAIKKA_DOC = {
    "tyopaikan-nimi": "Rakennus Oy",
    "tyopaikan-y-tunnus": "1234567-1",
    "vastuullinen-tyopaikka-ohjaaja": {"nimi": "Mestari, Matti"},
}


def typed(oppija: str, oo: str) -> dict[str, Any]:
    """A HOKS with every typed part, as a client sends it; the raw `lisatiedot` carries the rest (versions)."""
    return {
        "oppijaOid": oppija,
        "opiskeluoikeusOid": oo,
        "ensikertainenHyvaksyminen": "2026-08-20",
        "hyvaksytty": "2026-08-20T09:00:00Z",
        "ehoksPaivitetty": "2026-09-01T12:30:00.250Z",
        "urasuunnitelma": "urasuunnitelma_0001",
        "urasuunnitelmaVersio": 1,
        "lisatiedot": {"versio": 3},
        "aiemminHankitut": {
            "ammatilliset": [
                {"tutkinnonOsaKoodi": "tutkinnonosat_106727", "tutkinnonOsaKoodiVersio": 2, **TODENTAMINEN}
            ],
            "yhteiset": [
                {
                    "tutkinnonOsaKoodi": "tutkinnonosat_106728",
                    "koulutuksenJarjestajaOid": OL,
                    **TODENTAMINEN,
                    "osaAlueet": [
                        {"osaAlueKoodi": "ammatillisenoppiaineet_vvtd", "osaAlueKoodiVersio": 1, **TODENTAMINEN}
                    ],
                }
            ],
            "paikalliset": [
                {"nimi": "Tulityöt", "tavoitteetJaSisallot": "Tulityökortti", "laajuus": 2.5, **TODENTAMINEN}
            ],
        },
        "opiskeluvalmiuksiaTukevatOpinnot": [
            {"nimi": "Opiskelutaidot", "kuvaus": "Suunnittelu", "alku": "2026-08-24", "loppu": "2026-09-04"}
        ],
        "oppimisenTuki": [{"tyyppi": "ammatillinenkoulutusoppimisentuentyyppi_01", "alku": "2026-09-01"}],
        "tutkinnonOsat": [
            {
                "tutkinnonOsaKoodi": "106729",
                "naytot": [NAYTTO],
                "opetusJaOhjausmaara": 120,
                "olennainenSeikka": False,
                "vaatimuksistaPoikkeaminen": "Ei",
                "koulutuksenJarjestajaOid": OL,
                "lisatiedot": {"tutkinnon-osa-koodi-versio": 2},
                "hankkimistavat": [
                    {
                        "tyyppi": "oppilaitosmuotoinen",
                        "alku": "2026-08-24",
                        "loppu": "2026-10-30",
                        "yksiloivaTunniste": "ammat-1",
                        "ajanjaksonTarkenne": "Lähiopetus",
                        "muutOppimisymparistot": [
                            {
                                "koodi": "oppimisymparistot_0001",
                                "versio": 1,
                                "alku": "2026-09-01",
                                "loppu": "2026-09-05",
                            }
                        ],
                    },
                    {
                        "tyyppi": "oppisopimus",
                        "alku": "2026-11-02",
                        "loppu": "2027-01-14",
                        "yksiloivaTunniste": "ammat-2",
                        **TYOPAIKKA,
                        "oppisopimuksenPerusta": "tyosuhde",
                        "osaAikaisuus": 80,
                        "keskeytymisajanjaksot": [{"alku": "2026-12-21", "loppu": "2027-01-06"}],
                        "keskeisetTyotehtavat": ["Muottityöt", "Raudoitus"],
                    },
                ],
            },
            {
                "tutkinnonOsaKoodi": "",
                "tyyppi": "PAIKALLINEN",
                "nimi": "Työmaa",
                "tavoitteetJaSisallot": "Kortti",
                "laajuus": 5,
            },
            {
                "tutkinnonOsaKoodi": "106730",
                "tyyppi": "YHTEINEN",
                "osaAlueKoodi": "ammatillisenoppiaineet_vvai",
                "opetusJaOhjausmaara": 20,
                "naytot": [],
                "hankkimistavat": [
                    {
                        "tyyppi": "koulutussopimus",
                        "alku": "2026-09-14",
                        "loppu": "2026-10-09",
                        "yksiloivaTunniste": "yhteinen-1",
                        **TYOPAIKKA,
                        "keskeisetTyotehtavat": ["Asiakaspalvelu"],
                    }
                ],
            },
        ],
    }


def document(oppija: str, oo: str) -> dict[str, Any]:
    """The same HOKS as eHOKS's document."""
    todentaminen = TODENTAMINEN_DOC
    return {
        "oppija-oid": oppija,
        "opiskeluoikeus-oid": oo,
        "ensikertainen-hyvaksyminen": "2026-08-20",
        "hyvaksytty": "2026-08-20T09:00:00.000Z",
        "paivitetty": "2026-09-01T12:30:00.250Z",
        "urasuunnitelma-koodi-uri": "urasuunnitelma_0001",
        "urasuunnitelma-koodi-versio": 1,
        "versio": 3,
        "aiemmin-hankitut-ammat-tutkinnon-osat": [
            {"tutkinnon-osa-koodi-uri": "tutkinnonosat_106727", "tutkinnon-osa-koodi-versio": 2, **todentaminen}
        ],
        "aiemmin-hankitut-yhteiset-tutkinnon-osat": [
            {
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106728",
                "koulutuksen-jarjestaja-oid": OL,
                **todentaminen,
                "osa-alueet": [
                    {"osa-alue-koodi-uri": "ammatillisenoppiaineet_vvtd", "osa-alue-koodi-versio": 1, **todentaminen}
                ],
            }
        ],
        "aiemmin-hankitut-paikalliset-tutkinnon-osat": [
            {"nimi": "Tulityöt", "tavoitteet-ja-sisallot": "Tulityökortti", "laajuus": 2.5, **todentaminen}
        ],
        "opiskeluvalmiuksia-tukevat-opinnot": [
            {"nimi": "Opiskelutaidot", "kuvaus": "Suunnittelu", "alku": "2026-08-24", "loppu": "2026-09-04"}
        ],
        "oppimisen-tuki": [
            {"oppimisen-tuen-tyyppi-koodi-uri": "ammatillinenkoulutusoppimisentuentyyppi_01", "alku": "2026-09-01"}
        ],
        "hankittavat-ammat-tutkinnon-osat": [
            {
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106729",
                "tutkinnon-osa-koodi-versio": 2,
                "osaamisen-osoittaminen": [NAYTTO_DOC],
                "opetus-ja-ohjaus-maara": 120,
                "olennainen-seikka": False,
                "vaatimuksista-tai-tavoitteista-poikkeaminen": "Ei",
                "koulutuksen-jarjestaja-oid": OL,
                "osaamisen-hankkimistavat": [
                    {
                        "osaamisen-hankkimistapa-koodi-uri": "osaamisenhankkimistapa_oppilaitosmuotoinenkoulutus",
                        "alku": "2026-08-24",
                        "loppu": "2026-10-30",
                        "yksiloiva-tunniste": "ammat-1",
                        "ajanjakson-tarkenne": "Lähiopetus",
                        "muut-oppimisymparistot": [
                            {
                                "oppimisymparisto-koodi-uri": "oppimisymparistot_0001",
                                "oppimisymparisto-koodi-versio": 1,
                                "alku": "2026-09-01",
                                "loppu": "2026-09-05",
                            }
                        ],
                    },
                    {
                        "osaamisen-hankkimistapa-koodi-uri": "osaamisenhankkimistapa_oppisopimus",
                        "alku": "2026-11-02",
                        "loppu": "2027-01-14",
                        "yksiloiva-tunniste": "ammat-2",
                        "oppisopimuksen-perusta-koodi-uri": "oppisopimuksenperusta_01",
                        "osa-aikaisuustieto": 80,
                        "keskeytymisajanjaksot": [{"alku": "2026-12-21", "loppu": "2027-01-06"}],
                        "tyopaikalla-jarjestettava-koulutus": {
                            **TYOPAIKKA_DOC,
                            "keskeiset-tyotehtavat": ["Muottityöt", "Raudoitus"],
                        },
                    },
                ],
            }
        ],
        "hankittavat-paikalliset-tutkinnon-osat": [
            {"nimi": "Työmaa", "tavoitteet-ja-sisallot": "Kortti", "laajuus": 5, "osaamisen-hankkimistavat": []}
        ],
        "hankittavat-yhteiset-tutkinnon-osat": [
            {
                "tutkinnon-osa-koodi-uri": "tutkinnonosat_106730",
                "osa-alueet": [
                    {
                        "osa-alue-koodi-uri": "ammatillisenoppiaineet_vvai",
                        "opetus-ja-ohjaus-maara": 20,
                        "osaamisen-osoittaminen": [],
                        "osaamisen-hankkimistavat": [
                            {
                                "osaamisen-hankkimistapa-koodi-uri": "osaamisenhankkimistapa_koulutussopimus",
                                "alku": "2026-09-14",
                                "loppu": "2026-10-09",
                                "yksiloiva-tunniste": "yhteinen-1",
                                "tyopaikalla-jarjestettava-koulutus": {
                                    **TYOPAIKKA_DOC,
                                    "keskeiset-tyotehtavat": ["Asiakaspalvelu"],
                                },
                            }
                        ],
                    }
                ],
            }
        ],
    }


@pytest.fixture
async def world(db: TortoiseContext) -> World:
    return await make_world()


async def test_a_hoks_written_with_typed_inputs_exports_as_the_import_of_the_same_document(
    gql: Gql, world: World
) -> None:
    oppija, oo = await world.new_oo()
    body = await gql(world.writer, CREATE, input=typed(oppija, oo))
    assert "errors" not in body, body
    other_oppija, other_oo = await world.new_oo()
    await import_ehoks(document(other_oppija, other_oo), SYSTEM, TODAY)

    written = await export_ehoks(oo, SYSTEM)
    imported = await export_ehoks(other_oo, SYSTEM)
    assert written == {**imported, "oppija-oid": oppija, "opiskeluoikeus-oid": oo}
    assert comparable(imported) == comparable(document(other_oppija, other_oo))


def _selection(value: Any) -> str:
    """The GraphQL selection that reads back the fields of an input value."""
    if isinstance(value, list):
        return _selection(value[0]) if value else ""
    if isinstance(value, dict):
        return "{ " + " ".join(f"{k} {_selection(v)}" for k, v in value.items()) + " }"
    return ""


async def test_what_typed_inputs_write_reads_back_as_written(gql: Gql, world: World) -> None:
    oppija, oo = await world.new_oo()
    plan = typed(oppija, oo)
    hoks_id = (await gql(world.writer, CREATE, input=plan))["data"]["createHoks"]["id"]
    parts = ("aiemminHankitut", "opiskeluvalmiuksiaTukevatOpinnot", "oppimisenTuki", "urasuunnitelma")
    osa = plan["tutkinnonOsat"][0]
    tavat = [
        {k: t[k] for k in ("muutOppimisymparistot", "keskeisetTyotehtavat", "ajanjaksonTarkenne") if k in t}
        for t in osa["hankkimistavat"]
    ]
    osa_parts = {k: osa[k] for k in ("naytot", "opetusJaOhjausmaara", "olennainenSeikka", "koulutuksenJarjestajaOid")}
    fields = " ".join(f"{k} {_selection(plan[k])}" for k in parts)
    query = f"""query($id: Int!) {{ hoks(id: $id) {{ {fields} hyvaksytty ehoksPaivitetty
      tutkinnonOsat {{ {" ".join(f"{k} {_selection(v)}" for k, v in osa_parts.items())}
        hankkimistavat {{ muutOppimisymparistot {_selection(tavat[0]["muutOppimisymparistot"])}
          keskeisetTyotehtavat ajanjaksonTarkenne }} }} }} }}"""
    hoks = (await gql(world.writer, query, id=hoks_id))["data"]["hoks"]
    assert {k: hoks[k] for k in parts} == {k: plan[k] for k in parts}
    assert (hoks["hyvaksytty"], hoks["ehoksPaivitetty"]) == (
        "2026-08-20T09:00:00+00:00",
        "2026-09-01T12:30:00.250000+00:00",
    )
    assert {k: hoks["tutkinnonOsat"][0][k] for k in osa_parts} == osa_parts
    read_tavat = hoks["tutkinnonOsat"][0]["hankkimistavat"]
    assert read_tavat[0]["muutOppimisymparistot"] == tavat[0]["muutOppimisymparistot"]
    assert (read_tavat[1]["keskeisetTyotehtavat"], read_tavat[1]["ajanjaksonTarkenne"]) == (
        ["Muottityöt", "Raudoitus"],
        None,
    )


async def test_a_given_typed_field_replaces_its_part_of_the_raw_lisatiedot_and_an_absent_one_keeps_it(
    gql: Gql, world: World
) -> None:
    oppija, oo = await world.new_oo()
    raw = {"urasuunnitelma-koodi-uri": "urasuunnitelma_0002", "oppimisen-tuki": [], "versio": 1}
    plan = {**typed(oppija, oo), "lisatiedot": raw, "oppimisenTuki": None}
    hoks_id = (await gql(world.writer, CREATE, input=plan))["data"]["createHoks"]["id"]
    stored = (await Hoks.get(id=hoks_id)).lisatiedot
    assert (stored["urasuunnitelma-koodi-uri"], stored["oppimisen-tuki"], stored["versio"]) == (
        "urasuunnitelma_0001",
        [],
        1,
    )


def _bad(oppija: str, oo: str) -> dict[str, Any]:
    naytto = {**NAYTTO, "alku": "2027-01-20", "nayttoymparistonYtunnus": "1234567-2"}
    return {
        **typed(oppija, oo),
        "urasuunnitelma": "kissa",
        "aiemminHankitut": {
            "ammatilliset": [
                {
                    "olennainenSeikka": True,
                    "tarkentavatTiedot": {"arvioijat": [{"oppilaitosOid": "1.2.3"}], "naytot": [naytto]},
                }
            ],
            "yhteiset": [{**TODENTAMINEN, "tutkinnonOsaKoodi": "tutkinnonosat_1", "osaAlueet": [TODENTAMINEN]}],
            "paikalliset": [TODENTAMINEN],
        },
        "opiskeluvalmiuksiaTukevatOpinnot": [{"nimi": "Opiskelutaidot", "alku": "2026-09-04", "loppu": "2026-08-24"}],
        "oppimisenTuki": [{"alku": "2026-09-01", "loppu": "2026-08-01"}],
        "tutkinnonOsat": [
            {
                "tutkinnonOsaKoodi": "106729",
                "koulutuksenJarjestajaOid": "1.2.246.562.24.00000000001",
                "naytot": [{"loppu": "2027-01-14", "tyoelamanArvioijat": [{"nimi": "Mestari", "ytunnus": "123"}]}],
                "hankkimistavat": [
                    {
                        "tyyppi": "koulutussopimus",
                        "alku": "2026-09-14",
                        "loppu": "2026-10-09",
                        **TYOPAIKKA,
                        "ytunnus": "1234567-2",
                        "muutOppimisymparistot": [{"koodi": "x_1", "alku": "2026-09-20", "loppu": "2026-09-14"}],
                    }
                ],
            }
        ],
    }


BAD_FIELDS = {
    ("urasuunnitelma", "INVALID_CODE"),
    ("aiemminHankitut.ammatilliset[0].tutkinnonOsaKoodi", "REQUIRED"),
    ("aiemminHankitut.ammatilliset[0].valittuTodentamisenProsessi", "REQUIRED"),
    ("aiemminHankitut.ammatilliset[0].tarkentavatTiedot.arvioijat[0].nimi", "REQUIRED"),
    ("aiemminHankitut.ammatilliset[0].tarkentavatTiedot.arvioijat[0].oppilaitosOid", "INVALID_OID"),
    ("aiemminHankitut.ammatilliset[0].tarkentavatTiedot.naytot[0].nayttoymparistonYtunnus", "INVALID_YTUNNUS"),
    ("aiemminHankitut.ammatilliset[0].tarkentavatTiedot.naytot[0].loppu", "BEFORE_START"),
    ("aiemminHankitut.yhteiset[0].osaAlueet[0].osaAlueKoodi", "REQUIRED"),
    ("aiemminHankitut.paikalliset[0].nimi", "REQUIRED"),
    ("opiskeluvalmiuksiaTukevatOpinnot[0].kuvaus", "REQUIRED"),
    ("opiskeluvalmiuksiaTukevatOpinnot[0].loppu", "BEFORE_START"),
    ("oppimisenTuki[0].tyyppi", "REQUIRED"),
    ("oppimisenTuki[0].loppu", "BEFORE_START"),
    ("tutkinnonOsat[0].koulutuksenJarjestajaOid", "INVALID_OID"),
    ("tutkinnonOsat[0].naytot[0].alku", "REQUIRED"),
    ("tutkinnonOsat[0].naytot[0].tyoelamanArvioijat[0].ytunnus", "INVALID_YTUNNUS"),
    ("tutkinnonOsat[0].hankkimistavat[0].ytunnus", "INVALID_YTUNNUS"),
    ("tutkinnonOsat[0].hankkimistavat[0].muutOppimisymparistot[0].koodi", "INVALID_CODE"),
    ("tutkinnonOsat[0].hankkimistavat[0].muutOppimisymparistot[0].loppu", "BEFORE_START"),
}


async def test_every_typed_part_is_checked_with_its_path_all_at_once_and_nothing_is_stored(
    gql: Gql, world: World
) -> None:
    oppija, oo = await world.new_oo()
    body = await gql(world.writer, CREATE, input=_bad(oppija, oo))
    extensions = body["errors"][0]["extensions"]
    assert extensions["code"] == "VALIDATION_FAILED"
    assert {(e["field"], e["code"]) for e in extensions["errors"]} == BAD_FIELDS
    assert await Hoks.all().count() == 0


async def test_the_typed_parts_errors_are_in_the_clients_language(client: httpx.AsyncClient, world: World) -> None:
    oppija, oo = await world.new_oo()
    messages = {}
    for kieli in ("fi", "sv", "en"):
        response = await client.post(
            "/graphql",
            json={"query": CREATE, "variables": {"input": _bad(oppija, oo)}},
            headers={"Authorization": f"Bearer {world.writer}", "Accept-Language": kieli},
        )
        errors = response.json()["errors"][0]["extensions"]["errors"]
        messages[kieli] = {e["field"]: e["message"] for e in errors}
    field = "opiskeluvalmiuksiaTukevatOpinnot[0].loppu"
    assert messages["en"][field] == "Must not be before the start day."
    assert messages["fi"][field] == "Ei saa olla ennen alkupäivää."
    assert messages["sv"][field] == "Får inte vara före startdagen."
    assert messages["fi"]["urasuunnitelma"] == "Ei odotetun koodiston koodi."


async def test_a_jakso_under_a_yhteinen_osa_alue_keeps_its_identity_across_updates(gql: Gql, world: World) -> None:
    oppija, oo = await world.new_oo()
    plan = typed(oppija, oo)
    hoks_id = (await gql(world.writer, CREATE, input=plan))["data"]["createHoks"]["id"]
    before = await Hankkimistapa.get(yksiloiva_tunniste="yhteinen-1")
    yhteinen = plan["tutkinnonOsat"][2]
    earlier_alue = {**yhteinen, "osaAlueKoodi": "ammatillisenoppiaineet_vvtd", "hankkimistavat": []}
    moved = {
        **yhteinen,
        "naytot": [NAYTTO],
        "hankkimistavat": [{**yhteinen["hankkimistavat"][0], "loppu": "2026-10-16"}],
    }
    updated = {**plan, "tutkinnonOsat": [earlier_alue, moved, *plan["tutkinnonOsat"][:2]]}
    body = await gql(world.writer, UPDATE, id=hoks_id, input=updated)
    assert "errors" not in body, body
    assert body["data"]["updateHoks"]["tutkinnonOsat"][1]["hankkimistavat"] == [
        {"id": before.id, "yksiloivaTunniste": "yhteinen-1"}
    ]
    after = await Hankkimistapa.get(id=before.id).prefetch_related("tutkinnon_osa")
    assert (after.loppu, after.tutkinnon_osa.osa_alue_koodi) == (date(2026, 10, 16), "ammatillisenoppiaineet_vvai")
    assert after.tutkinnon_osa.lisatiedot["osaamisen-osoittaminen"] == [NAYTTO_DOC]
    assert await Tyopaikkajaksoherate.filter(hankkimistapa_id=before.id).count() == 1  # decided on as the same jakso


@pytest.mark.parametrize(
    ("read_type", "parts"),
    [
        (Arvioija, tiedot.ARVIOIJA),
        (NaytonOsaAlue, tiedot.NAYTON_OSA_ALUE),
        (Naytto, tiedot.NAYTTO),
        (TarkentavatTiedot, tiedot.TARKENTAVAT_TIEDOT),
        (AiemminHankittuOsaAlue, tiedot.AIEMMIN_HANKITTU_OSA_ALUE),
        (AiemminHankittuYhteinen, tiedot.AIEMMIN_HANKITTU_YHTEINEN),
        (AiemminHankittuPaikallinen, tiedot.AIEMMIN_HANKITTU_PAIKALLINEN),
        (MuuOppimisymparisto, tiedot.MUU_OPPIMISYMPARISTO),
        (OpiskeluvalmiuksiaTukevaOpinto, tiedot.OPISKELUVALMIUKSIA_TUKEVA_OPINTO),
        (OppimisenTuki, tiedot.OPPIMISEN_TUKI),
        (HoksInput, tiedot.HOKS),
        (TutkinnonOsaInput, tiedot.TUTKINNON_OSA),
        (HankkimistapaInput, tiedot.HANKKIMISTAPA),
    ],
    ids=lambda v: getattr(v, "__name__", ""),
)
def test_each_typed_type_has_exactly_the_fields_of_its_table(read_type: type, parts: tiedot.Parts) -> None:
    """A field added to a table but not to its type (or the other way) would be silently dropped."""
    names = {f.python_name for f in read_type.__strawberry_definition__.fields if f.base_resolver is None}  # type: ignore[attr-defined]
    assert set(parts) <= names
    if not read_type.__name__.endswith("Input"):
        assert names == set(parts)
