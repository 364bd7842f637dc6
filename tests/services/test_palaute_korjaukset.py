"""Issue 13's corrections to the feedback flows, each as the acceptance run saw it (DOMAIN.md §3–4)."""

from __future__ import annotations

from datetime import date

import pytest

from models.herate import Opiskelijaherate, Tyopaikkajaksoherate
from models.hoks import Hankkimistapa, Hoks
from models.kyselylinkki import Kyselylinkki, Kyselytyyppi
from models.opiskeluoikeus import PaatasonSuoritus
from models.rules.koski import parse_opiskeluoikeus
from models.services import hoks as hoks_service
from models.services.access import SYSTEM
from models.services.errors import DomainError, ValidationFailed
from models.services.koski import save_opiskeluoikeus
from models.services.lahetysajo import run_day
from models.services.uudelleenlahetys import resend
from tests.services.conftest import TODAY, Setting, jakso, plan


async def test_reminders_and_a_resend_go_to_the_address_in_the_hoks_now(setting: Setting) -> None:
    """Item 2: sent to vanha@ on 5.10., corrected to uusi@ on 7.10.: both reminders and the resend use uusi@."""
    top = {"ensikertainen_hyvaksyminen": date(2021, 10, 5), "sahkoposti": "vanha@example.fi"}
    hoks = await hoks_service.create_hoks(plan(setting, **top), setting.writer(), date(2021, 10, 5))
    sent = await run_day(date(2021, 10, 5))
    assert [x.osoite for x in sent.lahetykset] == ["vanha@example.fi"]
    await hoks_service.patch_hoks(hoks.id, {"sahkoposti": "uusi@example.fi"}, setting.writer(), date(2021, 10, 7))
    first = await run_day(date(2021, 10, 10))
    second = await run_day(date(2021, 10, 15))
    assert [(x.tarkoitus, x.osoite) for x in first.lahetykset + second.lahetykset] == [
        ("muistutus1", "uusi@example.fi"),
        ("muistutus2", "uusi@example.fi"),
    ]
    link = await Kyselylinkki.get(hoks_id=hoks.id)
    again = await resend(link.tunnus, None, setting.writer(), date(2021, 10, 17))
    assert (again.tarkoitus, again.osoite) == ("uudelleen1", "uusi@example.fi")


async def test_instructor_reminder_uses_the_jakso_contacts_as_they_are_now(setting: Setting) -> None:
    tapa = jakso("j1", loppu=date(2021, 12, 10), keskeytymisajanjaksot=())
    hoks = await hoks_service.create_hoks(plan(setting, tapa), setting.writer(), TODAY)
    bundled = await run_day(date(2021, 12, 16))
    assert [x.osoite for x in bundled.lahetykset if x.kyselytyyppi == "tyopaikkaohjaajakysely"] == ["matti@example.fi"]
    await Hankkimistapa.filter(hoks_id=hoks.id).update(
        ohjaaja_sahkoposti="matti.m@example.fi", ohjaaja_puhelinnumero="050 123 4567"
    )
    reminder = await run_day(date(2021, 12, 21))
    assert [(x.kanava, x.tarkoitus, x.osoite) for x in reminder.lahetykset] == [
        ("email", "muistutus1", "matti.m@example.fi"),
        ("sms", "muistutus1", "+358501234567"),
    ]


async def test_an_instructor_with_only_a_lettered_number_gets_no_sms_and_the_reason_is_recorded(
    setting: Setting,
) -> None:
    """Item 3: "040 abc 3210" is no number (libphonenumber would dial +358402223210)."""
    tapa = jakso(
        "j1",
        loppu=date(2021, 12, 10),
        keskeytymisajanjaksot=(),
        ohjaaja_sahkoposti=None,
        ohjaaja_puhelinnumero="040 abc 3210",
    )
    hoks = await hoks_service.create_hoks(plan(setting, tapa), setting.writer(), TODAY)
    herate = await Tyopaikkajaksoherate.get(hoks_id=hoks.id)
    assert herate.syy == "virheellinen_puhelinnumero"
    report = await run_day(date(2021, 12, 16))
    assert [x for x in report.lahetykset if x.kyselytyyppi == "tyopaikkaohjaajakysely"] == []


async def test_upcoming_reminder_is_explained_with_the_links_own_reminder_days(setting: Setting) -> None:
    """Item 5: a link sent on 28.11. has reminder 1 on 3.12.; a preview of 16.12. must say so."""
    top = {"ensikertainen_hyvaksyminen": date(2021, 11, 28)}
    await hoks_service.create_hoks(plan(setting, **top), setting.writer(), date(2021, 11, 28))
    await run_day(date(2021, 11, 28))
    preview = await run_day(date(2021, 12, 16), dry_run=True)
    [muistutus] = [x for x in preview.lahetykset if x.tarkoitus.startswith("muistutus")]
    assert muistutus.tarkoitus == "muistutus1"
    assert "due on 2021-12-03, 5 days after the send on 2021-11-28" in str(muistutus.syy)
    assert "13 days late" in str(muistutus.syy)
    on_time = await run_day(date(2021, 12, 3), dry_run=True)
    assert [str(x.syy) for x in on_time.lahetykset] == [
        "reminder 1: due on 2021-12-03, 5 days after the send on 2021-11-28, still unanswered"
    ]


async def test_an_instructor_link_is_not_resent_and_says_why(setting: Setting) -> None:
    """Item 6: only learners' links are resent by officials (seed 000); not "not found"."""
    tapa = jakso("j1", loppu=date(2021, 12, 10), keskeytymisajanjaksot=())
    await hoks_service.create_hoks(plan(setting, tapa), setting.writer(), TODAY)
    await run_day(date(2021, 12, 16))
    link = await Kyselylinkki.get(kyselytyyppi=Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY)
    with pytest.raises(DomainError) as e:
        await resend(link.tunnus, "x@example.fi", setting.writer(), date(2021, 12, 17))
    assert (e.value.code, e.value.field) == ("NOT_A_STUDENT_LINK", "tunnus")


@pytest.mark.parametrize(
    ("field", "address"),
    [("sahkoposti", "väinö.mäkinen@example.fi"), ("sahkoposti", "aino@example"), ("ohjaaja", "matti@@example.fi")],
)
async def test_an_address_that_can_never_be_delivered_is_a_field_error_on_save(
    setting: Setting, field: str, address: str
) -> None:
    """Item 7: validated with email-validator when the HOKS is saved, not found out at send time."""
    if field == "ohjaaja":
        hoks_plan = plan(setting, jakso("j1", ohjaaja_sahkoposti=address))
        path = "tutkinnon_osat[0].hankkimistavat[0].ohjaaja_sahkoposti"
    else:
        hoks_plan = plan(setting, sahkoposti=address)
        path = "sahkoposti"
    with pytest.raises(ValidationFailed) as e:
        await hoks_service.create_hoks(hoks_plan, setting.writer(), TODAY)
    assert [(x.field, x.code) for x in e.value.errors] == [(path, "INVALID_EMAIL")]


async def test_a_resend_to_an_undeliverable_address_is_refused(setting: Setting) -> None:
    await hoks_service.create_hoks(plan(setting), setting.writer(), TODAY)
    await run_day(TODAY)
    link = await Kyselylinkki.get()
    with pytest.raises(DomainError) as e:
        await resend(link.tunnus, "väinö@example.fi", setting.writer(), date(2021, 9, 3))
    assert (e.value.code, e.value.field) == ("INVALID_EMAIL", "sahkoposti")


async def test_a_missed_instructor_send_records_why_on_the_next_daily_run(setting: Setting) -> None:
    """Item 4: saved 10.9. (due 16.9.), no runs in an outage, then 15.11.: nothing is sent, and the jakso's
    decision says vastausaika_umpeutunut instead of "heratepvm 16.9., no reason" for ever."""
    tapa = jakso("j1", alku=date(2021, 8, 2), loppu=date(2021, 9, 10), keskeytymisajanjaksot=())
    hoks = await hoks_service.create_hoks(plan(setting, tapa), setting.writer(), date(2021, 9, 10))
    herate = await Tyopaikkajaksoherate.get(hoks_id=hoks.id)
    assert (herate.heratepvm, herate.syy) == (date(2021, 9, 16), None)
    preview = await run_day(date(2021, 11, 14), dry_run=True)  # 16.9. + 59: still caught up
    assert [x.kyselytyyppi for x in preview.lahetykset].count("tyopaikkaohjaajakysely") == 1
    report = await run_day(date(2021, 11, 15))
    assert [x for x in report.lahetykset if x.kyselytyyppi == "tyopaikkaohjaajakysely"] == []
    herate = await Tyopaikkajaksoherate.get(hoks_id=hoks.id)
    assert (herate.heratepvm, herate.syy) == (date(2021, 9, 16), "vastausaika_umpeutunut")


async def test_a_student_link_closed_unsent_shows_why_on_the_plan(setting: Setting) -> None:
    hoks = await hoks_service.create_hoks(plan(setting), setting.writer(), TODAY)
    await run_day(date(2021, 10, 14))  # 15.8. + 59 = 13.10.
    herate = await Opiskelijaherate.get(hoks_id=hoks.id, vaihe="aloitus")
    assert herate.syy == "vastausaika_umpeutunut" and herate.kyselylinkki_id is not None  # type: ignore[attr-defined]


async def test_the_paattokysely_goes_by_the_fact_that_reached_polku_first(setting: Setting) -> None:
    """Item 1: vahvistus 20.5. transferred on 20.5. before the HOKS existed; createHoks on 25.5. with osaamisen
    saavuttamisen pvm 10.5. The vahvistus was stored first: heratepvm 20.5. (it decides the 60-day cap)."""
    parsed, errors = parse_opiskeluoikeus(setting.doc(versio=2, vahvistus="2022-05-20"))
    assert parsed is not None, errors
    await save_opiskeluoikeus(parsed, SYSTEM, today=date(2022, 5, 20))
    top = {"ensikertainen_hyvaksyminen": date(2021, 8, 15), "osaamisen_saavuttamisen_pvm": date(2022, 5, 10)}
    hoks = await hoks_service.create_hoks(plan(setting, **top), setting.writer(), date(2022, 5, 25))
    link = await Kyselylinkki.get(hoks_id=hoks.id, kyselytyyppi=Kyselytyyppi.TUTKINNON_SUORITTANEET)
    assert link.heratepvm == date(2022, 5, 20)


async def test_a_new_transfer_keeps_when_the_vahvistus_first_arrived(setting: Setting) -> None:
    for versio in (2, 3):
        parsed, errors = parse_opiskeluoikeus(setting.doc(versio=versio, vahvistus="2022-05-20"))
        assert parsed is not None, errors
        await save_opiskeluoikeus(parsed, SYSTEM, today=date(2022, 5, 20))
        if versio == 2:
            first = (await PaatasonSuoritus.get()).vahvistus_tallennettu
    assert first is not None and (await PaatasonSuoritus.get()).vahvistus_tallennettu == first
    hoks = await hoks_service.create_hoks(plan(setting), setting.writer(), date(2022, 5, 25))
    await hoks_service.patch_hoks(
        hoks.id, {"osaamisen_saavuttamisen_pvm": date(2022, 5, 10)}, setting.writer(), date(2022, 5, 25)
    )
    stored = await Hoks.get(id=hoks.id)
    assert stored.osaamisen_saavuttamisen_pvm_tallennettu is not None
    assert stored.osaamisen_saavuttamisen_pvm_tallennettu > first
