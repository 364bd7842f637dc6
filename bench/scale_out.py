"""Scale-out on this machine: survey answers/s and GraphQL one-HOKS req/s with 1 and 2 API processes, and a
send day's deliveries/s with 1, 2 and 3 `polku worker` processes (issue 12). Real processes on their own
PostgreSQL database and redis-server, an in-process aiosmtpd sink; every delivery is checked sent exactly once
and every survey link answered exactly once. The API processes share one POLKU_CSRF_SECRET, as production
requires: a form served by one process is posted to whichever process the kernel hands the connection.

The machine has 2 cores, shared by the load generator, PostgreSQL, Redis and the processes measured: a factor
near 1 means the cores, not Polku, are the limit.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller
from tortoise import Tortoise

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from arq.connections import RedisSettings, create_pool

from bench.common import (
    BenchFailure,
    Verdict,
    graphql_data,
    load_average,
    own_database,
    own_redis,
    report,
    run_load,
)
from bench.survey_load import FORM, answer_form, answer_survey, drive
from jobs.tick import enqueue
from models.db import tortoise_config
from tests.support import free_port

QUERY = "query($id: Int!) { hoks(id: $id) { id sahkoposti tutkinnonOsat { id hankkimistavat { id } } } }"


class Sink:
    def __init__(self) -> None:
        self.recipients: list[str] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        self.recipients.extend(envelope.rcpt_tos)  # type: ignore[attr-defined]
        return "250 OK"


async def fill(db_url: str, oppijat: int, answers: int) -> tuple[str, list[int], int, list[str]]:
    from models.demo import generate
    from models.hoks import Hoks
    from models.kyselylinkki import Kyselylinkki, Kyselytyyppi
    from models.organisation import OPH_OID
    from models.services.organisations import oph
    from models.services.users import add_user, issue_token
    from models.user import RoleName, UserKind

    await Tortoise.init(config=tortoise_config(db_url))
    await Tortoise.generate_schemas()
    await generate(oppijat, seed=1)
    await oph()
    await add_user("bench", UserKind.SERVICE, OPH_OID, RoleName.READ)
    token = await issue_token("bench")
    ids = [int(i) for i in await Hoks.all().order_by("id").limit(200).values_list("id", flat=True)]
    hoks = await Hoks.get(id=ids[0]).prefetch_related("opiskeluoikeus")
    link = await Kyselylinkki.create(  # one open link: the deliveries below all belong to it
        kyselytyyppi=Kyselytyyppi.ALOITTANEET,
        koulutustoimija_id=hoks.opiskeluoikeus.koulutustoimija_id,  # type: ignore[attr-defined]
        hoks=hoks,
        oppija_id=hoks.oppija_id,  # type: ignore[attr-defined]
        heratepvm=date(2021, 1, 1),
        rahoituskausi="2020-2021",
        lahetyspvm=date(2021, 1, 1),
        vastausaika_loppu=date(2099, 1, 1),
    )
    today = date.today()
    survey = [  # open links to answer: each once, per process count
        Kyselylinkki(
            kyselytyyppi=Kyselytyyppi.ALOITTANEET,
            koulutustoimija_id=hoks.opiskeluoikeus.koulutustoimija_id,  # type: ignore[attr-defined]
            heratepvm=today,
            rahoituskausi="2025-2026",
            lahetyspvm=today,
            vastausaika_alku=today - timedelta(days=1),
            vastausaika_loppu=today + timedelta(days=29),
        )
        for _ in range(answers)
    ]
    await Kyselylinkki.bulk_create(survey, batch_size=2000)
    await Tortoise.get_connection("default").execute_script("VACUUM ANALYZE")
    return token, ids, link.id, [r.tunnus for r in survey]


def env_for(db_url: str, redis_url: str, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "SMTP_PORT": str(smtp_port),
        "POLKU_CSRF_SECRET": secrets.token_urlsafe(48),
        "POLKU_SURVEY_RATE_LIMIT": "100000000/60",  # one client address drives all the load
    }


@asynccontextmanager
async def api_processes(env: dict[str, str], processes: int) -> AsyncIterator[str]:
    """`polku serve --workers N`, ready; yields its base URL."""
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        "serve",
        "--port",
        str(port),
        "--workers",
        str(processes),
        env=env,
        stderr=asyncio.subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=30) as c:
            for _ in range(400):
                try:
                    if (await c.get("/readyz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
        yield base
    finally:
        server.terminate()
        await server.wait()


async def graphql_rps(env: dict[str, str], processes: int, token: str, ids: list[int], seconds: float) -> float:
    async with api_processes(env, processes) as base, httpx.AsyncClient(base_url=base, timeout=30) as c:
        headers = {"Authorization": f"Bearer {token}"}

        async def one(i: int) -> None:
            hoks_id = ids[i % len(ids)]
            r = await c.post("/graphql", json={"query": QUERY, "variables": {"id": hoks_id}}, headers=headers)
            if graphql_data(r, ("hoks", "id"))["hoks"]["id"] != hoks_id:
                raise BenchFailure("wrong HOKS")

        for i in range(50):  # warm every process
            await one(i)
        elapsed, latencies = await run_load(one, 16, seconds, 1_000_000)
        return len(latencies) / elapsed


async def survey_rate(env: dict[str, str], processes: int, tunnukset: list[str]) -> float:
    """Answers/s (page GET + form POST) at concurrency 16; each link answered once, checked in the database."""
    from models.kyselylinkki import Kyselylinkki
    from models.vastaus import Vastaus

    warm, measured = tunnukset[:40], tunnukset[40:]
    async with api_processes(env, processes) as base:
        if (await drive(base, warm, 8, answer_survey)).failures:
            raise BenchFailure(f"{processes} process(es): a warm-up answer failed")
        run = await drive(base, measured, 16, answer_survey)
    answered = await Kyselylinkki.filter(tunnus__in=tunnukset, vastattu_at__not_isnull=True).count()
    stored = await Vastaus.filter(kyselylinkki__tunnus__in=tunnukset).count()
    if run.failures or answered != len(tunnukset) or stored != len(tunnukset):
        raise BenchFailure(
            f"{processes} process(es): {run.failures} failed, {answered} links answered and {stored} answers "
            f"stored for {len(tunnukset)} links"
        )
    return run.answers_per_s


async def send_day_rate(env: dict[str, str], workers: int, link_id: int, n: int, run: int, sink: Sink) -> float:
    from models.kyselylinkki import Kanava, Toimitus, ToimitusTila

    rows = [
        Toimitus(
            kyselylinkki_id=link_id,
            kanava=Kanava.EMAIL,
            tarkoitus=f"uudelleen{run}-{i}",
            osoite=f"r{run}-{i}@example.fi",
        )
        for i in range(n)
    ]
    processes = [
        await asyncio.create_subprocess_exec(
            sys.executable, "-m", "api.cli", "worker", env=env, stderr=asyncio.subprocess.DEVNULL
        )
        for _ in range(workers)
    ]
    await asyncio.sleep(4)  # the workers' start (imports, connections) is not part of the send rate
    await Toimitus.bulk_create(rows, batch_size=1000)
    ids = [t.id for t in await Toimitus.filter(tila=ToimitusTila.QUEUED)]
    before = len(sink.recipients)
    started = time.perf_counter()
    redis = await create_pool(RedisSettings.from_dsn(env["REDIS_URL"]))
    try:
        await enqueue(redis, ids)
    finally:
        await redis.aclose()
    try:
        while await Toimitus.filter(tila=ToimitusTila.QUEUED).exists():
            await asyncio.sleep(0.05)
        elapsed = time.perf_counter() - started
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            await p.wait()
    got = sink.recipients[before:]
    if sorted(got) != sorted(f"r{run}-{i}@example.fi" for i in range(n)):
        raise BenchFailure(f"{workers} workers: {len(got)} messages for {n} deliveries")
    return n / elapsed


async def main(args: argparse.Namespace) -> bool:
    print(load_average())
    sink = Sink()
    smtp_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    verdicts: list[Verdict] = []
    try:
        with own_redis() as redis_url:
            async with own_database("scale_out") as db_url:
                token, ids, link_id, survey = await fill(db_url, args.oppijat, 2 * args.answers)
                env = env_for(db_url, redis_url, smtp_port)
                FORM.update(answer_form())
                answers = {p: await survey_rate(env, p, survey[(p - 1) :: 2]) for p in (1, 2)}
                for p, value in answers.items():
                    verdicts.append(
                        Verdict("scale_out", f"survey answers, {p} API process(es), c=16", f"{value:.0f} /s")
                    )
                verdicts.append(
                    Verdict("scale_out", "survey scaling factor 2 vs 1 processes", f"{answers[2] / answers[1]:.2f}")
                )
                rps = {p: await graphql_rps(env, p, token, ids, args.seconds) for p in (1, 2)}
                for p, value in rps.items():
                    verdicts.append(
                        Verdict("scale_out", f"GraphQL one HOKS, {p} API process(es), c=16", f"{value:.0f} req/s")
                    )
                verdicts.append(
                    Verdict("scale_out", "GraphQL scaling factor 2 vs 1 processes", f"{rps[2] / rps[1]:.2f}")
                )
                rates = {w: await send_day_rate(env, w, link_id, args.deliveries, w, sink) for w in (1, 2, 3)}
                for w, value in rates.items():
                    verdicts.append(
                        Verdict("scale_out", f"send day, {w} worker(s), {args.deliveries} e-mails", f"{value:.0f} /s")
                    )
                verdicts.append(
                    Verdict("scale_out", "send-day scaling factor 3 vs 1 workers", f"{rates[3] / rates[1]:.2f}")
                )
                await Tortoise.close_connections()
    finally:
        controller.stop()
    print(load_average())
    return report(verdicts)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--quick", action="store_true", help="a smoke run: 200 oppijat, 3 s loads, 300 e-mails, 400 answers"
    )
    parser.add_argument("--oppijat", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--deliveries", type=int, default=2000)
    parser.add_argument("--answers", type=int, default=2000, help="survey links answered per process count")
    args = parser.parse_args()
    if args.quick:
        args.oppijat, args.seconds, args.deliveries, args.answers = 200, 3, 300, 400
    sys.exit(0 if asyncio.run(main(args)) else 1)
