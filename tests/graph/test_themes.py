"""Themes are reproducible (same data and seed, same answer), carry their method and data hash,
and the hash (and the cached figures) change when a cause is coded."""

from __future__ import annotations

from graph.conftest import A, E, H, M
from rca.accounts.models import User
from rca.db import db
from rca.fishbone.models import Cause
from rca.graph import freshness, themes
from rca.graph.recurring import recurring_factors
from rca.graph.scope import everything_for
from rca.reviews.models import Review


def _everything(user):
    return everything_for(db.session.get(User, user.id))


def test_themes_are_the_communities_of_the_lift_graph(ctx, provider):
    answer = themes.themes(db.session, _everything(provider["admin"]), min_reviews=2)
    assert [(t.factors, t.reviews, t.services) for t in answer.themes] == [
        ((A, M), 3, 2),  # R1, R2, R3 at OAK and WIL
        ((H, E), 2, 2),  # R4 and R5 (R2 cites H without E); L alone is no theme
    ]
    assert answer.themes[0].name == "Reliance on agency staff · Agency staff unfamiliar with MAR"
    body = answer.to_json()
    assert body["method"]["algorithm"] == "louvain"
    assert body["method"]["seed"] == themes.SEED
    assert body["method"]["parameters"]["min_reviews"] == 2
    assert body["method"]["parameters"]["weight"] == "lift"
    assert len(body["method"]["data_hash"]) == 64
    assert body["stability"] == 1.0  # two separate pairs: every seed finds them


def test_same_data_and_seed_give_the_same_themes_and_hash(ctx, provider):
    scope = _everything(provider["admin"])
    first = themes.themes(db.session, scope, min_reviews=2).to_json()
    freshness.FIGURES.clear()
    themes._ANSWERS.clear()
    again = themes.themes(db.session, scope, min_reviews=2).to_json()
    assert again == first


def test_coding_a_cause_changes_the_hash_and_the_cached_figures(ctx, provider):
    scope = _everything(provider["admin"])
    before = themes.themes(db.session, scope, min_reviews=2)
    factors_before = recurring_factors(db.session, scope)
    assert recurring_factors(db.session, scope) is factors_before  # served from the cache
    generation = freshness.generation(db.session)
    r8 = db.session.get(Review, provider["reviews"]["R8"])
    cause = db.session.query(Cause).filter_by(review_id=r8.id).one()
    cause.factor_code = E
    db.session.commit()
    assert freshness.generation(db.session) != generation
    after = themes.themes(db.session, scope, min_reviews=2)
    assert after.data_hash != before.data_hash
    factors_after = {f.code: f.reviews for f in recurring_factors(db.session, scope)}
    assert factors_after[E] == 4


def test_a_change_rolled_back_or_outside_the_figures_keeps_the_generation(ctx, provider):
    generation = freshness.generation(db.session)
    cause = db.session.get(Cause, provider["causes"][("R8", None)])
    cause.factor_code = A
    db.session.flush()
    db.session.rollback()
    user = db.session.get(User, provider["admin"].id)
    user.name = "Helen Carter"
    db.session.commit()
    assert freshness.generation(db.session) == generation


def test_an_empty_provider_has_no_themes_and_a_well_formed_answer(ctx, make_user):
    admin = make_user("admin@example.org", "admin", None)
    answer = themes.themes(db.session, _everything(admin)).to_json()
    assert answer["themes"] == []
    assert answer["stability"] is None
    assert len(answer["method"]["data_hash"]) == 64


def test_adjusted_rand_index():
    a = [frozenset({"w", "x"}), frozenset({"y", "z"})]
    assert themes.adjusted_rand(a, a) == 1.0
    assert themes.adjusted_rand(a, [frozenset({"w", "x", "y", "z"})]) == 0.0
    crossed = [frozenset({"w", "y"}), frozenset({"x", "z"})]
    assert themes.adjusted_rand(a, crossed) < 0  # worse than chance
