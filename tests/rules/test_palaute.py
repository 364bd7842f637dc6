"""Opiskelijapalaute (DOMAIN.md §3), written as the rule's specification with dated examples.

Read top to bottom: which surveys are made and when not, then when a link is sent, how long it is open,
and when reminders go.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.rules import palaute as p
from models.rules.calendar import HELSINKI, rahoituskausi
from models.rules.opiskeluoikeus import (
    AMMATILLINEN_TUTKINTO,
    AMMATILLINEN_TUTKINTO_OSITTAINEN,
    ERONNUT,
    KATSOTAAN_ERONNEEKSI,
    LASNA,
    LOMA,
    PERUUTETTU,
    VALIAIKAISESTI_KESKEYTYNYT,
    VALMISTUNUT,
    OpiskeluoikeusFacts,
    Suoritus,
    TilaJakso,
)
from models.rules.palaute import Decision, HoksFacts, PriorHerate
from models.rules.tunnisteet import make_oid

KOULUTUSTOIMIJA = make_oid("10", "2345678901")
TOINEN_KOULUTUSTOIMIJA = make_oid("10", "3456789012")
OPPIJA = make_oid("24", "1234567890")
TOINEN_OPPIJA = make_oid("24", "2234567890")
OO_OID = make_oid("15", "1234567890")

TUTKINTO = Suoritus(AMMATILLINEN_TUTKINTO, "351101", "Ajoneuvoalan perustutkinto")
OSITTAINEN = Suoritus(AMMATILLINEN_TUTKINTO_OSITTAINEN, "351101", "Ajoneuvoalan perustutkinto")


def oo(
    *,
    suoritukset: tuple[Suoritus, ...] = (TUTKINTO,),
    tilat: tuple[TilaJakso, ...] = (TilaJakso(date(2021, 1, 11), LASNA),),
    mitatoity: bool = False,
) -> OpiskeluoikeusFacts:
    return OpiskeluoikeusFacts(
        oid=OO_OID,
        oppija_oid=OPPIJA,
        koulutustoimija_oid=KOULUTUSTOIMIJA,
        oppilaitos_oid=make_oid("10", "4567890123"),
        tyyppi="ammatillinenkoulutus",
        alku=date(2021, 1, 11),
        tilat=tilat,
        suoritukset=suoritukset,
        mitatoity=mitatoity,
    )


def hoks(
    *,
    ensikertainen_hyvaksyminen: date | None = None,
    osaamisen_hankkimisen_tarve: bool | None = True,
    osaamisen_saavuttamisen_pvm: date | None = None,
    sahkoposti: str | None = "oona.opiskelija@example.fi",
    puhelinnumero: str | None = None,
) -> HoksFacts:
    return HoksFacts(
        id=1,
        oppija_oid=OPPIJA,
        opiskeluoikeus_oid=OO_OID,
        ensikertainen_hyvaksyminen=ensikertainen_hyvaksyminen,
        osaamisen_hankkimisen_tarve=osaamisen_hankkimisen_tarve,
        osaamisen_saavuttamisen_pvm=osaamisen_saavuttamisen_pvm,
        sahkoposti=sahkoposti,
        puhelinnumero=puhelinnumero,
    )


def prior(
    kyselytyyppi: str,
    heratepvm: date,
    *,
    hoks_id: int = 99,
    koulutustoimija_oid: str = KOULUTUSTOIMIJA,
    oppija_oid: str | None = None,
) -> PriorHerate:
    return PriorHerate(kyselytyyppi, koulutustoimija_oid, rahoituskausi(heratepvm), hoks_id, heratepvm, oppija_oid)


def decide(
    h: HoksFacts, o: OpiskeluoikeusFacts | None = None, priors: tuple[PriorHerate, ...] = (), *, today: date
) -> list[Decision]:
    return p.decide_opiskelijapalaute(h, o or oo(), priors, today)


def reasons(decisions: list[Decision]) -> dict[str, str | None]:
    return {d.kyselytyyppi: d.reason for d in decisions}


# --- Aloituskysely ------------------------------------------------------------------------------------------


def test_aloituskysely_is_made_when_the_hoks_is_first_approved() -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2021, 8, 2))
    assert decide(h, today=date(2021, 8, 2)) == [Decision(p.ALOITTANEET, date(2021, 8, 2), "2021-2022", None)]


def test_no_hyvaksyminen_no_aloituskysely() -> None:
    assert decide(hoks(), today=date(2021, 8, 2)) == []


def test_aloituskysely_is_made_once_per_hoks() -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2021, 8, 2))
    made = prior(p.ALOITTANEET, date(2021, 8, 2), hoks_id=h.id)
    assert decide(h, priors=(made,), today=date(2021, 9, 1)) == []


def test_decision_says_whether_to_make_the_link() -> None:
    assert Decision(p.ALOITTANEET, date(2021, 8, 2), "2021-2022").make_link
    assert not Decision(p.ALOITTANEET, date(2021, 8, 2), "2021-2022", p.EI_SAHKOPOSTIA).make_link


@pytest.mark.parametrize("sahkoposti", [None, "", "   "])
def test_aloituskysely_needs_an_email_address(sahkoposti: str | None) -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2021, 8, 2), sahkoposti=sahkoposti, puhelinnumero="0401234567")
    assert reasons(decide(h, today=date(2021, 8, 2))) == {p.ALOITTANEET: p.EI_SAHKOPOSTIA}


def test_no_feedback_without_training_need() -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2021, 8, 2), osaamisen_hankkimisen_tarve=False)
    assert reasons(decide(h, today=date(2021, 8, 2))) == {p.ALOITTANEET: p.EI_OSAAMISEN_HANKKIMISEN_TARVETTA}


def test_unrecorded_training_need_waits_for_a_later_save() -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2021, 8, 2), osaamisen_hankkimisen_tarve=None)
    assert reasons(decide(h, today=date(2021, 8, 2))) == {p.ALOITTANEET: p.OSAAMISEN_HANKKIMISEN_TARVE_PUUTTUU}
    # The exclusion is not a heräte: the save that records tarve = true makes the link with the first date.
    later = replace(h, osaamisen_hankkimisen_tarve=True)
    assert decide(later, today=date(2021, 8, 9)) == [Decision(p.ALOITTANEET, date(2021, 8, 2), "2021-2022")]


@pytest.mark.parametrize("tyyppi", ["valma", "telma", "tuva", "perusopetuksenoppimaara"])
def test_no_feedback_from_valma_telma_or_other_non_tutkinto_studies(tyyppi: str) -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2021, 8, 2), osaamisen_saavuttamisen_pvm=date(2022, 5, 20))
    o = oo(suoritukset=(Suoritus(tyyppi, vahvistus=date(2022, 5, 31)),))
    assert reasons(decide(h, o, today=date(2022, 5, 20))) == {
        p.ALOITTANEET: p.EI_AMMATILLINEN_TUTKINTO,
        p.TUTKINNON_SUORITTANEET: p.EI_AMMATILLINEN_TUTKINTO,
    }


def test_a_valma_vahvistus_is_no_paattokysely_trigger() -> None:
    o = oo(suoritukset=(Suoritus("valma", vahvistus=date(2022, 5, 31)),))
    assert decide(hoks(), o, today=date(2022, 5, 31)) == []


def test_voided_oo_gets_no_feedback_whatever_else_holds() -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2021, 8, 2), sahkoposti=None, osaamisen_hankkimisen_tarve=False)
    assert reasons(decide(h, oo(mitatoity=True), today=date(2021, 8, 2))) == {p.ALOITTANEET: p.OPISKELUOIKEUS_MITATOITY}


# --- Tila on the day before the trigger ---------------------------------------------------------------------


@pytest.mark.parametrize("tila", [ERONNUT, KATSOTAAN_ERONNEEKSI, PERUUTETTU, VALIAIKAISESTI_KESKEYTYNYT])
def test_terminal_tila_on_the_day_before_the_trigger_blocks(tila: str) -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2021, 9, 1))
    o = oo(tilat=(TilaJakso(date(2021, 8, 2), LASNA), TilaJakso(date(2021, 8, 31), tila)))
    assert reasons(decide(h, o, today=date(2021, 9, 1))) == {p.ALOITTANEET: p.OPISKELUOIKEUS_TERMINAALITILASSA}


@pytest.mark.parametrize("tila", [ERONNUT, KATSOTAAN_ERONNEEKSI, PERUUTETTU, VALIAIKAISESTI_KESKEYTYNYT])
def test_terminal_tila_starting_on_the_trigger_day_does_not_block(tila: str) -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2021, 9, 1))
    o = oo(tilat=(TilaJakso(date(2021, 8, 2), LASNA), TilaJakso(date(2021, 9, 1), tila)))
    assert reasons(decide(h, o, today=date(2021, 9, 1))) == {p.ALOITTANEET: None}


@pytest.mark.parametrize("tila", [LASNA, LOMA, VALMISTUNUT])
def test_non_terminal_tila_on_the_day_before_does_not_block(tila: str) -> None:
    h = hoks(osaamisen_saavuttamisen_pvm=date(2022, 5, 20))
    o = oo(tilat=(TilaJakso(date(2021, 8, 2), LASNA), TilaJakso(date(2022, 5, 1), tila)))
    assert reasons(decide(h, o, today=date(2022, 5, 20))) == {p.TUTKINNON_SUORITTANEET: None}


def test_only_the_tila_on_the_day_before_matters_not_an_earlier_break() -> None:
    h = hoks(osaamisen_saavuttamisen_pvm=date(2022, 5, 20))
    o = oo(
        tilat=(
            TilaJakso(date(2021, 8, 2), LASNA),
            TilaJakso(date(2022, 1, 10), VALIAIKAISESTI_KESKEYTYNYT),
            TilaJakso(date(2022, 3, 1), LASNA),
        )
    )
    assert reasons(decide(h, o, today=date(2022, 5, 20))) == {p.TUTKINNON_SUORITTANEET: None}


def test_paattokysely_with_valmistunut_on_the_vahvistus_day() -> None:
    o = oo(
        suoritukset=(replace(TUTKINTO, vahvistus=date(2022, 5, 31)),),
        tilat=(TilaJakso(date(2021, 8, 2), LASNA), TilaJakso(date(2022, 5, 31), VALMISTUNUT)),
    )
    assert decide(hoks(), o, today=date(2022, 5, 31)) == [
        Decision(p.TUTKINNON_SUORITTANEET, date(2022, 5, 31), "2021-2022")
    ]


# --- Päättökysely trigger -----------------------------------------------------------------------------------


def test_osaamisen_saavuttamisen_pvm_triggers_tutkinnon_suorittaneet() -> None:
    h = hoks(osaamisen_saavuttamisen_pvm=date(2022, 5, 20))
    assert decide(h, today=date(2022, 5, 20)) == [Decision(p.TUTKINNON_SUORITTANEET, date(2022, 5, 20), "2021-2022")]


def test_osittainen_suoritus_gives_tutkinnon_osia_suorittaneet() -> None:
    h = hoks(osaamisen_saavuttamisen_pvm=date(2022, 5, 20))
    assert decide(h, oo(suoritukset=(OSITTAINEN,)), today=date(2022, 5, 20)) == [
        Decision(p.TUTKINNON_OSIA_SUORITTANEET, date(2022, 5, 20), "2021-2022")
    ]


def test_koski_vahvistus_triggers_when_the_hoks_has_no_date() -> None:
    o = oo(suoritukset=(replace(OSITTAINEN, vahvistus=date(2022, 6, 3)),))
    assert decide(hoks(), o, today=date(2022, 6, 4)) == [
        Decision(p.TUTKINNON_OSIA_SUORITTANEET, date(2022, 6, 3), "2021-2022")
    ]


def test_no_trigger_no_paattokysely() -> None:
    assert decide(hoks(), oo(suoritukset=(TUTKINTO, OSITTAINEN)), today=date(2022, 6, 4)) == []


def test_when_both_triggers_appear_in_the_same_save_the_hoks_date_wins() -> None:
    h = hoks(osaamisen_saavuttamisen_pvm=date(2022, 5, 20))
    o = oo(suoritukset=(replace(TUTKINTO, vahvistus=date(2022, 5, 10)),))
    assert decide(h, o, today=date(2022, 5, 20)) == [Decision(p.TUTKINNON_SUORITTANEET, date(2022, 5, 20), "2021-2022")]


def test_the_vahvistus_stored_first_decides_even_before_the_hoks_existed() -> None:
    """Issue 13 item 1: Koski's vahvistus 20.5. arrived on 20.5. (no HOKS yet); the HOKS saved on 25.5. says the
    competence was reached on 10.5. The vahvistus arrived first, so heratepvm is 20.5., not 10.5."""
    h = replace(
        hoks(osaamisen_saavuttamisen_pvm=date(2022, 5, 10)),
        osaamisen_saavuttamisen_pvm_tallennettu=datetime(2022, 5, 25, 9, 0, tzinfo=HELSINKI),
    )
    vahvistettu = replace(
        TUTKINTO, vahvistus=date(2022, 5, 20), vahvistus_tallennettu=datetime(2022, 5, 20, 14, 0, tzinfo=HELSINKI)
    )
    assert decide(h, oo(suoritukset=(vahvistettu,)), today=date(2022, 5, 25)) == [
        Decision(p.TUTKINNON_SUORITTANEET, date(2022, 5, 20), "2021-2022")
    ]


def test_the_hoks_date_stored_first_decides_over_an_earlier_dated_later_stored_vahvistus() -> None:
    h = replace(
        hoks(osaamisen_saavuttamisen_pvm=date(2022, 6, 30)),
        osaamisen_saavuttamisen_pvm_tallennettu=datetime(2022, 6, 30, 9, 0, tzinfo=HELSINKI),
    )
    osittainen = replace(
        OSITTAINEN, vahvistus=date(2022, 6, 28), vahvistus_tallennettu=datetime(2022, 7, 2, 8, 0, tzinfo=HELSINKI)
    )
    # the osittainen suoritus gives the kind; the date is the HOKS's, in rahoituskausi 2021-2022
    assert decide(h, oo(suoritukset=(osittainen,)), today=date(2022, 7, 2)) == [
        Decision(p.TUTKINNON_OSIA_SUORITTANEET, date(2022, 6, 30), "2021-2022")
    ]


def test_a_fact_stored_before_arrival_times_were_kept_counts_as_the_earlier() -> None:
    h = replace(
        hoks(osaamisen_saavuttamisen_pvm=date(2022, 5, 10)),
        osaamisen_saavuttamisen_pvm_tallennettu=datetime(2022, 5, 25, 9, 0, tzinfo=HELSINKI),
    )
    untimed = replace(TUTKINTO, vahvistus=date(2022, 5, 20))
    assert decide(h, oo(suoritukset=(untimed,)), today=date(2022, 5, 25))[0].heratepvm == date(2022, 5, 20)


def test_the_trigger_stored_first_wins_a_later_one_makes_nothing() -> None:
    # The vahvistus arrived first and its link was made; the HOKS date saved later changes nothing.
    h = hoks(osaamisen_saavuttamisen_pvm=date(2022, 5, 20))
    o = oo(suoritukset=(replace(TUTKINTO, vahvistus=date(2022, 5, 10)),))
    made = prior(p.TUTKINNON_SUORITTANEET, date(2022, 5, 10), hoks_id=h.id)
    assert decide(h, o, (made,), today=date(2022, 5, 20)) == []


def test_one_paattokysely_per_hoks_whichever_kind() -> None:
    # Units were reported first; the whole qualification confirmed later (another rahoituskausi) adds nothing.
    o = oo(suoritukset=(OSITTAINEN, replace(TUTKINTO, vahvistus=date(2022, 9, 15))))
    made = prior(p.TUTKINNON_OSIA_SUORITTANEET, date(2022, 5, 20), hoks_id=1)
    assert decide(hoks(), o, (made,), today=date(2022, 9, 15)) == []


def test_the_earliest_vahvistus_decides_the_kind() -> None:
    o = oo(
        suoritukset=(
            replace(TUTKINTO, vahvistus=date(2022, 9, 15)),
            replace(OSITTAINEN, vahvistus=date(2022, 6, 3)),
        )
    )
    [decision] = decide(hoks(), o, today=date(2022, 6, 3))
    assert (decision.kyselytyyppi, decision.heratepvm) == (p.TUTKINNON_OSIA_SUORITTANEET, date(2022, 6, 3))


def test_aloitus_and_paatto_in_one_save() -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2022, 5, 2), osaamisen_saavuttamisen_pvm=date(2022, 5, 20))
    assert decide(h, today=date(2022, 5, 20)) == [
        Decision(p.ALOITTANEET, date(2022, 5, 2), "2021-2022"),
        Decision(p.TUTKINNON_SUORITTANEET, date(2022, 5, 20), "2021-2022"),
    ]


def test_paattokysely_with_only_a_mobile_number_goes_by_sms() -> None:
    h = hoks(osaamisen_saavuttamisen_pvm=date(2022, 5, 20), sahkoposti=None, puhelinnumero="040 123 4567")
    assert reasons(decide(h, today=date(2022, 5, 20))) == {p.TUTKINNON_SUORITTANEET: None}


@pytest.mark.parametrize(
    ("puhelinnumero", "reason"),
    [
        (None, p.EI_YHTEYSTIETOJA),
        ("", p.EI_YHTEYSTIETOJA),
        ("09 1234567", p.VIRHEELLINEN_PUHELINNUMERO),
        ("+46 70 123 45 67", p.VIRHEELLINEN_PUHELINNUMERO),
        ("ei numeroa", p.VIRHEELLINEN_PUHELINNUMERO),
        ("040 abc 3210", p.VIRHEELLINEN_PUHELINNUMERO),
    ],
)
def test_paattokysely_without_email_or_finnish_mobile_cannot_be_delivered(
    puhelinnumero: str | None, reason: str
) -> None:
    h = hoks(osaamisen_saavuttamisen_pvm=date(2022, 5, 20), sahkoposti=None, puhelinnumero=puhelinnumero)
    assert reasons(decide(h, today=date(2022, 5, 20))) == {p.TUTKINNON_SUORITTANEET: reason}


@pytest.mark.parametrize("number", ["040 abc 3210", "0400ABC321", "+358 40 FLOWERS", "050 123 4567 x"])
def test_a_number_written_with_letters_is_no_mobile_number(number: str) -> None:
    """Issue 13 item 3: libphonenumber reads keypad letters ("abc" → 222); DOMAIN.md §4.3 refuses them."""
    assert not p.is_finnish_mobile(number)
    assert p.is_finnish_mobile("040 222 3210")


# --- Once per year: oppija × koulutustoimija × rahoituskausi ------------------------------------------------


def test_aloituskysely_already_made_this_rahoituskausi_at_the_same_provider() -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2022, 3, 1))
    earlier = prior(p.ALOITTANEET, date(2021, 8, 2))
    assert reasons(decide(h, priors=(earlier,), today=date(2022, 3, 1))) == {
        p.ALOITTANEET: p.JO_KYSYTTY_RAHOITUSKAUDELLA
    }


def test_another_provider_may_ask_in_the_same_rahoituskausi() -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2022, 3, 1))
    earlier = prior(p.ALOITTANEET, date(2021, 8, 2), koulutustoimija_oid=TOINEN_KOULUTUSTOIMIJA)
    assert reasons(decide(h, priors=(earlier,), today=date(2022, 3, 1))) == {p.ALOITTANEET: None}


def test_another_oppijas_heratteet_do_not_count() -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2022, 3, 1))
    earlier = prior(p.ALOITTANEET, date(2021, 8, 2), oppija_oid=TOINEN_OPPIJA)
    assert reasons(decide(h, priors=(earlier,), today=date(2022, 3, 1))) == {p.ALOITTANEET: None}


def test_rahoituskausi_turns_between_30_6_and_1_7() -> None:
    earlier = prior(p.ALOITTANEET, date(2021, 6, 30))
    h = hoks(ensikertainen_hyvaksyminen=date(2021, 7, 1))
    assert decide(h, priors=(earlier,), today=date(2021, 7, 1)) == [
        Decision(p.ALOITTANEET, date(2021, 7, 1), "2021-2022")
    ]


def test_the_whole_rahoituskausi_from_1_7_to_30_6_is_one_slot() -> None:
    earlier = prior(p.ALOITTANEET, date(2021, 7, 1))
    h = hoks(ensikertainen_hyvaksyminen=date(2022, 6, 30))
    [decision] = decide(h, priors=(earlier,), today=date(2022, 6, 30))
    assert (decision.rahoituskausi, decision.reason) == ("2021-2022", p.JO_KYSYTTY_RAHOITUSKAUDELLA)


def test_the_two_paattokyselyt_share_one_slot() -> None:
    earlier = prior(p.TUTKINNON_OSIA_SUORITTANEET, date(2021, 12, 10))
    h = hoks(osaamisen_saavuttamisen_pvm=date(2022, 5, 20))
    assert reasons(decide(h, priors=(earlier,), today=date(2022, 5, 20))) == {
        p.TUTKINNON_SUORITTANEET: p.JO_KYSYTTY_RAHOITUSKAUDELLA
    }


def test_aloitus_and_paatto_have_separate_slots() -> None:
    earlier = prior(p.ALOITTANEET, date(2021, 8, 2))
    h = hoks(osaamisen_saavuttamisen_pvm=date(2022, 5, 20))
    assert reasons(decide(h, priors=(earlier,), today=date(2022, 5, 20))) == {p.TUTKINNON_SUORITTANEET: None}


def test_rahoituskausi_of_a_leap_day_trigger() -> None:
    h = hoks(osaamisen_saavuttamisen_pvm=date(2024, 2, 29))
    assert decide(h, today=date(2024, 2, 29)) == [Decision(p.TUTKINNON_SUORITTANEET, date(2024, 2, 29), "2023-2024")]


# --- The 60-day cap and the 14-day wait ---------------------------------------------------------------------


def test_link_may_still_be_made_on_heratepvm_plus_59() -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2021, 8, 1))
    assert reasons(decide(h, today=date(2021, 9, 29))) == {p.ALOITTANEET: None}


def test_no_link_from_heratepvm_plus_60() -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2021, 8, 1))
    assert reasons(decide(h, today=date(2021, 9, 30))) == {p.ALOITTANEET: p.VASTAUSAIKA_UMPEUTUNUT}


def test_60_day_cap_across_a_leap_february() -> None:
    h = hoks(osaamisen_saavuttamisen_pvm=date(2024, 2, 29))
    assert reasons(decide(h, today=date(2024, 4, 28))) == {p.TUTKINNON_SUORITTANEET: None}
    assert reasons(decide(h, today=date(2024, 4, 29))) == {p.TUTKINNON_SUORITTANEET: p.VASTAUSAIKA_UMPEUTUNUT}


def test_trigger_up_to_14_days_ahead_is_made_and_waits() -> None:
    h = hoks(osaamisen_saavuttamisen_pvm=date(2022, 6, 14))
    assert reasons(decide(h, today=date(2022, 5, 31))) == {p.TUTKINNON_SUORITTANEET: None}


def test_trigger_15_days_ahead_is_refused_as_a_data_error() -> None:
    h = hoks(osaamisen_saavuttamisen_pvm=date(2022, 6, 15))
    assert reasons(decide(h, today=date(2022, 5, 31))) == {p.TUTKINNON_SUORITTANEET: p.HERATEPVM_LIIAN_KAUKANA}


# --- Sending ------------------------------------------------------------------------------------------------


def test_sent_on_the_trigger_day() -> None:
    assert p.send_day(date(2021, 8, 2), today=date(2021, 8, 2)) == date(2021, 8, 2)


def test_a_future_trigger_waits_for_its_day() -> None:
    assert p.send_day(date(2021, 8, 16), today=date(2021, 8, 2)) == date(2021, 8, 16)


def test_a_trigger_more_than_14_days_ahead_is_not_queued() -> None:
    assert p.send_day(date(2021, 8, 17), today=date(2021, 8, 2)) is None


def test_a_late_run_sends_today() -> None:
    assert p.send_day(date(2021, 8, 2), today=date(2021, 8, 12)) == date(2021, 8, 12)


def test_last_possible_send_day_is_heratepvm_plus_59() -> None:
    assert p.send_day(date(2021, 8, 2), today=date(2021, 9, 30)) == date(2021, 9, 30)
    assert p.send_day(date(2021, 8, 2), today=date(2021, 10, 1)) is None


# --- Answer period ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "heratepvm", "loppu"),
    [
        (date(2021, 8, 2), date(2021, 8, 2), date(2021, 8, 31)),  # 30 days from sending
        (date(2021, 9, 11), date(2021, 8, 2), date(2021, 9, 30)),  # late: capped at heratepvm + 59
        (date(2021, 9, 30), date(2021, 8, 2), date(2021, 9, 30)),  # sent on the last possible day: one day
        (date(2021, 1, 31), date(2021, 1, 31), date(2021, 3, 1)),  # over a common February
        (date(2024, 1, 31), date(2024, 1, 31), date(2024, 2, 29)),  # ends on a leap day
        (date(2024, 2, 29), date(2024, 2, 29), date(2024, 3, 29)),  # starts on a leap day
        (date(2021, 12, 20), date(2021, 12, 20), date(2022, 1, 18)),  # over the year end
    ],
)
def test_vastausaika(sent: date, heratepvm: date, loppu: date) -> None:
    assert p.vastausaika(sent, heratepvm) == (sent, loppu)


def test_vastausaika_refuses_a_send_before_the_trigger_or_after_the_cap() -> None:
    with pytest.raises(ValueError):
        p.vastausaika(date(2021, 8, 1), date(2021, 8, 2))
    with pytest.raises(ValueError):
        p.vastausaika(date(2021, 10, 1), date(2021, 8, 2))


def test_link_is_open_through_its_last_day() -> None:
    assert not p.is_expired(date(2021, 8, 31), today=date(2021, 8, 31))
    assert p.is_expired(date(2021, 8, 31), today=date(2021, 9, 1))


# --- Reminders ----------------------------------------------------------------------------------------------


def test_students_are_reminded_5_and_10_days_after_the_original_send() -> None:
    assert p.reminder_days(date(2021, 8, 2), p.ALOITTANEET) == (date(2021, 8, 7), date(2021, 8, 12))
    assert p.reminder_days(date(2022, 2, 26), p.TUTKINNON_SUORITTANEET) == (
        date(2022, 3, 3),
        date(2022, 3, 8),
    )


def test_instructors_are_reminded_once_after_5_days() -> None:
    assert p.reminder_days(date(2021, 8, 1), p.TYOPAIKKAOHJAAJAKYSELY) == (date(2021, 8, 6),)


SENT = date(2021, 8, 2)
LOPPU = date(2021, 8, 31)


@pytest.mark.parametrize(
    ("kind", "already", "answered", "today", "due"),
    [
        (p.ALOITTANEET, 0, False, date(2021, 8, 6), False),  # day 4: too early
        (p.ALOITTANEET, 0, False, date(2021, 8, 7), True),  # day 5: first reminder
        (p.ALOITTANEET, 1, False, date(2021, 8, 7), False),  # already sent today
        (p.ALOITTANEET, 1, False, date(2021, 8, 11), False),
        (p.ALOITTANEET, 1, False, date(2021, 8, 12), True),  # day 10: second reminder
        (p.ALOITTANEET, 2, False, date(2021, 8, 20), False),  # no third
        (p.ALOITTANEET, 0, True, date(2021, 8, 7), False),  # answered
        (p.ALOITTANEET, 0, False, date(2021, 8, 9), True),  # a missed run catches up while open
        (p.ALOITTANEET, 1, False, date(2021, 9, 1), False),  # closed
        (p.TYOPAIKKAOHJAAJAKYSELY, 0, False, date(2021, 8, 7), True),
        (p.TYOPAIKKAOHJAAJAKYSELY, 1, False, date(2021, 8, 12), False),  # instructors get one
    ],
)
def test_reminder_due(kind: str, already: int, answered: bool, today: date, due: bool) -> None:
    assert p.reminder_due(SENT, kind, already, answered, LOPPU, today) is due


def test_no_reminder_for_a_link_that_closes_before_its_reminder_day() -> None:
    # Sent on heratepvm + 57 (2021-09-27): open until 2021-09-29; its +5 day 2021-10-02 comes too late.
    sent, (_, loppu) = date(2021, 9, 27), p.vastausaika(date(2021, 9, 27), date(2021, 8, 1))
    assert not any(p.reminder_due(sent, p.ALOITTANEET, 0, False, loppu, sent + timedelta(days=n)) for n in range(15))


# --- Reason codes -------------------------------------------------------------------------------------------


def test_every_reason_code_has_an_explanation() -> None:
    codes = {
        p.EI_AMMATILLINEN_TUTKINTO,
        p.EI_OSAAMISEN_HANKKIMISEN_TARVETTA,
        p.OSAAMISEN_HANKKIMISEN_TARVE_PUUTTUU,
        p.OPISKELUOIKEUS_MITATOITY,
        p.OPISKELUOIKEUS_TERMINAALITILASSA,
        p.HERATEPVM_LIIAN_KAUKANA,
        p.VASTAUSAIKA_UMPEUTUNUT,
        p.JO_KYSYTTY_RAHOITUSKAUDELLA,
        p.EI_SAHKOPOSTIA,
        p.EI_YHTEYSTIETOJA,
        p.VIRHEELLINEN_PUHELINNUMERO,
    }
    assert codes == set(p.REASONS)
    assert all(text.strip() for text in p.REASONS.values())


# --- Properties ---------------------------------------------------------------------------------------------

days = st.dates(min_value=date(2021, 1, 1), max_value=date(2030, 12, 31))


@given(heratepvm=days, offset=st.integers(min_value=0, max_value=59))
def test_deadline_is_never_before_sending_nor_after_heratepvm_plus_59(heratepvm: date, offset: int) -> None:
    sent = heratepvm + timedelta(days=offset)
    alku, loppu = p.vastausaika(sent, heratepvm)
    assert alku == sent <= loppu <= heratepvm + timedelta(days=59)
    assert loppu <= sent + timedelta(days=29)
    assert loppu in (sent + timedelta(days=29), heratepvm + timedelta(days=59))


@given(heratepvm=days, offset=st.integers(min_value=-30, max_value=90))
def test_send_day_is_today_or_the_trigger_and_within_the_cap(heratepvm: date, offset: int) -> None:
    today = heratepvm + timedelta(days=offset)
    sent = p.send_day(heratepvm, today)
    if sent is None:
        assert offset > 59 or offset < -14
    else:
        assert sent == max(today, heratepvm)
        assert heratepvm <= sent <= heratepvm + timedelta(days=59)


@given(
    sent=days,
    kind=st.sampled_from([*p.OPISKELIJAKYSELYT, p.TYOPAIKKAOHJAAJAKYSELY]),
    already=st.integers(min_value=0, max_value=3),
    answered=st.booleans(),
    open_days=st.integers(min_value=0, max_value=29),
    offset=st.integers(min_value=0, max_value=40),
)
def test_a_reminder_goes_only_to_an_open_unanswered_link(
    sent: date, kind: str, already: int, answered: bool, open_days: int, offset: int
) -> None:
    loppu, today = sent + timedelta(days=open_days), sent + timedelta(days=offset)
    if p.reminder_due(sent, kind, already, answered, loppu, today):
        assert not answered and today <= loppu
        assert already < len(p.reminder_days(sent, kind))
        assert today >= sent + timedelta(days=5)


@st.composite
def saves(draw: st.DrawFn) -> tuple[HoksFacts, OpiskeluoikeusFacts, date]:
    maybe_day = st.one_of(st.none(), st.dates(min_value=date(2021, 7, 1), max_value=date(2023, 6, 30)))
    h = hoks(
        ensikertainen_hyvaksyminen=draw(maybe_day),
        osaamisen_hankkimisen_tarve=draw(st.sampled_from([True, True, False, None])),
        osaamisen_saavuttamisen_pvm=draw(maybe_day),
        sahkoposti=draw(st.sampled_from([None, "oona@example.fi"])),
        puhelinnumero=draw(st.sampled_from([None, "0401234567", "091234567"])),
    )
    suoritus = draw(st.sampled_from([TUTKINTO, OSITTAINEN, Suoritus("valma")]))
    o = oo(suoritukset=(replace(suoritus, vahvistus=draw(maybe_day)),), mitatoity=draw(st.booleans()))
    today = draw(st.dates(min_value=date(2021, 7, 1), max_value=date(2023, 9, 30)))
    return h, o, today


@given(saves())
def test_a_save_after_the_links_were_made_makes_no_second_link(
    save: tuple[HoksFacts, OpiskeluoikeusFacts, date],
) -> None:
    h, o, today = save
    first = decide(h, o, today=today)
    made = tuple(
        PriorHerate(d.kyselytyyppi, o.koulutustoimija_oid, d.rahoituskausi, h.id, d.heratepvm)
        for d in first
        if d.make_link
    )
    # Made links are never decided again; exclusions are re-evaluated and, on the same facts, stay.
    assert decide(h, o, made, today=today) == [d for d in first if not d.make_link]


@given(saves())
def test_every_decision_is_consistent(save: tuple[HoksFacts, OpiskeluoikeusFacts, date]) -> None:
    h, o, today = save
    decisions = decide(h, o, today=today)
    assert len(decisions) <= 2
    assert sum(d.kyselytyyppi in p.PAATTOKYSELYT for d in decisions) <= 1
    for d in decisions:
        assert d.rahoituskausi == rahoituskausi(d.heratepvm)
        assert d.reason is None or d.reason in p.REASONS
        if d.make_link:
            assert p.send_day(d.heratepvm, today) is not None
            assert not o.mitatoity and h.osaamisen_hankkimisen_tarve is True
