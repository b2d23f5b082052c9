"""The demo provider, loaded with its evidence as ``scripts/run`` does, shows its near-miss
pattern: three lunchtime near misses at Riverside Homecare within 18 days. (The background
incident log the exports draw at random also holds three "Behaviour" incidents there within 18
days, a second pattern a manager might well decline.)"""

from __future__ import annotations

from sqlalchemy import select

from rca.accounts.models import User
from rca.db import db
from rca.governance.near_miss import RunRule, patterns
from rca.graph.scope import everything_for


def test_the_demo_with_evidence_proposes_one_pattern(app):
    result = app.test_cli_runner().invoke(args=["demo", "--with-evidence"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        admin = db.session.scalars(select(User).where(User.email.like("helen.carter@%"))).one()
        found = patterns(db.session, everything_for(admin), RunRule(), "proposed")
        runs = {(p.service.code, p.type_label, p.count, p.span_days) for p in found}
        assert ("RIV", "Near miss", 3, 18) in runs
        [lunchtime] = [p for p in found if p.type_label == "Near miss"]
        assert {i.reference for i in lunchtime.incidents} == {"RCA-2026-0007"}
        assert {code for code, *_ in runs} == {"RIV"}
        grace = db.session.scalars(select(User).where(User.email.like("grace.adeyemi@%"))).one()
        assert len(patterns(db.session, everything_for(grace), RunRule(), "proposed")) == len(runs)
        oak = db.session.scalars(select(User).where(User.email.like("sarah.mitchell@%"))).one()
        assert patterns(db.session, everything_for(oak), RunRule(), "proposed") == []
