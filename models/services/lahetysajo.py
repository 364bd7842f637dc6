"""What a day's feedback run does in the database, as one report (DOMAIN.md §3–4).

Each step runs in its own transaction and is idempotent: a link activated, a reminder counted or a send day
bundled is recorded with the deliveries it queues, so running the same day twice queues nothing new. A dry
run takes the very same path and rolls each transaction back, which is how `polku tick --dry-run` and the
`upcomingSends` view say what would go out without sending it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import TypeVar

from tortoise.transactions import in_transaction

from models.rules.calendar import HELSINKI
from models.services import palaute, tyoelama, tyopaikkakysely
from models.services.luonnos import siivoa_luonnokset
from models.services.palaute import Lahetys

T = TypeVar("T")

# The three schedules of the worker: daily (student sends, every reminder, expiries), the 1st and 16th
# (instructor bundles), and the twice-yearly työpaikkakysely windows.
PAIVITTAIN = "paivittain"
NIPUTUS = "niputus"
TYOPAIKKAKYSELY = "tyopaikkakysely"
ALL_STEPS = frozenset({PAIVITTAIN, NIPUTUS, TYOPAIKKAKYSELY})
DAILY_RUN_AT = time(9, 0)  # the worker's daily cron (jobs/worker.py)


@dataclass
class Raportti:
    paiva: date
    dry_run: bool
    lahetykset: list[Lahetys] = field(default_factory=list)
    suljetut: list[str] = field(default_factory=list)
    tyopaikkakyselyt: list[str] = field(default_factory=list)
    luonnokset: int = 0
    """Drafts removed because their link was answered, cancelled or past its answer period."""


class _Rollback(Exception):
    pass


async def _step(fn: Callable[[], Awaitable[T]], dry_run: bool, empty: T) -> T:
    result = empty
    try:
        async with in_transaction():
            result = await fn()
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return result


async def run_day(
    today: date, dry_run: bool = False, steps: frozenset[str] = ALL_STEPS, now: datetime | None = None
) -> Raportti:
    """Everything due on `today`: student sends, reminders, expiries and the drafts of closed links; the 1st/16th
    bundles (and any missed send day still within its 60 days); the työpaikkakysely links once per window.

    `now` stamps what the run writes (the tick's `--now`, the worker's clock); by default the daily run's hour.
    """
    stamp = now or datetime.combine(today, DAILY_RUN_AT, HELSINKI)
    report = Raportti(today, dry_run)
    if PAIVITTAIN in steps:
        report.lahetykset += await _step(lambda: palaute.send_due_links(today, stamp), dry_run, [])
    if NIPUTUS in steps:
        report.lahetykset += await _step(lambda: tyoelama.bundle_due(today, stamp), dry_run, [])
    if PAIVITTAIN in steps:
        report.lahetykset += await _step(lambda: palaute.send_due_reminders(today), dry_run, [])
        await _step(lambda: tyoelama.record_missed_sends(today), dry_run, 0)
        report.suljetut = await palaute.expired_yesterday(today)
        report.luonnokset = await _step(lambda: siivoa_luonnokset(today), dry_run, 0)
    if TYOPAIKKAKYSELY in steps:
        make = tyopaikkakysely.generate_tyopaikkakysely
        report.tyopaikkakyselyt = await _step(lambda: make(today, stamp), dry_run, [])
    return report
