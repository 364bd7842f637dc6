"""Feedback batch on PostgreSQL: 100 000 synthetic työpaikkajaksot ending in one half-month (1.–15.3.2022).

Measures, through the production code paths (`models.services.tyoelama`, `jobs.tick`, `jobs.deliver`):
- decide: every jakso's schedule and reason written (`record_tyopaikkajaksot`, as on save, in bulk);
- bundle: the 16.3. send day's niputus — links, members and queued deliveries (`run_day`);
- enqueue: one arq job per delivery into Redis (database 2, flushed);
- send: e-mail throughput of `deliver` (20 concurrent, reused SMTP connections) to a local aiosmtpd sink.
Targets: decide + bundle < 60 s and < 500 MB; sends ≥ 200 messages/s. Peak memory is the process's peak RSS
(VmHWM) during decide + bundle, reset after the data build; tracemalloc is not used because it slows the measured
code several times over.

Creates its own database (`polku_bench_feedback`, dropped at the end) and bulk-loads it with COPY.
Run: `python bench/feedback_batch.py [--jaksot 100000] [--sends 5000]` with PostgreSQL and Redis on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import random
import resource
import socket
import time
from datetime import UTC, date, datetime
from typing import Any

import asyncpg
from aiosmtpd.controller import Controller
from arq.connections import RedisSettings, create_pool
from tortoise import Tortoise, connections

from jobs.deliver import Senders
from jobs.tick import deliver_now, enqueue, queued_ids
from models.db import tortoise_config
from models.organisation import OrganisationTyyppi
from models.rules.calendar import HELSINKI
from models.rules.tunnisteet import OPISKELUOIKEUS_NODE, OPPIJA_NODE, make_oid, ytunnus_check_digit
from models.services.lahetysajo import NIPUTUS, run_day
from models.services.organisations import ensure_organisation
from models.services.tyoelama import record_tyopaikkajaksot
from models.settings import Settings

ADMIN_DSN = "postgres://postgres@127.0.0.1:5432/postgres"
DB = "polku_bench_feedback"
DSN = f"postgres://postgres@127.0.0.1:5432/{DB}"
SEND_DAY = date(2022, 3, 16)
DECISION_DAY = date(2022, 3, 10)
TUTKINNOT = [
    ("351301", "Ajoneuvoalan perustutkinto"),
    ("361902", "Logistiikan perustutkinto"),
    ("351107", "Tieto- ja viestintätekniikan perustutkinto"),
]


def ytunnukset(n: int) -> list[str]:
    out = []
    i = 0
    while len(out) < n:
        seven = f"{2000000 + i:07d}"
        cd = ytunnus_check_digit(seven)
        if cd is not None:
            out.append(f"{seven}-{cd}")
        i += 1
    return out


async def build(conn: asyncpg.Connection, n: int, orgs: list[tuple[int, int]]) -> None:
    rnd = random.Random(7)
    now = datetime.now(UTC)
    workplaces = ytunnukset(max(n // 20, 10))
    oppijat, oot, tilat, suoritukset, hoksit, osat, tavat = [], [], [], [], [], [], []
    for i in range(1, n + 1):
        kt_id, ol_id = orgs[i % len(orgs)]
        koodi, nimi = TUTKINNOT[i % len(TUTKINNOT)]
        oppijat.append((i, make_oid(OPPIJA_NODE, f"{1000000000 + i:010d}"), "Testi", f"Oppija{i}", False, now))
        oot.append(
            (
                i,
                make_oid(OPISKELUOIKEUS_NODE, f"{1000000000 + i:010d}"),
                i,
                kt_id,
                ol_id,
                "ammatillinenkoulutus",
                date(2021, 8, 1),
                1,
                False,
                now,
            )
        )
        tilat.append((i, i, date(2021, 8, 1), "lasna"))
        suoritukset.append((i, i, "ammatillinentutkinto", koodi, nimi))
        hoksit.append((i, i, i, date(2021, 8, 15), True, f"oppija{i}@example.fi", now, now))
        osat.append((i, i, 0, "106727"))
        ytunnus = rnd.choice(workplaces)
        ohjaaja = f"Ohjaaja {ytunnus[:7]}-{rnd.randrange(4)}"
        tavat.append(
            (
                i,
                i,
                i,
                0,
                f"jakso-{i}",
                "koulutussopimus",
                date(2021, 9, 1),
                date(2022, 3, 1 + i % 15),
                f"Työpaikka {ytunnus}",
                ytunnus,
                ohjaaja,
                f"{ohjaaja.replace(' ', '.').lower()}@example.fi",
            )
        )
    await conn.copy_records_to_table(
        "oppija", records=oppijat, columns=["id", "oid", "etunimet", "sukunimi", "turvakielto", "updated_at"]
    )
    await conn.copy_records_to_table(
        "opiskeluoikeus",
        records=oot,
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
        columns=["id", "opiskeluoikeus_id", "tyyppi", "tutkinto_koodi", "tutkinto_nimi"],
    )
    await conn.copy_records_to_table(
        "hoks",
        records=hoksit,
        columns=[
            "id",
            "opiskeluoikeus_id",
            "oppija_id",
            "ensikertainen_hyvaksyminen",
            "osaamisen_hankkimisen_tarve",
            "sahkoposti",
            "created_at",
            "updated_at",
        ],
    )
    await conn.copy_records_to_table(
        "hankittava_tutkinnon_osa", records=osat, columns=["id", "hoks_id", "jarjestys", "tutkinnon_osa_koodi"]
    )
    await conn.copy_records_to_table(
        "hankkimistapa",
        records=tavat,
        columns=[
            "id",
            "hoks_id",
            "tutkinnon_osa_id",
            "jarjestys",
            "yksiloiva_tunniste",
            "tyyppi",
            "alku",
            "loppu",
            "tyopaikan_nimi",
            "ytunnus",
            "ohjaaja_nimi",
            "ohjaaja_sahkoposti",
        ],
    )
    await conn.execute("ANALYZE")


class Sink:
    def __init__(self, counter: Any) -> None:
        self.counter = counter

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        with self.counter.get_lock():
            self.counter.value += 1
        return "250 OK"


def run_sink(port: int, counter: Any, stop: Any) -> None:
    """The SMTP sink in its own process, so it does not share the sender's interpreter (GIL)."""
    controller = Controller(Sink(counter), hostname="127.0.0.1", port=port)
    controller.start()
    stop.wait()
    controller.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb() -> float:
    """The process's peak RSS since the last `reset_peak()` (Linux VmHWM), in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Forget the data build's peak so the figure is the measured steps' own (Linux clear_refs 5)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")


async def main(n: int, sends: int) -> None:
    admin = await asyncpg.connect(ADMIN_DSN)
    await admin.execute(f"DROP DATABASE IF EXISTS {DB}")
    await admin.execute(f"CREATE DATABASE {DB}")
    try:
        await Tortoise.init(config=tortoise_config(DSN + "?min_size=1&max_size=20"))
        await Tortoise.generate_schemas()
        orgs = []
        for k in range(10):
            kt = await ensure_organisation(
                make_oid("10", f"{1000000000 + 100 * k:010d}"),
                OrganisationTyyppi.KOULUTUSTOIMIJA,
                f"Koulutuskuntayhtymä {k}",
            )
            for o in range(2):
                ol = await ensure_organisation(
                    make_oid("10", f"{1000000000 + 100 * k + o + 1:010d}"),
                    OrganisationTyyppi.OPPILAITOS,
                    f"Opisto {k}.{o}",
                    parent=kt,
                )
                orgs.append((kt.id, ol.id))
        conn = await asyncpg.connect(DSN)
        t = time.perf_counter()
        await build(conn, n, orgs)
        await conn.close()
        print(f"data: {n} työpaikkajaksot (ended 1.–15.3.2022) loaded in {time.perf_counter() - t:.1f} s")

        gc.collect()
        reset_peak()
        rss_before = rss_mb()
        t0 = time.perf_counter()
        async with connections.get("default")._in_transaction():  # type: ignore[attr-defined]
            decided = await record_tyopaikkajaksot(list(range(1, n + 1)), DECISION_DAY)
        t1 = time.perf_counter()
        report = await run_day(SEND_DAY, steps=frozenset({NIPUTUS}))
        t2 = time.perf_counter()
        links = len({x.tunnus for x in report.lahetykset})
        print(f"decide: {decided} jaksot in {t1 - t0:.1f} s")
        print(f"bundle: {links} bundles, {len(report.lahetykset)} deliveries queued in {t2 - t1:.1f} s")
        print(
            f"decide + bundle: {t2 - t0:.1f} s (target < 60 s); process max RSS {rss_mb():.0f} MB "
            f"(before the steps {rss_before:.0f} MB; target < 500 MB)"
        )

        redis = await create_pool(RedisSettings(host="127.0.0.1", database=2))
        await redis.flushdb()
        t = time.perf_counter()
        ids = await queued_ids()
        added = await enqueue(redis, ids)
        te = time.perf_counter() - t
        print(f"enqueue: {added} arq jobs in {te:.1f} s ({added / te:.0f}/s)")
        await redis.flushdb()
        await redis.aclose()

        port = free_port()
        counter, stop = multiprocessing.Value("i", 0), multiprocessing.Event()
        sink = multiprocessing.Process(target=run_sink, args=(port, counter, stop))
        sink.start()
        await asyncio.sleep(1.0)
        settings = Settings(database_url=DSN, smtp_port=port, public_base_url="https://polku.example")
        senders = Senders.open(settings)
        try:
            email_ids = ids[:sends]
            t = time.perf_counter()
            outcome = await deliver_now(email_ids, senders, datetime(2022, 3, 16, 9, tzinfo=HELSINKI))
            ts = time.perf_counter() - t
        finally:
            await senders.close()
            stop.set()
            sink.join()
        received = counter.value
        print(
            f"send: {outcome}; {received} messages received in {ts:.1f} s = {received / ts:.0f} messages/s "
            f"(target ≥ 200/s)"
        )
    finally:
        await Tortoise.close_connections()
        await admin.execute(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        await admin.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jaksot", type=int, default=100_000)
    parser.add_argument("--sends", type=int, default=5000)
    args = parser.parse_args()
    asyncio.run(main(args.jaksot, args.sends))
