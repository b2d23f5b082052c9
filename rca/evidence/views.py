"""The evidence pane of a review: import files (upload, mapping, dry run, background import with
progress), rows needing attention, manual evidence, the filtered evidence table with each row's
original cells and provenance, and exports.

Views parse, call and render. Reads go through ``access.review_for(..., "view")``; imports,
retries and manual evidence need "contribute". htmx requests get small fragments; the same
routes answer plain requests with a whole page, so everything works without JavaScript too.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required

from rca import access
from rca.accounts.models import User
from rca.db import db, today_london
from rca.evidence import attention as needs_attention
from rca.evidence import exporting, import_job, intake, manual, queries, uploads
from rca.evidence.importer import ImportRefused, retry_rejected
from rca.evidence.models import KINDS, MANUAL_KINDS, EvidenceImport, EvidenceRow
from rca.evidence.reading import FileRefused
from rca.evidence.rows import RowRejected
from rca.jobs import jobs_for
from rca.reviews import panes
from rca.reviews.models import Review
from rca.security import background
from rca.validation import FieldErrors, parse_id

bp = Blueprint("evidence", __name__, template_folder="templates")


@bp.before_request
@login_required
def require_login() -> None:
    """Every evidence screen needs a signed-in user."""


# --- the pane ---------------------------------------------------------------------------------
def pane_context(review: Review, args: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the evidence pane shows, for the workspace and for whole-page fallbacks."""
    session = db.session
    filters = queries.EvidenceFilters.from_args(args)
    recent = queries.imports(session, review)
    if any(i.status in ("queued", "running") for i in recent):
        jobs_for().ensure_consumer()  # after a restart, queued imports still get done
        _stop_dead([i for i in recent if i.status == "running"])
    wanted = needs_attention.page_number(args.get("attention_page"))
    rejected, attention = needs_attention.open_rejected(session, review, page=wanted)
    row_id = parse_id(args.get("row"))
    detail = queries.evidence_row(session, review, row_id) if row_id is not None else None
    kind_counts = queries.kind_counts(session, review)
    return {
        **_table_context(review, filters, kind_counts),
        "kinds": list(KINDS.items()),
        "manual_kinds": list(MANUAL_KINDS.items()),
        "can_contribute": access.can(current_user, "contribute", review.service_id),
        "imports": [(i, _progress_of(i)) for i in recent],
        "rejected": rejected,
        "rejected_total": attention.total,
        "attention": attention,
        "kind_counts": kind_counts,
        **_detail_context(review, detail),
        "max_mb": uploads.max_upload_mb(current_app),
    }


def _table_context(
    review: Review,
    filters: queries.EvidenceFilters,
    kind_counts: Mapping[str, int] | None = None,
) -> dict[str, Any]:
    session = db.session
    return {
        "review": review,
        "filters": filters,
        "page": queries.evidence_page(session, review, filters, kind_counts),
        "people": queries.pseudonyms(session, review),
        "staff_choices": queries.staff_choices(session, review),
        "all_kinds": list(queries.ALL_KINDS.items()),
        "person_label": queries.person_label,
        "count_cap": queries.COUNT_CAP,
        "kind_labels": queries.ALL_KINDS,
    }


def _detail_context(review: Review, row: EvidenceRow | None) -> dict[str, Any]:
    if row is None:
        return {"detail": None}
    creator = db.session.get(User, row.created_by_id) if row.created_by_id else None
    return {"detail": row, "created_by": creator.name if creator else "Not recorded"}


panes.register("evidence", "evidence/pane.html", pane_context)


def _page(review: Review, template: str, status: int = 200, **ctx: Any) -> tuple[str, int]:
    """A fragment for htmx; otherwise the fragment on a page of its own (no-JavaScript path)."""
    ctx.setdefault("review", review)
    ctx.setdefault("max_mb", uploads.max_upload_mb(current_app))
    ctx.setdefault("kind_labels", queries.ALL_KINDS)
    if g.htmx:
        return render_template(template, **ctx), status
    return render_template("evidence/page.html", fragment=template, **ctx), status


def _pane_url(review: Review, **args: Any) -> str:
    return url_for("reviews.pane", review_id=review.id, pane="evidence", **args)


# --- the evidence table, a row's detail, exports ---------------------------------------------
@bp.get("/reviews/<int:review_id>/evidence/rows")
def rows(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id)
    filters = queries.EvidenceFilters.from_args(request.args)
    url = _pane_url(review, **filters.as_args())
    if not g.htmx:
        return redirect(url)
    resp = current_app.make_response(
        render_template(
            "evidence/_results.html",
            focus_count=request.headers.get("HX-Trigger") in ("ev-prev", "ev-next"),
            **_table_context(review, filters),
        )
    )
    resp.headers["HX-Push-Url"] = url
    return resp


@bp.get("/reviews/<int:review_id>/evidence/rows/<int:row_id>")
def row_detail(review_id: int, row_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id)
    if not g.htmx:  # the pane shows the row's details (when the review has that row)
        return redirect(_pane_url(review, row=row_id) + "#evidence-detail")
    row = queries.evidence_row(db.session, review, row_id)
    if row is None:
        abort(404)
    return render_template(
        "evidence/_detail.html",
        review=review,
        people=queries.pseudonyms(db.session, review),
        person_label=queries.person_label,
        kind_labels=queries.ALL_KINDS,
        **_detail_context(review, row),
    )


@bp.get("/reviews/<int:review_id>/evidence/export.csv", defaults={"fmt": "csv"})
@bp.get("/reviews/<int:review_id>/evidence/export.xlsx", defaults={"fmt": "xlsx"})
def export(review_id: int, fmt: str):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id)
    filters = queries.EvidenceFilters.from_args(request.args)
    people = queries.pseudonyms(db.session, review)
    cells = exporting.export_rows(queries.rows_for_export(db.session, review, filters), people)
    name = f"{review.reference}-evidence.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        body = stream_with_context(exporting.csv_chunks(cells))
        return Response(body, mimetype="text/csv; charset=utf-8", headers=headers)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(exporting.xlsx_bytes(cells), mimetype=xlsx, headers=headers)


# --- import: upload -> mapping (+ dry run) -> queued job -------------------------------------
@bp.errorhandler(413)
def upload_too_large(exc: Exception):  # type: ignore[no-untyped-def]
    """The request body was over MAX_CONTENT_LENGTH: say so beside the upload form.

    422 rather than 413 for htmx, whose configuration swaps 422 answers into the page.
    """
    # CSRF checking reads the body first, so this can run before the usual request set-up.
    g.htmx = bool(request.headers.get("HX-Request"))
    review = db.session.get(Review, (request.view_args or {}).get("review_id"))
    if review is None:
        return "The upload is too large.", 413
    access.review_for(current_user, review.id, "contribute")
    mb = uploads.max_upload_mb(current_app)
    errors = {"file": f"The file is over the {mb} MB limit; nothing was saved."}
    return _page(
        review,
        "evidence/_upload.html",
        422 if g.htmx else 413,
        errors=errors,
        kinds=list(KINDS.items()),
    )


@bp.post("/reviews/<int:review_id>/evidence/upload")
def upload(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "contribute")
    kinds = list(KINDS.items())
    values = {"kind": request.form.get("kind", ""), "sheet": request.form.get("sheet", "")}
    try:
        file = request.files.get("file")
        received = intake.receive_upload(
            current_app, file.read() if file else b"", file.filename if file else "", **values
        )
        step = intake.mapping_step(db.session, received, form=None)
    except FieldErrors as exc:
        return _page(
            review, "evidence/_upload.html", 422, errors=exc.errors, values=values, kinds=kinds
        )
    return _page(review, "evidence/_mapping.html", step=step)


@bp.post("/reviews/<int:review_id>/evidence/import")
def confirm_import(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "contribute")
    form = request.form
    try:
        received = intake.stored_upload(current_app, form)
    except FieldErrors as exc:
        return _page(
            review, "evidence/_upload.html", 422, errors=exc.errors, kinds=list(KINDS.items())
        )
    step = intake.mapping_step(db.session, received, form=form)
    try:
        if form.get("action") == "dry-run":
            step.outcome = intake.dry_run(db.session, review, step, current_user.id)
            db.session.rollback()
            return _page(review, "evidence/_mapping.html", step=step)
        record = intake.queue_import(db.session, review, step, form, current_user.id)
        db.session.commit()
    except (ImportRefused, FileRefused) as exc:
        db.session.rollback()
        step.errors["mapping"] = str(exc)
        return _page(review, "evidence/_mapping.html", 422, step=step)
    except FieldErrors as exc:
        db.session.rollback()
        step.errors.update(exc.errors)
        return _page(review, "evidence/_mapping.html", 422, step=step)
    import_job.enqueue(jobs_for(), record.id, step.date_orders)
    if not g.htmx:
        return redirect(_pane_url(review) + "#imports", 303)
    ctx = pane_context(review, {})
    resp = current_app.make_response(render_template("evidence/_intake.html", **ctx))
    resp.headers["HX-Retarget"] = "#evidence-intake"
    resp.headers["HX-Reswap"] = "outerHTML"
    return resp


# --- progress ---------------------------------------------------------------------------------
def _stop_dead(running: list[EvidenceImport]) -> None:
    """Running imports that no process runs any more are stopped (and shown so) at once."""
    if not running:
        return
    if not import_job.stop_dead_imports(db.session, jobs_for(), running):
        return  # all alive: nothing to commit on a poll that repeats every second
    # Committed whether they were stopped or (Redis) queued again: a dead import's job is sent
    # again only once its "queued" status is committed.
    db.session.commit()
    for record in running:
        db.session.refresh(record)


def _progress_of(record: EvidenceImport) -> dict[str, Any]:
    """What the progress bar shows, from huey's storage while the job runs (never waiting on
    the import's database transaction), from the import record once it is over."""
    progress = (
        jobs_for().read_progress(record.id) if record.status in ("queued", "running") else None
    )
    return intake.progress_view(record, progress, time.time())


@bp.get("/reviews/<int:review_id>/evidence/imports/<int:import_id>/progress")
@background
def import_progress(review_id: int, import_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id)
    if not g.htmx:
        return redirect(_pane_url(review) + "#imports")
    progress = jobs_for().read_progress(import_id)
    record = queries.import_for(db.session, review, import_id)
    if record is None:
        abort(404)
    if progress is None and record.status in ("queued", "running"):
        db.session.refresh(record)  # it may have finished since this request began
    if record.status == "running":
        _stop_dead([record])
        progress = jobs_for().read_progress(import_id) if record.status == "running" else None
    view = intake.progress_view(record, progress, time.time())
    html = render_template("evidence/_progress.html", review=review, item=record, p=view)
    resp = current_app.make_response(html)
    if view["finished"]:
        # The table, the summary and the needs-attention list listen for these.
        resp.headers["HX-Trigger"] = "evidence-changed, evidence-imported"
    return resp


# --- rows needing attention, manual evidence ---------------------------------------------------
@bp.post("/reviews/<int:review_id>/evidence/attention/<int:rejected_id>")
def retry(review_id: int, rejected_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "contribute")
    item = needs_attention.rejected_for(db.session, review, rejected_id)
    if item is None:
        abort(404)
    corrected = {h: request.form.get(f"cell-{i}", "") for i, h in enumerate(item.cells)}
    error = None
    try:
        retry_rejected(db.session, item, corrected, current_user.id)
        db.session.commit()
    except RowRejected as exc:
        db.session.rollback()
        error = str(exc)
    if not g.htmx:
        page = needs_attention.page_number(request.form.get("attention_page"))
        args = {"attention_page": page} if page > 1 else {}
        return redirect(_pane_url(review, **args) + "#attention", 303)
    # Stay on the page of the list the row was corrected from.
    ctx = pane_context(review, {"attention_page": request.form.get("attention_page")})
    html = render_template(
        "evidence/_attention.html", retry_error=error, retry_id=rejected_id, **ctx
    )
    resp = current_app.make_response((html, 422 if error else 200))
    if not error:
        resp.headers["HX-Trigger"] = "evidence-changed"
    return resp


@bp.post("/reviews/<int:review_id>/evidence/manual")
def add_manual(review_id: int):  # type: ignore[no-untyped-def]
    review = access.review_for(current_user, review_id, "contribute")
    try:
        manual.add_manual_evidence(
            db.session, review, request.form, current_user.id, today_london()
        )
        db.session.commit()
    except FieldErrors as exc:
        db.session.rollback()
        return _page(
            review,
            "evidence/_manual.html",
            422,
            errors=exc.errors,
            values=request.form,
            manual_kinds=list(MANUAL_KINDS.items()),
            open=True,
        )
    if not g.htmx:
        return redirect(_pane_url(review), 303)
    html = render_template(
        "evidence/_manual.html",
        review=review,
        manual_kinds=list(MANUAL_KINDS.items()),
        errors={},
        values={},
        open=True,
        added=True,
    )
    resp = current_app.make_response(html)
    resp.headers["HX-Trigger"] = "evidence-changed"
    return resp
