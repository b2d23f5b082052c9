"""The inspection evidence as a spreadsheet and as a PDF pack.

The XLSX is one sheet, one line per piece of evidence under its statement, written by the
actions tracker's writer (every cell a string through the formula neutraliser). The PDF is
``governance/inspection_pack.html`` laid out by the report's own WeasyPrint call and print CSS
(``rca.reports.pdf.html_to_pdf``), so the pack looks like the reports an inspector already has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from flask import render_template

from rca.actions.exports import xlsx_bytes
from rca.governance.inspection import InspectionEvidence, StatementEvidence

COLUMNS = (
    "Key question",
    "Quality statement",
    "Evidence",
    "Review",
    "What",
    "Owner or who",
    "Status or result",
    "Date",
    "Link",
)

#: (review id, what, the cause's or action's id) -> a link into the workbench.
Linker = Callable[[int, str, int | None], str]


def _uk(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _lines(e: StatementEvidence, link: Linker) -> Iterator[list[str]]:
    refs = {r.id: r.reference for r in e.reviews}
    head = [e.statement.key_question_label, e.statement.label]

    def line(kind: str, review_id: int, *cells: str) -> list[str]:
        return [*head, kind, refs.get(review_id, ""), *cells]

    for r in e.reviews:
        what = f"{r.title} ({r.service_name})"
        url = link(r.id, "review", None)
        yield line("Review", r.id, what, "", r.stage_label, _uk(r.occurred_on), url)
    for f in e.findings:
        how = f.conclusion_label + ("" if f.tagged_by == "mapping" else " (tag set by hand)")
        yield line("Finding", f.review_id, f.text, "", how, "", link(f.review_id, "cause", f.id))
    for a in e.actions:
        url = link(a.review_id, "action", a.id)
        yield line("Action", a.review_id, a.text, a.owner, a.status_label, _uk(a.due), url)
    for c in e.effectiveness:
        what = f"Action #{c.action_id}" if c.action_id else "The review's improvement target"
        met = "target met" if c.target_met else "target missed"
        result = f"{c.result_percent:.0f}% against {c.target_percent:.0f}%: {met}"
        url = link(c.review_id, "monitoring", None)
        yield line("Effectiveness", c.review_id, what, "", result, _uk(c.period_end), url)
    for d in e.learning_shared:
        who = ", ".join(filter(None, [d.teams or "", *d.staff_briefed]))
        checked = "understanding checked" if d.understanding_checked else "not checked"
        url = link(d.review_id, "monitoring", None)
        yield line("Learning shared", d.review_id, d.method_label, who, checked, _uk(d.on), url)


def xlsx(evidence: InspectionEvidence, link: Linker) -> bytes:
    cells = (line for e in evidence.statements for line in _lines(e, link))
    return xlsx_bytes(COLUMNS, cells, sheet="Inspection evidence")


def pdf(evidence: InspectionEvidence, **context: object) -> bytes:
    # Imported here: WeasyPrint loads only when a pack is asked for, as for the report.
    from rca.reports.pdf import html_to_pdf

    html = render_template("governance/inspection_pack.html", ev=evidence, **context)
    return html_to_pdf(html)
