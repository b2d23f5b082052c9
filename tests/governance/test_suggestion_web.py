"""Look here too through the API (GET the list, POST a decision) and the page (the reason,
Accept and Dismiss as plain forms and through htmx), on governance/suggestion_provider.py."""

from __future__ import annotations

import re

import pytest
from api_v1.conftest import Api
from sqlalchemy import func, select

from governance.suggestion_provider import LIGHTING, build_provider
from rca.accounts.tokens import issue_token
from rca.actions.models import Action
from rca.db import db
from rca.governance.suggestion_models import SuggestionDecision

URL = "/api/v1/learning/suggestions"


@pytest.fixture
def sg(app, make_service, make_user, make_review):  # type: ignore[no-untyped-def]
    return build_provider(app, make_service, make_user, make_review)


@pytest.fixture
def api(app):  # type: ignore[no-untyped-def]
    def make(user) -> Api:  # type: ignore[no-untyped-def]
        with app.app_context():
            token = issue_token(db.session, db.session.merge(user))
            db.session.commit()
        return Api(app, token)

    return make


def _key(sg) -> str:  # type: ignore[no-untyped-def]
    return f"{sg['elm'].id}:{LIGHTING}"


def _counts(app) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    with app.app_context():
        return (
            db.session.scalar(select(func.count(SuggestionDecision.id))) or 0,
            db.session.scalar(select(func.count(Action.id))) or 0,
        )


def test_the_api_lists_open_suggestions_with_their_reason(sg, api):
    response = api(sg["admin"]).get(URL)
    assert response.status_code == 200
    [item] = response.json
    assert item["id"] == _key(sg)
    assert (item["factor_code"], item["factor_label"], item["status"]) == (
        LIGHTING, "Poor lighting", "open",
    )  # fmt: skip
    assert item["source"]["review_id"] == sg["reviews"]["R1"]
    assert item["source"]["service"] == "Oakfield House"
    assert item["target_service"]["name"] == "Elm Court"
    assert "no review there has examined “Poor lighting”" in item["reason"]
    assert api(sg["oak_only"]).get(URL).json == []
    assert api(sg["admin"]).get(URL + "?status=accepted").json == []


def test_a_service_filter_the_reader_cannot_see_is_refused(sg, api):
    response = api(sg["oak_only"]).get(URL + "?service=ELM")
    assert response.status_code == 422
    assert response.json["field"] == "service"
    assert api(sg["admin"]).get(URL + "?service=WIL").json == []
    assert len(api(sg["admin"]).get(URL + "?service=ELM").json) == 1
    assert api(sg["admin"]).get(URL + "?until=2026-08-31").json == []  # R1 is after


def test_the_api_accepts_into_an_action_and_refuses_a_second_decision(app, sg, api):
    client = api(sg["lead"])
    body = {"decision": "accept", "owner": "area@example.org", "due": "2030-01-15"}
    response = client.post(f"{URL}/{_key(sg)}", body)
    assert response.status_code == 201, response.json
    assert response.json["status"] == "accepted"
    assert response.json["action_id"]
    again = client.post(f"{URL}/{_key(sg)}", {"decision": "dismiss", "reason": "No."})
    assert again.status_code == 409
    assert _counts(app) == (1, 1)


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"decision": "dismiss"}, 422, "reason"),
        ({"decision": "accept", "due": "2030-01-15"}, 422, "owner"),
        ({"decision": "accept", "owner": "area@example.org"}, 422, "due"),
        ({"decision": "accept", "owner": "area@example.org", "due": "15 Jan"}, 422, "due"),
        ({"decision": "postpone"}, 422, "decision"),
        ([], 400, None),
    ],
)
def test_a_bad_decision_is_refused_with_its_field_and_changes_nothing(
    app, sg, api, body, status, field
):
    response = api(sg["lead"]).post(f"{URL}/{_key(sg)}", body)
    assert response.status_code == status
    assert response.json["field"] == field
    assert response.json["error"]
    assert _counts(app) == (0, 0)


def test_a_suggestion_the_user_cannot_see_answers_404_and_a_reader_403(app, sg, api):
    dismiss = {"decision": "dismiss", "reason": "Relit in the summer."}
    assert api(sg["elm_only"]).post(f"{URL}/{_key(sg)}", dismiss).status_code == 404
    assert api(sg["oak_only"]).post(f"{URL}/{_key(sg)}", dismiss).status_code == 404
    assert api(sg["lead"]).post(f"{URL}/nonsense", dismiss).status_code == 404
    assert api(sg["reader"]).post(f"{URL}/{_key(sg)}", dismiss).status_code == 403
    response = api(sg["lead"]).post(f"{URL}/{_key(sg)}", dismiss)
    assert response.status_code == 200
    assert response.json["dismissed_because"] == "Relit in the summer."
    assert _counts(app) == (1, 0)


def test_the_page_shows_the_reason_with_the_review_linked(sg, web_as):
    page = web_as(sg["admin"]).get("/learning/suggestions")
    assert page.status_code == 200
    assert "Poor lighting: look at Elm Court too" in page.text
    assert f'href="/reviews/{sg["reviews"]["R1"]}/analysis"' in page.text
    assert "Elm Court is a care home too, and no review there has examined “Poor lighting”" in (
        page.text
    )
    assert "Accept and plan the check" in page.text
    learning = web_as(sg["admin"]).get("/learning")
    assert 'href="/learning/suggestions"' in learning.text


def test_the_page_refuses_a_dismissal_without_a_reason_then_takes_one(app, sg, web_as):
    browser = web_as(sg["lead"])
    url = f"/learning/suggestions/{_key(sg)}"
    refused = browser.post(url, {"decision": "dismiss", "reason": ""})
    assert refused.status_code == 422
    assert "A reason for dismissing is required." in refused.text
    done = browser.post(url, {"decision": "dismiss", "reason": "Relit <in> summer"})
    assert done.status_code == 303
    page = browser.get("/learning/suggestions")
    assert "Dismissed</strong> by Tom Lead" in page.text
    assert "Relit &lt;in&gt; summer" in page.text
    assert browser.post(url, {"decision": "dismiss", "reason": "x"}).status_code == 409


def test_accepting_through_htmx_swaps_the_card(app, sg, web_as):
    browser = web_as(sg["lead"])
    url = f"/learning/suggestions/{_key(sg)}"
    form = {"decision": "accept", "owner": f"user:{sg['area'].id}", "due": "2030-01-15"}
    response = browser.post(url, form, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "<article" in response.text and "<html" not in response.text
    assert "Accepted</strong> by Tom Lead" in response.text
    assert response.headers["HX-Trigger"] == "rca:changed"
    assert _counts(app) == (1, 1)


def test_a_decision_through_htmx_recounts_the_lists_of_the_page_it_was_made_on(app, sg, web_as):
    browser = web_as(sg["lead"])
    code = sg["elm"].code
    page = browser.get(f"/learning/suggestions?service={code}")
    opened = int(re.search(r'id="sg-open-count">\((\d+)\)', page.text)[1])
    assert opened >= 1 and 'id="sg-decided-count">(0)' in page.text
    assert f'<input type="hidden" name="page_service" value="{code}">' in page.text
    url = f"/learning/suggestions/{_key(sg)}"
    refused = browser.post(
        url, {"decision": "dismiss", "page_service": code}, headers={"HX-Request": "true"}
    )
    assert refused.status_code == 422 and "sg-open-count" not in refused.text
    # The refused card, swapped in, still carries the page's filters for the next try.
    assert f'<input type="hidden" name="page_service" value="{code}">' in refused.text
    form = {"decision": "dismiss", "reason": "Relit in May", "page_service": code}
    response = browser.post(url, form, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="sg-open-count" hx-swap-oob="true">({opened - 1})' in response.text
    assert 'id="sg-decided-count" hx-swap-oob="true">(1)' in response.text
    assert "Dismissed</strong> by Tom Lead" in response.text
    again = browser.get(f"/learning/suggestions?service={code}")
    assert f'id="sg-open-count">({opened - 1})' in again.text
