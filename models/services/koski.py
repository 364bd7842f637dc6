"""The Koski mirror: a transfer replaces the stored opiskeluoikeus whole, newest version wins (DOMAIN.md §2).

Voiding (mitätöinti) is only for a wrong type or a learner who never started; it hides the HOKS, blocks its
updates and cancels its pending survey links, all in the same transaction. A study right Koski no longer returns
for a person (its Oppija document lists every one) was voided in Koski and is voided here the same way.
A person's details are merged: what a document does not give is kept, and what is still unknown is listed on
the oppija as a data-quality item instead of refusing the transfer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from tortoise.transactions import in_transaction

from models.hoks import Hoks
from models.kyselylinkki import Kyselylinkki
from models.opiskeluoikeus import OpiskeluoikeudenTila, Opiskeluoikeus, PaatasonSuoritus
from models.oppija import Kotikunta, Oppija
from models.organisation import OrganisationTyyppi
from models.rules.calendar import helsinki_day
from models.rules.koski import Henkilo, KoskiOpiskeluoikeus, KoskiOppija, puuttuvat_tiedot
from models.services import audit
from models.services.access import Principal
from models.services.errors import DomainError, NotFound
from models.services.herate import record_herateet
from models.services.organisations import ensure_organisation
from models.user import RoleName

VOID_REASONS = frozenset({"vaara_tyyppi", "ei_aloittanut"})
# Why a study right was voided when Koski itself voided it (a mitatoity tila, or gone from the person's list).
KOSKI_VOID = "koski"
STALE_VERSION = "STALE_VERSION"


@dataclass(frozen=True)
class SaveResult:
    opiskeluoikeus_id: int
    created: bool
    voided: bool
    changed: bool = True


@dataclass
class OppijaResult:
    """What one document did: study rights created, updated to a new version, unchanged; and those voided."""

    oppija_oid: str
    created: list[str]
    updated: list[str]
    unchanged: list[str]
    voided: list[str]


async def save_oppija(
    doc: KoskiOppija, principal: Principal, today: date | None = None, *, mirror: bool = False
) -> OppijaResult:
    """One document in one transaction: the person merged, each study right saved (an equal version unchanged).

    As a `mirror` of the change feed, whose answer lists all of a person's study rights, an older version than
    the stored one is left unchanged (newest wins) and a stored study right the answer no longer lists is
    voided, as `voidOpiskeluoikeus` would.
    """
    result = OppijaResult(doc.henkilo.oid, [], [], [], [])
    async with in_transaction():
        oppija = await _upsert_oppija(doc.henkilo)
        for i, oo in enumerate(doc.opiskeluoikeudet):
            try:
                saved = await save_opiskeluoikeus(oo, principal, today, equal_is_unchanged=True, oppija=oppija)
            except DomainError as e:
                if mirror and e.code == STALE_VERSION:
                    result.unchanged.append(oo.oid)
                    continue
                if doc.kaikki:  # name the study right within the person's list
                    e.field = f"opiskeluoikeudet[{i}].{e.field}" if e.field else f"opiskeluoikeudet[{i}]"
                raise
            target = result.created if saved.created else result.updated if saved.changed else result.unchanged
            target.append(oo.oid)
        if mirror and doc.kaikki:
            result.voided = await void_missing(doc.henkilo.oid, {oo.oid for oo in doc.opiskeluoikeudet}, principal)
    return result


async def void_missing(oppija_oid: str, kept: set[str], principal: Principal) -> list[str]:
    """Void the person's stored, unvoided study rights that are not in `kept`; their OIDs."""
    gone = (
        await Opiskeluoikeus.filter(oppija__oid=oppija_oid, mitatoity=False)
        .exclude(oid__in=kept or {""})
        .select_for_update()
    )
    for oo in gone:
        await _void(oo, KOSKI_VOID, principal)
    return [oo.oid for oo in gone]


async def save_opiskeluoikeus(
    doc: KoskiOpiskeluoikeus,
    principal: Principal,
    today: date | None = None,
    *,
    equal_is_unchanged: bool = False,
    oppija: Oppija | None = None,
) -> SaveResult:
    """Store a transfer, or refuse it (STALE_VERSION) when the stored version is newer or, unless
    `equal_is_unchanged` (a mirror re-reading Koski), the same; an equal version then writes nothing.

    A vahvistus or a tila change may trigger or block feedback, so the HOKS's herätteet are re-decided here
    (`today` defaults to the Helsinki day now).
    """
    now = datetime.now(UTC)
    async with in_transaction():
        if equal_is_unchanged:  # a mirror re-reading an unchanged study right: one read, no writes
            same = (
                await Opiskeluoikeus.filter(oid=doc.oid, versio=doc.versio, oppija__oid=doc.henkilo.oid)
                .prefetch_related("oppilaitos")
                .first()
            )
            if same is not None:
                principal.require(RoleName.WRITE, same.oppilaitos.path, f"opiskeluoikeus {doc.oid}")
                return SaveResult(same.id, created=False, voided=same.mitatoity, changed=False)
        koulutustoimija = await ensure_organisation(
            doc.koulutustoimija.oid, OrganisationTyyppi.KOULUTUSTOIMIJA, doc.koulutustoimija.nimi
        )
        oppilaitos = (
            koulutustoimija
            if doc.oppilaitos.oid == doc.koulutustoimija.oid
            else await ensure_organisation(
                doc.oppilaitos.oid, OrganisationTyyppi.OPPILAITOS, doc.oppilaitos.nimi, parent=koulutustoimija
            )
        )
        principal.require(RoleName.WRITE, oppilaitos.path, f"opiskeluoikeus {doc.oid}")
        stored = await Opiskeluoikeus.filter(oid=doc.oid).select_for_update().prefetch_related("oppija").first()
        if stored and stored.versio == doc.versio and equal_is_unchanged and stored.oppija.oid == doc.henkilo.oid:
            return SaveResult(stored.id, created=False, voided=stored.mitatoity, changed=False)
        if stored and stored.versio >= doc.versio:
            raise DomainError(
                STALE_VERSION,
                f"version {doc.versio} refused: version {stored.versio} is already stored",
                "versionumero",
            )
        if stored and stored.oppija.oid != doc.henkilo.oid:
            raise DomainError("OPPIJA_MISMATCH", "an opiskeluoikeus cannot move to another oppija", "henkilö.oid")
        if oppija is None:  # else the caller merged the person already, in this transaction
            oppija = await _upsert_oppija(doc.henkilo)
        fields: dict[str, Any] = {
            "oppija": oppija,
            "koulutustoimija": koulutustoimija,
            "oppilaitos": oppilaitos,
            "tyyppi": doc.tyyppi,
            "alku": doc.alku,
            "arvioitu_loppu": doc.arvioitu_loppu,
            "versio": doc.versio,
        }
        arrived = await _vahvistus_arrivals(stored)
        if stored:
            await OpiskeluoikeudenTila.filter(opiskeluoikeus=stored).delete()
            await PaatasonSuoritus.filter(opiskeluoikeus=stored).delete()
            await stored.update_from_dict(fields).save()
            oo = stored
        else:
            oo = await Opiskeluoikeus.create(oid=doc.oid, **fields)
        await OpiskeluoikeudenTila.bulk_create(
            [OpiskeluoikeudenTila(opiskeluoikeus=oo, alku=t.alku, tila=t.tila) for t in doc.tilat]
        )
        await PaatasonSuoritus.bulk_create(
            [
                PaatasonSuoritus(
                    opiskeluoikeus=oo,
                    tyyppi=s.tyyppi,
                    tutkinto_koodi=s.tutkinto_koodi,
                    tutkinto_nimi=s.tutkinto_nimi,
                    vahvistus=s.vahvistus,
                    vahvistus_tallennettu=arrived.get((s.tyyppi, s.tutkinto_koodi), now) if s.vahvistus else None,
                )
                for s in doc.suoritukset
            ]
        )
        await audit.record(
            principal,
            "update" if stored else "create",
            "opiskeluoikeus",
            doc.oid,
            oppija.oid,
            {"versio": [stored.versio if stored else None, doc.versio]},
        )
        if doc.mitatoity and not oo.mitatoity:
            await _void(oo, KOSKI_VOID, principal)
        hoks = await Hoks.get_or_none(opiskeluoikeus=oo)
        if hoks is not None:
            await record_herateet(hoks.id, today or helsinki_day(datetime.now(UTC)))
        return SaveResult(oo.id, created=stored is None, voided=doc.mitatoity)


async def _vahvistus_arrivals(stored: Opiskeluoikeus | None) -> dict[tuple[str, str | None], datetime]:
    """When each vahvistettu suoritus of the stored version first arrived: a new transfer replaces the rows but
    keeps these, since the päättökysely goes by whichever trigger reached Polku first (§3)."""
    if stored is None:
        return {}
    rows = await PaatasonSuoritus.filter(opiskeluoikeus=stored, vahvistus_tallennettu__not_isnull=True).values(
        "tyyppi", "tutkinto_koodi", "vahvistus_tallennettu"
    )
    return {(r["tyyppi"], r["tutkinto_koodi"]): r["vahvistus_tallennettu"] for r in rows}


async def _upsert_oppija(h: Henkilo) -> Oppija:
    """Merge the person: given details replace stored ones, missing ones keep them; writes only on a change."""
    oppija = await Oppija.filter(oid=h.oid).select_for_update().first()
    given: dict[str, Any] = {
        "etunimet": h.etunimet,
        "sukunimi": h.sukunimi,
        "hetu": h.hetu,
        "syntymaaika": h.syntymaaika,
        "turvakielto": h.turvakielto,
    }
    values = {k: v for k, v in given.items() if v is not None}
    new = oppija is None
    if oppija is None:
        oppija = Oppija(oid=h.oid, etunimet="", sukunimi="")
    changed = [k for k, v in values.items() if getattr(oppija, k) != v]
    oppija.update_from_dict(values)
    puuttuvat = puuttuvat_tiedot(oppija.etunimet, oppija.sukunimi, oppija.syntymaaika) or None
    if puuttuvat != oppija.puuttuvat_tiedot:
        oppija.puuttuvat_tiedot = puuttuvat
        changed.append("puuttuvat_tiedot")
    if new or changed:
        await oppija.save()
    if h.kotikuntahistoria is not None:
        stored = await Kotikunta.filter(oppija=oppija).order_by("alku").values_list("kuntakoodi", "alku", "loppu")
        wanted = sorted((k.kuntakoodi, k.alku, k.loppu) for k in h.kotikuntahistoria)
        if sorted(tuple(row) for row in stored) != wanted:
            await Kotikunta.filter(oppija=oppija).delete()
            await Kotikunta.bulk_create(
                [Kotikunta(oppija=oppija, kuntakoodi=k, alku=a, loppu=lo) for k, a, lo in wanted]
            )
    return oppija


async def void_opiskeluoikeus(oid: str, syy: str, principal: Principal) -> Opiskeluoikeus:
    if syy not in VOID_REASONS:
        raise DomainError("INVALID_CHOICE", f"syy must be one of {', '.join(sorted(VOID_REASONS))}", "syy")
    async with in_transaction():
        oo = await Opiskeluoikeus.filter(oid=oid).select_for_update().prefetch_related("oppilaitos").first()
        if oo is None:
            raise NotFound("opiskeluoikeus", oid, "oid")
        principal.require(RoleName.WRITE, oo.oppilaitos.path, f"opiskeluoikeus {oid}")
        if oo.mitatoity:
            raise DomainError("ALREADY_VOIDED", f"opiskeluoikeus {oid} is already voided", "oid")
        await _void(oo, syy, principal)
        return oo


async def _void(oo: Opiskeluoikeus, syy: str, principal: Principal) -> None:
    now = datetime.now(UTC)
    oo.mitatoity = True
    oo.mitatoity_at = now
    oo.mitatoinnin_syy = syy
    await oo.save(update_fields=["mitatoity", "mitatoity_at", "mitatoinnin_syy", "updated_at"])
    hoks_ids = await Hoks.filter(opiskeluoikeus=oo).values_list("id", flat=True)
    if hoks_ids:
        await Kyselylinkki.filter(hoks_id__in=hoks_ids, vastattu_at=None, peruttu_at=None).update(
            peruttu_at=now, peruutuksen_syy="opiskeluoikeus_mitatoity"
        )
    await audit.record(principal, "void", "opiskeluoikeus", oo.oid, None, {"mitatoinnin_syy": [None, syy]})
