"""When a study right marks basic education completed (DOMAIN.md §6.1, seeds/004 FAQ), on Koski's real codes:
every form of basic education Koski's own oppivelvollisuus view reads, and the `valmistunut` tila row of a
perusopetus study right for the whole basic education. Dated examples, then properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.rules import perusopetus as po
from models.rules.opiskeluoikeus import (
    ERONNUT,
    HYVAKSYTYSTI_SUORITETTU,
    LASNA,
    VALMISTUNUT,
    OpiskeluoikeusFacts,
    Suoritus,
    TilaJakso,
)
from models.rules.oppivelvollisuus import (
    COVERED,
    PERUSOPETUS_VALMISTUNUT_BEFORE_2021,
    PERUSOPETUS_VALMISTUNUT_ENNEN_15V,
    Coverage,
    coverage,
    perusopetus_valmistunut_ennen_15v,
)
from tests.rules.test_oppivelvollisuus import d, henkilo, oo

TODAY = d("2022-09-15")


def vahvistettu(tyyppi: str, vahvistus: str | None, koodi: str | None = None) -> Suoritus:
    return Suoritus(tyyppi, koodi, vahvistus=d(vahvistus) if vahvistus else None)


def perusopetus(
    *suoritukset: Suoritus, valmistunut: str | None = None, tyyppi: str = po.PERUSOPETUS
) -> OpiskeluoikeusFacts:
    tilat = [("2012-08-15", LASNA)] + ([(valmistunut, VALMISTUNUT)] if valmistunut else [])
    return oo(tyyppi, *tilat, suoritukset=suoritukset)


class TestCompletingSuoritukset:
    """Koski's oppivelvollisuustiedot: the vahvistus of any of these completes basic education."""

    @pytest.mark.parametrize(
        ("tyyppi", "koodi"),
        [
            (po.PERUSOPETUKSEN_OPPIMAARA, "201101"),
            (po.AIKUISTEN_PERUSOPETUKSEN_OPPIMAARA, "201101"),
            (po.INTERNATIONAL_SCHOOL_MYP, "9"),
            (po.EUROPEAN_SCHOOL_SECONDARY_LOWER, "S4"),
        ],
    )
    def test_its_vahvistus_is_the_mark(self, tyyppi: str, koodi: str) -> None:
        marked = oo(
            "internationalschool", ("2012-08-15", LASNA), suoritukset=(vahvistettu(tyyppi, "2020-06-04", koodi),)
        )
        assert po.valmistunut(marked) == d("2020-06-04")

    @pytest.mark.parametrize(
        ("tyyppi", "koodi"),
        [
            (po.INTERNATIONAL_SCHOOL_MYP, "8"),
            (po.EUROPEAN_SCHOOL_SECONDARY_LOWER, "S3"),
            (po.PERUSOPETUKSEN_VUOSILUOKKA, "9"),
            ("nuortenperusopetuksenoppiaineenoppimaara", "AI"),
            ("aikuistenperusopetuksenoppimaaranalkuvaihe", "aikuistenperusopetuksenoppimaaranalkuvaihe"),
        ],
    )
    def test_other_grades_and_parts_are_no_mark(self, tyyppi: str, koodi: str) -> None:
        other = oo(
            "internationalschool", ("2012-08-15", LASNA), suoritukset=(vahvistettu(tyyppi, "2020-06-04", koodi),)
        )
        assert po.valmistunut(other) is None

    def test_an_unconfirmed_oppimaara_is_no_mark(self) -> None:
        assert po.valmistunut(perusopetus(vahvistettu(po.PERUSOPETUKSEN_OPPIMAARA, None))) is None


class TestValmistunutTila:
    """FAQ: "perusopetus on päättynyt tilaan valmistunut" — the tila row is a mark on its own."""

    def test_a_valmistunut_row_without_a_vahvistus_is_the_mark(self) -> None:
        unconfirmed = perusopetus(vahvistettu(po.PERUSOPETUKSEN_OPPIMAARA, None), valmistunut="2020-06-01")
        assert po.valmistunut(unconfirmed) == d("2020-06-01")

    def test_the_faq_sixth_grade_valmistunut_with_only_grade_suoritukset(self) -> None:
        sixth = perusopetus(vahvistettu(po.PERUSOPETUKSEN_VUOSILUOKKA, "2018-06-02", "6"), valmistunut="2018-06-02")
        person = henkilo("2005-04-20", sixth)
        assert coverage(person, d("2021-10-01")) == Coverage(
            False, PERUSOPETUS_VALMISTUNUT_BEFORE_2021, (PERUSOPETUS_VALMISTUNUT_ENNEN_15V,)
        )
        assert perusopetus_valmistunut_ennen_15v(person) == (sixth,)

    def test_a_study_right_with_no_suoritukset_yet_counts_too(self) -> None:
        assert po.valmistunut(perusopetus(valmistunut="2020-05-30")) == d("2020-05-30")

    def test_aikuisten_perusopetus_counts_as_perusopetus(self) -> None:
        aikuiset = perusopetus(
            vahvistettu(po.AIKUISTEN_PERUSOPETUKSEN_OPPIMAARA, None),
            valmistunut="2020-12-18",
            tyyppi=po.AIKUISTEN_PERUSOPETUS,
        )
        assert coverage(henkilo("2004-05-01", aikuiset), TODAY).reason == PERUSOPETUS_VALMISTUNUT_BEFORE_2021

    @pytest.mark.parametrize(
        "tyyppi", ["nuortenperusopetuksenoppiaineenoppimaara", "aikuistenperusopetuksenoppimaaranalkuvaihe"]
    )
    def test_single_subjects_or_the_alkuvaihe_complete_no_basic_education(self, tyyppi: str) -> None:
        osa = perusopetus(vahvistettu(tyyppi, "2020-06-01", "AI"), valmistunut="2020-06-01")
        assert po.valmistunut(osa) is None
        assert coverage(henkilo("2005-04-20", osa), TODAY) == Coverage(True, COVERED)

    def test_other_study_rights_are_not_marked_by_their_tila(self) -> None:
        lukio = oo("lukiokoulutus", ("2019-08-01", LASNA), ("2020-06-01", VALMISTUNUT))
        lisaopetus = oo("perusopetuksenlisaopetus", ("2019-08-01", LASNA), ("2020-06-01", VALMISTUNUT))
        assert po.valmistunut(lukio) is None and po.valmistunut(lisaopetus) is None

    @pytest.mark.parametrize("tila", [ERONNUT, HYVAKSYTYSTI_SUORITETTU])
    def test_only_valmistunut_is_the_mark(self, tila: str) -> None:
        ended = oo(po.PERUSOPETUS, ("2012-08-15", LASNA), ("2020-06-01", tila))
        assert po.valmistunut(ended) is None

    def test_the_earlier_of_the_tila_and_the_vahvistus_decides(self) -> None:
        # marked valmistunut on 2020-12-20, the certificate confirmed only on 2021-01-05: the mark predates 2021
        late = perusopetus(vahvistettu(po.PERUSOPETUKSEN_OPPIMAARA, "2021-01-05"), valmistunut="2020-12-20")
        assert po.valmistunut(late) == d("2020-12-20")
        assert coverage(henkilo("2005-04-20", late), TODAY).reason == PERUSOPETUS_VALMISTUNUT_BEFORE_2021


# --- Properties -----------------------------------------------------------------------------------------------

days = st.dates(min_value=date(2015, 1, 1), max_value=date(2025, 12, 31))
suoritus_tyypit = st.sampled_from(
    [
        po.PERUSOPETUKSEN_OPPIMAARA,
        po.AIKUISTEN_PERUSOPETUKSEN_OPPIMAARA,
        po.PERUSOPETUKSEN_VUOSILUOKKA,
        po.INTERNATIONAL_SCHOOL_MYP,
        "nuortenperusopetuksenoppiaineenoppimaara",
    ]
)
suoritukset = st.builds(Suoritus, suoritus_tyypit, st.sampled_from(["9", "S4", "8", None]), st.none(), st.none() | days)
tilat = st.builds(TilaJakso, days, st.sampled_from([LASNA, VALMISTUNUT, ERONNUT]))
opiskeluoikeudet = st.builds(
    lambda tyyppi, s, t: replace(oo(tyyppi, suoritukset=tuple(s)), tilat=tuple(t)),
    st.sampled_from([po.PERUSOPETUS, po.AIKUISTEN_PERUSOPETUS, "internationalschool", "lukiokoulutus"]),
    st.lists(suoritukset, max_size=4),
    st.lists(tilat, max_size=4),
)


@settings(max_examples=300, deadline=None)
@given(opiskeluoikeudet, st.randoms(use_true_random=False))
def test_the_mark_is_one_of_the_study_rights_own_dates_and_ignores_their_order(
    opiskeluoikeus: OpiskeluoikeusFacts, rnd: object
) -> None:
    mark = po.valmistunut(opiskeluoikeus)
    own = {s.vahvistus for s in opiskeluoikeus.suoritukset} | {t.alku for t in opiskeluoikeus.tilat}
    assert mark is None or mark in own
    shuffled_s, shuffled_t = list(opiskeluoikeus.suoritukset), list(opiskeluoikeus.tilat)
    rnd.shuffle(shuffled_s)  # type: ignore[attr-defined]
    rnd.shuffle(shuffled_t)  # type: ignore[attr-defined]
    assert po.valmistunut(replace(opiskeluoikeus, suoritukset=tuple(shuffled_s), tilat=tuple(shuffled_t))) == mark


@settings(max_examples=300, deadline=None)
@given(opiskeluoikeudet, days)
def test_a_confirmed_oppimaara_always_marks_by_its_vahvistus_day_at_the_latest(
    opiskeluoikeus: OpiskeluoikeusFacts, vahvistus: date
) -> None:
    with_oppimaara = replace(
        opiskeluoikeus,
        suoritukset=(*opiskeluoikeus.suoritukset, Suoritus(po.PERUSOPETUKSEN_OPPIMAARA, "201101", vahvistus=vahvistus)),
    )
    mark = po.valmistunut(with_oppimaara)
    assert mark is not None and mark <= vahvistus
