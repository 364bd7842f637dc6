"""Suorittamisen valvonta (DOMAIN.md §6.3): an oppilaitos' own students after perusopetus, for its suorittamisen
valvoja. Who is on it is `models.rules.suorittamisvalvonta`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

from models.oppija import Oppija
from models.rules import oppivelvollisuus as ov
from models.rules import suorittamisvalvonta as sv
from models.rules.calendar import add_days, same_day_years_later
from models.rules.opiskeluoikeus import tila_on
from models.services.valpas.opiskelijat import Lista, Oppilaitos, opiskelija, opiskelijat
from models.services.valpas.paging import ListKey
from models.user import RoleName


@dataclass(frozen=True)
class SuorittamisRivi:
    oppija_id: int
    key: ListKey
    facts: ov.HenkiloFacts
    valvonta: sv.Valvonta
    opiskeluoikeus_tyyppi: str
    tila: str  # the listing study right's tila today
    oppivelvollinen_until: ov.DateDecision
    keskeytetty: bool


def _rivi(o: sv.Valvonta, person: ov.HenkiloFacts, key: ListKey, oppija_id: int, today: date) -> SuorittamisRivi:
    oo = next(x for x in person.opiskeluoikeudet if x.oid == o.opiskeluoikeus_oid)
    return SuorittamisRivi(
        oppija_id=oppija_id,
        key=key,
        facts=person,
        valvonta=o,
        opiskeluoikeus_tyyppi=oo.tyyppi,
        tila=tila_on(oo.tilat, today) or "",
        oppivelvollinen_until=ov.oppivelvollisuus_until(person),
        keskeytetty=ov.keskeytetty_on(person, today),
    )


async def suorittamisvalvonta(
    oppilaitos: Oppilaitos, today: date, after: ListKey | None = None, batch: int = 500
) -> AsyncIterator[SuorittamisRivi]:
    """The list in name order from `after` on; candidates are people under 18 today (a day's slack for 29.2.)."""
    born_from = add_days(same_day_years_later(today, -18), -1)
    async for s in opiskelijat(oppilaitos, born_from, today, after, batch):
        verdict = sv.listalla(s.facts, s.oppilaitoksen_oot, today, s.ilmoitettu)
        if verdict:
            yield _rivi(verdict, s.facts, s.key, s.oppija_id, today)


async def on_listalla(oppilaitos: Oppilaitos, oppija: Oppija, today: date) -> sv.Valvonta:
    """Whether one person is on the oppilaitos' list today, and why (for the kuntailmoitus check)."""
    found = await opiskelija(oppilaitos, oppija)
    if found is None:
        return sv.Valvonta(False, sv.EI_VALVOTTAVA)
    return sv.listalla(found.facts, found.oppilaitoksen_oot, today, found.ilmoitettu)


LISTA = Lista(RoleName.VALVOJA_SUORITTAMINEN, "suorittamisvalvonta", suorittamisvalvonta)
