"""What a bundle carries is read from the metadata: a table or column that another area adds
later travels the day it is added, with no list here to update."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Column, Date, ForeignKey, Integer, MetaData, String, Table, select, text

from rca.db import NAMING, db
from rca.portability import tables
from rca.portability.bundle_export import export_bundle
from rca.portability.bundle_import import Bundle, import_bundle

from .test_bundles import same_people


def test_every_table_that_hangs_off_a_review_travels_with_every_column(app: Flask) -> None:
    plan = tables.plan(db.metadata)
    carried = plan.names
    assert {
        "review",
        "evidence_import",
        "evidence_row",
        "rejected_row",
        "event_mark",
        "timeline_annotation",
        "cause",
        "cause_evidence",
        "cause_status_change",
        "action",
        "action_cause",
        "review_point",
        "action_progress",
        "action_evidence",
        "effectiveness_check",
        "follow_up",
        "review_meeting",
        "meeting_decision",
        "issued_report",
        "audit_entry",
    } <= carried
    assert not carried & (set(tables.REGISTERS) | set(tables.LOCAL))
    # Anything else that points at a review (or at a row that travels) travels too.
    for table in db.metadata.sorted_tables:
        targets = {fk.column.table.name for fk in table.foreign_keys}
        if targets & carried and table.name not in tables.LOCAL:
            assert table.name in carried, table.name


def test_a_table_and_a_column_added_later_travel_with_no_change_here(
    app: Flask, other: Flask, report_review: Any, tmp_path: Path
) -> None:
    meta = MetaData(naming_convention=NAMING)
    for table in db.metadata.sorted_tables:
        table.to_metadata(meta)
    late = Table(
        "late_note",
        meta,
        Column("id", Integer, primary_key=True),
        Column("cause_id", ForeignKey("cause.id"), nullable=False),
        Column("noted_on", Date),
        Column("text", String(100)),
    )
    meta.tables["action"].append_column(Column("closing_note", String(50)))
    instances = (app, other)
    for flask_app in instances:
        with flask_app.app_context():
            late.create(db.engine)
            with db.engine.begin() as conn:
                conn.execute(text("ALTER TABLE action ADD COLUMN closing_note VARCHAR(50)"))
    try:
        root = report_review.causes["root"]
        with app.app_context():
            db.session.execute(
                late.insert().values(cause_id=root, noted_on=date(2026, 12, 2), text="Late")
            )
            db.session.execute(
                meta.tables["action"]
                .update()
                .where(meta.tables["action"].c.id == report_review.actions["plan"])
                .values(closing_note="Closed at the governance meeting")
            )
            db.session.commit()
            out = io.BytesIO()
            export_bundle(db.session, report_review.review_id, out, tmp_path, metadata=meta)
            db.session.rollback()
        same_people(app, other)
        out.seek(0)
        with other.app_context():
            report = import_bundle(db.session, Bundle(out), tmp_path / "other", metadata=meta)
            db.session.commit()
            assert report.rows["late_note"] == 1
            cause = meta.tables["cause"]
            note = db.session.execute(
                select(late.c.noted_on, late.c.text, cause.c.text, cause.c.review_id).join(
                    cause, cause.c.id == late.c.cause_id
                )
            ).one()
            assert note[:2] == (date(2026, 12, 2), "Late")
            assert note[2].startswith("No one owned the review of concerns")
            assert note[3] == report.review_id
            closing = db.session.scalars(
                select(meta.tables["action"].c.closing_note).where(
                    meta.tables["action"].c.review_id == report.review_id
                )
            ).all()
            assert "Closed at the governance meeting" in closing
            db.session.rollback()
    finally:
        for flask_app in instances:
            with flask_app.app_context():
                db.session.remove()
                with db.engine.begin() as conn:
                    conn.execute(text("DROP TABLE IF EXISTS late_note"))
                    conn.execute(text("ALTER TABLE action DROP COLUMN closing_note"))
