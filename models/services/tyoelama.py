"""Työelämäpalaute in the database: jakso schedules on save, the half-monthly bundles and their kesto (the
työpaikkakysely links are in `models.services.tyopaikkakysely`).

The rules (qualifying, send days, bundling, windows) live in `models.rules.tyoelama`; this module loads their
facts in bulk and writes what they decide (DOMAIN.md §4). A bundle run for a send day is recorded in `Ajo` in
the same transaction as its links, members and queued deliveries, so a run that dies before committing leaves
nothing behind and a run that committed is never repeated.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q, Subquery
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from models.herate import Ajo, Tyopaikkajaksoherate
from models.hoks import Hankkimistapa, Hoks
from models.kyselylinkki import Kanava, Kyselylinkki, Kyselytyyppi, NippuJasen, Toimitus, ToimitusTila, new_tunnus
from models.opiskeluoikeus import Opiskeluoikeus
from models.organisation import Organisation
from models.rules import tyoelama as rules
from models.rules.calendar import rahoituskausi
from models.rules.opiskeluoikeus import OpiskeluoikeusFacts, ammatilliset_suoritukset
from models.rules.palaute import MAX_DAYS_AFTER_HERATE
from models.rules.viesti import Viesti
from models.services.bulk import delete_in, insert_rows
from models.services.facts import CHUNK, KEYS_WITH_OTHERS, LoadedJakso, chunks, load_jaksot, values_in
from models.services.palaute import Lahetys, e164

NIPUTUS = "niputus"
TYOPAIKKAKYSELY = "tyopaikkakysely"
# A late jakso keeps its scheduled day as heratepvm and may still go up to scheduled + 59 (§4.1 "Changes"), so
# a send day looks back this far for jaksot whose own send day passed unsent.
LOOKBACK = timedelta(days=MAX_DAYS_AFTER_HERATE + 16)


async def _bundled_ids(hankkimistapa_ids: Sequence[int]) -> set[int]:
    """The jaksot already in an instructor bundle (a työpaikkakysely membership does not count)."""
    members = await values_in(
        NippuJasen, "hankkimistapa_id", hankkimistapa_ids, ("hankkimistapa_id", "kyselylinkki_id")
    )
    links = await values_in(Kyselylinkki, "id", {m["kyselylinkki_id"] for m in members}, ("id", "kyselytyyppi"))
    instructor = {r["id"] for r in links if r["kyselytyyppi"] == Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY.value}
    return {m["hankkimistapa_id"] for m in members if m["kyselylinkki_id"] in instructor}


# --- Decision on save ---------------------------------------------------------------------------------------


async def record_tyopaikkajaksot(
    hoks_ids: Sequence[int], today: date, loaded: dict[int, OpiskeluoikeusFacts] | None = None
) -> int:
    """Store each unbundled työpaikkajakso's scheduled send day and the reason it does not qualify (§4.1).

    Runs inside the HOKS / Koski save transaction; a jakso already in a sent bundle keeps its state. Works on
    many HOKSes at once so a bulk import (or the benchmark) decides 100 000 jaksot in a few queries.
    """
    jaksot: list[LoadedJakso] = []
    for chunk in chunks(sorted(set(hoks_ids)), KEYS_WITH_OTHERS):
        jaksot.extend(await load_jaksot(Q(hoks_id__in=chunk), loaded))
    bundled = await _bundled_ids([j.facts.hankkimistapa_id for j in jaksot])
    fresh = [j.facts for j in jaksot if j.facts.hankkimistapa_id not in bundled]
    await delete_in(Tyopaikkajaksoherate, "hankkimistapa_id", [f.hankkimistapa_id for f in fresh])
    now = datetime.now(UTC)
    await insert_rows(
        Tyopaikkajaksoherate,
        ("hankkimistapa_id", "hoks_id", "heratepvm", "syy", "paatetty_at"),
        [
            (
                f.hankkimistapa_id,
                f.hoks_id,
                rules.scheduled_send_day(f.loppu) if f.loppu >= rules.FIRST_LOPPU else None,
                rules.qualifies(f, today),
                now,
            )
            for f in fresh
        ],
    )
    return len(fresh)


async def record_missed_sends(today: date) -> int:
    """Record `vastausaika_umpeutunut` on every unbundled jakso whose last send day (scheduled + 59) has passed.

    A send day missed for longer than that (an outage) is never caught up, so without this the jakso would show
    "heratepvm …, no reason" for ever; the daily run writes what the next run will in fact do (issue 13 item 4,
    §4.1 "Changes"). Returns how many decisions changed.
    """
    cutoff = today - timedelta(days=MAX_DAYS_AFTER_HERATE)
    rows = await Tyopaikkajaksoherate.filter(syy=None, heratepvm__lt=cutoff).values("hankkimistapa_id")
    candidates: set[int] = {r["hankkimistapa_id"] for r in rows}
    missed = sorted(candidates - await _bundled_ids(sorted(candidates)))
    for chunk in chunks(missed, KEYS_WITH_OTHERS):
        await Tyopaikkajaksoherate.filter(hankkimistapa_id__in=chunk).update(syy=rules.VASTAUSAIKA_UMPEUTUNUT)
    return len(missed)


# --- Bundling on the 1st and 16th ---------------------------------------------------------------------------


def due_send_days(today: date, done: set[date]) -> list[date]:
    """Send days not yet run whose jaksot may still be asked about (within scheduled + 59), oldest first."""
    days = (today - timedelta(days=n) for n in range(MAX_DAYS_AFTER_HERATE, -1, -1))
    return [d for d in days if rules.is_send_day(d) and d not in done]


async def unrun_send_days(today: date) -> list[date]:
    """The send days due today whose bundling has not run yet (a missed one is caught up today)."""
    rows = await Ajo.filter(tyyppi=NIPUTUS, paiva__gte=today - timedelta(days=MAX_DAYS_AFTER_HERATE)).values("paiva")
    return due_send_days(today, {r["paiva"] for r in rows})


async def bundle_due(today: date, now: datetime) -> list[Lahetys]:
    """Run every due send day's bundling; call inside a transaction. `now` stamps the links and deliveries."""
    out: list[Lahetys] = []
    for send_day in await unrun_send_days(today):
        out.extend(await _bundle(send_day, today, now))
    return out


async def bundles_for(
    send_day: date, today: date, scope: Q | None = None
) -> tuple[list[rules.Bundle], dict[int, LoadedJakso]]:
    """The instructor bundles `send_day` makes from the jaksot not yet bundled (within `scope`, a filter on
    Hankkimistapa), with those jaksot by id."""
    first, last = rules.ended_period_for_send_day(send_day)
    # Each send day loads only the jaksot of its own half-month, so catching up N missed days costs N small
    # passes (issue 18). Late jaksot whose own day passed unsent go on the current send day
    # (`rules.effective_send_day`), so only that pass looks back, and then only at jaksot not yet bundled.
    own = Q(loppu__gte=first, loppu__lte=last)
    if send_day == today:
        own |= Q(loppu__gte=send_day - LOOKBACK, loppu__lt=first, id__not_in=Subquery(_instructor_members()))
    jaksot = await load_jaksot(own & scope if scope is not None else own)
    bundled = await _bundled_ids([j.facts.hankkimistapa_id for j in jaksot])
    by_id = {j.facts.hankkimistapa_id: j for j in jaksot if j.facts.hankkimistapa_id not in bundled}
    return rules.bundle((j.facts for j in by_id.values()), send_day, today), by_id


def bundle_reason(b: rules.Bundle, send_day: date) -> Viesti:
    return Viesti.of(
        "bundle of {n} jakso(t) scheduled for {heratepvm}, sent on the send day {send_day} (§4.1)",
        n=len(b.jakso_ids),
        heratepvm=b.heratepvm.isoformat(),
        send_day=send_day.isoformat(),
    )


async def _bundle(send_day: date, today: date, now: datetime) -> list[Lahetys]:
    try:
        async with in_transaction():
            await Ajo.create(tyyppi=NIPUTUS, paiva=send_day)
    except IntegrityError:
        return []  # another run got there first
    bundles, by_id = await bundles_for(send_day, today)
    if not bundles:
        return []
    orgs = dict(
        await Organisation.filter(oid__in=sorted({b.key[0] for b in bundles})).values_list("oid", "id")  # type: ignore[arg-type]
    )
    # The link's oppilaitos and tutkinto name come from the latest-ending member (as the contacts do).
    latest_of = [
        max((by_id[i] for i in b.jakso_ids), key=lambda j: (j.facts.loppu, j.facts.hankkimistapa_id)) for b in bundles
    ]
    oo_ids = {j.opiskeluoikeus_id for j in latest_of}
    oppilaitokset = {
        r["id"]: r["oppilaitos_id"] for r in await values_in(Opiskeluoikeus, "id", oo_ids, ("id", "oppilaitos_id"))
    }
    out: list[Lahetys] = []
    for start in range(0, len(bundles), CHUNK):
        part = list(zip(bundles[start : start + CHUNK], latest_of[start : start + CHUNK], strict=True))
        links = [
            _bundle_link(b, oppilaitokset[latest.opiskeluoikeus_id], orgs[b.key[0]], latest, today, now)
            for b, latest in part
        ]
        ids = await create_links(links)
        await insert_rows(
            NippuJasen,
            ("kyselylinkki_id", "hankkimistapa_id"),
            [
                (ids[link.tunnus], jakso_id)
                for link, (b, _) in zip(links, part, strict=True)
                for jakso_id in b.jakso_ids
            ],
        )
        syy = {link.tunnus: bundle_reason(b, send_day) for link, (b, _) in zip(links, part, strict=True)}
        out.extend(await _queue_many(links, ids, "lahetys", syy, now))
    return out


def _instructor_members() -> QuerySet[NippuJasen]:
    """Jaksot already in an instructor bundle, as a subquery (a työpaikkakysely membership does not count)."""
    return NippuJasen.filter(kyselylinkki__kyselytyyppi=Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY).values(  # type: ignore[return-value]
        "hankkimistapa_id"
    )


@dataclass(frozen=True)
class UusiLinkki:
    """A link about to be inserted in bulk: its columns, in `LINK_COLUMNS` order, as plain values."""

    tunnus: str
    kyselytyyppi: str
    koulutustoimija_id: int
    oppilaitos_id: int | None
    tutkinto_koodi: str | None
    tutkinto_nimi: str | None
    ytunnus: str | None
    heratepvm: date
    rahoituskausi: str
    lahetyspvm: date | None
    vastausaika_alku: date | None
    vastausaika_loppu: date | None
    sahkoposti: str | None
    puhelinnumero: str | None
    muistutuksia: int
    created_at: datetime


LINK_COLUMNS = tuple(f.name for f in fields(UusiLinkki))
_link_row = attrgetter(*LINK_COLUMNS)  # not dataclasses.astuple: it deep-copies every value (2.4 s per 20 000)


def _bundle_link(
    b: rules.Bundle, oppilaitos_id: int, koulutustoimija_id: int, latest: LoadedJakso, today: date, now: datetime
) -> UusiLinkki:
    suoritus = next(iter(ammatilliset_suoritukset(latest.facts.opiskeluoikeus)), None)
    alku, loppu = rules.instructor_vastausaika(today, b.heratepvm)
    return UusiLinkki(
        tunnus=new_tunnus(),
        kyselytyyppi=Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY.value,
        koulutustoimija_id=koulutustoimija_id,
        oppilaitos_id=oppilaitos_id,
        tutkinto_koodi=b.key[1],
        tutkinto_nimi=suoritus.tutkinto_nimi if suoritus else None,
        ytunnus=b.key[2],
        heratepvm=b.heratepvm,
        rahoituskausi=rahoituskausi(b.heratepvm),
        lahetyspvm=today,
        vastausaika_alku=alku,
        vastausaika_loppu=loppu,
        sahkoposti=b.sahkoposti,
        puhelinnumero=e164(b.puhelinnumero),
        muistutuksia=0,
        created_at=now,
    )


async def create_links(links: list[UusiLinkki]) -> dict[str, int]:
    await insert_rows(Kyselylinkki, LINK_COLUMNS, [_link_row(link) for link in links])
    rows = await values_in(Kyselylinkki, "tunnus", [link.tunnus for link in links], ("tunnus", "id"), cast="text")
    return {r["tunnus"]: r["id"] for r in rows}


async def _queue_many(
    links: list[UusiLinkki], ids: dict[str, int], tarkoitus: str, syy: dict[str, Viesti], now: datetime
) -> list[Lahetys]:
    """Queue one delivery per channel per link in bulk, and describe them."""
    rows = [
        (ids[link.tunnus], kanava.value, tarkoitus, osoite, ToimitusTila.QUEUED.value, 0, now, now)
        for link in links
        for kanava, osoite in ((Kanava.EMAIL, link.sahkoposti), (Kanava.SMS, link.puhelinnumero))
        if osoite
    ]
    columns = ("kyselylinkki_id", "kanava", "tarkoitus", "osoite", "tila", "yritykset", "created_at", "updated_at")
    await insert_rows(Toimitus, columns, rows)
    by_link = {ids[link.tunnus]: link for link in links}
    org_oids: dict[int, str] = dict(
        await Organisation.filter(id__in=sorted({link.koulutustoimija_id for link in links})).values_list("id", "oid")  # type: ignore[arg-type]
    )
    out: list[Lahetys] = []
    queued = await values_in(
        Toimitus, "kyselylinkki_id", sorted(by_link), ("id", "kyselylinkki_id", "kanava", "osoite", "tarkoitus")
    )
    for t in sorted(queued, key=lambda r: r["id"]):
        if t["tarkoitus"] == tarkoitus:
            link = by_link[t["kyselylinkki_id"]]
            out.append(
                Lahetys(
                    t["id"],
                    link.tunnus,
                    link.kyselytyyppi,
                    org_oids[link.koulutustoimija_id],
                    str(t["kanava"]),
                    tarkoitus,
                    t["osoite"],
                    syy[link.tunnus],
                )
            )
    return out


# --- Kesto (§4.1) ------------------------------------------------------------------------------------------


async def kesto_erittelyt(hankkimistapa_ids: Sequence[int]) -> dict[int, rules.KestoErittely]:
    """The kesto of each työpaikkajakso among `hankkimistapa_ids`, with what it was computed from.

    Shared days need every työpaikkajakso of the same learner (in any of their HOKSes), so those are loaded
    with them in one pass; a hankkimistapa that is no työpaikkajakso has no kesto (absent).
    """
    ids = sorted(set(hankkimistapa_ids))
    if not ids:
        return {}
    rows = await values_in(Hankkimistapa, "id", ids, ("hoks_id",))
    oppijat = await values_in(Hoks, "id", {r["hoks_id"] for r in rows}, ("oppija_id",))
    loaded = await load_jaksot(Q(hoks__oppija_id__in=sorted({r["oppija_id"] for r in oppijat})))
    by_oppija: dict[str, list[rules.TyopaikkajaksoFacts]] = defaultdict(list)
    for j in loaded:
        by_oppija[j.facts.oppija_oid].append(j.facts)
    wanted = set(ids)
    return {
        j.facts.hankkimistapa_id: rules.kesto_erittely(
            j.facts, by_oppija[j.facts.oppija_oid], rules.valiaikaisesti_keskeytynyt_periods(j.facts.opiskeluoikeus)
        )
        for j in loaded
        if j.facts.hankkimistapa_id in wanted
    }
