"""`polku worker`: the arq worker under a loop that outlives Redis restarts and stops without sending twice.

- SIGTERM/SIGINT: stop taking jobs, let running ones (a send already handed to a provider) finish for up to
  `SHUTDOWN_GRACE_S`, only then cancel what is left and close the senders and database (issue 12 item 3).
- Redis gone (restart, failover, network): the worker closes what it opened, waits with a growing delay and
  starts again. On every start it enqueues the deliveries the database still holds as queued, so a Redis that
  lost its data loses no message: the database is the source of truth (issue 10 item 6).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from typing import Any

from arq.worker import Worker, create_worker
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from jobs.worker import SHUTDOWN_GRACE_S, WorkerSettings, redis_settings, shutdown
from models.settings import Settings

log = logging.getLogger("polku.worker")

REDIS_ERRORS = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)
BACKOFF_MIN_S = 0.5
BACKOFF_MAX_S = 30.0


async def run(settings: Settings) -> int:
    """Run workers one after another until a stop signal; returns the exit status."""
    stopping = asyncio.Event()
    current: list[Worker] = []
    loop = asyncio.get_running_loop()

    def stop(signum: signal.Signals) -> None:
        log.info("stop requested", extra={"signal": signum.name})
        stopping.set()
        if current:
            current[0].handle_sig_wait_for_completion(signum)

    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop, signum)
    delay = BACKOFF_MIN_S
    while not stopping.is_set():
        worker = create_worker(
            WorkerSettings,  # type: ignore[arg-type]
            redis_settings=redis_settings(settings),
            handle_signals=False,
            job_completion_wait=SHUTDOWN_GRACE_S,
            ctx={"settings": settings, "requeue": True},
        )
        current[:] = [worker]
        try:
            await worker.async_run()
        except asyncio.CancelledError:
            pass  # the stop signal ended the polling loop
        except REDIS_ERRORS as e:
            log.warning("redis unavailable, starting again", extra={"error": repr(e)[:200], "retry_in_s": delay})
        finally:
            started = "senders" in worker.ctx
            await close(worker)
        if started:
            delay = BACKOFF_MIN_S
        if not stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), delay)
            delay = min(delay * 2, BACKOFF_MAX_S)
    log.info("worker stopped")
    return 0


async def close(worker: Worker) -> None:
    """arq's close, tolerant of a Redis that is gone: running jobs end first, then the hooks, then Redis."""
    tasks: list[Any] = list(worker.tasks.values())
    if tasks:
        await asyncio.gather(*tasks, return_exceptions=True)
    if "senders" in worker.ctx:
        await shutdown(worker.ctx)
        worker.ctx.pop("senders")
    pool = worker._pool
    if pool is not None:
        with contextlib.suppress(*REDIS_ERRORS):
            await pool.delete(worker.health_check_key)
        with contextlib.suppress(*REDIS_ERRORS):
            await pool.close(close_connection_pool=True)
        worker._pool = None
