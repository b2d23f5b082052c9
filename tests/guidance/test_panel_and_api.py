"""The guidance panel on every pane, its fragment, and GET /api/v1/reviews/{id}/guidance."""

from __future__ import annotations

import re

import pytest

from rca.accounts.tokens import issue_token
from rca.db import db
from rca.guidance.rules import RULE_IDS
from rca.reviews import lifecycle
from tests.guidance.conftest import TODAY

REASON = "Interviews are booked for next week; the audit alone supports the finding for now."


def _token(user) -> str:
    token = issue_token(db.session, user)
    db.session.commit()
    return token


@pytest.mark.parametrize(
    "pane", ["triage", "scope", "evidence", "timeline", "analysis", "actions", "history"]
)
def test_the_panel_is_on_every_pane(story, web_as, pane):
    page = web_as(story.user).get(f"/reviews/{story.review_id}/{pane}")
    assert page.status_code == 200
    assert 'id="guidance-panel"' in page.text
    assert 'hx-trigger="rca:changed from:body"' in page.text


def test_the_fragment_shows_passed_failing_and_overridden_rules(story, web_as):
    root = story.cause(
        "Alert prompts do not flag concern words",
        "equipment",
        "supported",
        kinds=("care-notes",),
        conclusion="root",
    )
    lifecycle.move_to_stage(
        story.review(), "actions", overrides={"two-source-kinds": REASON}, today=TODAY
    )
    db.session.commit()
    fragment = web_as(story.user).get(
        f"/reviews/{story.review_id}/guidance", headers={"HX-Request": "true"}
    )
    assert fragment.status_code == 200
    html = fragment.text
    assert html.lstrip().startswith('<aside id="guidance-panel"')
    assert "<html" not in html
    assert "Passed" in html and "Overridden" in html and "Needs attention" in html
    assert "Reason given:</span> " + REASON.split(";")[0] in html
    # The action rules gate the next move now, so they need attention, with a link to fix.
    assert f'href="/reviews/{story.review_id}/actions?plan={root}#action-form"' in html


def test_the_fragment_is_a_404_at_another_service(story, make_service, make_user, web_as):
    other = make_service("OAK")
    stranger = make_user("sarah@example.org", "investigator", [other])
    assert web_as(stranger).get(f"/reviews/{story.review_id}/guidance").status_code == 404


def test_the_api_answers_the_contract(story, app):
    story.cause(
        "Alert prompts do not flag concern words", "equipment", "supported", kinds=("care-notes",)
    )
    token = _token(story.user)
    response = app.test_client().get(
        f"/api/v1/reviews/{story.review_id}/guidance", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert isinstance(body, list)
    assert [r["rule"] for r in body] == list(RULE_IDS)
    for r in body:
        assert {"rule", "status", "message", "fix_url"} <= set(r)
        assert r["status"] in {"pass", "fail", "overridden"}
    two = next(r for r in body if r["rule"] == "two-source-kinds")
    assert two["status"] == "fail"
    assert "care and visit notes" in two["message"]


def test_the_api_is_a_404_at_another_service(story, app, make_service, make_user):
    other = make_service("OAK")
    stranger = make_user("sarah@example.org", "investigator", [other])
    token = _token(stranger)
    client = app.test_client()
    for rid in (story.review_id, 999_999):
        response = client.get(
            f"/api/v1/reviews/{rid}/guidance", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 404
        assert set(response.get_json()) == {"error", "field"}


def test_the_api_is_in_the_openapi_document(app):
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    op = doc["paths"]["/api/v1/reviews/{review_id}/guidance"]["get"]
    assert op["operationId"] == "getGuidance"
    rule = doc["components"]["schemas"]["GuidanceRule"]
    assert rule["properties"]["status"]["enum"] == ["pass", "fail", "overridden"]
    assert {"rule", "status", "message", "fix_url"} <= set(rule["required"])


def test_the_panel_page_outside_the_workspace_has_plain_links(story, web_as):
    web = web_as(story.user)
    page = web.get(f"/reviews/{story.review_id}/guidance")
    assert page.status_code == 200
    assert "<h1>Guidance for" in page.text
    links = re.findall(r'<a class="rule__fix"[^>]*>', page.text)
    assert links and not any("hx-get" in link for link in links)
    inside = web.get(f"/reviews/{story.review_id}/analysis")
    links = re.findall(r'<a class="rule__fix"[^>]*>', inside.text)
    assert links and all('hx-target="#workspace"' in link for link in links)
