"""Maksuttomuuden valvonta (DOMAIN.md §6.3): an oppilaitos' students whose free education is in force, with its
end date and reason, for its maksuttomuuden valvoja. Who is on it is
`models.rules.maksuttomuus`; finding one person by hetu or OID is `henkilohaku`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

from models.rules import maksuttomuus as mk
from models.rules import oppivelvollisuus as ov
from models.services.valpas.opiskelijat import Lista, Oppilaitos, opiskelijat
from models.services.valpas.paging import ListKey
from models.user import RoleName


@dataclass(frozen=True)
class MaksuttomuusRivi:
    oppija_id: int
    key: ListKey
    facts: ov.HenkiloFacts
    maksuttomuus: mk.Maksuttomuus


async def maksuttomuusvalvonta(
    oppilaitos: Oppilaitos, today: date, after: ListKey | None = None, batch: int = 500
) -> AsyncIterator[MaksuttomuusRivi]:
    """The list in name order from `after` on; candidates are born in or after the year that turns 20 this
    year (free education lasts to 31.12. of it)."""
    async for s in opiskelijat(oppilaitos, date(today.year - 20, 1, 1), today, after, batch):
        verdict = mk.listalla(s.facts, s.oppilaitoksen_oot, today)
        if verdict:
            yield MaksuttomuusRivi(s.oppija_id, s.key, s.facts, verdict)


LISTA = Lista(RoleName.VALVOJA_MAKSUTTOMUUS, "maksuttomuusvalvonta", maksuttomuusvalvonta)
