"""The HOKS plan rules of DOMAIN.md §2, one refusal at a time, each with the field path it names."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from models.rules.hoks import (
    MAX_HANKKIMISTAVAT,
    MAX_HANKKIMISTAVAT_PER_OSA,
    MAX_KESKEYTYMISAJANJAKSOT,
    MAX_KESKEYTYMISAJANJAKSOT_PER_TAPA,
    MAX_TUTKINNON_OSAT,
    HankkimistapaPlan,
    HoksPlan,
    Keskeytymisajanjakso,
    TutkinnonOsaPlan,
    clean,
    validate_hankkimistapa,
    validate_plan,
    validate_size,
)
from models.rules.tunnisteet import OPISKELUOIKEUS_NODE, OPPIJA_NODE, make_oid

TODAY = date(2024, 3, 1)
OPPIJA = make_oid(OPPIJA_NODE, "1234567890")
OO = make_oid(OPISKELUOIKEUS_NODE, "1234567890")
JAKSO = HankkimistapaPlan(
    tyyppi="koulutussopimus",
    alku=date(2023, 9, 1),
    loppu=date(2023, 12, 15),
    yksiloiva_tunniste="j1",
    tyopaikan_nimi="Autokorjaamo Oy",
    ytunnus="1572860-0",
    ohjaaja_nimi="Matti Meikäläinen",
    ohjaaja_sahkoposti="matti@example.fi",
)


def plan(*tavat: HankkimistapaPlan, **top: object) -> HoksPlan:
    base = HoksPlan(
        oppija_oid=OPPIJA,
        opiskeluoikeus_oid=OO,
        ensikertainen_hyvaksyminen=date(2023, 8, 15),
        tutkinnon_osat=(TutkinnonOsaPlan("106727", "Ajoneuvon huoltotyöt", tavat or (JAKSO,)),),
    )
    return replace(base, **top)  # type: ignore[arg-type]


def codes(tapa: HankkimistapaPlan) -> dict[str, str]:
    return {e.field.removeprefix("t."): e.code for e in validate_hankkimistapa(tapa, "t")}


def test_a_complete_plan_is_valid() -> None:
    assert validate_plan(plan(), TODAY) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("oppija_oid", make_oid(OPISKELUOIKEUS_NODE, "1234567890")), ("opiskeluoikeus_oid", "1.2.246.562.15.1")],
)
def test_oids_must_match_koskis_patterns(field: str, value: str) -> None:
    errors = validate_plan(plan(**{field: value}), TODAY)
    assert [(e.field, e.code) for e in errors] == [(field, "INVALID_OID")]


@pytest.mark.parametrize(
    ("pvm", "code"),
    [
        (date(2017, 12, 31), "DATE_TOO_EARLY"),
        (date(2018, 1, 1), None),
        (date(2024, 3, 15), None),  # today + 14
        (date(2024, 3, 16), "DATE_TOO_LATE"),  # today + 15
    ],
)
def test_osaamisen_saavuttamisen_pvm_between_2018_and_today_plus_14(pvm: date, code: str | None) -> None:
    errors = validate_plan(plan(osaamisen_saavuttamisen_pvm=pvm), TODAY)
    assert [e.code for e in errors] == ([code] if code else [])
    assert all(e.field == "osaamisen_saavuttamisen_pvm" for e in errors)


def test_learner_email_must_look_like_one() -> None:
    errors = validate_plan(plan(sahkoposti="aino(at)example.fi"), TODAY)
    assert [(e.field, e.code) for e in errors] == [("sahkoposti", "INVALID_EMAIL")]


def test_alku_must_not_be_after_loppu() -> None:
    assert codes(replace(JAKSO, alku=date(2023, 12, 16))) == {"loppu": "BEFORE_START"}
    assert codes(replace(JAKSO, alku=date(2023, 12, 15))) == {}  # a one-day jakso


@pytest.mark.parametrize(
    ("alku", "loppu", "ok"),
    [
        (date(2020, 1, 10), date(2025, 1, 10), True),  # the same calendar day five years later
        (date(2020, 1, 10), date(2025, 1, 11), False),
        (date(2020, 2, 29), date(2025, 2, 28), True),  # 29.2. → 28.2. in a common year
        (date(2020, 2, 29), date(2025, 3, 1), False),
        (date(2019, 2, 28), date(2024, 2, 28), True),
        (date(2019, 2, 28), date(2024, 2, 29), False),  # a leap day after the same day is one day too many
    ],
)
def test_jakso_lasts_at_most_five_years(alku: date, loppu: date, ok: bool) -> None:
    assert codes(replace(JAKSO, alku=alku, loppu=loppu)) == ({} if ok else {"loppu": "TOO_LONG"})


@pytest.mark.parametrize(("value", "ok"), [(0, False), (1, True), (50, True), (100, True), (101, False), (None, True)])
def test_osa_aikaisuus_is_1_to_100_or_absent(value: int | None, ok: bool) -> None:
    assert codes(replace(JAKSO, osa_aikaisuus=value)) == ({} if ok else {"osa_aikaisuus": "OUT_OF_RANGE"})


@pytest.mark.parametrize(
    ("field", "code", "value"),
    [
        ("tyopaikan_nimi", "REQUIRED", None),
        ("ytunnus", "REQUIRED", None),
        ("ytunnus", "INVALID_YTUNNUS", "1572860-1"),
        ("ytunnus", "INVALID_YTUNNUS", "0010001-0"),
        ("ohjaaja_nimi", "REQUIRED", None),
    ],
)
def test_tyopaikkajakso_requires_workplace_ytunnus_and_ohjaaja(field: str, code: str, value: str | None) -> None:
    for tyyppi in ("koulutussopimus", "oppisopimus"):
        tapa = replace(JAKSO, tyyppi=tyyppi, oppisopimuksen_perusta="tyosuhde", **{field: value})
        assert codes(tapa) == {field: code}


def test_ohjaaja_contact_may_be_missing_at_save_time() -> None:
    assert codes(replace(JAKSO, ohjaaja_sahkoposti=None, ohjaaja_puhelinnumero=None)) == {}


def test_other_hankkimistavat_need_no_workplace() -> None:
    for tyyppi in ("oppilaitosmuotoinen", "muu"):
        assert codes(HankkimistapaPlan(tyyppi, date(2023, 9, 1), date(2023, 10, 1))) == {}
    assert codes(HankkimistapaPlan("etaopiskelu", date(2023, 9, 1), date(2023, 10, 1))) == {"tyyppi": "INVALID_CHOICE"}


@pytest.mark.parametrize(("perusta", "ok"), [("tyosuhde", True), ("yrittaja", True), (None, False), ("muu", False)])
def test_oppisopimus_needs_its_perusta(perusta: str | None, ok: bool) -> None:
    tapa = replace(JAKSO, tyyppi="oppisopimus", oppisopimuksen_perusta=perusta)
    assert codes(tapa) == ({} if ok else {"oppisopimuksen_perusta": "REQUIRED"})


def breaks(*jaksot: tuple[date, date | None]) -> dict[str, str]:
    return codes(replace(JAKSO, keskeytymisajanjaksot=tuple(Keskeytymisajanjakso(a, b) for a, b in jaksot)))


def test_separate_breaks_are_fine_and_touching_ones_overlap() -> None:
    assert breaks((date(2023, 10, 1), date(2023, 10, 5)), (date(2023, 10, 6), date(2023, 10, 9))) == {}
    assert breaks((date(2023, 10, 1), date(2023, 10, 5)), (date(2023, 10, 5), date(2023, 10, 9))) == {
        "keskeytymisajanjaksot[1]": "OVERLAP"
    }


def test_overlap_is_found_whatever_the_input_order() -> None:
    result = breaks((date(2023, 11, 1), date(2023, 11, 10)), (date(2023, 10, 25), date(2023, 11, 2)))
    assert result == {"keskeytymisajanjaksot[0]": "OVERLAP"}


def test_an_open_break_runs_on_so_nothing_may_follow_it() -> None:
    assert breaks((date(2023, 10, 1), None)) == {}
    assert breaks((date(2023, 10, 1), None), (date(2023, 12, 1), date(2023, 12, 2))) == {
        "keskeytymisajanjaksot[1]": "OVERLAP"
    }
    assert breaks((date(2023, 10, 1), date(2023, 10, 2)), (date(2023, 10, 3), None)) == {}


def test_break_must_not_end_before_it_starts() -> None:
    assert breaks((date(2023, 10, 5), date(2023, 10, 4))) == {"keskeytymisajanjaksot[0].loppu": "BEFORE_START"}


def test_yksiloiva_tunniste_is_unique_within_the_hoks() -> None:
    other = TutkinnonOsaPlan("106728", None, (replace(JAKSO, alku=date(2024, 1, 8), loppu=date(2024, 2, 1)),))
    errors = validate_plan(replace(plan(), tutkinnon_osat=(*plan().tutkinnon_osat, other)), TODAY)
    assert [(e.field, e.code) for e in errors] == [
        ("tutkinnon_osat[1].hankkimistavat[0].yksiloiva_tunniste", "DUPLICATE")
    ]


def test_every_problem_is_reported_at_once_with_its_path() -> None:
    bad = replace(JAKSO, ytunnus="123", ohjaaja_nimi=None, osa_aikaisuus=0)
    errors = validate_plan(plan(bad, osaamisen_saavuttamisen_pvm=date(2017, 1, 1)), TODAY)
    assert {e.field for e in errors} == {
        "osaamisen_saavuttamisen_pvm",
        "tutkinnon_osat[0].hankkimistavat[0].ytunnus",
        "tutkinnon_osat[0].hankkimistavat[0].ohjaaja_nimi",
        "tutkinnon_osat[0].hankkimistavat[0].osa_aikaisuus",
    }
    assert all(e.message for e in errors)


def test_strings_are_trimmed_and_blank_means_absent() -> None:
    assert clean("  Autokorjaamo Oy ") == "Autokorjaamo Oy"
    assert clean("   ") is None
    assert clean(None) is None


def test_text_longer_than_its_column_is_a_field_error_not_a_database_failure() -> None:
    assert codes(replace(JAKSO, ohjaaja_nimi="x" * 255)) == {}
    assert codes(replace(JAKSO, ohjaaja_nimi="x" * 256)) == {"ohjaaja_nimi": "TOO_LONG"}
    errors = validate_plan(plan(sahkoposti="a@b.fi" + "x" * 320), TODAY)
    assert [(e.field, e.code) for e in errors if e.code == "TOO_LONG"] == [("sahkoposti", "TOO_LONG")]


def _sized(osat: int, tavat_per_osa: int = 1, keskeytymiset: int = 0) -> HoksPlan:
    def tapa(i: int, j: int) -> HankkimistapaPlan:
        start = date(2023, 9, 1)
        breaks = tuple(
            Keskeytymisajanjakso(start + timedelta(days=3 * k), start + timedelta(days=3 * k + 1))
            for k in range(keskeytymiset)
        )
        return replace(JAKSO, yksiloiva_tunniste=f"j{i}-{j}", keskeytymisajanjaksot=breaks)

    return plan(
        tutkinnon_osat=tuple(
            TutkinnonOsaPlan(f"{i}", None, tuple(tapa(i, j) for j in range(tavat_per_osa))) for i in range(osat)
        )
    )


@pytest.mark.parametrize(
    ("sized", "field"),
    [
        (_sized(MAX_TUTKINNON_OSAT + 1, 0), "tutkinnon_osat"),
        (_sized(MAX_HANKKIMISTAVAT // 10 + 1, 10), "tutkinnon_osat"),
        (_sized(1, MAX_HANKKIMISTAVAT_PER_OSA + 1), "tutkinnon_osat[0].hankkimistavat"),
        (
            _sized(1, 1, MAX_KESKEYTYMISAJANJAKSOT_PER_TAPA + 1),
            "tutkinnon_osat[0].hankkimistavat[0].keskeytymisajanjaksot",
        ),
        (_sized(MAX_KESKEYTYMISAJANJAKSOT // 10 + 1, 1, 10), "tutkinnon_osat"),
    ],
)
def test_a_plan_over_a_size_limit_is_refused_on_that_alone(sized: HoksPlan, field: str) -> None:
    errors = validate_plan(sized, TODAY)
    assert [(e.field, e.code) for e in errors] == [(field, "TOO_MANY")]


def test_a_plan_at_every_size_limit_is_valid() -> None:
    assert validate_size(_sized(MAX_TUTKINNON_OSAT, 0)) == []
    assert validate_size(_sized(MAX_HANKKIMISTAVAT // MAX_HANKKIMISTAVAT_PER_OSA, MAX_HANKKIMISTAVAT_PER_OSA)) == []
    assert validate_plan(_sized(1, 1, MAX_KESKEYTYMISAJANJAKSOT_PER_TAPA), TODAY) == []
