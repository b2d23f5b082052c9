"""The Look here too page: findings suggested to other services of the same kind, and decisions.

Reached from the Learning page. Views parse, call ``rca.governance.suggestion_decisions`` and
render; the scope comes from ``rca.graph.scope.scope_for``, so a service filter the user may not
see is refused like one that does not exist. Accept and Dismiss are plain forms (303 after a
decision) that htmx upgrades to swap the one suggestion.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, g, redirect, request, url_for
from flask_login import current_user, login_required
from jinja2_fragments.flask import render_block
from sqlalchemy.exc import IntegrityError
from werkzeug.wrappers import Response

from rca import access
from rca.db import db, today_london
from rca.governance import suggestion_decisions as decisions
from rca.governance.suggestions import Suggestion, suggestions
from rca.graph.scope import LearningScope, scope_for
from rca.provider.models import SERVICE_KINDS
from rca.templating import render
from rca.validation import FieldErrors

bp = Blueprint("suggestions", __name__, template_folder="templates")

PAGE = "governance/suggestions.html"
CARD = "governance/_suggestion.html"
CHANGED = {"HX-Trigger": "rca:changed"}
#: Refusals that say nothing more than their status: not yours to see (404), not yours to decide.
REFUSED = {decisions.SuggestionNotFound: 404, decisions.NotAllowed: 403}


@bp.before_request
@login_required
def require_login() -> None:
    """Every suggestion screen needs a signed-in user."""


def _helpers() -> dict[str, Any]:
    return {
        "may_decide": lambda s: decisions.may_decide(current_user, s),
        "owners": lambda s: decisions.owner_choices(db.session, s),
        "today": today_london(),
    }


def _listing(args: Any, status: int = 200, **extra: Any) -> tuple[str, int]:
    """The page for the filters in ``args`` (422 naming the filter when one is refused).

    ``extra`` carries a refused decision (``failed``: id, errors, form) or ``conflict``.
    """
    try:
        scope: LearningScope | None = scope_for(db.session, current_user, args)
        errors: dict[str, str] = {}
    except FieldErrors as exc:
        scope, errors, status = None, exc.errors, 422
    found = suggestions(db.session, current_user, scope) if scope is not None else []
    html = render(
        PAGE,
        "content",
        open=[s for s in found if s.status == "open"],
        decided=[s for s in found if s.status != "open"],
        scope=scope,
        services=access.services_for(current_user),
        kinds=SERVICE_KINDS,
        values=args,
        errors=errors,
        **{"failed": None, "conflict": False, **extra},
        **_helpers(),
    )
    return html, status


@bp.get("/learning/suggestions")
def page():  # type: ignore[no-untyped-def]
    return _listing(request.args)


def _card(suggestion: Suggestion, **extra: Any) -> str:
    flags = {"failed": None, "just_decided": False, "conflict": False, **extra}
    return render_block(CARD, "suggestion", s=suggestion, **flags, **_helpers())


@bp.post("/learning/suggestions/<key>")
def decide(key: str):  # type: ignore[no-untyped-def]
    """Accept (a check planned) or dismiss (with a reason) one open suggestion."""
    try:
        decision = decisions.decide(
            db.session, current_user, key, request.form.to_dict(), today_london()
        )
        db.session.commit()
    except (decisions.SuggestionNotFound, decisions.NotAllowed) as exc:
        abort(REFUSED[type(exc)])
    except (decisions.AlreadyDecided, IntegrityError):
        # Decided first by someone else (IntegrityError: in the same instant, caught by the
        # unique pair): shown as decided, and nothing of this request kept.
        db.session.rollback()
        return _decided_answer(key, status=409)
    except FieldErrors as exc:
        db.session.rollback()
        failed = (key, exc.errors, request.form.to_dict())
        if g.htmx:
            suggestion = decisions.open_suggestion(db.session, current_user, key)
            return _card(suggestion, failed=failed, scope=_page_scope()), 422
        return _listing(_page_args(), 422, failed=failed)
    if not g.htmx:
        if decision.action_id is not None and decision.source_review_id is not None:
            return redirect(
                url_for("reviews.pane", review_id=decision.source_review_id, pane="actions"), 303
            )
        return redirect(url_for("suggestions.page"), 303)
    return _decided_answer(key, status=200, just_decided=True)


def _page_args() -> dict[str, str]:
    """The filters of the page a decision was made on (sent as ``page_service`` and so on)."""
    return {k.removeprefix("page_"): v for k, v in request.form.items() if k.startswith("page_")}


def _page_scope() -> LearningScope | None:
    try:
        return scope_for(db.session, current_user, _page_args())
    except FieldErrors:  # the page's own filters, refused since: recount nothing
        return None


def _decided_answer(key: str, status: int, just_decided: bool = False) -> Response | Any:
    """The suggestion as decided: its card, and the page's two counts out of band, for htmx;
    else the page (or a redirect to it)."""
    scope = _page_scope() if g.htmx else None
    listed = suggestions(db.session, current_user, scope) if scope is not None else []
    found = next((s for s in listed if s.key == key), None) or next(
        (s for s in suggestions(db.session, current_user) if s.key == key), None
    )
    if not g.htmx or found is None:
        if status == 409:
            return _listing(_page_args(), 409, conflict=True)
        return redirect(url_for("suggestions.page"), 303)
    headers = CHANGED if status == 200 else {}
    card = _card(found, just_decided=just_decided, conflict=status == 409, scope=scope)
    if scope is not None:
        still_open = sum(s.status == "open" for s in listed)
        card += render_block(
            PAGE, "counts", open_count=still_open, decided_count=len(listed) - still_open
        )
    return card, status, headers
