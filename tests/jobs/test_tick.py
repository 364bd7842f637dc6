"""`polku tick --now`: it reports what it sent itself, not what another process sent at the same moment, and
what it writes carries its `--now`, not the wall clock (issue 12 §5)."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

from jobs.deliver import Senders
from jobs.tick import deliver_now, queued_ids, run_due
from models.kyselylinkki import Kyselylinkki, Kyselytyyppi, Toimitus, ToimitusTila
from models.rules.calendar import HELSINKI
from models.services import hoks as hoks_service
from models.settings import Settings
from tests.jobs.conftest import SmtpSink
from tests.services.conftest import Setting, jakso, plan

DEC_16 = datetime(2021, 12, 16, 9, 5, tzinfo=HELSINKI)


async def test_two_ticks_at_once_each_count_only_their_own_sends(
    setting: Setting, smtp: SmtpSink, settings: Settings
) -> None:
    tavat = [
        jakso(f"j{i}", loppu=date(2021, 12, 1 + i), ohjaaja_nimi=f"Ohjaaja {i}", ohjaaja_sahkoposti=f"o{i}@example.fi")
        for i in range(10)
    ]
    await hoks_service.create_hoks(plan(setting, *tavat, sahkoposti=None), setting.writer(), date(2021, 9, 1))
    await run_due(DEC_16)  # the bundles are committed as queued deliveries; nothing is sent yet
    ids = await queued_ids()
    assert len(ids) == 10
    smtp.delay_s = 0.02  # both ticks are mid-way through the same rows at once

    first, second = Senders.open(settings), Senders.open(settings)
    try:
        a, b = await asyncio.gather(deliver_now(ids, first, DEC_16), deliver_now(ids, second, DEC_16))
    finally:
        await first.close()
        await second.close()

    assert len(smtp.messages) == 10  # sent once each
    assert a.get("sent", 0) + b.get("sent", 0) == 10
    assert a.get("already sent", 0) + b.get("already sent", 0) == 10
    assert set(a) | set(b) <= {"sent", "already sent"}
    assert await Toimitus.filter(tila=ToimitusTila.SENT).count() == 10


async def test_a_second_tick_reports_nothing_sent(setting: Setting, smtp: SmtpSink, settings: Settings) -> None:
    hoks = plan(setting, jakso("j", loppu=date(2021, 12, 3)))
    await hoks_service.create_hoks(hoks, setting.writer(), date(2021, 9, 1))
    await run_due(DEC_16)
    ids = await queued_ids()
    senders = Senders.open(settings)
    try:
        assert await deliver_now(ids, senders, DEC_16) == {"sent": len(ids)}
        assert await deliver_now(ids, senders, DEC_16) == {"already sent": len(ids)}
    finally:
        await senders.close()


async def test_what_a_tick_writes_is_stamped_with_its_now(setting: Setting) -> None:
    # an aloituskysely made on 1.9. that no run sent within its 60 days, and a jakso for the 16.12. bundle
    hoks = plan(setting, jakso("j", loppu=date(2021, 12, 3)))
    await hoks_service.create_hoks(hoks, setting.writer(), date(2021, 9, 1))
    await run_due(DEC_16)
    closed = await Kyselylinkki.get(kyselytyyppi=Kyselytyyppi.ALOITTANEET)
    bundle = await Kyselylinkki.get(kyselytyyppi=Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY)
    assert closed.peruttu_at == DEC_16 and closed.lahetyspvm is None
    assert bundle.created_at == DEC_16
    assert await Toimitus.filter(created_at=DEC_16).count() == await Toimitus.all().count() == 1
