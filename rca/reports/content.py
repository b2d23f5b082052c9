"""The report's data, gathered one section per function, pseudonymised, as plain JSON-able data.

``gather`` builds the whole report: every section's function takes the session, the review and
the report's ``Pseudonymiser`` and answers plain dicts and lists (dates as DD/MM/YYYY text, SVG as
escaped text from the same pure functions the screens use). The hash of this data and the template
version is the draft's cache key (``rca.reports.pdf.content_key``), so a review that did not
change is never laid out twice.

Sections about causes, meetings, guidance and actions live in ``rca.reports.analysis``.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rca.evidence.models import KINDS, MANUAL_KINDS, EvidenceRow
from rca.reports import analysis, sources
from rca.reports.pseudonymise import Pseudonymiser
from rca.reviews.models import Review
from rca.templating import uk_date, uk_datetime
from rca.timeline import assembly
from rca.timeline.chronology import LANES, Event
from rca.timeline.models import Annotation
from rca.timeline.svg import Marker, Picture, render_svg
from rca.timeline.working_days import LONDON

EXCERPT = 220
#: At most this many rows in the key-events table; the full chronology is the evidence export.
KEY_EVENT_LIMIT = 400


@dataclasses.dataclass(frozen=True)
class Meta:
    """What the cover says about this rendering."""

    status: str  # "draft" | "issued"
    version: int  # the issued version, or the one a draft would become
    on: date
    provider: str
    recipient: str | None = None


def excerpt(text: str | None, limit: int = EXCERPT) -> str:
    return assembly.excerpt(text or "", limit)


def kind_label(kind: str) -> str:
    return {**KINDS, **MANUAL_KINDS}.get(kind, kind)


def gather(session: Session, review: Review, p: Pseudonymiser, meta: Meta) -> dict[str, Any]:
    """Every section of the report, in reading order."""
    timeline = assembly.build(session, review)
    causes = analysis.causes(session, review, p)
    actions = analysis.action_plan(session, review, p, causes)
    data: dict[str, Any] = {
        "cover": cover(review, p, meta),
        "terms": terms(review, p),
        "method": method(session, review, p, timeline),
        "chronology": chronology(session, review, p, timeline),
        "delays": delays(p, timeline),
        "fishbone": analysis.fishbone(session, review, p, causes),
        "findings": analysis.findings(causes),
        "conclusions": analysis.conclusions(causes),
        "overrides": analysis.overrides(session, review, p),
        "actions": actions,
        "learning": analysis.learning(session, review, p),
        "effectiveness": analysis.effectiveness(session, review, p),
        "sign_off": sign_off(review, meta),
    }
    data["summary"] = summary(review, p, data)
    return data


def cover(review: Review, p: Pseudonymiser, meta: Meta) -> dict[str, Any]:
    service = review.service
    status = "Issued" if meta.status == "issued" else "Draft"
    return {
        "provider": meta.provider or service.name,
        "service": service.name,
        "service_kind": service.kind_label,
        "reference": review.reference,
        "title": p.text(review.title, "Review title"),
        "version": meta.version,
        "version_label": f"Version {meta.version}"
        if meta.status == "issued"
        else f"Draft of version {meta.version}",
        "date": uk_date(meta.on),
        "status": status,
        "draft": meta.status != "issued",
        "recipient": meta.recipient,
        "mode": p.mode,
        "trigger": review.trigger_label,
        "severity": review.severity_label,
        "occurred_on": uk_date(review.occurred_on),
        "stage": review.stage_label,
    }


def sign_off(review: Review, meta: Meta) -> list[dict[str, str]]:
    """Who answers for the report. They sign as themselves: their names are not pseudonymised."""
    rows = []
    if review.lead is not None:
        rows.append({"name": review.lead.name, "role": "Review lead", "date": ""})
    for member in review.panel:
        if member.user and member.user_id != review.lead_id:
            rows.append({"name": member.user.name, "role": "Review panel", "date": ""})
    if meta.status == "issued":
        for row in rows:
            row["date"] = uk_date(meta.on)
    return rows


def terms(review: Review, p: Pseudonymiser) -> dict[str, Any]:
    period = None
    if review.period_start and review.period_end:
        period = f"{uk_date(review.period_start)} to {uk_date(review.period_end)}"
    return {
        "question": p.text(review.question, "Terms of reference: question"),
        "period": period,
        "baseline": p.text(review.baseline_issue, "Terms of reference: baseline"),
        "target": p.text(review.target_text, "Terms of reference: target"),
        "depth": review.depth_label,
        "reasons": [p.text(r, "Triage reasons") for r in review.recommended_reasons or []],
        "depth_override": p.text(review.depth_override_reason, "Depth override reason"),
        "trigger": review.trigger_label,
        "severity": review.severity_label,
        "safeguarding": review.safeguarding,
        "notified": review.notified,
        "people": [
            link.pseudonym if not p.full_names else link.person.reference for link in review.people
        ],
        "staff": sorted({p.staff(link.staff_id) or "" for link in review.staff}),
        "panel": [m.user.name for m in review.panel if m.user],
        "lead": review.lead.name if review.lead else None,
    }


def method(
    session: Session, review: Review, p: Pseudonymiser, timeline: assembly.Timeline
) -> dict[str, Any]:
    counts = session.execute(
        select(EvidenceRow.kind, func.count())
        .where(EvidenceRow.review_id == review.id)
        .group_by(EvidenceRow.kind)
    ).all()
    evidence = sorted(
        ({"kind": kind_label(kind), "count": n} for kind, n in counts), key=lambda r: r["kind"]
    )
    framework = sources.call("framework_for", session, review)
    meetings = analysis.meetings(session, review, p)
    return {
        "framework": sources.field(framework, "label", default=None),
        "framework_source": sources.field(framework, "source", default=None),
        "evidence": evidence,
        "evidence_total": sum(r["count"] for r in evidence),
        "standards": [{"name": s.name, "limit": s.limit_working_days} for s in timeline.standards]
        if timeline.standards and hasattr(timeline.standards[0], "limit_working_days")
        else [],
        "meetings": meetings,
    }


def _events_as_reported(p: Pseudonymiser, events: list[Event]) -> list[Event]:
    """The chronology with every name replaced, so the SVG (titles included) carries none."""
    out = []
    for e in events:
        where = f"Event {uk_datetime(e.at)} ({kind_label(e.kind)})"
        out.append(
            dataclasses.replace(
                e,
                staff=p.staff(e.staff_id, e.staff, where),
                person_label=p.person(e.person_id, e.person_ref, where),
                person_ref=p.person_labels.get(e.person_id or 0, e.person_ref),
                text=p.text(e.text, where),
            )
        )
    return out


def _source(e: Event) -> str:
    if e.file:
        return f"{e.file}, row {e.row}" if e.row else e.file
    return "Recorded in the workbench"


def chronology(
    session: Session, review: Review, p: Pseudonymiser, timeline: assembly.Timeline
) -> dict[str, Any]:
    c = timeline.chronology
    events = _events_as_reported(p, c.events)
    by_id = {e.id: e for e in events}
    notes = session.scalars(
        select(Annotation).where(Annotation.review_id == review.id).order_by(Annotation.id)
    ).all()
    annotations: dict[int, list[tuple[str, str]]] = {}
    markers = []
    for n in notes:
        if n.evidence_id in by_id and n.kind != "note":
            text = p.text(n.text, f"{n.kind_label} note")
            annotations.setdefault(n.evidence_id, []).append((n.kind_label, text))
            markers.append(Marker(by_id[n.evidence_id].at, n.kind, text[:80]))
    delayed = {d.start.id for d in timeline.delays if d.breached}
    svg = None
    if events:
        start = datetime.combine(c.start, datetime.min.time(), LONDON)
        end = datetime.combine(
            c.end.fromordinal(c.end.toordinal() + 1), datetime.min.time(), LONDON
        )
        shifts = [
            dataclasses.replace(s, staff=p.staff(s.staff_id, s.staff, "Rota") or "")
            for s in c.shifts
        ]
        svg = render_svg(
            Picture(
                start=start,
                end=end,
                lanes=list(LANES.items()),
                events=events,
                shifts=shifts,
                uninducted=timeline.uninducted_agency,
                delays=[_delay_as_reported(d, by_id) for d in timeline.delays],
                markers=markers,
                title=f"Timeline of {review.reference}",
            )
        )
    key = []
    for e in events:
        why = [kind for kind, _ in annotations.get(e.id, [])]
        if e.concern:
            why.append("Concern")
        if e.id in delayed:
            why.append("Delay")
        if not why:
            continue
        key.append(
            {
                "at": uk_datetime(e.at),
                "why": ", ".join(dict.fromkeys(why)),
                "kind": kind_label(e.kind),
                "staff": e.staff or "",
                "person": e.person_label or "",
                "text": excerpt(e.text),
                "notes": [text for _, text in annotations.get(e.id, [])],
                "source": _source(e),
            }
        )
    return {
        "svg": svg,
        "period": f"{uk_date(c.start)} to {uk_date(c.end)}",
        "event_count": len(events),
        "lanes": Counter(e.lane for e in events).most_common(),
        "key_events": key[:KEY_EVENT_LIMIT],
        "key_more": max(0, len(key) - KEY_EVENT_LIMIT),
    }


def _delay_as_reported(d: Any, by_id: dict[int, Event]) -> Any:
    return dataclasses.replace(
        d,
        start=by_id.get(d.start.id, d.start),
        answer=by_id.get(d.answer.id, d.answer) if d.answer else None,
    )


def delays(p: Pseudonymiser, timeline: assembly.Timeline) -> list[dict[str, Any]]:
    rows = []
    for d in timeline.delays:
        rows.append(
            {
                "standard": d.standard,
                "from_at": uk_datetime(d.start.at),
                "from_text": excerpt(p.text(d.start.text, f"Delay: {d.standard}"), 120),
                "to_at": uk_datetime(d.answer.at) if d.answer else "",
                "to_text": excerpt(p.text(d.answer.text, f"Delay: {d.standard}"), 120)
                if d.answer
                else "No answering event found",
                "working_days": d.working_days,
                "limit": d.limit_working_days,
                "breached": d.breached,
                "deadline": uk_date(d.deadline),
            }
        )
    return rows


def summary(review: Review, p: Pseudonymiser, data: dict[str, Any]) -> dict[str, Any]:
    """The page a commissioner reads first: the question, what was found, what will change."""
    breached = [d for d in data["delays"] if d["breached"]]
    actions = data["actions"]["rows"]
    return {
        "problem": data["fishbone"].get("problem") or data["terms"]["question"] or review.title,
        "target": data["terms"]["target"],
        "events": data["chronology"]["event_count"],
        "evidence": data["method"]["evidence_total"],
        "root_causes": [c["text"] for c in data["conclusions"]["root"]],
        "contributory": len(data["conclusions"]["contributory"]),
        "delays_breached": len(breached),
        "delays_total": len(data["delays"]),
        "actions": len(actions),
        "actions_done": sum(1 for a in actions if a["status"] == "Done"),
        "owners": sorted({a["owner"] for a in actions if a["owner"]}),
    }
