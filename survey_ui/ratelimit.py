"""Per-client limit on survey token lookups (issue 4): a sliding window, in Redis when there is one.

The limit is generous on purpose: a whole class answering from a school's single NAT address must get through,
while a script trying tunnus after tunnus is slowed to a crawl (the tunnus has 256 random bits, so guessing is
hopeless anyway; the limit keeps such traffic from loading the database). With REDIS_URL set every process
counts in one window in Redis (issue 10 §6: per-process windows multiplied the limit by the number of
processes); without it (`make run` without Redis, tests) the window lives in the process. The client is the
address uvicorn reports, which honours X-Forwarded-For only from POLKU_TRUSTED_PROXIES (api.app.proxy_options).
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger("polku.survey")

ENV_VAR = "POLKU_SURVEY_RATE_LIMIT"


class Limiter(Protocol):
    async def hit(self, client: str) -> int | None:
        """Count one lookup by `client`: None when allowed, else whole seconds until it may try again."""


def limits_from_env() -> tuple[int, float]:
    """`POLKU_SURVEY_RATE_LIMIT=<requests>/<seconds>`, e.g. `120/60` (the default)."""
    raw = os.environ.get(ENV_VAR, "").strip()
    if not raw:
        return 120, 60.0
    count, _, seconds = raw.partition("/")
    return int(count), float(seconds or 60)


def limiter_for(redis_url: str | None) -> Limiter:
    count, seconds = limits_from_env()
    if redis_url:
        return RedisWindowLimiter(redis_url, count, seconds)
    return SlidingWindowLimiter(count, seconds)


@dataclass
class SlidingWindowLimiter:
    max_requests: int = 120
    window_seconds: float = 60.0
    _hits: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    _calls: int = field(default=0, repr=False)

    async def hit(self, client: str) -> int | None:
        return None if self.allow(client) else self.retry_after(client)

    def allow(self, client: str, now: float | None = None) -> bool:
        """Count one lookup by `client`; False when it already made `max_requests` within the window."""
        now = time.monotonic() if now is None else now
        self._sweep(now)
        hits = self._hits.setdefault(client, deque())
        while hits and hits[0] <= now - self.window_seconds:
            hits.popleft()
        if len(hits) >= self.max_requests:
            return False
        hits.append(now)
        return True

    def retry_after(self, client: str, now: float | None = None) -> int:
        """Whole seconds until `client` may try again."""
        now = time.monotonic() if now is None else now
        hits = self._hits.get(client)
        if not hits:
            return 0
        return max(1, int(hits[0] + self.window_seconds - now + 0.999))

    def _sweep(self, now: float) -> None:
        """Forget idle clients now and then, so memory follows the active clients, not all ever seen."""
        self._calls += 1
        if self._calls % 1000:
            return
        stale = [k for k, hits in self._hits.items() if not hits or hits[-1] <= now - self.window_seconds]
        for key in stale:
            del self._hits[key]


# Drop hits older than the window, refuse when `max` remain (answering when the oldest leaves), else add this one.
# One script, so two processes can't both see room for the last hit.
_WINDOW_SCRIPT = """
local key, now, window, max = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
if redis.call('ZCARD', key) >= max then
  local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
  return math.max(1, math.ceil(tonumber(oldest[2]) + window - now))
end
redis.call('ZADD', key, now, ARGV[4])
redis.call('PEXPIRE', key, math.ceil(window * 1000))
return 0
"""


class RedisWindowLimiter:
    """The sliding window as a sorted set per client in Redis, shared by every process.

    Times are Redis's own clock (TIME), so processes on machines whose clocks differ still agree. If Redis can't
    be reached the lookup is allowed and a warning logged: the limit protects the database from floods, and a
    Redis outage must not close every survey."""

    PREFIX = "polku:kysely-rajoitus:"

    def __init__(self, redis_url: str, max_requests: int = 120, window_seconds: float = 60.0) -> None:
        self.redis_url = redis_url
        self.max_requests = max_requests
        self.window_seconds = window_seconds
        self._redis: Redis | None = None

    async def hit(self, client: str) -> int | None:
        if self._redis is None:
            self._redis = Redis.from_url(self.redis_url)
        try:
            seconds, micros = await self._redis.time()
            now = seconds + micros / 1_000_000
            retry = await self._redis.eval(  # type: ignore[misc]
                _WINDOW_SCRIPT,
                1,
                self.PREFIX + client,
                str(now),
                str(self.window_seconds),
                str(self.max_requests),
                f"{now}:{uuid.uuid4().hex}",
            )
        except (RedisError, OSError) as e:
            log.warning("survey rate limit not applied, Redis unavailable: %s", e)
            return None
        return int(retry) or None
