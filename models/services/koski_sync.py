"""Following Koski's change feed (issue 11 §3): changed persons are fetched in batches and mirrored.

One run at a time across all workers and processes: a lease on the feed's row taken by compare-and-set, renewed
after every page; a killed holder's lease runs out. The cursor moves past a page only after every person on it
was stored, so a run killed mid-way repeats at most that page, and repeating changes nothing (equal versions
write nothing). A batch's changed persons are stored together by `mirror_batch`, which decides as `save_oppija`
does (and runs the same save-time feedback decisions as the other doors) and leaves to `save_oppija`, one
transaction a person, what it cannot store; a person Koski no longer returns has every study right voided.
A batch's stored versions are read first, so a person whose document would write nothing costs no transaction,
and a person given by OID alone is judged on a skim of the document (its study rights' OIDs and versions).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol, TypeVar

import msgspec
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from models.koski_synkronointi import KoskiSynkronointi
from models.opiskeluoikeus import Opiskeluoikeus
from models.oppija import Oppija
from models.rules.koski import KoskiOppija, read_document
from models.services.access import SYSTEM
from models.services.errors import DomainError
from models.services.koski import OppijaResult, save_oppija, void_missing
from models.services.koski_batch import DATABASE_ERRORS, mirror_batch

FEED = "muuttuneet-oppijat"
EPOCH = "1970-01-01T00:00:00Z"
LEASE = timedelta(minutes=10)
T = TypeVar("T")


class Feed(Protocol):
    async def start_cursor(self, since: str) -> str: ...
    async def muuttuneet(self, cursor: str, page_size: int) -> tuple[list[str], bool, str]: ...
    async def oppijat(self, oids: list[str]) -> list[msgspec.Raw]: ...


@dataclass
class SyncSummary:
    pages: int = 0
    oppijat: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    voided: int = 0
    refused: list[tuple[str, str]] = field(default_factory=list)
    busy: bool = False

    def count(self, result: OppijaResult) -> None:
        self.created += len(result.created)
        self.updated += len(result.updated)
        self.unchanged += len(result.unchanged)
        self.voided += len(result.voided)

    def line(self) -> str:
        if self.busy:
            return "another koski-sync is running; nothing done"
        return (
            f"pages {self.pages}, persons {self.oppijat}: accepted {self.created}, new version {self.updated}, "
            f"unchanged {self.unchanged}, voided {self.voided}, refused {len(self.refused)}"
        )


async def acquire(owner: str, now: datetime) -> bool:
    """Take the feed's lease unless another live holder has it (an atomic conditional UPDATE)."""
    with contextlib.suppress(IntegrityError):  # created at the same moment by another process
        await KoskiSynkronointi.get_or_create(nimi=FEED)
    free = Q(lukittu_asti=None) | Q(lukittu_asti__lt=now) | Q(lukitsija=owner)
    taken = await KoskiSynkronointi.filter(Q(nimi=FEED) & free).update(lukittu_asti=now + LEASE, lukitsija=owner)
    return taken == 1


async def _advance(owner: str, cursor: str, now: datetime) -> bool:
    """Store the cursor and renew the lease, only while the lease is still ours."""
    moved = await KoskiSynkronointi.filter(nimi=FEED, lukitsija=owner).update(cursor=cursor, lukittu_asti=now + LEASE)
    return moved == 1


async def release(owner: str) -> None:
    await KoskiSynkronointi.filter(nimi=FEED, lukitsija=owner).update(lukittu_asti=None, lukitsija=None)


async def sync(
    feed: Feed,
    *,
    since: str | None = None,
    page_size: int = 1000,
    batch_size: int = 1000,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    today: date | None = None,
) -> SyncSummary:
    """Mirror every change since the stored cursor (or `since`, an ISO instant) until the feed says no more;
    `today` is the day the feedback decisions are taken on (default: the Helsinki day now)."""
    owner = uuid.uuid4().hex
    summary = SyncSummary()
    if not await acquire(owner, clock()):
        summary.busy = True
        return summary
    try:
        row = await KoskiSynkronointi.get(nimi=FEED)
        cursor = row.cursor if since is None and row.cursor else await feed.start_cursor(since or EPOCH)
        while True:
            oids, more, next_cursor = await feed.muuttuneet(cursor, page_size)
            unique = list(dict.fromkeys(oids))
            for start in range(0, len(unique), batch_size):
                await _mirror_batch(feed, unique[start : start + batch_size], summary, today)
            summary.pages += 1
            if not await _advance(owner, next_cursor, clock()):
                break  # the lease ran out and another run took over
            cursor = next_cursor
            if not more:
                break
    finally:
        await release(owner)
    return summary


async def _mirror_batch(feed: Feed, oids: list[str], summary: SyncSummary, today: date | None) -> None:
    """The batch's changed documents together through `mirror_batch`; those it leaves, one by one."""
    documents: dict[Any, tuple[msgspec.Raw, _Skimmed | None]] = {}
    for raw in await feed.oppijat(oids):
        skimmed = _skim(raw)
        henkilo = skimmed.henkilo if skimmed else _decoded(raw).get("henkilö")
        documents[henkilo.get("oid") if isinstance(henkilo, dict) else None] = (raw, skimmed)
    known = await _stored(oids)
    changed = []
    for oid in oids:
        summary.oppijat += 1
        luettu = await _guarded(oid, summary, _read(oid, documents.get(oid), known, summary))
        if luettu is not None:
            changed.append(luettu)
    results, rest = await mirror_batch(changed, SYSTEM, today)
    for result in results:
        summary.count(result)
    for doc in rest:
        if saved := await _guarded(doc.henkilo.oid, summary, save_oppija(doc, SYSTEM, today, mirror=True)):
            summary.count(saved)


async def _guarded(oid: str, summary: SyncSummary, step: Awaitable[T]) -> T | None:
    """A person's step, its refusal recorded instead of ending the run."""
    try:
        return await step
    except DomainError as e:
        summary.refused.append((oid, f"{e.field}: {e.message}" if e.field else e.message))
    except DATABASE_ERRORS as e:
        summary.refused.append((oid, f"the database refused it: {e}"))
    return None


Stored = tuple[dict[str, Oppija], dict[str, dict[str, int]]]


async def _stored(oids: list[str]) -> Stored:
    """The batch's stored persons and their unvoided study rights' versions, in two reads."""
    persons = {p.oid: p for p in await Oppija.filter(oid__in=oids)}
    versions: dict[str, dict[str, int]] = {}
    rows = await Opiskeluoikeus.filter(oppija__oid__in=oids, mitatoity=False).values_list(
        "oppija__oid", "oid", "versio"
    )
    for oppija_oid, oo_oid, versio in rows:
        versions.setdefault(oppija_oid, {})[oo_oid] = versio
    return persons, versions


def _unchanged(doc: KoskiOppija, known: Stored) -> bool:
    """True when storing `doc` would write nothing: same details, same study rights at the same versions."""
    stored = known[0].get(doc.henkilo.oid)
    if stored is None or doc.henkilo.kotikuntahistoria is not None:
        return False
    h = doc.henkilo
    given: dict[str, object] = {
        "etunimet": h.etunimet,
        "sukunimi": h.sukunimi,
        "hetu": h.hetu,
        "syntymaaika": h.syntymaaika,
        "turvakielto": h.turvakielto,
    }
    if any(v is not None and getattr(stored, k) != v for k, v in given.items()):
        return False
    wanted = {oo.oid: oo.versio for oo in doc.opiskeluoikeudet if not oo.mitatoity}
    return len(wanted) == len(doc.opiskeluoikeudet) and known[1].get(h.oid, {}) == wanted


class _SkimmedOpiskeluoikeus(msgspec.Struct):
    oid: Any = None
    versionumero: Any = None


class _Skimmed(msgspec.Struct):
    """What decides whether a /sure/oids document changes anything. msgspec passes over the rest (the
    suoritukset, nearly all of a document) without building it: a re-read of unchanged persons costs little."""

    henkilo: Any = msgspec.field(default=None, name="henkilö")
    opiskeluoikeudet: list[_SkimmedOpiskeluoikeus] = msgspec.field(default_factory=list)


def _skim(raw: msgspec.Raw) -> _Skimmed | None:
    try:
        return msgspec.json.decode(raw, type=_Skimmed)
    except msgspec.ValidationError:  # not the expected shape: the full reading says what is wrong
        return None


def _decoded(raw: msgspec.Raw) -> Any:
    doc = msgspec.json.decode(raw)
    return doc if isinstance(doc, dict) else {}


def _skimmed_unchanged(oid: str, skimmed: _Skimmed | None, known: Stored) -> bool:
    """True when a person given by OID alone (as /sure/oids gives them) lists exactly the stored study rights at
    the stored versions: `save_oppija` would then write nothing (an equal version is unchanged)."""
    if skimmed is None or skimmed.henkilo != {"oid": oid} or oid not in known[0]:
        return False
    versions = {oo.oid: oo.versionumero for oo in skimmed.opiskeluoikeudet if type(oo.versionumero) is int}
    return len(versions) == len(skimmed.opiskeluoikeudet) and known[1].get(oid, {}) == versions


async def _read(
    oid: str, document: tuple[msgspec.Raw, _Skimmed | None] | None, known: Stored, summary: SyncSummary
) -> KoskiOppija | None:
    """The person's document when it may change something; a person Koski no longer returns is voided here."""
    if document is None:  # Koski returns no person whose every study right was voided
        if known[1].get(oid):
            async with in_transaction():
                summary.voided += len(await void_missing(oid, set(), SYSTEM))
        return None
    raw, skimmed = document
    if _skimmed_unchanged(oid, skimmed, known):
        summary.unchanged += len(skimmed.opiskeluoikeudet) if skimmed else 0
        return None
    luettu = read_document(msgspec.json.decode(raw))
    if luettu.oppija is None:
        summary.refused.append((oid, "; ".join(f"{e.field}: {e.message}" for e in luettu.errors)))
        return None
    if _unchanged(luettu.oppija, known):
        summary.unchanged += len(luettu.oppija.opiskeluoikeudet)
        return None
    return luettu.oppija
