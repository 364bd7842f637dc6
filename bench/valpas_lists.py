"""Valpas list latency on PostgreSQL: 200 000 synthetic people over 300 kunnat, the largest kunta 20 000.

Measures, through the real ASGI app (bearer auth, GraphQL, audit of every row read):
- the automaattinen tarkistus first page of 100 for the largest kunta (targets: p99 < 100 ms);
- the full CSV export for the same kunta (target: < 2 s);
- the same two for the data-quality list (tietojenLaatu) of the one oppilaitos holding every study right,
  where about 2.5 % of the study rights are flagged (no tila rows, no birth date, valmistunut before 15);
- the same two for that oppilaitos' suorittamisvalvonta and maksuttomuus lists (its students after
  perusopetus: about 16 % of the people, most in force, 10 % left), and for its hakeutumisvalvonta list (its
  9th graders, the grade by age: about 7 % of the people).

Creates its own uniquely named database (dropped at the end), bulk-loads with COPY, then measures; every
response is checked (no errors, the expected rows). The first-page p99 is taken over at least 100 samples.
Run: `python bench/valpas_lists.py [--quick] [--people 200000] [--runs 200]` with PostgreSQL on 127.0.0.1:5432.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
from tortoise import Tortoise, connections

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root, for bench.common

from api.app import create_app
from bench.common import BenchFailure, Verdict, graphql_data, load_average, own_database, percentile, report
from models.db import tortoise_config
from models.organisation import OrganisationTyyppi
from models.rules.calendar import helsinki_day
from models.services.organisations import ensure_organisation, oph
from models.services.users import add_user, issue_token
from models.services.valpas.laatuliput import merkitse_kaikki
from models.settings import Settings
from models.sql_extras import install
from models.user import RoleName, UserKind

KUNNAT = 300
BENCH_OL = "1.2.246.562.10.10000000002"  # every study right is here
LARGEST = "091"
SUKUNIMET = [
    "Korhonen",
    "Virtanen",
    "Mäkinen",
    "Nieminen",
    "Mäkelä",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Lehtinen",
    "Saarinen",
    "Salminen",
    "Heinonen",
    "Niemi",
    "Heikkilä",
    "Kinnunen",
    "Salonen",
    "Turunen",
    "Salo",
    "Laitinen",
    "Tuominen",
    "Rantanen",
    "Karjalainen",
    "Jokinen",
    "Mattila",
    "Savolainen",
    "Lahtinen",
    "Ahonen",
    "Andersson",
    "Lindqvist",
    "Öhman",
    "Åberg",
]
ETUNIMET = [
    "Aino",
    "Eino",
    "Helmi",
    "Leo",
    "Olivia",
    "Väinö",
    "Ella",
    "Oliver",
    "Sofia",
    "Eetu",
    "Linnea",
    "Onni",
    "Venla",
    "Elias",
    "Emma",
    "Niilo",
    "Ilona",
    "Toivo",
    "Lilja",
    "Veeti",
]


def kuntakoodit() -> list[str]:
    """300 mainland codes (no Åland, no 198/200), the largest first."""
    skip = {
        "035",
        "043",
        "060",
        "062",
        "065",
        "076",
        "170",
        "295",
        "318",
        "417",
        "438",
        "478",
        "736",
        "766",
        "771",
        "941",
        "198",
        "200",
        LARGEST,
    }
    others = [f"{n:03d}" for n in range(5, 1000) if f"{n:03d}" not in skip][: KUNNAT - 1]
    return [LARGEST, *others]


async def load(dsn: str, people: int, today: date, seed: int = 7) -> None:
    """Bulk-load people, kotikunta rows, one OO each (with tila rows and a suoritus) via COPY."""
    rnd = random.Random(seed)
    root = await oph()
    kt = await ensure_organisation("1.2.246.562.10.10000000001", OrganisationTyyppi.KOULUTUSTOIMIJA, "Bench KT", root)
    ol = await ensure_organisation(BENCH_OL, OrganisationTyyppi.OPPILAITOS, "Bench OL", kt)
    codes = kuntakoodit()
    for code in codes:
        await ensure_organisation(
            f"1.2.246.562.10.2{int(code):010d}", OrganisationTyyppi.KUNTA, f"K{code}", root, kuntakoodi=code
        )
    largest_share = 20_000 * people // 200_000
    now = datetime.now(UTC)
    oppijat, kotikunnat, oos, tilat = [], [], [], []  # type: ignore[var-annotated]
    suoritukset: list[tuple[int, int, str, str | None, date | None]] = []
    for i in range(1, people + 1):
        kunta = LARGEST if i <= largest_share else codes[1 + i % (KUNNAT - 1)]
        # 90 % of school age (7–17), 10 % older (some born before 2004): the SQL pre-filter must drop them.
        age_days = rnd.randint(7 * 365, 18 * 365) if rnd.random() < 0.9 else rnd.randint(18 * 365, 26 * 365)
        born = today - timedelta(days=age_days)
        problem = rnd.random()  # data-quality problems: 1 % no tila rows, 0.5 % no birth date, 1 % early mark
        turvakielto = rnd.random() < 0.01
        oppijat.append(
            (
                i,
                f"1.2.246.562.24.{i:011d}",
                rnd.choice(ETUNIMET),
                rnd.choice(SUKUNIMET),
                None if 0.01 <= problem < 0.015 else born,
                turvakielto,
                now,
            )
        )
        if rnd.random() < 0.05:  # moved in: an earlier kotikunta elsewhere
            moved = today - timedelta(days=rnd.randint(30, 2000))
            kotikunnat.append((len(kotikunnat) + 1, i, codes[-1], born, moved - timedelta(days=1)))
            kotikunnat.append((len(kotikunnat) + 1, i, kunta, moved, None))
        else:
            kotikunnat.append((len(kotikunnat) + 1, i, kunta, born, None))
        # 85 % study now, 10 % dropped out (on the list), 5 % start later (on the list, "starts later").
        r = rnd.random()
        tyyppi = "perusopetus" if age_days < 16 * 365 else rnd.choice(["lukiokoulutus", "ammatillinenkoulutus"])
        alku = today - timedelta(days=rnd.randint(60, 3000))
        oos.append((i, f"1.2.246.562.15.{i:011d}", i, kt.id, ol.id, tyyppi, alku, 1, False, now))
        if problem < 0.01:
            pass  # no tila rows
        elif 0.85 <= r < 0.95:
            tilat.append((len(tilat) + 1, i, alku, "lasna"))
            tilat.append((len(tilat) + 1, i, today - timedelta(days=rnd.randint(1, 50)), "eronnut"))
        elif r >= 0.95:
            tilat.append((len(tilat) + 1, i, today + timedelta(days=rnd.randint(1, 60)), "lasna"))
        else:
            tilat.append((len(tilat) + 1, i, alku, "lasna"))
        if 0.015 <= problem < 0.025 and tyyppi == "perusopetus":
            early = born + timedelta(days=13 * 365)  # an oppimäärä mark at 13
            suoritukset.append((i, i, "perusopetuksenoppimaara", None, early))
        elif tyyppi == "perusopetus":  # the grade by age: the 9th graders are on the hakeutumisvalvonta list
            suoritukset.append((i, i, "perusopetuksenvuosiluokka", str(min(9, max(1, age_days // 365 - 6))), None))
        else:
            suoritukset.append((i, i, "lukionoppimaara", None, None))
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table(
            "oppija",
            records=oppijat,
            columns=["id", "oid", "etunimet", "sukunimi", "syntymaaika", "turvakielto", "updated_at"],
        )
        await conn.copy_records_to_table(
            "kotikunta", records=kotikunnat, columns=["id", "oppija_id", "kuntakoodi", "alku", "loppu"]
        )
        await conn.copy_records_to_table(
            "opiskeluoikeus",
            records=oos,
            columns=[
                "id",
                "oid",
                "oppija_id",
                "koulutustoimija_id",
                "oppilaitos_id",
                "tyyppi",
                "alku",
                "versio",
                "mitatoity",
                "updated_at",
            ],
        )
        await conn.copy_records_to_table(
            "opiskeluoikeuden_tila", records=tilat, columns=["id", "opiskeluoikeus_id", "alku", "tila"]
        )
        await conn.copy_records_to_table(
            "paatason_suoritus",
            records=suoritukset,
            columns=["id", "opiskeluoikeus_id", "tyyppi", "tutkinto_koodi", "vahvistus"],
        )
        for table in ("oppija", "kotikunta", "opiskeluoikeus", "opiskeluoikeuden_tila", "paatason_suoritus"):
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        await merkitse_kaikki()  # COPY goes around the Koski save: the stored data-quality flags as it sets them
        await conn.execute("VACUUM ANALYZE")  # the steady state autovacuum keeps: visibility map set
    finally:
        await conn.close()


async def _list(
    c: httpx.AsyncClient,
    headers: dict[str, str],
    name: str,
    query: str,
    field: str,
    csv_url: str,
    runs: int,
    csv_runs: int,
) -> list[Verdict]:
    """First-page latency (after a warm-up) and full-CSV time of one list, every answer checked."""
    page_ms: list[float] = []
    for i in range(runs + 3):
        t = time.perf_counter()
        r = await c.post("/graphql", json={"query": query}, headers=headers)
        elapsed = (time.perf_counter() - t) * 1000
        data = graphql_data(r, (field, "edges"), 100)
        if i >= 3:  # warm-up: parser/validation caches, connection pool
            page_ms.append(elapsed)
    rows = len(data[field]["edges"])
    csv_ms: list[float] = []
    lines = 0
    for _ in range(csv_runs):
        t = time.perf_counter()
        r = await c.get(csv_url, headers=headers)
        csv_ms.append((time.perf_counter() - t) * 1000)
        lines = r.text.count("\n") - 1
        if r.status_code != 200 or lines < rows:
            raise BenchFailure(f"{name} CSV export: HTTP {r.status_code}, {lines} rows: {r.text[:300]}")
    p99 = percentile(page_ms, 99)
    p50 = statistics.median(page_ms)
    print(f"{name} first page ({rows} rows): p50 {p50:.1f} ms, p99 {p99:.1f} ms over {len(page_ms)} runs")
    print(
        f"{name} full CSV export ({lines} rows): p50 {statistics.median(csv_ms):.0f} ms, "
        f"max {max(csv_ms):.0f} ms over {len(csv_ms)} runs"
    )
    return [
        Verdict("valpas_lists", f"{name} first page p99", f"{p99:.1f} ms", "< 100 ms", p99 < 100),
        Verdict(
            "valpas_lists",
            f"{name} full CSV ({lines} rows), slowest",
            f"{max(csv_ms):.0f} ms",
            "< 2 s",
            max(csv_ms) < 2000,
        ),
    ]


async def measure(runs: int, csv_runs: int) -> list[Verdict]:
    kunta = await ensure_organisation("1.2.246.562.10.2" + f"{int(LARGEST):010d}", OrganisationTyyppi.KUNTA, "")
    await add_user("bench-kunta", UserKind.OFFICIAL, kunta.oid, RoleName.KUNTA_VALVOJA)
    await add_user("bench-valvoja", UserKind.OFFICIAL, BENCH_OL, RoleName.VALVOJA_HAKEUTUMINEN)
    await add_user("bench-suorittaminen", UserKind.OFFICIAL, BENCH_OL, RoleName.VALVOJA_SUORITTAMINEN)
    await add_user("bench-maksuttomuus", UserKind.OFFICIAL, BENCH_OL, RoleName.VALVOJA_MAKSUTTOMUUS)
    kunta_headers = {"Authorization": f"Bearer {await issue_token('bench-kunta')}"}
    valvoja_headers = {"Authorization": f"Bearer {await issue_token('bench-valvoja')}"}
    suorittaminen_headers = {"Authorization": f"Bearer {await issue_token('bench-suorittaminen')}"}
    maksuttomuus_headers = {"Authorization": f"Bearer {await issue_token('bench-maksuttomuus')}"}
    app = create_app(Settings(database_url="unused://"), manage_db=False)
    tarkistus = (
        'query { automaattinenTarkistus(kunta: "091", first: 100) { edges { node { oppijaOid sukunimi '
        "oppivelvollinenUntil reason { code } } } pageInfo { hasNextPage endCursor } } }"
    )
    laatu = (
        f'query {{ tietojenLaatu(organisaatio: "{BENCH_OL}", first: 100) {{ edges {{ node {{ oppijaOid '
        "opiskeluoikeusOid ongelmat { code } } } pageInfo { hasNextPage endCursor } } }"
    )
    suorittaminen = (
        f'query {{ suorittamisvalvonta(oppilaitos: "{BENCH_OL}", first: 100) {{ edges {{ node {{ oppijaOid '
        "tila paattynyt reason { code } } } pageInfo { hasNextPage endCursor } } }"
    )
    maksuttomuus = (
        f'query {{ maksuttomuusvalvonta(oppilaitos: "{BENCH_OL}", first: 100) {{ edges {{ node {{ oppijaOid '
        "maksuttomuusUntil maksuttomuusUntilReason { code } } } pageInfo { hasNextPage endCursor } } }"
    )
    hakeutuminen = (
        f'query {{ hakeutumisvalvonta(oppilaitos: "{BENCH_OL}", first: 100) {{ edges {{ node {{ oppijaOid '
        "listedReason { code } varoitus } } pageInfo { hasNextPage endCursor } } }"
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=60) as c:
        return [
            *await _list(
                c,
                kunta_headers,
                "kunta list",
                tarkistus,
                "automaattinenTarkistus",
                f"/valpas/automaattinen-tarkistus.csv?kunta={LARGEST}",
                runs,
                csv_runs,
            ),
            *await _list(
                c,
                valvoja_headers,
                "data-quality list",
                laatu,
                "tietojenLaatu",
                f"/valpas/tietojen-laatu.csv?organisaatio={BENCH_OL}",
                runs,
                csv_runs,
            ),
            *await _list(
                c,
                suorittaminen_headers,
                "suorittamisvalvonta",
                suorittaminen,
                "suorittamisvalvonta",
                f"/valpas/suorittamisvalvonta.csv?oppilaitos={BENCH_OL}",
                runs,
                csv_runs,
            ),
            *await _list(
                c,
                maksuttomuus_headers,
                "maksuttomuus list",
                maksuttomuus,
                "maksuttomuusvalvonta",
                f"/valpas/maksuttomuus.csv?oppilaitos={BENCH_OL}",
                runs,
                csv_runs,
            ),
            *await _list(
                c,
                valvoja_headers,
                "hakeutumisvalvonta list",
                hakeutuminen,
                "hakeutumisvalvonta",
                f"/valpas/hakeutumisvalvonta.csv?oppilaitos={BENCH_OL}",
                runs,
                csv_runs,
            ),
        ]


async def main() -> bool:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 20 000 people, 100 page runs, 3 CSV runs")
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=200, help="first-page samples (≥ 100 for a p99)")
    parser.add_argument("--csv-runs", type=int, default=10)
    args = parser.parse_args()
    if args.quick:
        args.people, args.runs, args.csv_runs = 20_000, 100, 3
    print(load_average())
    async with own_database("valpas") as dsn:
        try:
            await Tortoise.init(config=tortoise_config(dsn + "?min_size=1&max_size=10"))
            await Tortoise.generate_schemas()
            await install(connections.get("default"))
            today = helsinki_day(datetime.now(UTC))
            t = time.perf_counter()
            await load(dsn, args.people, today)
            print(
                f"loaded {args.people} people over {KUNNAT} kunnat ({LARGEST}: {20_000 * args.people // 200_000}) "
                f"in {time.perf_counter() - t:.1f} s"
            )
            verdicts = await measure(args.runs, args.csv_runs)
        finally:
            await Tortoise.close_connections()
    print(load_average())
    return report(verdicts)


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(main()) else 1)
