"""Builders for Valpas tests: kunnat, people stored through the Koski path, and users with Valpas roles."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from models.organisation import Organisation, OrganisationTyyppi
from models.rules.calendar import helsinki_day
from models.rules.koski import parse_opiskeluoikeus
from models.services.access import SYSTEM
from models.services.koski import save_opiskeluoikeus
from models.services.organisations import ensure_organisation
from tests.factories import koski_doc, oppija_oid, org_oid

# The API decides on the real Helsinki day, so dates that must be "under 18 today" are built from it.
TODAY = helsinki_day(datetime.now(UTC))


def years_ago(years: int, month: int = 3, day: int = 10) -> date:
    return date(TODAY.year - years, month, day)


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


async def kunta(kuntakoodi: str = "091", nimi: str | None = None) -> Organisation:
    return await ensure_organisation(
        org_oid(), OrganisationTyyppi.KUNTA, nimi or f"Kunta {kuntakoodi}", kuntakoodi=kuntakoodi
    )


def henkilo_doc(
    ol: Organisation,
    kt: Organisation,
    *,
    syntymaaika: date,
    kotikunnat: list[tuple[str, date, date | None]] | None = None,
    turvakielto: bool = False,
    oppija: str | None = None,
    sukunimi: str = "Virtanen",
    etunimet: str = "Aino",
    tyyppi: str = "perusopetus",
    tilat: list[tuple[date, str]] | None = None,
    suoritukset: list[dict[str, Any]] | None = None,
    alku: date | None = None,
    versio: int = 1,
    oo: str | None = None,
) -> dict[str, Any]:
    """A Koski document for one person and one OO; kotikunta 091 since birth unless told otherwise."""
    doc = koski_doc(
        oo=oo,
        oppija=oppija or oppija_oid(),
        koulutustoimija=kt.oid,
        oppilaitos=ol.oid,
        tyyppi=tyyppi,
        versio=versio,
        tilat=[(d.isoformat(), t) for d, t in (tilat or [(years_ago(1), "lasna")])],
    )
    doc["henkilö"].update(
        {
            "syntymäaika": syntymaaika.isoformat(),
            "sukunimi": sukunimi,
            "etunimet": etunimet,
            "turvakielto": turvakielto,
            "kotikuntahistoria": [
                {"kotikunta": k, "alku": a.isoformat(), **({"loppu": loppu.isoformat()} if loppu else {})}
                for k, a, loppu in (kotikunnat if kotikunnat is not None else [("091", syntymaaika, None)])
            ],
        }
    )
    doc["alkamispäivä"] = (alku or (tilat or [(years_ago(1), "")])[0][0]).isoformat()
    doc["suoritukset"] = suoritukset or [{"tyyppi": {"koodiarvo": "perusopetuksenvuosiluokka"}}]
    return doc


def suoritus(tyyppi: str, vahvistus: date | None = None, koodi: str | None = None) -> dict[str, Any]:
    s: dict[str, Any] = {"tyyppi": {"koodiarvo": tyyppi}}
    if koodi:
        s["koulutusmoduuli"] = {"tunniste": {"koodiarvo": koodi}}
    if vahvistus:
        s["vahvistus"] = {"päivä": vahvistus.isoformat()}
    return s


async def tallenna(doc: dict[str, Any]) -> str:
    """Store a Koski document as the Koski import does; returns the oppija OID."""
    parsed, errors = parse_opiskeluoikeus(doc)
    assert parsed is not None, errors
    await save_opiskeluoikeus(parsed, SYSTEM)
    return parsed.henkilo.oid


async def mutation_names(gql: Any, token: str) -> set[str]:
    """The mutations the API offers, asked through introspection as any client would."""
    body = await gql(token, "{ __schema { mutationType { fields { name } } } }")
    return {f["name"] for f in body["data"]["__schema"]["mutationType"]["fields"]}
