"""`upcomingSends`' preview: the same messages as the real run, for one provider, without a lock or a write."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

import pytest
from tortoise.transactions import in_transaction

from models.herate import Ajo
from models.kyselylinkki import Kyselylinkki, Kyselytyyppi, Toimitus
from models.services import hoks as hoks_service
from models.services.esikatselu import Tuleva, upcoming_sends
from models.services.lahetysajo import run_day
from models.services.palaute import Lahetys
from tests.factories import koski_doc, oppija_oid, provider
from tests.services.conftest import Setting, jakso, plan, store

START = date(2021, 12, 14)

Key = tuple[str | None, str, str, str, str, str]


def _preview_key(t: Tuleva) -> Key:
    return (t.tunnus, t.kyselytyyppi, t.kanava, t.tarkoitus, t.osoite, t.syy)


def _run_key(x: Lahetys) -> Key:
    new_bundle = x.kyselytyyppi == Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY.value and x.tarkoitus == "lahetys"
    return (None if new_bundle else x.tunnus, x.kyselytyyppi, x.kanava, x.tarkoitus, x.osoite, x.syy)


async def _other_provider_with_a_plan() -> str:
    kt, ol = await provider()
    doc = koski_doc(koulutustoimija=kt.oid, oppilaitos=ol.oid, oppija=oppija_oid())
    await store(doc)
    other = Setting(kt, ol, doc["henkilö"]["oid"], doc["oid"])
    tavat = (jakso("m1", loppu=date(2021, 12, 9), ohjaaja_sahkoposti="muu@example.fi"),)
    await hoks_service.create_hoks(
        plan(other, *tavat, ensikertainen_hyvaksyminen=START, sahkoposti="muu.opiskelija@example.fi"),
        other.writer(),
        START,
    )
    return kt.oid


async def test_preview_matches_each_days_real_run_for_that_provider_only(setting: Setting) -> None:
    tavat = (
        jakso("j1", loppu=date(2021, 12, 10), ohjaaja_puhelinnumero="0401234567"),
        jakso("j2", loppu=date(2021, 12, 20), ohjaaja_nimi="Maija Ohjaaja", ohjaaja_sahkoposti="maija@example.fi"),
    )
    await hoks_service.create_hoks(
        plan(setting, *tavat, ensikertainen_hyvaksyminen=START, puhelinnumero="0401112223"), setting.writer(), START
    )
    other = await _other_provider_with_a_plan()
    mine = setting.koulutustoimija.oid
    seen: set[tuple[str, str]] = set()
    for n in range(0, 40):  # the aloituskysely, both bundle days and every reminder after them
        day = START + timedelta(days=n)
        preview = await upcoming_sends(mine, day)
        report = await run_day(day)
        assert sorted(map(_preview_key, preview), key=repr) == sorted(
            (_run_key(x) for x in report.lahetykset if x.koulutustoimija_oid == mine), key=repr
        ), day
        assert all(x.koulutustoimija_oid in {mine, other} for x in report.lahetykset)
        seen |= {(t.kyselytyyppi, t.tarkoitus) for t in preview}
    assert seen >= {
        ("aloittaneet", "lahetys"),
        ("aloittaneet", "muistutus1"),
        ("aloittaneet", "muistutus2"),
        ("tyopaikkaohjaajakysely", "lahetys"),
        ("tyopaikkaohjaajakysely", "muistutus1"),
    }


async def test_preview_writes_nothing(setting: Setting) -> None:
    await hoks_service.create_hoks(
        plan(setting, jakso("j1", loppu=date(2021, 12, 10)), ensikertainen_hyvaksyminen=START), setting.writer(), START
    )
    before = [await m.all().count() for m in (Kyselylinkki, Toimitus, Ajo)]
    preview = await upcoming_sends(setting.koulutustoimija.oid, date(2021, 12, 16))
    assert {t.kyselytyyppi for t in preview} == {"aloittaneet", "tyopaikkaohjaajakysely"}
    assert [await m.all().count() for m in (Kyselylinkki, Toimitus, Ajo)] == before
    assert await Kyselylinkki.filter(lahetyspvm__not_isnull=True).count() == 0


@pytest.mark.postgres_only
async def test_preview_is_not_blocked_by_a_run_holding_its_rows(setting: Setting) -> None:
    await hoks_service.create_hoks(plan(setting, ensikertainen_hyvaksyminen=START), setting.writer(), START)
    locked, release = asyncio.Event(), asyncio.Event()

    async def real_run_mid_way() -> None:
        async with in_transaction():
            await Kyselylinkki.all().select_for_update()  # what send_due_links holds until it commits
            locked.set()
            await release.wait()

    holder = asyncio.create_task(real_run_mid_way())
    await locked.wait()
    try:
        preview = await asyncio.wait_for(upcoming_sends(setting.koulutustoimija.oid, START), timeout=5)
    finally:
        release.set()
        await holder
    assert [t.kyselytyyppi for t in preview] == ["aloittaneet"]
