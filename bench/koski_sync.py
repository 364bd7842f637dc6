"""Koski change-feed sync (issue 11 §6): N persons (about 1.5 study rights each, shaped like Koski's examples)
served by the HTTP stand-in the tests use, mirrored into a PostgreSQL database of its own.

Figures: wall time and study rights/s of the first sync, peak RSS of Polku's process (the stand-in runs in a
process of its own), and a re-sync after every person changed again with the same versions (it must write
nothing and be at least 5× faster). The stored rows are counted against those served. Targets are for
100 000 persons; a smaller run is extrapolated linearly, and says so.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import socket
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
import uvicorn
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from tortoise import Tortoise, connections

from bench.common import BenchFailure, Verdict, load_average, own_database, report
from jobs.koski_client import KoskiClient
from models.db import tortoise_config
from models.opiskeluoikeus import OpiskeluoikeudenTila, Opiskeluoikeus, PaatasonSuoritus
from models.oppija import Oppija
from models.services.koski_sync import sync
from models.sql_extras import install
from tests.koski.documents import FAILED_TRANSFER, corpus, own
from tests.koski.standin import PASSWORD, USER, KoskiStandin

FULL = 100_000


def current_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def templates() -> list[dict[str, Any]]:
    """The examples' study rights (Koski's failed transfers left out), each shaped as Koski's read API serves it."""
    examples = corpus() or own()
    return [oo for e in examples if not e.name.startswith(FAILED_TRANSFER) for oo in e.oppija["opiskeluoikeudet"]]


def person_oid(i: int) -> str:
    return f"1.2.246.562.24.{i + 1:011d}"


def rights_of(i: int) -> list[int]:
    """Person i's study rights as running numbers k (template k % len, OID from k): every second has two."""
    first = i + i // 2  # persons before i hold i + i // 2 study rights
    return [first, first + 1] if i % 2 else [first]


class SyntheticKoski(KoskiStandin):
    """The tests' stand-in serving n persons made of the example templates: each served document is the
    template's JSON with the person's and study right's OIDs spliced in, so 100 000 persons take neither the
    stand-in's memory nor its CPU (Koski's own cost is not Polku's)."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.encoded = [
            json.dumps(oo, ensure_ascii=False).encode().split(json.dumps(oo["oid"]).encode(), 1) for oo in templates()
        ]
        self.index = {person_oid(i): i for i in range(n)}

    def served(self, oid: str) -> bytes:
        parts = [f'{{"henkilö": {{"oid": "{oid}"}}, "opiskeluoikeudet": ['.encode()]
        for j, k in enumerate(rights_of(self.index[oid])):
            before, after = self.encoded[k % len(self.encoded)]
            parts += [b", " if j else b"", before, f'"1.2.246.562.15.{k + 1:011d}"'.encode(), after]
        return b"".join([*parts, b"]}"])


def expected_rows(n: int) -> tuple[int, int]:
    """The tila and suoritus rows n persons' study rights store (a mitatoity tila row voids, it is not stored)."""
    rows = []
    for oo in templates():
        jaksot = (oo.get("tila") or {}).get("opiskeluoikeusjaksot") or []
        rows.append(
            (
                sum(1 for j in jaksot if j["tila"]["koodiarvo"] != "mitatoity"),
                len(oo.get("suoritukset") or []),
            )
        )
    ks = [k for i in range(n) for k in rights_of(i)]
    return sum(rows[k % len(rows)][0] for k in ks), sum(rows[k % len(rows)][1] for k in ks)


def serve(n: int, port: int) -> None:
    """The stand-in in a process of its own (so Polku's RSS is Polku's), with `POST /_touch` changing every
    person again with the same versions."""
    koski = SyntheticKoski(n)
    start = koski.now - timedelta(days=1)
    for i, oid in enumerate(koski.index):
        koski.change(oid, {}, start + timedelta(milliseconds=i))

    async def touch(_: Request) -> Response:
        koski.now += timedelta(hours=1)
        for i, oid in enumerate(koski.index):
            koski.change(oid, {}, koski.now - timedelta(minutes=30) + timedelta(milliseconds=i))
        return Response("ok")

    app = koski.app()
    app.router.routes.append(Route("/_touch", touch, methods=["POST"]))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def main() -> bool:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 000 persons")
    parser.add_argument("--persons", type=int, default=FULL)
    args = parser.parse_args()
    if args.quick:
        args.persons = 1_000
    print(load_average())
    rights = args.persons + args.persons // 2  # persons() gives every second person two study rights
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    standin = multiprocessing.get_context("spawn").Process(target=serve, args=(args.persons, port), daemon=True)
    standin.start()
    deadline = time.monotonic() + 120
    while True:  # the stand-in builds its documents first; time nothing before it answers
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if time.monotonic() > deadline or not standin.is_alive():
                raise BenchFailure("the Koski stand-in did not start") from None
            time.sleep(0.2)
    scale = FULL / args.persons
    try:
        async with own_database("koski") as dsn:
            try:
                await Tortoise.init(config=tortoise_config(dsn + "?min_size=1&max_size=10"))
                await Tortoise.generate_schemas()
                await install(connections.get("default"))
                async with KoskiClient(url, USER, PASSWORD, backoff_s=2.0, tries=8) as client:
                    baseline_mb = current_rss_mb()
                    t = time.perf_counter()
                    first = await sync(client)
                    first_s = time.perf_counter() - t
                    print(f"first sync: {first.line()} in {first_s:.1f} s")
                    if first.created != rights or first.refused:
                        raise BenchFailure(f"expected {rights} study rights stored: {first.line()}")
                    async with httpx.AsyncClient() as http:
                        (await http.post(f"{url}/_touch", timeout=600)).raise_for_status()
                    t = time.perf_counter()
                    again = await sync(client)
                    again_s = time.perf_counter() - t
                    print(f"re-sync: {again.line()} in {again_s:.1f} s")
                    if (again.created, again.updated, again.voided) != (0, 0, 0) or again.unchanged != rights:
                        raise BenchFailure(f"an unchanged re-sync changed something: {again.line()}")
                stored = (
                    await Oppija.all().count(),
                    await Opiskeluoikeus.all().count(),
                    await OpiskeluoikeudenTila.all().count(),
                    await PaatasonSuoritus.all().count(),
                )
                served = (args.persons, rights, *expected_rows(args.persons))
                print(f"stored persons, study rights, tila rows, suoritus rows: {stored}; served: {served}")
                if stored != served:
                    raise BenchFailure("the stored rows differ from those served")
            finally:
                await Tortoise.close_connections()
    finally:
        standin.terminate()
        standin.join(timeout=10)
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
            Verdict("koski_sync", f"Polku's RSS before the sync, {size}", f"{baseline_mb:.0f} MB"),
            Verdict("koski_sync", f"Polku's peak RSS, {size}", f"{rss_mb:.0f} MB", "< 500 MB", rss_mb < 500),
            Verdict(
                "koski_sync", "unchanged re-sync speed-up", f"{first_s / again_s:.1f}×", "≥ 5×", first_s / again_s >= 5
            ),
        ]
    )


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(main()) else 1)
