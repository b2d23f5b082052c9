"""Everyday records of a service over a period: the background every review's evidence sits in.

Each function returns plain records (dicts of canonical fields) for one kind, drawn from a seeded
random generator so the same seed gives the same records. The stories in ``reviews.py`` add the
events that matter to each review on top of this background.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from rca.demo import data
from rca.demo.exports.writing import Record

#: Staff who appear only in exports (not in the demo's register): the register learns them from
#: imports, and their accented names exercise Windows-1252 files and near-miss matching.
EXPORT_ONLY_STAFF: dict[str, list[tuple[str, str, str]]] = {
    "OAK": [("Zoë Barker", "Care Worker", "agency"), ("Siân Griffiths", "Care Worker", "bank")],
    "WIL": [("Zoë Kaminski", "Support Worker", "bank")],
    "RIV": [("Siân Morgan", "Care Worker", "agency")],
}
LOCATIONS = {
    "OAK": ["Oakfield House - Ground Floor", "Oakfield House - First Floor"],
    "WIL": ["Willow Lane - Flat 1-4", "Willow Lane - Flat 5-8"],
    "RIV": ["Kettering North run", "Kettering South run"],
}
EMPLOYMENT_WORDS = {"permanent": "Permanent", "bank": "Bank", "agency": "Agency"}

ROUTINE_NOTES = [
    "Assisted with personal care and dressing. In good spirits, chatted about family.",
    "Breakfast of porridge and tea, ate all. Medication given as per MAR.",
    'Declined shower today, said "maybe tomorrow". Strip wash offered and accepted.',
    "Lunch prepared, ate half. Fluids encouraged, 2 cups of tea taken.",
    "Settled in lounge watching TV. Skin checked, no marks, cream applied.",
    "Supported to walk to the garden, steady on feet with frame.",
    "Tea visit: sandwiches and yoghurt, ate well. Curtains closed, lights on.",
    "Assisted to bed, repositioned, call bell within reach.\nSettled by end of visit.",
    "Continence care given, pad changed, skin intact. Bins emptied.",
    "Quiet today, said she was tired. Offered a drink, took water.",
    "Phoned daughter, as agreed, to confirm the GP appointment on Friday.",
    "Shopping list written with him; milk, bread, bananas needed.",
]
COURSES = [
    ("Induction (Care Certificate)", None),
    ("Safeguarding Adults", 1),
    ("Moving and Handling", 1),
    ("Medication Competency", 1),
    ("Fire Safety", 1),
    ("Infection Prevention and Control", 2),
]
MEDICINES = [
    ("Paracetamol 500mg", "2 tablets", (8, 12, 17, 22)),
    ("Amlodipine 5mg", "1 tablet", (8,)),
    ("Metformin 500mg", "1 tablet", (8, 17)),
    ("Sertraline 50mg", "1 tablet", (8,)),
    ("Lactulose 10ml", "10ml", (8, 22)),
]


@dataclass
class Context:
    """The service, its people and the period a set of exports covers."""

    service: str
    start: date
    end: date
    rng: random.Random
    staff: list[tuple[str, str, str]] = field(default_factory=list)
    people: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, service: str, start: date, end: date, seed: int) -> Context:
        staff = [(n, role, emp) for code, n, role, emp, _, _ in data.STAFF if code == service]
        staff += EXPORT_ONLY_STAFF.get(service, [])
        return cls(
            service,
            start,
            end,
            random.Random(f"{seed}:{service}:{start}"),
            staff,
            list(data.PEOPLE[service]),
        )

    def days(self) -> Iterator[date]:
        day = self.start
        while day <= self.end:
            yield day
            day += timedelta(days=1)

    def carers(self) -> list[tuple[str, str, str]]:
        """Staff who deliver care (not managers, coordinators or maintenance)."""
        return [s for s in self.staff if "Worker" in s[1] or "Team Leader" in s[1]]

    def agency(self) -> list[str]:
        return [n for n, _, emp in self.staff if emp == "agency"]

    def managers(self) -> list[str]:
        return [n for code, n, *_, mgr in data.STAFF if code == self.service and mgr]

    def role_of(self, name: str) -> tuple[str, str]:
        for n, role, emp in self.staff:
            if n == name:
                return role, emp
        raise KeyError(name)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def care_notes(ctx: Context, visits_per_day: int = 6) -> list[Record]:
    """Routine visit and daily notes: a few a day across the people supported."""
    records = []
    carers = [n for n, *_ in ctx.carers()]
    for day in ctx.days():
        for _ in range(visits_per_day):
            hour = ctx.rng.choice((7, 8, 9, 12, 13, 16, 17, 19, 20, 21))
            records.append(
                {
                    "at": at(day, hour, ctx.rng.randrange(0, 60, 5)),
                    "staff": ctx.rng.choice(carers),
                    "person": ctx.rng.choice(ctx.people),
                    "text": ctx.rng.choice(ROUTINE_NOTES),
                    "concern": False,
                }
            )
    return records


SHIFTS = {"early": (7, 0, 14, 30), "late": (14, 0, 21, 30), "night": (21, 0, 7, 30)}


def shift(ctx: Context, name: str, day: date, which: str, location: str) -> Record:
    h1, m1, h2, m2 = SHIFTS[which]
    start = at(day, h1, m1)
    end = at(day + timedelta(days=1) if (h2, m2) <= (h1, m1) else day, h2, m2)
    role, emp = ctx.role_of(name)
    return {
        "staff": name,
        "role": role,
        "employment": EMPLOYMENT_WORDS[emp],
        "start": start,
        "end": end,
        "location": location,
    }


def rota(ctx: Context, per_shift: int = 1, agency_evenings: int = 0) -> list[Record]:
    """Early, late and night shifts (nights end the next morning) at each location.

    ``agency_evenings``: agency workers added to each late shift. Nobody works two shifts in a
    day while anyone else is free.
    """
    records = []
    carers = [n for n, _, emp in ctx.carers() if emp != "agency"]
    agency = ctx.agency()
    for day in ctx.days():
        busy: set[str] = set()
        for which in SHIFTS:
            for location in LOCATIONS[ctx.service]:
                chosen: list[str] = []
                if which == "late":
                    free = [n for n in agency if n not in busy] or agency
                    chosen += ctx.rng.sample(free, min(agency_evenings, len(free)))
                free = [n for n in carers if n not in busy and n not in chosen]
                if len(free) < per_shift:
                    free = [n for n in carers if n not in chosen]
                chosen += ctx.rng.sample(free, per_shift)
                busy.update(chosen)
                records += [shift(ctx, name, day, which, location) for name in chosen]
    return records


def staff_list(ctx: Context) -> list[Record]:
    starts = {n: date.fromisoformat(s) for _, n, _, _, s, _ in data.STAFF}
    records = []
    for name, role, emp in ctx.staff:
        started = starts.get(name) or ctx.start - timedelta(days=ctx.rng.randrange(10, 60))
        records.append(
            {
                "staff": name,
                "role": role,
                "employment": EMPLOYMENT_WORDS[emp],
                "start_date": started,
                "location": LOCATIONS[ctx.service][0].split(" - ")[0],
            }
        )
    return records


def supervision(
    ctx: Context, overdue: tuple[str, ...] = (), stretched: tuple[str, ...] = ()
) -> list[Record]:
    """Supervision every 8 weeks; staff in ``overdue`` had their last one months before, and
    the last one of staff in ``stretched`` set the next for 14 weeks on (past the standard).
    Each session says whether safeguarding was discussed (not at the middle one)."""
    records = []
    managers = ctx.managers()
    for name, _role, emp in ctx.staff:
        if emp == "agency":
            continue  # agencies supervise their own workers
        last = ctx.end - timedelta(days=ctx.rng.randrange(5, 50))
        if name in overdue:
            last = ctx.start - timedelta(days=ctx.rng.randrange(40, 90))
        supervisor = next((m for m in managers if m != name), managers[0])
        for n in range(3):
            day = last - timedelta(weeks=8 * n)
            records.append(
                {
                    "staff": name,
                    "supervisor": supervisor,
                    "on": day,
                    "type": "Annual appraisal" if n == 2 else "1:1 supervision",
                    "next_due": day + timedelta(weeks=14 if n == 0 and name in stretched else 8),
                    "safeguarding": "No" if n == 1 else "Yes",
                    "text": f"Discussed workload, training and wellbeing with {name.split()[0]}.",
                }
            )
    return records


def training(ctx: Context, missing: dict[str, tuple[str, ...]] | None = None) -> list[Record]:
    """Each member of staff's courses; ``missing`` lists courses someone never completed."""
    missing = missing or {}
    records = []
    for name, _role, _emp in ctx.staff:
        for course, years in COURSES:
            if course in missing.get(name, ()):
                continue
            done = ctx.end - timedelta(days=ctx.rng.randrange(30, 330))
            expires = done + timedelta(days=365 * years) if years else None
            records.append(
                {
                    "staff": name,
                    "course": course,
                    "completed": done,
                    "expires": expires,
                    "status": "Expired" if expires and expires < ctx.end else "Complete",
                }
            )
    return records


def mar(ctx: Context, people: list[str], staff: list[str]) -> list[Record]:
    """Medication rounds for ``people``: given (A), refused (R) or other codes, by ``staff``."""
    records = []
    for day in ctx.days():
        for index, person in enumerate(people):
            for medicine, dose, hours in MEDICINES[index % len(MEDICINES) :][:2]:
                for hour in hours:
                    code = "R" if ctx.rng.random() < 0.02 else "A"
                    records.append(
                        {
                            "scheduled": at(day, hour),
                            "person": person,
                            "medicine": medicine,
                            "dose": dose,
                            "given": at(day, hour, ctx.rng.randrange(0, 40)).time()
                            if code == "A"
                            else None,
                            "code": code,
                            "staff": ctx.rng.choice(staff),
                        }
                    )
    return records


def sorted_by_time(records: list[Record]) -> list[Record]:
    """Records in the order a system lists them (oldest first)."""

    def key(r: Record) -> tuple[datetime, str]:
        when = r.get("at") or r.get("start") or r.get("scheduled") or r.get("on")
        if isinstance(when, date) and not isinstance(when, datetime):
            when = datetime.combine(when, time())
        return (when or datetime.min, str(r.get("staff", "")))

    return sorted(records, key=key)
