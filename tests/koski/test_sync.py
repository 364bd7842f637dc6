"""Following Koski's change feed against a real HTTP stand-in (issue 11 §3, §5): pages, duplicates, the 20 s
overlap, a 503, a study right that disappears, a run killed mid-way, one run at a time, an idle re-sync."""

from __future__ import annotations

import asyncio
import copy
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest
from tortoise.context import TortoiseContext

from jobs.koski_client import KoskiClient
from models.audit import AuditEvent
from models.koski_synkronointi import KoskiSynkronointi
from models.opiskeluoikeus import OpiskeluoikeudenTila, Opiskeluoikeus
from models.oppija import Oppija
from models.services import koski_sync
from models.services.koski_sync import FEED, acquire, sync
from tests.koski.documents import FAILED_TRANSFER, Example, corpus, own
from tests.koski.standin import PASSWORD, USER, KoskiStandin, Serving


def people(examples: list[Example]) -> dict[str, dict[str, Any]]:
    """Each person's /sure/oids document, with the study rights of every example naming them."""
    out: dict[str, dict[str, Any]] = {}
    for e in examples:
        doc = out.setdefault(e.henkilo_oid, {"henkilö": {"oid": e.henkilo_oid}, "opiskeluoikeudet": []})
        doc["opiskeluoikeudet"].extend(copy.deepcopy(e.oppija["opiskeluoikeudet"]))
    return out


@pytest.fixture
def standin() -> Iterator[KoskiStandin]:
    examples = own() + corpus()
    koski = KoskiStandin()
    persons = people(examples)
    start = koski.now - timedelta(hours=1)
    for i, (oid, doc) in enumerate(persons.items()):
        koski.change(oid, doc, start + timedelta(seconds=i))
    for oid in list(persons)[:3]:  # the same OIDs again, and the newest inside the 20-second overlap
        koski.change(oid, persons[oid], koski.now - timedelta(seconds=5))
    koski.failed = {e.henkilo_oid for e in examples if e.name.startswith(FAILED_TRANSFER)}  # type: ignore[attr-defined]
    koski.expected = {oid for e in examples for oid in e.oo_oids}  # type: ignore[attr-defined]
    with Serving(koski):
        yield koski


# Without the corpus the stand-in holds only the project's three fixture persons: pages and batches of one then
# still give several pages, and the killed run dies while some persons are left to store.
PAGE, BATCH, DIES_AT = (7, 5, 4) if corpus() else (1, 1, 2)


def client(koski: KoskiStandin) -> KoskiClient:
    return KoskiClient(koski.url, USER, PASSWORD, backoff_s=0.01)


async def stored() -> set[str]:
    return set(await Opiskeluoikeus.filter(mitatoity=False).values_list("oid", flat=True))


async def writes() -> tuple[int, Any, Any]:
    """What any write would move: the audit trail and the newest row stamps."""
    oo = await Opiskeluoikeus.all().order_by("-updated_at").first()
    oppija = await Oppija.all().order_by("-updated_at").first()
    return await AuditEvent.all().count(), oo and oo.updated_at, oppija and oppija.updated_at


async def test_sync_mirrors_every_person_and_an_idle_resync_writes_nothing(
    db: TortoiseContext, standin: KoskiStandin
) -> None:
    standin.fail_next = 1  # the first request gets a 503 and is retried
    async with client(standin) as c:
        first = await sync(c, page_size=PAGE, batch_size=BATCH)
    refused = {oid for oid, _ in first.refused}
    assert refused <= standin.failed  # type: ignore[attr-defined]
    lost = {oo["oid"] for oid in refused for oo in standin.documents[oid]["opiskeluoikeudet"]}
    assert await stored() == standin.expected - lost  # type: ignore[attr-defined]
    assert first.created == len(standin.expected - lost) and first.pages > 2  # type: ignore[attr-defined]
    assert max(standin.oids_requests) <= BATCH
    for oid in standin.expected - lost:  # type: ignore[attr-defined]
        doc = next(d for d in standin.documents.values() for oo in d["opiskeluoikeudet"] if oo["oid"] == oid)
        oo = next(oo for oo in doc["opiskeluoikeudet"] if oo["oid"] == oid)
        assert await OpiskeluoikeudenTila.filter(opiskeluoikeus__oid=oid).count() == len(
            oo["tila"]["opiskeluoikeusjaksot"]
        )

    before = await writes()
    async with client(standin) as c:
        again = await sync(c, page_size=PAGE, batch_size=BATCH)  # the overlap lists the newest changes again
    assert again.oppijat > 0 and (again.created, again.updated, again.voided) == (0, 0, 0)
    assert await writes() == before


async def test_a_study_right_that_disappears_is_voided(db: TortoiseContext, standin: KoskiStandin) -> None:
    async with client(standin) as c:
        await sync(c, page_size=50)
    oid, doc = next((o, d) for o, d in standin.documents.items() if len(d["opiskeluoikeudet"]) >= 1)
    gone = doc["opiskeluoikeudet"][0]["oid"]
    other_oid, other = next((o, d) for o, d in standin.documents.items() if o != oid)
    standin.now += timedelta(minutes=5)
    standin.change(oid, {**doc, "opiskeluoikeudet": doc["opiskeluoikeudet"][1:]})
    standin.change(other_oid, None)  # every study right of this person voided: Koski no longer returns them
    third_oid, third = next((o, d) for o, d in standin.documents.items() if o not in (oid, other_oid))
    newer = {**third["opiskeluoikeudet"][0], "versionumero": 2, "alkamispäivä": "2020-02-02"}
    standin.change(third_oid, {**third, "opiskeluoikeudet": [newer, *third["opiskeluoikeudet"][1:]]})
    async with client(standin) as c:
        summary = await sync(c, page_size=50)
    assert summary.voided == 1 + len(other["opiskeluoikeudet"]) and summary.updated == 1
    assert (await Opiskeluoikeus.get(oid=newer["oid"])).alku == date(2020, 2, 2)
    voided = await Opiskeluoikeus.filter(mitatoity=True).values_list("oid", "mitatoinnin_syy")
    assert set(voided) == {(gone, "koski")} | {(oo["oid"], "koski") for oo in other["opiskeluoikeudet"]}


class Killed(Exception):
    pass


async def test_a_sync_killed_mid_way_loses_and_doubles_nothing(db: TortoiseContext, standin: KoskiStandin) -> None:
    calls = 0

    class Dying(KoskiClient):
        async def oppijat(self, oids: list[str]) -> list[Any]:
            nonlocal calls
            calls += 1
            if calls == DIES_AT:
                raise Killed
            return await super().oppijat(oids)

    async with Dying(standin.url, USER, PASSWORD) as c:
        with pytest.raises(Killed):
            await sync(c, page_size=PAGE, batch_size=BATCH)
    partly = await stored()
    assert 0 < len(partly) < len(standin.expected)  # type: ignore[attr-defined]
    # a killed worker leaves its lease behind; it runs out
    await KoskiSynkronointi.filter(nimi=FEED).update(lukitsija="dead", lukittu_asti=standin.now - timedelta(days=1))
    async with client(standin) as c:
        rest = await sync(c, page_size=PAGE, batch_size=BATCH)
    assert rest.created == len(await stored()) - len(partly)
    refused = {oo["oid"] for oid, _ in rest.refused for oo in standin.documents[oid]["opiskeluoikeudet"]}
    assert await stored() == standin.expected - refused  # type: ignore[attr-defined]
    assert await OpiskeluoikeudenTila.all().count() == sum(
        len(oo["tila"]["opiskeluoikeusjaksot"])
        for d in standin.documents.values()
        for oo in d["opiskeluoikeudet"]
        if oo["oid"] not in refused
    )


@pytest.mark.postgres_only
async def test_one_sync_at_a_time(db: TortoiseContext, standin: KoskiStandin) -> None:
    now = standin.now
    await acquire("other", now)  # creates the row
    await koski_sync.release("other")
    taken = await asyncio.gather(*(acquire(f"w{i}", now) for i in range(8)))
    assert taken.count(True) == 1
    async with client(standin) as c:
        busy = await sync(c, clock=lambda: now)
    assert busy.busy and busy.pages == 0
