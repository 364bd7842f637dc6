"""The tila of an opiskeluoikeus on a day, and the periods derived from the tila history (DOMAIN.md §2, §3)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from models.rules.calendar import in_period
from models.rules.opiskeluoikeus import (
    AMMATILLINEN_TUTKINTO,
    AMMATILLINEN_TUTKINTO_OSITTAINEN,
    ERONNUT,
    LASNA,
    LOMA,
    TILAT,
    VALIAIKAISESTI_KESKEYTYNYT,
    VALMISTUNUT,
    OpiskeluoikeusFacts,
    Suoritus,
    TilaJakso,
    ammatilliset_suoritukset,
    terminal_before,
    tila_on,
    tila_periods,
)

HISTORY = (
    TilaJakso(date(2021, 8, 2), LASNA),
    TilaJakso(date(2021, 10, 1), VALIAIKAISESTI_KESKEYTYNYT),
    TilaJakso(date(2021, 11, 1), LASNA),
    TilaJakso(date(2022, 3, 1), VALIAIKAISESTI_KESKEYTYNYT),
)


def test_tila_on_a_day_is_the_latest_row_starting_on_or_before_it() -> None:
    assert tila_on(HISTORY, date(2021, 8, 1)) is None
    assert tila_on(HISTORY, date(2021, 9, 30)) == LASNA
    assert tila_on(HISTORY, date(2021, 10, 1)) == VALIAIKAISESTI_KESKEYTYNYT


def test_terminal_before_looks_at_the_day_before() -> None:
    assert terminal_before(HISTORY, date(2021, 10, 2))
    assert not terminal_before(HISTORY, date(2021, 10, 1))


def test_valiaikaisesti_keskeytynyt_periods_from_the_history() -> None:
    assert tila_periods(HISTORY, VALIAIKAISESTI_KESKEYTYNYT) == (
        (date(2021, 10, 1), date(2021, 10, 31)),
        (date(2022, 3, 1), None),
    )


def test_rows_in_any_order_and_repeated_tilat_merge() -> None:
    rows = (
        TilaJakso(date(2021, 10, 15), VALIAIKAISESTI_KESKEYTYNYT),
        TilaJakso(date(2021, 8, 2), LASNA),
        TilaJakso(date(2021, 10, 1), VALIAIKAISESTI_KESKEYTYNYT),
        TilaJakso(date(2021, 11, 1), VALMISTUNUT),
    )
    assert tila_periods(rows, VALIAIKAISESTI_KESKEYTYNYT) == ((date(2021, 10, 1), date(2021, 10, 31)),)


def test_of_two_rows_on_one_day_the_last_wins_as_in_tila_on() -> None:
    rows = (TilaJakso(date(2021, 8, 2), VALIAIKAISESTI_KESKEYTYNYT), TilaJakso(date(2021, 8, 2), LASNA))
    assert tila_on(rows, date(2021, 8, 2)) == LASNA
    assert tila_periods(rows, VALIAIKAISESTI_KESKEYTYNYT) == ()


def test_ammatilliset_suoritukset_leave_out_valma_telma_and_tuva() -> None:
    suoritukset = (
        Suoritus("valma"),
        Suoritus(AMMATILLINEN_TUTKINTO, "351101"),
        Suoritus("telma"),
        Suoritus(AMMATILLINEN_TUTKINTO_OSITTAINEN, "351101"),
        Suoritus("tuva"),
    )
    oo = OpiskeluoikeusFacts("oo", "oppija", "kt", "ol", "ammatillinenkoulutus", suoritukset=suoritukset)
    assert [s.tyyppi for s in ammatilliset_suoritukset(oo)] == [AMMATILLINEN_TUTKINTO, AMMATILLINEN_TUTKINTO_OSITTAINEN]


rows = st.lists(
    st.builds(
        TilaJakso,
        st.dates(min_value=date(2021, 1, 1), max_value=date(2021, 12, 31)),
        st.sampled_from(sorted(TILAT)),
    ),
    max_size=6,
)


@given(rows, st.sampled_from([VALIAIKAISESTI_KESKEYTYNYT, LOMA, ERONNUT]), st.integers(min_value=-10, max_value=400))
def test_a_day_is_in_a_tila_period_exactly_when_that_tila_is_on(tilat: list[TilaJakso], tila: str, n: int) -> None:
    day = date(2021, 1, 1) + timedelta(days=n)
    inside = any(in_period(day, period) for period in tila_periods(tilat, tila))
    assert inside == (tila_on(tilat, day) == tila)
