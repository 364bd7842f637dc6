"""Valpas rules as a specification (DOMAIN.md §6, seeds/004 Valpas FAQ), with dated examples.

Read top to bottom: who is covered (§6.1), until when (§6.2), who is on a kunta's automaattinen tarkistus list
and when the yhteishaku warning shows (§6.3), then properties that hold for every person.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.rules.opiskeluoikeus import (
    AMMATILLINEN_TUTKINTO,
    AMMATILLINEN_TUTKINTO_OSITTAINEN,
    ERONNUT,
    HYVAKSYTYSTI_SUORITETTU,
    KATSOTAAN_ERONNEEKSI,
    KESKEYTYNYT,
    LASNA,
    LOMA,
    PAATTYNYT,
    VALIAIKAISESTI_KESKEYTYNYT,
    VALMISTUNUT,
    OpiskeluoikeusFacts,
    Suoritus,
    TilaJakso,
)
from models.rules.oppivelvollisuus import (
    ACTIVE_OPISKELUOIKEUS,
    AHVENANMAA_KUNNAT,
    AMMATILLINEN_KOULUTUS,
    AMMATILLINEN_TUTKINTO_COMPLETED,
    AUTOMAATTINEN_TARKISTUS,
    BORN_BEFORE_2004,
    COVERED,
    COVERED_TURVAKIELTO,
    DATA_QUALITY_TEXTS,
    GOT_PLACE_IN_YHTEISHAKU,
    KOTIKUNTA_ABROAD_OR_UNKNOWN,
    KOTIKUNTA_ELSEWHERE,
    KOTIKUNTA_GAINED_AT_18_OR_LATER,
    KOTIKUNTA_IN_AHVENANMAA,
    LUKIOKOULUTUS,
    NO_ACTIVE_OPISKELUOIKEUS,
    NO_KOTIKUNTA_IN_FINLAND,
    NO_PLACE_IN_YHTEISHAKU,
    NO_YHTEISHAKU_RESULT,
    OPISKELUOIKEUS_STARTS_LATER,
    OPPIVELVOLLINEN,
    OPPIVELVOLLISUUS_NOT_STARTED,
    PERUSOPETUKSEN_LISAOPETUS,
    PERUSOPETUKSEN_OPPIMAARA,
    PERUSOPETUS,
    PERUSOPETUS_VALMISTUNUT_BEFORE_2021,
    PERUSOPETUS_VALMISTUNUT_ENNEN_15V,
    QUALIFYING_TYYPIT,
    REASON_TEXTS,
    TURNS_18,
    TURVAKIELTO,
    TUVA,
    VAPAUTUS,
    YEAR_TURNING_20,
    YHDISTELMATUTKINTO_COMPLETED,
    YHDISTELMATUTKINTO_OTHER_PART_DROPPED,
    YLIOPPILASTUTKINTO,
    YLIOPPILASTUTKINTO_COMPLETED,
    Coverage,
    DateDecision,
    HenkiloFacts,
    KotikuntaJakso,
    Suorittaminen,
    Verdict,
    coverage,
    ei_paikkaa_yhteishaussa_warning,
    eighteenth_birthday,
    explain,
    keskeytetty_on,
    kotikunta_on,
    maksuttomuus_until,
    on_automaattinen_tarkistus,
    oppivelvollinen_on,
    oppivelvollisuus_until,
    perusopetus_valmistunut_ennen_15v,
    suorittaa,
    yhdistelmatutkinto,
)

HELSINKI = "091"
ESPOO = "049"
MAARIANHAMINA = "478"


def d(iso: str) -> date:
    return date.fromisoformat(iso)


def kk(alku: str, loppu: str | None = None, kunta: str = HELSINKI) -> KotikuntaJakso:
    return KotikuntaJakso(d(alku), d(loppu) if loppu else None, kunta)


_oid_counter = iter(range(1_000_000))


def oo(
    tyyppi: str,
    *tilat: tuple[str, str],
    suoritukset: tuple[Suoritus, ...] = (),
    alku: str | None = None,
    oid: str | None = None,
    mitatoity: bool = False,
) -> OpiskeluoikeusFacts:
    """An OO; `tilat` as ("2021-08-01", "lasna") pairs. alku defaults to the first tila row."""
    rows = tuple(TilaJakso(d(a), t) for a, t in tilat)
    return OpiskeluoikeusFacts(
        oid=oid or f"1.2.246.562.15.{next(_oid_counter):011d}",
        oppija_oid="1.2.246.562.24.00000000001",
        koulutustoimija_oid="1.2.246.562.10.00000000001",
        oppilaitos_oid="1.2.246.562.10.00000000002",
        tyyppi=tyyppi,
        alku=d(alku) if alku else (rows[0].alku if rows else None),
        tilat=rows,
        suoritukset=suoritukset,
        mitatoity=mitatoity,
    )


def ends(day: str, reason: str) -> DateDecision:
    """An expected last day and its reason."""
    return DateDecision(d(day), reason)


def vahvistettu(tyyppi: str, vahvistus: str) -> Suoritus:
    return Suoritus(tyyppi=tyyppi, vahvistus=d(vahvistus))


def peruskoulu(vahvistus: str, *, mitatoity: bool = False) -> OpiskeluoikeusFacts:
    """A perusopetus OO marked valmistunut with an oppimäärä vahvistus on that day."""
    return oo(
        PERUSOPETUS,
        ("2012-08-15", LASNA),
        (vahvistus, VALMISTUNUT),
        suoritukset=(vahvistettu(PERUSOPETUKSEN_OPPIMAARA, vahvistus),),
        mitatoity=mitatoity,
    )


def henkilo(
    born: str,
    *oos: OpiskeluoikeusFacts,
    kotikunta: tuple[KotikuntaJakso, ...] | None = None,
    turvakielto: bool = False,
    vapautus: str | None = None,
    keskeytykset: tuple[tuple[date, date | None], ...] = (),
) -> HenkiloFacts:
    """A person living in Helsinki since birth unless `kotikunta` says otherwise."""
    return HenkiloFacts(
        oppija_oid="1.2.246.562.24.00000000001",
        syntymaaika=d(born),
        kotikunta_historia=kotikunta if kotikunta is not None else (kk(born),),
        turvakielto=turvakielto,
        opiskeluoikeudet=oos,
        vapautus=d(vapautus) if vapautus else None,
        keskeytykset=keskeytykset,
    )


TODAY = d("2022-09-15")
# DOMAIN.md §6.1, written out here so the module's constant is checked against the spec.
ALAND = ["035", "043", "060", "062", "065", "076", "170", "295", "318", "417", "438", "478", "736", "766", "771", "941"]


# ================================================================================================================
# §6.1 Who is covered
# ================================================================================================================


class TestBirthYear:
    def test_born_on_the_first_day_of_2004_is_covered(self) -> None:
        assert coverage(henkilo("2004-01-01"), d("2021-09-01")) == (Coverage(True, COVERED))

    def test_born_on_the_last_day_of_2003_is_not(self) -> None:
        result = coverage(henkilo("2003-12-31"), d("2021-09-01"))
        assert not result
        assert result.reason == BORN_BEFORE_2004

    def test_birth_year_is_checked_before_anything_else(self) -> None:
        aland = henkilo("2003-06-01", kotikunta=(kk("2003-06-01", kunta=MAARIANHAMINA),))
        assert coverage(aland, TODAY).reason == BORN_BEFORE_2004


class TestPerusopetusValmistunut:
    def test_mark_on_2020_12_31_ends_coverage(self) -> None:
        result = coverage(henkilo("2005-01-10", peruskoulu("2020-12-31")), TODAY)
        assert result == Coverage(False, PERUSOPETUS_VALMISTUNUT_BEFORE_2021)

    def test_mark_on_2021_01_01_does_not(self) -> None:
        assert coverage(henkilo("2005-01-10", peruskoulu("2021-01-01")), TODAY) == Coverage(True, COVERED)

    def test_sixth_grade_mark_in_2018_decides_but_is_flagged(self) -> None:
        # FAQ: born 2005, real päättötodistus May 2021, but also marked valmistunut after 6th grade in 2018.
        person = henkilo("2005-04-20", peruskoulu("2018-06-02"), peruskoulu("2021-05-29"))
        result = coverage(person, d("2021-10-01"))
        assert not result.covered
        assert result.reason == PERUSOPETUS_VALMISTUNUT_BEFORE_2021
        assert result.data_quality_flags == (PERUSOPETUS_VALMISTUNUT_ENNEN_15V,)

    def test_the_flag_names_the_oo_so_its_organisation_can_be_told(self) -> None:
        wrong = peruskoulu("2018-06-02")
        person = henkilo("2005-04-20", wrong, peruskoulu("2021-05-29"))
        assert perusopetus_valmistunut_ennen_15v(person) == (wrong,)

    def test_the_earliest_mark_decides_whatever_the_order(self) -> None:
        person = henkilo("2005-04-20", peruskoulu("2021-05-29"), peruskoulu("2020-06-01"))
        assert coverage(person, TODAY).reason == PERUSOPETUS_VALMISTUNUT_BEFORE_2021

    def test_an_early_mark_after_2020_is_flagged_but_does_not_exclude(self) -> None:
        # born 2008: a mark on 2022-05-31 was made at 14
        result = coverage(henkilo("2008-09-01", peruskoulu("2022-05-31")), TODAY)
        assert result == Coverage(True, COVERED, (PERUSOPETUS_VALMISTUNUT_ENNEN_15V,))

    def test_a_mark_on_the_15th_birthday_is_not_flagged(self) -> None:
        result = coverage(henkilo("2006-05-31", peruskoulu("2021-05-31")), TODAY)
        assert result.data_quality_flags == ()

    def test_a_mark_the_day_before_the_15th_birthday_is_flagged(self) -> None:
        result = coverage(henkilo("2006-06-01", peruskoulu("2021-05-31")), TODAY)
        assert result.data_quality_flags == (PERUSOPETUS_VALMISTUNUT_ENNEN_15V,)

    def test_a_voided_oo_marks_nothing(self) -> None:
        person = henkilo("2005-04-20", peruskoulu("2019-06-01", mitatoity=True))
        assert coverage(person, TODAY) == Coverage(True, COVERED)

    def test_flags_are_reported_even_when_another_rule_decides(self) -> None:
        result = coverage(henkilo("2003-02-01", peruskoulu("2016-06-01")), TODAY)
        assert result.reason == BORN_BEFORE_2004
        assert result.data_quality_flags == (PERUSOPETUS_VALMISTUNUT_ENNEN_15V,)


class TestKotikuntaToday:
    @pytest.mark.parametrize("kunta", ALAND)
    def test_every_aland_kunta_excludes(self, kunta: str) -> None:
        person = henkilo("2006-03-01", kotikunta=(kk("2006-03-01", kunta=kunta),))
        assert coverage(person, TODAY) == Coverage(False, KOTIKUNTA_IN_AHVENANMAA)

    def test_the_aland_list_is_exactly_the_sixteen_codes_of_domain_md(self) -> None:
        assert set(ALAND) == AHVENANMAA_KUNNAT

    @pytest.mark.parametrize("kunta", ["198", "200"])
    def test_abroad_or_unknown_excludes(self, kunta: str) -> None:
        person = henkilo("2006-03-01", kotikunta=(kk("2006-03-01", kunta=kunta),))
        assert coverage(person, TODAY) == Coverage(False, KOTIKUNTA_ABROAD_OR_UNKNOWN)

    def test_no_kotikunta_at_all_excludes(self) -> None:
        assert coverage(henkilo("2006-03-01", kotikunta=()), TODAY) == Coverage(False, NO_KOTIKUNTA_IN_FINLAND)

    def test_a_code_that_lost_its_leading_zero_is_still_aland(self) -> None:
        person = henkilo("2006-03-01", kotikunta=(kk("2006-03-01", kunta="35"),))
        assert coverage(person, TODAY).reason == KOTIKUNTA_IN_AHVENANMAA

    def test_other_finnish_codes_are_covered(self) -> None:
        for kunta in ("091", "049", "837", "036", "564"):
            person = henkilo("2006-03-01", kotikunta=(kk("2006-03-01", kunta=kunta),))
            assert coverage(person, TODAY).covered, kunta


class TestTurvakielto:
    def test_kotikunta_is_assumed_finnish_when_unknown(self) -> None:
        person = henkilo("2006-03-01", kotikunta=(), turvakielto=True)
        assert coverage(person, TODAY) == Coverage(True, COVERED_TURVAKIELTO)

    def test_even_a_stored_abroad_or_aland_code_is_not_used(self) -> None:
        for kunta in ("198", MAARIANHAMINA):
            person = henkilo("2006-03-01", kotikunta=(kk("2006-03-01", kunta=kunta),), turvakielto=True)
            assert coverage(person, TODAY).covered

    def test_the_18_rule_is_not_applied_either(self) -> None:
        late = henkilo("2004-05-01", kotikunta=(kk("2023-01-01"),), turvakielto=True)
        assert coverage(late, d("2023-02-01")).covered

    def test_birth_year_and_perusopetus_still_exclude(self) -> None:
        assert not coverage(henkilo("2003-12-31", turvakielto=True), TODAY)
        assert not coverage(henkilo("2005-01-01", peruskoulu("2020-06-01"), turvakielto=True), TODAY)


class TestKotikuntaHistory:
    """Today's kotikunta decides whether shown; the history decides the 18-rule (DOMAIN.md §6.1, FAQ)."""

    BORN = "2005-03-10"  # 18 on 2023-03-10

    def test_moving_abroad_removes_the_person_from_that_day(self) -> None:
        person = henkilo(self.BORN, kotikunta=(kk(self.BORN, "2022-06-30"), kk("2022-07-01", kunta="198")))
        assert coverage(person, d("2022-06-30")).covered
        assert coverage(person, d("2022-07-01")) == Coverage(False, KOTIKUNTA_ABROAD_OR_UNKNOWN)

    def test_a_kotikunta_that_simply_ended_leaves_no_kotikunta(self) -> None:
        person = henkilo(self.BORN, kotikunta=(kk(self.BORN, "2022-06-30"),))
        assert coverage(person, d("2022-07-01")) == Coverage(False, NO_KOTIKUNTA_IN_FINLAND)

    def test_moving_to_aland(self) -> None:
        person = henkilo(self.BORN, kotikunta=(kk(self.BORN, "2022-06-30"), kk("2022-07-01", kunta=MAARIANHAMINA)))
        assert coverage(person, d("2022-07-01")).reason == KOTIKUNTA_IN_AHVENANMAA

    def test_immigrant_with_kotikunta_at_17_is_covered_mid_studies(self) -> None:
        person = henkilo(self.BORN, kotikunta=(kk("2022-09-01"),))
        assert not coverage(person, d("2022-08-31"))
        assert coverage(person, d("2022-09-01")) == Coverage(True, COVERED)

    def test_kotikunta_gained_the_day_before_the_18th_birthday_is_in_time(self) -> None:
        person = henkilo(self.BORN, kotikunta=(kk("2023-03-09"),))
        assert coverage(person, d("2023-03-09")).covered
        assert coverage(person, d("2023-06-01")).covered  # still covered after 18 (maksuttomuus views)

    def test_kotikunta_gained_on_the_18th_birthday_is_too_late(self) -> None:
        person = henkilo(self.BORN, kotikunta=(kk("2023-03-10"),))
        assert coverage(person, d("2023-03-10")) == Coverage(False, KOTIKUNTA_GAINED_AT_18_OR_LATER)

    def test_kotikunta_gained_at_19_is_too_late(self) -> None:
        person = henkilo(self.BORN, kotikunta=(kk("2024-04-01"),))
        assert coverage(person, d("2024-05-01")).reason == KOTIKUNTA_GAINED_AT_18_OR_LATER

    def test_moving_between_finnish_kunnat_after_18_keeps_coverage(self) -> None:
        person = henkilo(self.BORN, kotikunta=(kk(self.BORN, "2023-08-31"), kk("2023-09-01", kunta=ESPOO)))
        assert coverage(person, d("2023-09-15")) == Coverage(True, COVERED)

    def test_returning_from_abroad_after_18_is_too_late_even_if_born_here(self) -> None:
        person = henkilo(
            self.BORN,
            kotikunta=(kk(self.BORN, "2015-12-31"), kk("2016-01-01", "2023-07-31", "198"), kk("2023-08-01")),
        )
        assert coverage(person, d("2023-08-15")).reason == KOTIKUNTA_GAINED_AT_18_OR_LATER

    def test_returning_from_abroad_before_18_is_in_time(self) -> None:
        person = henkilo(
            self.BORN,
            kotikunta=(kk(self.BORN, "2015-12-31"), kk("2016-01-01", "2022-07-31", "198"), kk("2022-08-01")),
        )
        assert coverage(person, d("2023-08-15")).covered

    def test_moving_from_aland_to_the_mainland_after_18_is_too_late(self) -> None:
        person = henkilo(
            self.BORN,
            kotikunta=(kk(self.BORN, "2023-05-31", MAARIANHAMINA), kk("2023-06-01")),
        )
        assert coverage(person, d("2023-06-01")).reason == KOTIKUNTA_GAINED_AT_18_OR_LATER

    def test_a_gap_in_the_register_breaks_the_run(self) -> None:
        person = henkilo(self.BORN, kotikunta=(kk(self.BORN, "2023-05-31"), kk("2023-06-02", kunta=ESPOO)))
        assert coverage(person, d("2023-06-01")).reason == NO_KOTIKUNTA_IN_FINLAND
        assert coverage(person, d("2023-06-02")).reason == KOTIKUNTA_GAINED_AT_18_OR_LATER

    def test_of_overlapping_periods_the_latest_alku_is_in_force(self) -> None:
        historia = (kk(self.BORN), kk("2022-01-01", "2022-12-31", "198"))
        assert kotikunta_on(historia, d("2022-06-01")) == historia[1]
        assert kotikunta_on(historia, d("2023-01-01")) == historia[0]

    def test_a_kotikunta_period_cannot_end_before_it_begins(self) -> None:
        with pytest.raises(ValueError):
            kk("2022-01-02", "2022-01-01")


# ================================================================================================================
# §6.2 Dates
# ================================================================================================================


class TestOppivelvollisuusUntil:
    def test_the_day_before_the_18th_birthday(self) -> None:
        assert oppivelvollisuus_until(henkilo("2005-03-10")) == ends("2023-03-09", TURNS_18)

    def test_born_29_february_2004_ends_on_27_february_2022(self) -> None:
        assert oppivelvollisuus_until(henkilo("2004-02-29")) == ends("2022-02-27", TURNS_18)

    def test_born_1_march_2006_ends_on_29_february_2024(self) -> None:
        assert oppivelvollisuus_until(henkilo("2006-03-01")) == ends("2024-02-29", TURNS_18)

    def test_a_whole_ammatillinen_tutkinto_ends_it_on_its_vahvistus_day(self) -> None:
        amis = oo(
            AMMATILLINEN_KOULUTUS,
            ("2021-08-01", LASNA),
            ("2022-05-31", VALMISTUNUT),
            suoritukset=(vahvistettu(AMMATILLINEN_TUTKINTO, "2022-05-31"),),
        )
        assert oppivelvollisuus_until(henkilo("2005-03-10", amis)) == ends(
            "2022-05-31", AMMATILLINEN_TUTKINTO_COMPLETED
        )

    def test_an_osittainen_tutkinto_ends_nothing(self) -> None:
        amis = oo(
            AMMATILLINEN_KOULUTUS,
            ("2021-08-01", LASNA),
            suoritukset=(vahvistettu(AMMATILLINEN_TUTKINTO_OSITTAINEN, "2022-05-31"),),
        )
        assert oppivelvollisuus_until(henkilo("2005-03-10", amis)) == ends("2023-03-09", TURNS_18)

    def test_the_ylioppilastutkinto_ends_it_on_its_vahvistus_day(self) -> None:
        yo = oo(YLIOPPILASTUTKINTO, suoritukset=(vahvistettu(YLIOPPILASTUTKINTO, "2022-12-20"),))
        assert oppivelvollisuus_until(henkilo("2005-03-10", yo)) == ends("2022-12-20", YLIOPPILASTUTKINTO_COMPLETED)

    def test_a_tutkinto_after_18_does_not_move_the_date(self) -> None:
        yo = oo(YLIOPPILASTUTKINTO, suoritukset=(vahvistettu(YLIOPPILASTUTKINTO, "2023-05-31"),))
        assert oppivelvollisuus_until(henkilo("2005-03-10", yo)).reason == TURNS_18

    def test_a_tutkinto_on_the_last_day_anyway_keeps_the_age_reason(self) -> None:
        yo = oo(YLIOPPILASTUTKINTO, suoritukset=(vahvistettu(YLIOPPILASTUTKINTO, "2023-03-09"),))
        assert oppivelvollisuus_until(henkilo("2005-03-10", yo)) == ends("2023-03-09", TURNS_18)

    def test_an_unconfirmed_or_voided_tutkinto_ends_nothing(self) -> None:
        unconfirmed = oo(AMMATILLINEN_KOULUTUS, ("2021-08-01", LASNA), suoritukset=(Suoritus(AMMATILLINEN_TUTKINTO),))
        voided = oo(
            AMMATILLINEN_KOULUTUS,
            ("2021-08-01", LASNA),
            suoritukset=(vahvistettu(AMMATILLINEN_TUTKINTO, "2022-05-31"),),
            mitatoity=True,
        )
        assert oppivelvollisuus_until(henkilo("2005-03-10", unconfirmed, voided)).reason == TURNS_18

    def test_vapautus_ends_it_the_day_before(self) -> None:
        person = henkilo("2005-03-10", vapautus="2022-09-01")
        assert oppivelvollisuus_until(person) == ends("2022-08-31", VAPAUTUS)


def amis_oo(*tilat: tuple[str, str], tutkinto: str | None = None) -> OpiskeluoikeusFacts:
    """An OO for a whole ammatillinen tutkinto, confirmed on `tutkinto` (None: not yet)."""
    sv = vahvistettu(AMMATILLINEN_TUTKINTO, tutkinto) if tutkinto else Suoritus(AMMATILLINEN_TUTKINTO)
    return oo(AMMATILLINEN_KOULUTUS, *tilat, suoritukset=(sv,))


def lukio_oo(*tilat: tuple[str, str]) -> OpiskeluoikeusFacts:
    return oo(LUKIOKOULUTUS, *tilat)


def yo_oo(vahvistus: str) -> OpiskeluoikeusFacts:
    return oo(YLIOPPILASTUTKINTO, suoritukset=(vahvistettu(YLIOPPILASTUTKINTO, vahvistus),))


class TestMaksuttomuusUntil:
    BORN = "2005-06-15"  # 18 on 2023-06-15, turns 20 in 2025

    def test_31_december_of_the_year_turning_20(self) -> None:
        assert maksuttomuus_until(henkilo(self.BORN)) == ends("2025-12-31", YEAR_TURNING_20)

    def test_born_29_february_2004(self) -> None:
        assert maksuttomuus_until(henkilo("2004-02-29")) == ends("2024-12-31", YEAR_TURNING_20)

    def test_a_whole_ammatillinen_tutkinto_ends_it(self) -> None:
        person = henkilo(self.BORN, amis_oo(("2021-08-01", LASNA), tutkinto="2024-05-31"))
        assert maksuttomuus_until(person) == ends("2024-05-31", AMMATILLINEN_TUTKINTO_COMPLETED)

    def test_an_osittainen_tutkinto_does_not(self) -> None:
        amis = oo(
            AMMATILLINEN_KOULUTUS,
            ("2021-08-01", LASNA),
            suoritukset=(vahvistettu(AMMATILLINEN_TUTKINTO_OSITTAINEN, "2024-05-31"),),
        )
        assert maksuttomuus_until(henkilo(self.BORN, amis)).reason == YEAR_TURNING_20

    def test_the_ylioppilastutkinto_ends_it(self) -> None:
        assert maksuttomuus_until(henkilo(self.BORN, yo_oo("2024-05-31"))) == ends(
            "2024-05-31", YLIOPPILASTUTKINTO_COMPLETED
        )

    def test_vapautus_ends_it_the_day_before(self) -> None:
        assert maksuttomuus_until(henkilo(self.BORN, vapautus="2024-01-15")) == ends("2024-01-14", VAPAUTUS)

    def test_a_tutkinto_after_the_cap_changes_nothing(self) -> None:
        assert maksuttomuus_until(henkilo(self.BORN, yo_oo("2026-05-31"))).reason == YEAR_TURNING_20


class TestYhdistelmatutkinto:
    """Ammatillinen tutkinto and YO pursued in overlapping study rights: free education lasts until the later
    is completed (DOMAIN.md §6.2; the FAQ says the reference service does not work this out)."""

    BORN = "2005-06-15"

    def test_overlapping_study_rights_keep_free_education_until_the_later(self) -> None:
        person = henkilo(
            self.BORN,
            amis_oo(("2021-08-01", LASNA), ("2024-05-31", VALMISTUNUT), tutkinto="2024-05-31"),
            lukio_oo(("2021-08-01", LASNA), ("2024-12-01", VALMISTUNUT)),
            yo_oo("2024-12-01"),
        )
        assert maksuttomuus_until(person) == ends("2024-12-01", YHDISTELMATUTKINTO_COMPLETED)
        # oppivelvollisuus is not extended: it ended at 18 anyway
        assert oppivelvollisuus_until(person) == ends("2023-06-14", TURNS_18)

    def test_yo_first_then_ammatillinen(self) -> None:
        person = henkilo(
            self.BORN,
            amis_oo(("2021-08-01", LASNA), tutkinto="2025-02-28"),
            lukio_oo(("2021-08-01", LASNA), ("2024-05-31", VALMISTUNUT)),
            yo_oo("2024-05-31"),
        )
        assert maksuttomuus_until(person) == ends("2025-02-28", YHDISTELMATUTKINTO_COMPLETED)

    def test_still_capped_at_the_end_of_the_year_turning_20(self) -> None:
        person = henkilo(
            self.BORN,
            amis_oo(("2021-08-01", LASNA), tutkinto="2024-05-31"),
            lukio_oo(("2021-08-01", LASNA)),
            yo_oo("2026-03-15"),
        )
        assert maksuttomuus_until(person) == ends("2025-12-31", YEAR_TURNING_20)

    def test_one_completed_and_the_other_still_pursued_runs_on(self) -> None:
        person = henkilo(
            self.BORN,
            amis_oo(("2021-08-01", LASNA), ("2024-05-31", VALMISTUNUT), tutkinto="2024-05-31"),
            lukio_oo(("2021-08-01", LASNA)),
        )
        assert maksuttomuus_until(person).reason == YEAR_TURNING_20

    def test_non_overlapping_study_rights_end_at_the_first_tutkinto(self) -> None:
        person = henkilo(
            self.BORN,
            amis_oo(("2021-08-01", LASNA), ("2023-05-31", VALMISTUNUT), tutkinto="2023-05-31"),
            lukio_oo(("2023-08-10", LASNA)),
            yo_oo("2024-12-01"),
        )
        assert maksuttomuus_until(person) == ends("2023-05-31", AMMATILLINEN_TUTKINTO_COMPLETED)

    def test_adjacent_is_not_overlapping_but_one_shared_day_is(self) -> None:
        adjacent = henkilo(
            self.BORN,
            amis_oo(("2021-08-01", LASNA), ("2022-06-01", ERONNUT)),  # last active day 2022-05-31
            lukio_oo(("2022-06-01", LASNA)),
        )
        assert yhdistelmatutkinto(adjacent) is None
        shared = henkilo(
            self.BORN,
            amis_oo(("2021-08-01", LASNA), ("2022-06-01", ERONNUT)),
            lukio_oo(("2022-05-31", LASNA)),
        )
        pair = yhdistelmatutkinto(shared)
        assert pair is not None and pair.alkaen == d("2022-05-31")

    def test_a_temporary_interruption_still_counts_as_pursuing(self) -> None:
        person = henkilo(
            self.BORN,
            amis_oo(("2021-08-01", VALIAIKAISESTI_KESKEYTYNYT), tutkinto="2024-05-31"),
            lukio_oo(("2021-08-01", LASNA)),
            yo_oo("2024-12-01"),
        )
        assert maksuttomuus_until(person).reason == YHDISTELMATUTKINTO_COMPLETED

    def test_ammatillinen_done_and_lukio_dropped_ends_when_both_happened(self) -> None:
        person = henkilo(
            self.BORN,
            amis_oo(("2021-08-01", LASNA), ("2024-05-31", VALMISTUNUT), tutkinto="2024-05-31"),
            lukio_oo(("2021-08-01", LASNA), ("2024-10-01", ERONNUT)),
        )
        assert maksuttomuus_until(person) == ends("2024-09-30", YHDISTELMATUTKINTO_OTHER_PART_DROPPED)

    def test_lukio_dropped_before_the_ammatillinen_tutkinto_ends_at_the_tutkinto(self) -> None:
        person = henkilo(
            self.BORN,
            amis_oo(("2021-08-01", LASNA), tutkinto="2024-05-31"),
            lukio_oo(("2021-08-01", LASNA), ("2023-01-15", KATSOTAAN_ERONNEEKSI)),
        )
        assert maksuttomuus_until(person) == ends("2024-05-31", YHDISTELMATUTKINTO_OTHER_PART_DROPPED)

    def test_yo_done_and_ammatillinen_dropped(self) -> None:
        person = henkilo(
            self.BORN,
            amis_oo(("2021-08-01", LASNA), ("2024-09-01", ERONNUT)),
            lukio_oo(("2021-08-01", LASNA), ("2024-05-31", VALMISTUNUT)),
            yo_oo("2024-05-31"),
        )
        assert maksuttomuus_until(person) == ends("2024-08-31", YHDISTELMATUTKINTO_OTHER_PART_DROPPED)

    def test_a_tutkinto_from_an_earlier_separate_ammatillinen_oo_still_ends_it(self) -> None:
        person = henkilo(
            self.BORN,
            amis_oo(("2020-08-01", LASNA), ("2022-12-20", VALMISTUNUT), tutkinto="2022-12-20"),
            amis_oo(("2023-01-10", LASNA)),
            lukio_oo(("2023-01-10", LASNA)),
        )
        assert maksuttomuus_until(person) == ends("2022-12-20", AMMATILLINEN_TUTKINTO_COMPLETED)

    def test_a_yo_completed_before_the_overlap_began_ends_it(self) -> None:
        person = henkilo(
            self.BORN,
            yo_oo("2022-12-20"),
            amis_oo(("2023-01-10", LASNA), tutkinto="2024-05-31"),
            lukio_oo(("2023-01-10", LASNA)),
        )
        assert maksuttomuus_until(person) == ends("2022-12-20", YLIOPPILASTUTKINTO_COMPLETED)

    def test_a_vapautus_still_ends_it_earlier(self) -> None:
        person = henkilo(
            self.BORN,
            amis_oo(("2021-08-01", LASNA), tutkinto="2024-05-31"),
            lukio_oo(("2021-08-01", LASNA)),
            yo_oo("2024-12-01"),
            vapautus="2023-09-01",
        )
        assert maksuttomuus_until(person) == ends("2023-08-31", VAPAUTUS)

    def test_a_ylioppilastutkinto_oo_with_active_tilat_pairs_too(self) -> None:
        yo = oo(
            YLIOPPILASTUTKINTO,
            ("2022-01-01", LASNA),
            suoritukset=(vahvistettu(YLIOPPILASTUTKINTO, "2024-12-01"),),
        )
        person = henkilo(self.BORN, amis_oo(("2021-08-01", LASNA), tutkinto="2024-05-31"), yo)
        assert maksuttomuus_until(person) == ends("2024-12-01", YHDISTELMATUTKINTO_COMPLETED)

    def test_a_ylioppilastutkinto_oo_without_tilat_cannot_show_an_overlap(self) -> None:
        # Decision: overlap is read from active tilat only; a bare YO record pairs with nothing.
        person = henkilo(self.BORN, amis_oo(("2021-08-01", LASNA), tutkinto="2024-05-31"), yo_oo("2024-12-01"))
        assert maksuttomuus_until(person) == ends("2024-05-31", AMMATILLINEN_TUTKINTO_COMPLETED)

    @pytest.mark.parametrize(
        "suoritus", [Suoritus("valma"), Suoritus("telma"), vahvistettu(AMMATILLINEN_TUTKINTO_OSITTAINEN, "2024-05-31")]
    )
    def test_ammatillinen_training_for_no_whole_tutkinto_is_no_yhdistelma(self, suoritus: Suoritus) -> None:
        # Koski records VALMA, TELMA and osittainen tutkinnot as ammatillinenkoulutus too: the YO ends it alone
        valma = oo(AMMATILLINEN_KOULUTUS, ("2021-08-01", LASNA), ("2022-05-31", VALMISTUNUT), suoritukset=(suoritus,))
        person = henkilo(
            self.BORN, valma, lukio_oo(("2021-08-01", LASNA), ("2024-05-31", VALMISTUNUT)), yo_oo("2024-05-31")
        )
        assert yhdistelmatutkinto(person) is None
        assert maksuttomuus_until(person) == ends("2024-05-31", YLIOPPILASTUTKINTO_COMPLETED)

    @pytest.mark.parametrize(
        ("tila", "until"),
        [
            (KESKEYTYNYT, ends("2024-09-30", YHDISTELMATUTKINTO_OTHER_PART_DROPPED)),
            (PAATTYNYT, ends("2024-09-30", YHDISTELMATUTKINTO_OTHER_PART_DROPPED)),
            (HYVAKSYTYSTI_SUORITETTU, ends("2025-12-31", YEAR_TURNING_20)),  # completed: the YO may still follow
        ],
    )
    def test_koskis_other_final_tilat_of_the_lukio(self, tila: str, until: DateDecision) -> None:
        person = henkilo(
            self.BORN,
            amis_oo(("2021-08-01", LASNA), ("2024-05-31", VALMISTUNUT), tutkinto="2024-05-31"),
            lukio_oo(("2021-08-01", LASNA), ("2024-10-01", tila)),
        )
        assert maksuttomuus_until(person) == until

    def test_a_lukio_oo_that_was_never_active_does_not_pair(self) -> None:
        person = henkilo(
            self.BORN,
            amis_oo(("2021-08-01", LASNA), tutkinto="2024-05-31"),
            lukio_oo(("2021-08-01", ERONNUT)),
            yo_oo("2024-12-01"),
        )
        assert maksuttomuus_until(person) == ends("2024-05-31", AMMATILLINEN_TUTKINTO_COMPLETED)


# ================================================================================================================
# Oppivelvollinen on a day
# ================================================================================================================


class TestOppivelvollinenOn:
    def test_until_the_day_before_the_18th_birthday_then_off_the_lists(self) -> None:
        person = henkilo("2005-03-10")
        assert oppivelvollinen_on(person, d("2023-03-09")) == Verdict(True, OPPIVELVOLLINEN)
        assert oppivelvollinen_on(person, d("2023-03-10")) == Verdict(False, TURNS_18)

    def test_born_29_february(self) -> None:
        person = henkilo("2004-02-29")
        assert oppivelvollinen_on(person, d("2022-02-27"))
        assert not oppivelvollinen_on(person, d("2022-02-28"))

    def test_a_vapautus_in_force_ends_it(self) -> None:
        person = henkilo("2006-03-01", vapautus="2022-09-01")
        assert oppivelvollinen_on(person, d("2022-08-31"))
        assert oppivelvollinen_on(person, d("2022-09-01")) == Verdict(False, VAPAUTUS)

    def test_a_completed_tutkinto_ends_it_after_its_day(self) -> None:
        person = henkilo("2005-03-10", amis_oo(("2021-08-01", LASNA), tutkinto="2022-05-31"))
        assert oppivelvollinen_on(person, d("2022-05-31"))
        assert oppivelvollinen_on(person, d("2022-06-01")) == Verdict(False, AMMATILLINEN_TUTKINTO_COMPLETED)

    def test_not_covered_says_why(self) -> None:
        person = henkilo("2006-03-01", kotikunta=(kk("2006-03-01", kunta="198"),))
        assert oppivelvollinen_on(person, TODAY) == Verdict(False, KOTIKUNTA_ABROAD_OR_UNKNOWN)

    def test_it_begins_in_the_year_the_child_turns_7(self) -> None:
        person = henkilo("2016-05-01")
        assert oppivelvollinen_on(person, d("2022-12-31")) == Verdict(False, OPPIVELVOLLISUUS_NOT_STARTED)
        assert oppivelvollinen_on(person, d("2023-01-01"))

    def test_a_keskeytys_changes_no_dates(self) -> None:
        keskeytys = ((d("2022-01-10"), None),)
        person = henkilo("2005-03-10", keskeytykset=keskeytys)
        assert keskeytetty_on(person, d("2022-06-01"))
        assert not keskeytetty_on(person, d("2022-01-09"))
        assert oppivelvollinen_on(person, d("2022-06-01"))
        assert oppivelvollisuus_until(person) == oppivelvollisuus_until(henkilo("2005-03-10"))
        assert maksuttomuus_until(person) == maksuttomuus_until(henkilo("2005-03-10"))


# ================================================================================================================
# §6.3 Suorittaminen, automaattinen tarkistus, yhteishaku warning
# ================================================================================================================


class TestSuorittaa:
    @pytest.mark.parametrize("tyyppi", sorted(QUALIFYING_TYYPIT))
    def test_every_qualifying_type_counts_when_lasna(self, tyyppi: str) -> None:
        opiskelu = oo(tyyppi, ("2022-08-10", LASNA))
        result = suorittaa(henkilo("2006-03-01", opiskelu), TODAY)
        assert result.suorittaa and result.reason == ACTIVE_OPISKELUOIKEUS
        assert result.opiskeluoikeus_oid == opiskelu.oid

    @pytest.mark.parametrize("tila", [LASNA, VALIAIKAISESTI_KESKEYTYNYT, LOMA])
    def test_active_tilat(self, tila: str) -> None:
        assert suorittaa(henkilo("2006-03-01", lukio_oo(("2022-08-10", tila))), TODAY)

    @pytest.mark.parametrize("tila", [ERONNUT, KATSOTAAN_ERONNEEKSI, VALMISTUNUT, "peruutettu"])
    def test_ended_tilat(self, tila: str) -> None:
        person = henkilo("2006-03-01", lukio_oo(("2021-08-10", LASNA), ("2022-06-01", tila)))
        assert suorittaa(person, TODAY) == Suorittaminen(False, NO_ACTIVE_OPISKELUOIKEUS)

    @pytest.mark.parametrize("tyyppi", [YLIOPPILASTUTKINTO, "korkeakoulutus", "muukuinsaanneltykoulutus"])
    def test_other_types_do_not_count(self, tyyppi: str) -> None:
        assert not suorittaa(henkilo("2006-03-01", oo(tyyppi, ("2022-08-10", LASNA))), TODAY)

    def test_a_future_oo_does_not_count_yet_but_is_named(self) -> None:
        tuleva = lukio_oo(("2022-10-01", LASNA))
        person = henkilo("2006-03-01", tuleva)
        assert suorittaa(person, d("2022-09-30")) == Suorittaminen(False, OPISKELUOIKEUS_STARTS_LATER, tuleva.oid)
        assert suorittaa(person, d("2022-10-01")) == Suorittaminen(True, ACTIVE_OPISKELUOIKEUS, tuleva.oid)

    def test_a_voided_oo_does_not_count(self) -> None:
        voided = oo(LUKIOKOULUTUS, ("2022-08-10", LASNA), mitatoity=True)
        assert not suorittaa(henkilo("2006-03-01", voided), TODAY)

    def test_an_oo_whose_alku_is_in_the_future_does_not_count(self) -> None:
        odd = oo(LUKIOKOULUTUS, ("2022-08-10", LASNA), alku="2022-10-01")
        assert not suorittaa(henkilo("2006-03-01", odd), TODAY)


class TestAutomaattinenTarkistus:
    BORN = "2005-09-01"  # 18 on 2023-09-01

    def between_schools(
        self, kotikunta: tuple[KotikuntaJakso, ...] | None = None, turvakielto: bool = False
    ) -> HenkiloFacts:
        """Perusopetus done end of May 2021 (not before 2021), lukio starts 2021-08-11 (FAQ summer case)."""
        return henkilo(
            self.BORN,
            peruskoulu("2021-05-29"),
            lukio_oo(("2021-08-11", LASNA)),
            kotikunta=kotikunta,
            turvakielto=turvakielto,
        )

    def test_between_schools_over_the_summer_appears(self) -> None:
        person = self.between_schools()
        assert on_automaattinen_tarkistus(person, HELSINKI, d("2021-06-15")) == Verdict(True, AUTOMAATTINEN_TARKISTUS)
        assert on_automaattinen_tarkistus(person, HELSINKI, d("2021-08-10"))

    def test_the_new_oo_removes_them_on_its_first_day(self) -> None:
        person = self.between_schools()
        assert on_automaattinen_tarkistus(person, HELSINKI, d("2021-08-11")) == Verdict(False, ACTIVE_OPISKELUOIKEUS)

    def test_still_in_perusopetus_is_not_listed(self) -> None:
        person = self.between_schools()
        assert not on_automaattinen_tarkistus(person, HELSINKI, d("2021-05-28"))

    def test_only_the_kotikunta_sees_them(self) -> None:
        person = self.between_schools()
        assert on_automaattinen_tarkistus(person, ESPOO, d("2021-06-15")) == Verdict(False, KOTIKUNTA_ELSEWHERE)
        assert on_automaattinen_tarkistus(person, "91", d("2021-06-15"))

    def test_after_moving_the_new_kunta_sees_them(self) -> None:
        person = self.between_schools(kotikunta=(kk(self.BORN, "2021-06-30"), kk("2021-07-01", kunta=ESPOO)))
        assert on_automaattinen_tarkistus(person, HELSINKI, d("2021-06-30"))
        assert not on_automaattinen_tarkistus(person, HELSINKI, d("2021-07-01"))
        assert on_automaattinen_tarkistus(person, ESPOO, d("2021-07-01"))

    def test_turvakielto_persons_are_not_listed(self) -> None:
        person = self.between_schools(turvakielto=True)
        assert on_automaattinen_tarkistus(person, HELSINKI, d("2021-06-15")) == Verdict(False, TURVAKIELTO)

    def test_exempted_persons_are_not_listed(self) -> None:
        person = henkilo(self.BORN, vapautus="2022-08-15")
        assert on_automaattinen_tarkistus(person, HELSINKI, d("2022-08-14"))
        assert on_automaattinen_tarkistus(person, HELSINKI, d("2022-08-15")) == Verdict(False, VAPAUTUS)

    def test_at_18_they_leave_the_list(self) -> None:
        person = henkilo(self.BORN)
        assert on_automaattinen_tarkistus(person, HELSINKI, d("2023-08-31"))
        assert on_automaattinen_tarkistus(person, HELSINKI, d("2023-09-01")) == Verdict(False, TURNS_18)

    def test_moved_abroad_leaves_the_list(self) -> None:
        person = henkilo(self.BORN, kotikunta=(kk(self.BORN, "2022-01-31"), kk("2022-02-01", kunta="200")))
        assert on_automaattinen_tarkistus(person, HELSINKI, d("2022-02-01")) == Verdict(
            False, KOTIKUNTA_ABROAD_OR_UNKNOWN
        )

    def test_a_temporarily_interrupted_study_right_keeps_them_off(self) -> None:
        person = henkilo(self.BORN, lukio_oo(("2021-08-11", LASNA), ("2022-01-01", VALIAIKAISESTI_KESKEYTYNYT)))
        assert not on_automaattinen_tarkistus(person, HELSINKI, d("2022-03-01"))

    def test_a_dropout_appears(self) -> None:
        person = henkilo(self.BORN, amis_oo(("2021-08-11", LASNA), ("2022-02-14", ERONNUT)))
        assert on_automaattinen_tarkistus(person, HELSINKI, d("2022-02-14"))

    def test_small_children_are_not_listed(self) -> None:
        person = henkilo("2018-04-01")
        assert on_automaattinen_tarkistus(person, HELSINKI, d("2024-06-01")) == Verdict(
            False, OPPIVELVOLLISUUS_NOT_STARTED
        )

    def test_a_keskeytys_does_not_remove_them(self) -> None:
        person = henkilo(self.BORN, keskeytykset=((d("2022-01-01"), d("2022-12-31")),))
        assert on_automaattinen_tarkistus(person, HELSINKI, d("2022-06-01"))


class TestYhteishakuWarning:
    BORN = "2006-04-01"
    RESULT_DAY = d("2022-06-20")

    def test_no_place_and_no_study_place_shows_the_warning(self) -> None:
        person = henkilo(self.BORN, peruskoulu("2022-06-04"))
        assert ei_paikkaa_yhteishaussa_warning(person, False, self.RESULT_DAY) == Verdict(True, NO_PLACE_IN_YHTEISHAKU)

    def test_got_a_place(self) -> None:
        person = henkilo(self.BORN, peruskoulu("2022-06-04"))
        assert ei_paikkaa_yhteishaussa_warning(person, True, self.RESULT_DAY) == Verdict(False, GOT_PLACE_IN_YHTEISHAKU)

    def test_no_yhteishaku_result(self) -> None:
        assert ei_paikkaa_yhteishaussa_warning(henkilo(self.BORN), None, self.RESULT_DAY) == Verdict(
            False, NO_YHTEISHAKU_RESULT
        )

    def test_it_clears_once_an_active_oo_exists(self) -> None:
        # e.g. a place through jatkuva haku: the FAQ's reference service keeps the warning; we clear it.
        jatkuva_haku = amis_oo(("2022-08-15", LASNA))
        person = henkilo(self.BORN, peruskoulu("2022-06-04"), jatkuva_haku)
        assert ei_paikkaa_yhteishaussa_warning(person, False, d("2022-08-14"))
        assert ei_paikkaa_yhteishaussa_warning(person, False, d("2022-08-15")) == Verdict(False, ACTIVE_OPISKELUOIKEUS)

    @pytest.mark.parametrize("tyyppi", [TUVA, PERUSOPETUKSEN_LISAOPETUS, LUKIOKOULUTUS])
    def test_any_study_place_after_perusopetus_clears_it(self, tyyppi: str) -> None:
        person = henkilo(self.BORN, oo(tyyppi, ("2022-08-15", LASNA)))
        assert not ei_paikkaa_yhteishaussa_warning(person, False, d("2022-09-01"))

    def test_the_perusopetus_being_left_does_not_clear_it(self) -> None:
        person = henkilo(self.BORN, oo(PERUSOPETUS, ("2013-08-15", LASNA)))
        assert ei_paikkaa_yhteishaussa_warning(person, False, self.RESULT_DAY)


# ================================================================================================================
# Explanations
# ================================================================================================================

ALL_REASONS = [
    COVERED,
    COVERED_TURVAKIELTO,
    BORN_BEFORE_2004,
    PERUSOPETUS_VALMISTUNUT_BEFORE_2021,
    NO_KOTIKUNTA_IN_FINLAND,
    KOTIKUNTA_IN_AHVENANMAA,
    KOTIKUNTA_ABROAD_OR_UNKNOWN,
    KOTIKUNTA_GAINED_AT_18_OR_LATER,
    TURNS_18,
    YEAR_TURNING_20,
    AMMATILLINEN_TUTKINTO_COMPLETED,
    YLIOPPILASTUTKINTO_COMPLETED,
    YHDISTELMATUTKINTO_COMPLETED,
    YHDISTELMATUTKINTO_OTHER_PART_DROPPED,
    VAPAUTUS,
    OPPIVELVOLLINEN,
    OPPIVELVOLLISUUS_NOT_STARTED,
    ACTIVE_OPISKELUOIKEUS,
    OPISKELUOIKEUS_STARTS_LATER,
    NO_ACTIVE_OPISKELUOIKEUS,
    AUTOMAATTINEN_TARKISTUS,
    TURVAKIELTO,
    KOTIKUNTA_ELSEWHERE,
    NO_PLACE_IN_YHTEISHAKU,
    GOT_PLACE_IN_YHTEISHAKU,
    NO_YHTEISHAKU_RESULT,
]


def test_every_reason_code_has_an_english_explanation() -> None:
    assert sorted(REASON_TEXTS) == sorted(ALL_REASONS)
    assert all(explain(r) and explain(r) != r for r in ALL_REASONS)
    assert explain(PERUSOPETUS_VALMISTUNUT_ENNEN_15V) == DATA_QUALITY_TEXTS[PERUSOPETUS_VALMISTUNUT_ENNEN_15V]


def test_answers_carry_their_explanation() -> None:
    result = coverage(henkilo("2003-12-31"), TODAY)
    assert "2004" in result.explanation


# ================================================================================================================
# Properties
# ================================================================================================================

KUNNAT = [HELSINKI, ESPOO, MAARIANHAMINA, "198", "200", "035"]
days_2004_2012 = st.dates(min_value=date(2003, 10, 1), max_value=date(2012, 12, 31))
days_2018_2032 = st.dates(min_value=date(2018, 1, 1), max_value=date(2032, 12, 31))


@st.composite
def tilat(draw: st.DrawFn) -> tuple[tuple[str, str], ...]:
    starts = sorted(draw(st.sets(days_2018_2032, min_size=0, max_size=4)))
    names = st.sampled_from([LASNA, LOMA, VALIAIKAISESTI_KESKEYTYNYT, ERONNUT, VALMISTUNUT, KATSOTAAN_ERONNEEKSI])
    return tuple((s.isoformat(), draw(names)) for s in starts)


@st.composite
def opiskeluoikeudet(draw: st.DrawFn) -> OpiskeluoikeusFacts:
    tyyppi = draw(st.sampled_from([AMMATILLINEN_KOULUTUS, LUKIOKOULUTUS, YLIOPPILASTUTKINTO, PERUSOPETUS, TUVA]))
    suoritus_tyyppi = draw(
        st.sampled_from(
            [AMMATILLINEN_TUTKINTO, AMMATILLINEN_TUTKINTO_OSITTAINEN, YLIOPPILASTUTKINTO, PERUSOPETUKSEN_OPPIMAARA]
        )
    )
    vahvistus = draw(st.none() | days_2018_2032)
    suoritukset = (Suoritus(suoritus_tyyppi, vahvistus=vahvistus),) if draw(st.booleans()) else ()
    return oo(tyyppi, *draw(tilat()), suoritukset=suoritukset, mitatoity=draw(st.booleans()))


@st.composite
def kotikunnat(draw: st.DrawFn, born: date) -> tuple[KotikuntaJakso, ...]:
    """A non-overlapping history from birth, with random gaps and codes."""
    cuts = sorted(draw(st.sets(st.integers(min_value=1, max_value=365 * 30), max_size=4)))
    rows: list[KotikuntaJakso] = []
    start = born + timedelta(days=draw(st.integers(min_value=0, max_value=365 * 20)))
    for cut in cuts:
        end = born + timedelta(days=cut)
        if end < start:
            continue
        rows.append(KotikuntaJakso(start, end, draw(st.sampled_from(KUNNAT))))
        start = end + timedelta(days=draw(st.integers(min_value=1, max_value=3)))
    rows.append(KotikuntaJakso(start, None, draw(st.sampled_from(KUNNAT))))
    return tuple(rows)


@st.composite
def henkilot(draw: st.DrawFn) -> HenkiloFacts:
    born = draw(days_2004_2012)
    return HenkiloFacts(
        oppija_oid="1.2.246.562.24.00000000001",
        syntymaaika=born,
        kotikunta_historia=draw(kotikunnat(born)),
        turvakielto=draw(st.sampled_from([False, False, False, True])),
        opiskeluoikeudet=tuple(draw(st.lists(opiskeluoikeudet(), max_size=4))),
        vapautus=draw(st.none() | days_2018_2032),
    )


@settings(max_examples=300, deadline=None)
@given(henkilot())
def test_oppivelvollisuus_ends_no_later_than_maksuttomuus(person: HenkiloFacts) -> None:
    assert oppivelvollisuus_until(person).date <= maksuttomuus_until(person).date


@settings(max_examples=300, deadline=None)
@given(henkilot())
def test_oppivelvollisuus_ends_before_the_18th_birthday(person: HenkiloFacts) -> None:
    assert oppivelvollisuus_until(person).date < eighteenth_birthday(person)


@settings(max_examples=300, deadline=None)
@given(henkilot())
def test_maksuttomuus_never_outlasts_the_year_turning_20(person: HenkiloFacts) -> None:
    assert maksuttomuus_until(person).date <= date(person.syntymaaika.year + 20, 12, 31)


@given(days_2004_2012)
def test_without_events_oppivelvollisuus_ends_the_day_before_the_18th_birthday(born: date) -> None:
    until = oppivelvollisuus_until(henkilo(born.isoformat())).date
    birthday = until + timedelta(days=1)
    assert birthday.year == born.year + 18
    if (born.month, born.day) == (2, 29):
        assert (birthday.month, birthday.day) in {(2, 28), (2, 29)}
    else:
        assert (birthday.month, birthday.day) == (born.month, born.day)


@settings(max_examples=300, deadline=None)
@given(henkilot(), days_2018_2032, st.sampled_from(KUNNAT))
def test_every_answer_is_explained(person: HenkiloFacts, today: date, kunta: str) -> None:
    cov = coverage(person, today)
    reasons = [
        cov.reason,
        oppivelvollisuus_until(person).reason,
        maksuttomuus_until(person).reason,
        oppivelvollinen_on(person, today).reason,
        suorittaa(person, today).reason,
        on_automaattinen_tarkistus(person, kunta, today).reason,
        ei_paikkaa_yhteishaussa_warning(person, False, today).reason,
    ]
    assert all(r in REASON_TEXTS for r in reasons)
    assert all(f in DATA_QUALITY_TEXTS for f in cov.data_quality_flags)


@settings(max_examples=300, deadline=None)
@given(henkilot(), days_2018_2032, st.sampled_from(KUNNAT))
def test_the_automaattinen_tarkistus_list_holds_exactly_the_rule(person: HenkiloFacts, today: date, kunta: str) -> None:
    listed = bool(on_automaattinen_tarkistus(person, kunta, today))
    current = kotikunta_on(person.kotikunta_historia, today)
    expected = (
        coverage(person, today).covered
        and not person.turvakielto
        and current is not None
        and current.kuntakoodi == kunta
        and oppivelvollinen_on(person, today).value
        and (person.vapautus is None or today < person.vapautus)
        and not suorittaa(person, today).suorittaa
    )
    assert listed == expected


@settings(max_examples=200, deadline=None)
@given(henkilot(), days_2018_2032, st.randoms(use_true_random=False))
def test_the_order_of_the_facts_does_not_matter(person: HenkiloFacts, today: date, rnd: object) -> None:
    import random

    assert isinstance(rnd, random.Random)
    oos = list(person.opiskeluoikeudet)
    historia = list(person.kotikunta_historia)
    rnd.shuffle(oos)
    rnd.shuffle(historia)
    shuffled = HenkiloFacts(
        person.oppija_oid,
        person.syntymaaika,
        tuple(historia),
        person.turvakielto,
        tuple(oos),
        person.vapautus,
    )
    assert coverage(shuffled, today) == coverage(person, today)
    assert oppivelvollisuus_until(shuffled) == oppivelvollisuus_until(person)
    assert maksuttomuus_until(shuffled) == maksuttomuus_until(person)
    assert suorittaa(shuffled, today) == suorittaa(person, today)


@settings(max_examples=200, deadline=None)
@given(henkilot(), days_2018_2032)
def test_oppivelvollinen_only_while_covered_and_before_the_end(person: HenkiloFacts, today: date) -> None:
    if oppivelvollinen_on(person, today):
        assert coverage(person, today).covered
        assert today <= oppivelvollisuus_until(person).date
        assert person.vapautus is None or today < person.vapautus
        assert today < eighteenth_birthday(person)


@settings(max_examples=300, deadline=None)
@given(
    days_2004_2012,
    st.dates(min_value=date(2019, 8, 1), max_value=date(2023, 8, 1)),
    st.none() | days_2018_2032,
    st.none() | days_2018_2032,
    st.none() | days_2018_2032,
)
def test_a_yhdistelmatutkinto_ends_at_the_later_completion(
    born: date, alku: date, amm: date | None, yo: date | None, vapautus: date | None
) -> None:
    """Both study rights active from `alku` and never ended: only both completions (or the cap, or a vapautus)
    end free education. Completions before the overlap began are left out (they would end it on their own)."""
    amm = amm if amm is None or amm >= alku else None
    yo = yo if yo is None or yo >= alku else None
    person = HenkiloFacts(
        oppija_oid="1.2.246.562.24.00000000001",
        syntymaaika=born,
        kotikunta_historia=(KotikuntaJakso(born, None, HELSINKI),),
        opiskeluoikeudet=(
            amis_oo((alku.isoformat(), LASNA), tutkinto=amm.isoformat() if amm else None),
            lukio_oo((alku.isoformat(), LASNA)),
            *((yo_oo(yo.isoformat()),) if yo else ()),
        ),
        vapautus=vapautus,
    )
    candidates = [date(born.year + 20, 12, 31)]
    if amm and yo:
        candidates.append(max(amm, yo))
    if vapautus:
        candidates.append(vapautus - timedelta(days=1))
    assert maksuttomuus_until(person).date == min(candidates)
