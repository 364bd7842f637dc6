"""Mirroring a batch of Koski persons in a few statements (issue 11 §6: 100 000 persons in minutes, not hours).

Koski's feed hands over up to 1000 persons at a time. Stored one by one through `save_oppija`, each cost about
twenty queries (a lookup per organisation, per stored row, per HOKS). Here the batch's persons, study rights and
organisations are read under lock in a few queries, each document is decided in Python by `save_oppija`'s rules
(newest version wins, an equal or older one is unchanged, a study right no longer listed is voided), the rows
go in with a statement per table, and the save-time feedback decisions run for every HOKS whose study right
changed. All or nothing: on a database error the batch rolls back and its documents go one by one through
`save_oppija`, where a refused document is that document's refusal. A document the batch does not decide
alone (a study right claimed by another person or listed twice, a missing write right) goes that way too, so
its refusal reads as it does from every other door.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
from tortoise.exceptions import BaseORMException
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

from models.hoks import Hoks
from models.opiskeluoikeus import OpiskeluoikeudenTila, Opiskeluoikeus, PaatasonSuoritus
from models.oppija import Kotikunta, Oppija
from models.organisation import Organisation
from models.rules.calendar import helsinki_day
from models.rules.koski import Henkilo, KoskiOpiskeluoikeus, KoskiOppija
from models.services import audit
from models.services.access import Principal
from models.services.bulk import delete_in, insert_rows
from models.services.errors import DomainError
from models.services.herate import record_herateet
from models.services.koski import (
    KOSKI_VOID,
    KOTIKUNTA_COLUMNS,
    SUORITUS_COLUMNS,
    TILA_COLUMNS,
    OppijaResult,
    audit_row,
    kotikunnat_changed,
    mark_voided,
    merge_henkilo,
    opiskeluoikeus_fields,
    organisations,
    suoritus_rows,
    tila_rows,
    vahvistus_arrivals,
)
from models.services.valpas import laatuliput
from models.user import RoleName

log = logging.getLogger("polku.koski")
# What the database may refuse: tortoise translates constraint and data errors, not a deadlock or a RAISE.
DATABASE_ERRORS = (BaseORMException, asyncpg.PostgresError)

OO_COLUMNS = (
    "oid",
    "oppija_id",
    "koulutustoimija_id",
    "oppilaitos_id",
    "tyyppi",
    "alku",
    "arvioitu_loppu",
    "versio",
    "mitatoity",
    "updated_at",
)


@dataclass
class _Loaded:
    persons: dict[str, Oppija]  # by OID
    rights: dict[str, Opiskeluoikeus]  # by OID: those the batch lists and every one its persons have
    orgs: dict[str, Organisation] = field(default_factory=dict)


@dataclass
class _Right:
    """A study right the batch writes: new (`stored` None) or a newer version of a stored one."""

    doc: KoskiOpiskeluoikeus
    fields: dict[str, Any]
    stored: Opiskeluoikeus | None
    stored_versio: int | None = None
    id: int = 0


@dataclass
class _Writes:
    new_persons: list[Oppija] = field(default_factory=list)
    rights: list[_Right] = field(default_factory=list)
    kotikunnat: list[tuple[Oppija, Henkilo]] = field(default_factory=list)  # persons whose history is given
    gone: list[Opiskeluoikeus] = field(default_factory=list)  # no longer listed: voided


async def mirror_batch(
    docs: list[KoskiOppija], principal: Principal, today: date | None = None
) -> tuple[list[OppijaResult], list[KoskiOppija]]:
    """Store `docs` (each a person's whole list, as the feed gives it) in one transaction; the results, and the
    documents left for `save_oppija` one by one (all of them when the batch failed)."""
    if not docs:
        return [], []
    try:
        async with in_transaction():
            return await _store(docs, principal, today or helsinki_day(datetime.now(UTC)))
    except (*DATABASE_ERRORS, DomainError) as e:
        log.warning("koski batch stored one by one", extra={"persons": len(docs), "problem": str(e)[:200]})
        return [], docs


async def _load(docs: list[KoskiOppija]) -> _Loaded:
    persons = {p.oid: p for p in await Oppija.filter(oid__in=[d.henkilo.oid for d in docs]).select_for_update()}
    listed = [oo.oid for d in docs for oo in d.opiskeluoikeudet]
    ids = [p.id for p in persons.values()]
    rights = await Opiskeluoikeus.filter(Q(oid__in=listed) | Q(oppija_id__in=ids)).select_for_update()
    org_oids = {o.oid for d in docs for oo in d.opiskeluoikeudet for o in (oo.koulutustoimija, oo.oppilaitos)}
    orgs = {o.oid: o for o in await Organisation.filter(oid__in=org_oids)}
    return _Loaded(persons, {oo.oid: oo for oo in rights}, orgs)


async def _store(
    docs: list[KoskiOppija], principal: Principal, today: date
) -> tuple[list[OppijaResult], list[KoskiOppija]]:
    loaded = await _load(docs)
    for doc in docs:  # an unknown organisation is created as `save_opiskeluoikeus` creates it
        for oo in doc.opiskeluoikeudet:
            await organisations(oo, loaded.orgs)
    listed = Counter(oo.oid for d in docs for oo in d.opiskeluoikeudet)
    results, rest, writes = [], [], _Writes()
    for doc in docs:
        if _decidable(doc, loaded, listed, principal):
            results.append(await _decide(doc, loaded, writes))
        else:
            rest.append(doc)
    await _write(writes, principal, today)
    await laatuliput.merkitse(p.id for p in loaded.persons.values() if p.id is not None)
    return results, rest


def _decidable(doc: KoskiOppija, loaded: _Loaded, listed: Counter[str], principal: Principal) -> bool:
    person = loaded.persons.get(doc.henkilo.oid)
    for oo in doc.opiskeluoikeudet:
        stored = loaded.rights.get(oo.oid)
        if listed[oo.oid] > 1 or (stored and (person is None or stored.oppija_id != person.id)):  # type: ignore[attr-defined]
            return False
        if not principal.can(RoleName.WRITE, loaded.orgs[oo.oppilaitos.oid].path):
            return False
    return _fits(doc)


def _fits(doc: KoskiOppija) -> bool:
    """Whether every text fits its column: the rows here bypass tortoise's checks, and SQLite has none."""
    h = doc.henkilo
    texts: list[tuple[type[Model], str, str | None]] = [
        (Oppija, "etunimet", h.etunimet),
        (Oppija, "sukunimi", h.sukunimi),
        (Oppija, "hetu", h.hetu),
    ]
    for oo in doc.opiskeluoikeudet:
        texts += [(Opiskeluoikeus, "tyyppi", oo.tyyppi), *((OpiskeluoikeudenTila, "tila", t.tila) for t in oo.tilat)]
        for s in oo.suoritukset:
            texts += [(PaatasonSuoritus, c, getattr(s, c)) for c in ("tyyppi", "tutkinto_koodi", "tutkinto_nimi")]
    return all(v is None or len(v) <= model._meta.fields_map[name].max_length for model, name, v in texts)  # type: ignore[attr-defined]


async def _decide(doc: KoskiOppija, loaded: _Loaded, writes: _Writes) -> OppijaResult:
    result = OppijaResult(doc.henkilo.oid, [], [], [], [])
    person = loaded.persons.get(doc.henkilo.oid)
    if person is None:
        person = loaded.persons[doc.henkilo.oid] = Oppija(oid=doc.henkilo.oid, etunimet="", sukunimi="")
        merge_henkilo(person, doc.henkilo)
        writes.new_persons.append(person)
    elif merge_henkilo(person, doc.henkilo):
        await person.save()
    if doc.henkilo.kotikuntahistoria is not None:
        writes.kotikunnat.append((person, doc.henkilo))
    for oo in doc.opiskeluoikeudet:
        stored = loaded.rights.get(oo.oid)
        if stored and stored.versio >= oo.versio:
            result.unchanged.append(oo.oid)
            continue
        orgs = loaded.orgs[oo.koulutustoimija.oid], loaded.orgs[oo.oppilaitos.oid]
        writes.rights.append(
            _Right(oo, opiskeluoikeus_fields(oo, person, *orgs), stored, stored.versio if stored else None)
        )
        (result.updated if stored else result.created).append(oo.oid)
    if doc.kaikki and person.id is not None:
        kept = {oo.oid for oo in doc.opiskeluoikeudet}
        gone = [
            r
            for r in loaded.rights.values()
            if r.oppija_id == person.id and not r.mitatoity and r.oid not in kept  # type: ignore[attr-defined]
        ]
        writes.gone.extend(gone)
        result.voided = [r.oid for r in gone]
    return result


async def _write_persons(writes: _Writes) -> None:
    """New persons in one insert (their ids read back by OID), and the kotikunta histories that changed."""
    await Oppija.bulk_create(writes.new_persons)
    ids = dict(await Oppija.filter(oid__in=[p.oid for p in writes.new_persons]).values_list("oid", "id"))
    for p in writes.new_persons:
        p.id = ids[p.oid]
    stored: dict[int, list[tuple[Any, ...]]] = {}
    rows = await Kotikunta.filter(oppija_id__in=[p.id for p, _ in writes.kotikunnat]).values_list(
        "oppija_id", "kuntakoodi", "alku", "loppu"
    )
    for oppija_id, *row in rows:
        stored.setdefault(oppija_id, []).append(tuple(row))
    changed = {p.id: wanted for p, h in writes.kotikunnat if (wanted := kotikunnat_changed(h, stored.get(p.id, [])))}
    await delete_in(Kotikunta, "oppija_id", list(changed))
    await insert_rows(Kotikunta, KOTIKUNTA_COLUMNS, [(i, *k) for i, wanted in changed.items() for k in wanted])


async def _write_rights(rights: list[_Right], now: datetime) -> None:
    """New study rights in one insert, newer versions updated, and every written one's tila and suoritus rows
    replaced (the first arrival of each vahvistus kept)."""
    created = [r for r in rights if r.stored is None]
    await insert_rows(Opiskeluoikeus, OO_COLUMNS, [_oo_row(r, now) for r in created])
    ids = dict(await Opiskeluoikeus.filter(oid__in=[r.doc.oid for r in created]).values_list("oid", "id"))
    for r in created:
        r.id = ids[r.doc.oid]
    replaced = [r for r in rights if r.stored is not None]
    arrived = await vahvistus_arrivals([r.stored.id for r in replaced if r.stored])
    for r in replaced:
        assert r.stored is not None
        r.id = r.stored.id
        await r.stored.update_from_dict(r.fields).save()
    await delete_in(OpiskeluoikeudenTila, "opiskeluoikeus_id", [r.id for r in replaced])
    await delete_in(PaatasonSuoritus, "opiskeluoikeus_id", [r.id for r in replaced])
    await insert_rows(OpiskeluoikeudenTila, TILA_COLUMNS, [t for r in rights for t in tila_rows(r.id, r.doc)])
    suoritukset = [s for r in rights for s in suoritus_rows(r.id, r.doc, arrived.get(r.id, {}), now)]
    await insert_rows(PaatasonSuoritus, SUORITUS_COLUMNS, suoritukset)


def _oo_row(r: _Right, now: datetime) -> tuple[Any, ...]:
    f = r.fields
    kt, ol, doc = f["koulutustoimija"], f["oppilaitos"], r.doc
    return (doc.oid, f["oppija"].id, kt.id, ol.id, doc.tyyppi, doc.alku, doc.arvioitu_loppu, doc.versio, False, now)


async def _write(writes: _Writes, principal: Principal, today: date) -> None:
    """The rows, their audit trail, then what `save_opiskeluoikeus` does after a write: a study right Koski
    marks voided is voided, and every HOKS of a written study right has its herätteet re-decided."""
    await _write_persons(writes)
    await _write_rights(writes.rights, datetime.now(UTC))
    await audit.record_many(principal, [audit_row(r.doc, r.stored_versio) for r in writes.rights])
    for r in writes.rights:
        if r.doc.mitatoity and not (r.stored and r.stored.mitatoity):
            await mark_voided(r.stored or await Opiskeluoikeus.get(id=r.id), KOSKI_VOID, principal)
    for hoks in await Hoks.filter(opiskeluoikeus_id__in=[r.id for r in writes.rights]).only("id"):
        await record_herateet(hoks.id, today)
    for gone in writes.gone:
        await mark_voided(gone, KOSKI_VOID, principal)
