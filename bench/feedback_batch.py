"""Feedback batch on PostgreSQL: 100 000 synthetic työpaikkajaksot ending in one half-month (1.–15.3.2022).

Measures, through the production code paths (`models.services.tyoelama`, `jobs.tick`, `jobs.deliver`):
- decide: every jakso's schedule and reason written (`record_tyopaikkajaksot`, as on save, in bulk);
- bundle: the 16.3. send day's niputus — links, members and queued deliveries (`run_day`);
- enqueue: one arq job per delivery into a private redis-server this benchmark starts and stops;
- send: e-mail throughput of `deliver` (20 concurrent, reused SMTP connections) to a local aiosmtpd sink;
- per save: what production does for each plan, `create_hoks` with its save-time decisions, p50/p99.
Targets: decide + bundle < 30 s and < 400 MB; per-save p99 < 20 ms; sends ≥ 300 messages/s. Peak memory is the
process's peak RSS
(VmHWM) during decide + bundle, reset after the data build; tracemalloc is not used because it slows the measured
code several times over.

Creates its own uniquely named database (dropped at the end) and bulk-loads it with COPY.
Run: `python bench/feedback_batch.py [--quick] [--jaksot 100000] [--sends 5000] [--saves 300]` with PostgreSQL
on 127.0.0.1 and a redis-server binary on PATH.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import random
import resource
import socket
import statistics
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import asyncpg
from aiosmtpd.controller import Controller
from arq.connections import RedisSettings, create_pool
from tortoise import Tortoise, connections

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root, for bench.common

from bench.common import BenchFailure, Verdict, load_average, own_database, own_redis, percentile, report
from jobs.deliver import Senders
from jobs.tick import deliver_now, enqueue, queued_ids
from models.db import tortoise_config
from models.herate import Ajo
from models.organisation import OrganisationTyyppi
from models.rules.calendar import HELSINKI
from models.rules.hoks import HankkimistapaPlan, HoksPlan, TutkinnonOsaPlan
from models.rules.tunnisteet import OPISKELUOIKEUS_NODE, OPPIJA_NODE, make_oid, ytunnus_check_digit
from models.services.hoks import create_hoks
from models.services.lahetysajo import NIPUTUS, run_day
from models.services.organisations import ensure_organisation
from models.services.tyoelama import due_send_days, record_tyopaikkajaksot
from models.services.users import add_user, issue_token, principal_for_token
from models.settings import Settings
from models.sql_extras import install as install_sql_extras
from models.user import RoleName, UserKind

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


async def build(conn: asyncpg.Connection, n: int, orgs: list[tuple[int, int]], without_hoks: int = 0) -> None:
    """n oppijat with a HOKS and one jakso each, and `without_hoks` more whose plans the per-save step creates."""
    rnd = random.Random(7)
    now = datetime.now(UTC)
    workplaces = ytunnukset(max(n // 20, 10))
    oppijat, oot, tilat, suoritukset, hoksit, osat, tavat = [], [], [], [], [], [], []
    for i in range(1, n + without_hoks + 1):
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
        if i > n:
            continue
        hoksit.append((i, i, i, date(2021, 8, 15), True, f"oppija{i}@example.fi", now, now))
        osat.append((i, i, 0, "106727", "ammatillinen"))
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
        "hankittava_tutkinnon_osa",
        records=osat,
        columns=["id", "hoks_id", "jarjestys", "tutkinnon_osa_koodi", "tyyppi"],
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
    # COPY gave explicit ids: move each sequence past them so the service's own inserts don't collide.
    tables = ("oppija", "opiskeluoikeus", "opiskeluoikeuden_tila", "paatason_suoritus", "hoks")
    for table in (*tables, "hankittava_tutkinnon_osa", "hankkimistapa"):
        await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
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


async def per_save(numbers: list[int], kt_oid: str) -> list[float]:
    """Milliseconds of each `create_hoks` (validation, the plan, its save-time decisions, audit) for the study
    rights `numbers`, one after another as a provider's system would send them."""
    await add_user("bench-writer", UserKind.SERVICE, kt_oid, RoleName.WRITE)
    principal = await principal_for_token(await issue_token("bench-writer"))
    ytunnus = ytunnukset(1)[0]
    took = []
    for i in numbers:
        plan = HoksPlan(
            oppija_oid=make_oid(OPPIJA_NODE, f"{1000000000 + i:010d}"),
            opiskeluoikeus_oid=make_oid(OPISKELUOIKEUS_NODE, f"{1000000000 + i:010d}"),
            ensikertainen_hyvaksyminen=date(2021, 8, 15),
            osaamisen_hankkimisen_tarve=True,
            sahkoposti=f"oppija{i}@example.fi",
            tutkinnon_osat=(
                TutkinnonOsaPlan(
                    "106727",
                    hankkimistavat=(
                        HankkimistapaPlan(
                            "koulutussopimus",
                            date(2021, 9, 1),
                            date(2022, 3, 1 + i % 15),
                            yksiloiva_tunniste=f"jakso-{i}",
                            tyopaikan_nimi=f"Työpaikka {ytunnus}",
                            ytunnus=ytunnus,
                            ohjaaja_nimi="Ohjaaja Oy",
                            ohjaaja_sahkoposti="ohjaaja@example.fi",
                        ),
                    ),
                ),
            ),
        )
        t = time.perf_counter()
        await create_hoks(plan, principal, DECISION_DAY)
        took.append((time.perf_counter() - t) * 1000)
    return took


async def catch_up_cost() -> tuple[float, float]:
    """Seconds of the 16.3. niputus alone (the four earlier send days already recorded), and of the four
    missed send days' passes alone (16.3. recorded), as dry runs (rolled back) on the same data, each twice in
    ABBA order so a drift in the machine's load cancels out. A catch-up run is the two together (the real
    bundle step below is one, on a fresh database)."""
    missed = [d for d in due_send_days(SEND_DAY, set()) if d < SEND_DAY]
    if len(missed) != 4:
        raise BenchFailure(f"expected four missed send days before {SEND_DAY}, found {missed}")
    took = {"one": 0.0, "missed": 0.0}
    for kind in ("one", "missed", "missed", "one"):
        recorded = missed if kind == "one" else [SEND_DAY]
        await Ajo.bulk_create([Ajo(tyyppi=NIPUTUS, paiva=d) for d in recorded])
        t = time.perf_counter()
        dry = await run_day(SEND_DAY, dry_run=True, steps=frozenset({NIPUTUS}))
        took[kind] += (time.perf_counter() - t) / 2
        await Ajo.filter(tyyppi=NIPUTUS).delete()
        if bool(dry.lahetykset) != (kind == "one"):
            raise BenchFailure(f"the {kind} dry run queued {len(dry.lahetykset)} deliveries")
    print(f"niputus 16.3.: {took['one']:.2f} s alone; the four missed send days' own passes {took['missed']:.2f} s")
    return took["one"], took["one"] + took["missed"]


async def main(n: int, sends: int, saves: int) -> bool:
    print(load_average())
    verdicts: list[Verdict] = []
    async with own_database("feedback") as dsn:
        try:
            await Tortoise.init(config=tortoise_config(dsn + "?min_size=1&max_size=20"))
            await Tortoise.generate_schemas()
            await install_sql_extras(connections.get("default"))  # the indexes and triggers migrations add
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
            # The per-save step uses the new study rights of koulutustoimija 0 (orgs 0 and 1), so one writer may
            # save them all.
            without_hoks = saves * len(orgs) // 2
            own = [i for i in range(n + 1, n + without_hoks + 1) if i % len(orgs) < 2]
            conn = await asyncpg.connect(dsn)
            t = time.perf_counter()
            await build(conn, n, orgs, without_hoks=without_hoks)
            await conn.close()
            print(f"data: {n} työpaikkajaksot (ended 1.–15.3.2022) loaded in {time.perf_counter() - t:.1f} s")

            gc.collect()
            reset_peak()
            rss_before = rss_mb()
            t0 = time.perf_counter()
            async with connections.get("default")._in_transaction():  # type: ignore[attr-defined]
                decided = await record_tyopaikkajaksot(list(range(1, n + 1)), DECISION_DAY)
            decide_s = time.perf_counter() - t0
            print(f"decide: {decided} jaksot in {decide_s:.1f} s")
            # the same run as below, first as two dry runs: 16.3. alone, and catching up the four days before it
            one, catch_up = await catch_up_cost()
            t1 = time.perf_counter()
            report_ = await run_day(SEND_DAY, steps=frozenset({NIPUTUS}))
            t2 = time.perf_counter()
            rss = rss_mb()
            links = len({x.tunnus for x in report_.lahetykset})
            print(f"bundle: {links} bundles, {len(report_.lahetykset)} deliveries queued in {t2 - t1:.1f} s")
            if decided != n or not report_.lahetykset:
                raise BenchFailure(f"decided {decided} of {n} jaksot, queued {len(report_.lahetykset)} deliveries")
            took = decide_s + (t2 - t1)  # the real run (a fresh database: it catches up the four missed days)
            verdicts += [
                Verdict("feedback_batch", f"decide + bundle, {n} jaksot", f"{took:.1f} s", "< 30 s", took < 30),
                Verdict(
                    "feedback_batch",
                    "catch-up of 4 missed send days / one send day",
                    f"{catch_up / one:.2f}× ({catch_up:.1f} / {one:.1f} s)",
                    "≤ 1.5×",
                    catch_up <= 1.5 * one,
                ),
                Verdict(
                    "feedback_batch",
                    "decide + bundle peak RSS",
                    f"{rss:.0f} MB (before {rss_before:.0f})",
                    "< 400 MB",
                    rss < 400,
                ),
            ]

            ids = await queued_ids()
            with own_redis() as redis_url:
                redis = await create_pool(RedisSettings.from_dsn(redis_url))
                t = time.perf_counter()
                added = await enqueue(redis, ids)
                te = time.perf_counter() - t
                queued = await redis.zcard("arq:queue")
                await redis.aclose()
            if queued != added:
                raise BenchFailure(f"enqueued {added} jobs but the queue holds {queued}")
            print(f"enqueue: {added} arq jobs in {te:.1f} s ({added / te:.0f}/s)")

            port = free_port()
            counter, stop = multiprocessing.Value("i", 0), multiprocessing.Event()
            sink = multiprocessing.Process(target=run_sink, args=(port, counter, stop))
            sink.start()
            await asyncio.sleep(1.0)
            settings = Settings(database_url=dsn, smtp_port=port, public_base_url="https://polku.example")
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
            print(f"send: {outcome}; {received} messages received in {ts:.1f} s")
            if received != len(email_ids):
                raise BenchFailure(f"the sink received {received} of {len(email_ids)} messages")
            verdicts.append(
                Verdict(
                    "feedback_batch",
                    "e-mail sends to a local sink",
                    f"{received / ts:.0f}/s",
                    "≥ 300/s",
                    received / ts >= 300,
                )
            )

            kt0 = make_oid("10", f"{1000000000:010d}")
            took = await per_save(own[:saves], kt0)
            print(f"per save: {len(took)} create_hoks, p50 {statistics.median(took):.1f} ms")
            p99 = percentile(took, 99)
            verdicts.append(
                Verdict("feedback_batch", "createHoks with its decisions, p99", f"{p99:.1f} ms", "< 20 ms", p99 < 20)
            )
        finally:
            await Tortoise.close_connections()
    print(load_average())
    return report(verdicts)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="a smoke run: 5 000 jaksot, 500 sends, 100 saves")
    parser.add_argument("--jaksot", type=int, default=100_000)
    parser.add_argument("--sends", type=int, default=5000)
    parser.add_argument("--saves", type=int, default=300, help="create_hoks calls timed one by one (≥ 100)")
    args = parser.parse_args()
    if args.quick:
        args.jaksot, args.sends, args.saves = 5000, 500, 100
    sys.exit(0 if asyncio.run(main(args.jaksot, args.sends, args.saves)) else 1)
