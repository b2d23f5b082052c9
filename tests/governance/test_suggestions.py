"""Look here too, rule by rule, on the hand-built provider (governance/suggestion_provider.py):
suggested (same kind only, not where examined, not where the reader cannot see), accepted into
an action, dismissed with a reason, and never suggested again after either."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from governance.suggestion_provider import LIGHTING, TODAY, add_cause, build_provider
from rca.actions.models import Action, ActionCause
from rca.audit.models import AuditEntry
from rca.db import db
from rca.fishbone.models import Cause
from rca.governance import suggestion_decisions as decisions
from rca.governance.suggestion_models import SuggestionDecision
from rca.governance.suggestions import suggestion_key, suggestions
from rca.validation import FieldErrors


@pytest.fixture
def sg(app, make_service, make_user, make_review):  # type: ignore[no-untyped-def]
    return build_provider(app, make_service, make_user, make_review)


def _open(user):  # type: ignore[no-untyped-def]
    return suggestions(db.session, db.session.merge(user), status="open")


def _key(p) -> str:  # type: ignore[no-untyped-def]
    return suggestion_key(p["elm"].id, LIGHTING)


def test_a_finding_that_travels_is_suggested_to_same_kind_services_that_have_not_examined_it(
    ctx, sg
):
    p = sg
    [only] = _open(p["admin"])
    # Not Beech Court (its review ruled lighting out: examined), not Willow Lane (another
    # kind), not Oakfield itself; short staffing does not travel; MAR gaps is no finding.
    assert (only.factor_code, only.target.name, only.source.reference) == (
        LIGHTING, "Elm Court", only.source.reference,
    )  # fmt: skip
    assert only.source.cause_id == p["causes"]["c1"]
    assert only.reason == (
        f"Coded {LIGHTING} in Oakfield House review {only.source.reference}; Elm Court is a "
        "care home too, and no review there has examined “Poor lighting”."
    )
    assert only.key == _key(p)
    assert only.to_json()["target_service"] == {
        "id": p["elm"].id, "code": "ELM", "name": "Elm Court", "kind": "care-home",
    }  # fmt: skip


def test_the_reason_names_every_service_of_the_kind_that_has_not_looked(ctx, sg):
    p = sg
    db.session.execute(Cause.__table__.delete().where(Cause.id == p["causes"]["c4"]))
    found = sorted(_open(p["admin"]), key=lambda s: s.target.name)
    assert [s.target.name for s in found] == ["Beech Court", "Elm Court"]
    assert "Beech Court and Elm Court are care homes too, and no review at any of them" in (
        found[0].reason
    )


def test_nothing_is_suggested_to_or_from_a_service_the_reader_cannot_see(ctx, sg):
    p = sg
    assert _open(p["oak_only"]) == []  # cannot see Elm Court
    assert _open(p["elm_only"]) == []  # cannot open the Oakfield review it comes from
    assert [s.target.code for s in _open(p["area"])] == ["ELM"]


def test_accepting_plans_a_check_in_the_source_review_with_owner_and_due_date(ctx, sg):
    p = sg
    raw = {"decision": "accept", "owner": f"user:{p['area'].id}", "due": "2027-01-15"}
    decision = decisions.decide(db.session, db.session.merge(p["lead"]), _key(p), raw, TODAY)
    db.session.commit()
    action = db.session.get(Action, decision.action_id)
    assert action.review_id == p["reviews"]["R1"]
    assert action.text.startswith("Audit Elm Court for “Poor lighting”")
    assert (action.owner_user_id, action.due.isoformat()) == (p["area"].id, "2027-01-15")
    assert (action.kind, action.action_type) == ("system", "environment")
    links = db.session.scalars(
        select(ActionCause.cause_id).where(ActionCause.action_id == action.id)
    )
    assert list(links) == [p["causes"]["c1"]]
    history = set(
        db.session.scalars(
            select(AuditEntry.entity).where(AuditEntry.review_id == p["reviews"]["R1"])
        )
    )
    assert {"action", "suggestion_decision"} <= history
    assert _open(p["admin"]) == []
    [decided] = suggestions(db.session, db.session.merge(p["admin"]), status="accepted")
    assert decided.to_json()["action_id"] == action.id


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        ({"decision": "accept", "due": "2027-01-15"}, "owner"),
        ({"decision": "accept", "owner": "user:{area}"}, "due"),
        ({"decision": "accept", "owner": "user:{area}", "due": "2026-11-30"}, "due"),
        ({"decision": "accept", "owner": "user:{oak_only}", "due": "2027-01-15"}, "owner"),
        ({"decision": "dismiss", "reason": "  "}, "reason"),
        ({"decision": "maybe"}, "decision"),
    ],
)
def test_a_refused_decision_names_the_field_and_changes_nothing(ctx, sg, raw, field):
    p = sg
    ids = {"area": p["area"].id, "oak_only": p["oak_only"].id}
    raw = {k: v.format(**ids) for k, v in raw.items()}
    with pytest.raises(FieldErrors) as exc:
        decisions.decide(db.session, db.session.merge(p["lead"]), _key(p), raw, TODAY)
    db.session.rollback()
    assert field in exc.value.errors
    assert db.session.scalar(select(func.count(SuggestionDecision.id))) == 0
    assert db.session.scalar(select(func.count(Action.id))) == 0


def test_dismissing_needs_a_reason_and_the_suggestion_never_comes_back(ctx, sg):
    p = sg
    lead = db.session.merge(p["lead"])
    raw = {"decision": "dismiss", "reason": "Elm Court was relit in the summer."}
    decisions.decide(db.session, lead, _key(p), raw, TODAY)
    db.session.commit()
    assert _open(p["admin"]) == []
    # Another review finds poor lighting again: still not suggested to Elm Court.
    r3 = add_cause(p["reviews"]["R1"], LIGHTING, "supported", "contributory")
    db.session.commit()
    assert r3 and _open(p["admin"]) == []
    [decided] = suggestions(db.session, lead, status="dismissed")
    assert decided.decided.reason == "Elm Court was relit in the summer."
    with pytest.raises(decisions.AlreadyDecided):
        decisions.decide(db.session, lead, _key(p), raw, TODAY)


def test_deciding_twice_is_refused(ctx, sg):
    p = sg
    lead = db.session.merge(p["lead"])
    raw = {"decision": "accept", "owner": "Ann Area", "due": "2027-01-15"}
    decisions.decide(db.session, lead, _key(p), raw, TODAY)
    db.session.commit()
    with pytest.raises(decisions.AlreadyDecided):
        decisions.decide(db.session, lead, _key(p), {"decision": "dismiss", "reason": "x"}, TODAY)
    assert db.session.scalar(select(func.count(Action.id))) == 1


def test_only_people_who_may_plan_actions_at_both_services_decide(ctx, sg):
    p = sg
    raw = {"decision": "dismiss", "reason": "No."}
    with pytest.raises(decisions.NotAllowed):
        decisions.decide(db.session, db.session.merge(p["reader"]), _key(p), raw, TODAY)
    with pytest.raises(decisions.SuggestionNotFound):
        decisions.decide(db.session, db.session.merge(p["elm_only"]), _key(p), raw, TODAY)
    for bad in ("", "x", f"{p['elm'].id}:staffing.short-staffed", f"{p['wil'].id}:{LIGHTING}"):
        with pytest.raises(decisions.SuggestionNotFound):
            decisions.decide(db.session, db.session.merge(p["lead"]), bad, raw, TODAY)


def test_listing_takes_a_constant_number_of_queries(ctx, sg, make_review):
    p = sg

    def count() -> int:
        seen: list[str] = []
        engine = db.engine
        listener = lambda *a: seen.append(a[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            suggestions(db.session, db.session.merge(p["admin"]))
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    before = count()
    db.session.commit()
    made = [
        make_review(p["admin"], p["oak"], title=f"Fall {n}", occurred_on="2026-10-01")
        for n in range(4)
    ]
    for review in made:
        add_cause(review, "guidance.procedure-unclear", "supported", "root")
        add_cause(review, LIGHTING, "supported", "contributory")
    db.session.commit()
    assert count() == before
