"""The report pane and its endpoints: the draft's pages (rendered by a background job, polled),
the replacements pseudonymisation made, the names choice, issuing, issued versions and the
verify-upload form. Views parse, call the reports' domain functions and render."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, g, redirect, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from rca import access
from rca.db import db, today_london
from rca.reports import drafts, issued, jobs, pdf
from rca.reports.models import IssuedReport
from rca.reviews import panes
from rca.reviews.models import Review
from rca.reviews.views import render_workspace
from rca.security import background
from rca.templating import render
from rca.validation import FieldErrors

bp = Blueprint("reports", __name__, template_folder="templates")
bp.add_app_template_filter(pdf.svg_data_uri, "svg_data_uri")
bp.add_app_template_filter(pdf.working_days, "working_days")
#: Largest PDF the verify form accepts.
VERIFY_MAX_BYTES = 60 * 1024 * 1024


@bp.before_request
@login_required
def require_login() -> None:
    """Every report screen needs a signed-in user."""


def _mode(review: Review, args: Any) -> str:
    """The draft's mode: the recorded choice, or the internal full-name version when asked for
    by someone whose role allows names (read-only and contributors never get it)."""
    if args.get("internal") in ("1", "true", "yes"):
        if not access.can(current_user, "edit", review.service_id):
            abort(403)
        return "full-names"
    return drafts.chosen_mode(db.session, review)


def _build(review: Review, mode: str) -> drafts.Built:
    return drafts.build(
        db.session,
        review,
        mode=mode,
        provider=drafts.provider_name(current_app),
        today=today_london(),
    )


def _draft_context(review: Review, built: drafts.Built) -> dict[str, Any]:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    pages = pdf.page_images(app, review.id, built.key)
    progress = None
    if not pages:
        progress = jobs.start(app, review.id, built.mode, built.key)
        pages = pdf.page_images(app, review.id, built.key)  # the immediate backend is done now
    return {
        "draft_key": built.key,
        "draft_mode": built.mode,
        "pages": len(pages),
        "progress": progress if not pages else None,
    }


def pane_context(review: Review, args: Any) -> dict[str, Any]:
    mode = _mode(review, args)
    built = _build(review, mode)
    can_edit = access.can(current_user, "edit", review.service_id)
    p = built.pseudonymiser
    return {
        **_draft_context(review, built),
        "replacements": p.preview() if can_edit else [],
        "replacement_count": sum(len(w) for w in p.made.values()),
        "flags": p.flags,
        "issued": issued.versions(db.session, review),
        "staff_names": mode == "staff-names",
        "internal": mode == "full-names",
        "can_edit": can_edit,
        "next_version": drafts.next_version(db.session, review),
    }


panes.register("report", "reports/pane.html", pane_context)


def _pane(review: Review, status: int = 200, **extra: Any) -> Any:
    """The workspace on the report pane, with messages or a verification result."""

    return render_workspace(review, "report", **extra), status


@bp.get("/reviews/<int:review_id>/report/draft")
@background
def draft_status(review_id: int):  # type: ignore[no-untyped-def]
    """The draft's fragment: progress while the job runs (polled), the pages when done.

    The poll names the draft's key, so a poll costs a look at the job's progress rather than
    gathering the whole review again every second.
    """
    review = access.review_for(current_user, review_id)
    if not g.htmx:
        # Only htmx polls the fragment; a person who lands here (a bookmark, a refresh) gets
        # the whole report pane.
        internal = 1 if request.args.get("internal") else None
        return redirect(
            url_for("reviews.pane", review_id=review.id, pane="report", internal=internal)
        )
    mode = _mode(review, request.args)
    context = _polled(review, mode, request.args.get("key", ""))
    if context is None:
        context = _draft_context(review, _build(review, mode))
    return render(
        "reports/_draft.html",
        "draft",
        review=review,
        internal=mode == "full-names",
        **context,
    )


def _polled(review: Review, mode: str, key: str) -> dict[str, Any] | None:
    """The fragment's context from the job's progress alone, or None to look afresh."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    try:
        pages = pdf.page_images(app, review.id, key)
    except ValueError:
        return None
    progress = jobs.read(jobs.jobs_for(app), review.id, mode)
    if not pages and progress is not None and progress.status == "done":
        key = progress.key  # the review changed while it rendered: show what was rendered
        pages = pdf.page_images(app, review.id, key)
    if pages:
        return {"draft_key": key, "draft_mode": mode, "pages": len(pages), "progress": None}
    if progress is not None and not progress.finished:
        return {"draft_key": key, "draft_mode": mode, "pages": 0, "progress": progress}
    return None


@bp.get("/reviews/<int:review_id>/report/pages/<key>/<int:number>.png")
def page_image(review_id: int, key: str, number: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id)
    try:
        folder = pdf.page_dir(current_app, review.id, key)
    except ValueError:
        abort(404)
    path = folder / f"page-{number}.png"
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="image/png", max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _pdf_response(data: bytes, name: str) -> Response:
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/reviews/<int:review_id>/report/draft.pdf")
def draft_pdf(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id)
    built = _build(review, _mode(review, request.args))
    data = drafts.draft_pdf(current_app, review.id, built)
    suffix = "-internal" if built.mode == "full-names" else ""
    return _pdf_response(data, f"{review.reference}-draft{suffix}.pdf")


@bp.get("/reviews/<int:review_id>/report/issued/<int:number>.pdf")
def issued_pdf(review_id: int, number: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id)
    record = issued.version(db.session, review, number)
    if record is None:
        abort(404)
    return _pdf_response(record.pdf, f"{review.reference}-v{record.version}.pdf")


@bp.post("/reviews/<int:review_id>/report/issue")
def issue(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    built = _build(review, drafts.chosen_mode(db.session, review))
    if built.pseudonymiser.flags and request.form.get("flags_checked") != "yes":
        db.session.rollback()
        message = (
            "Some words may be names that are in no register (listed under “Check before "
            "issue”). Check them, then tick the box to confirm."
        )
        return _pane(review, 422, report_errors={"flags_checked": message})
    try:
        issued.issue(
            current_app,
            db.session,
            review,
            recipient=request.form.get("recipient"),
            user_id=current_user.id,
            today=today_london(),
        )
        db.session.commit()
    except FieldErrors as exc:
        db.session.rollback()
        return _pane(review, 422, report_errors=exc.errors, values=request.form)
    return redirect(url_for("reviews.pane", review_id=review.id, pane="report", issued="1"), 303)


@bp.post("/reviews/<int:review_id>/report/settings")
def settings(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "edit")
    drafts.set_staff_names(
        db.session, review, request.form.get("staff_names") == "yes", current_user.id
    )
    db.session.commit()
    return redirect(url_for("reviews.pane", review_id=review.id, pane="report"), 303)


@bp.post("/reviews/<int:review_id>/report/verify")
def verify(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _pane(review, 422, report_errors={"file": "Choose the PDF to check."})
    data = upload.read(VERIFY_MAX_BYTES + 1)
    if len(data) > VERIFY_MAX_BYTES:
        return _pane(review, 422, report_errors={"file": "The file is larger than any report."})
    among = access.restrict_to_visible(
        select(IssuedReport).join(Review, Review.id == IssuedReport.review_id),
        current_user,
        Review.service_id,
    )
    result = issued.verify(db.session, data, among)
    match = result.match
    return _pane(
        review,
        verification={
            "file": upload.filename,
            "sha256": result.sha256,
            "match": match,
            "reference": db.session.get(Review, match.review_id).reference if match else None,
        },
    )
