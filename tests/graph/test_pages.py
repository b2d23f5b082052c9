"""The Learning page, its drill-downs and the similar-reviews panel, as a signed-in user sees
them: the figures, the links behind each number, bad filters answered 422, and nothing from a
service the viewer cannot open."""

from __future__ import annotations

from graph.conftest import A, M
from rca.db import db
from rca.fishbone.models import Cause


def test_the_learning_page_shows_every_figure_with_its_drill_downs(provider, web_as):
    web = web_as(provider["lead"])
    page = web.get("/learning?min=2")
    assert page.status_code == 200
    text = page.text
    assert "8 reviews, 7 citing at least one contributory factor, at 3 services" in text
    assert "Reliance on agency staff" in text and "Recurring factors" in text
    assert "1.75×" in text  # the A + M pair's lift
    assert "Theme 1: Reliance on agency staff · Agency staff unfamiliar with MAR" in text
    assert "<svg" in text and "lg-network" in text
    assert (
        "Of 2 individual actions (training, briefings, reminders), <strong>1</strong> was" in text
    )
    # Each number drills down to the reviews or actions behind it.
    drill = web.get(f"/learning/reviews?factor={A}")
    assert drill.status_code == 200
    assert drill.text.count("Review R") == 4
    pair = web.get(f"/learning/reviews?pair={A},{M}")
    assert "3 reviews" in pair.text
    actions = web.get("/learning/actions?strength=individual&followed=1")
    assert actions.status_code == 200
    assert "Action X1" in actions.text and "Action X3" not in actions.text


def test_bad_filters_answer_422_with_the_message_at_the_field(provider, web_as):
    web = web_as(provider["oak_only"])
    hidden = web.get("/learning?service=WIL")
    assert hidden.status_code == 422
    assert "There is no service WIL that you may see." in hidden.text
    assert web.get("/learning?window=0").status_code == 422
    assert web.get("/learning?since=2026-02-30").status_code == 422
    assert web.get("/learning/reviews?factor=made.up").status_code == 422
    assert web.get("/learning/reviews").status_code == 422
    assert web.get("/learning/actions?strength=heroic").status_code == 422


def test_the_page_counts_only_the_viewers_services(provider, web_as):
    text = web_as(provider["oak_only"]).get("/learning").text
    assert "4 reviews, 3 citing at least one contributory factor, at 1 service" in text
    assert "Willow Lane" not in text and "Riverside" not in text
    drill = web_as(provider["oak_only"]).get(f"/learning/reviews?factor={A}")
    assert drill.text.count("Review R") == 3


def test_the_analysis_pane_shows_similar_reviews_and_the_panel_reloads(app, provider, web_as):
    r = provider["reviews"]
    web = web_as(provider["admin"])
    pane = web.get(f"/reviews/{r['R2']}/analysis")
    assert pane.status_code == 200
    assert "Similar past reviews" in pane.text
    assert 'data-similar-review="' in pane.text
    assert "Shares 2 coded factors" in pane.text
    empty = web.get(f"/reviews/{r['R8']}/similar", headers={"HX-Request": "true"})
    assert "Code a supported cause to a contributory factor" in empty.text
    with app.app_context():
        cause = db.session.get(Cause, provider["causes"][("R8", None)])
        cause.factor_code = A
        db.session.commit()
    coded = web.get(f"/reviews/{r['R8']}/similar", headers={"HX-Request": "true"})
    assert coded.text.count("data-similar-review=") == 4  # R1, R2, R3, R7 cite A
