"""Oppija search latency on PostgreSQL (issue 14): `oppijat(haku:)` at 1 000 000 synthetic persons.

Persons get one of some 1 200 surnames and 20 first names, a hetu, one study right at one of 50
oppilaitokset and a kotikunta, one in ten in the bench kunta (Helsinki's share). Two officials search: one
with a read right in one koulutustoimija (one oppilaitos, 1/50 of the persons) and a kunta valvoja of the
bench kunta (its residents today, 1/10), so every name search filters candidates by rights as production
does. Measures, through the real ASGI app (bearer auth, GraphQL, audit of the search and of every person
shown), a first page of 20 for mixed searches: surname and first name, a surname alone, a five-letter
fragment, a hetu and an oppija OID, each of one of the official's own persons.
Target: p99 < 50 ms over at least 100 samples for each. Every response is checked against the loaded data.

Run: `python bench/oppijahaku.py [--quick] [--people 1000000] [--runs 300]` with PostgreSQL on 127.0.0.1:5432.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections.abc import Callable
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


Person = tuple[int, str, str, str, str, str]  # id, oid, sukunimi, etunimet, hetu, kuntakoodi
BENCH_KT = "1.2.246.562.10.10000000001"
BENCH_KUNTA = ("1.2.246.562.10.10000000091", "091")
KUNTIA = 10


async def load(dsn: str, people: int, seed: int = 14) -> list[Person]:
    """Bulk-load persons and one study right each via COPY; the bench koulutustoimija holds oppilaitos 0."""
    rnd = random.Random(seed)
    root = await oph()
    kt = await ensure_organisation(BENCH_KT, OrganisationTyyppi.KOULUTUSTOIMIJA, "Bench KT", root)
    await ensure_organisation(BENCH_KUNTA[0], OrganisationTyyppi.KUNTA, "Bench kunta", root, BENCH_KUNTA[1])
    muut = await ensure_organisation("1.2.246.562.10.10000000003", OrganisationTyyppi.KOULUTUSTOIMIJA, "Muut", root)
    oppilaitokset = [
        await ensure_organisation(
            f"1.2.246.562.10.3{n:010d}", OrganisationTyyppi.OPPILAITOS, f"OL {n}", kt if n == 0 else muut
        )
        for n in range(OPPILAITOKSIA)
    ]
    now = datetime.now(UTC)
    persons: list[Person] = []
    oppijat, oos, kotikunnat = [], [], []
    for i in range(1, people + 1):
        born = date(2000, 1, 1) + timedelta(days=rnd.randint(0, 7000))
        kunta = BENCH_KUNTA[1] if rnd.randrange(KUNTIA) == 0 else f"{100 + rnd.randrange(KUNTIA - 1):03d}"
        name = (sukunimi(rnd.randrange(1200)), rnd.choice(ETUNIMET))
        row = (i, f"1.2.246.562.24.{i:011d}", *name, hetu(born, i), kunta)
        persons.append(row)
        oppijat.append((*row[:5], born, False, now))
        kotikunnat.append((i, i, kunta, born))
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
        await conn.copy_records_to_table(
            "kotikunta", records=kotikunnat, columns=["id", "oppija_id", "kuntakoodi", "alku"]
        )
        for table in ("oppija", "opiskeluoikeus", "kotikunta"):
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()
    return persons


KINDS = ("surname and first name", "surname", "five-letter fragment", "hetu", "oppija OID")
# Who searches: (organisation OID, role, which persons are theirs).
OFFICIALS: dict[str, tuple[str, RoleName, Callable[[Person], bool]]] = {
    "koulutustoimija reader": (BENCH_KT, RoleName.READ, lambda p: p[0] % OPPILAITOKSIA == 0),
    "kunta valvoja": (BENCH_KUNTA[0], RoleName.KUNTA_VALVOJA, lambda p: p[5] == BENCH_KUNTA[1]),
}


def searches(
    persons: list[Person], runs: int, own: Callable[[Person], bool], seed: int = 3
) -> list[tuple[str, set[str]]]:
    """(haku, every OID the official may find with it): surname and first name, surname, a five-letter
    fragment, hetu, oppija OID in turn, each of one of the official's own persons."""
    rnd = random.Random(seed)
    mine = [p for p in persons if own(p)]
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


async def measure(persons: list[Person], runs: int, official: str) -> list[Verdict]:
    org, role, own = OFFICIALS[official]
    name = "bench-" + official.replace(" ", "-")
    await add_user(name, UserKind.OFFICIAL, org, role)
    token = await issue_token(name)
    app = create_app(Settings(database_url="unused://"), manage_db=False)
    headers = {"Authorization": f"Bearer {token}"}
    query = "query($h: String!) { oppijat(haku: $h, first: 20) { edges { node { oid sukunimi } } } }"
    samples: list[float] = []
    by_kind: dict[str, list[float]] = {k: [] for k in KINDS}
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=60) as c:
        for i, (haku, expected) in enumerate(searches(persons, runs + 5, own)):
            t = time.perf_counter()
            r = await c.post("/graphql", json={"query": query, "variables": {"h": haku}}, headers=headers)
            elapsed = (time.perf_counter() - t) * 1000
            got = {e["node"]["oid"] for e in graphql_data(r, ("oppijat", "edges"))["oppijat"]["edges"]}
            if got != expected and not (len(got) == 20 and got < expected):
                raise BenchFailure(f"{official} search {haku!r}: got {len(got)} persons, expected {len(expected)}")
            if i >= 5:  # warm-up: parser/validation caches, connection pool
                samples.append(elapsed)
                by_kind[KINDS[i % 5]].append(elapsed)
    p99 = percentile(samples, 99)
    median = statistics.median(samples)
    print(f"{official}, first page of 20: p50 {median:.1f} ms, p99 {p99:.1f} ms over {len(samples)} runs")
    figure = f"oppijat(haku:) first page p99, {official}, {len(persons)} persons"
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
            verdicts = [v for official in OFFICIALS for v in await measure(persons, args.runs, official)]
        finally:
            await Tortoise.close_connections()
    print(load_average())
    return report(verdicts)


if __name__ == "__main__":
    sys.exit(0 if asyncio.run(main()) else 1)
