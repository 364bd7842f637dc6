"""Storing a respondent's answer: once per link, even when submits race (DOMAIN.md §5).

Two guards, because either alone has a gap: the link row is locked (`SELECT … FOR UPDATE` on PostgreSQL) and its
state re-checked inside the transaction, so the second of two racing submits sees the first one's answer and is
refused cleanly; and `vastaus.kyselylinkki` is unique, so even a path that skips the lock (SQLite, where FOR UPDATE
is a no-op, or a future writer) can't store a second row.

A bundled instructor link (niputus, DOMAIN.md §4.1) is answered once: the answer is stored on the link, and the
link's NippuJasen rows say which työpaikkajaksot it answers for; `vastaukset_jaksoittain` unbundles for reports.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any, NamedTuple

from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from models.kyselylinkki import NippuJasen
from models.rules.calendar import helsinki_day
from models.rules.kysely import Arvo, Kysely, Kysymys, lisa_tunnus
from models.rules.vastaaminen import LinkinTila, linkin_tila
from models.services.errors import DomainError, NotFound
from models.services.lisakysymykset import kysymykseksi
from models.services.sql import Sql, day, fetch, moment
from models.vastaus import Vastaus


class LinkkiEiAvoin(DomainError):
    """The link can't be answered now; `tila` picks the respondent's page."""

    def __init__(self, tila: LinkinTila) -> None:
        super().__init__(f"LINKKI_{tila.name}", "the link is {tila}", tila=tila.value)
        self.tila = tila


@dataclass(frozen=True)
class Aikataulu:
    """The facts `linkin_tila` decides a link's state from."""

    vastausaika_alku: date | None
    vastausaika_loppu: date | None
    vastattu_at: datetime | None
    peruttu_at: datetime | None

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Aikataulu:
        return cls(day(row[0]), day(row[1]), moment(row[2]), moment(row[3]))

    def tila(self, now: datetime) -> LinkinTila:
        return linkin_tila(
            vastausaika_alku=self.vastausaika_alku,
            vastausaika_loppu=self.vastausaika_loppu,
            vastattu_at=self.vastattu_at,
            peruttu_at=self.peruttu_at,
            today=helsinki_day(now),
        )


@dataclass(frozen=True)
class Lomakelinkki:
    """A link as the respondent's pages need it, with its provider's settings for the survey."""

    id: int
    kyselytyyppi: str
    aikataulu: Aikataulu
    uudelleenohjaus_url: str | None
    lisakysymykset: tuple[Kysymys, ...]
    """The provider's active extra questions, in form order."""
    poistetut: frozenset[str]
    """Form keys of retired extra questions: a form loaded just before the retirement still posts them."""
    kysyja: Kysyja
    luonnos: Mapping[str, list[str]]
    """The respondent's saved answers so far (save and return), empty when none."""


@dataclass(frozen=True)
class Kysyja:
    """Who is asking, for the form's header: the provider, its oppilaitos, and what an instructor link is about."""

    koulutustoimija: tuple[str, str | None]
    """Name in Finnish and, when known, in Swedish."""
    oppilaitos: tuple[str, str | None] | None
    tutkinto_nimi: str | None
    heratepvm: date

    @staticmethod
    def nimi(nimet: tuple[str, str | None], kieli: str) -> str:
        return (nimet[1] or nimet[0]) if kieli == "sv" else nimet[0]


_AIKATAULU = "k.vastausaika_alku, k.vastausaika_loppu, k.vastattu_at, k.peruttu_at"


async def lomakelinkki(tunnus: str) -> Lomakelinkki | None:
    """The link `tunnus` with its provider's redirect URL and extra questions, in one statement.

    Raw SQL: a respondent's GET and POST each read this, and through the ORM the three reads it replaces cost
    more than the rest of the request (bench/survey_load.py).
    """
    rows = await fetch(
        lambda p: (
            f"""SELECT {_AIKATAULU}, k.id, k.kyselytyyppi, a.uudelleenohjaus_url, l.id, l.maaritys, l.poistettu_at,
       kt.nimi, kt.nimi_sv, ol.nimi, ol.nimi_sv, k.tutkinto_nimi, k.heratepvm, lu.arvot
  FROM kyselylinkki k
  JOIN organisation kt ON kt.id = k.koulutustoimija_id
  LEFT JOIN organisation ol ON ol.id = k.oppilaitos_id
  LEFT JOIN luonnos lu ON lu.kyselylinkki_id = k.id
  LEFT JOIN kyselyasetus a ON a.koulutustoimija_id = k.koulutustoimija_id AND a.kyselytyyppi = k.kyselytyyppi
  LEFT JOIN lisakysymys l ON l.koulutustoimija_id = k.koulutustoimija_id AND l.kyselytyyppi = k.kyselytyyppi
 WHERE k.tunnus = {p(tunnus)}
 ORDER BY l.jarjestys, l.id"""
        )
    )
    if not rows:
        return None
    first = rows[0]
    lisat = [r for r in rows if r[7] is not None]
    return Lomakelinkki(
        id=first[4],
        kyselytyyppi=first[5],
        aikataulu=Aikataulu.from_row(first),
        uudelleenohjaus_url=first[6],
        lisakysymykset=tuple(_lisakysymys(r[7], r[8]) for r in lisat if r[9] is None),
        poistetut=frozenset(lisa_tunnus(r[7]) for r in lisat if r[9] is not None),
        kysyja=Kysyja(
            koulutustoimija=(first[10], first[11]),
            oppilaitos=(first[12], first[13]) if first[12] else None,
            tutkinto_nimi=first[14],
            heratepvm=day(first[15]) or date.min,
        ),
        luonnos=_luonnos(first[16]),
    )


def _luonnos(raw: Any) -> dict[str, list[str]]:
    """The draft column as stored: text on SQLite, already decoded by asyncpg's jsonb codec or not."""
    if raw is None:
        return {}
    value = json.loads(raw) if isinstance(raw, str) else raw
    return {k: [str(x) for x in v] for k, v in value.items() if isinstance(v, list)} if isinstance(value, dict) else {}


@lru_cache(maxsize=4096)
def _lisakysymys(lisakysymys_id: int, maaritys: str) -> Kysymys:
    """Parsed once per question and text: both databases hand the raw JSON over as text."""
    return kysymykseksi(lisakysymys_id, json.loads(maaritys))


async def tallenna_vastaus(
    link: Lomakelinkki, kysely: Kysely, vastaukset: Mapping[str, Arvo], kieli: str, now: datetime
) -> None:
    """Store the validated answers of `link`, which the caller found open, and mark it answered.

    Once a link is open its answer period never changes, so all that can happen to it meanwhile is an answer or a
    cancellation. The write is therefore a compare-and-set on exactly those (`vastattu_at IS NULL AND peruttu_at
    IS NULL`) done atomically with the insert: on PostgreSQL one statement, elsewhere one transaction. Of racing
    submits the row lock lets one through and the rest find the link answered; the unique vastaus.kyselylinkki
    column backs this up. The survey's tunnus and versio are stored with the answers; the link's draft goes.

    Raises NotFound when the link is gone and LinkkiEiAvoin when it is not (or no longer) open.
    """
    vastaus = _VastausRivi(
        link.id, kysely.tunnus, kysely.versio, kieli, _VASTAUKSET.to_db_value(dict(vastaukset), Vastaus)
    )
    try:
        if connections.get("default").capabilities.dialect == "postgres":
            stored = await _store_in_one_statement(vastaus, now)
        else:
            stored = await _store_in_transaction(vastaus, now)
    except IntegrityError:
        # Only the unique kyselylinkki column can clash here: another submit stored its answer first.
        raise LinkkiEiAvoin(LinkinTila.VASTATTU) from None
    if not stored:
        raise LinkkiEiAvoin(await _why_closed(link.id, now))
    # A statement of its own, after the answer is committed: it sees a draft that a racing save committed just
    # before the answer took the link's row, and a later save finds the link answered (models.services.luonnos).
    await fetch(lambda p: f"DELETE FROM luonnos WHERE kyselylinkki_id = {p(link.id)}")


_VASTAUKSET = Vastaus._meta.fields_map["vastaukset"]
_STILL_OPEN = "vastattu_at IS NULL AND peruttu_at IS NULL"


class _VastausRivi(NamedTuple):
    kyselylinkki_id: int
    kysely_tunnus: str
    kysely_versio: int
    kieli: str
    vastaukset: str


async def _store_in_one_statement(v: _VastausRivi, now: datetime) -> bool:
    """PostgreSQL: the compare-and-set and the insert as one statement, one round trip."""
    rows = await fetch(
        lambda p: (
            f"""WITH merkitty AS (
  UPDATE kyselylinkki SET vastattu_at = {p(now)} WHERE id = {p(v.kyselylinkki_id)} AND {_STILL_OPEN} RETURNING id)
INSERT INTO vastaus (kyselylinkki_id, kysely_tunnus, kysely_versio, kieli, vastaukset, vastattu_at)
SELECT id, {p(v.kysely_tunnus)}, {p(v.kysely_versio)}::int, {p(v.kieli)}, {p(v.vastaukset)}::jsonb,
       {p(now)}::timestamptz
  FROM merkitty RETURNING id"""
        )
    )
    return bool(rows)


async def _store_in_transaction(v: _VastausRivi, now: datetime) -> bool:
    """SQLite has no data-modifying CTE: the same compare-and-set and insert in one transaction."""
    async with in_transaction() as tx:
        p = Sql(tx.capabilities.dialect)
        sql = f"UPDATE kyselylinkki SET vastattu_at = {p(now)} WHERE id = {p(v.kyselylinkki_id)} AND {_STILL_OPEN}"
        changed, _ = await tx.execute_query(sql, p.values)
        if changed != 1:
            return False
        columns = "kyselylinkki_id, kysely_tunnus, kysely_versio, kieli, vastaukset, vastattu_at"
        await fetch(lambda p: f"INSERT INTO vastaus ({columns}) VALUES ({p.many((*v, now))})", tx)
        return True


async def _why_closed(link_id: int, now: datetime) -> LinkinTila:
    """The state of a link the answer's compare-and-set found answered or cancelled: it picks the page shown."""
    rows = await fetch(lambda p: f"SELECT {_AIKATAULU} FROM kyselylinkki k WHERE k.id = {p(link_id)}")
    if not rows:
        raise NotFound("kyselylinkki", "(tunnus)")
    tila = Aikataulu.from_row(rows[0]).tila(now)
    return LinkinTila.VASTATTU if tila is LinkinTila.AVOIN else tila


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
