"""An oppilaitos' students after perusopetus, in name order, for its valvojat' lists (suorittamisvalvonta and
maksuttomuus, DOMAIN.md §6.3).

SQL narrows the people to a superset of either list — someone with a valid study right of a qualifying type
after perusopetus at the oppilaitos (or a toimipiste below it), born in the list's window — and loads their
facts; the list's pure rule decides each one (a vapautus too: it is rare, and the rule knows a cancelled one).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import date
from typing import Generic, Protocol, TypeVar

from models.oppija import Oppija
from models.organisation import Organisation
from models.rules import oppivelvollisuus as ov
from models.rules import suorittamisvalvonta as sv
from models.rules.calendar import helsinki_day
from models.services import audit
from models.services.access import Principal
from models.services.errors import Forbidden
from models.services.sql import Sql, fetch, moment
from models.services.valpas.access import organisation
from models.services.valpas.facts import load_facts
from models.services.valpas.paging import ListKey, chunked, first_page
from models.user import RoleName

FACTS_WINDOW = 10_000


@dataclass(frozen=True)
class Opiskelija:
    oppija_id: int
    key: ListKey
    facts: ov.HenkiloFacts
    oppilaitoksen_oot: frozenset[str]  # the person's study rights at the oppilaitos (OIDs)
    ilmoitettu: date | None  # the latest day the oppilaitos made a kuntailmoitus about the person


@dataclass(frozen=True)
class Oppilaitos:
    """The oppilaitos of a list with the ids and OIDs of it and its toimipisteet."""

    row: Organisation
    ids: tuple[int, ...]
    oids: frozenset[str]


async def valvottu_oppilaitos(principal: Principal, oid: str, role: RoleName) -> Oppilaitos:
    """The oppilaitos, when the principal holds `role` there (a valvoja of the oppilaitos or above it)."""
    row = await organisation(oid, "oppilaitos")
    if not principal.can(role, row.path):
        raise Forbidden("{user} is not a {role} of {oppilaitos}", user=principal.name, role=role.value, oppilaitos=oid)
    below = await Organisation.filter(path__startswith=row.path).values_list("id", "oid")
    return Oppilaitos(row, tuple(int(i) for i, _ in below), frozenset(str(o) for _, o in below))


def _candidate_sql(
    p: Sql, ids: tuple[int, ...], born_from: date, today: date, after: ListKey | None, limit: int | None
) -> str:
    """Our own values (ids, dates, codes) are literals so PostgreSQL plans for the actual oppilaitos; only the
    cursor's names are parameters."""
    lit = p.literal
    tyypit = ", ".join(lit(t) for t in sorted(sv.TYYPIT))
    sql = f"""
        SELECT p.id, p.sukunimi, p.etunimet, p.oid FROM oppija p
        WHERE p.syntymaaika >= {lit(max(born_from, ov.BORN_FROM))}
          AND p.syntymaaika < {lit(date(today.year - 6, 1, 1))}
          AND EXISTS (SELECT 1 FROM opiskeluoikeus o
                      WHERE o.oppija_id = p.id AND o.mitatoity = FALSE AND o.tyyppi IN ({tyypit})
                        AND o.oppilaitos_id IN ({", ".join(str(int(i)) for i in ids)}))
    """
    if after is not None:
        sql += f" AND (p.sukunimi, p.etunimet, p.oid) > ({p.many(after)})"
    return sql + " ORDER BY p.sukunimi, p.etunimet, p.oid" + ("" if limit is None else f" LIMIT {int(limit)}")


async def _ilmoitettu(oppilaitos: Oppilaitos, oppija_ids: list[int]) -> dict[int, date]:
    """The latest (Helsinki) day the oppilaitos or a toimipiste made a kuntailmoitus about each person."""
    if not oppija_ids:
        return {}
    latest: dict[int, date] = {}
    for r in await fetch(
        lambda p: (
            "SELECT oppija_id, MAX(created_at) FROM valpas_kuntailmoitus "
            f"WHERE {p.any_of('oppija_id', oppija_ids)} "
            f"AND tekija_organisaatio_id IN ({', '.join(str(i) for i in oppilaitos.ids)}) GROUP BY oppija_id"
        )
    ):
        made = moment(r[1])
        if made is not None:
            latest[int(r[0])] = helsinki_day(made)
    return latest


async def _with_facts(oppilaitos: Oppilaitos, candidates: list[tuple[int, ListKey]]) -> list[Opiskelija]:
    ids = [pid for pid, _ in candidates]
    facts = await load_facts(ids)
    ilmoitettu = await _ilmoitettu(oppilaitos, ids)
    return [
        Opiskelija(pid, key, person, own, ilmoitettu.get(pid))
        for pid, key in candidates
        if (person := facts.get(pid)) is not None
        and (own := frozenset(oo.oid for oo in person.opiskeluoikeudet if oo.oppilaitos_oid in oppilaitos.oids))
    ]


# A list's own candidate query: (placeholders, the cursor, a limit or None for all) → SQL selecting
# (id, sukunimi, etunimet, oid) in name order.
Ehdokkaat = Callable[[Sql, "ListKey | None", "int | None"], str]


async def opiskelijat(
    oppilaitos: Oppilaitos,
    born_from: date,
    today: date,
    after: ListKey | None = None,
    batch: int = 500,
    ehdokkaat: Ehdokkaat | None = None,
) -> AsyncIterator[Opiskelija]:
    """The candidates in name order from `after` on, born on or after `born_from`, with their facts; a list
    with narrower candidates (hakeutumisvalvonta) passes its own query as `ehdokkaat`.

    A first page reads one batch. A reader that wants more (an export) gets the rest of the candidates' keys in
    one query (walking the name index a batch at a time cost more than the facts) and their facts FACTS_WINDOW
    people at a time (PostgreSQL answers a window with a hash join per table whatever its size: 2 000 at a time
    cost four times as much per person), the next window read while this one is decided: PostgreSQL works on
    one core, the rules on the other."""

    def sql(p: Sql, after: ListKey | None, limit: int | None) -> str:
        return _candidate_sql(p, oppilaitos.ids, born_from, today, after, limit)

    async def keys(after: ListKey | None, limit: int | None) -> list[tuple[int, ListKey]]:
        rows = await fetch(lambda p: (ehdokkaat or sql)(p, after, limit))
        return [(int(r[0]), (str(r[1]), str(r[2]), str(r[3]))) for r in rows]

    first = await keys(after, batch)
    for opiskelija in await _with_facts(oppilaitos, first):
        yield opiskelija
    if len(first) < batch:
        return
    rest = await keys(first[-1][1], None)
    parts = [rest[i : i + FACTS_WINDOW] for i in range(0, len(rest), FACTS_WINDOW)]
    pending: asyncio.Future[list[Opiskelija]] | None = None
    try:
        for i, part in enumerate(parts):
            found = await (pending if pending is not None else _with_facts(oppilaitos, part))
            pending = asyncio.ensure_future(_with_facts(oppilaitos, parts[i + 1])) if i + 1 < len(parts) else None
            for opiskelija in found:
                yield opiskelija
    finally:
        if pending is not None:
            pending.cancel()


async def opiskelija(oppilaitos: Oppilaitos, oppija: Oppija) -> Opiskelija | None:
    """One person as the lists see them (None: no known birth date or no study right at the oppilaitos)."""
    found = await _with_facts(oppilaitos, [(oppija.id, (oppija.sukunimi, oppija.etunimet, oppija.oid))])
    return found[0] if found else None


class Rivi(Protocol):
    @property
    def facts(self) -> ov.HenkiloFacts: ...


R = TypeVar("R", bound=Rivi)
Rows = Callable[[Oppilaitos, date, "ListKey | None", int], AsyncIterator[R]]


@dataclass(frozen=True)
class Lista(Generic[R]):
    """One oppilaitos list: who may read it (`role`), its audit entity, and its rows from a cursor on."""

    role: RoleName
    entity: str
    rows: Rows[R]

    async def _audit(self, principal: Principal, oppilaitos: Oppilaitos, rows: list[R]) -> None:
        await audit.record_reads(principal, self.entity, ((oppilaitos.row.oid, r.facts.oppija_oid) for r in rows))

    async def page(
        self, principal: Principal, oppilaitos_oid: str, today: date, first: int, after: ListKey | None
    ) -> tuple[list[R], bool]:
        """One page (and whether more follow) for the oppilaitos' valvoja; the rows read are audited."""
        oppilaitos = await valvottu_oppilaitos(principal, oppilaitos_oid, self.role)
        page, more = await first_page(self.rows(oppilaitos, today, after, first + 21), first)
        await self._audit(principal, oppilaitos, page)
        return page, more

    async def export(
        self, principal: Principal, oppilaitos_oid: str, today: date, batch: int = 2000
    ) -> AsyncIterator[list[R]]:
        """The whole list in chunks for CSV; authorization before the first chunk, each chunk audited as sent."""
        oppilaitos = await valvottu_oppilaitos(principal, oppilaitos_oid, self.role)
        async for chunk in chunked(self.rows(oppilaitos, today, None, batch), batch):
            await self._audit(principal, oppilaitos, chunk)
            yield chunk
