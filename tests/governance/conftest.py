"""Near-miss patterns: a provider with incident logs imported into reviews, through the real
import path (``run_import``), so incidents carry the content hashes and provenance they have in
use. Dates are London calendar days; nothing depends on the database's own date functions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

import pytest
from api_v1.conftest import Api
from flask import Flask

from rca.accounts.models import User
from rca.accounts.tokens import issue_token
from rca.db import db
from rca.evidence.importer import ImportRequest, run_import
from rca.evidence.reading import read_table
from rca.reviews.models import Review

TODAY = date(2026, 12, 1)
#: (day, type, text) as an incident log's rows.
Logged = tuple[date, str, str]


def log_csv(rows: Sequence[Logged], severity: str = "No harm") -> bytes:
    lines = ["Date;Time;Type;Severity;Description"]
    for day, kind, text in rows:
        lines.append(f"{day:%d/%m/%Y};10:30;{kind};{severity};{text}")
    return ("\n".join(lines) + "\n").encode()


@pytest.fixture
def log_incidents(app: Flask) -> Callable[..., int]:
    def log(
        review_id: int, rows: Sequence[Logged], file_name: str = "safelog.csv", **kw: Any
    ) -> int:
        """Import ``rows`` as an incidents log into the review; returns rows imported."""
        with app.app_context():
            review = db.session.get(Review, review_id)
            table = read_table(log_csv(rows, **kw), file_name)
            outcome = run_import(
                db.session,
                ImportRequest(review=review, kind="incidents", table=table,
                              date_orders={"Date": "dmy"}),
            )  # fmt: skip
            db.session.commit()
            assert not outcome.rejected, outcome.rejected
            return outcome.imported

    return log


@pytest.fixture
def people(make_service, make_user) -> dict[str, Any]:
    oak = make_service("OAK", "care-home", "Oakfield House")
    wil = make_service("WIL", "supported-living", "Willow Lane")
    return {
        "oak": oak,
        "wil": wil,
        "manager": make_user("sarah@example.org", "investigator", [oak], name="Sarah Mitchell"),
        "wil_manager": make_user("daniel@example.org", "investigator", [wil], name="Daniel Okafor"),
        "lead": make_user("margaret@example.org", "read-only", None, name="Margaret Doyle"),
        "admin": make_user("helen@example.org", "admin", None, name="Helen Carter"),
    }


@pytest.fixture
def oak_review(people, make_review) -> int:
    """A review at OAK, about something else, that the incident log is imported into."""
    return make_review(people["manager"], people["oak"], title="Missed evening medication")


@pytest.fixture
def api_as(app: Flask) -> Callable[[User], Api]:
    """One user's bearer-token client."""

    def make(user: User) -> Api:
        with app.app_context():
            token = issue_token(db.session, db.session.get(User, user.id))
            db.session.commit()
        return Api(app, token)

    return make
