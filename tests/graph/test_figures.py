"""Each learning figure on the hand-checked provider (tests/graph/conftest.py): exact counts,
exact lift, the rarity order of similar reviews, recurrence in and out of the window."""

from __future__ import annotations

import math
from datetime import date

import pytest

from graph.conftest import TODAY, A, E, H, L, M
from rca.accounts.models import User
from rca.db import db
from rca.fishbone.models import ContributoryFactor
from rca.graph import scope as learning_scope
from rca.graph.pairs import co_occurrence, factor_pairs
from rca.graph.recurrence import recurrence_after_closure
from rca.graph.recurring import coverage, recurring_factors
from rca.graph.similar import similar_panel, similar_reviews
from rca.reviews.models import Review
from rca.validation import FieldErrors


def _scope(user, **raw):
    return learning_scope.scope_for(db.session, db.session.get(User, user.id), raw)


def test_recurring_factors_count_reviews_services_and_quarters(ctx, provider):
    factors = {f.code: f for f in recurring_factors(db.session, _scope(provider["admin"]))}
    assert list(factors) == [A, H, E, M, L]  # most reviews first, then most services, then code
    assert (factors[A].reviews, factors[A].services) == (4, 2)
    assert (factors[H].reviews, factors[H].services) == (3, 3)
    assert (factors[M].reviews, factors[M].services) == (3, 2)
    assert (factors[E].reviews, factors[E].services) == (3, 2)
    # L: R6 (supported, root) and R7; not R1 (a hypothesis) nor R5 (ruled out).
    assert (factors[L].reviews, factors[L].services) == (2, 2)
    assert factors[A].first_seen == date(2025, 2, 10)
    assert factors[A].last_seen == date(2026, 4, 1)
    assert dict(factors[A].by_quarter) == {
        "2025-Q1": 1, "2025-Q2": 1, "2025-Q3": 1, "2025-Q4": 0, "2026-Q1": 0, "2026-Q2": 1,
    }  # fmt: skip
    seen = coverage(db.session, _scope(provider["admin"]))
    assert (seen.reviews, seen.coded_reviews, seen.services) == (8, 7, 3)


def test_recurring_factors_filter_by_service_kind_and_period(ctx, provider):
    oak_scope = _scope(provider["admin"], service="OAK")
    oak = {f.code: f.reviews for f in recurring_factors(db.session, oak_scope)}
    assert oak == {A: 3, M: 2, H: 1, L: 1}
    homecare = recurring_factors(db.session, _scope(provider["admin"], kind="homecare"))
    assert {f.code: f.reviews for f in homecare} == {E: 2, H: 1, L: 1}
    year = _scope(provider["admin"], since="2026-01-01", until="31/12/2026")
    factors = {f.code: f for f in recurring_factors(db.session, year)}
    assert {c: f.reviews for c, f in factors.items()} == {E: 2, L: 2, H: 1, A: 1}
    # The trend runs over the period asked for, every quarter of it.
    assert [q for q, _ in factors[E].by_quarter] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    empty = _scope(provider["admin"], since="2020-01-01", until="2020-12-31")
    assert recurring_factors(db.session, empty) == ()


def test_pairs_are_weighted_by_lift_with_a_minimum_support(ctx, provider):
    scope = _scope(provider["admin"])
    counts = co_occurrence(db.session, scope)
    assert counts.reviews == 7
    pairs = factor_pairs(db.session, scope, min_reviews=2)
    assert [(p.code_a, p.code_b, p.reviews) for p in pairs] == [(A, M, 3), (H, E, 2)]
    assert pairs[0].lift == pytest.approx(3 * 7 / (4 * 3))  # 1.75
    assert pairs[1].lift == pytest.approx(2 * 7 / (3 * 3))  # 1.556
    assert pairs[0].pmi == pytest.approx(math.log2(1.75))
    # Support 1 lets E with L in (lift 7/6); A with H (7/12) is below chance and never listed.
    loose = {(p.code_a, p.code_b): p.lift for p in factor_pairs(db.session, scope, min_reviews=1)}
    assert loose == {(A, M): pytest.approx(1.75), (H, E): pytest.approx(14 / 9),
                     (L, E): pytest.approx(7 / 6)}  # fmt: skip
    only_l = factor_pairs(db.session, scope, min_reviews=1, factor=L)
    assert [(p.code_a, p.code_b) for p in only_l] == [(L, E)]
    assert [(p.code_a, p.code_b) for p in factor_pairs(db.session, scope)] == [(A, M)]


def test_similar_reviews_weigh_rare_shared_factors_most(ctx, provider):
    r = provider["reviews"]
    review = db.session.get(Review, r["R2"])
    found = similar_reviews(db.session, review, _scope(provider["admin"]))
    # N = 8 reviews; A is cited by 4, M and H by 3 each: weight ln(1 + 8/4) < ln(1 + 8/3).
    heavy, light = math.log(1 + 8 / 3), math.log(1 + 8 / 4)
    assert [(s.review_id, s.score) for s in found] == [
        (r["R3"], pytest.approx(light + heavy)),  # A and M (ties: the newer review first)
        (r["R1"], pytest.approx(light + heavy)),
        (r["R5"], pytest.approx(heavy)),  # H alone beats...
        (r["R4"], pytest.approx(heavy)),
        (r["R7"], pytest.approx(light)),  # ...A alone: a commoner factor
    ]
    assert found[0].shared_factors == (M, A)  # rarest first
    assert found[0].why == (
        "Shares 2 coded factors; the rarest, “Agency staff unfamiliar with MAR”, "
        "is cited in 3 of 8 reviews."
    )
    assert (
        found[2].why == "Shares 1 coded factor: “Handover not recorded”, cited in 3 of 8 reviews."
    )
    nothing = db.session.get(Review, r["R8"])
    assert similar_reviews(db.session, nothing, _scope(provider["admin"])) == []


def test_similar_reviews_see_only_the_readers_services_and_count_only_them(ctx, provider):
    r = provider["reviews"]
    review = db.session.get(Review, r["R2"])
    found = similar_reviews(db.session, review, _scope(provider["oak_only"]))
    assert [s.review_id for s in found] == [r["R1"], r["R7"]]
    assert {s.service for s in found} == {"OAK"}
    # Weights and the why count the 4 reviews at Oakfield House, not the provider's 8.
    assert found[0].why.endswith("is cited in 2 of 4 reviews.")
    assert found[0].score == pytest.approx(math.log(1 + 4 / 2) + math.log(1 + 4 / 3))


def test_the_similar_panel_is_cached_until_what_it_shows_changes(ctx, provider):
    r = provider["reviews"]
    review, scope = db.session.get(Review, r["R2"]), _scope(provider["admin"])
    panel = similar_panel(db.session, review, scope)
    assert panel.coded and [s.review_id for s in panel.found][:2] == [r["R3"], r["R1"]]
    assert similar_panel(db.session, review, scope) is panel  # served from the cache
    # The panel shows factor labels: renaming one is a change it must follow.
    factor = db.session.query(ContributoryFactor).filter_by(code=M).one()
    factor.label = "Agency staff new to the MAR"
    db.session.commit()
    renamed = similar_panel(db.session, review, scope)
    assert renamed is not panel
    assert renamed.found[0].shared_labels[0] == "Agency staff new to the MAR"
    # Another reader's scope is its own entry, never the admin's panel.
    oak = similar_panel(db.session, review, _scope(provider["oak_only"]))
    assert {s.service for s in oak.found} == {"OAK"}
    assert not similar_panel(db.session, db.session.get(Review, r["R8"]), scope).coded


def test_recurrence_after_closure_in_and_out_of_the_window(ctx, provider):
    scope = _scope(provider["admin"])
    r, x = provider["reviews"], provider["actions"]
    answer = recurrence_after_closure(db.session, scope, TODAY)
    by_action = {a.action_id: a for a in answer.actions}
    assert set(by_action) == {x["X1"], x["X2"], x["X3"], x["X4"]}  # X5 is not done
    # X1 (a reminder, done 01/03/2025): R2 cites A 61 days later; R7 (396 days) is out.
    assert [(c.review_id, c.factor_code) for c in by_action[x["X1"]].recurrences] == [(r["R2"], A)]
    assert by_action[x["X2"]].recurrences == ()
    assert by_action[x["X3"]].recurrences == ()  # R3 cites H at WIL, but before it was done
    assert [(c.review_id, c.occurred_on) for c in by_action[x["X4"]].recurrences] == [
        (r["R6"], date(2026, 3, 1))
    ]
    assert {k: (t.actions, t.followed_by_recurrence) for k, t in answer.by_strength.items()} == {
        "system": (2, 1),
        "individual": (2, 1),
    }
    assert {k: (t.actions, t.followed_by_recurrence) for k, t in answer.by_type.items()} == {
        "process": (1, 0), "tool": (1, 1), "training": (1, 0), "reminder": (1, 1),
    }  # fmt: skip
    wide = recurrence_after_closure(db.session, scope, TODAY, window_days=400)
    x1 = next(a for a in wide.actions if a.action_id == x["X1"])
    assert [c.review_id for c in x1.recurrences] == [r["R2"], r["R7"]]
    narrow = recurrence_after_closure(db.session, scope, TODAY, window_days=40)
    assert {a.action_id for a in narrow.actions if a.recurrences} == {x["X4"]}  # 40 days: just in


def test_recurrence_counts_only_the_readers_services(ctx, provider):
    answer = recurrence_after_closure(db.session, _scope(provider["oak_only"]), TODAY)
    assert {a.action_id for a in answer.actions} == {
        provider["actions"]["X1"],
        provider["actions"]["X2"],
    }
    assert answer.by_strength["system"].actions == 1


def test_a_service_the_reader_cannot_see_is_refused_like_one_that_does_not_exist(ctx, provider):
    with pytest.raises(FieldErrors) as hidden:
        _scope(provider["oak_only"], service="WIL")
    with pytest.raises(FieldErrors) as missing:
        _scope(provider["oak_only"], service="ZZZ")
    assert hidden.value.errors["service"].replace("WIL", "X") == missing.value.errors[
        "service"
    ].replace("ZZZ", "X")
    with pytest.raises(FieldErrors) as backwards:
        _scope(provider["admin"], since="2026-02-01", until="2026-01-01")
    assert "before" in backwards.value.errors["until"]
    with pytest.raises(FieldErrors):
        _scope(provider["admin"], kind="castle")
