"""A kuntailmoitus is active until the person has a study place in force since it, or stops being
oppivelvollinen (issue 16.6)."""

from __future__ import annotations

from datetime import date

from models.rules import kuntailmoitus as ki
from models.rules import oppivelvollisuus as ov
from models.rules.opiskeluoikeus import OpiskeluoikeusFacts, TilaJakso

TEHTY = date(2024, 6, 10)


def person(*oos: tuple[str, list[tuple[date, str]]], vapautus: date | None = None) -> ov.HenkiloFacts:
    return ov.HenkiloFacts(
        oppija_oid="1.2.246.562.24.1",
        syntymaaika=date(2008, 3, 10),
        kotikunta_historia=(ov.KotikuntaJakso(alku=date(2008, 3, 10), loppu=None, kuntakoodi="091"),),
        turvakielto=False,
        opiskeluoikeudet=tuple(
            OpiskeluoikeusFacts(
                oid=f"1.2.246.562.15.{i}",
                oppija_oid="1.2.246.562.24.1",
                koulutustoimija_oid="kt",
                oppilaitos_oid="ol",
                tyyppi=tyyppi,
                alku=tilat[0][0],
                tilat=tuple(TilaJakso(d, t) for d, t in tilat),
            )
            for i, (tyyppi, tilat) in enumerate(oos)
        ),
        vapautus=vapautus,
        keskeytykset=(),
    )


PERUSOPETUS = ("perusopetus", [(date(2015, 8, 1), "lasna"), (date(2024, 6, 1), "valmistunut")])


def test_active_while_oppivelvollinen_without_a_new_study_place() -> None:
    assert ki.aktiivinen(person(PERUSOPETUS), TEHTY, date(2024, 9, 1)) == ov.Verdict(True, ki.AKTIIVINEN)


def test_a_study_place_begun_after_the_notice_makes_it_passive_for_good() -> None:
    lukio = ("lukiokoulutus", [(date(2024, 8, 12), "lasna"), (date(2024, 10, 1), "eronnut")])
    facts = person(PERUSOPETUS, lukio)
    assert ki.aktiivinen(facts, TEHTY, date(2024, 8, 11)).value is True
    assert ki.aktiivinen(facts, TEHTY, date(2024, 8, 12)) == ov.Verdict(False, ki.OPISKELUPAIKKA_SINCE)
    assert ki.aktiivinen(facts, TEHTY, date(2024, 11, 1)).reason == ki.OPISKELUPAIKKA_SINCE


def test_an_active_period_before_the_notice_does_not_count() -> None:
    ended_before = ("ammatillinenkoulutus", [(date(2024, 1, 8), "lasna"), (date(2024, 3, 1), "eronnut")])
    assert ki.aktiivinen(person(PERUSOPETUS, ended_before), TEHTY, date(2024, 9, 1)).value is True


def test_vapautus_or_turning_18_makes_it_passive() -> None:
    assert ki.aktiivinen(person(PERUSOPETUS, vapautus=date(2024, 9, 1)), TEHTY, date(2024, 9, 1)).reason == "vapautus"
    assert ki.aktiivinen(person(PERUSOPETUS), TEHTY, date(2026, 3, 10)).reason == ov.TURNS_18
