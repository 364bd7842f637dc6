"""Calendar helpers shared by every rule.

DOMAIN.md: "Day" means a calendar day in Europe/Helsinki, and periods `[a, b]` include both ends.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")


def helsinki_day(instant: datetime) -> date:
    """The Helsinki calendar day of an aware instant (a naive one is refused: it has no day)."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(HELSINKI).date()


def rahoituskausi(day: date) -> str:
    """Funding year 1.7.–30.6., labelled like `2021-2022`."""
    start = day.year if day.month >= 7 else day.year - 1
    return f"{start}-{start + 1}"


def days_inclusive(alku: date, loppu: date) -> int:
    """Number of calendar days in `[alku, loppu]`; zero when the period is empty."""
    return max((loppu - alku).days + 1, 0)


def add_days(day: date, n: int) -> date:
    return day + timedelta(days=n)


def same_day_years_later(day: date, years: int) -> date:
    """The same calendar day `years` later; 29.2. becomes 28.2. in a common year (DOMAIN.md §6.2)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# A period `[alku, loppu]` of whole days; `loppu` None means open-ended (e.g. a keskeytymisajanjakso, §2).
Period = tuple[date, date | None]


def in_period(day: date, period: Period) -> bool:
    """Whether `day` falls in `[alku, loppu]`, both ends included; an open period runs on forever."""
    alku, loppu = period
    return alku <= day and (loppu is None or day <= loppu)
