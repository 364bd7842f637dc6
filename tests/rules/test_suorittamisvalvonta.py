"""Who is on an oppilaitos' suorittamisvalvonta list (DOMAIN.md §6.3), on dated examples. The student was born
2008-03-10: oppivelvollinen through 2026-03-09."""

from __future__ import annotations

from datetime import date

import pytest

from models.rules import oppivelvollisuus as ov
from models.rules import suorittamisvalvonta as sv
from models.rules.opiskeluoikeus import OpiskeluoikeusFacts, Suoritus
from tests.rules.valpas_facts import ELSEWHERE, henkilo, here
from tests.rules.valpas_facts import opiskeluoikeus as oo

BORN = date(2008, 3, 10)
TODAY = date(2025, 2, 3)


def person(*oos: OpiskeluoikeusFacts, vapautus: date | None = None) -> ov.HenkiloFacts:
    return henkilo(BORN, *oos, vapautus=vapautus)


def listalla(facts: ov.HenkiloFacts, today: date = TODAY, ilmoitettu: date | None = None) -> sv.Valvonta:
    return sv.listalla(facts, here(facts), today, ilmoitettu)


PERUSOPETUS = oo(0, "perusopetus", [(date(2015, 8, 1), "lasna"), (date(2024, 5, 31), "valmistunut")], ELSEWHERE)
LASNA = [(date(2024, 8, 12), "lasna")]


@pytest.mark.parametrize(
    "tyyppi",
    ["lukiokoulutus", "ammatillinenkoulutus", "tuva", "valma", "telma", "perusopetuksenlisaopetus", "ibtutkinto"],
)
def test_a_study_right_after_perusopetus_in_force_lists_the_student(tyyppi: str) -> None:
    facts = person(PERUSOPETUS, oo(1, tyyppi, LASNA))
    assert listalla(facts) == sv.Valvonta(True, sv.VOIMASSA, "1.2.246.562.15.1")


@pytest.mark.parametrize("tila", ["valiaikaisestikeskeytynyt", "loma"])
def test_an_interruption_or_holiday_is_still_in_force(tila: str) -> None:
    facts = person(oo(1, "lukiokoulutus", [*LASNA, (date(2025, 1, 7), tila)]))
    assert listalla(facts).reason == sv.VOIMASSA


@pytest.mark.parametrize("tyyppi", ["perusopetus", "ebtutkinto", "aikuistenlukiokoulutus", "korkeakoulutus"])
def test_perusopetus_eb_and_other_types_never_list(tyyppi: str) -> None:
    assert listalla(person(oo(1, tyyppi, LASNA))) == sv.Valvonta(False, sv.EI_VALVOTTAVA)


@pytest.mark.parametrize(
    ("tyyppi", "suoritus", "koodi", "listed"),
    [
        ("internationalschool", "internationalschoolmypvuosiluokka", "4", False),
        ("internationalschool", "internationalschoolmypvuosiluokka", "9", False),
        ("internationalschool", "internationalschoolmypvuosiluokka", "10", True),
        ("internationalschool", "internationalschooldiplomavuosiluokka", "11", True),
        ("europeanschoolofhelsinki", "europeanschoolofhelsinkivuosiluokkasecondarylower", "S4", False),
        ("europeanschoolofhelsinki", "europeanschoolofhelsinkivuosiluokkasecondarylower", "S5", True),
        ("europeanschoolofhelsinki", "europeanschoolofhelsinkivuosiluokkasecondaryupper", "S6", True),
    ],
)
def test_a_whole_school_is_followed_from_its_upper_secondary_years(
    tyyppi: str, suoritus: str, koodi: str, listed: bool
) -> None:
    """Valpas: international school from MYP grade 10 or the diploma years, the European School from S5; a pupil
    in its lower grades is in basic education, not on this list (nor on the maksuttomuus list)."""
    facts = person(oo(1, tyyppi, LASNA, suoritukset=(Suoritus(suoritus, tutkinto_koodi=koodi),)))
    assert listalla(facts).listed is listed
    assert sv.jatko_opintoja(facts.opiskeluoikeudet[0]) is listed
    assert listalla(person(oo(1, tyyppi, LASNA))) == sv.Valvonta(False, sv.EI_VALVOTTAVA)


def test_only_this_schools_study_rights_count() -> None:
    facts = person(oo(1, "lukiokoulutus", LASNA, ELSEWHERE))
    assert listalla(facts) == sv.Valvonta(False, sv.EI_VALVOTTAVA)


def test_a_study_right_starting_later_is_not_followed_yet() -> None:
    facts = person(oo(1, "ammatillinenkoulutus", [(date(2025, 2, 4), "lasna")]))
    assert listalla(facts).listed is False
    assert listalla(facts, date(2025, 2, 4)).listed is True


def test_a_voided_study_right_is_hidden() -> None:
    assert listalla(person(oo(1, "lukiokoulutus", LASNA, mitatoity=True))).listed is False


@pytest.mark.parametrize("tila", ["eronnut", "katsotaaneronneeksi", "peruutettu", "keskeytynyt"])
def test_left_without_a_qualification_stays_listed_with_its_end_day(tila: str) -> None:
    facts = person(oo(1, "ammatillinenkoulutus", [*LASNA, (date(2024, 11, 15), tila)]))
    assert listalla(facts) == sv.Valvonta(True, sv.KESKEN_JAANYT, "1.2.246.562.15.1", date(2024, 11, 15))
    # still listed months later: only oppivelvollisuus ending takes them off
    assert listalla(facts, date(2026, 3, 9)).listed is True
    assert listalla(facts, date(2026, 3, 10)) == sv.Valvonta(False, ov.TURNS_18)


def test_lukio_valmistunut_waits_for_the_ylioppilastutkinto() -> None:
    lukio = oo(1, "lukiokoulutus", [*LASNA, (date(2025, 1, 31), "valmistunut")])
    assert listalla(person(lukio)) == sv.Valvonta(True, sv.LUKIO_VALMISTUNUT, lukio.oid, date(2025, 1, 31))
    yo = oo(
        2,
        "ylioppilastutkinto",
        [(date(2024, 9, 1), "lasna")],
        ELSEWHERE,
        (Suoritus("ylioppilastutkinto", vahvistus=date(2025, 2, 1)),),
    )
    assert listalla(person(lukio, yo)) == sv.Valvonta(False, ov.YLIOPPILASTUTKINTO_COMPLETED)


def test_osittainen_ammatillinen_valmistunut_lists_a_whole_tutkinto_does_not() -> None:
    tilat = [*LASNA, (date(2025, 1, 20), "valmistunut")]
    osittainen = oo(1, "ammatillinenkoulutus", tilat, suoritukset=(Suoritus("ammatillinentutkintoosittainen"),))
    assert listalla(person(osittainen)).reason == sv.OSITTAINEN_VALMISTUNUT
    whole = oo(
        1, "ammatillinenkoulutus", tilat, suoritukset=(Suoritus("ammatillinentutkinto", vahvistus=date(2025, 1, 20)),)
    )
    assert listalla(person(whole)) == sv.Valvonta(False, ov.AMMATILLINEN_TUTKINTO_COMPLETED)


def test_other_completions_do_not_list() -> None:
    tuva = oo(1, "tuva", [*LASNA, (date(2025, 1, 20), "valmistunut")])
    assert listalla(person(tuva)) == sv.Valvonta(False, sv.EI_VALVOTTAVA)


def test_a_new_place_in_force_elsewhere_takes_an_ended_one_off() -> None:
    left = oo(1, "lukiokoulutus", [*LASNA, (date(2024, 10, 1), "eronnut")])
    new = oo(2, "ammatillinenkoulutus", [(date(2024, 11, 1), "lasna")], ELSEWHERE)
    assert listalla(person(left, new)) == sv.Valvonta(False, sv.UUSI_OPISKELUPAIKKA)
    # the new place ended too, later: that school follows the student, not this one
    new_left = oo(2, "ammatillinenkoulutus", [(date(2024, 11, 1), "lasna"), (date(2025, 1, 10), "eronnut")], ELSEWHERE)
    assert listalla(person(left, new_left)).reason == sv.UUSI_OPISKELUPAIKKA
    # one left earlier elsewhere leaves this school in charge
    old = oo(2, "ammatillinenkoulutus", [(date(2024, 1, 8), "lasna"), (date(2024, 3, 1), "eronnut")], ELSEWHERE)
    assert listalla(person(left, old)).reason == sv.KESKEN_JAANYT


def test_a_perusopetus_in_force_is_no_new_place() -> None:
    left = oo(1, "tuva", [*LASNA, (date(2024, 10, 1), "eronnut")])
    lisaopetus = oo(2, "perusopetus", [(date(2024, 10, 2), "lasna")], ELSEWHERE)
    assert listalla(person(left, lisaopetus)).reason == sv.KESKEN_JAANYT


def test_a_kuntailmoitus_since_the_end_takes_an_ended_one_off_but_not_one_in_force() -> None:
    left = person(oo(1, "ammatillinenkoulutus", [*LASNA, (date(2024, 11, 15), "eronnut")]))
    assert listalla(left, ilmoitettu=date(2024, 11, 14)).listed is True
    assert listalla(left, ilmoitettu=date(2024, 11, 15)) == sv.Valvonta(False, sv.ILMOITETTU)
    in_force = person(oo(1, "lukiokoulutus", LASNA))
    assert listalla(in_force, ilmoitettu=date(2025, 1, 2)).reason == sv.VOIMASSA


def test_in_force_wins_over_ended_then_the_latest_end() -> None:
    left = oo(1, "lukiokoulutus", [(date(2023, 8, 1), "lasna"), (date(2024, 6, 1), "eronnut")])
    active = oo(2, "tuva", LASNA)
    assert listalla(person(left, active)).opiskeluoikeus_oid == active.oid
    later = oo(3, "lukiokoulutus", [*LASNA, (date(2025, 1, 31), "valmistunut")])
    assert listalla(person(left, later)).opiskeluoikeus_oid == later.oid


def test_not_oppivelvollinen_never_lists() -> None:
    facts = person(oo(1, "lukiokoulutus", LASNA), vapautus=date(2025, 1, 1))
    assert listalla(facts) == sv.Valvonta(False, ov.VAPAUTUS)
    assert listalla(person(oo(1, "lukiokoulutus", LASNA)), date(2026, 3, 10)).reason == ov.TURNS_18


def test_every_reason_has_a_text() -> None:
    codes = [v for k, v in vars(sv).items() if k.isupper() and isinstance(v, str) and v.startswith("suorittamis")]
    assert codes and all(sv.explain(c) != c for c in codes)
