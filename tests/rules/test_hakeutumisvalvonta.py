"""The hakeutumisvalvonta window (DOMAIN.md §6.3) on dated examples, including the issue's two cases that the
old 365-day rule got wrong."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from models.rules import hakeutumisvalvonta as hv
from models.rules.opiskeluoikeus import OpiskeluoikeusFacts, Suoritus, TilaJakso

BORN = date(2005, 3, 10)  # turns 16 in 2021, 17 in 2022


def oo(
    tilat: list[tuple[date, str]],
    tyyppi: str = "perusopetus",
    suoritukset: tuple[Suoritus, ...] = (Suoritus("perusopetuksenvuosiluokka", "9"),),
    alku: date | None = date(2012, 8, 1),
) -> OpiskeluoikeusFacts:
    return OpiskeluoikeusFacts(
        oid="1.2.246.562.15.1",
        oppija_oid="1.2.246.562.24.1",
        koulutustoimija_oid="1.2.246.562.10.1",
        oppilaitos_oid="1.2.246.562.10.2",
        tyyppi=tyyppi,
        alku=alku,
        tilat=tuple(TilaJakso(d, t) for d, t in tilat),
        suoritukset=suoritukset,
    )


def ended(loppu: date, tila: str = "valmistunut", tyyppi: str = "perusopetus") -> OpiskeluoikeusFacts:
    return oo([(date(2012, 8, 1), "lasna"), (loppu, tila)], tyyppi=tyyppi)


@pytest.mark.parametrize(
    ("loppu", "today", "listed", "until"),
    [
        # spring end: visible to 30.9.; the old rule still listed this one on 2022-05-29
        (date(2021, 5, 30), date(2021, 9, 30), True, date(2021, 9, 30)),
        (date(2021, 5, 30), date(2021, 10, 1), False, date(2021, 9, 30)),
        (date(2021, 5, 30), date(2022, 5, 29), False, date(2021, 9, 30)),
        (date(2021, 5, 15), date(2021, 9, 30), True, date(2021, 9, 30)),
        (date(2021, 5, 31), date(2021, 9, 30), True, date(2021, 9, 30)),
        # any other end: through the same day two months later (the 4.7. case)
        (date(2021, 7, 4), date(2021, 9, 4), True, date(2021, 9, 4)),
        (date(2021, 7, 4), date(2021, 9, 5), False, date(2021, 9, 4)),
        (date(2021, 5, 14), date(2021, 7, 14), True, date(2021, 7, 14)),
        (date(2021, 5, 14), date(2021, 7, 15), False, date(2021, 7, 14)),
        (date(2021, 6, 1), date(2021, 8, 1), True, date(2021, 8, 1)),
        # a shorter month: the last day of it
        (date(2021, 12, 31), date(2022, 2, 28), True, date(2022, 2, 28)),
        (date(2023, 12, 30), date(2024, 2, 29), True, date(2024, 2, 29)),
        (date(2023, 12, 30), date(2024, 3, 1), False, date(2024, 2, 29)),
    ],
)
def test_valmistunut_window(loppu: date, today: date, listed: bool, until: date) -> None:
    verdict = hv.valvonnassa(ended(loppu), BORN, today)
    assert (verdict.listed, verdict.listed_until) == (listed, until)
    assert verdict.reason == (hv.ENDED_WITHIN_WINDOW if listed else hv.ENDED_BEFORE_WINDOW)


def test_eronnut_counts_only_from_the_year_the_pupil_turns_17() -> None:
    assert hv.valvonnassa(ended(date(2021, 6, 1), "eronnut"), BORN, date(2021, 6, 2)).reason == hv.ERONNUT_UNDER_17
    verdict = hv.valvonnassa(ended(date(2022, 1, 10), "eronnut"), BORN, date(2022, 2, 1))
    assert (verdict.listed, verdict.listed_until) == (True, date(2022, 3, 10))
    older = hv.valvonnassa(ended(date(2021, 6, 1), "katsotaaneronneeksi"), date(2004, 12, 31), date(2021, 6, 2))
    assert older.listed


def test_lasna_perusopetus_only_in_the_final_year() -> None:
    today = date(2021, 3, 1)
    ninth = oo([(date(2012, 8, 1), "lasna")])
    eighth = oo([(date(2012, 8, 1), "lasna")], suoritukset=(Suoritus("perusopetuksenvuosiluokka", "8"),))
    assert (hv.valvonnassa(ninth, BORN, today).reason, hv.valvonnassa(ninth, BORN, today).listed_until) == (
        hv.LASNA,
        None,
    )
    assert hv.valvonnassa(eighth, BORN, today).reason == hv.NOT_FINAL_YEAR


@pytest.mark.parametrize("tyyppi", sorted(hv.NIVELVAIHE_TYYPIT))
def test_nivelvaihe_counts_lasna_and_ended(tyyppi: str) -> None:
    lasna = oo([(date(2021, 8, 1), "lasna")], tyyppi=tyyppi, suoritukset=(), alku=date(2021, 8, 1))
    assert hv.valvonnassa(lasna, BORN, date(2021, 9, 1)).reason == hv.LASNA
    valmis = ended(date(2022, 6, 10), tyyppi=tyyppi)
    assert hv.valvonnassa(valmis, BORN, date(2022, 8, 10)).listed
    assert not hv.valvonnassa(valmis, BORN, date(2022, 8, 11)).listed


def test_other_types_future_and_voided_study_rights_are_not_followed() -> None:
    today = date(2021, 9, 1)
    lukio = oo([(date(2021, 8, 1), "lasna")], tyyppi="lukiokoulutus")
    future = oo([(date(2021, 10, 1), "lasna")], alku=date(2021, 10, 1))
    assert hv.valvonnassa(lukio, BORN, today).reason == hv.NOT_FOLLOWED
    assert hv.valvonnassa(future, BORN, today).reason == hv.NOT_FOLLOWED
    voided = dataclasses.replace(oo([(date(2012, 8, 1), "lasna")]), mitatoity=True)
    assert hv.valvonnassa(voided, BORN, today).reason == hv.NOT_FOLLOWED


def test_a_confirmed_oppimaara_without_tila_rows_ends_on_its_vahvistus() -> None:
    no_tilat = oo([], suoritukset=(Suoritus("perusopetuksenoppimaara", vahvistus=date(2021, 5, 28)),))
    assert hv.valvonnassa(no_tilat, BORN, date(2021, 9, 30)).listed_until == date(2021, 9, 30)
    assert not hv.valvonnassa(no_tilat, BORN, date(2021, 10, 1)).listed


@pytest.mark.parametrize("suoritus", ["valma", "telma"])
def test_koskis_valma_and_telma_are_nivelvaihe_under_ammatillinenkoulutus(suoritus: str) -> None:
    # Koski files them as ammatillinenkoulutus with a valma or telma suoritus
    real = oo(
        [(date(2021, 8, 1), "lasna"), (date(2022, 6, 10), "valmistunut")],
        tyyppi="ammatillinenkoulutus",
        suoritukset=(Suoritus(suoritus, "999901", vahvistus=date(2022, 6, 10)),),
    )
    assert hv.valvonnassa(real, BORN, date(2022, 8, 10)).reason == hv.ENDED_WITHIN_WINDOW


@pytest.mark.parametrize(
    "suoritukset",
    [(), (Suoritus("ammatillinentutkinto", "351301"),), (Suoritus("valma"), Suoritus("ammatillinentutkinto"))],
)
def test_other_ammatillinen_study_rights_are_not_nivelvaihe(suoritukset: tuple[Suoritus, ...]) -> None:
    amis = oo([(date(2021, 8, 1), "lasna")], tyyppi="ammatillinenkoulutus", suoritukset=suoritukset)
    assert hv.valvonnassa(amis, BORN, date(2021, 9, 1)).reason == hv.NOT_FOLLOWED
