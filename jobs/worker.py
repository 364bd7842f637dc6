"""The arq worker (`polku worker`): cron in Europe/Helsinki and one job per delivery (issue 3 item 4).

- daily 09:00: student sends, every reminder, expiries (DOMAIN.md §3, §4.1 reminders);
- the 1st and 16th at 09:05: instructor bundles and their sends (§4.1), catching up a missed send day;
- 1st and 16th of January, February, July and August at 09:10: the työpaikkakysely links (§4.2; made once).

`send_toimitus` retries a temporary failure with growing delays (`Retry(defer=...)`); after `MAX_TRIES` the job
ends and the delivery stays queued in the database, where the next daily run finds and enqueues it again (until
its link closes, when it is recorded as failed). A permanent failure ends it at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, ClassVar

from arq import Retry, cron, func
from arq.connections import RedisSettings
from tortoise import Tortoise, connections

from jobs.deliver import Senders, deliver
from jobs.failures import TemporaryFailure
from jobs.tick import SEND_FUNCTION, enqueue, queued_ids, run_due
from models import metrics
from models.db import tortoise_config
from models.kyselylinkki import Toimitus
from models.production import check_environment
from models.rules.calendar import HELSINKI, helsinki_day
from models.services.lahetysajo import NIPUTUS, PAIVITTAIN, TYOPAIKKAKYSELY
from models.services.sailytys import erase_expired_contacts
from models.settings import Settings

log = logging.getLogger("polku.worker")

MAX_TRIES = 5
RETRY_BASE_S = 60.0  # 1, 4, 16, 64 minutes between tries
SHUTDOWN_GRACE_S = 30.0  # how long a stopping worker waits for sends already handed to a provider

Ctx = dict[str, Any]


def redis_settings(settings: Settings) -> RedisSettings:
    """The worker's Redis. No silent default: a worker on the wrong Redis would wait for jobs that never come."""
    if not settings.redis_url:
        raise MissingRedisUrl("polku worker needs REDIS_URL (e.g. redis://127.0.0.1:6379/0): the queue's Redis")
    return RedisSettings.from_dsn(settings.redis_url)


class MissingRedisUrl(RuntimeError):
    """REDIS_URL is not set."""


async def startup(ctx: Ctx) -> None:
    """Open what jobs need. Tests pass `settings`, `clock`, `retry_base_s` and an open database in `ctx`."""
    settings: Settings = ctx.setdefault("settings", Settings.from_env())
    check_environment(settings)
    if not ctx.get("db_open"):
        await Tortoise.init(config=tortoise_config(settings.database_url, settings.db_pool_size))
        # arq runs this hook in its own task, so the shutdown hook may not see this task's Tortoise context:
        # keep the clients to close them by hand (an unclosed aiosqlite thread kept a stopped worker alive)
        ctx["owns_db"] = list(connections.all())
    ctx["senders"] = Senders.open(settings)
    ctx.setdefault("clock", lambda: datetime.now(UTC))
    ctx.setdefault("retry_base_s", RETRY_BASE_S)
    if ctx.get("requeue"):  # `polku worker` (jobs/runner.py): what the database holds queued, Redis must know
        enqueued = await enqueue(ctx["redis"], await queued_ids())
        log.info("worker started", extra={"enqueued_from_database": enqueued})


async def shutdown(ctx: Ctx) -> None:
    """Let shielded sends finish before closing the senders and connections they use: a send whose "sent"
    never commits would be sent again by the next worker, and one waiting for a closed pool would wait for ever."""
    in_flight: set[asyncio.Future[Any]] = ctx.get("in_flight", set())
    if in_flight:
        await asyncio.wait(set(in_flight), timeout=SHUTDOWN_GRACE_S)
    await ctx["senders"].close()
    for client in ctx.pop("owns_db", []):
        await client.close()


async def send_toimitus(ctx: Ctx, toimitus_id: int) -> str:
    """Deliver one queued message. Shielded: a worker stopped mid-send still records what it sent."""
    clock: Callable[[], datetime] = ctx["clock"]
    sending = asyncio.ensure_future(deliver(toimitus_id, ctx["senders"], helsinki_day(clock())))
    # When the job is cancelled the send still finishes and is recorded; its outcome is read here so a
    # temporary failure after a cancel is not reported as an unretrieved exception (the row stays queued).
    sending.add_done_callback(lambda t: t.cancelled() or t.exception())
    in_flight: set[asyncio.Future[Any]] = ctx.setdefault("in_flight", set())
    in_flight.add(sending)
    sending.add_done_callback(in_flight.discard)
    try:
        outcome = await asyncio.shield(sending)
    except TemporaryFailure as e:
        log.info("delivery deferred", extra={"toimitus_id": toimitus_id, "try": ctx["job_try"], "error": str(e)})
        metrics.DELIVERIES.labels(await _kanava(toimitus_id), "retry").inc()
        if ctx["job_try"] >= MAX_TRIES:
            return f"still queued after {MAX_TRIES} tries, for the next daily run: {e}"
        raise Retry(defer=ctx["retry_base_s"] * 4 ** (ctx["job_try"] - 1)) from e
    log.info("delivery", extra={"toimitus_id": toimitus_id, "try": ctx["job_try"], "tila": outcome.label()})
    if outcome.here:  # a row another worker had already sent is that worker's to count
        metrics.DELIVERIES.labels(await _kanava(toimitus_id), str(outcome.tila)).inc()
    return outcome.label()


async def _kanava(toimitus_id: int) -> str:
    """The delivery's channel, for the metrics label (one indexed read after the send)."""
    found = await Toimitus.filter(id=toimitus_id).values_list("kanava", flat=True)
    return str(found[0]) if found else "unknown"


async def _run(ctx: Ctx, step: str) -> int:
    with metrics.FEEDBACK_RUN.labels(step).time():
        _, outcome = await run_due(ctx["clock"](), redis=ctx["redis"], steps=frozenset({step}))
    log.info("feedback run", extra={"step": step, **outcome})
    return outcome.get("enqueued", 0)


async def paivittainen(ctx: Ctx) -> int:
    return await _run(ctx, PAIVITTAIN)


async def niputus(ctx: Ctx) -> int:
    return await _run(ctx, NIPUTUS)


async def tyopaikkakysely(ctx: Ctx) -> int:
    return await _run(ctx, TYOPAIKKAKYSELY)


async def yhteystietojen_poisto(ctx: Ctx) -> int:
    """Erase contact details past their retention (models.rules.sailytys); the count of rows erased."""
    settings: Settings = ctx["settings"]
    poisto = await erase_expired_contacts(helsinki_day(ctx["clock"]()), settings.contact_retention_days)
    return poisto.linkit + poisto.toimitukset


async def koski_sync(ctx: Ctx) -> str:
    """Follow Koski's change feed when KOSKI_URL is set; the feed's lease keeps it one run across workers."""
    from jobs.koski_client import KoskiClient
    from models.services.koski_sync import sync

    settings: Settings = ctx["settings"]
    if not settings.koski_url:
        return "KOSKI_URL not set"
    async with KoskiClient.from_settings(settings) as client:
        return (await sync(client)).line()


class WorkerSettings:
    functions: ClassVar[list[Any]] = [func(send_toimitus, name=SEND_FUNCTION, max_tries=MAX_TRIES)]
    cron_jobs: ClassVar[list[Any]] = [
        cron(paivittainen, hour=9, minute=0),
        cron(niputus, day={1, 16}, hour=9, minute=5),
        cron(tyopaikkakysely, month={1, 2, 7, 8}, day={1, 16}, hour=9, minute=10),
        cron(yhteystietojen_poisto, hour=3, minute=30),
        cron(koski_sync, minute=set(range(0, 60, 5)), unique=True, timeout=3600),
    ]
    on_startup = startup
    on_shutdown = shutdown
    timezone = HELSINKI
    # No results are kept: the database holds every outcome, and a finished job's id can be enqueued again
    # by the next daily run when its delivery is still queued.
    keep_result = 0
    health_check_interval = 60
