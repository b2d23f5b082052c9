"""The demo provider shows "look here too": Oakfield House's poor lighting (the fall in the
first-floor corridor) suggested to Elm Court, the second care home, where nobody has looked."""

from __future__ import annotations

from sqlalchemy import select

from rca.accounts.models import User
from rca.db import db
from rca.governance.suggestions import suggestions


def _user(prefix: str) -> User:
    return db.session.scalars(select(User).where(User.email.like(f"{prefix}@%"))).one()


def test_the_demo_suggests_oakfields_lighting_to_elm_court(app):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        found = suggestions(db.session, _user("tom.whitfield"), status="open")
        lighting = [s for s in found if s.factor_code == "environment.poor-lighting"]
        assert [(s.source.service.code, s.target.code) for s in lighting] == [("OAK", "ELM")]
        assert {s.target.code for s in found} == {"ELM"}
        # Sarah Mitchell manages Oakfield House only: Elm Court is not hers to see.
        assert suggestions(db.session, _user("sarah.mitchell")) == []
