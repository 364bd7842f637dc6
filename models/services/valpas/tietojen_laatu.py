"""The data-quality list (DOMAIN.md §6.1): an organisation's own study rights with a problem Polku detects
(`models.rules.tietojen_laatu`), so the valvoja who recorded them finds and fixes them in Koski without
looking person by person.

SQL narrows the organisation's study rights to a superset (no birth date, no tila rows, or a perusopetus
valmistunut mark — a completing suoritus's vahvistus or a perusopetus study right's valmistunut tila row — before
the 15th birthday as the database counts years); the rule decides each one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

from models.organisation import Organisation
from models.rules import perusopetus
from models.rules import tietojen_laatu as laatu
from models.rules.opiskeluoikeus import VALMISTUNUT, OpiskeluoikeusFacts, Suoritus, TilaJakso
from models.services import audit
from models.services.access import Principal
from models.services.errors import Forbidden
from models.services.sql import Sql, day, fetch
from models.services.valpas.access import VALVOJA_ROLES, organisation
from models.services.valpas.paging import chunked, first_page

LaatuKey = tuple[str, str, str, str]  # (sukunimi, etunimet, oppija oid, opiskeluoikeus oid)


@dataclass(frozen=True)
class LaatuRivi:
    key: LaatuKey
    syntymaaika: date | None
    opiskeluoikeus_tyyppi: str
    oppilaitos_oid: str
    oppilaitos_path: str
    flags: tuple[str, ...]

    @property
    def oppija_oid(self) -> str:
        return self.key[2]

    @property
    def opiskeluoikeus_oid(self) -> str:
        return self.key[3]


def _candidate_sql(p: Sql, path: str, after: LaatuKey | None, limit: int) -> str:
    """The organisation's study rights that may have a problem. The tila and suoritus conditions are uncorrelated
    sets PostgreSQL hashes once; a correlated EXISTS on the suoritukset cost an index probe per study right
    (112 → 63 ms at 50 000 study rights in one oppilaitos). Still one pass over the organisation's rights."""
    lit = p.literal
    turned_15 = (
        "sp.syntymaaika + INTERVAL '15 years'" if p.dialect == "postgres" else "date(sp.syntymaaika, '+15 years')"
    )
    paattavat = ", ".join(lit(t) for t in sorted({t for t, _ in perusopetus.PAATTAVAT_SUORITUKSET}))
    tilalla = ", ".join(lit(t) for t in sorted(perusopetus.TILALLA_MERKITSEVAT))
    sql = f"""
        SELECT p.sukunimi, p.etunimet, p.oid, o.oid, p.syntymaaika, o.id, o.tyyppi, ol.oid, ol.path
        FROM opiskeluoikeus o JOIN oppija p ON p.id = o.oppija_id JOIN organisation ol ON ol.id = o.oppilaitos_id
        WHERE o.mitatoity = FALSE AND ol.path LIKE {p(path + "%")}
          AND (p.syntymaaika IS NULL
               OR NOT EXISTS (SELECT 1 FROM opiskeluoikeuden_tila t WHERE t.opiskeluoikeus_id = o.id)
               OR o.id IN (SELECT s.opiskeluoikeus_id FROM paatason_suoritus s
                           JOIN opiskeluoikeus so ON so.id = s.opiskeluoikeus_id JOIN oppija sp ON sp.id = so.oppija_id
                           WHERE s.tyyppi IN ({paattavat}) AND s.vahvistus < {turned_15})
               OR o.id IN (SELECT t.opiskeluoikeus_id FROM opiskeluoikeuden_tila t
                           JOIN opiskeluoikeus so ON so.id = t.opiskeluoikeus_id JOIN oppija sp ON sp.id = so.oppija_id
                           WHERE t.tila = {lit(VALMISTUNUT)} AND so.tyyppi IN ({tilalla}) AND t.alku < {turned_15}))
    """
    if after is not None:
        sql += f" AND (p.sukunimi, p.etunimet, p.oid, o.oid) > ({p.many(after)})"
    return sql + f" ORDER BY p.sukunimi, p.etunimet, p.oid, o.oid LIMIT {int(limit)}"


async def _details(oo_ids: list[int]) -> tuple[dict[int, list[Suoritus]], dict[int, list[TilaJakso]]]:
    """The candidates' suoritukset and tila rows (candidates are few: the superset of problems)."""
    suoritukset: dict[int, list[Suoritus]] = defaultdict(list)
    tilat: dict[int, list[TilaJakso]] = defaultdict(list)
    if not oo_ids:
        return suoritukset, tilat
    for r in await fetch(
        lambda p: (
            "SELECT opiskeluoikeus_id, tyyppi, tutkinto_koodi, vahvistus FROM paatason_suoritus "
            f"WHERE opiskeluoikeus_id IN ({p.many(oo_ids)}) ORDER BY id"
        )
    ):
        suoritukset[r[0]].append(Suoritus(r[1], r[2], vahvistus=day(r[3])))
    for r in await fetch(
        lambda p: (
            "SELECT opiskeluoikeus_id, alku, tila FROM opiskeluoikeuden_tila "
            f"WHERE opiskeluoikeus_id IN ({p.many(oo_ids)}) ORDER BY alku, id"
        )
    ):
        tilat[r[0]].append(TilaJakso(day(r[1]), r[2]))  # type: ignore[arg-type]
    return suoritukset, tilat


async def tietojen_laatu(
    org: Organisation, after: LaatuKey | None = None, batch: int = 500
) -> AsyncIterator[LaatuRivi]:
    """The organisation's (and those below it) flagged study rights in name order from `after` on."""
    while True:
        rows = await fetch(lambda p, after=after: _candidate_sql(p, org.path, after, batch))  # type: ignore[misc]
        suoritukset, tilat = await _details([int(r[5]) for r in rows])
        for r in rows:
            key: LaatuKey = (str(r[0]), str(r[1]), str(r[2]), str(r[3]))
            # Only what the rule reads: the tila rows and the suoritukset (type, code, vahvistus).
            facts = OpiskeluoikeusFacts(
                oid=key[3],
                oppija_oid=key[2],
                koulutustoimija_oid="",
                oppilaitos_oid=str(r[7]),
                tyyppi=str(r[6]),
                tilat=tuple(tilat.get(int(r[5]), ())),
                suoritukset=tuple(suoritukset.get(int(r[5]), ())),
            )
            found = laatu.flags(facts, day(r[4]))
            if found:
                yield LaatuRivi(key, day(r[4]), str(r[6]), str(r[7]), str(r[8]), found)
        if len(rows) < batch:
            return
        last = rows[-1]
        after = (str(last[0]), str(last[1]), str(last[2]), str(last[3]))


async def _readable(principal: Principal, organisaatio_oid: str, what: str) -> Organisation:
    """The recording organisation's valvojat (any of the three) see its list."""
    org = await organisation(organisaatio_oid, "organisaatio")
    if not principal.can_any(VALVOJA_ROLES, org.path):
        raise Forbidden(f"{principal.name} is not a valvoja of {organisaatio_oid} and may not {what}")
    return org


async def _audit(principal: Principal, rows: list[LaatuRivi]) -> None:
    await audit.record_reads(principal, "tietojen_laatu", ((r.opiskeluoikeus_oid, r.oppija_oid) for r in rows))


async def tietojen_laatu_page(
    principal: Principal, organisaatio_oid: str, first: int, after: LaatuKey | None
) -> tuple[list[LaatuRivi], bool]:
    org = await _readable(principal, organisaatio_oid, "read its data-quality list")
    page, more = await first_page(tietojen_laatu(org, after, batch=first + 21), first)
    await _audit(principal, page)
    return page, more


async def tietojen_laatu_export(
    principal: Principal, organisaatio_oid: str, batch: int = 2000
) -> AsyncIterator[list[LaatuRivi]]:
    """The whole list in chunks for CSV; authorization before the first chunk, each chunk audited as sent."""
    org = await _readable(principal, organisaatio_oid, "export its data-quality list")
    async for chunk in chunked(tietojen_laatu(org, None, batch=batch), batch):
        await _audit(principal, chunk)
        yield chunk
