"""CQC quality statements as data, the default mapping, and the admins' edits to it."""

from __future__ import annotations

from sqlalchemy import func, select

from governance.quality_provider import ENVIRONMENTS, MEDICINES, STAFFING, qs_provider  # noqa: F401
from rca.actions.models import ACTION_TYPES
from rca.audit.models import AuditEntry
from rca.db import db
from rca.fishbone.vocabulary import SEED
from rca.governance import statement_mapping
from rca.governance.quality_statements import KEY_QUESTIONS, STATEMENTS, check_keys
from rca.governance.statement_models import StatementMapping
from rca.governance.tagging import review_tags
from rca.reviews.models import Review
from rca.validation import FieldErrors

GOVERNANCE = "well-led.governance-management-sustainability"


def test_the_framework_has_five_key_questions_and_34_statements_in_cqc_wording():
    assert list(KEY_QUESTIONS.values()) == ["Safe", "Effective", "Caring", "Responsive", "Well-led"]
    assert len(STATEMENTS) == 34
    counts = {q: sum(1 for s in STATEMENTS.values() if s.key_question == q) for q in KEY_QUESTIONS}
    assert counts == {"safe": 8, "effective": 6, "caring": 5, "responsive": 7, "well-led": 8}
    safe = [s.label for s in STATEMENTS.values() if s.key_question == "safe"]
    assert safe == [
        "Learning culture",
        "Safe systems, pathways and transitions",
        "Safeguarding",
        "Involving people to manage risks",
        "Safe environments",
        "Safe and effective staffing",
        "Infection prevention and control",
        "Medicines optimisation",
    ]
    assert STATEMENTS[GOVERNANCE].label == "Governance, management and sustainability"
    assert STATEMENTS["well-led.learning-improvement-innovation"].label == (
        "Learning, improvement and innovation"
    )
    assert STATEMENTS["safe.learning-culture"].key_question_label == "Safe"


def test_every_seed_factor_and_action_type_maps_to_known_statements():
    for code, category, _label in SEED:
        keys = statement_mapping.factor_default(code, category)
        assert keys, code
        assert check_keys(keys) == keys
    for action_type in ACTION_TYPES:
        assert check_keys(statement_mapping.action_type_default(action_type))
    assert statement_mapping.factor_default("training.agency-mar") == [STAFFING, MEDICINES]
    assert statement_mapping.factor_default("environment.poor-lighting") == [ENVIRONMENTS]
    # A code an admin added to the vocabulary starts from its category's default.
    assert statement_mapping.factor_default("environment.new-code") == [ENVIRONMENTS]
    assert statement_mapping.action_type_default("briefing") == ["safe.learning-culture"]


def test_an_unknown_statement_says_which_and_where():
    try:
        check_keys(["safe.learning-culture", "safe.made-up"])
    except FieldErrors as exc:
        assert exc.errors == {
            "statements": "safe.made-up is not a CQC quality statement: use a key such as "
            "safe.learning-culture (the list is under “Quality statements”)."
        }
    else:  # pragma: no cover
        raise AssertionError("an unknown statement was accepted")


def test_an_admin_remaps_a_factor_and_every_finding_follows(qs_provider, web_as, app):  # noqa: F811
    web = web_as(qs_provider["admin"])
    page = web.get("/admin/quality-statements?source=factor&code=environment.poor-lighting")
    assert page.status_code == 200
    assert "Poor lighting" in page.text and "(default)" in page.text
    answer = web.post(
        "/admin/quality-statements",
        {"source": "factor", "code": "environment.poor-lighting",
         "statement": [ENVIRONMENTS, GOVERNANCE]},
    )  # fmt: skip
    assert answer.status_code == 303
    with app.app_context():
        review = db.session.get(Review, qs_provider["reviews"]["R2"])
        tags = review_tags(db.session, review)
        assert tags.causes[qs_provider["causes"]["c4"]].statements == (ENVIRONMENTS, GOVERNANCE)
        assert tags.actions[qs_provider["actions"]["a2"]].statements == (ENVIRONMENTS, GOVERNANCE)
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "quality_statement_mapping")
        ).one()
        assert entry.changes["statements"] == [None, [ENVIRONMENTS, GOVERNANCE]]
    listing = web.get("/admin/quality-statements")
    assert "changed from the default" in listing.text
    reset = web.post(
        "/admin/quality-statements",
        {"source": "factor", "code": "environment.poor-lighting", "reset": "1"},
    )
    assert reset.status_code == 303
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StatementMapping)) == 0


def test_a_mapping_to_a_statement_that_does_not_exist_changes_nothing(qs_provider, web_as, app):  # noqa: F811
    web = web_as(qs_provider["admin"])
    answer = web.post(
        "/admin/quality-statements",
        {"source": "factor", "code": "environment.poor-lighting",
         "statement": [ENVIRONMENTS, "safe.made-up"]},
    )  # fmt: skip
    assert answer.status_code == 422
    assert "safe.made-up is not a CQC quality statement" in answer.text
    unknown_code = web.post(
        "/admin/quality-statements",
        {"source": "factor", "code": "made.up", "statement": [ENVIRONMENTS]},
    )
    assert unknown_code.status_code == 422
    assert "made.up is not in the contributory-factor list." in unknown_code.text
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StatementMapping)) == 0
        assert (
            db.session.scalar(
                select(func.count()).where(AuditEntry.entity == "quality_statement_mapping")
            )
            == 0
        )


def test_only_admins_see_or_change_the_mapping(qs_provider, web_as):  # noqa: F811
    web = web_as(qs_provider["oak_only"])
    assert web.get("/admin/quality-statements").status_code == 404
    answer = web.post(
        "/admin/quality-statements", {"source": "action-type", "code": "process",
                                      "statement": [GOVERNANCE]}
    )  # fmt: skip
    assert answer.status_code == 404
