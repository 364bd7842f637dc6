"""Hakeutumisen valvonta (DOMAIN.md §6.3): an oppilaitos' pupils finishing perusopetus, with their yhteishaku
status, for its hakeutumisen valvoja."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from models.opiskeluoikeus import Opiskeluoikeus
from models.oppija import Oppija
from models.rules import oppivelvollisuus as ov
from models.rules.opiskeluoikeus import OpiskeluoikeusFacts
from models.services import audit
from models.services.access import Principal
from models.services.errors import Forbidden
from models.services.valpas.access import organisation
from models.services.valpas.facts import load_facts
from models.services.valpas.paging import ListKey
from models.user import RoleName
from models.valpas import Hakemus, MuuHaku

PERUSOPETUKSEN_VUOSILUOKKA = "perusopetuksenvuosiluokka"
# How long after the oppimäärä vahvistus a pupil stays on the provider's list: the autumn after the spring's
# yhteishaku is when a missing study place shows (our decision; the reference service uses school-year periods).
HAKEUTUMISVALVONTA_AFTER_VALMISTUNUT = timedelta(days=365)


@dataclass(frozen=True)
class HakeutumisRivi:
    oppija_id: int
    key: ListKey
    facts: ov.HenkiloFacts
    perusopetus_oid: str
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


def _finishing(oo: OpiskeluoikeusFacts, today: date) -> bool:
    """A pupil finishing perusopetus: in the final year (9th grade or the oppimäärä suoritus recorded) and not
    confirmed longer ago than the follow-up period."""
    final_year = any(
        s.tyyppi == ov.PERUSOPETUKSEN_OPPIMAARA or (s.tyyppi == PERUSOPETUKSEN_VUOSILUOKKA and s.tutkinto_koodi == "9")
        for s in oo.suoritukset
    )
    confirmed = [s.vahvistus for s in oo.suoritukset if s.tyyppi == ov.PERUSOPETUKSEN_OPPIMAARA and s.vahvistus]
    return final_year and not any(v < today - HAKEUTUMISVALVONTA_AFTER_VALMISTUNUT for v in confirmed)


async def hakeutumisvalvonta(principal: Principal, oppilaitos_oid: str, today: date) -> list[HakeutumisRivi]:
    """The oppilaitos' pupils finishing perusopetus who are oppivelvollinen today, with their yhteishaku status,
    the "no place in yhteishaku" warning (cleared by an active OO after perusopetus) and this provider's own
    "Muu haku" mark. Only its hakeutumisen valvoja may read it."""
    oppilaitos = await organisation(oppilaitos_oid, "oppilaitos")
    if not principal.can(RoleName.VALVOJA_HAKEUTUMINEN, oppilaitos.path):
        raise Forbidden(f"{principal.name} is not a hakeutumisen valvoja of {oppilaitos_oid}")
    pupils = await Opiskeluoikeus.filter(
        oppilaitos__path__startswith=oppilaitos.path, tyyppi=ov.PERUSOPETUS, mitatoity=False
    ).values_list("oid", "oppija_id")
    oo_oids = {oid for oid, _ in pupils}
    facts = await load_facts([pid for _, pid in pupils])
    hakemukset: dict[int, list[Hakemus]] = defaultdict(list)
    for h in await Hakemus.filter(oppija_id__in=list(facts)).order_by("muokattu"):
        hakemukset[h.oppija_id].append(h)  # type: ignore[attr-defined]
    marked = set(
        await MuuHaku.filter(oppija_id__in=list(facts), oppilaitos_id=oppilaitos.id).values_list("oppija_id", flat=True)
    )
    names = {
        pid: (sukunimi, etunimet, oid)
        for pid, sukunimi, etunimet, oid in await Oppija.filter(id__in=list(facts)).values_list(
            "id", "sukunimi", "etunimet", "oid"
        )
    }
    rows: list[HakeutumisRivi] = []
    for pid, person in facts.items():
        finishing = [oo for oo in ov.valid_opiskeluoikeudet(person) if oo.oid in oo_oids and _finishing(oo, today)]
        if not finishing or not ov.oppivelvollinen_on(person, today):
            continue
        sai = _combined_result(hakemukset.get(pid, ()))
        rows.append(
            HakeutumisRivi(
                oppija_id=pid,
                key=names[pid],
                facts=person,
                perusopetus_oid=finishing[0].oid,
                hakemukset=tuple(hakemukset.get(pid, ())),
                sai_paikan=sai,
                varoitus=ov.ei_paikkaa_yhteishaussa_warning(person, sai, today),
                muu_haku=pid in marked,
                suorittaminen=ov.suorittaa(person, today),
            )
        )
    rows.sort(key=lambda r: r.key)
    await audit.record_reads(principal, "hakeutumisvalvonta", ((oppilaitos_oid, r.facts.oppija_oid) for r in rows))
    return rows
