"""Helpers for service tests: a provider with a stored Koski opiskeluoikeus and principals holding roles."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest_asyncio
from tortoise.context import TortoiseContext

from models.organisation import Organisation
from models.rules.hoks import HankkimistapaPlan, HoksPlan, Keskeytymisajanjakso, TutkinnonOsaPlan
from models.rules.koski import parse_opiskeluoikeus
from models.services.access import SYSTEM, Grant, Principal
from models.services.koski import save_opiskeluoikeus
from models.user import RoleName
from tests.factories import koski_doc, oppija_oid, provider

TODAY = date(2021, 9, 1)


def principal(org: Organisation, role: RoleName, name: str = "virkailija") -> Principal:
    return Principal(user_id=None, name=name, grants=(Grant(org.oid, org.path, role),))


async def store(doc: dict[str, Any]) -> None:
    parsed, errors = parse_opiskeluoikeus(doc)
    assert parsed is not None, errors
    await save_opiskeluoikeus(parsed, SYSTEM)


@dataclass
class Setting:
    koulutustoimija: Organisation
    oppilaitos: Organisation
    oppija_oid: str
    oo_oid: str

    def doc(self, **kw: Any) -> dict[str, Any]:
        return koski_doc(
            oo=self.oo_oid,
            oppija=self.oppija_oid,
            koulutustoimija=self.koulutustoimija.oid,
            oppilaitos=self.oppilaitos.oid,
            **kw,
        )

    def writer(self) -> Principal:
        return principal(self.oppilaitos, RoleName.WRITE)


@pytest_asyncio.fixture
async def setting(db: TortoiseContext) -> Setting:
    kt, ol = await provider()
    doc = koski_doc(koulutustoimija=kt.oid, oppilaitos=ol.oid, oppija=oppija_oid())
    await store(doc)
    return Setting(kt, ol, doc["henkilö"]["oid"], doc["oid"])


def jakso(tunniste: str, **kw: Any) -> HankkimistapaPlan:
    values: dict[str, Any] = {
        "tyyppi": "koulutussopimus",
        "alku": date(2021, 9, 1),
        "loppu": date(2021, 12, 15),
        "yksiloiva_tunniste": tunniste,
        "tyopaikan_nimi": "Autokorjaamo Oy",
        "ytunnus": "1572860-0",
        "ohjaaja_nimi": "Matti Meikäläinen",
        "ohjaaja_sahkoposti": "matti@example.fi",
        "keskeytymisajanjaksot": (Keskeytymisajanjakso(date(2021, 10, 22), date(2021, 10, 30)),),
    }
    values.update(kw)
    return HankkimistapaPlan(**values)


def plan(s: Setting, *tavat: HankkimistapaPlan, **top: Any) -> HoksPlan:
    values: dict[str, Any] = {
        "oppija_oid": s.oppija_oid,
        "opiskeluoikeus_oid": s.oo_oid,
        "ensikertainen_hyvaksyminen": date(2021, 8, 15),
        "osaamisen_hankkimisen_tarve": True,
        "sahkoposti": "aino@example.fi",
        "tutkinnon_osat": (TutkinnonOsaPlan("106727", "Ajoneuvon huoltotyöt", tavat or (jakso("j1"),)),),
    }
    values.update(top)
    return HoksPlan(**values)
