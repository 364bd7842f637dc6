"""Valpas on Koski's own documents (issue 11 §4, DOMAIN.md §6.1–6.3): each form of basic education Koski records
marks it completed for coverage and the before-15 flag, read back through the stored facts and the data-quality
list (a perusopetus study right for single subjects marks nothing); free education of overlapping ammatillinen,
lukio and ylioppilastutkinto study rights; Koski's VALMA on the hakeutumisvalvonta list."""

from __future__ import annotations

import copy
from datetime import date

import pytest
from tortoise.context import TortoiseContext

from models.oppija import Oppija
from models.organisation import Organisation
from models.rules import oppivelvollisuus as ov
from models.rules.koski import read_document
from models.services.access import SYSTEM
from models.services.koski import save_oppija
from models.services.valpas.facts import load_facts
from models.services.valpas.hakeutumisvalvonta import LISTA as HAKEUTUMISVALVONTA
from models.services.valpas.tietojen_laatu import tietojen_laatu
from models.user import RoleName
from tests.koski.documents import Example, corpus_example, own_example
from tests.services.conftest import principal

BORN = date(2004, 3, 1)  # covered by age; a mark before 2019-03-01 predates the 15th birthday
TODAY = date(2022, 9, 15)

# (own fixture, Koski's example it was cut from, the mark)
EXAMPLES = [
    ("aikuisten-perusopetus-valmistunut", "aikuistenperusopetuksenoppimaara2015_2026-05-05", date(2016, 6, 4)),
    ("internationalschool-myp", "internationalschool_2026-04-27", date(2015, 6, 30)),
    ("european-school-of-helsinki", "EuropeanSchoolofHelsinki_2023-10-10", date(2016, 5, 31)),
    ("perusopetus-oppiaine-valmistunut", "nuortenperusopetuksenoppiaineenoppimaara-paattotodistus_2026-05-06", None),
]
CASES = [pytest.param(own, mark, id=own) for own, _, mark in EXAMPLES] + [
    pytest.param(koski, mark, id=koski) for _, koski, mark in EXAMPLES
]


def _born_in_helsinki(example: Example) -> dict[str, object]:
    """The example's person, born on BORN and living in Helsinki since, so only the mark decides coverage."""
    doc = copy.deepcopy(example.oppija)
    doc["henkilö"].update(syntymäaika=BORN.isoformat(), kotikuntahistoria=[{"kotikunta": "091", "alku": "2004-03-01"}])
    return doc


@pytest.mark.parametrize(("stem", "mark"), CASES)
async def test_the_mark_of_a_real_study_right_decides_coverage_and_the_flag(
    db: TortoiseContext, stem: str, mark: date | None
) -> None:
    example = own_example(stem) if stem in {own for own, _, _ in EXAMPLES} else corpus_example(stem)
    luettu = read_document(_born_in_helsinki(example))
    assert luettu.oppija is not None, luettu.errors
    await save_oppija(luettu.oppija, SYSTEM, TODAY)
    oppija = await Oppija.get(oid=example.henkilo_oid)
    person = (await load_facts([oppija.id]))[oppija.id]

    assert ov.perusopetus_valmistunut(person) == mark
    result = ov.coverage(person, TODAY)
    if mark is None:
        assert result == ov.Coverage(True, ov.COVERED)
    else:
        assert result == ov.Coverage(
            False, ov.PERUSOPETUS_VALMISTUNUT_BEFORE_2021, (ov.PERUSOPETUS_VALMISTUNUT_ENNEN_15V,)
        )

    oppilaitos = await Organisation.get(oid=example.oppija["opiskeluoikeudet"][0]["oppilaitos"]["oid"])
    listed = [(r.opiskeluoikeus_oid, r.flags) async for r in tietojen_laatu(oppilaitos)]
    assert listed == ([] if mark is None else [(example.oo_oids[0], (ov.PERUSOPETUS_VALMISTUNUT_ENNEN_15V,))])


# Koski's examples of the study rights a yhdistelmätutkinto leaves: ammatillinen, lukio and ylioppilastutkinto
# (which has no tila rows); and the same with Koski's VALMA, filed under ammatillinenkoulutus too, in place of the
# ammatillinen tutkinto. The fixtures hold them cut down, for one person.
LUKIO_JA_YO = ("lukio-paattotodistus_2024-11-05", "ylioppilastutkinto_2025-12-10")
AMMATILLINEN = ("yhdistelmatutkinto", ("ammatillinen-perustutkinto_2024-08-13", *LUKIO_JA_YO))
VALMA = (
    "valma-lukio-ylioppilastutkinto",
    ("ammatilliseenperuskoulutukseenvalmentavakoulutus_2022-09-22", *LUKIO_JA_YO),
)


def _person(source: str, fixture: str, corpus: tuple[str, ...]) -> Example:
    if source == "fixture":
        return own_example(fixture)
    parts = [corpus_example(stem) for stem in corpus]
    oos = [copy.deepcopy(e.oppija["opiskeluoikeudet"][0]) for e in parts]
    for i, oo in enumerate(oos):
        oo["oid"] = f"1.2.246.562.15.{80_000_000 + i:011d}"  # each example was numbered from 1 on its own
    return Example(fixture, {"henkilö": parts[0].oppija["henkilö"], "opiskeluoikeudet": oos})


@pytest.mark.parametrize("source", ["fixture", "koski"])
@pytest.mark.parametrize(
    ("studies", "oppivelvollisuus", "maksuttomuus"),
    [
        pytest.param(
            AMMATILLINEN,
            ov.DateDecision(date(2016, 8, 31), ov.AMMATILLINEN_TUTKINTO_COMPLETED),
            ov.DateDecision(date(2016, 12, 1), ov.YHDISTELMATUTKINTO_COMPLETED),
            id="ammatillinen",
        ),
        pytest.param(
            VALMA,
            ov.DateDecision(date(2016, 12, 1), ov.YLIOPPILASTUTKINTO_COMPLETED),
            ov.DateDecision(date(2016, 12, 1), ov.YLIOPPILASTUTKINTO_COMPLETED),
            id="valma",
        ),
    ],
)
async def test_free_education_of_real_overlapping_study_rights(
    db: TortoiseContext,
    source: str,
    studies: tuple[str, tuple[str, ...]],
    oppivelvollisuus: ov.DateDecision,
    maksuttomuus: ov.DateDecision,
) -> None:
    """In lukio 2012-09-01 … 2016-08-08 alongside an ammatillinen perustutkinto (confirmed 2016-08-31) or a VALMA,
    the YO vahvistus moved to 2016-12-01 (Koski's example has it in 2012, before the overlap). Oppivelvollisuus
    ends at the first completed tutkinto, free education only when both of a yhdistelmätutkinto are done; a VALMA
    leads to no tutkinto, so the YO ends both."""
    example = _person(source, *studies)
    doc = copy.deepcopy(example.oppija)
    doc["henkilö"].update(syntymäaika="1999-01-01")
    yo = next(oo for oo in doc["opiskeluoikeudet"] if oo["tyyppi"]["koodiarvo"] == ov.YLIOPPILASTUTKINTO)
    assert yo["tila"]["opiskeluoikeusjaksot"] == []
    yo["suoritukset"][0]["vahvistus"]["päivä"] = "2016-12-01"
    luettu = read_document(doc)
    assert luettu.oppija is not None, luettu.errors
    await save_oppija(luettu.oppija, SYSTEM, TODAY)
    oppija = await Oppija.get(oid=example.henkilo_oid)
    person = (await load_facts([oppija.id]))[oppija.id]

    assert ov.oppivelvollisuus_until(person) == oppivelvollisuus
    assert ov.maksuttomuus_until(person) == maksuttomuus


@pytest.mark.parametrize("source", ["fixture", "koski"])
async def test_a_real_valma_pupil_is_on_the_hakeutumisvalvonta_list(db: TortoiseContext, source: str) -> None:
    """Koski's VALMA (ammatillinenkoulutus with a valma suoritus) ended valmistunut on 2018-01-01: its pupil is
    followed through the same day two months later, like any nivelvaihe pupil."""
    example = _person(source, *VALMA)
    doc = copy.deepcopy(example.oppija)
    doc["henkilö"].update(syntymäaika="2004-01-01", kotikuntahistoria=[{"kotikunta": "091", "alku": "2004-01-01"}])
    del doc["opiskeluoikeudet"][1:]  # the VALMA alone: the lukio and the YO of 2012 are no matter here
    luettu = read_document(doc)
    assert luettu.oppija is not None, luettu.errors
    await save_oppija(luettu.oppija, SYSTEM, TODAY)
    valma = doc["opiskeluoikeudet"][0]
    assert (valma["tyyppi"]["koodiarvo"], valma["suoritukset"][0]["tyyppi"]["koodiarvo"]) == (
        ov.AMMATILLINEN_KOULUTUS,
        ov.VALMA,
    )
    valvoja = principal(
        await Organisation.get(oid=valma["oppilaitos"]["oid"]), RoleName.VALVOJA_HAKEUTUMINEN, "hakeutumisen valvoja"
    )

    rows, _ = await HAKEUTUMISVALVONTA.page(valvoja, valma["oppilaitos"]["oid"], date(2018, 3, 1), 50, None)
    assert [(r.facts.oppija_oid, r.opiskeluoikeus_oid, r.valvonta.listed_until) for r in rows] == [
        (example.henkilo_oid, valma["oid"], date(2018, 3, 1))
    ]
    assert await HAKEUTUMISVALVONTA.page(valvoja, valma["oppilaitos"]["oid"], date(2018, 3, 2), 50, None) == ([], False)
