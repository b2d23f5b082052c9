"""The one change token (rca.audit.changes): it moves on a review's changes and on shared ones,
and on PostgreSQL it notices a transaction that drew an earlier id but committed later, which the
newest id alone misses. The caches that trust it (timeline, guidance) rebuild then."""

from __future__ import annotations

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from rca.accounts.models import User
from rca.audit.changes import ChangeToken, TokenCache
from rca.audit.models import AuditEntry
from rca.db import db
from rca.fishbone import causes
from rca.fishbone.models import Cause
from rca.reviews.models import Review
from rca.timeline import cache as timeline_cache


@pytest.fixture
def review_and_user(make_service, make_user, make_review):
    oak = make_service("OAK")
    amira = make_user("amira@example.org", "facilitator", [oak], name="Amira Hussain")
    return make_review(amira, oak), amira.id


def _entry(review_id: int | None, label: str) -> dict[str, object]:
    return {
        "review_id": review_id,
        "entity": "note",
        "entity_id": None,
        "action": "create",
        "label": label,
        "channel": "cli",
        "changes": {},
    }


def test_the_token_moves_on_the_review_and_on_shared_changes_only(ctx, review_and_user):
    review_id, _ = review_and_user
    token = ChangeToken()
    own_only = ChangeToken(shared=False)
    start, start_own = token.read(db.session, review_id), own_only.read(db.session, review_id)
    db.session.execute(insert(AuditEntry), [_entry(review_id + 1, "another review")])
    db.session.commit()
    assert token.read(db.session, review_id) == start
    db.session.execute(insert(AuditEntry), [_entry(None, "a service standard")])
    db.session.commit()
    assert token.read(db.session, review_id) != start
    assert own_only.read(db.session, review_id) == start_own
    db.session.execute(insert(AuditEntry), [_entry(review_id, "this review")])
    db.session.commit()
    assert own_only.read(db.session, review_id) != start_own


def test_a_transaction_committing_out_of_id_order_still_moves_the_token(app, review_and_user):
    review_id, user_id = review_and_user
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("SQLite serialises writers: ids arrive in commit order there")
        engine = db.engine
        token = ChangeToken()
        counted: TokenCache[int] = TokenCache(token, max_entries=4)
        builds: list[int] = []

        def cause_count(session: Session) -> int:
            n = session.scalar(select(func.count(Cause.id)).where(Cause.review_id == review_id))
            builds.append(n or 0)
            return n or 0

        with Session(engine) as early, Session(engine) as late, Session(engine) as reader:
            # The early transaction adds a cause through the domain and draws its History id...
            review = early.get(Review, review_id)
            user = early.get(User, user_id)
            causes.add_cause(
                early, review, user, {"text": "Agency induction", "category": "training"}
            )
            early.flush()
            early_id = early.scalar(select(func.max(AuditEntry.id)))
            # ...a later one draws a higher id and commits first.
            late.execute(insert(AuditEntry), [_entry(review_id, "a later change")])
            late.commit()
            assert reader.scalar(select(func.max(AuditEntry.id))) > early_id

            subject = reader.get(Review, review_id)
            before = token.read(reader, review_id)
            assert counted.get(reader, subject, "causes", lambda: cause_count(reader)) == 0
            reader.commit()
            early.commit()  # the earlier id lands now, below the newest one already read

            after = token.read(reader, review_id)
            assert after[0] == before[0], "the newest id did not move: it alone would miss this"
            assert after != before
            assert counted.get(reader, subject, "causes", lambda: cause_count(reader)) == 1
            assert builds == [0, 1]


def test_the_timeline_cache_rebuilds_when_the_review_changes(ctx, review_and_user):
    review_id, _ = review_and_user
    review = db.session.get(Review, review_id)
    builds: list[int] = []

    def build() -> int:
        builds.append(1)
        return len(builds)

    assert timeline_cache.cached(db.session, review, "probe", build) == 1
    assert timeline_cache.cached(db.session, review, "probe", build) == 1
    db.session.execute(insert(AuditEntry), [_entry(review_id, "a new mark")])
    db.session.commit()
    assert timeline_cache.cached(db.session, review, "probe", build) == 2


def test_one_read_per_transaction_until_the_session_writes(ctx, review_and_user):
    """A page's live token and its guidance panel's are one read per request: a write (through
    the ORM or a bare insert) or the end of the transaction reads it again. The poll's own
    token says the same as the page's."""
    from sqlalchemy import event

    from rca.audit.changes import REVIEW_TOKEN
    from rca.fishbone import live

    review_id, _ = review_and_user
    statements: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if "audit_entry" in statement and statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        db.session.commit()
        first = live.page_token(db.session, review_id)
        kept = REVIEW_TOKEN.read(db.session, review_id)  # the same read, kept
        assert first == f"{kept[0] or 0}.{kept[1]}"
        assert len(statements) == 1
        assert live.change_token(db.session, review_id) == first  # the poll's own query
        assert len(statements) == 2
        db.session.execute(insert(AuditEntry), [_entry(review_id, "a bare insert")])
        moved = live.page_token(db.session, review_id)
        assert moved != first and len(statements) == 3
        db.session.commit()
        assert live.page_token(db.session, review_id) == moved
        assert len(statements) == 4
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
