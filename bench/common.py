"""What every benchmark shares, so that none of them can quietly measure the wrong thing.

- Each run works in a database it created under a unique name and drops afterwards, and in its own Redis
  server: a benchmark never touches data it did not create.
- Every response is parsed and checked (`graphql_data`): an error answer is a failure, never a fast success.
- A percentile is only printed when there are enough samples for it (`percentile`).
- Two implementations are compared in alternating short slices (`interleaved`), so background noise lands on
  both sides, and the median ratio of the slices is reported with its spread.
- Each figure is a `Verdict`; `report` prints them as one table and, when `POLKU_BENCH_RESULTS` names a file,
  appends them there as JSON lines for `bench/run_all.py`.
"""

from __future__ import annotations

import json
import math
import os
import secrets
import statistics
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG = os.environ.get("POLKU_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


class BenchFailure(RuntimeError):
    """The benchmark saw a wrong answer: its figures mean nothing."""


def unique_name(kind: str) -> str:
    return f"polku_bench_{kind}_{os.getpid()}_{secrets.token_hex(3)}"


@asynccontextmanager
async def own_database(kind: str) -> AsyncIterator[str]:
    """A new PostgreSQL database (its URL), dropped afterwards whatever happens."""
    name = unique_name(kind)
    admin = await asyncpg.connect(f"{PG}/postgres")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield f"{PG}/{name}"
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@contextmanager
def own_redis() -> Iterator[str]:
    """A private redis-server on a free port (its URL), stopped afterwards."""
    from api.dev import redis_server_binary, start_redis

    binary = redis_server_binary()
    if binary is None:
        raise BenchFailure("no redis-server binary (make install, or apt-get install redis-server)")
    process, url = start_redis(binary)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def graphql_data(response: httpx.Response, path: tuple[str, ...] = (), count: int | None = None) -> Any:
    """The response's `data`, after checking it is a 200 with data and no errors; `path` leads to a value that
    must be present (and, with `count`, a list of that length)."""
    if response.status_code != 200:
        raise BenchFailure(f"HTTP {response.status_code}: {response.text[:300]}")
    body = response.json()
    if body.get("errors") or body.get("data") is None:
        raise BenchFailure(f"GraphQL errors: {json.dumps(body)[:300]}")
    value = body["data"]
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
        if value is None:
            raise BenchFailure(f"no {'.'.join(path)} in {json.dumps(body)[:300]}")
    if count is not None and (not isinstance(value, list) or len(value) != count):
        raise BenchFailure(f"{'.'.join(path)}: expected {count} items, got {len(value) if value else value}")
    return body["data"]


def percentile(samples: list[float], q: float) -> float:
    """The nearest-rank q-th percentile; refuses when the samples can't tell it apart from the maximum."""
    needed = round(100 / (100 - q)) if q < 100 else 1
    if len(samples) < needed:
        raise BenchFailure(f"p{q:g} needs at least {needed} samples, got {len(samples)}")
    ordered = sorted(samples)
    rank = max(1, int(-(-q * len(ordered) // 100)))  # ceil(q/100 · n)
    return ordered[rank - 1]


@dataclass
class Load:
    """Requests/s and latency (ms) of one load run; p99 is NaN when there were under 100 samples."""

    rps: float
    p50_ms: float
    p99_ms: float
    n: int


async def run_load(
    request: Callable[[int], Awaitable[None]], concurrency: int, seconds: float, max_requests: int
) -> tuple[float, list[float]]:
    """Calls `request(i)` from `concurrency` tasks until `seconds` or `max_requests` run out; returns the
    elapsed time and every request's latency in seconds. `request` raises on a wrong answer."""
    import asyncio

    latencies: list[float] = []
    counter = iter(range(max_requests))
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        for i in counter:
            if time.perf_counter() > deadline:
                return
            t = time.perf_counter()
            await request(i)
            latencies.append(time.perf_counter() - t)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies


@dataclass
class Interleaved:
    """Two implementations measured in alternating slices: per-side totals and the slices' ratios a/b."""

    a: Load
    b: Load
    ratios: list[float]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def spread(self) -> tuple[float, float]:
        return min(self.ratios), max(self.ratios)


async def interleaved(
    request_a: Callable[[int], Awaitable[None]],
    request_b: Callable[[int], Awaitable[None]],
    concurrency: int,
    slices: int,
    slice_seconds: float,
    max_requests: int = 100_000,
) -> Interleaved:
    """Runs a and b in alternating slices (a b b a a b …, so neither always goes first) and reports the
    median of the per-pair throughput ratios a/b with their spread."""
    lat: dict[str, list[float]] = {"a": [], "b": []}
    spent: dict[str, float] = {"a": 0.0, "b": 0.0}
    ratios: list[float] = []
    for s in range(slices):
        order = ("a", "b") if s % 2 == 0 else ("b", "a")
        rps: dict[str, float] = {}
        for side in order:
            elapsed, got = await run_load(
                request_a if side == "a" else request_b, concurrency, slice_seconds, max_requests
            )
            lat[side] += got
            spent[side] += elapsed
            rps[side] = len(got) / elapsed
        ratios.append(rps["a"] / rps["b"])

    def load(side: str) -> Load:
        ms = [x * 1000 for x in lat[side]]
        p99 = percentile(ms, 99) if len(ms) >= 100 else math.nan  # too few samples to tell
        return Load(len(ms) / spent[side], statistics.median(ms), p99, len(ms))

    return Interleaved(load("a"), load("b"), ratios)


@dataclass
class Verdict:
    """One figure with its target: `ok` is None for figures that have no target (context only)."""

    bench: str
    figure: str
    value: str
    target: str = ""
    ok: bool | None = None


def report(verdicts: list[Verdict]) -> bool:
    """Prints the table; appends JSON lines to $POLKU_BENCH_RESULTS; True when no target was missed."""
    print(f"\n{'figure':<58} {'value':>24}  {'target':<16} verdict")
    for v in verdicts:
        mark = "" if v.ok is None else ("met" if v.ok else "MISSED")
        print(f"{v.figure:<58} {v.value:>24}  {v.target:<16} {mark}")
    out = os.environ.get("POLKU_BENCH_RESULTS")
    if out:
        with open(out, "a") as f:
            for v in verdicts:
                f.write(json.dumps(asdict(v)) + "\n")
    return all(v.ok is not False for v in verdicts)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"
