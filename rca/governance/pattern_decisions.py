"""Deciding a near-miss pattern: accept (a review at triage, its incidents as trigger evidence)
or decline (a reason required). Each run is decided once.

The accepted review's trigger evidence is a **copy** of each incident row, not a link to the
row in the review that imported it: evidence belongs to one review (its History, its report, its
bundle, who may see it), so the new review holds its own rows. Each copy keeps its provenance
(file name, row number, original cells, content hash) and sits under a copy of its file's import
(SHA-256, sheet, mapping, and ``options["copied_from"]`` naming the review and import it came
from), so a citation of the copy reads exactly like the original's. The content hash is the
original's too, so importing the same log into the new review later adds nothing twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rca import access
from rca.accounts.models import User
from rca.db import utcnow
from rca.evidence.models import EvidenceImport, EvidenceRow
from rca.governance.near_miss import Decided, Incident, Pattern, RunRule, patterns
from rca.governance.pattern_models import NearMissDecision
from rca.graph.scope import everything_for
from rca.reviews import lifecycle
from rca.reviews.models import SEVERITIES, Review
from rca.validation import Collector, parse_text

CHOICES = {"accept": "accepted", "decline": "declined"}
REASON_LIMIT = 2000


class PatternNotFound(Exception):
    """No such pattern proposed now among the services the user may see (404)."""


class AlreadyDecided(Exception):
    """The run was decided before (409); ``decided`` says how, by whom and when."""

    def __init__(self, decided: Decided | None) -> None:
        super().__init__("already decided")
        self.decided = decided


class NotAllowed(Exception):
    """The user may see the pattern but their role may not start reviews there (403)."""


def proposed(session: Session, user: User, key: str, rule: RunRule) -> Pattern:
    """The pattern with this run key, as the user may see it; refused as the module's errors."""
    found = {p.run_key: p for p in patterns(session, everything_for(user), rule)}
    pattern = found.get(str(key or "").strip())
    if pattern is not None and pattern.status != "proposed":
        raise AlreadyDecided(pattern.decision)
    if pattern is None:
        taken = session.scalar(select(NearMissDecision.id).where(NearMissDecision.run_key == key))
        if taken is not None:  # decided, but no longer visible to this user: say no more
            raise AlreadyDecided(None)
        raise PatternNotFound(key)
    return pattern


def decide(
    session: Session, user: User, key: str, raw: dict[str, Any], rule: RunRule, today: date
) -> NearMissDecision:
    """Accept or decline a proposed pattern (flushed; the caller commits).

    Checked in order, nothing written until all pass: the run is proposed and visible (else
    PatternNotFound, or AlreadyDecided once decided); the user may start reviews at its service
    (NotAllowed); ``decision`` is accept or decline and a decline has a reason (FieldErrors).
    """
    pattern = proposed(session, user, key, rule)
    if not access.can(user, "create", pattern.service.id):
        raise NotAllowed(pattern.service.code)
    c = Collector()
    choice = str(raw.get("decision") or "").strip()
    if choice not in CHOICES:
        c.errors["decision"] = "Say whether to accept the pattern (start a review) or decline it."
    reason = None
    if choice == "decline":
        reason = c.check(
            "reason",
            parse_text,
            raw.get("reason"),
            label="A reason for declining",
            max_len=REASON_LIMIT,
        )
    c.raise_if_any()
    decision = NearMissDecision(
        run_key=pattern.run_key,
        service_id=pattern.service.id,
        type_key=pattern.type_key,
        type_label=pattern.type_label[:200],
        incident_keys=sorted(i.key for i in pattern.incidents),
        count=pattern.count,
        first_on=pattern.first,
        last_on=pattern.last,
        decision=CHOICES[choice],
        reason=reason,
        decided_by_id=user.id,
        decided_at=utcnow(),
    )
    if choice == "accept":
        review = start_review(session, user, pattern, today)
        decision.review_id = review.id
    session.add(decision)
    session.flush()
    return decision


def _severity(incidents: tuple[Incident, ...]) -> str:
    """The highest harm the incidents record, in the review's terms (no harm when unsaid)."""
    order = list(SEVERITIES)
    words: dict[str, str] = {}
    for key, label in SEVERITIES.items():
        for spelling in (key, key.replace("-", " "), label.casefold(), label.split()[0].casefold()):
            words.setdefault(spelling, key)
    found = [words[s] for i in incidents if (s := i.severity.casefold()) in words]
    return max(found, key=order.index) if found else "no-harm"


def start_review(session: Session, user: User, pattern: Pattern, today: date) -> Review:
    """A review at triage through the reviews' own ``create_review``, pre-filled from the run."""
    originals = session.scalars(
        select(EvidenceRow)
        .where(EvidenceRow.id.in_([i.row_id for i in pattern.incidents]))
        .order_by(EvidenceRow.occurred_on, EvidenceRow.id)
    ).all()
    people = {row.person_id for row in originals if row.person_id}
    review = lifecycle.create_review(
        session,
        user,
        {
            "service": pattern.service.code,
            "title": pattern.title,
            "trigger": "pattern",
            # The day the run became a pattern: its last incident (never after today).
            "occurred_on": min(pattern.last, today).isoformat(),
            "severity": _severity(pattern.incidents),
            # The people the incidents happened to, as the triage form would count them.
            "people_affected": max(1, len(people)),
        },
        today,
    )
    copy_incidents(session, review, originals, user.id)
    return review


def copy_incidents(
    session: Session, review: Review, originals: Sequence[EvidenceRow], user_id: int
) -> list[EvidenceRow]:
    """Copy each incident row into ``review`` with its provenance (module docstring)."""
    imports: dict[int, EvidenceImport] = {}
    copies: list[EvidenceRow] = []
    for row in originals:
        source = row.evidence_import
        target = None
        if source is not None:
            if source.id not in imports:
                imports[source.id] = _copy_import(session, review, source, user_id)
            target = imports[source.id]
            target.imported += 1
            target.rows_total = target.rows_done = target.rows_read = target.imported
        copies.append(
            EvidenceRow(
                review_id=review.id,
                kind=row.kind,
                occurred_at=row.occurred_at,
                occurred_on=row.occurred_on,
                ends_at=row.ends_at,
                staff_id=row.staff_id,
                person_id=row.person_id,
                text=row.text,
                concern=row.concern,
                fields=dict(row.fields or {}),
                cells=dict(row.cells or {}),
                evidence_import=target,
                file_name=row.file_name,
                row_number=row.row_number,
                content_hash=row.content_hash,
                created_by_id=user_id,
            )
        )
    session.add_all(copies)
    session.flush()
    return copies


def _copy_import(
    session: Session, review: Review, source: EvidenceImport, user_id: int
) -> EvidenceImport:
    copied = EvidenceImport(
        review_id=review.id,
        kind=source.kind,
        file_name=source.file_name,
        file_sha256=source.file_sha256,
        file_size=source.file_size,
        sheet=source.sheet,
        status="done",
        dry_run=False,
        mapping=dict(source.mapping or {}),
        profile_id=source.profile_id,
        options={
            **(source.options or {}),
            "copied_from": {"review_id": source.review_id, "import_id": source.id},
        },
        imported=0,
        created_by_id=user_id,
        finished_at=utcnow(),
    )
    session.add(copied)
    return copied
