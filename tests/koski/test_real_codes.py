"""The feedback rules on Koski's real codes (issue 11 §4, DOMAIN.md §2): keskeytynyt is terminal,
hyvaksytystisuoritettu and paattynyt are not, and an osittainen tutkinto from several qualifications is a
tutkinnon osia suorittaneet päättökysely."""

from __future__ import annotations

from datetime import date

import pytest

from models.rules import palaute as p
from models.rules.opiskeluoikeus import (
    AMMATILLINEN_TUTKINTO_OSITTAINEN,
    HYVAKSYTYSTI_SUORITETTU,
    KESKEYTYNYT,
    LASNA,
    PAATTYNYT,
    Suoritus,
    TilaJakso,
)
from tests.rules.test_palaute import decide, hoks, oo, reasons

USEASTA = Suoritus(
    AMMATILLINEN_TUTKINTO_OSITTAINEN,
    "ammatillinentutkintoosittainenuseastatutkinnosta",
    "Ammatillisen tutkinnon osa/osia useasta tutkinnosta",
)


def test_keskeytynyt_on_the_day_before_the_trigger_blocks() -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2021, 9, 1))
    o = oo(tilat=(TilaJakso(date(2021, 8, 2), LASNA), TilaJakso(date(2021, 8, 31), KESKEYTYNYT)))
    assert reasons(decide(h, o, today=date(2021, 9, 1))) == {p.ALOITTANEET: p.OPISKELUOIKEUS_TERMINAALITILASSA}


@pytest.mark.parametrize("tila", [HYVAKSYTYSTI_SUORITETTU, PAATTYNYT])
def test_completions_and_paattynyt_do_not_block(tila: str) -> None:
    h = hoks(osaamisen_saavuttamisen_pvm=date(2022, 5, 20))
    o = oo(tilat=(TilaJakso(date(2021, 8, 2), LASNA), TilaJakso(date(2022, 5, 1), tila)))
    assert reasons(decide(h, o, today=date(2022, 5, 20))) == {p.TUTKINNON_SUORITTANEET: None}


def test_osittainen_from_several_qualifications_gets_the_tutkinnon_osia_survey() -> None:
    vahvistettu = Suoritus(USEASTA.tyyppi, USEASTA.tutkinto_koodi, USEASTA.tutkinto_nimi, date(2025, 5, 31))
    o = oo(suoritukset=(vahvistettu,), tilat=(TilaJakso(date(2024, 8, 1), LASNA),))
    assert reasons(decide(hoks(), o, today=date(2025, 5, 31))) == {p.TUTKINNON_OSIA_SUORITTANEET: None}
