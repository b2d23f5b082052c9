"""The inspection-evidence view on the hand-built provider (tests/governance/quality_provider.py):
its figures per statement, who sees what, period checks, the API, the XLSX and the PDF pack."""

from __future__ import annotations

import io
import subprocess

from api_v1.conftest import Api
from python_calamine import CalamineWorkbook

from governance.quality_provider import (  # noqa: F401
    ENVIRONMENTS,
    MEDICINES,
    STAFFING,
    SYSTEMS,
    YEAR,
    qs_provider,
)
from rca.accounts.models import User
from rca.accounts.tokens import issue_token
from rca.db import db
from rca.governance.evidence_pack import COLUMNS
from rca.governance.inspection import gather
from rca.graph.scope import scope_for


def _api(app, user) -> Api:
    with app.app_context():
        token = issue_token(db.session, db.session.get(User, user.id))
        db.session.commit()
    return Api(app, token)


def _gather(app, user, **args):
    with app.app_context():
        acting = db.session.get(User, user.id)
        return gather(db.session, scope_for(db.session, acting, args))


def test_each_statement_lists_its_reviews_findings_actions_checks_and_sharing(qs_provider, app):  # noqa: F811
    p = qs_provider
    ev = _gather(app, p["admin"], since="2026-01-01", until="2026-12-31")
    assert (ev.reviews_in_scope, ev.reviews_tagged) == (2, 2)
    by_key = {e.statement.key: e for e in ev.statements}
    assert list(by_key) == [SYSTEMS, ENVIRONMENTS, STAFFING, MEDICINES]
    staffing = by_key[STAFFING]
    assert [r.reference for r in staffing.reviews] == [
        r.reference for r in by_key[MEDICINES].reviews
    ]
    assert [r.id for r in staffing.reviews] == [p["reviews"]["R1"]]
    assert [(f.id, f.conclusion, f.tagged_by) for f in staffing.findings] == [
        (p["causes"]["c1"], "root", "mapping")
    ]
    assert [(a.id, a.owner, a.status) for a in staffing.actions] == [
        (p["actions"]["a1"], "Amira Hussain (Deputy Manager)", "done")
    ]
    assert [
        (c.action_id, c.target_met, float(c.result_percent)) for c in staffing.effectiveness
    ] == [(p["actions"]["a1"], True, 90.0)]
    assert [(d.teams, d.staff_briefed) for d in staffing.learning_shared] == [
        ("night team", ("Lucy Evans",))
    ]
    systems = by_key[SYSTEMS]
    assert systems.findings == [] and [a.id for a in systems.actions] == [p["actions"]["a1"]]
    environments = by_key[ENVIRONMENTS]
    assert [r.id for r in environments.reviews] == [p["reviews"]["R2"]]
    assert [(a.owner, a.status, a.due.isoformat()) for a in environments.actions] == [
        ("Daniel Okafor", "planned", "2026-06-01")
    ]
    assert environments.effectiveness == [] and environments.learning_shared == []
    # Without a period, R3's 2025 staffing finding joins the staffing statement.
    everything = {e.statement.key: e for e in _gather(app, p["admin"]).statements}
    assert len(everything[STAFFING].findings) == 2


def test_a_reader_of_one_service_sees_only_that_service(qs_provider, app, web_as):  # noqa: F811
    p = qs_provider
    ev = _gather(app, p["oak_only"], since="2026-01-01", until="2026-12-31")
    assert [e.statement.key for e in ev.statements] == [SYSTEMS, STAFFING, MEDICINES]
    assert ev.reviews_in_scope == 1
    web = web_as(p["oak_only"])
    page = web.get(f"/learning/inspection?{YEAR}")
    assert page.status_code == 200
    assert "Safe and effective staffing" in page.text
    assert "Fall on the landing" not in page.text and "Brighter landing lights" not in page.text
    refused = web.get("/learning/inspection?service=WIL")
    assert refused.status_code == 422
    assert "There is no service WIL that you may see." in refused.text
    assert web.get("/learning/inspection.xlsx?service=WIL").status_code == 422
    api = _api(app, p["oak_only"])
    answer = api.get("/api/v1/learning/quality-statements?service=WIL")
    assert answer.status_code == 422
    assert answer.json == {"error": "There is no service WIL that you may see.", "field": "service"}


def test_a_period_ending_before_it_starts_is_refused_at_the_field(qs_provider, app, web_as):  # noqa: F811
    web = web_as(qs_provider["admin"])
    page = web.get("/learning/inspection?since=2026-05-01&until=2026-04-01")
    assert page.status_code == 422
    assert "“To” (01/04/2026) is before “From” (01/05/2026)." in page.text
    api = _api(app, qs_provider["admin"])
    answer = api.get("/api/v1/learning/quality-statements?since=2026-05-01&until=2026-04-01")
    assert answer.status_code == 422
    assert answer.json["field"] == "until"
    assert api.get("/api/v1/learning/quality-statements?since=31/02/2026").status_code == 422


def test_the_page_links_each_piece_of_evidence_and_keeps_its_filters(qs_provider, web_as):  # noqa: F811
    p = qs_provider
    page = web_as(p["admin"]).get(f"/learning/inspection?service=OAK&{YEAR}")
    assert page.status_code == 200
    r1, c1, a1 = p["reviews"]["R1"], p["causes"]["c1"], p["actions"]["a1"]
    assert f'href="/reviews/{r1}/analysis#cause-{c1}"' in page.text
    assert f'href="/reviews/{r1}/actions?action={a1}"' in page.text
    assert f'href="/reviews/{r1}/monitoring"' in page.text
    assert (
        "/learning/inspection.xlsx?service=OAK&amp;since=2026-01-01&amp;until=2026-12-31"
        in page.text
    )
    assert "target met" in page.text and "Lucy Evans" in page.text
    learning = web_as(p["admin"]).get(f"/learning?{YEAR}")
    assert "/learning/inspection?since=2026-01-01&amp;until=2026-12-31" in learning.text


def test_the_api_answers_per_statement_with_the_documented_fields(qs_provider, app):  # noqa: F811
    p = qs_provider
    api = _api(app, p["reader"])
    answer = api.get(f"/api/v1/learning/quality-statements?{YEAR}")
    assert answer.status_code == 200
    body = answer.json
    assert [s["key"] for s in body] == [SYSTEMS, ENVIRONMENTS, STAFFING, MEDICINES]
    staffing = body[2]
    assert set(staffing) == {"key", "label", "key_question", "reviews", "findings", "actions",
                             "effectiveness", "learning_shared"}  # fmt: skip
    assert (staffing["label"], staffing["key_question"]) == ("Safe and effective staffing", "Safe")
    assert staffing["reviews"][0]["service"] == "OAK"
    assert staffing["findings"][0] == {
        "id": p["causes"]["c1"], "review_id": p["reviews"]["R1"], "text": "Finding c1",
        "conclusion": "root", "factor_code": "training.agency-mar", "tagged_by": "mapping",
    }  # fmt: skip
    assert staffing["actions"][0]["owner"] == "Amira Hussain (Deputy Manager)"
    assert staffing["effectiveness"][0]["target_met"] is True
    assert staffing["learning_shared"][0]["staff_briefed"] == ["Lucy Evans"]
    assert (
        _api(app, p["reader"]).client.get("/api/v1/learning/quality-statements").status_code == 401
    )
    document = api.get("/api/v1/openapi.json").json
    operation = document["paths"]["/api/v1/learning/quality-statements"]["get"]
    assert operation["operationId"] == "listQualityStatementEvidence"
    assert {p["name"] for p in operation["parameters"]} == {"service", "kind", "since", "until"}
    assert "QualityStatementEvidence" in document["components"]["schemas"]


def test_the_spreadsheet_holds_one_line_per_piece_of_evidence(qs_provider, web_as):  # noqa: F811
    answer = web_as(qs_provider["admin"]).get(f"/learning/inspection.xlsx?{YEAR}")
    assert answer.status_code == 200
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="inspection-evidence-all-services-2026-01-01-2026-12-31.xlsx"'
    )
    book = CalamineWorkbook.from_filelike(io.BytesIO(answer.data))
    rows = book.get_sheet_by_name("Inspection evidence").to_python()
    assert tuple(rows[0]) == COLUMNS
    staffing = [r for r in rows[1:] if r[1] == "Safe and effective staffing"]
    assert [r[2] for r in staffing] == ["Review", "Finding", "Action", "Effectiveness",
                                        "Learning shared"]  # fmt: skip
    finding = staffing[1]
    assert finding[4] == "Finding c1" and finding[6] == "Root cause"
    assert finding[8].startswith("http://localhost/reviews/")
    assert staffing[2][5:8] == ["Amira Hussain (Deputy Manager)", "Done", "01/04/2026"]
    assert staffing[3][6] == "90% against 90%: target met"
    assert staffing[4][5] == "night team, Lucy Evans"
    assert {r[1] for r in rows[1:]} == {
        "Safe systems, pathways and transitions", "Safe environments",
        "Safe and effective staffing", "Medicines optimisation",
    }  # fmt: skip


def test_the_pdf_pack_carries_each_statement(qs_provider, web_as, tmp_path):  # noqa: F811
    answer = web_as(qs_provider["oak_only"]).get(f"/learning/inspection.pdf?{YEAR}")
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf" and answer.data.startswith(b"%PDF")
    pdf = tmp_path / "pack.pdf"
    pdf.write_bytes(answer.data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Inspection evidence" in text
    assert "Safe: Medicines optimisation" in text
    assert "Amira Hussain" in text and "Target met" in text
    assert "Brighter landing lights" not in text
