"""Feedback decisions stored with the data change, and the daily run in the database (DOMAIN.md §3–4)."""

from __future__ import annotations

from datetime import date

from models.herate import Ajo, Opiskelijaherate, Tyopaikkajaksoherate
from models.kyselylinkki import Kanava, Kyselylinkki, Kyselytyyppi, NippuJasen, Toimitus
from models.rules.koski import parse_opiskeluoikeus
from models.services import hoks as hoks_service
from models.services.access import SYSTEM
from models.services.koski import save_opiskeluoikeus
from models.services.lahetysajo import run_day
from models.services.uudelleenlahetys import resend
from tests.services.conftest import TODAY, Setting, jakso, plan


async def test_saving_a_hoks_makes_the_aloituskysely_link_and_schedules_the_jakso(setting: Setting) -> None:
    hoks = await hoks_service.create_hoks(plan(setting), setting.writer(), TODAY)
    link = await Kyselylinkki.get(hoks_id=hoks.id)
    assert (link.kyselytyyppi, link.heratepvm, link.rahoituskausi) == (
        Kyselytyyppi.ALOITTANEET,
        date(2021, 8, 15),
        "2021-2022",
    )
    assert link.lahetyspvm is None  # waits for the daily run
    assert len(link.tunnus) >= 22  # ≥ 128 bits, URL-safe
    herate = await Opiskelijaherate.get(hoks_id=hoks.id, vaihe="aloitus")
    assert (herate.syy, herate.kyselylinkki_id) == (None, link.id)  # type: ignore[attr-defined]
    # jakso ended 15.12. → sent on 16.12. (§4.1 "When")
    jakso_herate = await Tyopaikkajaksoherate.get(hoks_id=hoks.id)
    assert (jakso_herate.heratepvm, jakso_herate.syy) == (date(2021, 12, 16), None)


async def test_no_training_need_records_the_reason_and_makes_no_link(setting: Setting) -> None:
    hoks = await hoks_service.create_hoks(plan(setting, osaamisen_hankkimisen_tarve=False), setting.writer(), TODAY)
    assert await Kyselylinkki.filter(hoks_id=hoks.id).count() == 0
    herate = await Opiskelijaherate.get(hoks_id=hoks.id, vaihe="aloitus")
    assert herate.syy == "ei_osaamisen_hankkimisen_tarvetta"
    # a later patch that sets the need re-decides and makes the link
    await hoks_service.patch_hoks(hoks.id, {"osaamisen_hankkimisen_tarve": True}, setting.writer(), TODAY)
    herate = await Opiskelijaherate.get(hoks_id=hoks.id, vaihe="aloitus")
    assert herate.syy is None and herate.kyselylinkki_id is not None  # type: ignore[attr-defined]


async def test_a_koski_vahvistus_triggers_the_paattokysely_in_the_koski_save(setting: Setting) -> None:
    hoks = await hoks_service.create_hoks(plan(setting), setting.writer(), TODAY)
    parsed, errors = parse_opiskeluoikeus(setting.doc(versio=2, vahvistus="2021-11-20"))
    assert parsed is not None, errors
    await save_opiskeluoikeus(parsed, SYSTEM, today=date(2021, 11, 22))
    link = await Kyselylinkki.get(hoks_id=hoks.id, kyselytyyppi=Kyselytyyppi.TUTKINNON_SUORITTANEET)
    assert (link.heratepvm, link.tutkinto_koodi) == (date(2021, 11, 20), "351301")
    assert (await Opiskelijaherate.get(hoks_id=hoks.id, vaihe="paatto")).kyselylinkki_id == link.id  # type: ignore[attr-defined]


async def test_daily_run_sends_once_with_the_answer_period_and_reminders(setting: Setting) -> None:
    hoks = await hoks_service.create_hoks(plan(setting), setting.writer(), TODAY)
    first = await run_day(date(2021, 9, 1))
    link = await Kyselylinkki.get(hoks_id=hoks.id)
    # sent 1.9.; last day min(1.9.+29, 15.8.+59) = min(30.9., 13.10.) = 30.9.
    assert (link.lahetyspvm, link.vastausaika_alku, link.vastausaika_loppu) == (
        date(2021, 9, 1),
        date(2021, 9, 1),
        date(2021, 9, 30),
    )
    assert [(x.kanava, x.tarkoitus, x.osoite) for x in first.lahetykset] == [("email", "lahetys", "aino@example.fi")]
    assert (await run_day(date(2021, 9, 1))).lahetykset == []  # a re-run queues nothing
    assert (await run_day(date(2021, 9, 5))).lahetykset == []
    assert [x.tarkoitus for x in (await run_day(date(2021, 9, 6))).lahetykset] == ["muistutus1"]
    assert [x.tarkoitus for x in (await run_day(date(2021, 9, 11))).lahetykset] == ["muistutus2"]
    assert (await run_day(date(2021, 10, 1))).suljetut == [link.tunnus]
    assert await Toimitus.filter(kyselylinkki=link).count() == 3


async def test_a_dry_run_reports_but_changes_nothing(setting: Setting) -> None:
    await hoks_service.create_hoks(plan(setting), setting.writer(), TODAY)
    report = await run_day(date(2021, 9, 1), dry_run=True)
    assert [x.kanava for x in report.lahetykset] == [Kanava.EMAIL.value]
    syy = str(report.lahetykset[0].syy)
    assert "15.8." not in syy and "2021-08-15" in syy
    assert await Toimitus.all().count() == 0
    assert (await Kyselylinkki.get()).lahetyspvm is None


async def test_a_link_not_sent_within_60_days_is_closed_with_its_reason(setting: Setting) -> None:
    await hoks_service.create_hoks(plan(setting), setting.writer(), TODAY)
    report = await run_day(date(2021, 10, 14))  # 15.8. + 59 = 13.10.
    assert report.lahetykset == []
    link = await Kyselylinkki.get()
    assert link.peruutuksen_syy == "vastausaika_umpeutunut" and link.peruttu_at is not None


async def test_instructor_bundle_once_per_half_month_with_normalised_name(setting: Setting) -> None:
    tavat = (
        jakso("a", loppu=date(2021, 12, 10), keskeytymisajanjaksot=()),
        jakso("b", loppu=date(2021, 12, 14), ohjaaja_nimi="  matti   MEIKÄLÄINEN ", keskeytymisajanjaksot=()),
        jakso("c", loppu=date(2021, 12, 20), keskeytymisajanjaksot=()),  # next half-month: 1.1.
    )
    await hoks_service.create_hoks(plan(setting, *tavat), setting.writer(), TODAY)
    report = await run_day(date(2021, 12, 16))
    instructor = [x for x in report.lahetykset if x.kyselytyyppi == "tyopaikkaohjaajakysely"]
    assert [(x.kanava, x.osoite) for x in instructor] == [("email", "matti@example.fi")]
    link = await Kyselylinkki.get(tunnus=instructor[0].tunnus)
    members = await NippuJasen.filter(kyselylinkki=link).prefetch_related("hankkimistapa")
    assert sorted(m.hankkimistapa.yksiloiva_tunniste for m in members) == ["a", "b"]
    # heratepvm = the scheduled day; last day min(16.12.+29, 16.12.+59) = 14.1.
    assert (link.heratepvm, link.vastausaika_loppu, link.ytunnus) == (
        date(2021, 12, 16),
        date(2022, 1, 14),
        "1572860-0",
    )
    assert await Ajo.filter(tyyppi="niputus", paiva=date(2021, 12, 16)).exists()
    assert (await run_day(date(2021, 12, 16))).lahetykset == []  # never bundled twice


async def test_resend_keeps_the_deadline_and_refuses_closed_links(setting: Setting) -> None:
    import pytest

    from models.services.errors import DomainError

    await hoks_service.create_hoks(plan(setting), setting.writer(), TODAY)
    await run_day(date(2021, 9, 1))
    link = await Kyselylinkki.get()
    lahetys = await resend(link.tunnus, "uusi@example.fi", setting.writer(), date(2021, 9, 3))
    assert (lahetys.osoite, lahetys.tarkoitus) == ("uusi@example.fi", "uudelleen1")
    assert (await Kyselylinkki.get(id=link.id)).vastausaika_loppu == date(2021, 9, 30)
    with pytest.raises(DomainError) as e:
        await resend(link.tunnus, None, setting.writer(), date(2021, 10, 1))
    assert (e.value.code, e.value.field) == ("LINK_EXPIRED", "tunnus")
