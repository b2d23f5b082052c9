"""The governance dashboard and the quality-meeting pack on a hand-checked provider.

The quality-statement provider (tests/governance/quality_provider.py) plus, on TODAY
(2026-12-01):

::

    R1 OAK  stage analysis, opened 10 days ago    (under 4 weeks)
    R2 WIL  stage actions,  opened 40 days ago    (4 to 12 weeks)
    R3 OAK  stage closed                           (not open)
    R4 OAK  stage triage, opened 100 days ago     (over 12 weeks), incident 2026-11-03
    actions: a2 (Daniel Okafor, planned, due 2026-06-01)            overdue
             a3 (Daniel Okafor, in progress, due 2026-11-20)        overdue
             a4 (no owner named, planned, due 2026-10-01)           overdue
             a5 (Amira Hussain, planned, due 2026-12-20)            not yet due
             a6 (Daniel Okafor, done, due 2026-01-01)               done, not overdue
    incidents (incident-log rows): OAK 2026-03-04 in R1 and a copy of it in R4 (one incident),
             OAK 2026-03-20, WIL 2026-05-02, OAK 2025-12-31 (before the period)
    checks:  a1's (met, ends 2026-04-30) and a missed one on R2 ending 2026-07-31
"""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from defusedxml import minidom
from pypdf import PdfReader

from governance.quality_provider import qs_provider  # noqa: F401
from rca.accounts.models import User
from rca.actions.models import Action
from rca.actions.monitoring_models import EffectivenessCheck
from rca.db import LONDON, db
from rca.evidence.models import EvidenceRow
from rca.governance import dashboard_charts
from rca.governance.dashboard import dashboard, default_period
from rca.governance.pack_models import IssuedPack
from rca.graph.scope import scope_for
from rca.reviews.models import Review

TODAY = date(2026, 12, 1)
PERIOD = {"since": "2026-01-01", "until": "2026-11-30"}


def _opened(days: int) -> datetime:
    return datetime.combine(TODAY - timedelta(days=days), datetime.min.time(), LONDON)


@pytest.fixture
def board(qs_provider, app, make_review):  # noqa: F811
    p = qs_provider
    oak, wil = p["services"]["OAK"], p["services"]["WIL"]
    r4 = make_review(p["admin"], oak, title="Unwitnessed fall", occurred_on="2026-11-03")
    with app.app_context():
        r = p["reviews"]
        for key, stage, days in (
            ("R1", "analysis", 10),
            ("R2", "actions", 40),
            ("R3", "closed", 400),
        ):
            review = db.session.get(Review, r[key])
            review.stage, review.created_at = stage, _opened(days)
        review = db.session.get(Review, r4)
        review.stage, review.created_at = "triage", _opened(100)
        for text, owner, status, due in (
            ("Night checks every hour", "Daniel Okafor", "in-progress", date(2026, 11, 20)),
            ("Sensor mat by the bed", None, "planned", date(2026, 10, 1)),
            ("Review the falls policy", "Amira Hussain", "planned", date(2026, 12, 20)),
            ("Old action, done", "Daniel Okafor", "done", date(2026, 1, 1)),
        ):
            db.session.add(
                Action(
                    review_id=r4, text=text, kind="system", status=status, owner_name=owner, due=due
                )
            )
        for review_id, day, digest in (
            (r["R1"], date(2026, 3, 4), "a" * 64),
            (r4, date(2026, 3, 4), "a" * 64),  # the same incident, copied into R4
            (r["R1"], date(2026, 3, 20), "b" * 64),
            (r["R2"], date(2026, 5, 2), "c" * 64),
            (r["R1"], date(2025, 12, 31), "d" * 64),
        ):
            db.session.add(
                EvidenceRow(
                    review_id=review_id,
                    kind="incidents",
                    occurred_on=day,
                    content_hash=digest,
                    fields={"category": "Fall"},
                    text="Fall",
                )  # fmt: skip
            )
        db.session.add(
            EffectivenessCheck(
                review_id=r["R2"],
                numerator=3,
                denominator=10,
                period_start=date(2026, 7, 1),
                period_end=date(2026, 7, 31),
                source="falls log",
                result_percent=Decimal("30"),
                target_percent=Decimal("80"),
                target_met=False,
                verdict="not-embedded",
            )  # fmt: skip
        )
        db.session.commit()
    return {**p, "R4": r4, "oak": oak, "wil": wil}


def _board(app, user, **args):
    with app.app_context():
        acting = db.session.get(User, user.id)
        return dashboard(db.session, scope_for(db.session, acting, args), TODAY)


def test_the_figures_on_the_hand_checked_provider(board, app):
    d = _board(app, board["admin"], **PERIOD)
    assert [(s.stage, s.by_age) for s in d.stages] == [
        ("triage", (0, 0, 1)),
        ("analysis", (1, 0, 0)),
        ("actions", (0, 1, 0)),
    ]
    assert d.open_reviews == 3
    assert [(o.owner, o.overdue, o.oldest_due) for o in d.owners] == [
        ("Daniel Okafor", 2, date(2026, 6, 1)),
        ("No owner named", 1, date(2026, 10, 1)),
    ]
    assert d.months[0] == "2026-01" and d.months[-1] == "2026-11" and len(d.months) == 11
    by_code = {s.code: s for s in d.services}
    assert by_code["OAK"].incidents[2] == 2 and sum(by_code["OAK"].incidents) == 2
    assert by_code["WIL"].incidents[4] == 1 and sum(by_code["WIL"].incidents) == 1
    # Reviews by month of incident: R1 March, R4 November at OAK; R2 May at WIL; R3 is 2025.
    assert (by_code["OAK"].reviews[2], by_code["OAK"].reviews[10], sum(by_code["OAK"].reviews)) == (
        1,
        1,
        2,
    )
    assert sum(by_code["WIL"].reviews) == 1
    e = d.effectiveness
    assert (e.checks, e.met, e.missed) == (2, 1, 1)
    assert dict(e.verdicts) == {"Embedded": 1, "Improving": 0, "Not embedded": 1}
    assert d.learning.briefings == 1 and d.learning.staff_briefed == 1
    assert d.learning.understanding_checked == 1 and d.learning.reviews == 1
    # The learning layer's rule: a supported coded cause counts, whatever its conclusion.
    assert [f.code for f in d.factors] == [
        "environment.poor-lighting",
        "guidance.escalation-thresholds",
        "training.agency-mar",
    ]


def test_a_reader_of_one_service_sees_only_its_figures(board, app):
    d = _board(app, board["oak_only"], **PERIOD)
    assert {s.code for s in d.services} == {"OAK"}
    # One each: the longer overdue first (due 01/10 before 20/11).
    assert [(o.owner, o.overdue) for o in d.owners] == [("No owner named", 1), ("Daniel Okafor", 1)]
    assert (d.effectiveness.checks, d.effectiveness.met) == (1, 1)


def test_several_services_by_url_and_the_default_period(board, app):
    d = _board(app, board["admin"], service=["WIL", "OAK"])
    assert d.scope.label == "Willow Lane, Oakfield House"
    assert (d.since, d.until) == default_period(TODAY) == (date(2026, 1, 1), TODAY)
    assert default_period(date(2026, 3, 15)) == (date(2025, 4, 1), date(2026, 3, 15))
    assert _board(app, board["admin"], service="WIL").owners[0].owner == "Daniel Okafor"


def test_every_chart_is_one_labelled_image_of_valid_svg(board, app):
    d = _board(app, board["admin"], **PERIOD)
    charts = dashboard_charts.all_charts(d)
    assert all(charts.values()), charts
    for name, svg in charts.items():
        root = minidom.parseString(svg).documentElement
        assert root.getAttribute("role") == "img", name
        assert root.getAttribute("aria-label"), name
        # Nothing inside claims a role of its own that it cannot name.
        assert 'role="graphics-' not in svg and "aria-roledescription" not in svg, name


def test_a_name_with_markup_is_text_in_the_chart(board, app):
    with app.app_context():
        db.session.add(
            Action(
                review_id=board["R4"],
                text="x",
                kind="system",
                status="planned",
                owner_name="<script>alert(1)</script> & Co",
                due=date(2026, 11, 1),
            )  # fmt: skip
        )
        db.session.commit()
    svg = dashboard_charts.overdue_actions(_board(app, board["admin"], **PERIOD))
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    minidom.parseString(svg)


def test_the_page_keeps_its_filters_in_the_url_and_refuses_bad_ones(board, web_as):
    web = web_as(board["admin"])
    page = web.get("/learning/dashboard?service=OAK&service=WIL&since=2026-01-01&until=2026-11-30")
    assert page.status_code == 200
    assert "Oakfield House, Willow Lane" in page.text
    assert page.text.count('role="img"') == 6
    assert '<input type="hidden" name="service" value="WIL">' in page.text
    assert 'value="OAK" selected' in page.text and 'value="WIL" selected' in page.text
    backwards = web.get("/learning/dashboard?since=2026-06-01&until=2026-05-01")
    assert backwards.status_code == 422 and "is before" in backwards.text
    hidden = web_as(board["oak_only"]).get("/learning/dashboard?service=WIL")
    assert hidden.status_code == 422 and "no service WIL that you may see" in hidden.text


def test_the_pack_is_issued_kept_with_its_hash_and_says_what_the_board_says(
    board, app, web_as, make_user
):
    web = web_as(board["oak_only"])
    response = web.post("/learning/dashboard/pack", data=PERIOD)
    assert response.status_code == 303
    pdf = web.get(response.headers["Location"])
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    with app.app_context():
        record = db.session.scalars(db.select(IssuedPack)).one()
        assert (
            record.sha256 == hashlib.sha256(pdf.data).hexdigest() == pdf.headers["X-Content-SHA256"]
        )
        assert record.pdf == pdf.data and record.service_ids == [board["oak"].id]
        assert (record.since, record.until) == (date(2026, 1, 1), date(2026, 11, 30))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    text = " ".join(text.split())
    for expected in (
        "Quality-meeting pack",
        "Your services",
        "01/01/2026 to 30/11/2026",
        "Open reviews by stage and age",
        "Overdue actions by owner",
        "Recurrence after closure",
        "Inspection evidence summary",
        "Night checks every hour",
        "Sensor mat by the bed",
    ):
        assert expected in text, expected
    assert "Willow Lane" not in text  # the reader's pack holds only what they may see
    assert web.get("/learning/dashboard").text.count(record.sha256) == 1
    # Whoever sees every service the pack covers may open it; a reader of Willow Lane alone may
    # not, and is not shown it.
    assert web_as(board["admin"]).get(f"/learning/packs/{record.id}.pdf").status_code == 200
    assert web_as(board["reader"]).get(f"/learning/packs/{record.id}.pdf").status_code == 200
    wil_only = web_as(make_user("wil@example.org", "investigator", [board["wil"]]))
    assert wil_only.get(f"/learning/packs/{record.id}.pdf").status_code == 404
    assert record.sha256 not in wil_only.get("/learning/dashboard").text
    assert web.get("/learning/packs/99999999999999999999.pdf").status_code == 404


def test_a_pack_for_bad_filters_is_refused_and_nothing_is_kept(board, app, web_as):
    web = web_as(board["admin"])
    response = web.post(
        "/learning/dashboard/pack", data={"since": "2026-06-01", "until": "2026-05-01"}
    )
    assert response.status_code == 422 and "is before" in response.text
    with app.app_context():
        assert db.session.scalars(db.select(IssuedPack)).all() == []
