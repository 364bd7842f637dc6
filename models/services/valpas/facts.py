"""Facts for the pure rules of `models.rules.oppivelvollisuus`, loaded for many people at once.

Every decision about a person is made by the rules; this module only gathers what they decide from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from models.oppija import Kotikunta
from models.rules import oppivelvollisuus as ov
from models.rules.opiskeluoikeus import OpiskeluoikeusFacts, Suoritus, TilaJakso
from models.services.sql import day, fetch


def kotikunta_jaksot(rows: Iterable[tuple[str, date, date | None]]) -> tuple[ov.KotikuntaJakso, ...]:
    return tuple(ov.KotikuntaJakso(alku=alku, loppu=loppu, kuntakoodi=koodi) for koodi, alku, loppu in rows)


def current_kuntakoodi(kotikunnat: Iterable[Kotikunta], today: date) -> str | None:
    jakso = ov.kotikunta_on(kotikunta_jaksot((k.kuntakoodi, k.alku, k.loppu) for k in kotikunnat), today)
    return ov.normalise_kuntakoodi(jakso.kuntakoodi) if jakso else None


async def load_facts(oppija_ids: Sequence[int]) -> dict[int, ov.HenkiloFacts]:
    """HenkiloFacts for many people in seven set-based queries (no per-person round trips). People without a
    known syntymäaika are left out: no rule can place them."""
    ids = sorted(set(oppija_ids))
    if not ids:
        return {}
    people = await fetch(lambda p: f"SELECT id, oid, syntymaaika, turvakielto FROM oppija WHERE {p.any_of('id', ids)}")
    kotikunnat: dict[int, list[tuple[str, date, date | None]]] = defaultdict(list)
    for r in await fetch(
        lambda p: (
            "SELECT oppija_id, kuntakoodi, alku, loppu FROM kotikunta "
            f"WHERE {p.any_of('oppija_id', ids)} ORDER BY alku, id"
        )
    ):
        kotikunnat[r[0]].append((r[1], day(r[2]), day(r[3])))  # type: ignore[arg-type]
    tilat: dict[int, list[TilaJakso]] = defaultdict(list)
    for r in await fetch(
        lambda p: (
            "SELECT t.opiskeluoikeus_id, t.alku, t.tila FROM opiskeluoikeuden_tila t "
            "JOIN opiskeluoikeus o ON o.id = t.opiskeluoikeus_id "
            f"WHERE {p.any_of('o.oppija_id', ids)} ORDER BY t.alku, t.id"
        )
    ):
        tilat[r[0]].append(TilaJakso(day(r[1]), r[2]))  # type: ignore[arg-type]
    suoritukset: dict[int, list[Suoritus]] = defaultdict(list)
    for r in await fetch(
        lambda p: (
            "SELECT s.opiskeluoikeus_id, s.tyyppi, s.tutkinto_koodi, s.tutkinto_nimi, s.vahvistus "
            "FROM paatason_suoritus s JOIN opiskeluoikeus o ON o.id = s.opiskeluoikeus_id "
            f"WHERE {p.any_of('o.oppija_id', ids)} ORDER BY s.id"
        )
    ):
        suoritukset[r[0]].append(Suoritus(r[1], r[2], r[3], day(r[4])))
    oids = {r[0]: r[1] for r in people}
    oos: dict[int, list[OpiskeluoikeusFacts]] = defaultdict(list)
    for r in await fetch(
        lambda p: (
            "SELECT o.id, o.oid, o.oppija_id, kt.oid, ol.oid, o.tyyppi, o.alku, o.arvioitu_loppu, o.mitatoity "
            "FROM opiskeluoikeus o JOIN organisation kt ON kt.id = o.koulutustoimija_id "
            "JOIN organisation ol ON ol.id = o.oppilaitos_id "
            f"WHERE {p.any_of('o.oppija_id', ids)} ORDER BY o.id"
        )
    ):
        oos[r[2]].append(
            OpiskeluoikeusFacts(
                oid=r[1],
                oppija_oid=oids[r[2]],
                koulutustoimija_oid=r[3],
                oppilaitos_oid=r[4],
                tyyppi=r[5],
                alku=day(r[6]),
                arvioitu_loppu=day(r[7]),
                tilat=tuple(tilat.get(r[0], ())),
                suoritukset=tuple(suoritukset.get(r[0], ())),
                mitatoity=bool(r[8]),
            )
        )
    vapautukset = {
        r[0]: day(r[1])
        for r in await fetch(
            lambda p: (
                "SELECT oppija_id, alku FROM valpas_vapautus "
                f"WHERE {p.any_of('oppija_id', ids)} AND mitatoity_at IS NULL"
            )
        )
    }
    keskeytykset: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for r in await fetch(
        lambda p: (
            "SELECT oppija_id, alku, loppu FROM valpas_keskeytys "
            f"WHERE {p.any_of('oppija_id', ids)} AND mitatoity_at IS NULL ORDER BY alku"
        )
    ):
        keskeytykset[r[0]].append((day(r[1]), day(r[2])))  # type: ignore[arg-type]
    return {
        r[0]: ov.HenkiloFacts(
            oppija_oid=r[1],
            syntymaaika=born,
            kotikunta_historia=kotikunta_jaksot(kotikunnat.get(r[0], ())),
            turvakielto=bool(r[3]),
            opiskeluoikeudet=tuple(oos.get(r[0], ())),
            vapautus=vapautukset.get(r[0]),
            keskeytykset=tuple(keskeytykset.get(r[0], ())),
        )
        for r in people
        if (born := day(r[2])) is not None
    }


@dataclass(frozen=True)
class OppivelvollisuusTila:
    """Everything §6.1–6.2 says about one person today, each answer with its reason."""

    coverage: ov.Coverage
    oppivelvollinen_until: ov.DateDecision
    maksuttomuus_until: ov.DateDecision
    suorittaminen: ov.Suorittaminen
    keskeytetty: bool


def oppivelvollisuus_tila(facts: ov.HenkiloFacts, today: date) -> OppivelvollisuusTila:
    return OppivelvollisuusTila(
        coverage=ov.coverage(facts, today),
        oppivelvollinen_until=ov.oppivelvollisuus_until(facts),
        maksuttomuus_until=ov.maksuttomuus_until(facts),
        suorittaminen=ov.suorittaa(facts, today),
        keskeytetty=ov.keskeytetty_on(facts, today),
    )
