"""Working days between two dates, on the bank-holiday calendar of the service's nation.

The count is defined once, here: the working days elapsed from A to B are the working days
*after* A's date up to and including B's date. The same day is 0; Friday to Monday is 1; a
concern on Thursday 2 April 2026 reviewed on Tuesday 7 April is 1 (Good Friday, the weekend and
Easter Monday do not count). A standard "within N working days" is breached when the count is
greater than N.

Dates are Europe/London calendar dates: callers convert aware UTC times with ``london_day`` so an
event at 00:30 BST on the day the clocks go forward (23:30 UTC the day before) counts on the
right day. The ``holidays`` package supplies each nation's bank holidays, substitute days
included (Boxing Day 2026 falls on a Saturday, so Monday 28 December is the holiday).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays

from rca.db import LONDON

#: Our nation codes are the subdivision codes ``holidays`` uses for the United Kingdom.
NATION_SUBDIVISIONS = {"ENG": "ENG", "WLS": "WLS", "SCT": "SCT", "NIR": "NIR"}


@lru_cache(maxsize=65536)  # a timeline asks for the same few thousand instants again and again
def london_day(at: datetime) -> date:
    """The Europe/London calendar date of an aware datetime."""
    return at.astimezone(LONDON).date()


@lru_cache(maxsize=64)
def bank_holidays(nation: str, year: int) -> frozenset[date]:
    subdiv = NATION_SUBDIVISIONS.get(nation, "ENG")
    return frozenset(holidays.country_holidays("GB", subdiv=subdiv, years=[year]).keys())


def is_working_day(day: date, nation: str = "ENG") -> bool:
    return day.weekday() < 5 and day not in bank_holidays(nation, day.year)


def working_days_between(start: date, end: date, nation: str = "ENG") -> int:
    """Working days after ``start`` up to and including ``end`` (negative when end is earlier)."""
    if end < start:
        return -working_days_between(end, start, nation)
    count = 0
    day = start + timedelta(days=1)
    # Whole weeks first: five weekdays each, less the bank holidays that fall on a weekday.
    whole_weeks = (end - start).days // 7
    if whole_weeks:
        week_end = start + timedelta(days=7 * whole_weeks)
        count = 5 * whole_weeks - _weekday_holidays(start, week_end, nation)
        day = week_end + timedelta(days=1)
    while day <= end:
        if is_working_day(day, nation):
            count += 1
        day += timedelta(days=1)
    return count


def _weekday_holidays(start: date, end: date, nation: str) -> int:
    """Bank holidays on a weekday in (start, end]."""
    total = 0
    for year in range(start.year, end.year + 1):
        total += sum(1 for h in bank_holidays(nation, year) if start < h <= end and h.weekday() < 5)
    return total


def add_working_days(start: date, days: int, nation: str = "ENG") -> date:
    """The date ``days`` working days after ``start`` (the deadline of a standard)."""
    day = start
    left = days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, nation):
            left -= 1
    return day
