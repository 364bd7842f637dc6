"""Benchmark: stream the provider's answer export (DOMAIN.md §5) for 100 000 answers; time and peak memory.

Targets (issue 6): under 10 s and under 150 MB. Runs on its own PostgreSQL database `polku_bench_export`
(created here, dropped at the end), filled with bulk inserts: 90 % student answers and 10 % instructor answers,
each instructor answer a bundle of two jaksot, so the export also unbundles and computes kesto.

    python bench/export.py [--answers 100000] [--pg postgres://postgres@127.0.0.1:5432]

Prints the wall time of a plain run, the process's peak RSS, and the tracemalloc peak of a second run.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

from tortoise.context import TortoiseContext

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo root, for bench.common

from bench.common import BenchFailure, Verdict, load_average, report, unique_name
from models.db import MODEL_MODULES
from models.hoks import HankittavaTutkinnonOsa, Hankkimistapa, Hoks
from models.kyselylinkki import Kyselylinkki, Kyselytyyppi, NippuJasen
from models.opiskeluoikeus import OpiskeluoikeudenTila, Opiskeluoikeus
from models.oppija import Oppija
from models.organisation import OrganisationTyyppi
from models.rules.calendar import rahoituskausi
from models.services.access import SYSTEM
from models.services.organisations import ensure_organisation
from models.services.raportointi import vastausvienti
from models.vastaus import Lisakysymys, Vastaus
from survey_ui.kyselyt import latest, load_all

DB = unique_name("export")
BATCH = 5000


def answers_for(kyselytyyppi: str, rnd: random.Random) -> dict[str, object]:
    kysely = latest(kyselytyyppi)
    out: dict[str, object] = {}
    for k in kysely.kysymykset:
        if k.tyyppi == "likert":
            out[k.tunnus] = rnd.randint(0 if k.en_osaa_sanoa else 1, 5)
        elif k.tyyppi == "valinta":
            out[k.tunnus] = rnd.choice(k.vaihtoehdot).koodi
        elif k.tyyppi == "monivalinta":
            out[k.tunnus] = [v.koodi for v in k.vaihtoehdot[: rnd.randint(1, 3)]]
        elif k.tyyppi == "kylla_ei":
            out[k.tunnus] = rnd.random() < 0.5
        else:
            out[k.tunnus] = rnd.choice(["Hyvä", "=SUM(A1)", 'Sanoi "kiitos"; rivi\nkaksi', ""])
    return out


async def fill(n: int) -> str:
    rnd = random.Random(6)
    kt = await ensure_organisation("1.2.246.562.10.20000000008", OrganisationTyyppi.KOULUTUSTOIMIJA, "Bench KT")
    ol = await ensure_organisation("1.2.246.562.10.20000000016", OrganisationTyyppi.OPPILAITOS, "Bench OL", kt)
    lisa = await Lisakysymys.create(
        koulutustoimija=kt,
        kyselytyyppi=Kyselytyyppi.ALOITTANEET,
        jarjestys=1,
        maaritys={
            "tunnus": "lisa:1",
            "tyyppi": "teksti",
            "teksti": {"fi": "Oma", "sv": "Egen", "en": "Own"},
            "pakollinen": False,
            "max_pituus": 500,
        },
    )
    n_instr = n // 10
    student_types = [Kyselytyyppi.ALOITTANEET, Kyselytyyppi.TUTKINNON_SUORITTANEET]
    start = date(2021, 8, 1)

    # Learners with two jaksot each for the instructor bundles.
    oppijat = [Oppija(oid=f"1.2.246.562.24.{i:011d}", etunimet="A", sukunimi="B") for i in range(n_instr)]
    await Oppija.bulk_create(oppijat, batch_size=BATCH)
    oppija_ids = [o.id for o in await Oppija.all().order_by("id").only("id")]
    await Opiskeluoikeus.bulk_create(
        [
            Opiskeluoikeus(
                oid=f"1.2.246.562.15.{i:011d}",
                oppija_id=oid,
                koulutustoimija_id=kt.id,
                oppilaitos_id=ol.id,
                tyyppi="ammatillinenkoulutus",
                versio=1,
            )
            for i, oid in enumerate(oppija_ids)
        ],
        batch_size=BATCH,
    )
    oo_ids = [o.id for o in await Opiskeluoikeus.all().order_by("id").only("id")]
    await OpiskeluoikeudenTila.bulk_create(
        [OpiskeluoikeudenTila(opiskeluoikeus_id=i, alku=start, tila="lasna") for i in oo_ids], batch_size=BATCH
    )
    await Hoks.bulk_create(
        [
            Hoks(opiskeluoikeus_id=oo, oppija_id=op, ensikertainen_hyvaksyminen=start)
            for oo, op in zip(oo_ids, oppija_ids, strict=True)
        ],
        batch_size=BATCH,
    )
    hoks_ids = [h.id for h in await Hoks.all().order_by("id").only("id")]
    await HankittavaTutkinnonOsa.bulk_create(
        [HankittavaTutkinnonOsa(hoks_id=h, jarjestys=1, tutkinnon_osa_koodi="106727", nimi="Huolto") for h in hoks_ids],
        batch_size=BATCH,
    )
    osa_ids = [o.id for o in await HankittavaTutkinnonOsa.all().order_by("id").only("id")]
    tavat = []
    for h, osa in zip(hoks_ids, osa_ids, strict=True):
        for j in range(2):
            alku = date(2021, 9, 1) + timedelta(days=40 * j)
            tavat.append(
                Hankkimistapa(
                    hoks_id=h,
                    tutkinnon_osa_id=osa,
                    jarjestys=j,
                    yksiloiva_tunniste=f"j{j}",
                    tyyppi="koulutussopimus",
                    alku=alku,
                    loppu=alku + timedelta(days=50),
                    tyopaikan_nimi="Oy",
                    ytunnus="1572860-0",
                    ohjaaja_nimi="Ohjaaja",
                    osa_aikaisuus=80,
                )
            )
    await Hankkimistapa.bulk_create(tavat, batch_size=BATCH)
    tapa_ids = [t.id for t in await Hankkimistapa.all().order_by("id").only("id")]

    for first in range(0, n, BATCH):
        count = min(BATCH, n - first)
        links = []
        kinds = []
        for i in range(first, first + count):
            kind = Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY if i < n_instr else student_types[i % 2]
            kinds.append(kind)
            day = start + timedelta(days=i % 300)
            links.append(
                Kyselylinkki(
                    tunnus=f"bench{i}",
                    kyselytyyppi=kind,
                    koulutustoimija_id=kt.id,
                    oppilaitos_id=ol.id,
                    tutkinto_koodi="351301",
                    tutkinto_nimi="Ajoneuvoalan perustutkinto",
                    heratepvm=day,
                    rahoituskausi=rahoituskausi(day),
                    lahetyspvm=day,
                )
            )
        await Kyselylinkki.bulk_create(links)
        ids = [
            r
            for r in await Kyselylinkki.filter(tunnus__in=[x.tunnus for x in links])
            .order_by("id")
            .values_list("id", flat=True)
        ]
        vastaukset = []
        jasenet = []
        for offset, (link_id, kind) in enumerate(zip(ids, kinds, strict=True)):
            i = first + offset
            body = answers_for(kind.value, rnd)
            if kind == Kyselytyyppi.ALOITTANEET:
                body[f"lisa:{lisa.id}"] = "oma vastaus"
            kysely = latest(kind.value)
            vastaukset.append(
                Vastaus(
                    kyselylinkki_id=link_id,
                    kysely_tunnus=kysely.tunnus,
                    kysely_versio=kysely.versio,
                    kieli="fi",
                    vastaukset=body,
                )
            )
            if kind == Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY:
                jasenet += [NippuJasen(kyselylinkki_id=link_id, hankkimistapa_id=tapa_ids[2 * i + j]) for j in (0, 1)]
        await Vastaus.bulk_create(vastaukset)
        if jasenet:
            await NippuJasen.bulk_create(jasenet)
    return kt.oid


async def export(kt_oid: str) -> tuple[int, int]:
    vienti = await vastausvienti(SYSTEM, kt_oid, load_all().values())
    rows = size = 0
    async for chunk in vienti.rivit():
        data = chunk.encode("utf-8")
        size += len(data)
        rows += chunk.count("\r\n")  # counts quoted in-cell CR LF too; close enough for a row figure
    return rows, size


async def main(n: int, pg: str) -> bool:
    print(load_average())
    async with TortoiseContext() as ctx:
        await ctx.init(db_url=f"{pg}/{DB}", modules={"models": MODEL_MODULES}, _create_db=True)
        await ctx.generate_schemas()
        try:
            t0 = time.perf_counter()
            kt_oid = await fill(n)
            # Production tables are analysed by autovacuum; a fresh bulk load isn't yet, and without statistics
            # the planner can't see that walking vastaus_pkey for one chunk is cheap.
            await ctx.db().execute_script("ANALYZE")
            print(f"filled {n} answers in {time.perf_counter() - t0:.1f} s")
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            t0 = time.perf_counter()
            rows, size = await export(kt_oid)
            elapsed = time.perf_counter() - t0
            rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            print(f"export: {rows} lines, {size / 1e6:.1f} MB of CSV in {elapsed:.2f} s")
            if rows < n + 1:
                raise BenchFailure(f"the export has {rows} lines for {n} answers")
            print(
                f"peak RSS of the whole process (incl. the fill): {rss_after / 1024:.0f} MB "
                f"(before the export: {rss_before / 1024:.0f} MB)"
            )
            tracemalloc.start()
            t0 = time.perf_counter()
            await export(kt_oid)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"tracemalloc peak during a second export: {peak / 1e6:.1f} MB "
                f"(that run took {time.perf_counter() - t0:.2f} s under tracing)"
            )
        finally:
            conn = ctx.db()
            await conn.close()
            await conn.db_delete()
    print(load_average())
    return report(
        [
            Verdict("export", f"answer export, {n} answers", f"{elapsed:.2f} s", "< 10 s", elapsed < 10),
            Verdict("export", "process peak RSS", f"{rss_after / 1024:.0f} MB", "< 150 MB", rss_after / 1024 < 150),
        ]
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a smoke run: 10 000 answers")
    parser.add_argument("--answers", type=int, default=100_000)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    args = parser.parse_args()
    sys.exit(0 if asyncio.run(main(10_000 if args.quick else args.answers, args.pg)) else 1)
