"""Työelämäpalaute (DOMAIN.md §4.1, §4.2), written as the rule's specification with dated examples.

Which jaksot qualify; on which send day (1st or 16th) they go; late jaksot; bundling per instructor; the
instructor's answer period; kesto; and the twice-yearly työpaikkakysely.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.rules import tyoelama as t
from models.rules.calendar import days_inclusive
from models.rules.opiskeluoikeus import (
    AMMATILLINEN_TUTKINTO,
    ERONNUT,
    KATSOTAAN_ERONNEEKSI,
    LASNA,
    PERUUTETTU,
    VALIAIKAISESTI_KESKEYTYNYT,
    OpiskeluoikeusFacts,
    Suoritus,
    TilaJakso,
)
from models.rules.palaute import OPISKELUOIKEUS_MITATOITY, OPISKELUOIKEUS_TERMINAALITILASSA
from models.rules.tunnisteet import make_oid
from models.rules.tyoelama import Bundle, TyopaikkajaksoFacts, TyopaikkakyselyWindow

KOULUTUSTOIMIJA = make_oid("10", "2345678901")
TOINEN_KOULUTUSTOIMIJA = make_oid("10", "3456789012")
OPPIJA = make_oid("24", "1234567890")
YTUNNUS = "1234567-1"
TOINEN_YTUNNUS = "7654321-2"


def oo(
    *,
    koulutustoimija_oid: str = KOULUTUSTOIMIJA,
    tilat: tuple[TilaJakso, ...] = (TilaJakso(date(2021, 1, 11), LASNA),),
    suoritukset: tuple[Suoritus, ...] = (Suoritus(AMMATILLINEN_TUTKINTO, "351101"),),
    mitatoity: bool = False,
) -> OpiskeluoikeusFacts:
    return OpiskeluoikeusFacts(
        oid=make_oid("15", "1234567890"),
        oppija_oid=OPPIJA,
        koulutustoimija_oid=koulutustoimija_oid,
        oppilaitos_oid=make_oid("10", "4567890123"),
        tyyppi="ammatillinenkoulutus",
        tilat=tilat,
        suoritukset=suoritukset,
        mitatoity=mitatoity,
    )


def jakso(
    id: int = 1,
    *,
    alku: date = date(2021, 9, 1),
    loppu: date = date(2021, 12, 15),
    **overrides: Any,
) -> TyopaikkajaksoFacts:
    base = TyopaikkajaksoFacts(
        hankkimistapa_id=id,
        yksiloiva_tunniste=f"tunniste-{id}",
        hoks_id=id,
        oppija_oid=OPPIJA,
        opiskeluoikeus=oo(),
        tutkinto_koodi="351101",
        tyyppi=t.KOULUTUSSOPIMUS,
        alku=alku,
        loppu=loppu,
        tyopaikan_nimi="Autokorjaamo Oy",
        ytunnus=YTUNNUS,
        ohjaaja_nimi="Olli Ohjaaja",
        ohjaaja_sahkoposti="olli.ohjaaja@autokorjaamo.fi",
        ohjaaja_puhelinnumero=None,
    )
    return replace(base, **overrides)


def ended(id: int, loppu: date, **overrides: Any) -> TyopaikkajaksoFacts:
    return jakso(id, alku=loppu - timedelta(days=60), loppu=loppu, **overrides)


# --- Qualifying jakso ---------------------------------------------------------------------------------------


def test_a_complete_koulutussopimus_or_oppisopimus_jakso_qualifies() -> None:
    assert t.qualifies(jakso()) is None
    assert t.qualifies(jakso(tyyppi=t.OPPISOPIMUS)) is None


@pytest.mark.parametrize("tyyppi", [t.OPPILAITOSMUOTOINEN, t.MUU])
def test_only_workplace_periods_qualify(tyyppi: str) -> None:
    assert t.qualifies(jakso(tyyppi=tyyppi)) == t.EI_TYOPAIKKAJAKSO


@pytest.mark.parametrize("tyyppi", ["valma", "telma"])
def test_no_workplace_feedback_from_valma_or_telma(tyyppi: str) -> None:
    valma = oo(suoritukset=(Suoritus(tyyppi),))
    assert t.qualifies(jakso(opiskeluoikeus=valma, tutkinto_koodi=None)) == t.EI_AMMATILLINEN_TUTKINTO


def test_voided_oo() -> None:
    assert t.qualifies(jakso(opiskeluoikeus=oo(mitatoity=True))) == OPISKELUOIKEUS_MITATOITY


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"tyopaikan_nimi": None}, t.PUUTTUU_TYOPAIKAN_NIMI),
        ({"tyopaikan_nimi": "  "}, t.PUUTTUU_TYOPAIKAN_NIMI),
        ({"ytunnus": None}, t.EI_KELVOLLISTA_YTUNNUSTA),
        ({"ytunnus": "1234567-2"}, t.EI_KELVOLLISTA_YTUNNUSTA),  # wrong check digit
        ({"ohjaaja_nimi": ""}, t.PUUTTUU_OHJAAJAN_NIMI),
        ({"ohjaaja_sahkoposti": None}, t.EI_OHJAAJAN_YHTEYSTIETOJA),
        ({"ohjaaja_sahkoposti": None, "ohjaaja_puhelinnumero": "09 1234567"}, t.VIRHEELLINEN_PUHELINNUMERO),
        # letters: libphonenumber would dial +358402223210 (issue 13 item 3)
        ({"ohjaaja_sahkoposti": None, "ohjaaja_puhelinnumero": "040 abc 3210"}, t.VIRHEELLINEN_PUHELINNUMERO),
        ({"ohjaaja_sahkoposti": None, "ohjaaja_puhelinnumero": "+358 50 123 4567"}, None),  # SMS only
        ({"ytunnus": " 1234567-1 "}, None),
    ],
)
def test_required_workplace_and_instructor_data(overrides: dict[str, Any], reason: str | None) -> None:
    assert t.qualifies(jakso(**overrides)) == reason


@pytest.mark.parametrize(
    ("tauko", "interrupted"),
    [
        ((date(2021, 12, 1), date(2021, 12, 20)), True),  # covers the loppu day
        ((date(2021, 12, 10), date(2021, 12, 15)), True),  # ends on the loppu day
        ((date(2021, 12, 15), date(2021, 12, 15)), True),  # only the loppu day
        ((date(2021, 10, 1), None), True),  # still open
        ((date(2021, 10, 22), date(2021, 10, 30)), False),  # a break in the middle, work resumed
        ((date(2021, 12, 1), date(2021, 12, 14)), False),  # back at work for the last day
    ],
)
def test_an_interrupted_jakso_gets_no_survey(tauko: tuple[date, date | None], interrupted: bool) -> None:
    j = jakso(keskeytymisajanjaksot=(tauko,))
    assert t.is_interrupted(j) is interrupted
    assert t.qualifies(j) == (t.JAKSO_KESKEYTYNYT if interrupted else None)


@pytest.mark.parametrize("tila", [ERONNUT, KATSOTAAN_ERONNEEKSI, PERUUTETTU, VALIAIKAISESTI_KESKEYTYNYT])
def test_terminal_tila_on_the_day_before_loppu_blocks(tila: str) -> None:
    o = oo(tilat=(TilaJakso(date(2021, 1, 11), LASNA), TilaJakso(date(2021, 12, 14), tila)))
    assert t.qualifies(jakso(opiskeluoikeus=o)) == OPISKELUOIKEUS_TERMINAALITILASSA


@pytest.mark.parametrize("tila", [ERONNUT, KATSOTAAN_ERONNEEKSI, PERUUTETTU, VALIAIKAISESTI_KESKEYTYNYT])
def test_terminal_tila_starting_on_the_loppu_day_does_not_block(tila: str) -> None:
    o = oo(tilat=(TilaJakso(date(2021, 1, 11), LASNA), TilaJakso(date(2021, 12, 15), tila)))
    assert t.qualifies(jakso(opiskeluoikeus=o)) is None


def test_jaksot_ended_before_1_7_2021_are_never_asked_about() -> None:
    assert t.qualifies(ended(1, date(2021, 6, 30))) == t.PAATTYNYT_ENNEN_KAYTTOONOTTOA
    assert t.qualifies(ended(1, date(2021, 7, 1))) is None


def test_a_jakso_can_be_asked_about_until_its_scheduled_day_plus_59() -> None:
    j = jakso(loppu=date(2021, 12, 15))  # scheduled 2021-12-16
    assert t.qualifies(j, today=date(2022, 2, 13)) is None
    assert t.qualifies(j, today=date(2022, 2, 14)) == t.VASTAUSAIKA_UMPEUTUNUT


def test_every_reason_code_has_an_explanation() -> None:
    codes = {
        t.EI_TYOPAIKKAJAKSO,
        t.EI_AMMATILLINEN_TUTKINTO,
        OPISKELUOIKEUS_MITATOITY,
        t.PAATTYNYT_ENNEN_KAYTTOONOTTOA,
        t.PUUTTUU_TYOPAIKAN_NIMI,
        t.EI_KELVOLLISTA_YTUNNUSTA,
        t.PUUTTUU_OHJAAJAN_NIMI,
        t.EI_OHJAAJAN_YHTEYSTIETOJA,
        t.VIRHEELLINEN_PUHELINNUMERO,
        t.JAKSO_KESKEYTYNYT,
        OPISKELUOIKEUS_TERMINAALITILASSA,
        t.VASTAUSAIKA_UMPEUTUNUT,
    }
    assert codes == set(t.REASONS)
    assert all(text.strip() for text in t.REASONS.values())


# --- Send days: the 1st and the 16th ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loppu", "send_day"),
    [
        (date(2021, 7, 1), date(2021, 7, 16)),  # the first ever run
        (date(2021, 7, 15), date(2021, 7, 16)),
        (date(2021, 7, 16), date(2021, 8, 1)),
        (date(2021, 7, 31), date(2021, 8, 1)),
        (date(2021, 9, 30), date(2021, 10, 1)),  # a 30-day month
        (date(2021, 12, 31), date(2022, 1, 1)),  # over the year end
        (date(2022, 2, 15), date(2022, 2, 16)),
        (date(2022, 2, 28), date(2022, 3, 1)),  # common February
        (date(2024, 2, 16), date(2024, 3, 1)),
        (date(2024, 2, 29), date(2024, 3, 1)),  # leap day
    ],
)
def test_scheduled_send_day(loppu: date, send_day: date) -> None:
    assert t.scheduled_send_day(loppu) == send_day


def test_nothing_is_scheduled_for_jaksot_ended_before_the_first_run() -> None:
    with pytest.raises(ValueError):
        t.scheduled_send_day(date(2021, 6, 30))


@pytest.mark.parametrize(
    ("send_day", "period"),
    [
        (date(2021, 7, 16), (date(2021, 7, 1), date(2021, 7, 15))),
        (date(2021, 8, 1), (date(2021, 7, 16), date(2021, 7, 31))),
        (date(2021, 10, 1), (date(2021, 9, 16), date(2021, 9, 30))),
        (date(2022, 1, 1), (date(2021, 12, 16), date(2021, 12, 31))),
        (date(2023, 3, 1), (date(2023, 2, 16), date(2023, 2, 28))),
        (date(2024, 3, 1), (date(2024, 2, 16), date(2024, 2, 29))),
    ],
)
def test_ended_period_for_send_day(send_day: date, period: tuple[date, date]) -> None:
    assert t.ended_period_for_send_day(send_day) == period


@pytest.mark.parametrize("day", [date(2021, 7, 1), date(2021, 7, 15), date(2021, 8, 2), date(2021, 8, 15)])
def test_ended_period_only_for_send_days(day: date) -> None:
    assert not t.is_send_day(day)
    with pytest.raises(ValueError):
        t.ended_period_for_send_day(day)


def test_send_days_are_the_1st_and_16th_from_16_7_2021() -> None:
    assert [
        d for d in (date(2021, 7, 1), date(2021, 7, 16), date(2021, 8, 1), date(2021, 8, 16)) if t.is_send_day(d)
    ] == [
        date(2021, 7, 16),
        date(2021, 8, 1),
        date(2021, 8, 16),
    ]


@pytest.mark.parametrize(
    ("day", "next_day"),
    [
        (date(2021, 1, 1), date(2021, 7, 16)),  # nothing before the first run
        (date(2021, 7, 2), date(2021, 7, 16)),
        (date(2021, 8, 16), date(2021, 8, 16)),
        (date(2021, 8, 17), date(2021, 9, 1)),
        (date(2021, 12, 20), date(2022, 1, 1)),
        (date(2024, 2, 29), date(2024, 3, 1)),
    ],
)
def test_next_send_day(day: date, next_day: date) -> None:
    assert t.next_send_day(day) == next_day


# --- Late jaksot and the 60-day cap -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scheduled", "today", "effective"),
    [
        (date(2021, 9, 16), date(2021, 9, 1), date(2021, 9, 16)),  # not yet due
        (date(2021, 9, 16), date(2021, 9, 16), date(2021, 9, 16)),  # due today
        (date(2021, 9, 16), date(2021, 9, 20), date(2021, 10, 1)),  # entered late: next send day
        (date(2021, 9, 16), date(2021, 10, 1), date(2021, 10, 1)),  # late, today is a send day
        (date(2021, 8, 1), date(2021, 9, 16), date(2021, 9, 16)),  # 46 days late, within the cap
        (date(2021, 8, 1), date(2021, 9, 17), None),  # next send day 1.10. is past 1.8. + 59 = 29.9.
        (date(2021, 8, 1), date(2021, 9, 29), None),
    ],
)
def test_effective_send_day(scheduled: date, today: date, effective: date | None) -> None:
    assert t.effective_send_day(scheduled, today) == effective


def test_a_jakso_shortened_into_the_past_goes_to_the_next_send_day_keeping_its_heratepvm() -> None:
    # Planned to end 20.9. (scheduled 1.10.); on 22.9. shortened to end 10.9. (scheduled 16.9., already passed).
    shortened = ended(1, date(2021, 9, 10))
    [nippu] = t.bundle([shortened], date(2021, 10, 1), today=date(2021, 9, 22))
    assert (nippu.heratepvm, nippu.send_day) == (date(2021, 9, 16), date(2021, 10, 1))
    assert t.instructor_vastausaika(nippu.send_day, nippu.heratepvm) == (date(2021, 10, 1), date(2021, 10, 30))


def test_a_jakso_extended_before_its_end_is_rescheduled_by_its_new_loppu() -> None:
    extended = ended(1, date(2021, 9, 20))  # was to end 10.9.
    assert t.bundle([extended], date(2021, 9, 16), today=date(2021, 9, 8)) == []
    assert [b.jakso_ids for b in t.bundle([extended], date(2021, 10, 1), today=date(2021, 9, 8))] == [(1,)]


def test_a_late_jakso_is_refused_past_its_cap() -> None:
    late = ended(1, date(2021, 7, 20))  # scheduled 1.8.2021, last chance 29.9.2021
    assert t.bundle([late], date(2021, 10, 1), today=date(2021, 9, 20)) == []
    assert t.qualifies(late, today=date(2021, 9, 30)) == t.VASTAUSAIKA_UMPEUTUNUT


# --- Instructor answer period and reminder ------------------------------------------------------------------


def test_instructor_vastausaika_counts_from_the_scheduled_day() -> None:
    assert t.instructor_vastausaika(date(2021, 8, 1), date(2021, 8, 1)) == (date(2021, 8, 1), date(2021, 8, 30))
    # Sent late after an outage: still closes on 1.8. + 59.
    assert t.instructor_vastausaika(date(2021, 9, 16), date(2021, 8, 1)) == (date(2021, 9, 16), date(2021, 9, 29))


def test_instructors_get_one_reminder_after_5_days() -> None:
    assert t.instructor_reminder_days(date(2021, 8, 1)) == (date(2021, 8, 6),)
    assert t.instructor_reminder_days(date(2024, 2, 26)) == (date(2024, 3, 2),)


# --- Niputusavain -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nimi", ["Olli Ohjaaja", "  Olli   Ohjaaja ", "OLLI OHJAAJA", "olli\tohjaaja", "Olli\u00a0Ohjaaja", "olli\nOhjaaja"]
)
def test_the_ohjaaja_is_the_same_person_whatever_the_spacing_and_case(nimi: str) -> None:
    assert t.niputusavain(jakso(ohjaaja_nimi=nimi)) == (KOULUTUSTOIMIJA, "351101", YTUNNUS, "olli ohjaaja")


def test_casefolding_not_just_lowercasing() -> None:
    assert t.normalise_ohjaaja_nimi("Jürgen STRASSE") == t.normalise_ohjaaja_nimi("jürgen straße")


@pytest.mark.parametrize("nimi", ["Olli Ohjaaja-Virtanen", "Olli O.", "Ollie Ohjaaja"])
def test_a_different_name_is_a_different_ohjaaja(nimi: str) -> None:
    assert t.niputusavain(jakso(ohjaaja_nimi=nimi)) != t.niputusavain(jakso())


def test_tutkinto_falls_back_to_the_oo_suoritus() -> None:
    j = jakso(tutkinto_koodi=None, opiskeluoikeus=oo(suoritukset=(Suoritus(AMMATILLINEN_TUTKINTO, "361101"),)))
    assert t.niputusavain(j)[1] == "361101"


# --- Bundling -----------------------------------------------------------------------------------------------


def test_an_instructor_of_several_learners_answers_once_per_half_month() -> None:
    a = ended(1, date(2021, 9, 3))
    b = ended(2, date(2021, 9, 14), ohjaaja_nimi=" olli  OHJAAJA", oppija_oid=make_oid("24", "2234567890"))
    assert t.bundle([a, b], date(2021, 9, 16), today=date(2021, 9, 16)) == [
        Bundle(
            key=(KOULUTUSTOIMIJA, "351101", YTUNNUS, "olli ohjaaja"),
            heratepvm=date(2021, 9, 16),
            send_day=date(2021, 9, 16),
            jakso_ids=(1, 2),
            sahkoposti="olli.ohjaaja@autokorjaamo.fi",
            puhelinnumero=None,
        )
    ]


@pytest.mark.parametrize(
    "difference",
    [
        {"ohjaaja_nimi": "Maija Mestari"},
        {"tutkinto_koodi": "361101"},
        {"ytunnus": TOINEN_YTUNNUS},
        {"opiskeluoikeus": oo(koulutustoimija_oid=TOINEN_KOULUTUSTOIMIJA)},
    ],
)
def test_any_other_key_part_makes_a_separate_survey(difference: dict[str, Any]) -> None:
    a = ended(1, date(2021, 9, 3))
    b = ended(2, date(2021, 9, 14), **difference)
    assert [n.jakso_ids for n in t.bundle([a, b], date(2021, 9, 16), today=date(2021, 9, 16))] in (
        [(1,), (2,)],
        [(2,), (1,)],
    )


def test_a_jakso_ended_on_the_16th_belongs_to_the_next_half_month() -> None:
    a = ended(1, date(2021, 9, 15))
    b = ended(2, date(2021, 9, 16))
    assert [n.jakso_ids for n in t.bundle([a, b], date(2021, 9, 16), today=date(2021, 9, 16))] == [(1,)]
    assert [n.jakso_ids for n in t.bundle([a, b], date(2021, 10, 1), today=date(2021, 9, 16))] == [(2,)]
    # On 1.10. only the unsent jakso is passed in: `a` went out in the 16.9. bundle.
    assert [n.jakso_ids for n in t.bundle([b], date(2021, 10, 1), today=date(2021, 10, 1))] == [(2,)]


def test_non_qualifying_jaksot_drop_out_of_the_bundle() -> None:
    a = ended(1, date(2021, 9, 3))
    b = ended(2, date(2021, 9, 14), keskeytymisajanjaksot=((date(2021, 9, 1), None),))
    c = ended(3, date(2021, 9, 10), tyyppi=t.OPPILAITOSMUOTOINEN)
    assert [n.jakso_ids for n in t.bundle([a, b, c], date(2021, 9, 16), today=date(2021, 9, 16))] == [(1,)]


def test_no_qualifying_jakso_nothing_is_sent() -> None:
    assert t.bundle([], date(2021, 9, 16), today=date(2021, 9, 16)) == []


def test_a_late_jakso_gets_its_own_survey_for_its_own_half_month() -> None:
    on_time = ended(1, date(2021, 9, 20))  # scheduled 1.10.
    late = ended(2, date(2021, 9, 10))  # scheduled 16.9., entered on 20.9.
    niput = t.bundle([on_time, late], date(2021, 10, 1), today=date(2021, 9, 20))
    assert [(n.heratepvm, n.jakso_ids) for n in niput] == [(date(2021, 9, 16), (2,)), (date(2021, 10, 1), (1,))]


def test_a_missed_run_is_caught_up_with_its_own_heratepvm() -> None:
    a = ended(1, date(2021, 9, 3))
    [nippu] = t.bundle([a], date(2021, 9, 16), today=date(2021, 9, 18))
    assert (nippu.heratepvm, nippu.send_day) == (date(2021, 9, 16), date(2021, 9, 16))


def test_a_bundle_is_only_made_for_a_send_day() -> None:
    with pytest.raises(ValueError):
        t.bundle([jakso()], date(2021, 9, 17), today=date(2021, 9, 17))


def test_contacts_come_from_the_latest_ending_member_that_has_them() -> None:
    early = ended(1, date(2021, 9, 3), ohjaaja_sahkoposti="olli@vanha.fi", ohjaaja_puhelinnumero="0401111111")
    late_sms = ended(2, date(2021, 9, 14), ohjaaja_sahkoposti=None, ohjaaja_puhelinnumero="0502222222")
    late_landline = ended(3, date(2021, 9, 15), ohjaaja_sahkoposti="olli@uusi.fi", ohjaaja_puhelinnumero="091234567")
    [nippu] = t.bundle([early, late_sms, late_landline], date(2021, 9, 16), today=date(2021, 9, 16))
    assert (nippu.sahkoposti, nippu.puhelinnumero) == ("olli@uusi.fi", "0502222222")


def test_contacts_on_the_same_loppu_come_from_the_highest_id() -> None:
    a = ended(7, date(2021, 9, 14), ohjaaja_sahkoposti="a@example.fi")
    b = ended(3, date(2021, 9, 14), ohjaaja_sahkoposti="b@example.fi")
    assert t.bundle([a, b], date(2021, 9, 16), date(2021, 9, 16))[0].sahkoposti == "a@example.fi"
    assert t.bundle([b, a], date(2021, 9, 16), date(2021, 9, 16))[0].sahkoposti == "a@example.fi"


def test_a_jakso_listed_twice_is_one_member() -> None:
    a = ended(1, date(2021, 9, 3))
    assert t.bundle([a, a], date(2021, 9, 16), today=date(2021, 9, 16))[0].jakso_ids == (1,)


# --- Kesto --------------------------------------------------------------------------------------------------


def test_kesto_example_from_the_rules() -> None:
    # 2021-09-01..2021-12-15 is 106 days; the break 22.–30.10. takes 9; 97 × 0.8 = 77.6 → 78.
    j = jakso(
        alku=date(2021, 9, 1),
        loppu=date(2021, 12, 15),
        osa_aikaisuus=80,
        keskeytymisajanjaksot=((date(2021, 10, 22), date(2021, 10, 30)),),
    )
    assert t.kesto(j, [j], ()) == 78


def test_kesto_shows_the_breaks_and_shares_it_was_computed_from() -> None:
    """Issue 13: the kesto on the jakso comes with its figures (the rules' example, plus an OO keskeytys and a
    second jakso sharing 1.–15.12.: 97 − 10 days, 15 of them at ½ → 79.5 × 0.8 = 63.6 → 64)."""
    o = oo(
        tilat=(
            TilaJakso(date(2021, 1, 11), LASNA),
            TilaJakso(date(2021, 11, 1), VALIAIKAISESTI_KESKEYTYNYT),
            TilaJakso(date(2021, 11, 11), LASNA),
        )
    )
    j = jakso(
        1,
        alku=date(2021, 9, 1),
        loppu=date(2021, 12, 15),
        osa_aikaisuus=80,
        keskeytymisajanjaksot=((date(2021, 10, 22), date(2021, 10, 30)),),
        opiskeluoikeus=o,
    )
    toinen = jakso(2, alku=date(2021, 12, 1), loppu=date(2022, 1, 31), opiskeluoikeus=o)
    e = t.kesto_erittely(j, [j, toinen], t.valiaikaisesti_keskeytynyt_periods(o))
    assert e.tauot == (
        t.KestonTauko(date(2021, 10, 22), date(2021, 10, 30), t.KESKEYTYMISAJANJAKSO),
        t.KestonTauko(date(2021, 11, 1), date(2021, 11, 10), VALIAIKAISESTI_KESKEYTYNYT),
    )
    assert (e.kalenteripaivia, e.taukopaivia, e.jaetut) == (106, 19, ((1, 72), (2, 15)))
    assert (e.paivia_osuuksin, e.osa_aikaisuus, e.kesto) == (Fraction(159, 2), 80, 64)
    assert t.kesto(j, [j, toinen], t.valiaikaisesti_keskeytynyt_periods(o)) == e.kesto


def test_kesto_of_a_full_time_jakso_is_its_calendar_days() -> None:
    j = jakso(alku=date(2024, 2, 1), loppu=date(2024, 2, 29))
    assert t.kesto(j, [j], ()) == 29
    assert t.kesto(replace(j, osa_aikaisuus=100), [], ()) == 29  # the jakso itself always counts


def test_kesto_skips_the_oos_valiaikaisesti_keskeytynyt_periods() -> None:
    o = oo(
        tilat=(
            TilaJakso(date(2021, 1, 11), LASNA),
            TilaJakso(date(2021, 10, 1), VALIAIKAISESTI_KESKEYTYNYT),
            TilaJakso(date(2021, 10, 11), LASNA),
        )
    )
    j = jakso(alku=date(2021, 9, 1), loppu=date(2021, 10, 31), opiskeluoikeus=o)
    periods = t.valiaikaisesti_keskeytynyt_periods(o)
    assert periods == ((date(2021, 10, 1), date(2021, 10, 10)),)
    assert t.kesto(j, [j], periods) == 61 - 10


def test_kesto_stops_at_an_open_oo_keskeytys() -> None:
    j = jakso(alku=date(2021, 9, 1), loppu=date(2021, 9, 30))
    assert t.kesto(j, [j], ((date(2021, 9, 21), None),)) == 20


def test_overlapping_jaksot_share_their_common_days() -> None:
    a = jakso(1, alku=date(2021, 9, 1), loppu=date(2021, 9, 10))
    b = jakso(2, alku=date(2021, 9, 1), loppu=date(2021, 9, 10))
    assert (t.kesto(a, [a, b], ()), t.kesto(b, [a, b], ())) == (5, 5)


def test_shared_days_round_half_up_not_to_even() -> None:
    # A: 1.–3.9., B: 3.–5.9.; each has 2 own days and half of 3.9. = 2.5 → 3 (float round() would give 2).
    a = jakso(1, alku=date(2021, 9, 1), loppu=date(2021, 9, 3))
    b = jakso(2, alku=date(2021, 9, 3), loppu=date(2021, 9, 5))
    assert (t.kesto(a, [a, b], ()), t.kesto(b, [a, b], ())) == (3, 3)


def test_part_time_rounds_half_up() -> None:
    j = jakso(alku=date(2021, 9, 1), loppu=date(2021, 9, 5), osa_aikaisuus=50)  # 5 × 0.5 = 2.5
    assert t.kesto(j, [j], ()) == 3


def test_a_jakso_on_its_own_break_does_not_share_the_day() -> None:
    a = jakso(1, alku=date(2021, 9, 1), loppu=date(2021, 9, 10))
    b = jakso(2, alku=date(2021, 9, 1), loppu=date(2021, 9, 10), keskeytymisajanjaksot=((date(2021, 9, 1), None),))
    assert t.kesto(a, [a, b], ()) == 10
    assert t.kesto(b, [a, b], ()) == 0


def test_school_based_study_does_not_share_workplace_days() -> None:
    a = jakso(1, alku=date(2021, 9, 1), loppu=date(2021, 9, 10))
    koulussa = jakso(2, alku=date(2021, 9, 1), loppu=date(2021, 9, 10), tyyppi=t.OPPILAITOSMUOTOINEN)
    assert t.kesto(a, [a, koulussa], ()) == 10


# --- Työpaikkakysely ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "window"),
    [
        (date(2021, 7, 15), None),  # the first window is January 2022
        (date(2021, 12, 31), None),
        (
            date(2022, 1, 1),
            TyopaikkakyselyWindow(date(2022, 1, 1), date(2022, 2, 28), date(2021, 7, 1), date(2021, 12, 31)),
        ),
        (
            date(2024, 2, 29),
            TyopaikkakyselyWindow(date(2024, 1, 1), date(2024, 2, 29), date(2023, 7, 1), date(2023, 12, 31)),
        ),
        (date(2022, 3, 1), None),
        (date(2022, 6, 30), None),
        (
            date(2022, 7, 1),
            TyopaikkakyselyWindow(date(2022, 7, 1), date(2022, 8, 31), date(2022, 1, 1), date(2022, 6, 30)),
        ),
        (
            date(2022, 8, 31),
            TyopaikkakyselyWindow(date(2022, 7, 1), date(2022, 8, 31), date(2022, 1, 1), date(2022, 6, 30)),
        ),
        (date(2022, 9, 1), None),
    ],
)
def test_tyopaikkakysely_window(today: date, window: TyopaikkakyselyWindow | None) -> None:
    assert t.tyopaikkakysely_window(today) == window


def test_one_tyopaikkakysely_per_provider_and_workplace() -> None:
    window = t.tyopaikkakysely_window(date(2022, 1, 10))
    assert window is not None
    jaksot = [
        ended(1, date(2021, 7, 1)),
        ended(2, date(2021, 12, 31), ohjaaja_nimi="Maija Mestari", tutkinto_koodi="361101"),
        ended(3, date(2021, 9, 1), ohjaaja_sahkoposti=None),  # contacts do not matter: the provider sends
        ended(4, date(2021, 9, 1), ytunnus=TOINEN_YTUNNUS),
        ended(5, date(2021, 9, 1), opiskeluoikeus=oo(koulutustoimija_oid=TOINEN_KOULUTUSTOIMIJA)),
        ended(6, date(2021, 6, 30)),  # previous half-year
        ended(7, date(2022, 1, 1)),  # next half-year
        ended(8, date(2021, 9, 1), keskeytymisajanjaksot=((date(2021, 8, 20), date(2021, 9, 5)),)),  # interrupted
        ended(9, date(2021, 9, 1), opiskeluoikeus=oo(mitatoity=True)),
        ended(10, date(2021, 9, 1), tyyppi=t.OPPILAITOSMUOTOINEN),
    ]
    assert t.tyopaikkakysely_groups(jaksot, window) == {
        (KOULUTUSTOIMIJA, YTUNNUS): [1, 2, 3],
        (KOULUTUSTOIMIJA, TOINEN_YTUNNUS): [4],
        (TOINEN_KOULUTUSTOIMIJA, YTUNNUS): [5],
    }


def test_no_jaksot_no_tyopaikkakysely() -> None:
    window = t.tyopaikkakysely_window(date(2022, 7, 1))
    assert window is not None
    assert t.tyopaikkakysely_groups([ended(1, date(2021, 12, 31))], window) == {}


# --- Properties ---------------------------------------------------------------------------------------------

lopput = st.dates(min_value=date(2021, 7, 1), max_value=date(2035, 12, 31))


@given(lopput)
def test_every_loppu_maps_to_a_send_day_1_to_16_days_later_that_covers_it(loppu: date) -> None:
    send_day = t.scheduled_send_day(loppu)
    assert t.is_send_day(send_day)
    assert 1 <= (send_day - loppu).days <= 16
    first, last = t.ended_period_for_send_day(send_day)
    assert first <= loppu <= last
    assert t.scheduled_send_day(first) == t.scheduled_send_day(last) == send_day


@given(lopput)
def test_ended_periods_follow_each_other_without_gaps(loppu: date) -> None:
    send_day = t.scheduled_send_day(loppu)
    _, last = t.ended_period_for_send_day(send_day)
    following = t.scheduled_send_day(last + timedelta(days=1))
    assert t.ended_period_for_send_day(following)[0] == last + timedelta(days=1)


@given(scheduled=lopput.map(t.scheduled_send_day), offset=st.integers(min_value=-40, max_value=90))
def test_effective_send_day_is_a_send_day_within_the_cap(scheduled: date, offset: int) -> None:
    today = scheduled + timedelta(days=offset)
    effective = t.effective_send_day(scheduled, today)
    if effective is None:
        assert offset > 0
    else:
        assert t.is_send_day(effective)
        assert max(scheduled, today) <= effective <= scheduled + timedelta(days=59)


periods = st.tuples(
    st.dates(min_value=date(2021, 8, 1), max_value=date(2021, 10, 31)), st.integers(min_value=0, max_value=30)
).map(lambda p: (p[0], p[0] + timedelta(days=p[1])))


@st.composite
def learners_jaksot(draw: st.DrawFn) -> list[TyopaikkajaksoFacts]:
    result = []
    for i in range(draw(st.integers(min_value=1, max_value=4))):
        alku, loppu = draw(periods)
        result.append(
            jakso(
                i + 1,
                alku=alku,
                loppu=loppu,
                osa_aikaisuus=draw(st.one_of(st.none(), st.integers(min_value=1, max_value=100))),
                keskeytymisajanjaksot=tuple(draw(st.lists(periods, max_size=1))),
            )
        )
    return result


@given(learners_jaksot(), st.lists(periods, max_size=2))
def test_kesto_is_never_more_than_the_calendar_days(
    jaksot: list[TyopaikkajaksoFacts], oo_periods: list[tuple[date, date]]
) -> None:
    for j in jaksot:
        kesto = t.kesto(j, jaksot, oo_periods)
        assert 0 <= kesto <= days_inclusive(j.alku, j.loppu)
        assert kesto <= t.kesto(j, [j], oo_periods)  # sharing days never adds to them


@given(periods)
def test_kesto_of_a_lone_full_time_jakso_without_breaks_is_its_calendar_days(period: tuple[date, date]) -> None:
    j = jakso(alku=period[0], loppu=period[1])
    assert t.kesto(j, [j], ()) == days_inclusive(*period)


@given(learners_jaksot())
def test_full_time_jaksot_share_days_without_losing_any(jaksot: list[TyopaikkajaksoFacts]) -> None:
    # With no breaks and 100 %, the unrounded shares add up to the days on which any jakso is active.
    full = [replace(j, osa_aikaisuus=None, keskeytymisajanjaksot=()) for j in jaksot]
    covered = {j.alku + timedelta(days=n) for j in full for n in range(days_inclusive(j.alku, j.loppu))}
    total = sum(t.kesto(j, full, ()) for j in full)
    assert abs(total - len(covered)) <= len(full) / 2
