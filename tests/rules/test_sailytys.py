"""Retention of contact details (issue 10, privacy): kept through 90 days after the answer period, gone the next."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.rules.sailytys import DEFAULT_RETENTION_DAYS, erase_on, latest_end_to_erase


@pytest.mark.parametrize(
    ("end", "days", "first_day_gone"),
    [
        (date(2026, 3, 31), 90, date(2026, 6, 30)),  # kept through 29.6. (31.3. + 90 days)
        (date(2026, 12, 31), 90, date(2027, 4, 1)),
        (date(2024, 2, 29), 90, date(2024, 5, 30)),
        (date(2026, 3, 31), 0, date(2026, 4, 1)),
    ],
)
def test_contact_details_are_kept_through_the_retention_and_gone_the_next_day(
    end: date, days: int, first_day_gone: date
) -> None:
    assert erase_on(end, days) == first_day_gone
    assert latest_end_to_erase(first_day_gone, days) == end


def test_the_default_is_the_reference_services_90_days() -> None:
    assert DEFAULT_RETENTION_DAYS == 90


@given(end=st.dates(), today=st.dates(), days=st.integers(0, 3650))
def test_the_query_bound_and_the_erase_day_agree(end: date, today: date, days: int) -> None:
    try:
        due = erase_on(end, days) <= today
        included = end <= latest_end_to_erase(today, days)
    except OverflowError:
        return
    assert due == included
