"""Near-miss patterns found on imported incident logs, and decided: accept starts a review at
triage with the incidents as its trigger evidence; decline needs a reason; each run is decided
once; a declined run comes back only when a new incident joins it."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from governance.conftest import TODAY
from rca.accounts.models import User
from rca.audit.models import AuditEntry
from rca.db import db
from rca.evidence.models import EvidenceRow
from rca.governance import pattern_decisions as decisions
from rca.governance.near_miss import RunRule, patterns
from rca.governance.pattern_models import NearMissDecision
from rca.graph.scope import everything_for
from rca.portability.bundle_export import export_bundle
from rca.reviews.models import Review
from rca.validation import FieldErrors

RULE = RunRule()
FALLS = [
    (date(2026, 10, 1), "Fall", "Found sitting on the bedroom floor, no injury seen."),
    (date(2026, 10, 14), "fall ", "Slipped in the bathroom, bruised hip."),
    (date(2026, 10, 28), "FALL", "Fell from the chair in the lounge."),
]


def proposed(user: User) -> list:
    return patterns(db.session, everything_for(db.session.get(User, user.id)), RULE, "proposed")


def test_three_of_one_type_at_one_service_propose_one_pattern(
    ctx, people, oak_review, log_incidents
):
    log_incidents(oak_review, [*FALLS, (date(2026, 10, 20), "Skin", "Skin tear on forearm.")])
    [p] = proposed(people["manager"])
    assert (p.service.code, p.type_key, p.count) == ("OAK", "fall", 3)
    assert (p.first, p.last, p.span_days) == (date(2026, 10, 1), date(2026, 10, 28), 28)
    assert p.title == "Pattern: 3 “Fall” incidents at Oakfield House in 28 days"
    assert [i.summary for i in p.incidents][0].startswith("Found sitting")


def test_two_in_the_window_or_three_spanning_29_days_propose_nothing(
    ctx, people, oak_review, log_incidents
):
    log_incidents(
        oak_review, [FALLS[0], FALLS[1], (date(2026, 10, 29), "Fall", "Third, a day late.")]
    )
    assert proposed(people["manager"]) == []


def test_the_same_incident_in_two_reviews_counts_once(
    ctx, people, oak_review, make_review, log_incidents
):
    other = make_review(people["manager"], people["oak"], title="Family complaint")
    log_incidents(oak_review, FALLS[:2])
    log_incidents(other, FALLS[:2], file_name="safelog-again.csv")
    assert proposed(people["manager"]) == []
    log_incidents(other, FALLS[2:])
    [p] = proposed(people["manager"])
    assert p.count == 3


def test_one_type_at_two_services_is_not_a_run(ctx, people, oak_review, make_review, log_incidents):
    wil_review = make_review(people["wil_manager"], people["wil"], title="Missed support")
    log_incidents(oak_review, FALLS[:2])
    log_incidents(wil_review, FALLS[2:])
    assert proposed(people["admin"]) == []


def test_incidents_a_review_about_their_type_holds_are_examined(
    ctx, people, make_review, log_incidents
):
    falls_review = make_review(
        people["manager"], people["oak"], title="Falls at night on the first floor"
    )
    log_incidents(falls_review, FALLS)
    assert proposed(people["manager"]) == []


def test_a_user_sees_patterns_only_at_services_they_may_see(ctx, people, oak_review, log_incidents):
    log_incidents(oak_review, FALLS)
    assert len(proposed(people["manager"])) == 1
    assert len(proposed(people["lead"])) == 1
    assert proposed(people["wil_manager"]) == []


def test_accepting_starts_a_review_at_triage_with_the_incidents_as_trigger_evidence(
    ctx, people, oak_review, log_incidents
):
    log_incidents(oak_review, FALLS, severity="Moderate")
    manager = db.session.get(User, people["manager"].id)
    [p] = proposed(manager)
    decision = decisions.decide(db.session, manager, p.run_key, {"decision": "accept"}, RULE, TODAY)
    db.session.commit()
    review = db.session.get(Review, decision.review_id)
    assert (review.stage, review.trigger, review.title) == ("triage", "pattern", p.title)
    assert (review.occurred_on, review.severity, review.service_id) == (
        date(2026, 10, 28), "moderate", people["oak"].id,
    )  # fmt: skip
    copies = db.session.scalars(
        select(EvidenceRow)
        .where(EvidenceRow.review_id == review.id)
        .order_by(EvidenceRow.occurred_on)
    ).all()
    originals = {i.key: db.session.get(EvidenceRow, i.row_id) for i in p.incidents}
    assert [c.content_hash for c in copies] == [i.key for i in p.incidents]
    for copy in copies:
        original = originals[copy.content_hash]
        assert (copy.kind, copy.file_name, copy.row_number, copy.cells) == (
            "incidents", original.file_name, original.row_number, original.cells,
        )  # fmt: skip
        assert copy.file_sha256 == original.file_sha256
        assert copy.evidence_import.options["copied_from"]["review_id"] == oak_review
    history = db.session.scalars(
        select(AuditEntry.entity).where(AuditEntry.review_id == review.id)
    ).all()
    assert "near_miss_decision" in history
    assert proposed(manager) == []
    [accepted] = patterns(db.session, everything_for(manager), RULE, "accepted")
    assert (accepted.run_key, accepted.decision.review_reference) == (p.run_key, review.reference)


def test_a_decline_needs_a_reason_and_nothing_changes_without_one(
    ctx, people, oak_review, log_incidents
):
    log_incidents(oak_review, FALLS)
    manager = db.session.get(User, people["manager"].id)
    [p] = proposed(manager)
    with pytest.raises(FieldErrors) as exc:
        decisions.decide(
            db.session, manager, p.run_key, {"decision": "decline", "reason": "  "}, RULE, TODAY
        )
    db.session.rollback()
    assert "reason" in exc.value.errors
    assert db.session.scalar(select(func.count(NearMissDecision.id))) == 0
    assert [q.run_key for q in proposed(manager)] == [p.run_key]


def test_a_pattern_is_decided_once(ctx, people, oak_review, log_incidents):
    log_incidents(oak_review, FALLS)
    manager = db.session.get(User, people["manager"].id)
    [p] = proposed(manager)
    decisions.decide(
        db.session,
        manager,
        p.run_key,
        {"decision": "decline", "reason": "Known: hip protectors ordered."},
        RULE,
        TODAY,
    )
    db.session.commit()
    for again in ({"decision": "accept"}, {"decision": "decline", "reason": "Again."}):
        with pytest.raises(decisions.AlreadyDecided):
            decisions.decide(db.session, manager, p.run_key, again, RULE, TODAY)
    assert db.session.scalar(select(func.count(NearMissDecision.id))) == 1
    assert db.session.scalar(select(func.count(Review.id))) == 1


def test_a_declined_run_comes_back_only_when_a_new_incident_joins_it(
    ctx, people, oak_review, log_incidents
):
    log_incidents(oak_review, FALLS)
    manager = db.session.get(User, people["manager"].id)
    [p] = proposed(manager)
    reason = "Each fall had a different cause; reviewed at the falls huddle."
    decisions.decide(
        db.session, manager, p.run_key, {"decision": "decline", "reason": reason}, RULE, TODAY
    )
    db.session.commit()
    assert proposed(manager) == []
    log_incidents(oak_review, [(date(2026, 12, 1), "Fall", "Far from the run: joins nothing.")],
                  file_name="december.csv")  # fmt: skip
    assert proposed(manager) == []
    log_incidents(
        oak_review, [(date(2026, 11, 5), "Fall", "Found on the landing.")], file_name="nov.csv"
    )
    [again] = proposed(manager)
    assert again.count == 4 and again.run_key != p.run_key
    assert [e.reason for e in again.earlier] == [reason]
    new = [i.summary for i in again.incidents if i.key in again.new_keys]
    assert new == ["Found on the landing."]


def test_a_role_that_may_not_start_reviews_may_not_decide(ctx, people, oak_review, log_incidents):
    log_incidents(oak_review, FALLS)
    lead = db.session.get(User, people["lead"].id)
    [p] = proposed(lead)
    with pytest.raises(decisions.NotAllowed):
        decisions.decide(db.session, lead, p.run_key, {"decision": "accept"}, RULE, TODAY)
    other = db.session.get(User, people["wil_manager"].id)
    with pytest.raises(decisions.PatternNotFound):
        decisions.decide(db.session, other, p.run_key, {"decision": "accept"}, RULE, TODAY)
    assert db.session.scalar(select(func.count(NearMissDecision.id))) == 0


def test_a_started_review_travels_in_a_bundle_without_the_decision(
    ctx, people, oak_review, log_incidents, tmp_path
):
    """The decision is this instance's (unique per run): carried back in, it would clash."""
    log_incidents(oak_review, FALLS)
    manager = db.session.get(User, people["manager"].id)
    [p] = proposed(manager)
    decision = decisions.decide(db.session, manager, p.run_key, {"decision": "accept"}, RULE, TODAY)
    db.session.commit()
    out = io.BytesIO()
    summary = export_bundle(db.session, decision.review_id, out, tmp_path)
    assert summary.rows["evidence_row"] == 3 and summary.rows["evidence_import"] == 1
    assert "near_miss_decision" not in summary.rows
