"""Hakeutumisen valvonta (DOMAIN.md §6.3): an oppilaitos' pupils finishing perusopetus, with their yhteishaku
status, for its hakeutumisen valvoja, paged and exported as the other oppilaitos lists (`opiskelijat.Lista`).
Who is on it is `models.rules.hakeutumisvalvonta`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import date

from models.rules import hakeutumisvalvonta as hv
from models.rules import oppivelvollisuus as ov
from models.rules.calendar import add_days, same_day_years_later
from models.rules.opiskeluoikeus import VALMISTUNUT
from models.rules.perusopetus import PERUSOPETUKSEN_VUOSILUOKKA
from models.services.sql import Sql
from models.services.valpas.opiskelijat import Lista, Oppilaitos, opiskelijat
from models.services.valpas.paging import ListKey, chunked
from models.user import RoleName
from models.valpas import Hakemus, MuuHaku

# The longest a study right stays listed after it ended: a spring end (15.5.) until 30.9., with slack.
ENDED_WITHIN_DAYS = 150


@dataclass(frozen=True)
class HakeutumisRivi:
    oppija_id: int
    key: ListKey
    facts: ov.HenkiloFacts
    opiskeluoikeus_oid: str  # the perusopetus or nivelvaihe study right that lists the pupil
    valvonta: hv.Valvonta
    hakemukset: tuple[Hakemus, ...]
    sai_paikan: bool | None
    varoitus: ov.Verdict
    muu_haku: bool
    suorittaminen: ov.Suorittaminen


def _combined_result(hakemukset: Iterable[Hakemus]) -> bool | None:
    """A place from any yhteishaku counts; "no place" needs a decided result and no place anywhere."""
    results = [h.sai_paikan for h in hakemukset]
    if any(r is True for r in results):
        return True
    return False if any(r is False for r in results) else None


def _candidate_sql(p: Sql, ids: tuple[int, ...], today: date, after: ListKey | None, limit: int | None) -> str:
    """People with a study right at the oppilaitos that `hv.valvonnassa` may list: a superset the rule narrows.
    A perusopetus counts when its final year is recorded (9th grade or the oppimäärä) or it ended lately (an
    ending tila row within the longest window, five months, and for one who left, in a year they turned 17; an
    oppimäärä without tila rows is the final year too); nivelvaihe by type, or Koski's VALMA and TELMA filed
    as ammatillinen by their suoritus. Our own values
    are literals, so PostgreSQL plans for the actual oppilaitos; only the cursor's names are parameters."""
    lit = p.literal
    nivelvaihe = ", ".join(lit(t) for t in sorted(hv.NIVELVAIHE_TYYPIT))
    valma = ", ".join(lit(t) for t in sorted(hv.NIVELVAIHE_SUORITUKSET))
    eronnut = ", ".join(lit(t) for t in sorted(hv.ERONNUT_TILAT))
    # who left counts only from the year of turning 17: born before 1.1. of the year 16 years ago at the latest
    old_enough = lit(date(today.year - hv.ERONNUT_MIN_AGE + 1, 1, 1))
    sql = f"""
        SELECT p.id, p.sukunimi, p.etunimet, p.oid FROM oppija p
        WHERE p.syntymaaika >= {lit(add_days(same_day_years_later(today, -18), -1))}
          AND EXISTS (
            SELECT 1 FROM opiskeluoikeus o
            WHERE o.oppija_id = p.id AND o.mitatoity = FALSE
              AND o.oppilaitos_id IN ({", ".join(str(int(i)) for i in ids)})
              AND (o.tyyppi IN ({nivelvaihe})
                   OR (o.tyyppi = {lit(ov.AMMATILLINEN_KOULUTUS)} AND EXISTS (
                         SELECT 1 FROM paatason_suoritus s WHERE s.opiskeluoikeus_id = o.id AND s.tyyppi IN ({valma})))
                   OR (o.tyyppi = {lit(ov.PERUSOPETUS)} AND (
                         EXISTS (SELECT 1 FROM paatason_suoritus s WHERE s.opiskeluoikeus_id = o.id
                                 AND (s.tyyppi = {lit(ov.PERUSOPETUKSEN_OPPIMAARA)}
                                      OR (s.tyyppi = {lit(PERUSOPETUKSEN_VUOSILUOKKA)} AND s.tutkinto_koodi = '9')))
                         OR EXISTS (SELECT 1 FROM opiskeluoikeuden_tila t WHERE t.opiskeluoikeus_id = o.id
                                    AND t.alku > {lit(add_days(today, -ENDED_WITHIN_DAYS))} AND t.alku <= {lit(today)}
                                    AND (t.tila = {lit(VALMISTUNUT)}
                                         OR (t.tila IN ({eronnut}) AND p.syntymaaika < {old_enough})))))))
    """
    if after is not None:
        sql += f" AND (p.sukunimi, p.etunimet, p.oid) > ({p.many(after)})"
    return sql + " ORDER BY p.sukunimi, p.etunimet, p.oid" + ("" if limit is None else f" LIMIT {int(limit)}")


def _listing(person: ov.HenkiloFacts, here: frozenset[str], today: date) -> tuple[str, hv.Valvonta] | None:
    """The study right at the oppilaitos (`here`: its and its toimipisteet's OIDs) that lists the pupil (läsnä
    first, then the latest end), or None."""
    listed = [
        (oo.oid, verdict)
        for oo in ov.valid_opiskeluoikeudet(person)
        if oo.oppilaitos_oid in here and (verdict := hv.valvonnassa(oo, person.syntymaaika, today))
    ]
    if not listed or not ov.oppivelvollinen_on(person, today):  # the cheap study-right rule first
        return None
    return max(listed, key=lambda pair: pair[1].listed_until or date.max)


async def hakeutumisvalvonta(
    oppilaitos: Oppilaitos, today: date, after: ListKey | None = None, batch: int = 500
) -> AsyncIterator[HakeutumisRivi]:
    """The oppilaitos' pupils finishing perusopetus or a nivelvaihe programme (`models.rules.hakeutumisvalvonta`)
    who are oppivelvollinen today, in name order from `after` on, with their yhteishaku status, the "no place in
    yhteishaku" warning (cleared by an active OO after perusopetus) and this provider's own "Muu haku" mark.
    The candidates and their facts come as for the other oppilaitos lists (`opiskelijat`), from its own query."""
    born_from = add_days(same_day_years_later(today, -18), -1)
    candidates = opiskelijat(
        oppilaitos,
        born_from,
        today,
        after,
        batch,
        lambda p, a, limit: _candidate_sql(p, oppilaitos.ids, today, a, limit),
    )
    async for chunk in chunked(candidates, batch):
        listed = [(s, found) for s in chunk if (found := _listing(s.facts, oppilaitos.oids, today))]
        ids = [s.oppija_id for s, _ in listed]
        hakemukset: dict[int, list[Hakemus]] = defaultdict(list)
        for h in await Hakemus.filter(oppija_id__in=ids).order_by("muokattu"):
            hakemukset[h.oppija_id].append(h)  # type: ignore[attr-defined]
        marked = set(
            await MuuHaku.filter(oppija_id__in=ids, oppilaitos_id=oppilaitos.row.id).values_list("oppija_id", flat=True)
        )
        for s, (oo_oid, verdict) in listed:
            sai = _combined_result(hakemukset.get(s.oppija_id, ()))
            yield HakeutumisRivi(
                oppija_id=s.oppija_id,
                key=s.key,
                facts=s.facts,
                opiskeluoikeus_oid=oo_oid,
                valvonta=verdict,
                hakemukset=tuple(hakemukset.get(s.oppija_id, ())),
                sai_paikan=sai,
                varoitus=ov.ei_paikkaa_yhteishaussa_warning(s.facts, sai, today),
                muu_haku=s.oppija_id in marked,
                suorittaminen=ov.suorittaa(s.facts, today),
            )


LISTA = Lista(RoleName.VALVOJA_HAKEUTUMINEN, "hakeutumisvalvonta", hakeutumisvalvonta)
