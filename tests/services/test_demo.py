"""`polku demo`: realistic data that passes the domain's own rules, deterministic per seed, safe to rerun."""

from __future__ import annotations

from datetime import date

from tortoise.context import TortoiseContext

from models.demo import generate, opiskeluoikeus_oid, oppija_oid
from models.hoks import HankittavaTutkinnonOsa, Hankkimistapa, Hoks, Keskeytymisajanjakso
from models.opiskeluoikeus import OpiskeluoikeudenTila, Opiskeluoikeus, PaatasonSuoritus
from models.oppija import Kotikunta, Oppija
from models.organisation import Organisation, OrganisationTyyppi
from models.rules.hoks import validate_plan
from models.rules.tunnisteet import OPISKELUOIKEUS_NODE, OPPIJA_NODE, is_valid_oid
from models.services.hoks import load_plan
from tests.factories import koski_doc
from tests.services.conftest import store

TODAY = date(2025, 3, 1)


async def fingerprint() -> list[tuple[object, ...]]:
    oppijat = await Oppija.all().order_by("oid").values_list("oid", "etunimet", "sukunimi", "syntymaaika", "hetu")
    tilat = (
        await OpiskeluoikeudenTila.all()
        .order_by("opiskeluoikeus__oid", "alku")
        .values_list("opiskeluoikeus__oid", "alku", "tila")
    )
    tavat = (
        await Hankkimistapa.all()
        .order_by("yksiloiva_tunniste")
        .values_list("yksiloiva_tunniste", "tyyppi", "alku", "loppu", "ytunnus", "ohjaaja_nimi")
    )
    return [*oppijat, *tilat, *tavat]


async def test_demo_data_obeys_the_domain_rules(db: TortoiseContext) -> None:
    summary = await generate(300, seed=5, today=TODAY)
    assert summary["oppija"] == 300 and summary["hoks"] > 50
    assert all(is_valid_oid(o, OPPIJA_NODE) for o in await Oppija.all().values_list("oid", flat=True))
    assert all(is_valid_oid(o, OPISKELUOIKEUS_NODE) for o in await Opiskeluoikeus.all().values_list("oid", flat=True))
    for hoks in await Hoks.all():
        assert validate_plan(await load_plan(hoks), TODAY) == [], hoks.id
    assert {"ammatillinenkoulutus", "perusopetus", "lukiokoulutus"} <= set(
        await Opiskeluoikeus.all().values_list("tyyppi", flat=True)
    )
    suoritukset = {
        "ammatillinentutkinto",
        "ammatillinentutkintoosittainen",
        "valma",
        "telma",
        "perusopetuksenoppimaara",
    }
    assert suoritukset <= set(await PaatasonSuoritus.all().values_list("tyyppi", flat=True))
    assert {"lasna", "loma", "valiaikaisestikeskeytynyt", "valmistunut", "eronnut"} <= set(
        await OpiskeluoikeudenTila.all().values_list("tila", flat=True)
    )
    assert {"oppisopimus", "koulutussopimus", "oppilaitosmuotoinen"} <= set(
        await Hankkimistapa.all().values_list("tyyppi", flat=True)
    )
    assert await Keskeytymisajanjakso.filter(loppu=None).exists()
    assert await Oppija.filter(turvakielto=True).exists()
    kunnat = await Organisation.filter(tyyppi=OrganisationTyyppi.KUNTA).values_list("kuntakoodi", flat=True)
    assert {"091", "049", "837", "564"} <= set(kunnat)
    assert set(await Kotikunta.all().values_list("kuntakoodi", flat=True)) <= set(kunnat)
    for oo in await Opiskeluoikeus.filter(tyyppi="ammatillinenkoulutus").prefetch_related("oppilaitos__parent"):
        assert oo.koulutustoimija_id == oo.oppilaitos.parent.id  # type: ignore[attr-defined]


async def test_same_seed_gives_the_same_data_and_a_rerun_adds_nothing(db: TortoiseContext) -> None:
    await generate(40, seed=3, today=TODAY)
    first = await fingerprint()
    again = await generate(40, seed=3, today=TODAY)
    assert again["skipped_existing"] == 40 and again["oppija"] == 0 and again["hoks"] == 0
    for model in (Keskeytymisajanjakso, Hankkimistapa, HankittavaTutkinnonOsa, Hoks, OpiskeluoikeudenTila):
        await model.all().delete()
    for model in (PaatasonSuoritus, Opiskeluoikeus, Kotikunta, Oppija):
        await model.all().delete()
    await generate(40, seed=3, today=TODAY)
    assert await fingerprint() == first


async def test_other_seeds_and_larger_counts_add_beside_existing_data(db: TortoiseContext) -> None:
    progress: list[tuple[int, int]] = []
    await generate(10, seed=1, today=TODAY)
    summary = await generate(25, seed=1, today=TODAY, on_progress=lambda d, t: progress.append((d, t)))
    assert summary["skipped_existing"] == 10 and summary["oppija"] == 15
    assert progress[-1] == (15, 15)
    await generate(10, seed=2, today=TODAY)
    assert await Oppija.all().count() == 35
    assert oppija_oid(1, 0) != oppija_oid(2, 0) and opiskeluoikeus_oid(1, 0) != opiskeluoikeus_oid(2, 0)


async def test_ordinary_writes_work_after_bulk_ids(db: TortoiseContext) -> None:
    """The bulk insert assigns ids itself; PostgreSQL's sequences must have moved past them."""
    await generate(20, seed=4, today=TODAY)
    before = await Opiskeluoikeus.all().count()
    ol = await Organisation.filter(tyyppi=OrganisationTyyppi.OPPILAITOS).prefetch_related("parent").first()
    assert ol is not None and ol.parent is not None
    await store(koski_doc(koulutustoimija=ol.parent.oid, oppilaitos=ol.oid))
    assert await Opiskeluoikeus.all().count() == before + 1
