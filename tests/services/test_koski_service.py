"""The Koski mirror (DOMAIN.md §2): newest version overwrites whole, older and equal are refused; voiding."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from models.audit import AuditEvent
from models.hoks import Hoks
from models.kyselylinkki import Kyselylinkki, Kyselytyyppi
from models.opiskeluoikeus import OpiskeluoikeudenTila, Opiskeluoikeus, PaatasonSuoritus
from models.oppija import Kotikunta, Oppija
from models.rules.koski import parse_opiskeluoikeus
from models.services import hoks as hoks_service
from models.services.access import SYSTEM
from models.services.errors import DomainError, Forbidden
from models.services.koski import save_opiskeluoikeus, void_opiskeluoikeus
from models.user import RoleName
from tests.factories import oppija_oid, provider
from tests.services.conftest import TODAY, Setting, plan, principal, store


async def tilat(oid: str) -> list[tuple[date, str]]:
    return [(t.alku, t.tila) for t in await OpiskeluoikeudenTila.filter(opiskeluoikeus__oid=oid).order_by("alku")]


async def test_newer_version_replaces_the_whole_opiskeluoikeus(setting: Setting) -> None:
    await store(
        setting.doc(versio=2, tilat=[("2021-08-01", "lasna"), ("2022-06-01", "valmistunut")], vahvistus="2022-06-01")
    )
    assert await tilat(setting.oo_oid) == [(date(2021, 8, 1), "lasna"), (date(2022, 6, 1), "valmistunut")]
    await store(setting.doc(versio=3, tilat=[("2021-08-01", "lasna"), ("2022-01-01", "eronnut")]))
    oo = await Opiskeluoikeus.get(oid=setting.oo_oid)
    assert oo.versio == 3
    assert await tilat(setting.oo_oid) == [(date(2021, 8, 1), "lasna"), (date(2022, 1, 1), "eronnut")]
    suoritukset = await PaatasonSuoritus.filter(opiskeluoikeus=oo)
    assert [(s.tyyppi, s.vahvistus) for s in suoritukset] == [("ammatillinentutkinto", None)]


@pytest.mark.parametrize("versio", [1, 2], ids=["older", "equal"])
async def test_equal_or_older_version_is_refused(setting: Setting, versio: int) -> None:
    await store(setting.doc(versio=2))
    doc = setting.doc(versio=versio, tilat=[("2021-08-01", "eronnut")])
    parsed, _ = parse_opiskeluoikeus(doc)
    assert parsed is not None
    with pytest.raises(DomainError) as e:
        await save_opiskeluoikeus(parsed, SYSTEM)
    assert (e.value.code, e.value.field) == ("STALE_VERSION", "versionumero")
    assert await tilat(setting.oo_oid) == [(date(2021, 8, 1), "lasna")]
    assert (await Opiskeluoikeus.get(oid=setting.oo_oid)).versio == 2


async def test_opiskeluoikeus_cannot_move_to_another_oppija(setting: Setting) -> None:
    doc = setting.doc(versio=2)
    doc["henkilö"]["oid"] = oppija_oid()
    parsed, _ = parse_opiskeluoikeus(doc)
    assert parsed is not None
    with pytest.raises(DomainError) as e:
        await save_opiskeluoikeus(parsed, SYSTEM)
    assert e.value.code == "OPPIJA_MISMATCH"


async def test_transfer_updates_the_oppija_and_its_kotikunta_history(setting: Setting) -> None:
    doc = setting.doc(versio=2)
    doc["henkilö"]["sukunimi"] = "Korhonen"
    doc["henkilö"]["turvakielto"] = True
    doc["henkilö"]["kotikuntahistoria"] = [
        {"kotikunta": "091", "alku": "2004-05-06", "loppu": "2019-12-31"},
        {"kotikunta": "837", "alku": "2020-01-01"},
    ]
    await store(doc)
    oppija = await Oppija.get(oid=setting.oppija_oid)
    assert (oppija.sukunimi, oppija.turvakielto) == ("Korhonen", True)
    assert await Kotikunta.filter(oppija=oppija).order_by("alku").values_list("kuntakoodi", flat=True) == ["091", "837"]


async def test_writer_of_another_provider_cannot_transfer(setting: Setting) -> None:
    _, other = await provider()
    parsed, _ = parse_opiskeluoikeus(setting.doc(versio=5))
    assert parsed is not None
    with pytest.raises(Forbidden):
        await save_opiskeluoikeus(parsed, principal(other, RoleName.WRITE))
    assert (await Opiskeluoikeus.get(oid=setting.oo_oid)).versio == 1


async def test_voiding_hides_hoks_and_cancels_pending_links(setting: Setting) -> None:
    hoks = await hoks_service.create_hoks(plan(setting), setting.writer(), TODAY)
    kt = setting.koulutustoimija
    common = {"koulutustoimija": kt, "hoks": hoks, "heratepvm": TODAY, "rahoituskausi": "2021-2022"}
    pending = await Kyselylinkki.create(kyselytyyppi=Kyselytyyppi.ALOITTANEET, **common)
    answered = await Kyselylinkki.create(
        kyselytyyppi=Kyselytyyppi.TUTKINNON_SUORITTANEET, vastattu_at=datetime(2021, 9, 5, tzinfo=UTC), **common
    )
    await void_opiskeluoikeus(setting.oo_oid, "vaara_tyyppi", setting.writer())
    oo = await Opiskeluoikeus.get(oid=setting.oo_oid)
    assert oo.mitatoity and oo.mitatoinnin_syy == "vaara_tyyppi"
    await pending.refresh_from_db()
    await answered.refresh_from_db()
    assert pending.peruttu_at is not None and pending.peruutuksen_syy == "opiskeluoikeus_mitatoity"
    assert answered.peruttu_at is None
    assert await Hoks.exists(id=hoks.id)  # kept for the record, hidden from every view
    assert await AuditEvent.filter(action="void", entity_id=setting.oo_oid).count() == 1


async def test_void_reasons_are_limited_and_voiding_twice_is_refused(setting: Setting) -> None:
    with pytest.raises(DomainError) as bad:
        await void_opiskeluoikeus(setting.oo_oid, "muu", SYSTEM)
    assert (bad.value.code, bad.value.field) == ("INVALID_CHOICE", "syy")
    await void_opiskeluoikeus(setting.oo_oid, "ei_aloittanut", SYSTEM)
    with pytest.raises(DomainError) as twice:
        await void_opiskeluoikeus(setting.oo_oid, "ei_aloittanut", SYSTEM)
    assert twice.value.code == "ALREADY_VOIDED"


async def test_reader_cannot_void(setting: Setting) -> None:
    with pytest.raises(Forbidden):
        await void_opiskeluoikeus(setting.oo_oid, "ei_aloittanut", principal(setting.oppilaitos, RoleName.READ))
    assert not (await Opiskeluoikeus.get(oid=setting.oo_oid)).mitatoity


async def test_a_transfer_marked_voided_voids_it(setting: Setting) -> None:
    await store(setting.doc(versio=2, tilat=[("2021-08-01", "lasna"), ("2021-08-02", "mitatoity")]))
    oo = await Opiskeluoikeus.get(oid=setting.oo_oid)
    assert oo.mitatoity and oo.mitatoinnin_syy == "koski"
