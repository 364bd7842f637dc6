"""The Koski mirror: a transfer replaces the stored opiskeluoikeus whole, newest version wins (DOMAIN.md §2).

Voiding (mitätöinti) is only for a wrong type or a learner who never started; it hides the HOKS, blocks its
updates and cancels its pending survey links, all in the same transaction. A study right Koski no longer returns
for a person (its Oppija document lists every one) was voided in Koski and is voided here the same way.
A person's details are merged: what a document does not give is kept, and what is still unknown is listed on
the oppija as a data-quality item instead of refusing the transfer.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from tortoise.transactions import in_transaction

from models.hoks import Hoks
from models.kyselylinkki import Kyselylinkki
from models.opiskeluoikeus import OpiskeluoikeudenTila, Opiskeluoikeus, PaatasonSuoritus
from models.oppija import Kotikunta, Oppija
from models.organisation import Organisation, OrganisationTyyppi
from models.rules.calendar import helsinki_day
from models.rules.koski import Henkilo, KoskiOpiskeluoikeus, KoskiOppija, puuttuvat_tiedot
from models.rules.viesti import Viesti
from models.services import audit
from models.services.access import Principal
from models.services.bulk import insert_rows
from models.services.errors import DomainError, NotFound
from models.services.herate import record_herateet
from models.services.organisations import ensure_organisation
from models.services.valpas import laatuliput
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
        await laatuliput.merkitse([oppija.id])
    return result


async def void_missing(oppija_oid: str, kept: set[str], principal: Principal) -> list[str]:
    """Void the person's stored, unvoided study rights that are not in `kept`; their OIDs."""
    gone = (
        await Opiskeluoikeus.filter(oppija__oid=oppija_oid, mitatoity=False)
        .exclude(oid__in=kept or {""})
        .select_for_update()
    )
    for oo in gone:
        await mark_voided(oo, KOSKI_VOID, principal)
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
    merged_by_caller = oppija is not None  # the caller then stores the data-quality flags of the whole person
    async with in_transaction():
        if equal_is_unchanged:  # a mirror re-reading an unchanged study right: one read, no writes
            same = (
                await Opiskeluoikeus.filter(oid=doc.oid, versio=doc.versio, oppija__oid=doc.henkilo.oid)
                .prefetch_related("oppilaitos")
                .first()
            )
            if same is not None:
                principal.require(RoleName.WRITE, same.oppilaitos.path, Viesti.of("opiskeluoikeus {oid}", oid=doc.oid))
                return SaveResult(same.id, created=False, voided=same.mitatoity, changed=False)
        koulutustoimija, oppilaitos = await organisations(doc, {})
        principal.require(RoleName.WRITE, oppilaitos.path, Viesti.of("opiskeluoikeus {oid}", oid=doc.oid))
        if oppija is None:  # else the caller merged the person already, in this transaction
            # the person before the study right, the order `save_oppija` and the sync's batches lock them in:
            # two doors saving one learner at once then wait for each other instead of deadlocking
            oppija = await _upsert_oppija(doc.henkilo)
        stored = await Opiskeluoikeus.filter(oid=doc.oid).select_for_update().prefetch_related("oppija").first()
        if stored and stored.versio == doc.versio and equal_is_unchanged and stored.oppija.oid == doc.henkilo.oid:
            return SaveResult(stored.id, created=False, voided=stored.mitatoity, changed=False)
        if stored and stored.versio >= doc.versio:
            raise DomainError(
                STALE_VERSION,
                "version {versio} refused: version {stored} is already stored",
                "versionumero",
                versio=doc.versio,
                stored=stored.versio,
            )
        if stored and stored.oppija.oid != doc.henkilo.oid:
            raise DomainError("OPPIJA_MISMATCH", "an opiskeluoikeus cannot move to another oppija", "henkilö.oid")
        fields = opiskeluoikeus_fields(doc, oppija, koulutustoimija, oppilaitos)
        arrived = (await vahvistus_arrivals([stored.id])).get(stored.id, {}) if stored else {}
        if stored:
            await OpiskeluoikeudenTila.filter(opiskeluoikeus=stored).delete()
            await PaatasonSuoritus.filter(opiskeluoikeus=stored).delete()
            await stored.update_from_dict(fields).save()
            oo = stored
        else:
            oo = await Opiskeluoikeus.create(oid=doc.oid, **fields)
        # model objects here: tortoise checks each value (a code longer than its column is this one's refusal)
        await OpiskeluoikeudenTila.bulk_create(
            [OpiskeluoikeudenTila(**dict(zip(TILA_COLUMNS, row, strict=True))) for row in tila_rows(oo.id, doc)]
        )
        await PaatasonSuoritus.bulk_create(
            [
                PaatasonSuoritus(**dict(zip(SUORITUS_COLUMNS, row, strict=True)))
                for row in suoritus_rows(oo.id, doc, arrived, now)
            ]
        )
        await audit.record_many(principal, [audit_row(doc, stored.versio if stored else None)])
        if doc.mitatoity and not oo.mitatoity:
            await mark_voided(oo, KOSKI_VOID, principal)
        if not merged_by_caller:
            await laatuliput.merkitse([oppija.id])
        hoks = await Hoks.get_or_none(opiskeluoikeus=oo)
        if hoks is not None:
            await record_herateet(hoks.id, today or helsinki_day(datetime.now(UTC)))
        return SaveResult(oo.id, created=stored is None, voided=doc.mitatoity)


async def vahvistus_arrivals(ids: list[int]) -> dict[int, dict[tuple[str, str | None], datetime]]:
    """When each vahvistettu suoritus of these stored study rights first arrived: a new transfer replaces the rows
    but keeps these, since the päättökysely goes by whichever trigger reached Polku first (§3)."""
    rows = await PaatasonSuoritus.filter(opiskeluoikeus_id__in=ids, vahvistus_tallennettu__not_isnull=True).values(
        "opiskeluoikeus_id", "tyyppi", "tutkinto_koodi", "vahvistus_tallennettu"
    )
    out: dict[int, dict[tuple[str, str | None], datetime]] = {}
    for r in rows:
        out.setdefault(r["opiskeluoikeus_id"], {})[(r["tyyppi"], r["tutkinto_koodi"])] = r["vahvistus_tallennettu"]
    return out


async def organisations(doc: KoskiOpiskeluoikeus, known: dict[str, Organisation]) -> tuple[Organisation, Organisation]:
    """The study right's koulutustoimija and oppilaitos, from `known` or the database, created when unknown."""
    kt = known.get(doc.koulutustoimija.oid) or await ensure_organisation(
        doc.koulutustoimija.oid, OrganisationTyyppi.KOULUTUSTOIMIJA, doc.koulutustoimija.nimi
    )
    known[kt.oid] = kt
    ol = known.get(doc.oppilaitos.oid) or await ensure_organisation(
        doc.oppilaitos.oid, OrganisationTyyppi.OPPILAITOS, doc.oppilaitos.nimi, parent=kt
    )
    known[ol.oid] = ol
    return kt, ol


def opiskeluoikeus_fields(
    doc: KoskiOpiskeluoikeus, oppija: Oppija, koulutustoimija: Organisation, oppilaitos: Organisation
) -> dict[str, Any]:
    """What a transfer replaces of the stored study right (voiding is separate: a new version never un-voids)."""
    return {
        "oppija": oppija,
        "koulutustoimija": koulutustoimija,
        "oppilaitos": oppilaitos,
        "tyyppi": doc.tyyppi,
        "alku": doc.alku,
        "arvioitu_loppu": doc.arvioitu_loppu,
        "versio": doc.versio,
    }


TILA_COLUMNS = ("opiskeluoikeus_id", "alku", "tila")
SUORITUS_COLUMNS = (
    "opiskeluoikeus_id",
    "tyyppi",
    "tutkinto_koodi",
    "tutkinto_nimi",
    "vahvistus",
    "vahvistus_tallennettu",
)


def tila_rows(oo_id: int, doc: KoskiOpiskeluoikeus) -> list[tuple[Any, ...]]:
    return [(oo_id, t.alku, t.tila) for t in doc.tilat]


def suoritus_rows(
    oo_id: int, doc: KoskiOpiskeluoikeus, arrived: dict[tuple[str, str | None], datetime], now: datetime
) -> list[tuple[Any, ...]]:
    return [
        (
            oo_id,
            s.tyyppi,
            s.tutkinto_koodi,
            s.tutkinto_nimi,
            s.vahvistus,
            arrived.get((s.tyyppi, s.tutkinto_koodi), now) if s.vahvistus else None,
        )
        for s in doc.suoritukset
    ]


def audit_row(doc: KoskiOpiskeluoikeus, stored_versio: int | None) -> audit.Row:
    action = "create" if stored_versio is None else "update"
    return (action, "opiskeluoikeus", doc.oid, doc.henkilo.oid, {"versio": [stored_versio, doc.versio]})


async def _upsert_oppija(h: Henkilo) -> Oppija:
    """Merge the person: given details replace stored ones, missing ones keep them; writes only on a change."""
    stored = await Oppija.filter(oid=h.oid).select_for_update().first()
    oppija = stored or Oppija(oid=h.oid, etunimet="", sukunimi="")
    if merge_henkilo(oppija, h) or stored is None:
        await oppija.save()
    if h.kotikuntahistoria is not None:
        rows = await Kotikunta.filter(oppija=oppija).values_list("kuntakoodi", "alku", "loppu")
        if (wanted := kotikunnat_changed(h, rows)) is not None:
            await Kotikunta.filter(oppija=oppija).delete()
            await insert_rows(Kotikunta, KOTIKUNTA_COLUMNS, [(oppija.id, *k) for k in wanted])
    return oppija


def merge_henkilo(oppija: Oppija, h: Henkilo) -> bool:
    """Given details replace stored ones, missing ones keep them; the missing list follows. True on a change."""
    given: dict[str, Any] = {
        "etunimet": h.etunimet,
        "sukunimi": h.sukunimi,
        "hetu": h.hetu,
        "syntymaaika": h.syntymaaika,
        "turvakielto": h.turvakielto,
    }
    values = {k: v for k, v in given.items() if v is not None}
    changed = any(getattr(oppija, k) != v for k, v in values.items())
    oppija.update_from_dict(values)
    puuttuvat = puuttuvat_tiedot(oppija.etunimet, oppija.sukunimi, oppija.syntymaaika) or None
    if puuttuvat != oppija.puuttuvat_tiedot:
        oppija.puuttuvat_tiedot = puuttuvat
        changed = True
    return changed


KOTIKUNTA_COLUMNS = ("oppija_id", "kuntakoodi", "alku", "loppu")


def kotikunnat_changed(h: Henkilo, stored: Iterable[Sequence[Any]]) -> list[tuple[Any, ...]] | None:
    """The kotikunta history the document gives, when it differs from the stored rows; else None."""
    if h.kotikuntahistoria is None:
        return None
    wanted = sorted((k.kuntakoodi, k.alku, k.loppu) for k in h.kotikuntahistoria)
    return None if sorted(tuple(row) for row in stored) == wanted else wanted


async def void_opiskeluoikeus(oid: str, syy: str, principal: Principal) -> Opiskeluoikeus:
    if syy not in VOID_REASONS:
        raise DomainError(
            "INVALID_CHOICE", "syy must be one of {allowed}", "syy", allowed=", ".join(sorted(VOID_REASONS))
        )
    async with in_transaction():
        oo = await Opiskeluoikeus.filter(oid=oid).select_for_update().prefetch_related("oppilaitos").first()
        if oo is None:
            raise NotFound("opiskeluoikeus", oid, "oid")
        principal.require(RoleName.WRITE, oo.oppilaitos.path, Viesti.of("opiskeluoikeus {oid}", oid=oid))
        if oo.mitatoity:
            raise DomainError("ALREADY_VOIDED", "opiskeluoikeus {oid} is already voided", "oid", oid=oid)
        await mark_voided(oo, syy, principal)
        return oo


async def mark_voided(oo: Opiskeluoikeus, syy: str, principal: Principal) -> None:
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
