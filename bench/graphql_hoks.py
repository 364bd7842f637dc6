"""GraphQL HOKS reads against a bare hand-written-SQL floor, on 10 000 demo oppijat in PostgreSQL.

    python bench/graphql_hoks.py [--quick] [--oppijat 10000] [--slices 8] [--slice-seconds 1.5]

Creates its own uniquely named database (dropped at the end), fills it with `models.demo.generate`, counts
SQL statements per GraphQL request for one HOKS and pages of 10 and 100, then serves the real app under
uvicorn (one worker, a child process) with a bare Starlette JSON route mounted beside it at /bare. It measures
(a) one HOKS with its tutkinnon osat and jaksot and (b) a 100-HOKS page at concurrency 1 and 16, GraphQL and
bare in alternating slices, and reports the median GraphQL/bare throughput ratio of the slices with its
spread. Every response is parsed and checked (data present, no errors, the expected row count).
(c) is one whole HOKS shaped like eHOKS's anonymised examples (issue 17): 200 demo HOKSes are replaced through
`import_ehoks` by 16-row plans (ammatilliset with näytöt, a paikallinen, a yhteinen osa with osa-alueet).
Targets: (a) and (c) p99 < 15 ms at c=1; ratio ≥ 0.5 at c=16 for (a) and (b); statements independent of page size.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import math
import socket
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise

from bench.common import BenchFailure, Verdict, graphql_data, interleaved, load_average, own_database, report
from models.db import tortoise_config

POOL = "?min_size=1&max_size=10"

NODE = """id ensikertainenHyvaksyminen oppija { oid etunimet sukunimi }
  tutkinnonOsat { tutkinnonOsaKoodi nimi hankkimistavat { yksiloivaTunniste tyyppi alku loppu tyopaikanNimi ytunnus
    ohjaaja { nimi sahkoposti puhelinnumero } osaAikaisuus keskeytymisajanjaksot { alku loppu } } }"""
ONE = f"query($id: Int!) {{ hoks(id: $id) {{ {NODE} }} }}"
WHOLE = """id lisatiedot tutkinnonOsat { tutkinnonOsaKoodi nimi tyyppi osaAlueKoodi lisatiedot yhteinenOsa
  hankkimistavat { yksiloivaTunniste tyyppi alku loppu tyopaikanNimi ytunnus ohjaaja { nimi sahkoposti }
    keskeytymisajanjaksot { alku loppu } lisatiedot } }"""
ONE_WHOLE = f"query($id: Int!) {{ hoks(id: $id) {{ {WHOLE} }} }}"
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


def build_app(db_url: str) -> Any:
    from starlette.routing import Mount

    from api.app import create_app
    from models.settings import Settings

    app = create_app(Settings(database_url=db_url + POOL))
    app.router.routes.insert(0, Mount("/bare", app=bare_app()))
    return app


def serve(port: int, db_url: str) -> None:
    import uvicorn

    uvicorn.run(build_app(db_url), host="127.0.0.1", port=port, workers=1, log_level="warning", access_log=False)


# --- setup and teardown ------------------------------------------------------------------------------------------


async def fill_database(db_url: str, n_oppijat: int) -> tuple[str, list[int]]:
    from models.demo import generate
    from models.hoks import Hoks
    from models.organisation import OPH_OID
    from models.services.organisations import oph
    from models.services.users import add_user, issue_token
    from models.user import RoleName, UserKind

    await Tortoise.init(config=tortoise_config(db_url + POOL))
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
    await make_whole(ids[-200:])
    # The steady state autovacuum keeps: without statistics the planner scans and hashes whole tables, and a
    # freshly loaded database measured that instead of the API (the page query took 17 ms instead of 2).
    await Tortoise.get_connection("default").execute_script("VACUUM ANALYZE")
    return token, ids


def whole_hoks(oppija_oid: str, opiskeluoikeus_oid: str) -> dict[str, Any]:
    """The project's eHOKS fixture grown to the anonymised example's size: 16 osa rows, näytöt, 6 jaksot."""
    import copy
    import json

    fixture = Path(__file__).resolve().parent.parent / "tests/fixtures/ehoks/hoks_kaikki_osat.json"
    doc = json.loads(fixture.read_text(encoding="utf-8"))
    doc["oppija-oid"], doc["opiskeluoikeus-oid"] = oppija_oid, opiskeluoikeus_oid
    ammat = doc["hankittavat-ammat-tutkinnon-osat"][0]
    doc["hankittavat-ammat-tutkinnon-osat"] = []
    for i in range(10):
        osa = copy.deepcopy(ammat)
        osa["tutkinnon-osa-koodi-uri"] = f"tutkinnonosat_{106700 + i}"
        for tapa in osa["osaamisen-hankkimistavat"]:
            tapa["yksiloiva-tunniste"] = f"{tapa['yksiloiva-tunniste']}-{i}"
        if i % 2:  # half of the units are learnt at school only
            osa["osaamisen-hankkimistavat"] = osa["osaamisen-hankkimistavat"][:1]
        doc["hankittavat-ammat-tutkinnon-osat"].append(osa)
    yhteinen = doc["hankittavat-yhteiset-tutkinnon-osat"][0]
    alue = yhteinen["osa-alueet"][1]
    for koodi in ("ku", "ma", "yl"):
        yhteinen["osa-alueet"].append({**alue, "osa-alue-koodi-uri": f"ammatillisenoppiaineet_{koodi}"})
    return doc


async def make_whole(hoks_ids: list[int]) -> None:
    from datetime import date

    from models.hoks import Hoks
    from models.services.access import SYSTEM
    from models.services.ehoks import import_ehoks

    started = time.perf_counter()
    for hoks in await Hoks.filter(id__in=hoks_ids).select_related("oppija", "opiskeluoikeus"):
        await import_ehoks(whole_hoks(hoks.oppija.oid, hoks.opiskeluoikeus.oid), SYSTEM, date(2026, 11, 28))
    print(f"whole HOKSes: {len(hoks_ids)} imported from eHOKS's shape in {time.perf_counter() - started:.1f} s")


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.n = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.args:
            self.n += 1


async def sql_per_request(db_url: str, token: str, hoks_id: int) -> dict[str, int]:
    """Statements per request, counted in-process on the same app and database (ORM debug log)."""
    from api.app import create_app
    from models.settings import Settings

    app = create_app(Settings(database_url=db_url + POOL), manage_db=False)
    logger = logging.getLogger("tortoise.db_client")
    handler = _Count()
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    out: dict[str, int] = {}
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as c:
            for label, body, path, count in (
                ("one HOKS", {"query": ONE, "variables": {"id": hoks_id}}, ("hoks",), None),
                ("page of 10", {"query": PAGE, "variables": {"n": 10}}, ("hoksit", "edges"), 10),
                ("page of 100", {"query": PAGE, "variables": {"n": 100}}, ("hoksit", "edges"), 100),
            ):
                handler.n = 0
                graphql_data(await c.post("/graphql", json=body, headers=headers), path, count)
                out[label] = handler.n
    finally:
        logger.removeHandler(handler)
        logger.setLevel(logging.WARNING)
    return out


# --- load ---------------------------------------------------------------------------------------------------------


def checked(
    client: httpx.AsyncClient, method: str, url: str, body: Any, path: tuple[str, ...], count: int | None
) -> Callable[[int], Awaitable[None]]:
    """A request for the load loop that fails the benchmark on any wrong answer."""

    async def request(_: int) -> None:
        graphql_data(await client.request(method, url, json=body), path, count)

    return request


async def measure(port: int, token: str, ids: list[int], slices: int, slice_seconds: float) -> list[Verdict]:
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    verdicts: list[Verdict] = []
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", headers=headers, limits=limits) as client:

        async def one_graphql(i: int) -> None:
            body = {"query": ONE, "variables": {"id": ids[i % len(ids)]}}
            await checked(client, "POST", "/graphql", body, ("hoks", "tutkinnonOsat"), None)(i)

        async def one_bare(i: int) -> None:
            await checked(client, "GET", f"/bare/hoks/{ids[i % len(ids)]}", None, ("hoks", "tutkinnonOsat"), None)(i)

        page = {"query": PAGE, "variables": {"n": 100}}
        page_graphql = checked(client, "POST", "/graphql", page, ("hoksit", "edges"), 100)
        page_bare = checked(client, "GET", "/bare/hoksit?first=100", None, ("hoksit", "edges"), 100)
        async def whole_graphql(i: int) -> None:
            body = {"query": ONE_WHOLE, "variables": {"id": ids[-1 - i % 200]}}
            graphql_data(await client.post("/graphql", json=body), ("hoks", "tutkinnonOsat"), 16)

        scenarios = {
            "(a) one HOKS": (one_graphql, one_bare),
            "(b) 100-HOKS page": (page_graphql, page_bare),
            "(c) one whole HOKS": (whole_graphql, one_bare),
        }
        print(f"\n{'scenario':<20} {'c':>3} {'api':<8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'n':>6}")
        for name, (graphql, bare) in scenarios.items():
            for i in range(5):  # warm-up: parser and validation caches, the connection pool
                await graphql(i)
                await bare(i)
            for concurrency in (1, 16):
                result = await interleaved(graphql, bare, concurrency, slices, slice_seconds)
                for label, r in (("graphql", result.a), ("bare", result.b)):
                    print(
                        f"{name:<20} {concurrency:>3} {label:<8} {r.rps:>8.1f} {r.p50_ms:>8.2f} {r.p99_ms:>8.2f} "
                        f"{r.n:>6}"
                    )
                low, high = result.spread
                print(f"{'':<24} ratio {result.ratio:.2f} (median of {slices} slices, spread {low:.2f}–{high:.2f})")
                gated = concurrency == 16 and not name.startswith("(c)")  # (c)'s floor is (a)'s smaller bare read
                verdicts.append(
                    Verdict(
                        "graphql_hoks",
                        f"{name} c={concurrency} GraphQL/bare throughput",
                        f"{result.ratio:.2f} ({low:.2f}–{high:.2f})",
                        "≥ 0.5" if gated else "",
                        result.ratio >= 0.5 if gated else None,
                    )
                )
                if name[:3] in ("(a)", "(c)") and concurrency == 1:
                    p99 = result.a.p99_ms
                    if math.isnan(p99):
                        raise BenchFailure(f"{result.a.n} requests are too few for a p99: use more or longer slices")
                    verdicts.append(Verdict("graphql_hoks", f"{name} c=1 p99", f"{p99:.1f} ms", "< 15 ms", p99 < 15))
    return verdicts


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


async def main(args: argparse.Namespace) -> bool:
    print(load_average())
    async with own_database("graphql") as db_url:
        token, ids = await fill_database(db_url, args.oppijat)
        server: subprocess.Popen[bytes] | None = None
        try:
            counts = await sql_per_request(db_url, token, ids[0])
            await Tortoise.close_connections()
            print("SQL statements per GraphQL request (incl. token lookup and audit insert):")
            for label, n in counts.items():
                print(f"  {label:<12} {n}")
            port = free_port()
            server = subprocess.Popen([sys.executable, __file__, "--serve", str(port), "--db", db_url])
            await wait_ready(port)
            verdicts = [
                Verdict(
                    "graphql_hoks",
                    "SQL statements: one HOKS / page of 10 / page of 100",
                    " / ".join(str(n) for n in counts.values()),
                    "independent",
                    counts["page of 10"] == counts["page of 100"],
                ),
                *await measure(port, token, ids, args.slices, args.slice_seconds),
            ]
        finally:
            if server is not None:
                server.terminate()
                server.wait(timeout=10)
            await Tortoise.close_connections()
    print(load_average())
    return report(verdicts)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 1 000 oppijat, 4 short slices")
    parser.add_argument("--oppijat", type=int, default=10_000)
    parser.add_argument("--slices", type=int, default=8, help="alternating GraphQL/bare slices per case")
    parser.add_argument("--slice-seconds", type=float, default=1.5)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    cli = parser.parse_args()
    if cli.quick:
        cli.oppijat, cli.slices, cli.slice_seconds = 1000, 4, 0.5
    if cli.serve:
        serve(cli.serve, cli.db)
    else:
        sys.exit(0 if asyncio.run(main(cli)) else 1)
