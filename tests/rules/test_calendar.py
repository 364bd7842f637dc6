"""Shared calendar helpers (DOMAIN.md: a day is a Helsinki calendar day; `[a, b]` includes both ends)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.rules.calendar import (
    add_days,
    days_inclusive,
    helsinki_day,
    in_period,
    rahoituskausi,
    same_day_years_later,
)


def test_helsinki_day_of_an_instant_late_in_the_utc_evening() -> None:
    assert helsinki_day(datetime(2021, 6, 30, 21, 30, tzinfo=UTC)) == date(2021, 7, 1)  # 00:30 EEST
    assert helsinki_day(datetime(2021, 12, 31, 21, 59, tzinfo=UTC)) == date(2021, 12, 31)  # 23:59 EET


def test_helsinki_day_refuses_a_naive_instant() -> None:
    with pytest.raises(ValueError):
        helsinki_day(datetime(2021, 7, 1, 12, 0))


@pytest.mark.parametrize(
    ("day", "kausi"),
    [
        (date(2021, 6, 30), "2020-2021"),
        (date(2021, 7, 1), "2021-2022"),
        (date(2021, 12, 31), "2021-2022"),
        (date(2022, 1, 1), "2021-2022"),
        (date(2024, 2, 29), "2023-2024"),
    ],
)
def test_rahoituskausi_runs_from_1_7_to_30_6(day: date, kausi: str) -> None:
    assert rahoituskausi(day) == kausi


def test_days_inclusive() -> None:
    assert days_inclusive(date(2021, 9, 1), date(2021, 12, 15)) == 106
    assert days_inclusive(date(2024, 2, 1), date(2024, 2, 29)) == 29
    assert days_inclusive(date(2021, 9, 1), date(2021, 9, 1)) == 1
    assert days_inclusive(date(2021, 9, 2), date(2021, 9, 1)) == 0


def test_add_days_over_a_leap_day() -> None:
    assert add_days(date(2024, 2, 28), 1) == date(2024, 2, 29)
    assert add_days(date(2024, 2, 29), 59) == date(2024, 4, 28)


def test_same_day_years_later_on_a_leap_day() -> None:
    assert same_day_years_later(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert same_day_years_later(date(2024, 2, 29), 4) == date(2028, 2, 29)


@pytest.mark.parametrize(
    ("day", "inside"),
    [(date(2021, 10, 21), False), (date(2021, 10, 22), True), (date(2021, 10, 30), True), (date(2021, 10, 31), False)],
)
def test_in_period_includes_both_ends(day: date, inside: bool) -> None:
    assert in_period(day, (date(2021, 10, 22), date(2021, 10, 30))) is inside


def test_an_open_period_runs_on() -> None:
    assert in_period(date(2099, 1, 1), (date(2021, 10, 22), None))
    assert not in_period(date(2021, 10, 21), (date(2021, 10, 22), None))


@given(st.dates(), st.integers(min_value=0, max_value=3000))
def test_days_inclusive_counts_both_ends(alku: date, n: int) -> None:
    loppu = alku + timedelta(days=n) if alku <= date.max - timedelta(days=n) else date.max
    assert days_inclusive(alku, loppu) == (loppu - alku).days + 1
