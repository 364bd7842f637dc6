"""Corrections of a kunta's records with history, never silent edits (issue 16.6): a keskeytys is ended or
cancelled (mitätöity), a vapautus cancelled, each by a user of the kunta that recorded it, once.

The old state stays on the row and shows in the person's history (`historia`), not only in the audit log: an
ended keskeytys keeps who ended it and when (it was open until then), a cancelled record keeps who cancelled it
and when, and a cancelled record no longer counts for any rule (`facts.load_facts` reads the uncancelled ones).
Each change is a compare-and-set on the state it corrects, so two officials correcting one record at once
cannot both succeed. A kuntailmoitus has no correction at all (§6.3; the database refuses UPDATE on it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TypeVar

from tortoise.transactions import in_transaction

from models.rules.viesti import Viesti
from models.services import audit
from models.services.access import Principal
from models.services.errors import DomainError, NotFound
from models.services.valpas.access import require_kunta_user
from models.valpas import Keskeytys, Vapautus

M = TypeVar("M", Keskeytys, Vapautus)
RELATED = ("oppija", "kunta", "created_by", "mitatoija")


async def _recorded(model: type[M], record_id: int, field: str, principal: Principal, what: str | Viesti) -> M:
    """The record with its people, for a user of the kunta that recorded it (FORBIDDEN for anyone else)."""
    related = (*RELATED, "paattaja") if model is Keskeytys else RELATED
    row = await model.get_or_none(id=record_id).prefetch_related(*related)
    if row is None:
        raise NotFound(field, record_id, field)
    require_kunta_user(principal, row.kunta, what)
    return row


def _already_cancelled(field: str, record_id: int) -> DomainError:
    return DomainError("ALREADY_CANCELLED", "{what} {id} is already cancelled", field, what=Viesti(field), id=record_id)


async def end_keskeytys(principal: Principal, keskeytys_id: int, loppu: date) -> Keskeytys:
    """End an open, uncancelled keskeytys on `loppu`. Compare-and-set on `loppu IS NULL` and no cancellation."""
    row = await _recorded(Keskeytys, keskeytys_id, "keskeytys", principal, "end its keskeytys")
    if loppu < row.alku:
        raise DomainError("INVALID_PERIOD", "loppu must not be before alku", "loppu")
    now = datetime.now(UTC)
    async with in_transaction():
        done = await Keskeytys.filter(id=row.id, loppu__isnull=True, mitatoity_at__isnull=True).update(
            loppu=loppu, paatetty_at=now, paattaja_id=principal.user_id
        )
        if not done:
            await row.refresh_from_db(fields=["loppu", "mitatoity_at"])
            if row.mitatoity_at is not None:
                raise _already_cancelled("keskeytys", keskeytys_id)
            raise DomainError("ALREADY_ENDED", "keskeytys {id} already has a loppu", "keskeytys", id=keskeytys_id)
        await audit.record(
            principal, "update", "keskeytys", row.id, row.oppija.oid, audit.diff({"loppu": None}, {"loppu": loppu})
        )
    await row.refresh_from_db()
    await row.fetch_related("paattaja")
    return row


async def _cancel(model: type[M], record_id: int, field: str, principal: Principal) -> M:
    row = await _recorded(model, record_id, field, principal, Viesti.of("cancel its {what}", what=Viesti(field)))
    now = datetime.now(UTC)
    async with in_transaction():
        if not await model.filter(id=row.id, mitatoity_at__isnull=True).update(
            mitatoity_at=now, mitatoija_id=principal.user_id
        ):
            raise _already_cancelled(field, record_id)
        changes = audit.diff({"mitatoity_at": None}, {"mitatoity_at": now})
        await audit.record(principal, "cancel", field, row.id, row.oppija.oid, changes)
    await row.refresh_from_db()
    await row.fetch_related("mitatoija")
    return row


async def cancel_keskeytys(principal: Principal, keskeytys_id: int) -> Keskeytys:
    """Cancel a keskeytys recorded by mistake (ended or not): it stays in the history, marked cancelled."""
    return await _cancel(Keskeytys, keskeytys_id, "keskeytys", principal)


async def cancel_vapautus(principal: Principal, vapautus_id: int) -> Vapautus:
    """Cancel a vapautus recorded by mistake: the person is back in the views from now on, and the kunta may
    record a new one; the cancelled one stays in the history."""
    return await _cancel(Vapautus, vapautus_id, "vapautus", principal)


async def _by_oppija(model: type[M], oppija_ids: Sequence[int], related: Sequence[str]) -> list[list[M]]:
    grouped: dict[int, list[M]] = defaultdict(list)
    rows = await model.filter(oppija_id__in=set(oppija_ids)).order_by("created_at", "id").prefetch_related(*related)
    for row in rows:
        grouped[row.oppija_id].append(row)  # type: ignore[attr-defined]
    return [grouped[i] for i in oppija_ids]


async def keskeytys_historia(oppija_ids: Sequence[int]) -> list[list[Keskeytys]]:
    """Every keskeytys of each person, cancelled ones included, in the order recorded."""
    return await _by_oppija(Keskeytys, oppija_ids, (*RELATED, "paattaja"))


async def vapautus_historia(oppija_ids: Sequence[int]) -> list[list[Vapautus]]:
    """Every vapautus of each person, cancelled ones included, in the order recorded."""
    return await _by_oppija(Vapautus, oppija_ids, RELATED)
