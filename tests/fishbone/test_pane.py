"""The analysis pane and its endpoints through the web, as htmx and as plain forms."""

from __future__ import annotations

from rca.db import db
from rca.fishbone.models import Cause
from rca.fishbone.vocabulary import SEED

HTMX = {"HX-Request": "true"}


def test_the_pane_shows_the_picture_outline_and_quick_add(fb, web_as):
    web = web_as(fb.user)
    page = web.get(f"/reviews/{fb.review_id}/analysis")
    assert page.status_code == 200
    assert 'role="img"' in page.text and 'id="fb-outline"' in page.text
    assert 'id="fb-quick-text"' in page.text
    assert "Why were evening doses missed on agency shifts?" in page.text  # problem statement


def test_quick_add_nest_and_status_with_a_reason(fb, web_as, app):
    web = web_as(fb.user)
    base = f"/reviews/{fb.review_id}/causes"
    added = web.post(
        base,
        {"text": "Agency staff unfamiliar with MAR", "category": "training", "quick": "1"},
        headers=HTMX,
    )
    assert added.status_code == 200 and added.headers["HX-Trigger"] == "rca:changed"
    assert 'data-swap-focus="#fb-quick-text"' in added.text
    with app.app_context():
        cause = db.session.query(Cause).one()
        cause_id, version = cause.id, cause.version
    assert f'data-cause-id="{cause_id}" data-version="{version}"' in added.text
    why = web.post(base, {"text": "No MAR competency check", "parent_id": cause_id}, headers=HTMX)
    assert why.status_code == 200 and f'data-parent-id="{cause_id}"' in why.text
    no_reason = web.post(
        f"{base}/{cause_id}",
        {"version": version, "status": "supported", "text": "Agency staff unfamiliar with MAR"},
        headers=HTMX,
    )
    assert no_reason.status_code == 422 and "Say why the status changes" in no_reason.text
    ok = web.post(
        f"{base}/{cause_id}",
        {
            "version": version,
            "status": "supported",
            "text": "Agency staff unfamiliar with MAR",
            "reason": "Interview and MAR agree",
        },
    )
    assert ok.status_code == 303 and ok.headers["Location"].endswith(f"#cause-{cause_id}")
    with app.app_context():
        assert db.session.get(Cause, cause_id).status == "supported"


def test_a_refused_conclusion_is_explained_at_the_row(fb, web_as, app):
    web = web_as(fb.user)
    base = f"/reviews/{fb.review_id}/causes"
    web.post(base, {"text": "Human error by the carer", "category": "staffing"})
    with app.app_context():
        cause = db.session.query(Cause).one()
    r = web.post(
        f"{base}/{cause.id}",
        {
            "version": cause.version,
            "text": cause.text,
            "status": "hypothesis",
            "conclusion": "root",
        },
        headers=HTMX,
    )
    assert r.status_code == 422 and "reads as staff error" in r.text
    with app.app_context():
        assert db.session.get(Cause, cause.id).conclusion is None


def test_the_evidence_drawer_links_only_this_reviews_evidence(fb, web_as, app):
    web = web_as(fb.user)
    web.post(f"/reviews/{fb.review_id}/causes", {"text": "Rota gaps", "category": "staffing"})
    with app.app_context():
        cause_id = db.session.query(Cause).one().id
    drawer = web.get(f"/reviews/{fb.review_id}/causes/{cause_id}/evidence?kind=rota", headers=HTMX)
    assert drawer.status_code == 200 and "Evening shift: 3 of 4 agency" in drawer.text
    assert "Dose not signed" not in drawer.text  # filtered to rota
    assert "Someone else's evidence" not in drawer.text
    url = f"/reviews/{fb.review_id}/causes/{cause_id}/evidence"
    bad = web.post(url, {"action": "link", "evidence_id": fb.other_evidence}, headers=HTMX)
    assert bad.status_code == 422 and "not part of this review" in bad.text
    good = web.post(
        url,
        {"action": "link", "evidence_id": [fb.evidence["rota"]], "drawer": cause_id},
        headers=HTMX,
    )
    assert good.status_code == 200 and "Linked (1)" in good.text


def test_the_svg_endpoint_and_read_only_users(fb, web_as):
    reader = web_as(fb.reader)
    svg = reader.get(f"/reviews/{fb.review_id}/fishbone.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    page = reader.get(f"/reviews/{fb.review_id}/analysis")
    assert 'id="fb-quick-text"' not in page.text  # no editing controls to view-only roles
    assert (
        reader.post(
            f"/reviews/{fb.review_id}/causes", {"text": "x", "category": "staffing"}
        ).status_code
        == 403
    )
    outsider = web_as(fb.outsider)
    assert outsider.get(f"/reviews/{fb.review_id}/fishbone.svg").status_code == 404


def test_admins_extend_and_retire_the_vocabulary(fb, web_as, make_user, app):
    admin = make_user("admin@example.org", "admin")
    web = web_as(admin)
    page = web.get("/admin/contributory-factors")
    assert page.status_code == 200 and "Unclear escalation thresholds" in page.text
    assert len(SEED) >= 30
    r = web.post(
        "/admin/contributory-factors",
        {"category": "environment", "label": "Night lights on a timer"},
    )
    assert r.status_code == 303
    assert "environment.night-lights-on-a-timer" in web.get("/admin/contributory-factors").text
    assert web.post("/admin/contributory-factors", {"category": "", "label": ""}).status_code == 422
    assert web_as(fb.user).get("/admin/contributory-factors").status_code == 404
    assert "Contributory factors" in web.get("/admin/").text


def test_an_empty_why_is_explained_in_its_parents_panel(fb, web_as, app):
    web = web_as(fb.user)
    base = f"/reviews/{fb.review_id}/causes"
    web.post(base, {"text": "Rota gaps", "category": "staffing"})
    with app.app_context():
        cause_id = db.session.query(Cause).one().id
    r = web.post(base, {"text": " ", "parent_id": cause_id}, headers=HTMX)
    assert r.status_code == 422
    assert f'id="cause-{cause_id}-why-error"' in r.text and "Cause is required." in r.text


def test_without_javascript_errors_show_on_the_whole_page(fb, web_as):
    web = web_as(fb.user)
    r = web.post(f"/reviews/{fb.review_id}/causes", {"text": "", "category": "staffing"})
    assert r.status_code == 422
    assert "<!doctype html>" in r.text.lower() and "Cause is required." in r.text
    made = web.post(
        f"/reviews/{fb.review_id}/causes", {"text": "Rota gaps", "category": "staffing"}
    )
    assert made.status_code == 303
    url, anchor = made.headers["Location"].split("#")
    cause_id = anchor.removeprefix("cause-")
    panel = web.get(f"{url}?edit={cause_id}")
    assert panel.status_code == 200 and "Reason for a status change" in panel.text


def test_the_live_parts_answer_fresh_and_the_token_of_a_change(fb, web_as):
    """What the pane reloads on rca:changed, and the token that lets it skip its own change."""
    web = web_as(fb.user)
    base = f"/reviews/{fb.review_id}"
    added = web.post(
        f"{base}/causes", {"text": "Rota <b>gaps</b>", "category": "staffing"}, headers=HTMX
    )
    token = added.headers["X-Live-Token"]
    # The poller reports exactly that token for that change: nothing newer happened.
    assert web.get(f"{base}/live?since={token}", headers=HTMX).status_code == 204
    polled = web.get(f"{base}/live?since=0.0", headers=HTMX)
    assert polled.headers["X-Live-Token"] == token

    outline = web.get(f"{base}/analysis/outline", headers=HTMX)
    assert outline.status_code == 200
    assert 'id="fb-outline"' in outline.text and 'id="fb-figure"' not in outline.text
    assert "Rota &lt;b&gt;gaps&lt;/b&gt;" in outline.text
    assert 'hx-trigger="rca:changed from:body, rca:refresh"' in outline.text
    figure = web.get(f"{base}/analysis/figure", headers=HTMX)
    assert 'id="fb-figure"' in figure.text and 'id="fb-outline"' not in figure.text
    assert "Rota &lt;b&gt;gaps&lt;/b&gt;" in figure.text and 'class="fishbone"' in figure.text
    assert web.get(f"{base}/analysis/drawer", headers=HTMX).status_code == 404
    # Typed or bookmarked: the pane it belongs to. Another service's review: 404.
    assert web.get(f"{base}/analysis/outline").status_code == 302
    assert web_as(fb.outsider).get(f"{base}/analysis/outline", headers=HTMX).status_code == 404
    reader = web_as(fb.reader).get(f"{base}/analysis/outline", headers=HTMX)
    assert reader.status_code == 200 and 'id="fb-quick-text"' not in reader.text


def test_a_coded_cause_shows_its_factor_in_the_outline_and_the_panel_offers_the_list(
    fb, web_as, app
):
    """The row's label comes with the cause; the whole vocabulary is read only where it is
    chosen from (the row's panel)."""
    from sqlalchemy import event

    web = web_as(fb.user)
    base = f"/reviews/{fb.review_id}/causes"
    web.post(base, {"text": "Agency staff unfamiliar with MAR", "category": "training"})
    with app.app_context():
        from rca.fishbone.vocabulary import ensure_seeded

        ensure_seeded(db.session)  # as migration 0004 leaves it (the tests empty every table)
        cause = db.session.query(Cause).one()
        cause.factor_code, cause.status = "training.agency-mar", "supported"
        db.session.commit()
        cause_id, engine = cause.id, db.engine
    read_vocabulary: list[str] = []

    def seen(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "FROM contributory_factor" in (
            " ".join(statement.split())
        ):
            read_vocabulary.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        page = web.get(f"/reviews/{fb.review_id}/analysis")
        assert '<span class="fb-factor">Agency staff unfamiliar with MAR</span>' in page.text
        assert read_vocabulary == []
        panel = web.get(f"/reviews/{fb.review_id}/analysis?edit={cause_id}")
        assert "Unclear escalation thresholds" not in panel.text  # another bone's factor
        assert '<option value="training.agency-mar" selected>' in panel.text
        assert len(read_vocabulary) == 1
    finally:
        event.remove(engine, "before_cursor_execute", seen)
