"""The demo provider shows quality-statement tags, and one set by hand with its reason."""

from __future__ import annotations

from sqlalchemy import func, select
from test_demo import run_demo

from rca.db import db
from rca.governance.inspection import gather
from rca.governance.statement_models import StatementOverride
from rca.graph.scope import LearningScope


def test_the_demo_tags_its_findings_and_shows_one_override(app):
    run_demo(app)
    with app.app_context():
        override = db.session.scalars(select(StatementOverride)).one()
        assert (override.statement, override.effect) == ("safe.safe-environments", "add")
        assert override.reason.startswith("The missing lighting check")
        evidence = gather(db.session, LearningScope(None))
        keys = {e.statement.key for e in evidence.statements}
        wanted = {
            "safe.medicines-optimisation",
            "safe.safe-environments",
            "safe.safeguarding",
            "well-led.governance-management-sustainability",
        }
        assert wanted <= keys
        by_key = {e.statement.key: e for e in evidence.statements}
        environments = by_key["safe.safe-environments"]
        assert any(f.tagged_by == "override" for f in environments.findings)
        assert any(e.learning_shared for e in evidence.statements)
        assert any(e.effectiveness for e in evidence.statements)
    assert "already holds data" in run_demo(app)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StatementOverride)) == 1
