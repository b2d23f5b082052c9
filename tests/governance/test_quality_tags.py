"""Tags on findings and actions: findings only, overrides with a reason recorded in the History,
and the tags shown where the cause and the action are shown."""

from __future__ import annotations

from sqlalchemy import func, select

from governance.quality_provider import (  # noqa: F401
    MEDICINES,
    STAFFING,
    SYSTEMS,
    qs_provider,
)
from rca.audit.models import AuditEntry
from rca.db import db
from rca.governance.statement_models import StatementOverride
from rca.governance.tagging import derive, review_tags
from rca.reviews.models import Review

IMPROVEMENT = "well-led.learning-improvement-innovation"


def _tags(app, review_id):
    with app.app_context():
        return review_tags(db.session, db.session.get(Review, review_id))


def test_only_findings_carry_tags_and_actions_take_their_findings_tags(qs_provider, app):  # noqa: F811
    c, a = qs_provider["causes"], qs_provider["actions"]
    tags = _tags(app, qs_provider["reviews"]["R1"])
    # c2 is a hypothesis and c3 incidental: neither is a finding, so neither is tagged.
    assert set(tags.causes) == {c["c1"]}
    assert tags.causes[c["c1"]].statements == (STAFFING, MEDICINES)
    assert tags.actions[a["a1"]].statements == (SYSTEMS, STAFFING, MEDICINES)
    assert tags.actions[a["a1"]].how(SYSTEMS) == "mapping"


def test_derive_applies_additions_and_removals_in_cqc_order():
    from rca.governance.tagging import Override

    t = derive(
        [MEDICINES, STAFFING], [Override(STAFFING, "remove", "x"), Override(SYSTEMS, "add", "y")]
    )
    assert t.statements == (SYSTEMS, MEDICINES)
    assert t.derived == (STAFFING, MEDICINES)
    assert [o.statement for o in t.removed] == [STAFFING]
    assert t.how(SYSTEMS) == "override"


def test_an_override_needs_a_reason_and_is_recorded_in_the_history(qs_provider, web_as, app):  # noqa: F811
    r1, c1 = qs_provider["reviews"]["R1"], qs_provider["causes"]["c1"]
    web = web_as(qs_provider["oak_only"])
    url = f"/reviews/{r1}/causes/{c1}/quality-statements"
    refused = web.post(url, {"statement": IMPROVEMENT, "effect": "add", "reason": "  "})
    assert refused.status_code == 422
    assert "Reason" in refused.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StatementOverride)) == 0
    reason = "The re-audit was shared at the quality meeting & changed the audit tool"
    answer = web.post(url, {"statement": IMPROVEMENT, "effect": "add", "reason": reason})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"/reviews/{r1}/analysis?drawer={c1}")
    removed = web.post(url, {"statement": MEDICINES, "effect": "remove", "reason": "Not MAR"})
    assert removed.status_code == 303
    tags = _tags(app, r1)
    assert tags.causes[c1].statements == (STAFFING, IMPROVEMENT)
    assert tags.causes[c1].how(IMPROVEMENT) == "override"
    # The action against c1 follows its finding's tags.
    assert IMPROVEMENT in tags.actions[qs_provider["actions"]["a1"]].statements
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "quality_statement_override")
            .order_by(AuditEntry.id)
        ).all()
        assert [(e.review_id, e.action) for e in entries] == [(r1, "create"), (r1, "create")]
        assert entries[0].changes["reason"] == [None, reason]
        assert entries[0].user_id == qs_provider["oak_only"].id
    history = web.get(f"/reviews/{r1}/history")
    assert f"Quality statement {IMPROVEMENT} added to cause #{c1}" in history.text
    drawer = web.get(f"/reviews/{r1}/analysis?drawer={c1}")
    assert "CQC quality statements" in drawer.text
    assert "Well-led: Learning, improvement and innovation" in drawer.text
    assert "changed the audit tool" in drawer.text and "&amp; changed" in drawer.text


def test_changing_ones_mind_updates_the_override_with_the_new_reason(qs_provider, web_as, app):  # noqa: F811
    r1, a1 = qs_provider["reviews"]["R1"], qs_provider["actions"]["a1"]
    web = web_as(qs_provider["admin"])
    url = f"/reviews/{r1}/actions/{a1}/quality-statements"
    assert (
        web.post(
            url, {"statement": SYSTEMS, "effect": "remove", "reason": "Not a pathway"}
        ).status_code
        == 303
    )
    assert SYSTEMS not in _tags(app, r1).actions[a1].statements
    assert (
        web.post(
            url, {"statement": SYSTEMS, "effect": "add", "reason": "It is, after all"}
        ).status_code
        == 303
    )
    assert SYSTEMS in _tags(app, r1).actions[a1].statements
    with app.app_context():
        update = db.session.scalars(
            select(AuditEntry).where(
                AuditEntry.entity == "quality_statement_override", AuditEntry.action == "update"
            )
        ).one()
        assert update.changes["effect"] == ["remove", "add"]
        assert update.changes["reason"] == ["Not a pathway", "It is, after all"]
    detail = web.get(f"/reviews/{r1}/actions?action={a1}")
    assert "Safe: Safe systems, pathways and transitions" in detail.text
    assert "It is, after all" in detail.text


def test_a_hypothesis_has_no_tags_and_refuses_one(qs_provider, web_as, app):  # noqa: F811
    r1, c2 = qs_provider["reviews"]["R1"], qs_provider["causes"]["c2"]
    web = web_as(qs_provider["admin"])
    answer = web.post(
        f"/reviews/{r1}/causes/{c2}/quality-statements",
        {"statement": STAFFING, "effect": "add", "reason": "Looks like staffing"},
    )
    assert answer.status_code == 422
    assert "Only findings carry quality statements" in answer.text
    drawer = web.get(f"/reviews/{r1}/analysis?drawer={c2}")
    assert "CQC quality statements" not in drawer.text


def test_bad_overrides_change_nothing(qs_provider, web_as, app):  # noqa: F811
    r1, r2 = qs_provider["reviews"]["R1"], qs_provider["reviews"]["R2"]
    c1, c4 = qs_provider["causes"]["c1"], qs_provider["causes"]["c4"]
    admin = web_as(qs_provider["admin"])
    unknown = admin.post(
        f"/reviews/{r1}/causes/{c1}/quality-statements",
        {"statement": "safe.made-up", "effect": "add", "reason": "Because"},
    )
    assert unknown.status_code == 422
    assert "safe.made-up is not a CQC quality statement" in unknown.text
    # A cause of another review, through this review's address: not found.
    elsewhere = admin.post(
        f"/reviews/{r1}/causes/{c4}/quality-statements",
        {"statement": STAFFING, "effect": "add", "reason": "Because"},
    )
    assert elsewhere.status_code == 404
    # A review at a service the user holds no role at: not found; a read-only role: refused.
    oak = web_as(qs_provider["oak_only"])
    body = {"statement": STAFFING, "effect": "add", "reason": "Because"}
    assert oak.post(f"/reviews/{r2}/causes/{c4}/quality-statements", body).status_code == 404
    reader = web_as(qs_provider["reader"])
    assert reader.post(f"/reviews/{r1}/causes/{c1}/quality-statements", body).status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StatementOverride)) == 0
