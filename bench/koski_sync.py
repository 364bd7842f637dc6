"""Koski change-feed sync (issue 11 §6): N persons (about 1.5 study rights each, shaped like Koski's examples)
served by the HTTP stand-in the tests use, mirrored into a PostgreSQL database of its own.

Figures: wall time and study rights/s of the first sync, peak RSS of this process (which also runs the stand-in,
so the figure is an upper bound for Polku alone), and a re-sync after every person changed again with the same
versions (it must write nothing and be at least 5× faster). Targets are for 100 000 persons; a smaller run is
extrapolated linearly, and says so.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import resource
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tortoise import Tortoise, connections

from bench.common import BenchFailure, Verdict, load_average, own_database, report
from jobs.koski_client import KoskiClient
from models.db import tortoise_config
from models.opiskeluoikeus import Opiskeluoikeus
from models.services.koski_sync import sync
from models.sql_extras import install
from tests.koski.documents import FAILED_TRANSFER, corpus, own
from tests.koski.standin import PASSWORD, USER, KoskiStandin, Serving

FULL = 100_000


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def persons(n: int) -> dict[str, dict[str, Any]]:
    """n /sure/oids documents: study rights copied from the examples with fresh OIDs, 1 or 2 per person."""
    templates = [
        oo for e in corpus() or own() if not e.name.startswith(FAILED_TRANSFER) for oo in e.oppija["opiskeluoikeudet"]
    ]
    out = {}
    k = 0
    for i in range(n):
        oid = f"1.2.246.562.24.{i + 1:011d}"
        rows = []
        for _ in range(2 if i % 2 else 1):
            oo = copy.deepcopy(templates[k % len(templates)])
            k += 1
            oo["oid"] = f"1.2.246.562.15.{k:011d}"
            rows.append(oo)
        out[oid] = {"henkilö": {"oid": oid}, "opiskeluoikeudet": rows}
    return out


async def main() -> bool:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 000 persons")
    parser.add_argument("--persons", type=int, default=FULL)
    args = parser.parse_args()
    if args.quick:
        args.persons = 1_000
    print(load_average())
    docs = persons(args.persons)
    rights = sum(len(d["opiskeluoikeudet"]) for d in docs.values())
    koski = KoskiStandin()
    start = koski.now - timedelta(days=1)
    for i, (oid, doc) in enumerate(docs.items()):
        koski.change(oid, doc, start + timedelta(milliseconds=i))
    scale = FULL / args.persons
    async with own_database("koski") as dsn:
        try:
            await Tortoise.init(config=tortoise_config(dsn + "?min_size=1&max_size=10"))
            await Tortoise.generate_schemas()
            await install(connections.get("default"))
            with Serving(koski):
                baseline_mb = current_rss_mb()  # the stand-in's documents and both code bases, before any sync
                async with KoskiClient(koski.url, USER, PASSWORD, backoff_s=0.1) as client:
                    t = time.perf_counter()
                    first = await sync(client)
                    first_s = time.perf_counter() - t
                    print(f"first sync: {first.line()} in {first_s:.1f} s")
                    if first.created != rights or first.refused:
                        raise BenchFailure(f"expected {rights} study rights stored: {first.line()}")
                    koski.now += timedelta(hours=1)
                    for i, (oid, doc) in enumerate(docs.items()):
                        koski.change(oid, doc, koski.now - timedelta(minutes=30) + timedelta(milliseconds=i))
                    t = time.perf_counter()
                    again = await sync(client)
                    again_s = time.perf_counter() - t
                    print(f"re-sync: {again.line()} in {again_s:.1f} s")
                    if (again.created, again.updated, again.voided) != (0, 0, 0) or again.unchanged != rights:
                        raise BenchFailure(f"an unchanged re-sync changed something: {again.line()}")
            if await Opiskeluoikeus.all().count() != rights:
                raise BenchFailure("stored study rights differ from those served")
        finally:
            await Tortoise.close_connections()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(load_average())
    size = f"{args.persons} persons, {rights} study rights"
    full_s = first_s * scale
    return report(
        [
            Verdict("koski_sync", f"first sync, {size}", f"{first_s:.1f} s, {rights / first_s:.0f}/s"),
            Verdict(
                "koski_sync",
                "first sync extrapolated to 100 000 persons",
                f"{full_s / 60:.1f} min",
                "< 10 min",
                full_s < 600,
            ),
            Verdict("koski_sync", f"RSS before the sync (stand-in data), {size}", f"{baseline_mb:.0f} MB"),
            Verdict("koski_sync", f"peak RSS incl. stand-in, {size}", f"{rss_mb:.0f} MB", "< 500 MB", rss_mb < 500),
            Verdict(
                "koski_sync", "unchanged re-sync speed-up", f"{first_s / again_s:.1f}×", "≥ 5×", first_s / again_s >= 5
            ),
        ]
    )


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(main()) else 1)
