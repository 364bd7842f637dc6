"""Small builders for test data: valid OIDs, Koski documents, organisations and users with tokens."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from models.organisation import Organisation, OrganisationTyyppi
from models.rules.tunnisteet import OPISKELUOIKEUS_NODE, OPPIJA_NODE, ORGANISAATIO_NODE, make_oid
from models.services.organisations import ensure_organisation
from models.services.users import add_user, issue_token
from models.user import RoleName, UserKind

_counter = itertools.count(1)


def oid(node: str) -> str:
    return make_oid(node, f"{1000000000 + next(_counter):010d}")


def oppija_oid() -> str:
    return oid(OPPIJA_NODE)


def oo_oid() -> str:
    return oid(OPISKELUOIKEUS_NODE)


def org_oid() -> str:
    return oid(ORGANISAATIO_NODE)


def koski_doc(
    *,
    oo: str | None = None,
    oppija: str | None = None,
    koulutustoimija: str,
    oppilaitos: str,
    versio: int = 1,
    tyyppi: str = "ammatillinenkoulutus",
    tilat: list[tuple[str, str]] | None = None,
    suoritus_tyyppi: str = "ammatillinentutkinto",
    vahvistus: str | None = None,
    syntymaaika: str = "2004-05-06",
    **extra: Any,
) -> dict[str, Any]:
    suoritus: dict[str, Any] = {
        "tyyppi": {"koodiarvo": suoritus_tyyppi},
        "koulutusmoduuli": {"tunniste": {"koodiarvo": "351301", "nimi": {"fi": "Ajoneuvoalan perustutkinto"}}},
    }
    if vahvistus:
        suoritus["vahvistus"] = {"päivä": vahvistus}
    return {
        "oid": oo or oo_oid(),
        "versionumero": versio,
        "henkilö": {
            "oid": oppija or oppija_oid(),
            "etunimet": "Aino Maria",
            "sukunimi": "Virtanen",
            "syntymäaika": syntymaaika,
        },
        "koulutustoimija": {"oid": koulutustoimija, "nimi": {"fi": "Testikuntayhtymä"}},
        "oppilaitos": {"oid": oppilaitos, "nimi": {"fi": "Testiopisto"}},
        "tyyppi": {"koodiarvo": tyyppi},
        "alkamispäivä": "2021-08-01",
        "tila": {
            "opiskeluoikeusjaksot": [
                {"alku": alku, "tila": {"koodiarvo": tila}} for alku, tila in (tilat or [("2021-08-01", "lasna")])
            ]
        },
        "suoritukset": [suoritus],
        **extra,
    }


async def provider() -> tuple[Organisation, Organisation]:
    """A koulutustoimija with one oppilaitos under it."""
    kt = await ensure_organisation(org_oid(), OrganisationTyyppi.KOULUTUSTOIMIJA, "Testikuntayhtymä")
    ol = await ensure_organisation(org_oid(), OrganisationTyyppi.OPPILAITOS, "Testiopisto", parent=kt)
    return kt, ol


async def user_token(org: Organisation, role: RoleName, name: str | None = None) -> str:
    name = name or f"user{next(_counter)}"
    await add_user(name, UserKind.OFFICIAL, org.oid, role)
    return await issue_token(name)


def hoks_input(oppija: str, oo: str, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "oppijaOid": oppija,
        "opiskeluoikeusOid": oo,
        "ensikertainenHyvaksyminen": "2021-08-15",
        "osaamisenHankkimisenTarve": True,
        "sahkoposti": " aino.virtanen@example.fi ",
        "tutkinnonOsat": [
            {
                "tutkinnonOsaKoodi": "106727",
                "nimi": "Ajoneuvon huoltotyöt",
                "hankkimistavat": [
                    {
                        "tyyppi": "koulutussopimus",
                        "alku": "2021-09-01",
                        "loppu": "2021-12-15",
                        "yksiloivaTunniste": "jakso-1",
                        "tyopaikanNimi": "Autokorjaamo Oy",
                        "ytunnus": "1572860-0",
                        "ohjaaja": {"nimi": "Matti Meikäläinen", "sahkoposti": "matti@example.fi"},
                        "osaAikaisuus": 80,
                        "keskeytymisajanjaksot": [{"alku": "2021-10-22", "loppu": "2021-10-30"}],
                    }
                ],
            }
        ],
    }
    base.update(extra)
    return base


TODAY = date(2021, 9, 1)
