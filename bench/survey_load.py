"""Load benchmark of the survey pages (issue 4): GET the form + POST an answer for N distinct links.

Serves the real app under uvicorn (a subprocess, one worker) on its own uniquely named PostgreSQL database
(created and dropped here), and beside it, in the same server, a bare Starlette route that reads and writes the
same rows with hand-written SQL (no ORM, no templates, no CSRF, no validation): the floor the real page is compared
with. The load generator (aiohttp, concurrency 32) runs in this process on the same 2 cores.

    python bench/survey_load.py [--quick] [--links 10000] [--concurrency 32] [--slices 8]

Survey and bare answers run in alternating slices of links (so background noise lands on both); prints
answers/s, p50/p99 per request and per answer (GET + POST), the median survey/bare throughput ratio of the
slices with its spread, and checks against the database that every link was answered exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import asyncpg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import BenchFailure, Verdict, load_average, own_database, percentile, report  # noqa: E402

CSRF = re.compile(r'name="csrftoken" value="([^"]+)"')


# --------------------------------------------------------------------------------------------- server side
def build_server_app(database_url: str):  # type: ignore[no-untyped-def]
    """The real app plus `/bare/{tunnus}`: the same reads and writes in hand-written SQL."""
    import json
    from contextlib import asynccontextmanager

    from starlette.requests import Request
    from starlette.responses import HTMLResponse, RedirectResponse, Response
    from starlette.routing import Route

    from api.app import create_app
    from models.settings import Settings

    app = create_app(Settings(database_url=database_url.replace("postgres://", "postgres://", 1) + "?max_size=10"))
    pool: dict[str, asyncpg.Pool] = {}
    inner_lifespan = app.router.lifespan_context

    @asynccontextmanager
    async def lifespan(a):  # type: ignore[no-untyped-def]
        pool["p"] = await asyncpg.create_pool(database_url, min_size=2, max_size=10)
        async with inner_lifespan(a):
            yield
        await pool["p"].close()

    app.router.lifespan_context = lifespan

    async def bare(request: Request) -> Response:
        tunnus = request.path_params["tunnus"]
        async with pool["p"].acquire() as conn:
            if request.method == "GET":
                row = await conn.fetchrow(
                    "SELECT id, kyselytyyppi, vastausaika_alku, vastausaika_loppu, vastattu_at "
                    "FROM kyselylinkki WHERE tunnus = $1",
                    tunnus,
                )
                if row is None or row["vastattu_at"] is not None:
                    return HTMLResponse("<p>no</p>", status_code=404)
                return HTMLResponse(f"<form method=post><input name=a value={row['id']}></form>")
            form = await request.form()
            answers = {k: form.getlist(k) for k in form}
            async with conn.transaction():
                row = await conn.fetchrow(
                    "SELECT id, vastattu_at FROM kyselylinkki WHERE tunnus = $1 FOR UPDATE", tunnus
                )
                if row is None or row["vastattu_at"] is not None:
                    return HTMLResponse("<p>no</p>", status_code=409)
                await conn.execute(
                    "INSERT INTO vastaus (kyselylinkki_id, kysely_tunnus, kysely_versio, kieli, vastaukset, "
                    "vastattu_at) VALUES ($1, 'bare', 1, 'fi', $2, now())",
                    row["id"],
                    json.dumps(answers),
                )
                await conn.execute("UPDATE kyselylinkki SET vastattu_at = now() WHERE id = $1", row["id"])
        return RedirectResponse("/kiitos?lang=fi", status_code=303)

    app.router.routes.insert(0, Route("/bare/{tunnus}", bare, methods=["GET", "POST"]))
    return app


def serve(port: int, db_url: str) -> None:
    import uvicorn

    os.environ["POLKU_SURVEY_RATE_LIMIT"] = "100000000/60"  # one client address drives all the load
    uvicorn.run(build_server_app(db_url), host="127.0.0.1", port=port, log_level="warning", access_log=False)


# ----------------------------------------------------------------------------------------------- database
async def fill_database(db_url: str, n_links: int) -> tuple[list[str], list[str]]:
    from datetime import UTC, datetime, timedelta

    from tortoise import Tortoise

    from models.db import tortoise_config
    from models.kyselylinkki import Kyselylinkki, Kyselytyyppi
    from models.organisation import OrganisationTyyppi
    from models.rules.calendar import helsinki_day
    from models.services.organisations import ensure_organisation

    await Tortoise.init(config=tortoise_config(db_url))
    await Tortoise.generate_schemas()
    kt = await ensure_organisation("1.2.246.562.10.10000000009", OrganisationTyyppi.KOULUTUSTOIMIJA, "Bench")
    today = helsinki_day(datetime.now(UTC))
    rows = [
        Kyselylinkki(
            kyselytyyppi=Kyselytyyppi.ALOITTANEET,
            koulutustoimija=kt,
            heratepvm=today,
            rahoituskausi="2025-2026",
            lahetyspvm=today,
            vastausaika_alku=today - timedelta(days=1),
            vastausaika_loppu=today + timedelta(days=29),
        )
        for _ in range(2 * n_links)
    ]
    await Kyselylinkki.bulk_create(rows, batch_size=2000)
    tunnukset = [r.tunnus for r in rows]
    await Tortoise.close_connections()
    return tunnukset[:n_links], tunnukset[n_links:]


async def verify(db_url: str, survey: list[str], bare: list[str]) -> dict[str, int]:
    conn = await asyncpg.connect(db_url)
    try:
        result = {}
        for name, tunnukset in (("survey", survey), ("bare", bare)):
            row = await conn.fetchrow(
                "SELECT count(v.id) AS answers, count(DISTINCT v.kyselylinkki_id) AS links, "
                "count(*) FILTER (WHERE k.vastattu_at IS NULL) AS unanswered "
                "FROM kyselylinkki k LEFT JOIN vastaus v ON v.kyselylinkki_id = k.id WHERE k.tunnus = ANY($1)",
                tunnukset,
            )
            result.update({f"{name}_{k}": int(v) for k, v in row.items()})
        return result
    finally:
        await conn.close()


# -------------------------------------------------------------------------------------------- load driver
def answer_form() -> dict[str, str]:
    from models.rules.kysely import LIKERT, MONIVALINTA, TEKSTI, VALINTA
    from survey_ui.kyselyt import latest

    form: dict[str, str] = {}
    for k in latest("aloittaneet").kysymykset:
        if k.nayta_kun is not None:
            continue
        if k.tyyppi == LIKERT:
            form[k.tunnus] = "4"
        elif k.tyyppi in (VALINTA, MONIVALINTA):
            form[k.tunnus] = k.vaihtoehdot[0].koodi
        elif k.tyyppi == TEKSTI:
            form[k.tunnus] = "Hyvä koulutus, kiitos."
        else:
            form[k.tunnus] = "kylla"
    return form


Answer = Callable[[aiohttp.ClientSession, str, list[float]], Awaitable[bool]]


async def answer_survey(http: aiohttp.ClientSession, base: str, tunnus: str, latencies: list[float]) -> bool:
    t0 = time.perf_counter()
    async with http.get(f"{base}/v/{tunnus}?lang=fi") as r:
        html = await r.text()
        cookie = r.cookies.get("csrftoken")
    t1 = time.perf_counter()
    match = CSRF.search(html)
    if r.status != 200 or match is None:
        return False
    headers = {"Cookie": f"csrftoken={cookie.value}"} if cookie else {}
    async with http.post(
        f"{base}/v/{tunnus}?lang=fi&versio=1",
        data={"csrftoken": match.group(1), **FORM},
        headers=headers,
        allow_redirects=False,
    ) as r:
        await r.read()
        ok = r.status == 303
    t2 = time.perf_counter()
    latencies.extend((t1 - t0, t2 - t1))
    return ok


async def answer_bare(http: aiohttp.ClientSession, base: str, tunnus: str, latencies: list[float]) -> bool:
    t0 = time.perf_counter()
    async with http.get(f"{base}/bare/{tunnus}") as r:
        await r.read()
        ok_get = r.status == 200
    t1 = time.perf_counter()
    async with http.post(f"{base}/bare/{tunnus}", data=FORM, allow_redirects=False) as r:
        await r.read()
        ok = ok_get and r.status == 303
    t2 = time.perf_counter()
    latencies.extend((t1 - t0, t2 - t1))
    return ok


FORM: dict[str, str] = {}


@dataclass
class Run:
    """What one or more drives measured: answers, failures, seconds, and per-request and per-answer latencies."""

    answers: int = 0
    failures: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    per_answer: list[float] = field(default_factory=list)

    def add(self, other: Run) -> None:
        self.answers += other.answers
        self.failures += other.failures
        self.seconds += other.seconds
        self.latencies += other.latencies
        self.per_answer += other.per_answer

    @property
    def answers_per_s(self) -> float:
        return self.answers / self.seconds

    def summary(self, name: str) -> dict[str, float]:
        stats = {
            "answers": self.answers,
            "failures": self.failures,
            "answers_per_s": self.answers_per_s,
            "req_p50_ms": statistics.median(self.latencies) * 1000,
            "req_p99_ms": percentile(self.latencies, 99) * 1000,
            "answer_p50_ms": statistics.median(self.per_answer) * 1000,
            "answer_p99_ms": percentile(self.per_answer, 99) * 1000,
        }
        print(
            f"{name:>6}: {self.answers} answers in {self.seconds:.1f} s = {stats['answers_per_s']:.0f} answers/s; "
            f"per request p50 {stats['req_p50_ms']:.1f} ms p99 {stats['req_p99_ms']:.1f} ms; "
            f"per answer (GET+POST) p50 {stats['answer_p50_ms']:.1f} ms p99 {stats['answer_p99_ms']:.1f} ms; "
            f"failures {self.failures}"
        )
        return stats


async def drive(base: str, tunnukset: list[str], concurrency: int, one: Callable) -> Run:
    queue: asyncio.Queue[str] = asyncio.Queue()
    for t in tunnukset:
        queue.put_nowait(t)
    run = Run()

    async def worker() -> None:
        connector = aiohttp.TCPConnector(limit=1)
        async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as http:
            while not queue.empty():
                tunnus = queue.get_nowait()
                t0 = time.perf_counter()
                if await one(http, base, tunnus, run.latencies):
                    run.per_answer.append(time.perf_counter() - t0)
                    run.answers += 1
                else:
                    run.failures += 1

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    run.seconds = time.perf_counter() - start
    return run


async def interleave(base: str, survey: list[str], bare: list[str], concurrency: int, slices: int):  # type: ignore[no-untyped-def]
    """Survey and bare answers in alternating slices of links; the totals and each slice pair's ratio."""
    totals = {"survey": Run(), "bare": Run()}
    ratios = []
    for k in range(slices):
        chunks = {"survey": survey[k::slices], "bare": bare[k::slices]}
        rates = {}
        for name in ("survey", "bare") if k % 2 == 0 else ("bare", "survey"):
            run = await drive(base, chunks[name], concurrency, answer_survey if name == "survey" else answer_bare)
            totals[name].add(run)
            rates[name] = run.answers_per_s
        ratios.append(rates["survey"] / rates["bare"])
    return totals, ratios


async def main(n_links: int, concurrency: int, slices: int) -> int:
    print(load_average())
    FORM.update(answer_form())
    async with own_database("survey") as db_url:
        survey_links, bare_links = await fill_database(db_url, n_links)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = subprocess.Popen([sys.executable, __file__, "--serve", str(port), "--db", db_url], cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                    break
                except OSError:
                    await asyncio.sleep(0.05)
            # Warm up caches (templates, catalogs, query paths) on a few extra links first.
            warm = await drive(base, survey_links[:50], 8, answer_survey)
            if warm.failures:
                raise BenchFailure(f"{warm.failures} of 50 warm-up answers failed")
            totals, ratios = await interleave(base, survey_links[50:], bare_links, concurrency, slices)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
        survey = totals["survey"].summary("survey")
        totals["bare"].summary("bare")
        counts = await verify(db_url, survey_links, bare_links)
    ratio = statistics.median(ratios)
    spread = f"{min(ratios):.2f}–{max(ratios):.2f}"
    print(f" ratio: survey/bare throughput = {ratio:.2f} (median of {slices} slices, spread {spread})")
    print(f"    db: {counts}")
    lost_or_double = (
        counts["survey_answers"] != n_links
        or counts["survey_links"] != n_links
        or counts["survey_unanswered"] != 0
        or counts["bare_answers"] != n_links
        or counts["bare_links"] != n_links
        or totals["survey"].failures
        or totals["bare"].failures
    )
    print(load_average())
    return (
        0
        if report(
            [
                Verdict(
                    "survey_load",
                    "survey answers/s",
                    f"{survey['answers_per_s']:.0f}/s",
                    "≥ 150/s",
                    survey["answers_per_s"] >= 150,
                ),
                Verdict(
                    "survey_load",
                    "survey/bare throughput",
                    f"{ratio:.2f} ({spread})",
                    "≥ 0.5",
                    ratio >= 0.5,
                ),
                Verdict(
                    "survey_load",
                    "survey p99 per request",
                    f"{survey['req_p99_ms']:.1f} ms",
                    "< 150 ms",
                    survey["req_p99_ms"] < 150,
                ),
                Verdict(
                    "survey_load",
                    "answers lost or doubled, failed requests",
                    "yes" if lost_or_double else "none",
                    "none",
                    not lost_or_double,
                ),
            ]
        )
        else 1
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 000 links, 4 slices")
    parser.add_argument("--links", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--slices", type=int, default=8)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.quick:
        args.links, args.slices = 1000, 4
    if args.serve:
        serve(args.serve, args.db)
    else:
        sys.exit(asyncio.run(main(args.links, args.concurrency, args.slices)))
