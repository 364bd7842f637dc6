"""Valpas reads and writes: who may see what, facts loaded for the pure rules, the kunta and provider lists,
and the records kunnat and providers make (DOMAIN.md §6).

Every decision about a person is made by `models.rules.oppivelvollisuus`; this module only gathers the facts.
The lists are computed from the current tables on every request, so a Koski transfer shows at once (§6.3:
the reference service lags a day, we do not) and nobody can remove a row by hand. For speed, SQL first narrows
a kunta's residents to a candidate set with the same conditions the rules apply (a superset, never a subset),
then the rules decide each candidate.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models.opiskeluoikeus import Opiskeluoikeus
from models.oppija import Kotikunta, Oppija
from models.organisation import Organisation, OrganisationTyyppi
from models.rules import oppivelvollisuus as ov
from models.rules.calendar import add_days, same_day_years_later
from models.rules.hoks import FieldError
from models.rules.opiskeluoikeus import ACTIVE_TILAT, OpiskeluoikeusFacts, Suoritus, TilaJakso
from models.services import audit
from models.services.access import Principal
from models.services.errors import DomainError, Forbidden, NotFound, ValidationFailed
from models.services.sql import Sql, day, fetch
from models.user import Role, RoleName, User, UserKind
from models.valpas import Hakemus, Keskeytys, Kieli, Kuntailmoitus, MuuHaku, Vapautus

# --- Who may do what (DOMAIN.md §6.4) -------------------------------------------------------------

KUNTA_ROLES = (RoleName.KUNTA_PAAKAYTTAJA, RoleName.KUNTA_VALVOJA)
# A provider's valvoja roles; pääkäyttäjät only manage rights and see no pupils.
VALVOJA_ROLES = (RoleName.VALVOJA_HAKEUTUMINEN, RoleName.VALVOJA_SUORITTAMINEN, RoleName.VALVOJA_MAKSUTTOMUUS)
# Who may make a kuntailmoitus for their own pupils (§6.3).
ILMOITTAJA_ROLES = (RoleName.VALVOJA_HAKEUTUMINEN, RoleName.VALVOJA_SUORITTAMINEN)

# role granted → (role the granter needs on the organisation, organisation types the role may be given in)
GRANTS: dict[RoleName, tuple[RoleName, frozenset[OrganisationTyyppi]]] = {
    RoleName.PAAKAYTTAJA: (RoleName.VASTUUKAYTTAJA, frozenset({OrganisationTyyppi.KOULUTUSTOIMIJA})),
    RoleName.KUNTA_PAAKAYTTAJA: (RoleName.VASTUUKAYTTAJA, frozenset({OrganisationTyyppi.KUNTA})),
    **{
        role: (RoleName.PAAKAYTTAJA, frozenset({OrganisationTyyppi.KOULUTUSTOIMIJA, OrganisationTyyppi.OPPILAITOS}))
        for role in VALVOJA_ROLES
    },
    RoleName.KUNTA_VALVOJA: (RoleName.KUNTA_PAAKAYTTAJA, frozenset({OrganisationTyyppi.KUNTA})),
}


async def organisation(oid: str, field: str) -> Organisation:
    org = await Organisation.get_or_none(oid=oid)
    if org is None:
        raise NotFound("organisation", oid, field)
    return org


async def kunta_organisation(kuntakoodi: str, field: str = "kunta") -> Organisation:
    """Kunnat are organisations of tyyppi KUNTA keyed by their three-digit kuntakoodi."""
    org = await Organisation.get_or_none(
        tyyppi=OrganisationTyyppi.KUNTA, kuntakoodi=ov.normalise_kuntakoodi(kuntakoodi)
    )
    if org is None:
        raise NotFound("kunta", kuntakoodi, field)
    return org


def require_kunta_user(principal: Principal, kunta: Organisation, what: str) -> None:
    if not principal.can_any(KUNTA_ROLES, kunta.path):
        raise Forbidden(f"{principal.name} is not a user of kunta {kunta.kuntakoodi} and may not {what}")


async def own_kuntakoodit(principal: Principal) -> frozenset[str]:
    """Kunnat whose users the principal is (a kunta role on a parent organisation covers the kunnat below)."""
    scope = principal.path_filter(KUNTA_ROLES[0], "path") | principal.path_filter(KUNTA_ROLES[1], "path")
    codes = await Organisation.filter(scope, tyyppi=OrganisationTyyppi.KUNTA).values_list("kuntakoodi", flat=True)
    return frozenset(str(c) for c in codes if c)


def current_kuntakoodi(kotikunnat: Iterable[Kotikunta], today: date) -> str | None:
    jakso = ov.kotikunta_on(_kotikunta_jaksot((k.kuntakoodi, k.alku, k.loppu) for k in kotikunnat), today)
    return ov.normalise_kuntakoodi(jakso.kuntakoodi) if jakso else None


def turvakielto_hides(oppija: Oppija, own_kunnat: frozenset[str], kuntakoodit: Iterable[str | None]) -> bool:
    """Turvakielto hides kotikunta and contact data from everyone but the users of the kunta concerned (§6.1):
    the person's kotikunta, or the kunta a kuntailmoitus was sent to. eHOKS rights do not lift it.
    `own_kunnat` is `own_kuntakoodit(principal)`, fetched once per request."""
    return oppija.turvakielto and not any(k in own_kunnat for k in kuntakoodit if k)


async def may_read_oppija(principal: Principal, oppija: Oppija, today: date) -> bool:
    """Valpas users see a person through their roles: a valvoja of an oppilaitos where the person has a study
    right, or a user of the kunta that is the person's kotikunta today (§6.4)."""
    scope = Q(pk__in=[])
    for role in VALVOJA_ROLES:
        scope |= principal.path_filter(role, "oppilaitos__path")
    if await Opiskeluoikeus.filter(scope, oppija_id=oppija.id, mitatoity=False).exists():
        return True
    kotikunta = current_kuntakoodi(await Kotikunta.filter(oppija_id=oppija.id), today)
    return kotikunta is not None and kotikunta in await own_kuntakoodit(principal)


# --- Facts for the rules --------------------------------------------------------------------------


def _kotikunta_jaksot(rows: Iterable[tuple[str, date, date | None]]) -> tuple[ov.KotikuntaJakso, ...]:
    return tuple(ov.KotikuntaJakso(alku=alku, loppu=loppu, kuntakoodi=koodi) for koodi, alku, loppu in rows)


async def load_facts(oppija_ids: Sequence[int]) -> dict[int, ov.HenkiloFacts]:
    """HenkiloFacts for many people in seven set-based queries (no per-person round trips). People without a
    known syntymäaika are left out: no rule can place them."""
    ids = sorted(set(oppija_ids))
    if not ids:
        return {}
    people = await fetch(lambda p: f"SELECT id, oid, syntymaaika, turvakielto FROM oppija WHERE id IN ({p.many(ids)})")
    kotikunnat: dict[int, list[tuple[str, date, date | None]]] = defaultdict(list)
    for r in await fetch(
        lambda p: (
            "SELECT oppija_id, kuntakoodi, alku, loppu FROM kotikunta "
            f"WHERE oppija_id IN ({p.many(ids)}) ORDER BY alku, id"
        )
    ):
        kotikunnat[r[0]].append((r[1], day(r[2]), day(r[3])))  # type: ignore[arg-type]
    tilat: dict[int, list[TilaJakso]] = defaultdict(list)
    for r in await fetch(
        lambda p: (
            "SELECT t.opiskeluoikeus_id, t.alku, t.tila FROM opiskeluoikeuden_tila t "
            "JOIN opiskeluoikeus o ON o.id = t.opiskeluoikeus_id "
            f"WHERE o.oppija_id IN ({p.many(ids)}) ORDER BY t.alku, t.id"
        )
    ):
        tilat[r[0]].append(TilaJakso(day(r[1]), r[2]))  # type: ignore[arg-type]
    suoritukset: dict[int, list[Suoritus]] = defaultdict(list)
    for r in await fetch(
        lambda p: (
            "SELECT s.opiskeluoikeus_id, s.tyyppi, s.tutkinto_koodi, s.tutkinto_nimi, s.vahvistus "
            "FROM paatason_suoritus s JOIN opiskeluoikeus o ON o.id = s.opiskeluoikeus_id "
            f"WHERE o.oppija_id IN ({p.many(ids)}) ORDER BY s.id"
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
            f"WHERE o.oppija_id IN ({p.many(ids)}) ORDER BY o.id"
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
            lambda p: f"SELECT oppija_id, alku FROM valpas_vapautus WHERE oppija_id IN ({p.many(ids)})"
        )
    }
    keskeytykset: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
    for r in await fetch(
        lambda p: (
            f"SELECT oppija_id, alku, loppu FROM valpas_keskeytys WHERE oppija_id IN ({p.many(ids)}) ORDER BY alku"
        )
    ):
        keskeytykset[r[0]].append((day(r[1]), day(r[2])))  # type: ignore[arg-type]
    return {
        r[0]: ov.HenkiloFacts(
            oppija_oid=r[1],
            syntymaaika=born,
            kotikunta_historia=_kotikunta_jaksot(kotikunnat.get(r[0], ())),
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


# --- Automaattinen tarkistus (§6.3) ---------------------------------------------------------------

ListKey = tuple[str, str, str]  # (sukunimi, etunimet, oid): the lists' order, and their cursor


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
    yet reached (a day's slack for 29.2.); no vapautus in force; no perusopetus valmistunut mark before 2021 in
    a valid OO; no qualifying OO active today (started, and its latest tila row on or before today active).

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
          AND NOT EXISTS (SELECT 1 FROM valpas_vapautus v WHERE v.oppija_id = p.id AND v.alku <= {lit(today)})
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
    rows: list[TarkistusRivi] = []
    async for row in automaattinen_tarkistus(kunta, today, after, batch=first + 21):
        rows.append(row)
        if len(rows) > first:
            break
    page = rows[:first]
    await audit.record_reads(principal, "automaattinen_tarkistus", ((kunta, r.facts.oppija_oid) for r in page))
    return page, len(rows) > first


async def automaattinen_tarkistus_export(
    principal: Principal, kunta: str, today: date, batch: int = 2000
) -> AsyncIterator[list[TarkistusRivi]]:
    """The whole list in chunks for the CSV export; authorization happens before the first chunk, and every
    chunk's reads are audited as they are sent."""
    require_kunta_user(principal, await kunta_organisation(kunta), "export its automaattinen tarkistus list")
    chunk: list[TarkistusRivi] = []
    async for row in automaattinen_tarkistus(kunta, today, None, batch=batch):
        chunk.append(row)
        if len(chunk) >= batch:
            await audit.record_reads(principal, "automaattinen_tarkistus", ((kunta, r.facts.oppija_oid) for r in chunk))
            yield chunk
            chunk = []
    if chunk:
        await audit.record_reads(principal, "automaattinen_tarkistus", ((kunta, r.facts.oppija_oid) for r in chunk))
        yield chunk


# --- Hakeutumisen valvonta (§6.3) -----------------------------------------------------------------

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


# --- Records made by providers and kunnat ---------------------------------------------------------


async def _oppija(oid: str, field: str = "oppija_oid") -> Oppija:
    row = await Oppija.get_or_none(oid=oid)
    if row is None:
        raise NotFound("oppija", oid, field)
    return row


async def _pupil_of(oppija: Oppija, org: Organisation) -> bool:
    return await Opiskeluoikeus.filter(
        oppija_id=oppija.id, oppilaitos__path__startswith=org.path, mitatoity=False
    ).exists()


async def _require_resident(oppija: Oppija, kunta: Organisation, today: date) -> None:
    """Kunta records concern the kunta's own residents: the person's kotikunta today is that kunta."""
    if current_kuntakoodi(await Kotikunta.filter(oppija_id=oppija.id), today) != kunta.kuntakoodi:
        raise DomainError(
            "NOT_RESIDENT", f"oppija {oppija.oid} does not live in kunta {kunta.kuntakoodi} today", "oppija_oid"
        )


async def mark_muu_haku(principal: Principal, oppija_oid: str, oppilaitos_oid: str, muu_haku: bool) -> bool:
    """Set or clear the provider's own "Muu haku" note (FAQ: seen only by the provider and, through a
    kuntailmoitus, by the kunta). Only the oppilaitos' hakeutumisen valvoja, for its own pupils."""
    oppilaitos = await organisation(oppilaitos_oid, "oppilaitos_oid")
    if not principal.can(RoleName.VALVOJA_HAKEUTUMINEN, oppilaitos.path):
        raise Forbidden(f"{principal.name} is not a hakeutumisen valvoja of {oppilaitos_oid}")
    oppija = await _oppija(oppija_oid)
    if not await _pupil_of(oppija, oppilaitos):
        raise Forbidden(f"oppija {oppija_oid} is not a pupil of {oppilaitos_oid}")
    async with in_transaction():
        existing = await MuuHaku.get_or_none(oppija_id=oppija.id, oppilaitos_id=oppilaitos.id)
        if muu_haku and existing is None:
            await MuuHaku.create(oppija=oppija, oppilaitos=oppilaitos, merkitsija_id=principal.user_id)
        elif not muu_haku and existing is not None:
            await existing.delete()
        if muu_haku != (existing is not None):
            await audit.record(
                principal, "update", "muu_haku", oppilaitos_oid, oppija_oid, {"muu_haku": [not muu_haku, muu_haku]}
            )
    return muu_haku


# OVL 2 § exemptions exist from 1.8.2022 on (DOMAIN.md §6.3).
VAPAUTUS_FROM = date(2022, 8, 1)


async def add_vapautus(principal: Principal, oppija_oid: str, kuntakoodi: str, alku: date, today: date) -> Vapautus:
    """Record a kunta's exemption; from `alku` on the person leaves every view (rules: the day before ends both
    oppivelvollisuus and maksuttomuus). One per person."""
    kunta = await kunta_organisation(kuntakoodi)
    require_kunta_user(principal, kunta, "record a vapautus")
    if alku < VAPAUTUS_FROM:
        raise DomainError("OUT_OF_RANGE", f"a vapautus can begin on {VAPAUTUS_FROM} at the earliest", "alku")
    oppija = await _oppija(oppija_oid)
    await _require_resident(oppija, kunta, today)
    try:
        async with in_transaction():
            row = await Vapautus.create(oppija=oppija, kunta=kunta, alku=alku, created_by_id=principal.user_id)
            await audit.record(principal, "create", "vapautus", row.id, oppija_oid, audit.diff(None, {"alku": alku}))
    except IntegrityError as e:
        raise DomainError("DUPLICATE", f"oppija {oppija_oid} already has a vapautus", "oppija_oid") from e
    return row


async def add_keskeytys(
    principal: Principal, oppija_oid: str, kuntakoodi: str, alku: date, loppu: date | None, today: date
) -> Keskeytys:
    """Record a keskeytys of oppivelvollisuus; it is shown to officials and changes no dates (§6.3)."""
    kunta = await kunta_organisation(kuntakoodi)
    require_kunta_user(principal, kunta, "record a keskeytys")
    if loppu is not None and loppu < alku:
        raise DomainError("INVALID_PERIOD", "loppu must not be before alku", "loppu")
    oppija = await _oppija(oppija_oid)
    await _require_resident(oppija, kunta, today)
    async with in_transaction():
        row = await Keskeytys.create(
            oppija=oppija, kunta=kunta, alku=alku, loppu=loppu, created_by_id=principal.user_id
        )
        await audit.record(
            principal, "create", "keskeytys", row.id, oppija_oid, audit.diff(None, {"alku": alku, "loppu": loppu})
        )
    return row


# --- Kuntailmoitus (§6.3) -------------------------------------------------------------------------


@dataclass(frozen=True)
class Yhteystiedot:
    lahiosoite: str | None = None
    postinumero: str | None = None
    postitoimipaikka: str | None = None
    maa: str | None = None
    puhelinnumero: str | None = None
    sahkoposti: str | None = None


@dataclass(frozen=True)
class KuntailmoitusInput:
    oppija_oid: str
    kunta: str
    tekija_organisaatio: str
    yhteystiedot: Yhteystiedot
    yhteydenottokieli: str
    hakenut_muualle: bool


# Field → longest accepted text; the table's column lengths.
TEXT_LIMITS = {
    "lahiosoite": 200,
    "postitoimipaikka": 100,
    "maa": 100,
    "puhelinnumero": 32,
    "sahkoposti": 320,
}
_POSTINUMERO = re.compile(r"\d{5}")
_PUHELIN = re.compile(r"\+?[0-9 ()-]{5,}")
_SAHKOPOSTI = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def _clean(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


def validate_yhteystiedot(y: Yhteystiedot, kieli: str) -> tuple[Yhteystiedot, list[FieldError]]:
    """Trimmed contact details and every problem found: text lengths, no markup (the kunta's staff open these
    in browsers and spreadsheets), a five-digit postinumero, plausible phone and email, kieli fi/sv."""
    errors: list[FieldError] = []
    cleaned = Yhteystiedot(**{k: _clean(getattr(y, k)) for k in Yhteystiedot.__dataclass_fields__})
    for name in Yhteystiedot.__dataclass_fields__:
        value = getattr(cleaned, name)
        path = f"yhteystiedot.{name}"
        if value is None:
            continue
        if "<" in value or ">" in value:
            errors.append(FieldError(path, "MARKUP_NOT_ALLOWED", "must not contain < or >"))
        elif name in TEXT_LIMITS and len(value) > TEXT_LIMITS[name]:
            errors.append(FieldError(path, "TOO_LONG", f"at most {TEXT_LIMITS[name]} characters"))
    if cleaned.postinumero is not None and not _POSTINUMERO.fullmatch(cleaned.postinumero):
        errors.append(FieldError("yhteystiedot.postinumero", "INVALID_POSTINUMERO", "must be five digits"))
    if cleaned.puhelinnumero is not None and not _PUHELIN.fullmatch(cleaned.puhelinnumero):
        errors.append(FieldError("yhteystiedot.puhelinnumero", "INVALID_PHONE", "is not a phone number"))
    if cleaned.sahkoposti is not None and not _SAHKOPOSTI.fullmatch(cleaned.sahkoposti):
        errors.append(FieldError("yhteystiedot.sahkoposti", "INVALID_EMAIL", "is not an email address"))
    if cleaned.puhelinnumero is None and cleaned.sahkoposti is None and cleaned.lahiosoite is None:
        errors.append(FieldError("yhteystiedot", "REQUIRED", "give at least an address, a phone or an email"))
    if kieli not in {k.value for k in Kieli}:
        errors.append(FieldError("yhteydenottokieli", "INVALID_CHOICE", "must be fi or sv"))
    return cleaned, errors


async def _require_ilmoittaja(principal: Principal, tekija: Organisation, oppija: Oppija, today: date) -> None:
    """A provider's hakeutumisen/suorittamisen valvoja for their own pupils, or a kunta user for a resident of
    their own kunta (§6.3)."""
    if tekija.tyyppi == OrganisationTyyppi.KUNTA:
        require_kunta_user(principal, tekija, "make a kuntailmoitus")
        await _require_resident(oppija, tekija, today)
        return
    if not principal.can_any(ILMOITTAJA_ROLES, tekija.path):
        raise Forbidden(f"{principal.name} is not a hakeutumisen or suorittamisen valvoja of {tekija.oid}")
    if not await _pupil_of(oppija, tekija):
        raise Forbidden(f"oppija {oppija.oid} is not a pupil of {tekija.oid}")


async def create_kuntailmoitus(principal: Principal, data: KuntailmoitusInput, today: date) -> Kuntailmoitus:
    """Make an ilmoitus asuinkunnalle. There is no way to change or withdraw it afterwards."""
    yhteystiedot, errors = validate_yhteystiedot(data.yhteystiedot, data.yhteydenottokieli)
    if errors:
        raise ValidationFailed(errors)
    if principal.user_id is None:
        raise Forbidden("a kuntailmoitus is made by a person")
    kunta = await kunta_organisation(data.kunta)
    tekija = await organisation(data.tekija_organisaatio, "tekija_organisaatio")
    oppija = await _oppija(data.oppija_oid)
    await _require_ilmoittaja(principal, tekija, oppija, today)
    async with in_transaction():
        muu_haku = await MuuHaku.filter(oppija_id=oppija.id, oppilaitos__path__startswith=tekija.path).exists()
        row = await Kuntailmoitus.create(
            oppija=oppija,
            kunta=kunta,
            tekija_organisaatio=tekija,
            tekija_id=principal.user_id,
            yhteydenottokieli=Kieli(data.yhteydenottokieli),
            hakenut_muualle=data.hakenut_muualle,
            muu_haku=muu_haku,
            **vars(yhteystiedot),
        )
        await audit.record(
            principal,
            "create",
            "kuntailmoitus",
            row.id,
            oppija.oid,
            {"kunta": [None, kunta.kuntakoodi], "tekija_organisaatio": [None, tekija.oid]},
        )
    return row


KUNTAILMOITUS_RELATED = ("oppija", "kunta", "tekija_organisaatio", "tekija")


async def received_kuntailmoitukset(principal: Principal, kuntakoodi: str) -> list[Kuntailmoitus]:
    """Notifications sent to the kunta, newest first; for its own users only."""
    kunta = await kunta_organisation(kuntakoodi)
    require_kunta_user(principal, kunta, "read its kuntailmoitukset")
    rows = (
        await Kuntailmoitus.filter(kunta_id=kunta.id)
        .order_by("-created_at", "-id")
        .prefetch_related(*KUNTAILMOITUS_RELATED)
    )
    await audit.record_reads(principal, "kuntailmoitus", ((r.id, r.oppija.oid) for r in rows))
    return list(rows)


async def sent_kuntailmoitukset(principal: Principal, organisaatio_oid: str) -> list[Kuntailmoitus]:
    """Notifications the organisation (and those below it) made, newest first; for its ilmoittajat."""
    org = await organisation(organisaatio_oid, "organisaatio")
    if not principal.can_any((*ILMOITTAJA_ROLES, *KUNTA_ROLES), org.path):
        raise Forbidden(f"{principal.name} may not read the kuntailmoitukset sent by {organisaatio_oid}")
    rows = (
        await Kuntailmoitus.filter(tekija_organisaatio__path__startswith=org.path)
        .order_by("-created_at", "-id")
        .prefetch_related(*KUNTAILMOITUS_RELATED)
    )
    await audit.record_reads(principal, "kuntailmoitus", ((r.id, r.oppija.oid) for r in rows))
    return list(rows)


# --- Rights (§6.4) --------------------------------------------------------------------------------


async def grant_role(principal: Principal, user_name: str, organisation_oid: str, role: RoleName) -> Role:
    """Vastuukäyttäjä (on OPH) grants pääkäyttäjä roles; pääkäyttäjät grant valvoja roles in their own
    organisation (and those below). Rights are personal: nobody grants to themselves, nor to a service user.
    Every grant is audited."""
    rule = GRANTS.get(role)
    if rule is None:
        raise DomainError("INVALID_CHOICE", f"{role.value} is not granted through Valpas", "role")
    needed, org_types = rule
    org = await organisation(organisation_oid, "organisation")
    if org.tyyppi not in org_types:
        allowed = ", ".join(sorted(t.value for t in org_types))
        raise DomainError(
            "INVALID_CHOICE", f"{role.value} is given in a {allowed}, not a {org.tyyppi.value}", "organisation"
        )
    principal.require(needed, org.path, f"grant {role.value} in {organisation_oid}")
    user = await User.get_or_none(name=user_name)
    if user is None:
        raise NotFound("user", user_name, "user")
    if user.id == principal.user_id:
        raise DomainError("SELF_GRANT", "nobody can grant a right to themselves", "user")
    if user.kind != UserKind.OFFICIAL:
        raise DomainError("NOT_PERSONAL", "Valpas rights are personal: a service user cannot hold one", "user")
    try:
        async with in_transaction():
            row = await Role.create(user=user, organisation=org, role=role, granted_by_id=principal.user_id)
            await audit.record(
                principal,
                "grant",
                "role",
                row.id,
                None,
                {"user": [None, user_name], "organisation": [None, organisation_oid], "role": [None, role.value]},
            )
    except IntegrityError as e:
        raise DomainError("ALREADY_GRANTED", f"{user_name} already holds {role.value} there", "role") from e
    return row
