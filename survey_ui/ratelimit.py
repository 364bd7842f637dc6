"""Per-client limit on survey token lookups (issue 4): an in-process sliding window.

The limit is generous on purpose: a whole class answering from a school's single NAT address must get through,
while a script trying tunnus after tunnus is slowed to a crawl (the tunnus has 256 random bits, so guessing is
hopeless anyway; the limit keeps such traffic from loading the database). With several worker processes each
keeps its own window, which only makes the effective limit a small multiple of the configured one.
"""

from __future__ import annotations

import os
import time
from collections import deque
from dataclasses import dataclass, field

ENV_VAR = "POLKU_SURVEY_RATE_LIMIT"


@dataclass
class SlidingWindowLimiter:
    max_requests: int = 120
    window_seconds: float = 60.0
    _hits: dict[str, deque[float]] = field(default_factory=dict, repr=False)
    _calls: int = field(default=0, repr=False)

    @classmethod
    def from_env(cls) -> SlidingWindowLimiter:
        """`POLKU_SURVEY_RATE_LIMIT=<requests>/<seconds>`, e.g. `120/60` (the default)."""
        raw = os.environ.get(ENV_VAR, "").strip()
        if not raw:
            return cls()
        count, _, seconds = raw.partition("/")
        return cls(max_requests=int(count), window_seconds=float(seconds or 60))

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
