"""Who is on a kunta's automatic check list (automaattinen tarkistus, DOMAIN.md §6.3).

For speed, SQL first narrows the kunta's residents to a candidate set with the same conditions the rules
apply (a superset, never a subset), then `oppivelvollisuus.on_automaattinen_tarkistus` decides each candidate.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

from models.rules import oppivelvollisuus as ov
from models.rules.calendar import add_days, same_day_years_later
from models.rules.opiskeluoikeus import ACTIVE_TILAT
from models.services import audit
from models.services.access import Principal
from models.services.sql import Sql, fetch
from models.services.valpas.access import kunta_organisation, require_kunta_user
from models.services.valpas.facts import OppivelvollisuusTila, load_facts, oppivelvollisuus_tila
from models.services.valpas.paging import ListKey, chunked, first_page


@dataclass(frozen=True)
class TarkistusRivi:
    oppija_id: int
    key: ListKey
    facts: ov.HenkiloFacts
    tila: OppivelvollisuusTila


def _candidate_sql(p: Sql, kunta: str, today: date, after: ListKey | None, limit: int) -> str:
    """Residents of `kunta` today whom no rule can rule out cheaply: a superset of the list.

    Each condition mirrors a rule in `oppivelvollisuus.on_automaattinen_tarkistus`: turvakielto persons are
    not listed; born 2004 or later; oppivelvollisuus begun (the year of turning 7) and the 18th birthday not
    yet reached (a day's slack for 29.2.); no uncancelled vapautus in force; no perusopetus valmistunut mark
    before 2021 in a valid OO; no qualifying OO active today (started, and its latest tila row on or before
    today active).

    Values of our own (dates, codes) are inlined as literals: a prepared statement with them as parameters gets
    PostgreSQL's generic plan after five runs, which cannot see how selective the kunta is. Only the cursor,
    which carries names, is passed as parameters.
    """
    lit = p.literal
    qualifying = ", ".join(lit(t) for t in sorted(ov.QUALIFYING_TYYPIT))
    active = ", ".join(lit(t) for t in sorted(ACTIVE_TILAT))
    sql = f"""
        SELECT p.id, p.sukunimi, p.etunimet, p.oid FROM oppija p
        WHERE p.turvakielto = FALSE
          AND p.syntymaaika >= {lit(ov.BORN_FROM)}
          AND p.syntymaaika >= {lit(add_days(same_day_years_later(today, -18), -1))}
          AND p.syntymaaika < {lit(date(today.year - 6, 1, 1))}
          AND EXISTS (SELECT 1 FROM kotikunta k WHERE k.oppija_id = p.id AND k.kuntakoodi = {lit(kunta)}
                      AND k.alku <= {lit(today)} AND (k.loppu IS NULL OR k.loppu >= {lit(today)}))
          AND NOT EXISTS (SELECT 1 FROM valpas_vapautus v WHERE v.oppija_id = p.id AND v.alku <= {lit(today)}
                          AND v.mitatoity_at IS NULL)
          AND NOT EXISTS (SELECT 1 FROM opiskeluoikeus o JOIN paatason_suoritus s ON s.opiskeluoikeus_id = o.id
                          WHERE o.oppija_id = p.id AND o.mitatoity = FALSE
                            AND s.tyyppi = {lit(ov.PERUSOPETUKSEN_OPPIMAARA)}
                            AND s.vahvistus < {lit(ov.PERUSOPETUS_VALMISTUNUT_FROM)})
          AND NOT EXISTS (SELECT 1 FROM opiskeluoikeus o
                          WHERE o.oppija_id = p.id AND o.mitatoity = FALSE AND o.tyyppi IN ({qualifying})
                            AND (o.alku IS NULL OR o.alku <= {lit(today)})
                            AND (SELECT t.tila FROM opiskeluoikeuden_tila t
                                 WHERE t.opiskeluoikeus_id = o.id AND t.alku <= {lit(today)}
                                 ORDER BY t.alku DESC, t.id DESC LIMIT 1) IN ({active}))
    """
    if after is not None:
        sql += f" AND (p.sukunimi, p.etunimet, p.oid) > ({p(after[0])}, {p(after[1])}, {p(after[2])})"
    sql += f" ORDER BY p.sukunimi, p.etunimet, p.oid LIMIT {int(limit)}"
    return sql


async def automaattinen_tarkistus(
    kunta: str, today: date, after: ListKey | None = None, batch: int = 500
) -> AsyncIterator[TarkistusRivi]:
    """The kunta's automatic check list in name order from `after` on, computed now; the caller stops reading
    when it has enough. Candidates come in batches; the rules decide each one."""
    kunta = ov.normalise_kuntakoodi(kunta)
    if not kunta.isdigit():  # inlined as a literal below: only a kuntakoodi gets that far
        return
    while True:
        rows = await fetch(lambda p, after=after: _candidate_sql(p, kunta, today, after, batch))  # type: ignore[misc]
        candidates = [(int(r[0]), (str(r[1]), str(r[2]), str(r[3]))) for r in rows]
        facts = await load_facts([pid for pid, _ in candidates])
        for pid, key in candidates:
            person = facts.get(pid)
            if person is not None and ov.on_automaattinen_tarkistus(person, kunta, today):
                yield TarkistusRivi(pid, key, person, oppivelvollisuus_tila(person, today))
        if len(candidates) < batch:
            return
        after = candidates[-1][1]


async def automaattinen_tarkistus_page(
    principal: Principal, kunta: str, today: date, first: int, after: ListKey | None
) -> tuple[list[TarkistusRivi], bool]:
    """One page (and whether more follow) for a user of that kunta; the rows read are audited."""
    require_kunta_user(principal, await kunta_organisation(kunta), "read its automaattinen tarkistus list")
    page, more = await first_page(automaattinen_tarkistus(kunta, today, after, batch=first + 21), first)
    await audit.record_reads(principal, "automaattinen_tarkistus", ((kunta, r.facts.oppija_oid) for r in page))
    return page, more


async def automaattinen_tarkistus_export(
    principal: Principal, kunta: str, today: date, batch: int = 2000
) -> AsyncIterator[list[TarkistusRivi]]:
    """The whole list in chunks for the CSV export; authorization happens before the first chunk, and every
    chunk's reads are audited as they are sent."""
    require_kunta_user(principal, await kunta_organisation(kunta), "export its automaattinen tarkistus list")
    async for chunk in chunked(automaattinen_tarkistus(kunta, today, None, batch=batch), batch):
        await audit.record_reads(principal, "automaattinen_tarkistus", ((kunta, r.facts.oppija_oid) for r in chunk))
        yield chunk
