"""Undo of a user's last cause change: add, edit, move and delete (with its whys and links),
one step at a time, recorded in History as an undo, and never over someone else's change."""

from __future__ import annotations

import contextlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from rca.accounts.models import User
from rca.audit.models import AuditEntry
from rca.audit.recorder import acting_as
from rca.db import db
from rca.evidence.models import EvidenceRow
from rca.fishbone import causes, undo
from rca.fishbone.models import Cause, CauseEvidence
from rca.fishbone.tree import cause_tree, flatten
from rca.reviews.models import Review


@pytest.fixture
def board(app, make_service, make_user, make_review):
    oak = make_service("OAK")
    amira = make_user("amira@example.org", "facilitator", [oak], name="Amira Hussain")
    tom = make_user("tom@example.org", "investigator", [oak], name="Tom Whitfield")
    return {"amira": amira, "tom": tom, "review_id": make_review(amira, oak)}


def _ctx(board):
    review = db.session.get(Review, board["review_id"])
    return review, db.session.get(User, board["amira"].id), db.session.get(User, board["tom"].id)


def _shape(review):
    return [
        (n.text, n.category, n.depth, n.status) for n in flatten(cause_tree(db.session, review))
    ]


def _later() -> None:
    """A minute passes: people make changes seconds apart, these tests milliseconds apart
    (undo tells one change from the next by the moment its entries were written)."""
    for entry in db.session.scalars(select(AuditEntry)):
        entry.at -= timedelta(minutes=1)
    db.session.commit()


@contextlib.contextmanager
def _as(user):
    with acting_as(user.id, "web"):
        yield
    _later()


def _add(review, user, text, category="staffing", parent=None):
    with _as(user):
        cause = causes.add_cause(
            db.session, review, user, {"text": text, "category": category, "parent_id": parent}
        )
        db.session.commit()
    return cause


def test_undo_an_add_removes_the_cause_and_says_so_in_history(ctx, board):
    review, amira, _ = _ctx(board)
    _add(review, amira, "Agency staff unfamiliar with MAR")
    _add(review, amira, "No shift-start briefing", "communication")
    result = undo.undo_last(db.session, review, amira)
    db.session.commit()
    assert result.label == "Added Cause: No shift-start briefing"
    assert _shape(review) == [("Agency staff unfamiliar with MAR", "staffing", 0, "hypothesis")]
    channels = {e.channel for e in db.session.query(AuditEntry).filter_by(review_id=review.id)}
    assert "undo" in channels
    labels = [e.label for e in db.session.query(AuditEntry).filter_by(channel="undo")]
    assert "Undo: Added Cause: No shift-start briefing" in labels
    # Again: one step further back, not an undo of the undo.
    undo.undo_last(db.session, review, amira)
    db.session.commit()
    assert _shape(review) == []
    with pytest.raises(undo.NothingToUndo):
        undo.undo_last(db.session, review, amira)


def test_undo_an_edit_restores_the_text_and_status(ctx, board):
    review, amira, _ = _ctx(board)
    cause = _add(review, amira, "Staff error")
    with _as(amira):
        causes.update_cause(
            db.session,
            review,
            cause.id,
            {
                "text": "Supervision overdue for night staff",
                "status": "supported",
                "reason": "Supervision log: last session 14 weeks ago",
                "version": cause.version,
            },
        )
        db.session.commit()
    undo.undo_last(db.session, review, amira)
    db.session.commit()
    assert _shape(review) == [("Staff error", "staffing", 0, "hypothesis")]


def test_undo_a_move_puts_it_back_under_its_parent_in_its_place(ctx, board):
    review, amira, _ = _ctx(board)
    a = _add(review, amira, "Induction missing for agency staff", "training")
    b = _add(review, amira, "Checklist never written", "training", parent=a.id)
    _add(review, amira, "Nobody owned induction", "training", parent=a.id)
    before = _shape(review)
    with _as(amira):
        causes.move_cause(
            db.session,
            review,
            b.id,
            parent_id=None,
            position=None,
            category="governance",
            version=db.session.get(Cause, b.id).version,
        )
        db.session.commit()
    assert _shape(review) != before
    undo.undo_last(db.session, review, amira)
    db.session.commit()
    assert _shape(review) == before


def test_undo_a_delete_restores_the_cause_with_its_whys_and_evidence(ctx, board):
    review, amira, _ = _ctx(board)
    row = EvidenceRow(
        review_id=review.id, kind="rota", text="3 of 4 on shift were agency", content_hash="x1"
    )
    db.session.add(row)
    db.session.commit()
    first = _add(review, amira, "Evening shifts mostly agency")
    root = _add(review, amira, "Unclear escalation thresholds", "guidance")
    why = _add(review, amira, "Policy names no threshold", "guidance", parent=root.id)
    _add(review, amira, "Policy last reviewed 2021", "guidance", parent=why.id)
    with _as(amira):
        causes.link_evidence(db.session, review, why.id, [row.id])
        db.session.commit()
    before = _shape(review)
    with _as(amira):
        causes.delete_cause(db.session, review, root.id, db.session.get(Cause, root.id).version)
        db.session.commit()
    assert _shape(review) == [("Evening shifts mostly agency", "staffing", 0, "hypothesis")]
    result = undo.undo_last(db.session, review, amira)
    db.session.commit()
    assert _shape(review) == before
    assert result.cause_id == root.id
    assert result.label == "Removed Cause: Unclear escalation thresholds"
    assert db.session.query(CauseEvidence).filter_by(cause_id=why.id).count() == 1
    assert db.session.get(Cause, first.id) is not None


def test_an_add_with_a_status_is_one_change_to_undo(ctx, board):
    review, amira, _ = _ctx(board)
    _add(review, amira, "Night staff report faults verbally")
    with _as(amira):
        causes.add_cause(
            db.session,
            review,
            amira,
            {
                "text": "Reported fault never became a repair job",
                "category": "environment",
                "status": "supported",
                "reason": "Maintenance log: no job raised",
            },
        )
        db.session.commit()
    result = undo.undo_last(db.session, review, amira)
    db.session.commit()
    assert result.label == "Added Cause: Reported fault never became a repair job"
    assert [s[0] for s in _shape(review)] == ["Night staff report faults verbally"]


def test_undo_never_overwrites_someone_elses_later_change(ctx, board):
    review, amira, tom = _ctx(board)
    cause = _add(review, amira, "Lights reported faulty")
    with _as(amira):
        causes.update_cause(
            db.session,
            review,
            cause.id,
            {"text": "Lights faulty for 3 weeks", "version": cause.version},
        )
        db.session.commit()
    with _as(tom):
        causes.update_cause(
            db.session,
            review,
            cause.id,
            {"text": "Two lights faulty since 31/08", "version": cause.version},
        )
        db.session.commit()
    with pytest.raises(undo.UndoRefused) as exc:
        undo.undo_last(db.session, review, amira)
    db.session.rollback()
    assert "someone has changed its text since" in str(exc.value)
    assert db.session.get(Cause, cause.id).text == "Two lights faulty since 31/08"


def test_each_user_undoes_only_their_own_changes(ctx, board):
    review, amira, tom = _ctx(board)
    _add(review, amira, "Amira's cause")
    _add(review, tom, "Tom's cause", "governance")
    undo.undo_last(db.session, review, amira)
    db.session.commit()
    assert [s[0] for s in _shape(review)] == ["Tom's cause"]


def test_undo_through_the_screen_answers_a_message_and_the_trigger(board, web_as):
    web = web_as(board["amira"])
    rid = board["review_id"]
    web.post(f"/reviews/{rid}/causes", {"text": "Handover missed", "category": "communication"})
    answer = web.post(f"/reviews/{rid}/causes/undo", headers={"HX-Request": "true"})
    assert answer.status_code == 200
    assert "Undone: Added Cause: Handover missed" in answer.text
    assert answer.headers["HX-Trigger"] == "rca:changed"
    nothing = web.post(f"/reviews/{rid}/causes/undo", headers={"HX-Request": "true"})
    assert nothing.status_code == 409
    assert "nothing of yours to undo" in nothing.text
