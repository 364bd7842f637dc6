"""Hakeutumisen valvonta (DOMAIN.md §6.3): an oppilaitos' pupils finishing perusopetus, with their yhteishaku
status, for its hakeutumisen valvoja. Who is on it is `models.rules.hakeutumisvalvonta`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Q

from models.opiskeluoikeus import Opiskeluoikeus
from models.oppija import Oppija
from models.rules import hakeutumisvalvonta as hv
from models.rules import oppivelvollisuus as ov
from models.services import audit
from models.services.access import Principal
from models.services.errors import Forbidden
from models.services.valpas.access import organisation
from models.services.valpas.facts import load_facts
from models.services.valpas.paging import ListKey
from models.user import RoleName
from models.valpas import Hakemus, MuuHaku


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


async def hakeutumisvalvonta(principal: Principal, oppilaitos_oid: str, today: date) -> list[HakeutumisRivi]:
    """The oppilaitos' pupils finishing perusopetus or a nivelvaihe programme (`models.rules.hakeutumisvalvonta`)
    who are oppivelvollinen today, with their yhteishaku status,
    the "no place in yhteishaku" warning (cleared by an active OO after perusopetus) and this provider's own
    "Muu haku" mark. Only its hakeutumisen valvoja may read it."""
    oppilaitos = await organisation(oppilaitos_oid, "oppilaitos")
    if not principal.can(RoleName.VALVOJA_HAKEUTUMINEN, oppilaitos.path):
        raise Forbidden(f"{principal.name} is not a hakeutumisen valvoja of {oppilaitos_oid}")
    seurattavat = Q(tyyppi__in=sorted(hv.TYYPIT)) | Q(
        tyyppi=ov.AMMATILLINEN_KOULUTUS, suoritukset__tyyppi__in=sorted(hv.NIVELVAIHE_SUORITUKSET)
    )  # a superset: the rule decides (`hv.seurattava`)
    pupils = (
        await Opiskeluoikeus.filter(seurattavat, oppilaitos__path__startswith=oppilaitos.path, mitatoity=False)
        .distinct()
        .values_list("oid", "oppija_id")
    )
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
        listed = [
            (oo, verdict)
            for oo in ov.valid_opiskeluoikeudet(person)
            if oo.oid in oo_oids and (verdict := hv.valvonnassa(oo, person.syntymaaika, today))
        ]
        if not listed or not ov.oppivelvollinen_on(person, today):
            continue
        # läsnä (no end) first, then the latest end
        oo, verdict = max(listed, key=lambda pair: pair[1].listed_until or date.max)
        sai = _combined_result(hakemukset.get(pid, ()))
        rows.append(
            HakeutumisRivi(
                oppija_id=pid,
                key=names[pid],
                facts=person,
                opiskeluoikeus_oid=oo.oid,
                valvonta=verdict,
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
