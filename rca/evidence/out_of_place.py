"""Rows of a file that look as if they belong to another review: they name staff of another
service (and not of this one), or happened outside the review's period. The dry run says how
many, with examples by row number, so a wrong file or a wrong export window is seen before the
import is confirmed. Nothing is refused for it: an export may rightly reach past the period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.evidence.columns import ParsedBatch
from rca.evidence.staff_register import StaffRegister, normalise_name
from rca.provider.models import Service, StaffMember
from rca.reviews.models import Review

#: Row numbers kept as examples for each reason.
EXAMPLES = 5


@dataclass
class OutOfPlace:
    """What the dry run shows: counts, and a few row numbers for each reason."""

    period: tuple[date, date] | None
    #: Rows naming someone on another service's staff register, not this one's.
    other_staff: int = 0
    other_staff_rows: list[int] = field(default_factory=list)
    #: (name as written, the service whose register has it) for the first few such names.
    other_staff_names: list[tuple[str, str]] = field(default_factory=list)
    #: Rows dated before the period starts or after it ends.
    outside_period: int = 0
    outside_period_rows: list[int] = field(default_factory=list)
    flagged: set[int] = field(default_factory=set, repr=False)

    @property
    def rows(self) -> int:
        """Rows out of place for either reason (a row with both counts once)."""
        return len(self.flagged)


class OutOfPlaceCheck:
    """Collects out-of-place rows batch by batch, as ``run_import`` parses them."""

    def __init__(self, session: Session, review: Review, staff: StaffRegister):
        self.staff = staff
        start, end = review.period_start, review.period_end
        self.found = OutOfPlace((start, end) if start and end else None)
        # Other services' staff by normalised name (one query; registers are a few hundred).
        self.elsewhere: dict[str, str] = {}
        query = (
            select(StaffMember.name, Service.name)
            .join(Service, Service.id == StaffMember.service_id)
            .where(StaffMember.service_id != review.service_id)
        )
        for name, service in session.execute(query):
            self.elsewhere.setdefault(normalise_name(name), service)

    def add(self, batch: ParsedBatch) -> None:
        found = self.found
        strangers = {
            name
            for name in set(batch.staff)
            if name and self.staff.find(name) is None and normalise_name(name) in self.elsewhere
        }
        if strangers:
            for k, name in enumerate(batch.staff):
                if name in strangers:
                    self._note(batch.numbers[k], found.other_staff_rows)
                    found.other_staff += 1
            known = {n for n, _ in found.other_staff_names}
            for name in sorted(strangers - known)[: EXAMPLES - len(found.other_staff_names)]:
                found.other_staff_names.append((name, self.elsewhere[normalise_name(name)]))
        if found.period is not None:
            start, end = found.period
            for k, day in enumerate(batch.occurred_on):
                if day is not None and not start <= day <= end:
                    self._note(batch.numbers[k], found.outside_period_rows)
                    found.outside_period += 1

    def _note(self, row: int, examples: list[int]) -> None:
        if len(examples) < EXAMPLES:
            examples.append(row)
        self.found.flagged.add(row)
