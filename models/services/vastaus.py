"""Storing a respondent's answer: once per link, even when submits race (DOMAIN.md §5).

Two guards, because either alone has a gap: the link row is locked (`SELECT … FOR UPDATE` on PostgreSQL) and its
state re-checked inside the transaction, so the second of two racing submits sees the first one's answer and is
refused cleanly; and `vastaus.kyselylinkki` is unique, so even a path that skips the lock (SQLite, where FOR UPDATE
is a no-op, or a future writer) can't store a second row.

A bundled instructor link (niputus, DOMAIN.md §4.1) is answered once: the answer is stored on the link, and the
link's NippuJasen rows say which työpaikkajaksot it answers for; `vastaukset_jaksoittain` unbundles for reports.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.kyselylinkki import Kyselylinkki, NippuJasen
from models.rules.calendar import helsinki_day
from models.rules.kysely import Arvo, Kysely
from models.rules.vastaaminen import LinkinTila, linkin_tila
from models.services.errors import DomainError, NotFound
from models.vastaus import Vastaus


class LinkkiEiAvoin(DomainError):
    """The link can't be answered now; `tila` picks the respondent's page."""

    def __init__(self, tila: LinkinTila) -> None:
        super().__init__(f"LINKKI_{tila.name}", f"the link is {tila.value}")
        self.tila = tila


def tila_nyt(link: Kyselylinkki, now: datetime) -> LinkinTila:
    return linkin_tila(
        vastausaika_alku=link.vastausaika_alku,
        vastausaika_loppu=link.vastausaika_loppu,
        vastattu_at=link.vastattu_at,
        peruttu_at=link.peruttu_at,
        today=helsinki_day(now),
    )


async def tallenna_vastaus(
    tunnus: str, kysely: Kysely, vastaukset: Mapping[str, Arvo], kieli: str, now: datetime
) -> Kyselylinkki:
    """Store the validated answers of the link `tunnus` and mark it answered; returns the link.

    The survey's tunnus and versio are stored with the answers: they stay tied to the version answered.
    Raises NotFound for an unknown tunnus and LinkkiEiAvoin when the link is not (or no longer) open.
    """
    try:
        async with in_transaction() as conn:
            link = await Kyselylinkki.filter(tunnus=tunnus).select_for_update().using_db(conn).first()
            if link is None:
                raise NotFound("kyselylinkki", "(tunnus)")
            tila = tila_nyt(link, now)
            if tila is not LinkinTila.AVOIN:
                raise LinkkiEiAvoin(tila)
            await Vastaus.create(
                kyselylinkki=link,
                kysely_tunnus=kysely.tunnus,
                kysely_versio=kysely.versio,
                kieli=kieli,
                vastaukset=dict(vastaukset),
                using_db=conn,
            )
            link.vastattu_at = now
            await link.save(update_fields=["vastattu_at"], using_db=conn)
            return link
    except IntegrityError:
        # Only the unique kyselylinkki column can clash here: another submit stored its answer first.
        raise LinkkiEiAvoin(LinkinTila.VASTATTU) from None


@dataclass(frozen=True)
class JaksonVastaus:
    """One answer as a report sees it: per työpaikkajakso for a bundled link, else per link (jakso None)."""

    kyselylinkki_id: int
    hankkimistapa_id: int | None
    vastaus: Vastaus


async def vastaukset_jaksoittain(kyselylinkki_ids: list[int]) -> list[JaksonVastaus]:
    """Unbundle answers: every member jakso of a bundled link carries the link's one answer (DOMAIN.md §4.1)."""
    vastaukset = await Vastaus.filter(kyselylinkki_id__in=kyselylinkki_ids).order_by("id")
    jasenet: dict[int, list[int]] = {}
    for jasen in await NippuJasen.filter(kyselylinkki_id__in=kyselylinkki_ids).order_by("hankkimistapa_id"):
        jasenet.setdefault(jasen.kyselylinkki_id, []).append(jasen.hankkimistapa_id)  # type: ignore[attr-defined]
    rows: list[JaksonVastaus] = []
    for vastaus in vastaukset:
        link_id: int = vastaus.kyselylinkki_id  # type: ignore[attr-defined]
        for jakso_id in jasenet.get(link_id) or [None]:  # type: ignore[list-item]
            rows.append(JaksonVastaus(kyselylinkki_id=link_id, hankkimistapa_id=jakso_id, vastaus=vastaus))
    return rows
