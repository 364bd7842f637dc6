"""`run_due(now)`: everything the feedback automation owes at an instant (issue 3 item 4).

The worker's cron jobs and `polku tick` share this path. The database is the source of truth: `run_day`
commits links and queued deliveries first; only then is the queue woken, with one job per delivery under the
deterministic id `toimitus:<id>`, so a re-run or a restart enqueues nothing twice and the delivery itself
refuses to send a row that is no longer queued. `polku tick` delivers synchronously instead of enqueueing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import datetime

from arq.connections import ArqRedis, RedisSettings, create_pool

from jobs.deliver import Senders, deliver
from jobs.failures import TemporaryFailure
from models.kyselylinkki import Toimitus, ToimitusTila
from models.rules.calendar import helsinki_day
from models.services.lahetysajo import ALL_STEPS, Raportti, run_day
from models.settings import Settings

SEND_FUNCTION = "send_toimitus"
ENQUEUE_BATCH = 500
SEND_CONCURRENCY = 20


def job_id(toimitus_id: int) -> str:
    return f"toimitus:{toimitus_id}"


async def queued_ids() -> list[int]:
    """Every delivery still waiting: today's new ones and any left by a crash or a failed retry round."""
    rows = await Toimitus.filter(tila=ToimitusTila.QUEUED).order_by("id").values("id")
    return [r["id"] for r in rows]


async def enqueue(redis: ArqRedis, ids: Iterable[int]) -> int:
    """Wake the queue for these deliveries; a job already waiting under the same id is not added again."""
    ids = list(ids)
    added = 0
    for i in range(0, len(ids), ENQUEUE_BATCH):
        jobs = await asyncio.gather(
            *(redis.enqueue_job(SEND_FUNCTION, t, _job_id=job_id(t)) for t in ids[i : i + ENQUEUE_BATCH])
        )
        added += sum(1 for j in jobs if j is not None)
    return added


async def deliver_now(ids: Iterable[int], senders: Senders, now: datetime) -> dict[str, int]:
    """Deliver synchronously (for `polku tick`); temporary failures stay queued for the worker or the next tick.

    Counts are by what this call did: a row another process sent meanwhile counts as "already sent"."""
    today = helsinki_day(now)
    sem = asyncio.Semaphore(SEND_CONCURRENCY)
    counts: dict[str, int] = {}

    async def one(toimitus_id: int) -> None:
        async with sem:
            try:
                outcome = (await deliver(toimitus_id, senders, today)).label()
            except TemporaryFailure:
                outcome = "retry_later"
            counts[outcome] = counts.get(outcome, 0) + 1

    await asyncio.gather(*(one(i) for i in ids))
    return counts


async def run_due(
    now: datetime,
    *,
    dry_run: bool = False,
    redis: ArqRedis | None = None,
    senders: Senders | None = None,
    steps: frozenset[str] = ALL_STEPS,
) -> tuple[Raportti, dict[str, int]]:
    """Run the day's steps at `now`, then enqueue (worker) or deliver (`senders`, the tick) what is queued.

    A dry run changes nothing and sends nothing: it only reports.
    """
    report = await run_day(helsinki_day(now), dry_run, steps, now)
    outcome: dict[str, int] = {}
    if dry_run:
        return report, outcome
    ids = await queued_ids()
    if redis is not None:
        outcome["enqueued"] = await enqueue(redis, ids)
    elif senders is not None:
        outcome = await deliver_now(ids, senders, now)
    return report, outcome


def describe(report: Raportti, outcome: dict[str, int]) -> list[str]:
    """The lines `polku tick` prints: every message (to be) sent and why, links closed, työpaikkakysely links."""
    head = "would send" if report.dry_run else "queued"
    lines = [f"{report.paiva.isoformat()}: {head} {len(report.lahetykset)} message(s)"]
    lines += [
        f"  {x.kyselytyyppi} {x.tarkoitus} {x.kanava} {x.osoite} {x.tunnus[:8]}… ({x.koulutustoimija_oid}): {x.syy}"
        for x in report.lahetykset
    ]
    lines += [f"  closed unanswered: {tunnus[:8]}…" for tunnus in report.suljetut]
    if report.tyopaikkakyselyt:
        lines.append(f"  työpaikkakysely links made: {len(report.tyopaikkakyselyt)}")
    if outcome:
        lines.append("  deliveries: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.items())))
    return lines


async def tick(now: datetime, settings: Settings, *, dry_run: bool = False) -> tuple[Raportti, dict[str, int]]:
    """`polku tick`: run what is due at `now` and deliver it here and now (the database must be open)."""
    senders = Senders.open(settings)
    try:
        return await run_due(now, dry_run=dry_run, senders=senders)
    finally:
        await senders.close()


async def wake(settings: Settings, ids: Iterable[int]) -> bool:
    """Enqueue committed deliveries now (e.g. a resend); without Redis the next daily run picks them up."""
    if not settings.redis_url:
        return False
    redis = await create_pool(RedisSettings.from_dsn(settings.redis_url))
    try:
        await enqueue(redis, ids)
    finally:
        await redis.aclose()
    return True
