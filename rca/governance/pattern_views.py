"""The Patterns page: near-miss patterns proposed to the manager, and the ones decided.

Reached from the Learning page. Views parse, call ``rca.governance`` and render; the scope
comes from ``rca.graph.scope.scope_for``, so a user sees patterns only at services they may see,
and a service filter they may not see is refused like one that does not exist. Accept and
Decline are plain forms (303 after a decision) that htmx upgrades to swap the one pattern.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, abort, current_app, g, redirect, request, url_for
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from rca import access
from rca.db import db, today_london
from rca.governance import pattern_decisions as decisions
from rca.governance.near_miss import Pattern, RunRule, patterns
from rca.graph.scope import LearningScope, scope_for
from rca.provider.models import SERVICE_KINDS
from rca.templating import render
from rca.validation import FieldErrors

bp = Blueprint("patterns", __name__, template_folder="templates")

PAGE = "governance/patterns.html"
CARD = "governance/_pattern.html"
RUN_KEY = re.compile(r"[0-9a-f]{64}")
CHANGED = {"HX-Trigger": "rca:changed"}


@bp.before_request
@login_required
def require_login() -> None:
    """Every pattern screen needs a signed-in user."""


def _rule() -> RunRule:
    return RunRule.from_config(current_app.config)


def _may_decide(pattern: Pattern) -> bool:
    return access.can(current_user, "create", pattern.service.id)


def _page(
    scope: LearningScope | None,
    errors: dict[str, str] | None = None,
    failed: tuple[str, dict[str, str], dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The page's context; ``failed`` is (run key, errors, form) of a refused decision."""
    found = patterns(db.session, scope, _rule()) if scope is not None else []
    return {
        "proposed": [p for p in found if p.status == "proposed"],
        "decided": [p for p in found if p.status != "proposed"],
        "scope": scope,
        "rule": _rule(),
        "services": access.services_for(current_user),
        "kinds": SERVICE_KINDS,
        "values": request.args,
        "errors": errors or {},
        "failed": failed,
        "may_decide": _may_decide,
    }


@bp.get("/learning/patterns")
def page():  # type: ignore[no-untyped-def]
    try:
        scope = scope_for(db.session, current_user, request.args)
    except FieldErrors as exc:
        return render(PAGE, "content", **_page(None, exc.errors)), 422
    return render(PAGE, "content", **_page(scope))


def _card(pattern: Pattern, **extra: Any) -> str:
    return render_block(
        CARD,
        "pattern",
        p=pattern,
        may_decide=_may_decide,
        failed=extra.get("failed"),
        just_decided=extra.get("just_decided", False),
        conflict=extra.get("conflict", False),
    )


@bp.post("/learning/patterns/<key>")
def decide(key: str):  # type: ignore[no-untyped-def]
    """Accept (a review at triage) or decline (with a reason) one proposed pattern."""
    if not RUN_KEY.fullmatch(key):
        abort(404)
    rule = _rule()
    try:
        decision = decisions.decide(
            db.session, current_user, key, request.form.to_dict(), rule, today_london()
        )
        db.session.commit()
    except decisions.PatternNotFound:
        abort(404)
    except decisions.NotAllowed:
        abort(403)
    except (decisions.AlreadyDecided, IntegrityError):
        # Someone decided it first (IntegrityError: at the same moment; the unique run key
        # refused the second). Show it as it was decided; nothing of this request was saved.
        db.session.rollback()
        return _decided_answer(key, status=409)
    except FieldErrors as exc:
        db.session.rollback()
        pattern = decisions.proposed(db.session, current_user, key, rule)
        failed = (key, exc.errors, request.form.to_dict())
        if g.htmx:
            return _card(pattern, failed=failed), 422
        scope = scope_for(db.session, current_user, {})
        return render(PAGE, "content", **_page(scope, failed=failed)), 422
    if not g.htmx:
        if decision.review_id is not None:
            return redirect(
                url_for("reviews.pane", review_id=decision.review_id, pane="triage"), 303
            )
        return redirect(url_for("patterns.page"), 303)
    return _decided_answer(key, status=200, just_decided=True)


def _decided_answer(key: str, status: int, just_decided: bool = False) -> Response | Any:
    """The pattern as decided: its card for htmx, else the page (or a redirect to it)."""
    scope = scope_for(db.session, current_user, {})
    found = next((p for p in patterns(db.session, scope, _rule()) if p.run_key == key), None)
    if not g.htmx or found is None:
        if status == 409:
            return render(PAGE, "content", **_page(scope), conflict=True), 409
        return redirect(url_for("patterns.page"), 303)
    headers = CHANGED if status == 200 else {}
    return _card(found, just_decided=just_decided, conflict=status == 409), status, headers
