"""The feedback rules on Koski's real codes (issue 11 §4, DOMAIN.md §2–§4): keskeytynyt is terminal,
hyvaksytystisuoritettu and paattynyt are not, and an osittainen tutkinto from several qualifications is a
tutkinnon osia suorittaneet päättökysely with no single tutkinto code — in the rules, and for Koski's own example
documents saved the way Koski serves them."""

from __future__ import annotations

import copy
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from tortoise.context import TortoiseContext

from models.herate import Opiskelijaherate
from models.kyselylinkki import Kyselylinkki, Kyselytyyppi
from models.rules import palaute as p
from models.rules import tyoelama as t
from models.rules.hoks import HoksPlan, TutkinnonOsaPlan
from models.rules.koski import read_document
from models.rules.opiskeluoikeus import (
    AMMATILLINEN_TUTKINTO,
    AMMATILLINEN_TUTKINTO_OSITTAINEN,
    HYVAKSYTYSTI_SUORITETTU,
    KESKEYTYNYT,
    LASNA,
    LOMA,
    PAATTYNYT,
    TILAT,
    USEASTA_TUTKINNOSTA,
    VALIAIKAISESTI_KESKEYTYNYT,
    Suoritus,
    TilaJakso,
    is_active_on,
    terminal_before,
    tutkinto_koodi,
)
from models.services import hoks as hoks_service
from models.services.access import SYSTEM
from models.services.koski import save_oppija
from models.services.lahetysajo import run_day
from tests.koski.documents import Example, corpus_example, own_example
from tests.rules import test_tyoelama as tyo
from tests.rules.test_palaute import decide, hoks, oo, reasons
from tests.services.conftest import jakso

USEASTA = Suoritus(
    AMMATILLINEN_TUTKINTO_OSITTAINEN, USEASTA_TUTKINNOSTA, "Ammatillisen tutkinnon osa/osia useasta tutkinnosta"
)


@given(st.sampled_from(sorted(TILAT)) | st.text(min_size=1, max_size=20), st.dates(max_value=date(2100, 1, 1)))
def test_only_lasna_loma_and_valiaikaisesti_keskeytynyt_are_in_force(tila: str, day: date) -> None:
    """DOMAIN.md §2, for Koski's whole set and any code it may add: in force is these three, nothing else."""
    rows = (TilaJakso(day, tila),)
    assert is_active_on(rows, day) == (tila in {LASNA, LOMA, VALIAIKAISESTI_KESKEYTYNYT})
    if tila not in TILAT:  # a code Polku does not know yet blocks no feedback either
        assert not terminal_before(rows, day + timedelta(days=1))


def test_keskeytynyt_on_the_day_before_the_trigger_blocks() -> None:
    h = hoks(ensikertainen_hyvaksyminen=date(2021, 9, 1))
    o = oo(tilat=(TilaJakso(date(2021, 8, 2), LASNA), TilaJakso(date(2021, 8, 31), KESKEYTYNYT)))
    assert reasons(decide(h, o, today=date(2021, 9, 1))) == {p.ALOITTANEET: p.OPISKELUOIKEUS_TERMINAALITILASSA}


def test_keskeytynyt_on_the_day_before_the_jakso_ends_blocks_the_instructor_survey() -> None:
    o = tyo.oo(tilat=(TilaJakso(date(2021, 1, 11), LASNA), TilaJakso(date(2021, 12, 14), KESKEYTYNYT)))
    assert t.qualifies(tyo.jakso(opiskeluoikeus=o)) == p.OPISKELUOIKEUS_TERMINAALITILASSA
    starting_on_loppu = tyo.oo(tilat=(TilaJakso(date(2021, 1, 11), LASNA), TilaJakso(date(2021, 12, 15), KESKEYTYNYT)))
    assert t.qualifies(tyo.jakso(opiskeluoikeus=starting_on_loppu)) is None


@pytest.mark.parametrize("tila", [HYVAKSYTYSTI_SUORITETTU, PAATTYNYT])
def test_completions_and_paattynyt_do_not_block(tila: str) -> None:
    h = hoks(osaamisen_saavuttamisen_pvm=date(2022, 5, 20))
    o = oo(tilat=(TilaJakso(date(2021, 8, 2), LASNA), TilaJakso(date(2022, 5, 1), tila)))
    assert reasons(decide(h, o, today=date(2022, 5, 20))) == {p.TUTKINNON_SUORITTANEET: None}


def test_osittainen_from_several_qualifications_gets_the_tutkinnon_osia_survey() -> None:
    vahvistettu = Suoritus(USEASTA.tyyppi, USEASTA.tutkinto_koodi, USEASTA.tutkinto_nimi, date(2025, 5, 31))
    o = oo(suoritukset=(vahvistettu,), tilat=(TilaJakso(date(2024, 8, 1), LASNA),))
    assert reasons(decide(hoks(), o, today=date(2025, 5, 31))) == {p.TUTKINNON_OSIA_SUORITTANEET: None}


def test_units_from_several_qualifications_name_no_tutkinto() -> None:
    assert tutkinto_koodi(USEASTA) is None
    assert tutkinto_koodi(Suoritus(AMMATILLINEN_TUTKINTO_OSITTAINEN, "361902")) == "361902"
    assert tutkinto_koodi(Suoritus(AMMATILLINEN_TUTKINTO, "351301")) == "351301"
    # so an instructor's bundle is not keyed by Koski's koulutusmoduuli code as if it were one qualification
    useasta = tyo.jakso(opiskeluoikeus=tyo.oo(suoritukset=(USEASTA,)), tutkinto_koodi=None)
    assert t.niputusavain(useasta)[1] is None


# --- Koski's own documents, saved as Koski serves them ------------------------------------------------------

USEASTA_EXAMPLES = {
    "fixture": lambda: own_example("osittainen-useasta-tutkinnosta"),
    "koski": lambda: corpus_example("ammatillinen-valmistunutosittainensuoritususeastatutkinnosta_2025-10-29"),
}


async def _save_with_hoks(example: Example, today: date, loppu: date) -> int:
    """Store the example as Koski serves it, then a HOKS on its study right with one koulutussopimus ending on
    `loppu`; the HOKS id."""
    luettu = read_document(example.oppija)
    assert luettu.oppija is not None, luettu.errors
    await save_oppija(luettu.oppija, SYSTEM, today)
    plan = HoksPlan(
        oppija_oid=example.henkilo_oid,
        opiskeluoikeus_oid=example.oo_oids[0],
        ensikertainen_hyvaksyminen=today - timedelta(days=200),
        osaamisen_hankkimisen_tarve=True,
        sahkoposti="aarne@example.fi",
        tutkinnon_osat=(
            TutkinnonOsaPlan(
                "106727",
                "Ajoneuvon huoltotyöt",
                (jakso("j1", alku=loppu - timedelta(days=60), loppu=loppu, keskeytymisajanjaksot=()),),
            ),
        ),
    )
    return (await hoks_service.create_hoks(plan, SYSTEM, today)).id


def _vahvistus(example: Example) -> date:
    return date.fromisoformat(example.oppija["opiskeluoikeudet"][0]["suoritukset"][0]["vahvistus"]["päivä"])


@pytest.mark.parametrize("source", sorted(USEASTA_EXAMPLES))
async def test_a_real_osittainen_from_several_qualifications_gets_both_surveys(
    db: TortoiseContext, source: str
) -> None:
    """Saving its HOKS used to fail (the koulutusmoduuli code is 48 characters, the link's tutkinto column 32),
    and so did every instructor send day with its jakso in a bundle."""
    example = USEASTA_EXAMPLES[source]()
    vahvistus = _vahvistus(example)
    loppu = vahvistus - timedelta(days=1)
    send_day = t.scheduled_send_day(loppu)
    hoks_id = await _save_with_hoks(example, send_day, loppu)

    link = await Kyselylinkki.get(hoks_id=hoks_id, kyselytyyppi=Kyselytyyppi.TUTKINNON_OSIA_SUORITTANEET)
    assert (link.heratepvm, link.tutkinto_koodi) == (vahvistus, None)

    await run_day(send_day)
    bundle = await Kyselylinkki.get(kyselytyyppi=Kyselytyyppi.TYOPAIKKAOHJAAJAKYSELY)
    assert (bundle.heratepvm, bundle.lahetyspvm, bundle.tutkinto_koodi) == (send_day, send_day, None)


def _with_final_tila(example: Example, tila: str, alku: date) -> Example:
    """The example with its last tila row (valmistunut) replaced by `tila` starting on `alku`."""
    changed = copy.deepcopy(example.oppija)
    rows = changed["opiskeluoikeudet"][0]["tila"]["opiskeluoikeusjaksot"]
    rows[-1] = {"alku": alku.isoformat(), "tila": {"koodiarvo": tila}}
    return Example(example.name, changed)


@pytest.mark.parametrize("source", sorted(USEASTA_EXAMPLES))
@pytest.mark.parametrize(
    ("tila", "syy"),
    [(KESKEYTYNYT, p.OPISKELUOIKEUS_TERMINAALITILASSA), (HYVAKSYTYSTI_SUORITETTU, None), (PAATTYNYT, None)],
)
async def test_the_final_tila_of_a_real_study_right_decides_as_domain_2_says(
    db: TortoiseContext, source: str, tila: str, syy: str | None
) -> None:
    example = USEASTA_EXAMPLES[source]()
    vahvistus = _vahvistus(example)
    changed = _with_final_tila(example, tila, vahvistus - timedelta(days=1))
    hoks_id = await _save_with_hoks(changed, vahvistus + timedelta(days=1), vahvistus - timedelta(days=20))
    herate = await Opiskelijaherate.get(hoks_id=hoks_id, vaihe="paatto")
    assert (herate.kyselytyyppi, herate.heratepvm, herate.syy) == (p.TUTKINNON_OSIA_SUORITTANEET, vahvistus, syy)
