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

from rca.evidence.models import EvidenceRow, kind_label
from rca.fishbone.frameworks import Framework
from rca.fishbone.settings import framework_for
from rca.fishbone.tree import cause_tree
from rca.reports import analysis
from rca.reports.pseudonymise import Pseudonymiser
from rca.reviews.models import Review
from rca.templating import uk_date, uk_datetime
from rca.timeline import assembly
from rca.timeline.chronology import LANES, Event
from rca.timeline.models import Annotation
from rca.timeline.svg import Marker, Picture, render_svg
from rca.timeline.working_days import LONDON

EXCERPT = 220
#: At most this many rows in the key-events table: the moments a commissioner needs (marked
#: moments first, then the worst late responses, then concerns); every event stays in the
#: review's evidence, which is where the full chronology belongs.
KEY_EVENT_LIMIT = 25
#: At most this many delay rows: all of them when there are few, otherwise the breaches that
#: overran most (the per-standard table above them counts every measurement).
DELAY_ROW_LIMIT = 12


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


def gather(session: Session, review: Review, p: Pseudonymiser, meta: Meta) -> dict[str, Any]:
    """Every section of the report, in reading order."""
    timeline = assembly.build(session, review)
    framework = framework_for(session, review)
    tree = cause_tree(session, review, framework)  # causes are read once, for every section
    causes = analysis.causes(session, review, p, tree, framework.labels)
    actions = analysis.action_plan(session, review, p, causes)
    data: dict[str, Any] = {
        "cover": cover(review, p, meta),
        "terms": terms(review, p),
        "method": method(session, review, p, timeline, framework),
        "chronology": chronology(session, review, p, timeline),
        "delays": delays(p, timeline),
        "fishbone": analysis.fishbone(session, review, p, causes, tree, framework),
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


def _sentence(text: str | None) -> str:
    text = (text or "").strip()
    return text if not text or text[-1] in ".!?" else text + "."


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
        "reasons": " ".join(
            _sentence(p.text(r, "Triage reasons")) for r in review.recommended_reasons or []
        ),
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
    session: Session,
    review: Review,
    p: Pseudonymiser,
    timeline: assembly.Timeline,
    framework: Framework,
) -> dict[str, Any]:
    counts = session.execute(
        select(EvidenceRow.kind, func.count())
        .where(EvidenceRow.review_id == review.id)
        .group_by(EvidenceRow.kind)
    ).all()
    evidence = sorted(
        ({"kind": kind_label(kind), "count": n} for kind, n in counts), key=lambda r: r["kind"]
    )
    meetings = analysis.meetings(session, review, p)
    return {
        # The default framework's "(default)" and its source line are the screen's words for
        # choosing one; on paper the framework's own name says it.
        "framework": framework.label.removesuffix(" (default)"),
        "framework_source": None if framework.key == "care-default" else framework.source,
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
    # How far past its standard each late response ran, by the event that started the clock.
    overrun: dict[int, int] = {}
    for d in timeline.delays:
        if d.breached:
            over = d.working_days - d.limit_working_days
            overrun[d.start.id] = max(over, overrun.get(d.start.id, over))
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
    candidates = []
    for e in events:
        marked = [kind for kind, _ in annotations.get(e.id, [])]
        why = list(marked)
        if e.id in overrun:
            why.append("Late response")
        if e.concern:
            why.append("Concern")
        if why:
            rank = (bool(marked), e.id in overrun, overrun.get(e.id, 0))
            candidates.append((rank, e, why))
    chosen = sorted(candidates, key=lambda c: c[0], reverse=True)[:KEY_EVENT_LIMIT]
    chosen.sort(key=lambda c: (c[1].at, c[1].id))
    key = [
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
        for _, e, why in chosen
    ]
    # Staff whose supervision was overdue when their own practice enters the story, or whose
    # recorded next date was set later than the service's standard allows.
    supervision = [
        {
            "staff": p.staff(s.staff_id, s.staff, "Supervision") or "",
            "last": uk_date(s.last_supervision) if s.last_supervision else "none on record",
            "note": s.supervision_note,
            "overdue": s.supervision_overdue,
        }
        for s in timeline.statuses
        if s.supervision_overdue or s.due_beyond_standard
    ]
    return {
        "supervision": supervision,
        "svg": svg,
        "period": f"{uk_date(c.start)} to {uk_date(c.end)}",
        "event_count": len(events),
        "lanes": Counter(e.lane for e in events).most_common(),
        "key_events": key,
        "key_total": len(candidates),
        "key_more": len(candidates) - len(key),
    }


def _delay_as_reported(d: Any, by_id: dict[int, Event]) -> Any:
    return dataclasses.replace(
        d,
        start=by_id.get(d.start.id, d.start),
        answer=by_id.get(d.answer.id, d.answer) if d.answer else None,
    )


def delays(p: Pseudonymiser, timeline: assembly.Timeline) -> dict[str, Any]:
    """Each standard's record (measured, met, breached, longest), then the responses themselves:
    every one when there are few, otherwise the breaches that overran most."""
    standards: dict[str, dict[str, Any]] = {}
    for d in timeline.delays:
        s = standards.setdefault(
            d.standard,
            {"standard": d.standard, "limit": d.limit_working_days, "measured": 0,
             "met": 0, "open": 0, "breached": 0, "longest": 0},
        )  # fmt: skip
        s["measured"] += 1
        s[d.status] += 1
        s["longest"] = max(s["longest"], d.working_days)
    shown = list(timeline.delays)
    if len(shown) > DELAY_ROW_LIMIT:
        shown = sorted(
            (d for d in shown if d.breached),
            key=lambda d: d.working_days - d.limit_working_days,
            reverse=True,
        )[:DELAY_ROW_LIMIT]
        shown.sort(key=lambda d: (d.start.at, d.start.id))
    rows = []
    for d in shown:
        rows.append(
            {
                "standard": d.standard,
                "from_at": uk_datetime(d.start.at),
                "from_text": excerpt(p.text(d.start.text, f"Delay: {d.standard}"), 120),
                "to_at": uk_datetime(d.answer.at) if d.answer else "",
                "to_text": excerpt(p.text(d.answer.text, f"Delay: {d.standard}"), 120)
                if d.answer
                else "No answer found in the evidence",
                "working_days": d.working_days,
                "limit": d.limit_working_days,
                "breached": d.breached,
                "status": d.status,
                "words": d.words,
                "deadline": uk_date(d.deadline),
            }
        )
    return {
        "standards": list(standards.values()),
        "rows": rows,
        "total": len(timeline.delays),
        "breached": sum(1 for d in timeline.delays if d.breached),
        "all_shown": len(rows) == len(timeline.delays),
    }


#: The summary names at most this many actions; the action plan holds them all.
SUMMARY_ACTIONS = 8


def summary(review: Review, p: Pseudonymiser, data: dict[str, Any]) -> dict[str, Any]:
    """The page a commissioner reads first, in plain words: what happened, what the review
    found, what is changing (each action with its owner and date)."""
    actions = data["actions"]["rows"]
    cover = data["cover"]
    happened = f"{cover['trigger']} on {cover['occurred_on']} ({cover['severity'].lower()})"
    if review.people_affected and review.people_affected > 1:
        happened += f", affecting {review.people_affected} people"
    return {
        "happened": happened,
        "title": cover["title"],
        "question": data["terms"]["question"],
        "problem": data["fishbone"].get("problem") or data["terms"]["question"] or review.title,
        "target": data["terms"]["target"],
        "events": data["chronology"]["event_count"],
        "evidence": data["method"]["evidence_total"],
        "root_causes": [c["text"] for c in data["conclusions"]["root"]],
        "contributory_causes": [c["text"] for c in data["conclusions"]["contributory"]],
        "contributory": len(data["conclusions"]["contributory"]),
        "delays_breached": data["delays"]["breached"],
        "delays_total": data["delays"]["total"],
        "actions": len(actions),
        "actions_done": sum(1 for a in actions if a["status"] == "Done"),
        "owners": sorted({a["owner"] for a in actions if a["owner"]}),
        "changes": [
            {"text": a["text"], "owner": a["owner"], "due": a["due"], "status": a["status"]}
            for a in actions[:SUMMARY_ACTIONS]
        ],
        "changes_more": max(0, len(actions) - SUMMARY_ACTIONS),
    }
