"""A real `polku worker` process against the SMTP sink and the Twilio stand-in (issue 12 item 3, issue 10 item 6):
stopped with SIGTERM mid-send and started again, every message goes exactly once; a Redis restarted under it
(losing its data) neither stops it nor loses a message, because the database holds what is queued."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator, Callable
from datetime import date

import pytest
import pytest_asyncio
from arq.connections import ArqRedis
from tortoise.context import TortoiseContext

from api.dev import redis_server_binary
from jobs.tick import enqueue, run_due
from models.kyselylinkki import Kanava, Kyselylinkki, Toimitus, ToimitusTila
from models.services import hoks as hoks_service
from tests.jobs.conftest import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_URL, REDIS, SmtpSink, TwilioStandIn
from tests.jobs.test_delivery import SEPT_1
from tests.services.conftest import Setting, plan
from tests.support import free_port

pytestmark = pytest.mark.postgres_only

EMAILS, SMS = 30, 6


def database_url(db: TortoiseContext) -> str:
    conn = db.db()
    return f"postgres://postgres@127.0.0.1:5432/{conn.database}"  # type: ignore[attr-defined]


def worker_env(db: TortoiseContext, redis_url: str, smtp: SmtpSink, twilio: TwilioStandIn) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url(db),
        "REDIS_URL": redis_url,
        "POLKU_PUBLIC_URL": PUBLIC_URL,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(smtp.port),
        "TWILIO_ACCOUNT_SID": ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
        "TWILIO_MESSAGING_SERVICE_SID": "MG" + "2" * 32,
        "TWILIO_API_BASE": f"http://127.0.0.1:{twilio.port}",
    }


STARTED: list[asyncio.subprocess.Process] = []


@pytest_asyncio.fixture(autouse=True)
async def _no_worker_left(db: TortoiseContext) -> AsyncIterator[None]:
    """A failing test must not leave a worker consuming the shared test Redis database (and every process is
    gone before the test database is dropped)."""
    yield
    while STARTED:
        process = STARTED.pop()
        if process.returncode is None:
            process.kill()
            await process.wait()


async def start_worker(env: dict[str, str]) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "api.cli", "worker", env=env, stderr=asyncio.subprocess.DEVNULL
    )
    STARTED.append(process)
    return process


async def stop(process: asyncio.subprocess.Process) -> int:
    process.send_signal(signal.SIGTERM)
    return await asyncio.wait_for(process.wait(), 60)


async def until(condition: Callable[[], object], what: str, timeout_s: float = 60) -> None:
    """Poll without blocking the loop (the Twilio stand-in answers on it)."""
    for _ in range(int(timeout_s / 0.05)):
        result = condition()
        if asyncio.iscoroutine(result):
            result = await result
        if result:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def queued_deliveries(setting: Setting, emails: range, sms: range) -> list[int]:
    """Queued deliveries on one open link (open until 2099, whatever today is), to distinct addresses."""
    link = await Kyselylinkki.filter(hoks__oppija__oid=setting.oppija_oid).first()
    if link is None:
        await hoks_service.create_hoks(plan(setting), setting.writer(), date(2021, 9, 1))
        await run_due(SEPT_1)
        link = await Kyselylinkki.get(hoks__oppija__oid=setting.oppija_oid)
        await Toimitus.filter(kyselylinkki=link).delete()
        link.vastausaika_loppu = date(2099, 1, 1)
        await link.save(update_fields=["vastausaika_loppu"])
    rows = [
        Toimitus(kyselylinkki=link, kanava=Kanava.EMAIL, tarkoitus=f"uudelleen{i + 1}", osoite=f"o{i}@example.fi")
        for i in emails
    ]
    rows += [
        Toimitus(kyselylinkki=link, kanava=Kanava.SMS, tarkoitus=f"uudelleen{i + 1}", osoite=f"+3584000{i:05d}")
        for i in sms
    ]
    await Toimitus.bulk_create(rows)
    return [t.id for t in await Toimitus.filter(tila=ToimitusTila.QUEUED)]


def sent_once(smtp: SmtpSink, twilio: TwilioStandIn, emails: range, sms: range) -> None:
    email_counts = Counter(e[0] for e in smtp.envelopes)
    sms_counts = Counter(r["form"]["To"] for r in twilio.requests)
    assert email_counts == Counter({f"o{i}@example.fi": 1 for i in emails})
    assert sms_counts == Counter({f"+3584000{i:05d}": 1 for i in sms})


async def nothing_queued() -> bool:
    return not await Toimitus.filter(tila=ToimitusTila.QUEUED).exists()


async def test_sigterm_mid_send_then_restart_sends_each_message_once(
    db: TortoiseContext, setting: Setting, redis: ArqRedis, smtp: SmtpSink, twilio: TwilioStandIn
) -> None:
    await enqueue(redis, await queued_deliveries(setting, range(EMAILS), range(SMS)))
    smtp.delay_s = 0.1  # each DATA takes a while, so the stop lands while several are with the server
    env = worker_env(db, f"redis://127.0.0.1:6379/{REDIS.database}", smtp, twilio)
    first = await start_worker(env)
    await until(lambda: len(smtp.messages) >= 5, "the first sends")
    assert await stop(first) == 0
    assert len(smtp.messages) < EMAILS  # stopped mid-run
    second = await start_worker(env)
    await until(nothing_queued, "every delivery to be sent")
    assert await stop(second) == 0
    sent_once(smtp, twilio, range(EMAILS), range(SMS))
    assert await Toimitus.filter(tila=ToimitusTila.SENT).count() == EMAILS + SMS


@pytest_asyncio.fixture
async def private_redis() -> AsyncIterator[Callable[[], asyncio.subprocess.Process]]:
    """Start (and restart) a data-less redis-server on one fixed port; the URL is `.url`."""
    binary = redis_server_binary()
    if binary is None:
        pytest.skip("no redis-server binary (make install installs one)")
    port = free_port()
    started: list[asyncio.subprocess.Process] = []

    async def start() -> asyncio.subprocess.Process:
        process = await asyncio.create_subprocess_exec(
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            stdout=asyncio.subprocess.DEVNULL,
        )
        started.append(process)
        await until(lambda: _answers(port), "redis-server to answer", 10)
        return process

    start.url = f"redis://127.0.0.1:{port}/0"  # type: ignore[attr-defined]
    try:
        yield start  # type: ignore[misc]
    finally:
        for process in started:
            if process.returncode is None:
                process.terminate()
                await process.wait()


async def _answers(port: int) -> bool:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.write(b"PING\r\n")
    answer = await reader.read(16)
    writer.close()
    return answer.startswith(b"+PONG")


async def test_worker_survives_a_redis_restart_and_loses_nothing(
    db: TortoiseContext, setting: Setting, smtp: SmtpSink, twilio: TwilioStandIn, private_redis: Callable[[], object]
) -> None:
    start_redis = private_redis
    redis_process = await start_redis()  # type: ignore[misc]
    await queued_deliveries(setting, range(5), range(0))
    worker = await start_worker(worker_env(db, start_redis.url, smtp, twilio))  # type: ignore[attr-defined]
    await until(nothing_queued, "the deliveries queued before the restart")
    redis_process.terminate()
    await redis_process.wait()
    await queued_deliveries(setting, range(5, 10), range(2))  # made while Redis is away: only the database knows
    await asyncio.sleep(1)
    assert worker.returncode is None  # still running
    await start_redis()  # type: ignore[misc]
    await until(nothing_queued, "the deliveries queued while Redis was away")
    assert await stop(worker) == 0
    sent_once(smtp, twilio, range(10), range(2))
