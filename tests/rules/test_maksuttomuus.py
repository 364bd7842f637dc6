"""Who is on an oppilaitos' maksuttomuus list (DOMAIN.md §6.3), on dated examples. The student was born
2006-03-10: oppivelvollinen through 2024-03-09, free education through 2026-12-31."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from models.rules import maksuttomuus as mk
from models.rules import oppivelvollisuus as ov
from models.rules.opiskeluoikeus import OpiskeluoikeusFacts, Suoritus
from tests.rules.valpas_facts import HERE, henkilo, here, opiskeluoikeus

BORN = date(2006, 3, 10)


def oo(tyyppi: str, tilat: list[tuple[date, str]], oppilaitos: str = HERE, **kw: Any) -> OpiskeluoikeusFacts:
    return opiskeluoikeus(1, tyyppi, tilat, oppilaitos, **kw)


def person(*oos: OpiskeluoikeusFacts, **dates: date) -> ov.HenkiloFacts:
    return henkilo(BORN, *oos, **dates)


def listalla(facts: ov.HenkiloFacts, today: date) -> mk.Maksuttomuus:
    return mk.listalla(facts, here(facts), today)


AMMATILLINEN = oo("ammatillinenkoulutus", [(date(2022, 8, 10), "lasna")])


def test_listed_past_18_until_the_end_of_the_year_turning_20() -> None:
    facts = person(AMMATILLINEN)
    on_list = listalla(facts, date(2025, 5, 2))
    assert on_list == mk.Maksuttomuus(
        True, mk.VOIMASSA, ov.DateDecision(date(2026, 12, 31), ov.YEAR_TURNING_20), AMMATILLINEN.oid
    )
    assert listalla(facts, date(2026, 12, 31)).listed is True
    assert listalla(facts, date(2027, 1, 1)) == mk.Maksuttomuus(False, ov.YEAR_TURNING_20, on_list.until)


def test_a_completed_tutkinto_ends_it_on_its_vahvistus_day() -> None:
    tutkinto = (Suoritus("ammatillinentutkinto", vahvistus=date(2025, 5, 30)),)
    facts = person(oo("ammatillinenkoulutus", [(date(2022, 8, 10), "lasna")], suoritukset=tutkinto))
    assert listalla(facts, date(2025, 5, 30)).until == ov.DateDecision(
        date(2025, 5, 30), ov.AMMATILLINEN_TUTKINTO_COMPLETED
    )
    assert listalla(facts, date(2025, 5, 31)).reason == ov.AMMATILLINEN_TUTKINTO_COMPLETED


def test_a_vapautus_ends_it_the_day_before() -> None:
    facts = person(AMMATILLINEN, vapautus=date(2025, 1, 1))
    assert listalla(facts, date(2025, 1, 1)) == mk.Maksuttomuus(
        False, ov.VAPAUTUS, ov.DateDecision(date(2024, 12, 31), ov.VAPAUTUS)
    )


@pytest.mark.parametrize(
    ("tilat", "oppilaitos"),
    [
        ([(date(2022, 8, 10), "lasna"), (date(2024, 10, 1), "eronnut")], HERE),  # ended here
        ([(date(2025, 8, 10), "lasna")], HERE),  # starts later
        ([(date(2022, 8, 10), "lasna")], "1.2.246.562.10.3"),  # another school's student
    ],
)
def test_only_students_in_a_study_right_in_force_here(tilat: list[tuple[date, str]], oppilaitos: str) -> None:
    assert listalla(person(oo("lukiokoulutus", tilat, oppilaitos)), date(2025, 5, 2)).reason == mk.EI_OPISKELUOIKEUTTA


def test_perusopetus_and_eb_are_not_free_education_studies() -> None:
    for tyyppi in ("perusopetus", "ebtutkinto"):
        assert listalla(person(oo(tyyppi, [(date(2022, 8, 10), "lasna")])), date(2023, 5, 2)).listed is False


def test_a_kotikunta_gained_at_18_gives_no_right() -> None:
    facts = person(AMMATILLINEN, kotikunta_from=date(2024, 3, 10))
    assert listalla(facts, date(2025, 5, 2)).reason == ov.KOTIKUNTA_GAINED_AT_18_OR_LATER
