"""The data-quality flags stored on each study right (`opiskeluoikeus.laatuongelmat`, DOMAIN.md §6.1).

Computing them on every read cost a pass over the organisation's study rights (98 ms for the first page at
20 000 persons under load, bench/valpas_lists.py); stored at write time, the list is an index scan over the few
flagged rights (a partial index, `models/sql_extras.LAATU_SQL`). The facts they follow change in two places: a
study right's tila and suoritus rows (a Koski save) and the person's birth date (a person save). Every Koski
write path ends with `merkitse` for the persons it wrote; the rule stays `models.rules.tietojen_laatu.flags`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from tortoise.backends.base.client import BaseDBAsyncClient

from models.rules import tietojen_laatu as laatu
from models.rules.opiskeluoikeus import OpiskeluoikeusFacts, Suoritus, TilaJakso
from models.services.facts import chunks
from models.services.sql import day, fetch

SEPARATOR = ","  # the stored codes in the rule's order, e.g. "syntymaaika_puuttuu,tilat_puuttuvat"; NULL: none


def decode(stored: str | None) -> tuple[str, ...]:
    return tuple(stored.split(SEPARATOR)) if stored else ()


async def _details(
    oo_ids: Sequence[int], connection: BaseDBAsyncClient | None
) -> tuple[dict[int, list[Suoritus]], dict[int, list[TilaJakso]]]:
    """The study rights' suoritukset and tila rows: what the rule reads."""
    suoritukset: dict[int, list[Suoritus]] = defaultdict(list)
    tilat: dict[int, list[TilaJakso]] = defaultdict(list)
    for r in await fetch(
        lambda p: (
            "SELECT opiskeluoikeus_id, tyyppi, tutkinto_koodi, vahvistus FROM paatason_suoritus "
            f"WHERE opiskeluoikeus_id IN ({p.many(oo_ids)}) ORDER BY id"
        ),
        connection,
    ):
        suoritukset[r[0]].append(Suoritus(r[1], r[2], vahvistus=day(r[3])))
    for r in await fetch(
        lambda p: (
            "SELECT opiskeluoikeus_id, alku, tila FROM opiskeluoikeuden_tila "
            f"WHERE opiskeluoikeus_id IN ({p.many(oo_ids)}) ORDER BY alku, id"
        ),
        connection,
    ):
        tilat[r[0]].append(TilaJakso(day(r[1]), r[2]))  # type: ignore[arg-type]
    return suoritukset, tilat


async def merkitse(oppija_ids: Iterable[int], connection: BaseDBAsyncClient | None = None) -> int:
    """Recompute the flags of the persons' study rights and store those that changed (in the caller's
    transaction, or on `connection`); how many changed."""
    changed = 0
    for ids in chunks(sorted(set(oppija_ids)), 1000):
        rights = await fetch(
            lambda p, ids=ids: (  # type: ignore[misc]
                "SELECT o.id, o.oid, o.tyyppi, o.laatuongelmat, p.oid, p.syntymaaika "
                f"FROM opiskeluoikeus o JOIN oppija p ON p.id = o.oppija_id WHERE o.oppija_id IN ({p.many(ids)})"
            ),
            connection,
        )
        if not rights:
            continue
        suoritukset, tilat = await _details([int(r[0]) for r in rights], connection)
        wanted: dict[str | None, list[int]] = defaultdict(list)
        for r in rights:
            facts = OpiskeluoikeusFacts(
                oid=r[1],
                oppija_oid=r[4],
                koulutustoimija_oid="",
                oppilaitos_oid="",
                tyyppi=r[2],
                tilat=tuple(tilat.get(r[0], ())),
                suoritukset=tuple(suoritukset.get(r[0], ())),
            )
            flags = SEPARATOR.join(laatu.flags(facts, day(r[5]))) or None
            if flags != r[3]:
                wanted[flags].append(int(r[0]))
        for flags, oo_ids in wanted.items():
            await fetch(
                lambda p, flags=flags, oo_ids=oo_ids: (  # type: ignore[misc]
                    f"UPDATE opiskeluoikeus SET laatuongelmat = {p(flags)} WHERE id IN ({p.many(oo_ids)})"
                ),
                connection,
            )
            changed += len(oo_ids)
    return changed


async def merkitse_kaikki(connection: BaseDBAsyncClient | None = None) -> int:
    """Every person's flags: for data written before the column existed (its migration) or around the write
    paths (a benchmark's bulk load, the demo's generator)."""
    ids = [int(r[0]) for r in await fetch(lambda p: "SELECT id FROM oppija ORDER BY id", connection)]
    return await merkitse(ids, connection)
