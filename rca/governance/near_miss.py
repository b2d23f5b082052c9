"""Near-miss patterns: runs of similar incidents at one service that propose a review.

**Incidents** are evidence rows of the ``incidents`` kind (an incident and near-miss log
imported into any review), dated, with a type (the kind's ``category`` field). The same
incident imported into two reviews is one incident: rows are matched on their content hash,
which is built from what the cells mean, not from the review they sit in. Undated rows and rows
with no type cannot be placed in a run and are left out.

**Grouping**: by service and type, the type normalised (casefolded, whitespace collapsed), so
"Fall", "fall " and "FALL" are one type.

**The run rule** (``NEAR_MISS_RUN`` = N incidents, ``NEAR_MISS_WINDOW_DAYS`` = W days): within a
group, sorted by date, N consecutive incidents whose first and last dates are at most W - 1 days
apart (all N fall within W consecutive calendar days, both ends counted) make a qualifying
block. With the defaults, 3 falls on 1, 14 and 28 March (27 days apart) are a run; on 1, 14 and
29 March (28 days apart) they are not. Blocks that share an incident merge into one run, so a
run is every incident joined by a chain of such blocks.

**Examined incidents do not count.** An incident is examined when it was the trigger evidence
of an accepted pattern of its type, or when a review at its service (open or closed) holds it as
evidence and names its type in the title ("Repeated medication omissions…" examines its
"Medication" incidents). A review is already looking at those; a new pattern needs N incidents
nobody has examined.

**Declined runs** are not proposed again while every incident in the run was part of a declined
decision. A new incident that joins the run (it makes a qualifying block with some of its
incidents) proposes the whole run again, shown with the earlier decline and its reason: the
manager decided without that incident.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.accounts.models import User
from rca.evidence.models import EvidenceRow
from rca.governance.pattern_models import DECISIONS, NearMissDecision
from rca.graph.scope import LearningScope
from rca.provider.models import Service
from rca.reviews.models import Review
from rca.wording import excerpt

KIND = "incidents"
STATUSES = ("proposed", *DECISIONS)
EXCERPT = 160


@dataclass(frozen=True)
class RunRule:
    """How many incidents of one type at one service, within how many days, make a run."""

    run: int = 3
    window_days: int = 28

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> RunRule:
        return cls(int(config["NEAR_MISS_RUN"]), int(config["NEAR_MISS_WINDOW_DAYS"]))

    def within(self, first: date, last: date) -> bool:
        """Whether two dates fall inside one window (both ends counted)."""
        return (last - first).days <= self.window_days - 1


@dataclass(frozen=True)
class Incident:
    """One incident, once, however many reviews hold it; ``row_id`` is its earliest row."""

    key: str
    row_id: int
    review_id: int
    reference: str
    service_id: int
    occurred_on: date
    type_key: str
    type_label: str
    text: str
    severity: str

    @property
    def summary(self) -> str:
        """What happened, cut the one way people's words are cut."""
        return excerpt(self.text, EXCERPT)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.row_id,
            "review": self.reference,
            "occurred_on": self.occurred_on.isoformat(),
            "type": self.type_label,
            "severity": self.severity or None,
            "text": self.summary,
        }


@dataclass(frozen=True)
class Decided:
    """A decision as people read it."""

    id: int
    decision: str
    reason: str | None
    by: str
    at: datetime
    review_id: int | None
    review_reference: str | None


@dataclass(frozen=True)
class Pattern:
    """A run of similar incidents at one service: proposed, or as it was decided."""

    run_key: str
    service: Service
    type_key: str
    type_label: str
    incidents: tuple[Incident, ...]
    #: As found, or as decided (a decided run's rows may since have been deleted).
    count: int
    first: date
    last: date
    status: str
    #: The decision on this run (accepted or declined), None while proposed.
    decision: Decided | None = None
    #: Declines of earlier versions of this run (it has grown since), newest first.
    earlier: tuple[Decided, ...] = field(default=())
    #: Incident keys not part of any earlier decline (marked "new" on screen).
    new_keys: frozenset[str] = frozenset()

    @property
    def span_days(self) -> int:
        """Days from the first incident to the last, both counted."""
        return (self.last - self.first).days + 1

    @property
    def title(self) -> str:
        """The title of the review an acceptance starts."""
        kind = excerpt(self.type_label, 60)
        days = "1 day" if self.span_days == 1 else f"{self.span_days} days"
        return f"Pattern: {self.count} “{kind}” incidents at {self.service.name} in {days}"

    def to_json(self) -> dict[str, Any]:
        decision = self.decision
        return {
            "run_key": self.run_key,
            "service": self.service.code,
            "type": self.type_label,
            "count": self.count,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "incident_ids": [i.row_id for i in self.incidents],
            "incidents": [i.to_json() for i in self.incidents],
            "status": self.status,
            "reason": decision.reason if decision else None,
            "decided_by": decision.by if decision else None,
            "decided_at": decision.at.isoformat() if decision else None,
            "review_id": decision.review_id if decision else None,
            "review": decision.review_reference if decision else None,
        }


def normalise_type(value: Any) -> str:
    """The grouping key of an incident type: casefolded, whitespace collapsed."""
    return " ".join(str(value or "").split()).casefold()


def _words(text: str) -> str:
    # For "does this title name the type?": punctuation is a word break, so "near-miss" in a
    # title names the type "Near miss".
    return " " + " ".join(re.sub(r"[\W_]+", " ", text.casefold()).split()) + " "


def names_type(title: str, type_key: str) -> bool:
    """Whether a review's title names the incident type (at a word start: "Falls" names fall)."""
    wanted = _words(type_key).rstrip()
    return bool(wanted.strip()) and wanted in _words(title)


def run_key(service_id: int, type_key: str, keys: Iterable[str]) -> str:
    """The stable key of a run: the same incidents at the same service, the same key."""
    text = "\x1f".join(["near-miss-run", str(service_id), type_key, *sorted(keys)])
    return hashlib.sha256(text.encode()).hexdigest()


def find_runs(incidents: Sequence[Incident], rule: RunRule) -> list[list[Incident]]:
    """The runs among one group's incidents (sorted by date), per the module's rule."""
    runs: list[list[Incident]] = []
    end = -1  # the last index of the run being built
    n = rule.run
    for start in range(len(incidents) - n + 1):
        stop = start + n - 1
        if not rule.within(incidents[start].occurred_on, incidents[stop].occurred_on):
            continue
        if runs and start <= end:
            runs[-1].extend(incidents[end + 1 : stop + 1])
        else:
            runs.append(list(incidents[start : stop + 1]))
        end = stop
    return runs


@dataclass
class _Loaded:
    """Every incident at the scope's services, once each, and what examined them."""

    incidents: dict[tuple[int, str], Incident]
    examined: set[tuple[int, str]]


def _load(session: Session, service_ids: frozenset[int] | None) -> _Loaded:
    stmt = (
        select(
            EvidenceRow.id,
            EvidenceRow.content_hash,
            EvidenceRow.review_id,
            EvidenceRow.occurred_on,
            EvidenceRow.fields,
            EvidenceRow.text,
            Review.reference,
            Review.service_id,
            Review.title,
        )
        .join(Review, Review.id == EvidenceRow.review_id)
        .where(EvidenceRow.kind == KIND, EvidenceRow.occurred_on.is_not(None))
        .order_by(EvidenceRow.id)
    )
    if service_ids is not None:
        stmt = stmt.where(Review.service_id.in_(sorted(service_ids) or [-1]))
    incidents: dict[tuple[int, str], Incident] = {}
    examined: set[tuple[int, str]] = set()
    for row in session.execute(stmt):
        fields = row.fields or {}
        type_key = normalise_type(fields.get("category"))
        if not type_key:
            continue
        key = (row.service_id, row.content_hash)
        if key not in incidents:  # rows come by id: the first is the earliest copy
            incidents[key] = Incident(
                key=row.content_hash,
                row_id=row.id,
                review_id=row.review_id,
                reference=row.reference,
                service_id=row.service_id,
                occurred_on=row.occurred_on,
                type_key=type_key,
                type_label=" ".join(str(fields.get("category")).split()),
                text=row.text or "",
                severity=" ".join(str(fields.get("severity") or "").split()),
            )
        if names_type(row.title, type_key):
            examined.add(key)
    return _Loaded(incidents, examined)


def _decisions(session: Session, service_ids: frozenset[int] | None) -> list[NearMissDecision]:
    stmt = select(NearMissDecision).order_by(NearMissDecision.id)
    if service_ids is not None:
        stmt = stmt.where(NearMissDecision.service_id.in_(sorted(service_ids) or [-1]))
    return list(session.scalars(stmt))


def _pairs(session: Session, key: Any, value: Any, ids: Iterable[int | None]) -> dict[int, str]:
    """``{id: value}`` for the ids given (names of deciders, references of started reviews)."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    return {k: v for k, v in session.execute(select(key, value).where(key.in_(wanted)))}


def _decided(d: NearMissDecision, names: Mapping[int, str], refs: Mapping[int, str]) -> Decided:
    return Decided(
        id=d.id,
        decision=d.decision,
        reason=d.reason,
        by=names.get(d.decided_by_id or 0, "Someone no longer here"),
        at=d.decided_at,
        review_id=d.review_id,
        review_reference=refs.get(d.review_id or 0),
    )


def _label(incidents: Sequence[Incident]) -> str:
    """The spelling the source used most (the earliest on a tie)."""
    return Counter(i.type_label for i in incidents).most_common(1)[0][0]


def _overlaps(first: date, last: date, scope: LearningScope) -> bool:
    return (scope.since is None or last >= scope.since) and (
        scope.until is None or first <= scope.until
    )


def patterns(
    session: Session, scope: LearningScope, rule: RunRule, status: str | None = None
) -> list[Pattern]:
    """The patterns in scope: proposed runs (latest last incident first), then decided ones
    (latest decision first). Runs are found on every incident at the scope's services; the
    period keeps the runs that overlap it, so a run's key never depends on the period asked.
    """
    loaded = _load(session, scope.service_ids)
    decisions = _decisions(session, scope.service_ids)
    services = {s.id: s for s in session.scalars(select(Service))}
    user_ids = [d.decided_by_id for d in decisions if d.decided_by_id]
    names = _pairs(session, User.id, User.name, user_ids)
    refs = _pairs(session, Review.id, Review.reference, [d.review_id for d in decisions])
    accepted: set[tuple[int, str]] = set()
    declined: dict[tuple[int, str], list[NearMissDecision]] = defaultdict(list)
    for d in decisions:
        for key in d.incident_keys:
            if d.decision == "accepted":
                accepted.add((d.service_id, key))
            else:
                declined[(d.service_id, key)].append(d)
    groups: dict[tuple[int, str], list[Incident]] = defaultdict(list)
    for key, incident in loaded.incidents.items():
        if key not in accepted and key not in loaded.examined:
            groups[(incident.service_id, incident.type_key)].append(incident)
    out: list[Pattern] = []
    for (service_id, type_key), members in groups.items():
        members.sort(key=lambda i: (i.occurred_on, i.key))
        for run in find_runs(members, rule):
            new = frozenset(i.key for i in run if (service_id, i.key) not in declined)
            if not new or not _overlaps(run[0].occurred_on, run[-1].occurred_on, scope):
                continue
            earlier = {d.id: d for i in run for d in declined.get((service_id, i.key), [])}
            out.append(
                Pattern(
                    run_key=run_key(service_id, type_key, (i.key for i in run)),
                    service=services[service_id],
                    type_key=type_key,
                    type_label=_label(run),
                    incidents=tuple(run),
                    count=len(run),
                    first=run[0].occurred_on,
                    last=run[-1].occurred_on,
                    status="proposed",
                    earlier=tuple(
                        _decided(d, names, refs)
                        for d in sorted(earlier.values(), key=lambda d: -d.id)
                    ),
                    new_keys=new if earlier else frozenset(),
                )
            )
    out.sort(key=lambda p: (p.last, p.run_key), reverse=True)
    for d in sorted(decisions, key=lambda d: -d.id):
        if not _overlaps(d.first_on, d.last_on, scope):
            continue
        held = [loaded.incidents.get((d.service_id, key)) for key in d.incident_keys]
        members = sorted((i for i in held if i), key=lambda i: (i.occurred_on, i.key))
        out.append(
            Pattern(
                run_key=d.run_key,
                service=services[d.service_id],
                type_key=d.type_key,
                type_label=d.type_label,
                incidents=tuple(members),
                count=d.count,
                first=d.first_on,
                last=d.last_on,
                status=d.decision,
                decision=_decided(d, names, refs),
            )
        )
    if status is not None:
        out = [p for p in out if p.status == status]
    return out
