from rca.db import db
from rca.reviews.models import Review


def test_start_review_records_recommendation(app, make_service, make_user, web_as):
    oak = make_service("OAK")
    user = make_user("inv@example.org", "investigator", [oak])
    web = web_as(user)
    response = web.post(
        "/reviews/new",
        {
            "service": "OAK",
            "title": "Fall in the lounge",
            "trigger": "incident",
            "occurred_on": "02/10/2026",
            "severity": "severe",
            "people_affected": "1",
        },
    )
    assert response.status_code == 303
    with app.app_context():
        review = db.session.scalars(db.select(Review)).one()
        assert review.recommended_depth == "full-rca"
        assert review.depth == "full-rca"
