"""Two API processes and two workers on one PostgreSQL and Redis (issue 12, "tested, not described"): a send
day's deliveries go out while HOKS writes race through both API processes and one worker is restarted in the
middle. 0 lost updates, 0 duplicate links, 0 duplicate sends, 0 lost sends."""

from __future__ import annotations

import asyncio
import sys
from datetime import date
from typing import Any

import httpx
import pytest
from arq.connections import ArqRedis
from tortoise.context import TortoiseContext

from jobs.tick import enqueue
from models.hoks import Hoks
from models.kyselylinkki import Kyselylinkki, Kyselytyyppi
from tests.api.world import CREATE, PATCH, World, make_world, store
from tests.factories import hoks_input, koski_doc, oppija_oid
from tests.jobs.conftest import REDIS, SmtpSink, TwilioStandIn
from tests.jobs.test_worker_process import (  # noqa: F401 - _no_worker_left: the autouse clean-up
    STARTED,
    _no_worker_left,
    nothing_queued,
    queued_deliveries,
    sent_once,
    start_worker,
    stop,
    until,
    worker_env,
)
from tests.services.conftest import Setting
from tests.support import free_port

pytestmark = pytest.mark.postgres_only

EMAILS, SMS, PAIRS, LEARNERS = 40, 8, 15, 6


async def start_api(env: dict[str, str]) -> str:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "api.cli", "serve", "--port", str(port), env=env, stderr=asyncio.subprocess.DEVNULL
    )
    STARTED.append(process)
    base = f"http://127.0.0.1:{port}"

    async def ready() -> bool:
        try:
            async with httpx.AsyncClient() as c:
                return (await c.get(f"{base}/readyz")).status_code == 200
        except httpx.HTTPError:
            return False

    await until(ready, "an API process to be ready")
    return base


async def post(client: httpx.AsyncClient, token: str, query: str, **variables: Any) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers={"Authorization": f"Bearer {token}"}
    )
    body: dict[str, Any] = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return body


async def test_two_api_processes_two_workers_and_a_restart(
    db: TortoiseContext, setting: Setting, redis: ArqRedis, smtp: SmtpSink, twilio: TwilioStandIn
) -> None:
    world: World = await make_world()
    env = worker_env(db, f"redis://127.0.0.1:6379/{REDIS.database}", smtp, twilio)
    smtp.delay_s = 0.05
    await enqueue(redis, await queued_deliveries(setting, range(EMAILS), range(SMS)))
    workers = [await start_worker(env), await start_worker(env)]
    a_url, b_url = await start_api(env), await start_api(env)
    async with httpx.AsyncClient(base_url=a_url, timeout=30) as a, httpx.AsyncClient(base_url=b_url, timeout=30) as b:
        oppija, oo = await world.new_oo()
        hoks_id = (await post(a, world.writer, CREATE, input=hoks_input(oppija, oo)))["data"]["createHoks"]["id"]

        async def patches() -> int:
            lost = 0
            for i in range(PAIRS):
                email, phone = f"pari{i}@example.fi", f"+35840{i:07d}"
                await asyncio.gather(
                    post(a, world.writer, PATCH, id=hoks_id, input={"sahkoposti": email}),
                    post(b, world.writer, PATCH, id=hoks_id, input={"puhelinnumero": phone}),
                )
                stored = await Hoks.get(id=hoks_id)
                lost += (stored.sahkoposti != email) + (stored.puhelinnumero != phone)
            return lost

        async def two_study_rights(today: str) -> list[str]:
            """Learners with two study rights at one provider, both HOKSes created at once through A and B."""
            learners = []
            for _ in range(LEARNERS):
                learner = oppija_oid()
                oos = []
                for _ in range(2):
                    doc = koski_doc(
                        koulutustoimija=world.koulutustoimija.oid, oppilaitos=world.oppilaitos.oid, oppija=learner
                    )
                    await store(doc)
                    oos.append(doc["oid"])
                await asyncio.gather(
                    *(
                        post(c, world.writer, CREATE, input=hoks_input(learner, o, ensikertainenHyvaksyminen=today))
                        for c, o in zip((a, b), oos, strict=True)
                    )
                )
                learners.append(learner)
            return learners

        async def restart_a_worker() -> None:
            await until(lambda: len(smtp.messages) >= 10, "the first sends")
            assert await stop(workers[0]) == 0
            workers[0] = await start_worker(env)

        lost, learners, _ = await asyncio.gather(
            patches(), two_study_rights(date.today().isoformat()), restart_a_worker()
        )
        await until(nothing_queued, "every delivery to be sent")
    for process in workers:
        # 0, or killed by the signal when it came before the fresh worker had set up its handlers
        assert await stop(process) in (0, -15)

    assert lost == 0
    for learner in learners:
        assert await Kyselylinkki.filter(oppija__oid=learner, kyselytyyppi=Kyselytyyppi.ALOITTANEET).count() <= 1
    assert await Kyselylinkki.filter(oppija__oid__in=learners, kyselytyyppi=Kyselytyyppi.ALOITTANEET).count() > 0
    sent_once(smtp, twilio, range(EMAILS), range(SMS))
