"""The inspection-evidence page, and its XLSX and PDF exports.

``/learning/inspection?service=&kind=&since=&until=``: the filters live in the URL (back, refresh
and bookmarks keep them) and mean what they mean on the Learning page, because the scope is the
learning layer's (``rca.graph.scope.scope_for``): only services the reader may see, a period that
ends before it starts refused at the field, nothing counted that the reader may not open.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, request, url_for
from flask_login import current_user, login_required

from rca import access
from rca.db import db, today_london
from rca.governance import evidence_pack
from rca.governance.inspection import InspectionEvidence, gather
from rca.graph.scope import scope_for
from rca.provider.models import SERVICE_KINDS
from rca.templating import render
from rca.validation import FieldErrors

bp = Blueprint("inspection", __name__, template_folder="templates")

PAGE = "governance/inspection.html"


@bp.before_request
@login_required
def require_login() -> None:
    """Every inspection screen needs a signed-in user."""


def link_for(review_id: int, what: str, item_id: int | None, *, external: bool = False) -> str:
    """Where a piece of evidence opens: the review, a finding in the outline, an action."""
    if what == "cause":
        base = url_for("reviews.pane", review_id=review_id, pane="analysis", _external=external)
        return f"{base}#cause-{item_id}"
    if what == "action":
        return url_for(
            "reviews.pane", review_id=review_id, pane="actions", action=item_id, _external=external
        )
    pane = "monitoring" if what == "monitoring" else "triage"
    return url_for("reviews.pane", review_id=review_id, pane=pane, _external=external)


def _form(errors: dict[str, str] | None = None) -> dict[str, Any]:
    return {
        "services": access.services_for(current_user),
        "kinds": SERVICE_KINDS,
        "values": request.args,
        "errors": errors or {},
    }


def _evidence() -> InspectionEvidence:
    return gather(db.session, scope_for(db.session, current_user, request.args))


def _stamp(evidence: InspectionEvidence) -> str:
    s = evidence.scope
    parts = [s.service or s.kind or "all-services"]
    parts += [d.isoformat() for d in (s.since, s.until) if d]
    return "-".join(parts)


@bp.get("/learning/inspection")
def page():  # type: ignore[no-untyped-def]
    try:
        evidence = _evidence()
    except FieldErrors as exc:
        return render(PAGE, "evidence", evidence=None, **_form(exc.errors)), 422
    query = urlencode(evidence.scope.args())
    return render(
        PAGE,
        "evidence",
        evidence=evidence,
        link=link_for,
        xlsx_url=f"{url_for('inspection.export_xlsx')}?{query}",
        pdf_url=f"{url_for('inspection.export_pdf')}?{query}",
        learning_url=f"{url_for('learning.page')}?{query}",
        **_form(),
    )


def _external(review_id: int, what: str, item_id: int | None) -> str:
    return link_for(review_id, what, item_id, external=True)


def _export(ext: str) -> Response:
    """The evidence as a download; bad filters answer the page with the messages (422)."""
    try:
        evidence = _evidence()
    except FieldErrors as exc:
        body = render(PAGE, "evidence", evidence=None, **_form(exc.errors))
        return Response(body, status=422, mimetype="text/html")
    if ext == "xlsx":
        data = evidence_pack.xlsx(evidence, _external)
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        provider = current_app.config.get("PROVIDER_NAME") or ""
        data = evidence_pack.pdf(evidence, provider=provider, today=today_london(), link=_external)
        mimetype = "application/pdf"
    response = Response(data, mimetype=mimetype)
    name = f"inspection-evidence-{_stamp(evidence)}.{ext}"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/learning/inspection.xlsx")
def export_xlsx() -> Response:
    return _export("xlsx")


@bp.get("/learning/inspection.pdf")
def export_pdf() -> Response:
    return _export("pdf")
