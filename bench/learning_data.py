"""A provider of many reviews for the learning bench: services, reviews, coded causes, actions.

Bulk inserted as plain tuples through the connection's ``executemany`` (the learning layer reads
these rows; how they were written does not matter to it, and the ORM would take minutes at
100,000 reviews). A seeded random generator keeps every run's data the same.

The shape is meant to look like a real group of providers: 200 services of three kinds, reviews
spread over two years, about 5 coded factors per review drawn from a 60-factor vocabulary with a
skew (a few factors are everywhere, most are rare) and from a handful of latent themes, so
communities exist to be found; a few causes that do not count (hypotheses, ruled out); and 3
actions per review, each addressing one of its causes, most of the older ones done.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from rca.actions.models import ACTION_TYPES, Action, ActionCause
from rca.fishbone.models import Cause, ContributoryFactor
from rca.fishbone.vocabulary import SEED, ensure_seeded
from rca.provider.models import SERVICE_KINDS, Service
from rca.reviews.models import Review

TODAY = date(2026, 11, 23)
VOCABULARY = 60
BATCH = 20_000
CATEGORIES = sorted({category for _code, category, _label in SEED})
REVIEW_COLUMNS = (
    "id", "reference", "service_id", "title", "stage", "created_at", "updated_at", "version",
    "trigger", "occurred_on", "severity", "people_affected", "safeguarding", "notified",
    "repeats_12m", "recommended_depth", "recommended_reasons", "depth",
)  # fmt: skip
CAUSE_COLUMNS = (
    "id", "review_id", "position", "text", "category", "factor_code", "status", "conclusion",
    "created_at", "updated_at", "version",
)  # fmt: skip
ACTION_COLUMNS = (
    "id", "review_id", "text", "kind", "action_type", "status", "completed_on", "due",
    "created_at", "updated_at", "version",
)  # fmt: skip
LINK_COLUMNS = ("review_id", "action_id", "cause_id")


class _Bulk:
    """executemany of plain tuples on the session's connection, each value already converted
    the way the dialect stores it (dates converted once per distinct day: they repeat a lot)."""

    _MARKS = {"qmark": "?", "format": "%s", "pyformat": "%s"}

    def __init__(self, session: Session):
        self.session = session
        self.dialect = session.get_bind().dialect
        self._days: dict[date, Any] = {}
        self._day = self.processor(Review.__table__, "occurred_on")

    def processor(self, table: Any, column: str) -> Any:
        found = table.c[column].type.dialect_impl(self.dialect).bind_processor(self.dialect)
        return found or (lambda value: value)

    def day(self, value: date | None) -> Any:
        if value is None:
            return None
        if value not in self._days:
            self._days[value] = self._day(value)
        return self._days[value]

    def insert(self, table: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        mark = self._MARKS[self.dialect.paramstyle]
        # Fixed column names from this module only: no outside text reaches the SQL.
        sql = f"INSERT INTO {table.name} ({', '.join(columns)}) "  # noqa: S608
        sql += f"VALUES ({', '.join([mark] * len(columns))})"
        self.session.connection().exec_driver_sql(sql, rows)


def vocabulary(session: Session) -> list[str]:
    """The seed list plus bench factors up to VOCABULARY codes; returns the codes in rank order."""
    ensure_seeded(session)
    have = list(session.scalars(select(ContributoryFactor.code).order_by(ContributoryFactor.id)))
    extra = [
        {"code": f"{CATEGORIES[n % len(CATEGORIES)]}.bench-{n:02d}",
         "category": CATEGORIES[n % len(CATEGORIES)], "label": f"Bench factor {n:02d}",
         "active": True, "created_at": datetime.now(UTC)}
        for n in range(max(0, VOCABULARY - len(have)))
    ]  # fmt: skip
    if extra:
        session.execute(insert(ContributoryFactor.__table__), extra)
    return have + [e["code"] for e in extra]


def _themes(codes: list[str], rng: random.Random) -> list[list[str]]:
    """Eight latent themes of 7 factors each, drawn from the vocabulary without repeats."""
    shuffled = codes[:]
    rng.shuffle(shuffled)
    return [shuffled[i * 7 : i * 7 + 7] for i in range(8)]


def generate(
    session: Session, reviews: int, services: int = 200, seed: int = 2026
) -> dict[str, Any]:
    """Fill an empty, migrated database; returns what was made (counts, one sample review id)."""
    rng = random.Random(seed)
    bulk = _Bulk(session)
    codes = vocabulary(session)
    # Zipf-like skew: the first codes are common, the tail rare.
    cum: list[float] = []
    for rank in range(len(codes)):
        cum.append((cum[-1] if cum else 0.0) + 1.0 / (rank + 1) ** 0.9)
    themes = _themes(codes, rng)
    kinds = list(SERVICE_KINDS)
    now = datetime.now(UTC)
    session.execute(
        insert(Service.__table__),
        [{"code": f"S{n:03d}", "name": f"Service {n:03d}", "kind": kinds[n % len(kinds)],
          "nation": "ENG", "created_at": now} for n in range(services)],
    )  # fmt: skip
    service_ids = list(session.scalars(select(Service.id).order_by(Service.id)))
    rt = Review.__table__
    stamp = bulk.processor(rt, "created_at")(now)
    false = bulk.processor(rt, "notified")(False)
    reasons = bulk.processor(rt, "recommended_reasons")([])
    cause_id, action_id = _next_id(session, Cause), _next_id(session, Action)
    start_id = _next_id(session, Review)
    types = list(ACTION_TYPES)
    made: dict[str, Any] = {"reviews": 0, "causes": 0, "actions": 0}
    for first in range(0, reviews, BATCH):
        review_rows, cause_rows, action_rows, links = [], [], [], []
        for rid in range(start_id + first, start_id + min(reviews, first + BATCH)):
            occurred = TODAY - timedelta(days=rng.randint(1, 730))
            review_rows.append(
                (rid, f"RCA-B-{rid:07d}", rng.choice(service_ids), "Bench review", "closed",
                 stamp, stamp, 1, "incident", bulk.day(occurred), "low", 1, false, false, 0,
                 "full-rca", reasons, "full-rca")
            )  # fmt: skip
            counted = []
            for position, code in enumerate(_factors(rng, codes, cum, themes)):
                status, conclusion = _status(rng)
                cause_rows.append(
                    (cause_id, rid, position, f"Cause coded {code}", code.split(".")[0], code,
                     status, conclusion, stamp, stamp, 1)
                )  # fmt: skip
                counted.append(cause_id)
                cause_id += 1
            old = (TODAY - occurred).days > 60
            for _ in range(3):
                action_type = rng.choice(types)
                done = old and rng.random() < 0.7
                completed = occurred + timedelta(days=rng.randint(20, 60)) if done else None
                action_rows.append(
                    (action_id, rid, "Bench action", ACTION_TYPES[action_type][0], action_type,
                     "done" if done else "in-progress", bulk.day(completed),
                     bulk.day(occurred + timedelta(days=45)), stamp, stamp, 1)
                )  # fmt: skip
                if counted:
                    links.append((rid, action_id, rng.choice(counted)))
                action_id += 1
        bulk.insert(rt, REVIEW_COLUMNS, review_rows)
        bulk.insert(Cause.__table__, CAUSE_COLUMNS, cause_rows)
        bulk.insert(Action.__table__, ACTION_COLUMNS, action_rows)
        bulk.insert(ActionCause.__table__, LINK_COLUMNS, links)
        made["reviews"] += len(review_rows)
        made["causes"] += len(cause_rows)
        made["actions"] += len(action_rows)
    if bulk.dialect.name == "postgresql":  # explicit ids: move the sequences past them
        for table in ("review", "cause", "action"):
            session.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                     f"(SELECT max(id) FROM {table}))")
            )  # fmt: skip
    session.commit()
    made["sample_review_id"] = start_id + reviews // 2
    made["service_ids"] = service_ids
    return made


def _next_id(session: Session, model: Any) -> int:
    last = session.scalar(select(model.id).order_by(model.id.desc()).limit(1))
    return (last or 0) + 1


def _factors(
    rng: random.Random, codes: list[str], cum: list[float], themes: list[list[str]]
) -> list[str]:
    """About 5 distinct codes: most from one latent theme, the rest from the skewed vocabulary."""
    theme = rng.choice(themes)
    wanted = max(1, min(9, round(rng.gauss(5, 1.5))))
    chosen: list[str] = []
    for _ in range(wanted * 3):
        if len(chosen) >= wanted:
            break
        code = rng.choice(theme) if rng.random() < 0.6 else rng.choices(codes, cum_weights=cum)[0]
        if code not in chosen:
            chosen.append(code)
    return chosen


def _status(rng: random.Random) -> tuple[str, str | None]:
    """Most coded causes count (supported, or concluded root or contributory); some do not."""
    roll = rng.random()
    if roll < 0.25:
        return "supported", "root"
    if roll < 0.70:
        return "supported", "contributory"
    if roll < 0.85:
        return "supported", None
    if roll < 0.93:
        return "hypothesis", None
    return "ruled-out", None
