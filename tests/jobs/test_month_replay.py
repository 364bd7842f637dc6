"""A month replayed day by day through `polku tick`'s code path (`jobs.tick.tick`), 1.9.–1.10.2021.

Data (one provider, tutkinto 351301, workplace y-tunnus 1572860-0), and the hand-computed expectations:

- HOKS A: ensikertainen hyväksyminen 30.8., e-mail a@. Aloituskysely sent 1.9. (first run on/after 30.8.);
  answer period 1.9.–min(1.9.+29, 30.8.+59) = 30.9.; reminder 1 on 6.9.; A answers on 8.9., so no reminder 2
  on 11.9. and no expiry.
- HOKS B: ensikertainen hyväksyminen 10.9. (stored ahead of time), e-mail b@. Sent 10.9.; answer period to
  min(10.9.+29, 10.9.+59) = 9.10.; reminders 15.9. and 20.9.
- HOKS C: no training need → never a link (reason recorded).
- Jaksot, all with instructor "Matti Meikäläinen" (m@) unless said: A/j1 ended 20.8. → bundle on 1.9. (alone),
  reminder 6.9., answer period to min(1.9.+29, 1.9.+59) = 30.9., so it closes unanswered on 1.10.;
  A/j2 and B/j4 (name written "  MATTI   meikäläinen ") ended 10.9. → one bundle of two on 16.9., reminder 21.9.;
  A/j3 ended 25.9. with instructor "Liisa Ohjaaja" (l@ and 040 765 4321) → bundle on 1.10. by e-mail and SMS.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from jobs.tick import tick
from models.kyselylinkki import Kyselylinkki, NippuJasen
from models.rules.calendar import HELSINKI
from models.services import hoks as hoks_service
from models.settings import Settings
from tests.factories import koski_doc, oppija_oid
from tests.jobs.conftest import SmtpSink, TwilioStandIn
from tests.services.conftest import Setting, jakso, plan, store

Send = tuple[str, str, str, str]  # kyselytyyppi, tarkoitus, kanava, osoite
A, B, M, L = "a@example.fi", "b@example.fi", "m@example.fi", "l@example.fi"
OK = "tyopaikkaohjaajakysely"
EXPECTED: dict[date, list[Send]] = {
    date(2021, 9, 1): [("aloittaneet", "lahetys", "email", A), (OK, "lahetys", "email", M)],
    date(2021, 9, 6): [("aloittaneet", "muistutus1", "email", A), (OK, "muistutus1", "email", M)],
    date(2021, 9, 10): [("aloittaneet", "lahetys", "email", B)],
    date(2021, 9, 15): [("aloittaneet", "muistutus1", "email", B)],
    date(2021, 9, 16): [(OK, "lahetys", "email", M)],
    date(2021, 9, 20): [("aloittaneet", "muistutus2", "email", B)],
    date(2021, 9, 21): [(OK, "muistutus1", "email", M)],
    date(2021, 10, 1): [(OK, "lahetys", "email", L), (OK, "lahetys", "sms", "+358407654321")],
}


async def _another_learner(s: Setting) -> Setting:
    doc = koski_doc(koulutustoimija=s.koulutustoimija.oid, oppilaitos=s.oppilaitos.oid, oppija=oppija_oid())
    await store(doc)
    return Setting(s.koulutustoimija, s.oppilaitos, doc["henkilö"]["oid"], doc["oid"])


async def test_a_month_of_daily_ticks(
    setting: Setting, smtp: SmtpSink, twilio: TwilioStandIn, settings: Settings
) -> None:
    no_breaks = {"keskeytymisajanjaksot": (), "alku": date(2021, 6, 1), "ohjaaja_sahkoposti": M}
    day0 = date(2021, 9, 1)
    hoks_a = await hoks_service.create_hoks(
        plan(
            setting,
            jakso("j1", loppu=date(2021, 8, 20), **no_breaks),
            jakso("j2", loppu=date(2021, 9, 10), **no_breaks),
            jakso(
                "j3",
                loppu=date(2021, 9, 25),
                ohjaaja_nimi="Liisa Ohjaaja",
                ohjaaja_puhelinnumero="040 765 4321",
                **{**no_breaks, "ohjaaja_sahkoposti": L},
            ),
            ensikertainen_hyvaksyminen=date(2021, 8, 30),
            sahkoposti=A,
        ),
        setting.writer(),
        day0,
    )
    b = await _another_learner(setting)
    await hoks_service.create_hoks(
        plan(
            b,
            jakso("j4", loppu=date(2021, 9, 10), ohjaaja_nimi="  MATTI   meikäläinen ", **no_breaks),
            ensikertainen_hyvaksyminen=date(2021, 9, 10),
            sahkoposti=B,
        ),
        b.writer(),
        day0,
    )
    c = await _another_learner(setting)
    await hoks_service.create_hoks(
        plan(c, osaamisen_hankkimisen_tarve=False, sahkoposti="c@example.fi"), c.writer(), day0
    )

    seen: dict[date, list[Send]] = {}
    expired: dict[date, list[str]] = {}
    messages_before = 0
    day = day0
    while day <= date(2021, 10, 1):
        if day == date(2021, 9, 8):  # A answers the aloituskysely
            await Kyselylinkki.filter(hoks_id=hoks_a.id, kyselytyyppi="aloittaneet").update(
                vastattu_at=datetime(2021, 9, 8, 12, tzinfo=HELSINKI)
            )
        report, outcome = await tick(datetime.combine(day, datetime.min.time(), HELSINKI).replace(hour=9), settings)
        sends = sorted((x.kyselytyyppi, x.tarkoitus, x.kanava, x.osoite) for x in report.lahetykset)
        if sends:
            seen[day] = sends
            assert outcome == {"sent": len(sends)}, day
        if report.suljetut:
            expired[day] = report.suljetut
        messages_now = len(smtp.messages) + len(twilio.requests)
        assert messages_now - messages_before == len(sends), day  # every queued message really went out
        messages_before = messages_now
        day += timedelta(days=1)

    assert seen == {d: sorted(v) for d, v in EXPECTED.items()}
    first_bundle = await Kyselylinkki.get(kyselytyyppi=OK, heratepvm=date(2021, 9, 1))
    assert expired == {date(2021, 10, 1): [first_bundle.tunnus]}
    assert first_bundle.vastausaika_loppu == date(2021, 9, 30)
    second = await Kyselylinkki.get(kyselytyyppi=OK, heratepvm=date(2021, 9, 16))
    assert await NippuJasen.filter(kyselylinkki=second).count() == 2
    link_b = await Kyselylinkki.get(hoks__opiskeluoikeus__oid=b.oo_oid)
    assert (link_b.lahetyspvm, link_b.vastausaika_loppu, link_b.muistutuksia) == (
        date(2021, 9, 10),
        date(2021, 10, 9),
        2,
    )
    assert await Kyselylinkki.filter(hoks__opiskeluoikeus__oid=c.oo_oid).count() == 0
