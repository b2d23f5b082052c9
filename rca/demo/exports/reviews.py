"""The evidence files of each demo review: the background of its service over the review period,
with the events its story turns on (see ``rca/demo/stories.py``).

A few files carry a bad row or an exact repeat on purpose, so a newcomer sees the "needs attention"
list and the duplicate report on the first import. Every name is fictional.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import holidays

from rca.demo.exports import records
from rca.demo.exports.records import Context, at
from rca.demo.exports.systems import BY_NAME, file_name
from rca.demo.exports.writing import Export, Fault, Record, write_export


@dataclass(frozen=True)
class DemoFile:
    system: str
    records: list[Record]
    faults: tuple[Fault, ...] = ()
    duplicates: int = 0

    def export(self, seed: int) -> Export:
        system = BY_NAME[self.system]
        return write_export(
            file_name(system),
            system,
            records.sorted_by_time(self.records),
            seed=seed,
            faults=self.faults,
            duplicates=self.duplicates,
        )


def working_days_after(day: date, n: int) -> date:
    """``n`` working days after ``day`` (England: weekends and bank holidays are not)."""
    closed = holidays.country_holidays("GB", subdiv="ENG", years=range(day.year, day.year + 2))
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in closed:
            n -= 1
    return day


def note(day: date, hh: int, mm: int, staff: str, person: str, text: str, concern: bool) -> Record:
    return {
        "at": at(day, hh, mm),
        "staff": staff,
        "person": person,
        "text": text,
        "concern": concern,
    }


def put_on_shift(rota: list[Record], ctx: Context, day: date, which: str, name: str) -> None:
    """Make ``name`` work the ``which`` shift on ``day`` at the first location (story events)."""
    hour = records.SHIFTS[which][0]
    for i, r in enumerate(rota):
        if r["start"] == at(day, hour, records.SHIFTS[which][1]) and r["staff"] != name:
            others = [x["staff"] for x in rota if x["start"].date() == day]
            if name not in others:
                rota[i] = records.shift(ctx, name, day, which, r["location"])
            return


D = date
