"""Oppija search latency on PostgreSQL (issue 14): `oppijat(haku:)` at 1 000 000 synthetic persons.

Persons get one of some 1 200 surnames and 20 first names, a hetu, and one study right at one of 50
oppilaitokset; the searching official has a read right in one koulutustoimija (one oppilaitos, 1/50 of the
persons), so every name search filters candidates by rights as production does. Measures, through the real
ASGI app (bearer auth, GraphQL, audit of the search and of every person shown), a first page of 20 for
mixed searches: surname and first name, a surname alone, a five-letter fragment, a hetu and an oppija OID.
Target: p99 < 50 ms over at least 100 samples. Every response is checked against the loaded data.

Run: `python bench/oppijahaku.py [--quick] [--people 1000000] [--runs 300]` with PostgreSQL on 127.0.0.1:5432.
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
from bench.valpas_lists import ETUNIMET
from models.db import tortoise_config
from models.organisation import OrganisationTyyppi
from models.services.organisations import ensure_organisation, oph
from models.services.users import add_user, issue_token
from models.settings import Settings
from models.sql_extras import install
from models.user import RoleName, UserKind

OPPILAITOKSIA = 50
ALKUOSAT = [
    "Korho", "Virta", "Mäki", "Niemi", "Hämälä", "Lai", "Heikki", "Koski", "Järvi", "Lehto", "Saari", "Salmi",
    "Heino", "Kinnu", "Turu", "Tuomi", "Ranta", "Karja", "Joki", "Matti", "Savo", "Lahti", "Aho", "Lindi",
    "Öhma", "Åber", "Kallio", "Laakso", "Rinne", "Harju", "Lampi", "Suo", "Vaara", "Mänty", "Koivu", "Pihla",
    "Halla", "Kuusi", "Lepo", "Ylä", "Ala", "Keski", "Väli", "Sorsa", "Kurki", "Haapa", "Paju", "Kivi", "Sarja",
    "Holmi", "Pelto", "Nurmi", "Aalto", "Hiltu", "Vainio", "Hanni", "Ojala", "Rauta", "Tammi", "Kettu",
]  # fmt: skip
LOPPUOSAT = [
    "nen", "la", "lä", "nen", "salo", "mäki", "aho", "niemi", "oja", "vaara", "lahti", "koski", "järvi", "ranta",
    "saari", "pelto", "nummi", "korpi", "harju", "kangas",
]  # fmt: skip


def sukunimi(i: int) -> str:
    return ALKUOSAT[i % len(ALKUOSAT)] + LOPPUOSAT[(i // len(ALKUOSAT)) % len(LOPPUOSAT)]


def hetu(born: date, i: int) -> str:
    number = 2 + i % 897
    digits = int(f"{born:%d%m%y}{number:03d}")
    sign = "-" if born.year < 2000 else "A"
    return f"{born:%d%m%y}{sign}{number:03d}{'0123456789ABCDEFHJKLMNPRSTUVWXY'[digits % 31]}"


Person = tuple[int, str, str, str, str]  # id, oid, sukunimi, etunimet, hetu
BENCH_KT = "1.2.246.562.10.10000000001"


async def load(dsn: str, people: int, seed: int = 14) -> list[Person]:
    """Bulk-load persons and one study right each via COPY; the bench koulutustoimija holds oppilaitos 0."""
    rnd = random.Random(seed)
    root = await oph()
    kt = await ensure_organisation(BENCH_KT, OrganisationTyyppi.KOULUTUSTOIMIJA, "Bench KT", root)
    muut = await ensure_organisation("1.2.246.562.10.10000000003", OrganisationTyyppi.KOULUTUSTOIMIJA, "Muut", root)
    oppilaitokset = [
        await ensure_organisation(
            f"1.2.246.562.10.3{n:010d}", OrganisationTyyppi.OPPILAITOS, f"OL {n}", kt if n == 0 else muut
        )
        for n in range(OPPILAITOKSIA)
    ]
    now = datetime.now(UTC)
    persons: list[Person] = []
    oppijat, oos = [], []
    for i in range(1, people + 1):
        born = date(2000, 1, 1) + timedelta(days=rnd.randint(0, 7000))
        row = (i, f"1.2.246.562.24.{i:011d}", sukunimi(rnd.randrange(1200)), rnd.choice(ETUNIMET), hetu(born, i))
        persons.append(row)
        oppijat.append((*row, born, False, now))
        ol = oppilaitokset[i % OPPILAITOKSIA]
        kt_id = ol.parent_id  # type: ignore[attr-defined]
        oos.append((i, f"1.2.246.562.15.{i:011d}", i, kt_id, ol.id, "ammatillinenkoulutus", born, 1, False, now))
    conn = await asyncpg.connect(dsn)
    try:
        await conn.copy_records_to_table(
            "oppija",
            records=oppijat,
            columns=["id", "oid", "sukunimi", "etunimet", "hetu", "syntymaaika", "turvakielto", "updated_at"],
        )
        await conn.copy_records_to_table(
            "opiskeluoikeus",
            records=oos,
            columns=["id", "oid", "oppija_id", "koulutustoimija_id", "oppilaitos_id", "tyyppi", "alku", "versio",
                     "mitatoity", "updated_at"],
        )  # fmt: skip
        for table in ("oppija", "opiskeluoikeus"):
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()
    return persons


KINDS = ("surname and first name", "surname", "five-letter fragment", "hetu", "oppija OID")


def searches(persons: list[Person], runs: int, seed: int = 3) -> list[tuple[str, set[str]]]:
    """(haku, every OID the bench user may find with it): surname and first name, surname, a five-letter
    fragment, hetu, oppija OID in turn, each of one of the user's own persons."""
    rnd = random.Random(seed)
    mine = [p for p in persons if p[0] % OPPILAITOKSIA == 0]
    out = []
    for n in range(runs):
        p = rnd.choice(mine)
        haku = [f"{p[2]} {p[3]}", p[2], p[2][1:6], p[4], p[1]][n % 5]
        if n % 5 == 3:
            expected = {q[1] for q in mine if q[4] == p[4]}
        elif n % 5 == 4:
            expected = {p[1]}
        else:
            words = haku.lower().split()
            expected = {q[1] for q in mine if all(w in f"{q[2]} {q[3]}".lower() for w in words)}
        out.append((haku, expected))
    return out


async def measure(persons: list[Person], runs: int) -> list[Verdict]:
    await add_user("bench-haku", UserKind.OFFICIAL, BENCH_KT, RoleName.READ)
    token = await issue_token("bench-haku")
    app = create_app(Settings(database_url="unused://"), manage_db=False)
    headers = {"Authorization": f"Bearer {token}"}
    query = "query($h: String!) { oppijat(haku: $h, first: 20) { edges { node { oid sukunimi } } } }"
    samples: list[float] = []
    by_kind: dict[str, list[float]] = {k: [] for k in KINDS}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=60) as c:
        for i, (haku, expected) in enumerate(searches(persons, runs + 5)):
            t = time.perf_counter()
            r = await c.post("/graphql", json={"query": query, "variables": {"h": haku}}, headers=headers)
            elapsed = (time.perf_counter() - t) * 1000
            got = {e["node"]["oid"] for e in graphql_data(r, ("oppijat", "edges"))["oppijat"]["edges"]}
            if got != expected and not (len(got) == 20 and got < expected):
                raise BenchFailure(f"search {haku!r}: got {len(got)} persons, expected {len(expected)}")
            if i >= 5:  # warm-up: parser/validation caches, connection pool
                samples.append(elapsed)
                by_kind[KINDS[i % 5]].append(elapsed)
    p99 = percentile(samples, 99)
    print(f"first page of 20: p50 {statistics.median(samples):.1f} ms, p99 {p99:.1f} ms over {len(samples)} runs")
    figure = f"oppijat(haku:) first page p99, {len(persons)} persons"
    slowest = [Verdict("oppijahaku", f"  by {k}: slowest of {len(v)}", f"{max(v):.1f} ms") for k, v in by_kind.items()]
    return [Verdict("oppijahaku", figure, f"{p99:.1f} ms", "< 50 ms", p99 < 50), *slowest]


async def main() -> bool:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 50 000 persons, 100 searches")
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=300, help="searches measured (≥ 100 for a p99)")
    args = parser.parse_args()
    if args.quick:
        args.people, args.runs = 50_000, 100
    print(load_average())
    async with own_database("haku") as dsn:
        try:
            await Tortoise.init(config=tortoise_config(dsn + "?min_size=1&max_size=10"))
            await Tortoise.generate_schemas()
            await install(connections.get("default"))
            t = time.perf_counter()
            persons = await load(dsn, args.people)
            print(f"loaded {args.people} persons in {time.perf_counter() - t:.1f} s")
            verdicts = await measure(persons, args.runs)
        finally:
            await Tortoise.close_connections()
    print(load_average())
    return report(verdicts)


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(main()) else 1)
