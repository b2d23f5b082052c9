"""The Patterns page and its Accept / Decline forms, with and without htmx: escaped, only the
viewer's services, a clear error and nothing saved for bad input."""

from __future__ import annotations

from datetime import date

from api_v1.conftest import count

from governance.test_patterns import FALLS
from rca.governance.pattern_models import NearMissDecision
from rca.reviews.models import Review

HTMX = {"HX-Request": "true"}


def _run_key(html: str) -> str:
    marker = 'action="/learning/patterns/'
    start = html.index(marker) + len(marker)
    return html[start : start + 64]


def _proposed_to_manager(people, review_id, log_incidents, web_as):
    """The falls logged, and the OAK manager's client with the run key of their pattern."""
    log_incidents(review_id, FALLS)
    web = web_as(people["manager"])
    return web, _run_key(web.get("/learning/patterns").text)


def test_the_learning_page_links_to_the_patterns(people, web_as):
    page = web_as(people["manager"]).get("/learning")
    assert 'href="/learning/patterns"' in page.text


def test_the_page_lists_the_run_with_its_incidents_escaped(
    people, oak_review, log_incidents, web_as
):
    log_incidents(
        oak_review, [*FALLS[:2], (date(2026, 10, 28), "Fall", "<script>x</script> by the door")]
    )
    page = web_as(people["manager"]).get("/learning/patterns")
    assert page.status_code == 200
    assert "3 “Fall” incidents at Oakfield House in 28 days" in page.text
    assert "&lt;script&gt;x&lt;/script&gt; by the door" in page.text
    assert "<script>x" not in page.text
    assert "Accept: start a review" in page.text


def test_another_services_manager_sees_nothing_and_cannot_filter_to_it(
    people, oak_review, log_incidents, web_as
):
    log_incidents(oak_review, FALLS)
    web = web_as(people["wil_manager"])
    assert "Oakfield House in 28 days" not in web.get("/learning/patterns").text
    refused = web.get("/learning/patterns?service=OAK")
    assert refused.status_code == 422
    assert "There is no service OAK that you may see." in refused.text


def test_a_read_only_viewer_sees_the_run_but_no_buttons_and_may_not_post(
    app, people, oak_review, log_incidents, web_as
):
    log_incidents(oak_review, FALLS)
    web = web_as(people["lead"])
    page = web.get("/learning/patterns")
    assert "Oakfield House in 28 days" in page.text and "Accept: start a review" not in page.text
    key = _run_key(web_as(people["manager"]).get("/learning/patterns").text)
    assert web.post(f"/learning/patterns/{key}", {"decision": "accept"}).status_code == 403
    assert count(app, NearMissDecision) == 0


def test_declining_without_a_reason_says_so_and_saves_nothing(
    app, people, oak_review, log_incidents, web_as
):
    web, key = _proposed_to_manager(people, oak_review, log_incidents, web_as)
    plain = web.post(f"/learning/patterns/{key}", {"decision": "decline", "reason": ""})
    assert plain.status_code == 422 and "A reason for declining is required." in plain.text
    swapped = web.post(f"/learning/patterns/{key}", {"decision": "decline"}, headers=HTMX)
    assert swapped.status_code == 422 and "<html" not in swapped.text
    assert 'aria-invalid="true"' in swapped.text
    assert count(app, NearMissDecision) == 0


def test_accepting_without_javascript_goes_to_the_new_reviews_triage(
    app, people, oak_review, log_incidents, web_as
):
    web, key = _proposed_to_manager(people, oak_review, log_incidents, web_as)
    done = web.post(f"/learning/patterns/{key}", {"decision": "accept"})
    assert done.status_code == 303 and done.headers["Location"].endswith("/triage")
    assert count(app, Review) == 2
    again = web.post(f"/learning/patterns/{key}", {"decision": "decline", "reason": "Late."})
    assert again.status_code == 409 and "Someone else decided that pattern first" in again.text
    assert count(app, NearMissDecision) == 1


def test_declining_with_htmx_swaps_the_pattern_as_decided(
    app, people, oak_review, log_incidents, web_as
):
    web, key = _proposed_to_manager(people, oak_review, log_incidents, web_as)
    answer = web.post(
        f"/learning/patterns/{key}",
        {"decision": "decline", "reason": "Hip protectors <b>ordered</b>."},
        headers=HTMX,
    )
    assert answer.status_code == 200 and answer.headers["HX-Trigger"] == "rca:changed"
    assert "Declined</strong> by Sarah Mitchell" in answer.text
    assert "Hip protectors &lt;b&gt;ordered&lt;/b&gt;." in answer.text
    assert "Accept: start a review" not in web.get("/learning/patterns").text


def test_an_unknown_or_malformed_key_is_not_found(people, web_as):
    web = web_as(people["manager"])
    assert web.post("/learning/patterns/" + "0" * 64, {"decision": "accept"}).status_code == 404
    assert web.post("/learning/patterns/nope", {"decision": "accept"}).status_code == 404
