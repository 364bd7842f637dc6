"""HOKS write paths (DOMAIN.md §2): one per OO, no voided or foreign OO, identity of jaksot, audit diffs."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from models.audit import AuditEvent
from models.hoks import HankittavaTutkinnonOsa, Hankkimistapa, Hoks, Keskeytymisajanjakso
from models.kyselylinkki import Kyselylinkki, Kyselytyyppi, NippuJasen
from models.rules.hoks import TutkinnonOsaPlan
from models.services import hoks as service
from models.services.access import SYSTEM
from models.services.errors import DomainError, Forbidden, NotFound, ValidationFailed
from models.services.koski import void_opiskeluoikeus
from models.user import RoleName
from tests.factories import koski_doc, oo_oid, oppija_oid, provider
from tests.services.conftest import TODAY, Setting, jakso, plan, principal, store


async def test_create_writes_the_whole_plan(setting: Setting) -> None:
    hoks = await service.create_hoks(plan(setting), setting.writer(), TODAY)
    stored = await service.load_plan(await Hoks.get(id=hoks.id))
    assert stored == plan(setting)
    assert await Keskeytymisajanjakso.all().count() == 1


async def test_one_hoks_per_opiskeluoikeus(setting: Setting) -> None:
    await service.create_hoks(plan(setting), setting.writer(), TODAY)
    with pytest.raises(DomainError) as e:
        await service.create_hoks(plan(setting), setting.writer(), TODAY)
    assert (e.value.code, e.value.field) == ("DUPLICATE_HOKS", "opiskeluoikeus_oid")
    assert await Hoks.all().count() == 1


async def test_two_racing_creates_give_one_hoks_and_one_refusal(setting: Setting) -> None:
    results = await asyncio.gather(
        service.create_hoks(plan(setting), setting.writer(), TODAY),
        service.create_hoks(plan(setting), setting.writer(), TODAY),
        return_exceptions=True,
    )
    refusals = [r for r in results if isinstance(r, BaseException)]
    assert len(refusals) == 1
    assert isinstance(refusals[0], DomainError) and refusals[0].code == "DUPLICATE_HOKS"
    assert await Hoks.all().count() == 1
    assert await HankittavaTutkinnonOsa.all().count() == 1


async def test_no_hoks_for_a_voided_opiskeluoikeus(setting: Setting) -> None:
    await void_opiskeluoikeus(setting.oo_oid, "ei_aloittanut", SYSTEM)
    with pytest.raises(DomainError) as e:
        await service.create_hoks(plan(setting), setting.writer(), TODAY)
    assert (e.value.code, e.value.field) == ("OPISKELUOIKEUS_VOIDED", "opiskeluoikeus_oid")


async def test_no_hoks_on_another_oppijas_opiskeluoikeus(setting: Setting) -> None:
    with pytest.raises(DomainError) as e:
        await service.create_hoks(plan(setting, oppija_oid=oppija_oid()), setting.writer(), TODAY)
    assert (e.value.code, e.value.field) == ("OPPIJA_MISMATCH", "oppija_oid")
    assert await Hoks.all().count() == 0


async def test_unknown_opiskeluoikeus_is_not_found(setting: Setting) -> None:
    with pytest.raises(NotFound) as e:
        await service.create_hoks(plan(setting, opiskeluoikeus_oid=oo_oid()), setting.writer(), TODAY)
    assert e.value.field == "opiskeluoikeus_oid"


async def test_invalid_plan_is_refused_before_anything_is_written(setting: Setting) -> None:
    with pytest.raises(ValidationFailed) as e:
        await service.create_hoks(plan(setting, jakso("j1", ytunnus="1572860-1")), setting.writer(), TODAY)
    assert e.value.field == "tutkinnon_osat[0].hankkimistavat[0].ytunnus"
    assert await Hoks.all().count() == 0


async def test_reader_cannot_create_and_other_provider_cannot_either(setting: Setting) -> None:
    with pytest.raises(Forbidden):
        await service.create_hoks(plan(setting), principal(setting.oppilaitos, RoleName.READ), TODAY)
    _, other = await provider()
    with pytest.raises(Forbidden):
        await service.create_hoks(plan(setting), principal(other, RoleName.ADMIN), TODAY)
    assert await Hoks.all().count() == 0


async def test_a_role_on_the_koulutustoimija_covers_its_oppilaitos(setting: Setting) -> None:
    hoks = await service.create_hoks(plan(setting), principal(setting.koulutustoimija, RoleName.WRITE), TODAY)
    assert hoks.id


async def test_update_keeps_jakso_rows_by_tunniste_and_drops_removed_ones(setting: Setting) -> None:
    j2 = jakso("j2", alku=date(2022, 1, 10), loppu=date(2022, 3, 1), keskeytymisajanjaksot=())
    hoks = await service.create_hoks(plan(setting, jakso("j1"), j2), setting.writer(), TODAY)
    before = {t.yksiloiva_tunniste: t.id for t in await Hankkimistapa.filter(hoks=hoks)}
    updated = plan(setting, jakso("j1", loppu=date(2022, 1, 31), keskeytymisajanjaksot=()), jakso("j3"))
    await service.update_hoks(hoks.id, updated, setting.writer(), TODAY)
    after = {t.yksiloiva_tunniste: t for t in await Hankkimistapa.filter(hoks=hoks)}
    assert set(after) == {"j1", "j3"}
    assert after["j1"].id == before["j1"]
    assert after["j1"].loppu == date(2022, 1, 31)
    assert await Keskeytymisajanjakso.filter(hankkimistapa_id=before["j1"]).count() == 0
    assert await service.load_plan(hoks) == updated


async def test_a_jakso_in_a_made_instructor_survey_cannot_be_removed(setting: Setting) -> None:
    hoks = await service.create_hoks(plan(setting, jakso("j1"), jakso("j2")), setting.writer(), TODAY)
    j1 = await Hankkimistapa.get(hoks=hoks, yksiloiva_tunniste="j1")
    linkki = await Kyselylinkki.create(
        kyselytyyppi=Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY,
        koulutustoimija=setting.koulutustoimija,
        heratepvm=date(2022, 1, 1),
        rahoituskausi="2021-2022",
    )
    await NippuJasen.create(kyselylinkki=linkki, hankkimistapa=j1)
    with pytest.raises(DomainError) as e:
        await service.update_hoks(hoks.id, plan(setting, jakso("j2")), setting.writer(), TODAY)
    assert (e.value.code, e.value.field) == ("JAKSO_IN_SURVEY", "tutkinnon_osat")
    assert "j1" in e.value.message
    assert await Hankkimistapa.filter(hoks=hoks).count() == 2


async def test_update_generates_tunniste_when_absent(setting: Setting) -> None:
    hoks = await service.create_hoks(plan(setting, jakso(None)), setting.writer(), TODAY)  # type: ignore[arg-type]
    tunniste = (await Hankkimistapa.get(hoks=hoks)).yksiloiva_tunniste
    assert len(tunniste) == 36


async def test_update_cannot_move_the_hoks(setting: Setting) -> None:
    hoks = await service.create_hoks(plan(setting), setting.writer(), TODAY)
    other = koski_doc(koulutustoimija=setting.koulutustoimija.oid, oppilaitos=setting.oppilaitos.oid)
    await store(other)
    with pytest.raises(DomainError) as e:
        await service.update_hoks(hoks.id, plan(setting, opiskeluoikeus_oid=other["oid"]), setting.writer(), TODAY)
    assert (e.value.code, e.value.field) == ("IMMUTABLE", "opiskeluoikeus_oid")


async def test_update_of_a_voided_opiskeluoikeus_is_refused(setting: Setting) -> None:
    hoks = await service.create_hoks(plan(setting), setting.writer(), TODAY)
    await void_opiskeluoikeus(setting.oo_oid, "vaara_tyyppi", SYSTEM)
    with pytest.raises(NotFound):
        await service.update_hoks(hoks.id, plan(setting), setting.writer(), TODAY)
    with pytest.raises(NotFound):
        await service.patch_hoks(hoks.id, {"sahkoposti": None}, setting.writer(), TODAY)


async def test_patch_changes_top_level_fields_only(setting: Setting) -> None:
    hoks = await service.create_hoks(plan(setting), setting.writer(), TODAY)
    await service.patch_hoks(
        hoks.id, {"osaamisen_saavuttamisen_pvm": date(2021, 9, 10), "sahkoposti": None}, setting.writer(), TODAY
    )
    stored = await service.load_plan(await Hoks.get(id=hoks.id))
    assert stored.osaamisen_saavuttamisen_pvm == date(2021, 9, 10)
    assert stored.sahkoposti is None
    assert stored.tutkinnon_osat == plan(setting).tutkinnon_osat


async def test_patch_validates_and_refuses_unknown_fields(setting: Setting) -> None:
    hoks = await service.create_hoks(plan(setting), setting.writer(), TODAY)
    with pytest.raises(ValidationFailed) as e:
        await service.patch_hoks(hoks.id, {"osaamisen_saavuttamisen_pvm": date(2021, 9, 16)}, setting.writer(), TODAY)
    assert e.value.field == "osaamisen_saavuttamisen_pvm"
    with pytest.raises(DomainError) as unknown:
        await service.patch_hoks(hoks.id, {"tutkinnon_osat": []}, setting.writer(), TODAY)
    assert unknown.value.code == "UNKNOWN_FIELD"
    with pytest.raises(ValidationFailed):
        await service.patch_hoks(hoks.id, {"ensikertainen_hyvaksyminen": None}, setting.writer(), TODAY)


async def test_writes_are_audited_with_a_field_diff(setting: Setting) -> None:
    hoks = await service.create_hoks(plan(setting), setting.writer(), TODAY)
    changed = plan(setting, jakso("j1", ohjaaja_nimi="Maija Ohjaaja"), sahkoposti="uusi@example.fi")
    await service.update_hoks(hoks.id, changed, setting.writer(), TODAY)
    await service.patch_hoks(hoks.id, {"puhelinnumero": "0401234567"}, setting.writer(), TODAY)
    events = await AuditEvent.filter(entity="hoks").order_by("id")
    assert [e.action for e in events] == ["create", "update", "update"]
    assert all(e.user_name == "virkailija" and e.oppija_oid == setting.oppija_oid for e in events)
    assert events[0].changes["sahkoposti"] == [None, "aino@example.fi"]
    assert events[1].changes == {
        "sahkoposti": ["aino@example.fi", "uusi@example.fi"],
        "tutkinnon_osat[0].hankkimistavat.j1.ohjaaja_nimi": ["Matti Meikäläinen", "Maija Ohjaaja"],
    }
    assert events[2].changes == {"puhelinnumero": [None, "0401234567"]}


async def test_empty_plan_is_allowed(setting: Setting) -> None:
    hoks = await service.create_hoks(plan(setting, tutkinnon_osat=()), setting.writer(), TODAY)
    assert (await service.load_plan(hoks)).tutkinnon_osat == ()
    assert plan(setting, tutkinnon_osat=(TutkinnonOsaPlan("1"),)).tutkinnon_osat[0].hankkimistavat == ()
