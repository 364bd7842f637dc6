"""GraphQL HOKS reads against a bare hand-written-SQL floor, on 10 000 demo oppijat in PostgreSQL (issue 2).

    python bench/graphql_hoks.py [--oppijat 10000] [--seconds 6] [--max-requests 3000]

Creates its own database (polku_bench_graphql, dropped at the end), fills it with `models.demo.generate`,
counts SQL statements per GraphQL request for pages of 10 and 100, then serves the real app under uvicorn
(one worker, a child process) with a bare Starlette JSON route mounted beside it at /bare, and measures
requests/s and p50/p99 latency of (a) one HOKS with its tutkinnon osat and jaksot and (b) a 100-HOKS page,
at concurrency 1 and 16. Targets: throughput ratio GraphQL/bare ≥ 0.3 (aim 0.5); p99 of (a) at c=1 < 15 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import asyncpg
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise

from models.db import tortoise_config

PG = os.environ.get("POLKU_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB_NAME = "polku_bench_graphql"
DB_URL = f"{PG}/{DB_NAME}?min_size=1&max_size=10"

NODE = """id ensikertainenHyvaksyminen oppija { oid etunimet sukunimi }
  tutkinnonOsat { tutkinnonOsaKoodi nimi hankkimistavat { yksiloivaTunniste tyyppi alku loppu tyopaikanNimi ytunnus
    ohjaaja { nimi sahkoposti puhelinnumero } osaAikaisuus keskeytymisajanjaksot { alku loppu } } }"""
ONE = f"query($id: Int!) {{ hoks(id: $id) {{ {NODE} }} }}"
PAGE = f"query($n: Int!) {{ hoksit(first: $n) {{ edges {{ node {{ {NODE} }} }} pageInfo {{ hasNextPage }} }} }}"


# --- the bare floor: the same reads in hand-written SQL, no GraphQL, no ORM models ------------------------------

_HOKS_SQL = """SELECT h.id, h.ensikertainen_hyvaksyminen, o.oid, o.etunimet, o.sukunimi
  FROM hoks h JOIN oppija o ON o.id = h.oppija_id JOIN opiskeluoikeus oo ON oo.id = h.opiskeluoikeus_id
 WHERE NOT oo.mitatoity AND {where} ORDER BY h.id LIMIT {limit}"""
_PARTS_SQL = """SELECT t.hoks_id, t.id AS osa_id, t.tutkinnon_osa_koodi, t.nimi, t.jarjestys,
       ht.id AS tapa_id, ht.yksiloiva_tunniste, ht.tyyppi, ht.alku, ht.loppu, ht.tyopaikan_nimi, ht.ytunnus,
       ht.ohjaaja_nimi, ht.ohjaaja_sahkoposti, ht.ohjaaja_puhelinnumero, ht.osa_aikaisuus, ht.jarjestys AS tj,
       k.alku AS k_alku, k.loppu AS k_loppu
  FROM hankittava_tutkinnon_osa t
  LEFT JOIN hankkimistapa ht ON ht.tutkinnon_osa_id = t.id
  LEFT JOIN keskeytymisajanjakso k ON k.hankkimistapa_id = ht.id
 WHERE t.hoks_id = ANY($1::int[]) ORDER BY t.hoks_id, t.jarjestys, ht.jarjestys, k.alku"""


async def _bare_hokses(where: str, limit: int, *args: Any) -> list[dict[str, Any]]:
    conn = Tortoise.get_connection("default")
    rows = await conn.execute_query_dict(_HOKS_SQL.format(where=where, limit=limit), list(args))
    parts = await conn.execute_query_dict(_PARTS_SQL, [[r["id"] for r in rows]]) if rows else []
    osat: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    tavat: dict[int, dict[str, Any]] = {}
    for p in parts:
        osa = osat[p["hoks_id"]].setdefault(
            p["osa_id"], {"tutkinnonOsaKoodi": p["tutkinnon_osa_koodi"], "nimi": p["nimi"], "hankkimistavat": []}
        )
        if p["tapa_id"] is None:
            continue
        if p["tapa_id"] not in tavat:
            tavat[p["tapa_id"]] = {
                "yksiloivaTunniste": p["yksiloiva_tunniste"],
                "tyyppi": p["tyyppi"],
                "alku": p["alku"].isoformat(),
                "loppu": p["loppu"].isoformat(),
                "tyopaikanNimi": p["tyopaikan_nimi"],
                "ytunnus": p["ytunnus"],
                "ohjaaja": {
                    "nimi": p["ohjaaja_nimi"],
                    "sahkoposti": p["ohjaaja_sahkoposti"],
                    "puhelinnumero": p["ohjaaja_puhelinnumero"],
                },
                "osaAikaisuus": p["osa_aikaisuus"],
                "keskeytymisajanjaksot": [],
            }
            osa["hankkimistavat"].append(tavat[p["tapa_id"]])
        if p["k_alku"] is not None:
            tavat[p["tapa_id"]]["keskeytymisajanjaksot"].append(
                {"alku": p["k_alku"].isoformat(), "loppu": p["k_loppu"] and p["k_loppu"].isoformat()}
            )
    return [
        {
            "id": r["id"],
            "ensikertainenHyvaksyminen": r["ensikertainen_hyvaksyminen"].isoformat(),
            "oppija": {"oid": r["oid"], "etunimet": r["etunimet"], "sukunimi": r["sukunimi"]},
            "tutkinnonOsat": list(osat[r["id"]].values()),
        }
        for r in rows
    ]


def bare_app() -> Any:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def one(request: Request) -> JSONResponse:
        found = await _bare_hokses("h.id = $1", 1, int(request.path_params["id"]))
        return JSONResponse({"data": {"hoks": found[0] if found else None}})

    async def page(request: Request) -> JSONResponse:
        n = int(request.query_params.get("first", "100"))
        found = await _bare_hokses("h.id > $1", n + 1, 0)
        return JSONResponse({"data": {"hoksit": {"edges": [{"node": h} for h in found[:n]], "more": len(found) > n}}})

    return Starlette(routes=[Route("/hoks/{id:int}", one), Route("/hoksit", page)])


def build_app() -> Any:
    from starlette.routing import Mount

    from api.app import create_app
    from models.settings import Settings

    app = create_app(Settings(database_url=DB_URL))
    app.router.routes.insert(0, Mount("/bare", app=bare_app()))
    return app


def serve(port: int) -> None:
    import uvicorn

    uvicorn.run(build_app(), host="127.0.0.1", port=port, workers=1, log_level="warning", access_log=False)


# --- setup and teardown ------------------------------------------------------------------------------------------


async def create_database(n_oppijat: int) -> tuple[str, list[int]]:
    from models.demo import generate
    from models.hoks import Hoks
    from models.organisation import OPH_OID
    from models.services.organisations import oph
    from models.services.users import add_user, issue_token
    from models.user import RoleName, UserKind

    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME}")
    await admin.execute(f"CREATE DATABASE {DB_NAME}")
    await admin.close()
    await Tortoise.init(config=tortoise_config(DB_URL))
    await Tortoise.generate_schemas()
    started = time.perf_counter()
    summary = await generate(n_oppijat, seed=1)
    print(
        f"demo data: {n_oppijat} oppijat, {summary['hoks']} HOKSes, {summary['hankkimistapa']} hankkimistavat "
        f"in {time.perf_counter() - started:.1f} s"
    )
    await oph()
    await add_user("bench", UserKind.SERVICE, OPH_OID, RoleName.READ)
    token = await issue_token("bench")
    ids = [int(i) for i in await Hoks.all().order_by("id").limit(500).values_list("id", flat=True)]
    # The steady state autovacuum keeps: without statistics the planner scans and hashes whole tables, and a
    # freshly loaded database measured that instead of the API (the page query took 17 ms instead of 2).
    await Tortoise.get_connection("default").execute_script("VACUUM ANALYZE")
    return token, ids


async def drop_database() -> None:
    admin = await asyncpg.connect(f"{PG}/postgres")
    await admin.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    await admin.close()


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.n = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.args:
            self.n += 1


async def sql_per_request(token: str, hoks_id: int) -> dict[str, int]:
    """Statements per request, counted in-process on the same app and database (ORM debug log)."""
    from api.app import create_app
    from models.settings import Settings

    app = create_app(Settings(database_url=DB_URL), manage_db=False)
    logger = logging.getLogger("tortoise.db_client")
    handler = _Count()
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    out: dict[str, int] = {}
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as c:
            for label, body in (
                ("one HOKS", {"query": ONE, "variables": {"id": hoks_id}}),
                ("page of 10", {"query": PAGE, "variables": {"n": 10}}),
                ("page of 100", {"query": PAGE, "variables": {"n": 100}}),
            ):
                handler.n = 0
                response = await c.post("/graphql", json=body, headers=headers)
                assert "errors" not in response.json(), response.text[:500]
                out[label] = handler.n
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.WARNING)
    return out


# --- load ---------------------------------------------------------------------------------------------------------


async def load(
    client: httpx.AsyncClient, make: Any, concurrency: int, seconds: float, max_requests: int
) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p99 ms, n) of `make(i)` → (method, url, json) requests, bounded in count and time."""
    latencies: list[float] = []
    counter = iter(range(max_requests))
    deadline = 0.0

    async def worker() -> None:
        for i in counter:
            if latencies and time.perf_counter() > deadline:
                return
            method, url, body = make(i)
            t = time.perf_counter()
            response = await client.request(method, url, json=body)
            latencies.append(time.perf_counter() - t)
            if response.status_code != 200 or b'"errors"' in response.content[:20]:
                raise RuntimeError(f"{url}: {response.status_code} {response.text[:300]}")

    for i in range(5):  # warm-up: parser and validation caches, the connection pool
        method, url, body = make(i)
        await client.request(method, url, json=body)
    started = time.perf_counter()
    deadline = started + seconds
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return len(latencies) / elapsed, statistics.median(latencies) * 1000, p99 * 1000, len(latencies)


async def measure(port: int, token: str, ids: list[int], seconds: float, max_requests: int) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=headers, limits=limits) as client:
        scenarios = {
            "(a) one HOKS": (
                lambda i: ("POST", "/graphql", {"query": ONE, "variables": {"id": ids[i % len(ids)]}}),
                lambda i: ("GET", f"/bare/hoks/{ids[i % len(ids)]}", None),
            ),
            "(b) 100-HOKS page": (
                lambda i: ("POST", "/graphql", {"query": PAGE, "variables": {"n": 100}}),
                lambda i: ("GET", "/bare/hoksit?first=100", None),
            ),
        }
        print(f"\n{'scenario':<20} {'c':>3} {'api':<8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'n':>6}  ratio")
        for name, (graphql, bare) in scenarios.items():
            for concurrency in (1, 16):
                g = await load(client, graphql, concurrency, seconds, max_requests)
                b = await load(client, bare, concurrency, seconds, max_requests)
                for label, r in (("graphql", g), ("bare", b)):
                    print(f"{name:<20} {concurrency:>3} {label:<8} {r[0]:>8.1f} {r[1]:>8.2f} {r[2]:>8.2f} {r[3]:>6}")
                print(f"{'':<20} {'':>3} {'ratio':<8} {g[0] / b[0]:>8.2f}  (GraphQL/bare throughput)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def wait_ready(port: int) -> None:
    async with httpx.AsyncClient() as c:
        for _ in range(200):
            try:
                if (await c.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.05)
    raise RuntimeError("server did not start")


async def main(args: argparse.Namespace) -> None:
    token, ids = await create_database(args.oppijat)
    server: subprocess.Popen[bytes] | None = None
    try:
        counts = await sql_per_request(token, ids[0])
        await Tortoise.close_connections()
        print("SQL statements per GraphQL request (incl. token lookup and audit insert):")
        for label, n in counts.items():
            print(f"  {label:<12} {n}")
        port = free_port()
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(port)])
        await wait_ready(port)
        await measure(port, token, ids, args.seconds, args.max_requests)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        await Tortoise.close_connections()
        await drop_database()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--oppijat", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=6.0, help="time bound per measurement")
    parser.add_argument("--max-requests", type=int, default=3000, help="count bound per measurement")
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    cli = parser.parse_args()
    if cli.serve:
        serve(cli.serve)
    else:
        asyncio.run(main(cli))
