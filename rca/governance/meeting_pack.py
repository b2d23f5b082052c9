"""The quality-meeting pack: one PDF for a scope and period, issued and kept with its SHA-256.

It holds the dashboard (the same charts and tables as the page), the themes, recurrence after
closure, the inspection evidence summary by quality statement, and the overdue actions. The
HTML goes through the report's own ``html_to_pdf`` (print CSS, fonts, no network), so the pack
looks like the reports a committee already reads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from hashlib import sha256
from typing import Any

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from rca.db import utcnow
from rca.governance import dashboard_charts
from rca.governance.dashboard import AGE_BANDS, Dashboard, OverdueAction, overdue_actions
from rca.governance.dashboard_charts import marked_up, month_label
from rca.governance.inspection import InspectionEvidence, gather
from rca.governance.pack_models import IssuedPack
from rca.graph.recurrence import STRENGTHS, RecurrenceAnswer, recurrence_after_closure
from rca.graph.scope import LearningScope

#: Packs listed on the dashboard, newest first.
LISTED = 10


@dataclass(frozen=True)
class PackContent:
    board: Dashboard
    charts: dict[str, str | None]
    recurrence: RecurrenceAnswer
    inspection: InspectionEvidence
    overdue: tuple[OverdueAction, ...]


def content(session: Session, scope: LearningScope, today: date) -> PackContent:
    board, svgs = dashboard_charts.drawn(session, scope, today)
    period = replace(scope, since=board.since, until=board.until)
    return PackContent(
        board=board,
        charts=marked_up(svgs),
        recurrence=recurrence_after_closure(session, period, today),
        inspection=gather(session, period),
        overdue=overdue_actions(session, scope, today),
    )


def pack_html(pack: PackContent, **context: Any) -> str:
    return render_template(
        "governance/quality_pack.html",
        pack=pack,
        d=pack.board,
        bands=[name for name, _ in AGE_BANDS],
        month_label=month_label,
        strengths=STRENGTHS,
        keys=dashboard_charts.keys(pack.board),
        **context,
    )


def render_pack(pack: PackContent, **context: Any) -> bytes:
    # Imported here: WeasyPrint loads only when a pack is asked for, as for the report.
    from rca.reports.pdf import html_to_pdf

    return html_to_pdf(pack_html(pack, **context))


def issue(
    session: Session,
    scope: LearningScope,
    *,
    today: date,
    user_id: int | None,
    provider: str,
) -> IssuedPack:
    """Render, hash and keep the pack; the caller commits."""
    pack = content(session, scope, today)
    data = render_pack(pack, provider=provider, today=today, status="issued")
    record = IssuedPack(
        scope_label=scope.label,
        services=scope.service,
        service_ids=None if scope.service_ids is None else sorted(scope.service_ids),
        kind=scope.kind,
        since=pack.board.since,
        until=pack.board.until,
        sha256=sha256(data).hexdigest(),
        size=len(data),
        pdf=data,
        issued_by_id=user_id,
        issued_at=utcnow(),
    )
    session.add(record)
    session.flush()
    return record


def issued_packs(session: Session, limit: int = LISTED) -> list[IssuedPack]:
    """The newest packs (the PDF bytes are not loaded)."""
    return list(session.scalars(select(IssuedPack).order_by(IssuedPack.id.desc()).limit(limit)))
