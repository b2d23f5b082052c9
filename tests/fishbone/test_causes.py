"""The cause domain: nesting, moving, evidence from the right review, reasons for status."""

from __future__ import annotations

import pytest

from rca.accounts.models import User
from rca.db import db
from rca.fishbone import cause_status, causes
from rca.fishbone.models import Cause, CauseStatusChange
from rca.fishbone.tree import cause_tree, flatten
from rca.reviews.models import Review
from rca.validation import FieldErrors


def _setup(fb):
    return db.session.get(Review, fb.review_id), db.session.get(User, fb.user.id)


def _refused(review, user, fields):
    """The errors ``add_cause`` refuses these fields with (it must refuse them)."""
    with pytest.raises(FieldErrors) as refused:
        causes.add_cause(db.session, review, user, fields)
    return refused.value.errors


def test_causes_nest_to_any_depth(ctx, fb):
    review, user = _setup(fb)
    parent = causes.add_cause(
        db.session, review, user, {"text": "Dose missed", "category": "staffing"}
    )
    for depth in range(1, 8):
        parent = causes.add_cause(
            db.session,
            review,
            user,
            {"text": f"Why {depth}", "parent_id": parent.id, "category": "person"},
        )
    db.session.commit()
    tree = cause_tree(db.session, review)
    node, depths = tree[0], []
    while node.children:
        node = node.children[0]
        depths.append((node.depth, node.category))
    assert depths == [(d, "staffing") for d in range(1, 8)]  # whys take their cause's bone


def test_move_recategorises_the_subtree_and_refuses_cycles(ctx, fb):
    review, user = _setup(fb)
    a = causes.add_cause(db.session, review, user, {"text": "A", "category": "staffing"})
    b = causes.add_cause(db.session, review, user, {"text": "B", "parent_id": a.id})
    c = causes.add_cause(db.session, review, user, {"text": "C", "parent_id": b.id})
    db.session.commit()
    # Under its own grandchild, and under itself: both would make a cycle.
    for parent in (c, a):
        with pytest.raises(FieldErrors) as refused:
            causes.move_cause(
                db.session,
                review,
                a.id,
                parent_id=parent.id,
                position=None,
                category=None,
                version=a.version,
            )
        assert "parent_id" in refused.value.errors
        db.session.rollback()
    b = db.session.get(Cause, b.id)
    causes.move_cause(
        db.session, review, b.id, parent_id=None, position=0, category="training", version=b.version
    )
    db.session.commit()
    moved = {
        n.text: (n.category, n.parent_id, n.depth) for n in flatten(cause_tree(db.session, review))
    }
    assert moved["B"] == ("training", None, 0)
    assert moved["C"] == ("training", b.id, 1)
    assert moved["A"] == ("staffing", None, 0)


def test_moves_by_direction_reorder_siblings(ctx, fb):
    review, user = _setup(fb)
    ids = [
        causes.add_cause(db.session, review, user, {"text": t, "category": "staffing"}).id
        for t in ("one", "two", "three")
    ]
    db.session.commit()
    three = db.session.get(Cause, ids[2])
    causes.move_direction(db.session, review, three.id, "up", three.version)
    db.session.commit()
    assert [n.text for n in cause_tree(db.session, review)] == ["one", "three", "two"]
    three = db.session.get(Cause, ids[2])
    causes.move_direction(db.session, review, three.id, "in", three.version)  # under "one"
    db.session.commit()
    tree = cause_tree(db.session, review)
    assert [n.text for n in tree] == ["one", "two"]
    assert [c.text for c in tree[0].children] == ["three"]
    three = db.session.get(Cause, ids[2])
    causes.move_direction(db.session, review, three.id, "out", three.version)
    db.session.commit()
    assert [n.text for n in cause_tree(db.session, review)] == ["one", "three", "two"]
    # Moving a sibling does not bump the others' versions (position is layout).
    one = db.session.get(Cause, ids[0])
    assert one.version == 1


def test_evidence_from_another_review_is_refused(ctx, fb):
    review, user = _setup(fb)
    fields = {
        "text": "Agency staff unfamiliar with MAR",
        "category": "training",
        "evidence_ids": [fb.evidence["mar"], fb.other_evidence],
    }
    assert _refused(review, user, fields) == {
        "evidence_ids": f"Evidence #{fb.other_evidence} is not part of this review."
    }
    db.session.rollback()
    assert db.session.query(Cause).count() == 0  # nothing half-written
    cause = causes.add_cause(db.session, review, user, {"text": "X", "category": "training"})
    with pytest.raises(FieldErrors):
        causes.link_evidence(db.session, review, cause.id, [fb.other_evidence])
    causes.link_evidence(db.session, review, cause.id, [fb.evidence["mar"], fb.evidence["rota"]])
    causes.link_evidence(db.session, review, cause.id, [fb.evidence["mar"]])  # idempotent
    db.session.commit()
    node = cause_tree(db.session, review)[0]
    assert sorted(e.kind for e in node.evidence) == ["mar", "rota"]
    causes.unlink_evidence(db.session, review, cause.id, [fb.evidence["rota"]])
    db.session.commit()
    assert [e.kind for e in cause_tree(db.session, review)[0].evidence] == ["mar"]


def test_a_cause_of_another_review_is_not_found(ctx, fb):
    review, user = _setup(fb)
    other = db.session.get(Review, fb.other_review_id)
    theirs = causes.add_cause(db.session, other, None, {"text": "Theirs", "category": "staffing"})
    db.session.commit()
    with pytest.raises(causes.CauseNotFound):
        causes.update_cause(db.session, review, theirs.id, {"version": 1, "text": "Mine now"})
    with pytest.raises(FieldErrors):
        causes.add_cause(db.session, review, user, {"text": "Why", "parent_id": theirs.id})


def test_a_status_change_needs_a_reason_and_keeps_it(ctx, fb):
    review, user = _setup(fb)
    cause = causes.add_cause(
        db.session, review, user, {"text": "Handover not recorded", "category": "communication"}
    )
    db.session.commit()
    with pytest.raises(FieldErrors) as refused:
        causes.update_cause(
            db.session, review, cause.id, {"version": cause.version, "status": "supported"}
        )
    assert "reason" in refused.value.errors
    db.session.rollback()
    cause = db.session.get(Cause, cause.id)
    causes.update_cause(
        db.session,
        review,
        cause.id,
        {"version": cause.version, "status": "supported", "reason": "Handover book blank 3/9"},
    )
    db.session.commit()
    change = db.session.query(CauseStatusChange).one()
    assert (change.from_status, change.to_status, change.reason) == (
        "hypothesis",
        "supported",
        "Handover book blank 3/9",
    )
    assert [c.reason for c in cause_status.status_changes(db.session, review)] == [
        "Handover book blank 3/9"
    ]


def test_bad_input_names_the_field(ctx, fb):
    review, user = _setup(fb)
    fields = {"text": " ", "category": "nowhere", "status": "maybe", "factor_code": "nope"}
    assert set(_refused(review, user, fields)) == {"text", "category", "status", "factor_code"}


def test_delete_takes_the_whys_with_it(ctx, fb):
    review, user = _setup(fb)
    a = causes.add_cause(db.session, review, user, {"text": "A", "category": "staffing"})
    b = causes.add_cause(db.session, review, user, {"text": "B", "parent_id": a.id})
    causes.add_cause(db.session, review, user, {"text": "C", "parent_id": b.id})
    keep = causes.add_cause(db.session, review, user, {"text": "Keep", "category": "staffing"})
    db.session.commit()
    causes.delete_cause(db.session, review, a.id, a.version)
    db.session.commit()
    assert [n.text for n in flatten(cause_tree(db.session, review))] == ["Keep"]
    assert db.session.get(Cause, keep.id).position == 0


def test_one_change_is_one_version(ctx, fb):
    review, user = _setup(fb)
    ids = [
        causes.add_cause(db.session, review, user, {"text": t, "category": "staffing"}).id
        for t in ("one", "two")
    ]
    db.session.commit()
    two = db.session.get(Cause, ids[1])
    causes.move_direction(db.session, review, two.id, "up", 1)
    db.session.commit()
    assert db.session.get(Cause, ids[1]).version == 2
    causes.update_cause(
        db.session,
        review,
        ids[1],
        {"version": 2, "category": "training", "status": "ruled-out", "reason": "No"},
    )
    db.session.commit()
    assert db.session.get(Cause, ids[1]).version == 3
