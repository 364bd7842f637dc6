"""The data-quality list (DOMAIN.md §6.1): an organisation's own study rights with a problem Polku detects
(`models.rules.tietojen_laatu`), so the valvoja who recorded them finds and fixes them in Koski without
looking person by person.

The rule decides each study right's flags when it is written (`laatuliput`); the list reads the stored flags.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date

from models.organisation import Organisation
from models.rules.viesti import kaannettava
from models.services import audit
from models.services.access import Principal
from models.services.errors import Forbidden
from models.services.sql import Sql, day, fetch
from models.services.valpas.access import VALVOJA_ROLES, organisation
from models.services.valpas.laatuliput import decode
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


def _page_sql(p: Sql, path: str, after: LaatuKey | None, limit: int) -> str:
    """The organisation's flagged study rights in name order: the partial index gives the flagged rights of each
    of its oppilaitokset, a few per cent of them, so only those are joined and sorted."""
    sql = f"""
        SELECT p.sukunimi, p.etunimet, p.oid, o.oid, p.syntymaaika, o.tyyppi, ol.oid, ol.path, o.laatuongelmat
        FROM opiskeluoikeus o JOIN oppija p ON p.id = o.oppija_id JOIN organisation ol ON ol.id = o.oppilaitos_id
        WHERE o.laatuongelmat IS NOT NULL AND o.mitatoity = FALSE AND ol.path LIKE {p(path + "%")}
    """
    if after is not None:
        sql += f" AND (p.sukunimi, p.etunimet, p.oid, o.oid) > ({p.many(after)})"
    return sql + f" ORDER BY p.sukunimi, p.etunimet, p.oid, o.oid LIMIT {int(limit)}"


async def tietojen_laatu(
    org: Organisation, after: LaatuKey | None = None, batch: int = 500
) -> AsyncIterator[LaatuRivi]:
    """The organisation's (and those below it) flagged study rights in name order from `after` on."""
    while True:
        rows = await fetch(lambda p, after=after: _page_sql(p, org.path, after, batch))  # type: ignore[misc]
        for r in rows:
            key: LaatuKey = (str(r[0]), str(r[1]), str(r[2]), str(r[3]))
            yield LaatuRivi(key, day(r[4]), str(r[5]), str(r[6]), str(r[7]), decode(r[8]))
        if len(rows) < batch:
            return
        last = rows[-1]
        after = (str(last[0]), str(last[1]), str(last[2]), str(last[3]))


async def _readable(principal: Principal, organisaatio_oid: str, what: str) -> Organisation:
    """The recording organisation's valvojat (any of the three) see its list."""
    org = await organisation(organisaatio_oid, "organisaatio")
    if not principal.can_any(VALVOJA_ROLES, org.path):
        raise Forbidden(
            "{user} is not a valvoja of {oid} and may not {what}",
            user=principal.name,
            oid=organisaatio_oid,
            what=kaannettava(what),
        )
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
