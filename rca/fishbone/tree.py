"""The review's causes as a tree of plain values, loaded in a constant number of queries.

Three queries whatever the size: the causes, their evidence links joined to the evidence rows,
and nothing else; the tree is assembled in memory. Screens, the SVG, the API and the report read
this, never the ORM rows: it is the one reader of causes (the guidance reads its own counts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from rca.evidence.models import EvidenceRow
from rca.fishbone.frameworks import Framework
from rca.fishbone.models import Cause, CauseEvidence, ContributoryFactor
from rca.fishbone.settings import framework_for
from rca.reviews.models import Review
from rca.wording import excerpt as shorten

EXCERPT = 120


@dataclass(frozen=True)
class EvidenceRef:
    id: int
    kind: str
    occurred_on: date | None
    excerpt: str
    #: The rest the report cites: the whole text, the time and where the row came from.
    text: str = ""
    occurred_at: datetime | None = None
    file_name: str | None = None
    row_number: int | None = None


@dataclass
class CauseNode:
    id: int
    text: str
    category: str
    status: str
    conclusion: str | None
    factor_code: str | None
    version: int
    depth: int
    evidence: list[EvidenceRef] = field(default_factory=list)
    children: list[CauseNode] = field(default_factory=list)
    parent_id: int | None = None
    position: int = 0
    #: The factor's label in the vocabulary (None when not coded, or coded to an unknown code).
    factor_label: str | None = None

    def walk(self) -> list[CauseNode]:
        """This node and every node below it, depth first, in order."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "text": self.text,
            "category": self.category,
            "parent_id": self.parent_id,
            "position": self.position,
            "status": self.status,
            "conclusion": self.conclusion,
            "factor_code": self.factor_code,
            "version": self.version,
            "depth": self.depth,
            "evidence_ids": [e.id for e in self.evidence],
            "children": [c.to_json() for c in self.children],
        }


def excerpt(text: str, limit: int = EXCERPT) -> str:
    return shorten(text, limit)


# Built once, bound per call: every Analysis pane, the guidance panel and the report read these.
_CAUSES = (
    select(
        Cause.id,
        Cause.parent_id,
        Cause.position,
        Cause.text,
        Cause.category,
        Cause.status,
        Cause.conclusion,
        Cause.factor_code,
        Cause.version,
        ContributoryFactor.label,
    )
    # The label with the cause, so the outline needs no read of the whole vocabulary.
    .outerjoin(ContributoryFactor, ContributoryFactor.code == Cause.factor_code)
    .where(Cause.review_id == bindparam("review_id"))
    .order_by(Cause.position, Cause.id)
)
_LINKS = (
    select(
        CauseEvidence.cause_id,
        EvidenceRow.id,
        EvidenceRow.kind,
        EvidenceRow.occurred_on,
        EvidenceRow.text,
        EvidenceRow.occurred_at,
        EvidenceRow.file_name,
        EvidenceRow.row_number,
    )
    .join(EvidenceRow, EvidenceRow.id == CauseEvidence.evidence_id)
    .where(CauseEvidence.review_id == bindparam("review_id"))
    .order_by(EvidenceRow.occurred_on, EvidenceRow.id)
)


def cause_tree(
    session: Session,
    review: Review,
    framework: Framework | None = None,
    *,
    with_evidence: bool = True,
) -> list[CauseNode]:
    """Roots in bone order (the review's framework) then position; children by position.
    ``with_evidence=False`` leaves each node's evidence empty and skips that query."""
    if framework is None:
        framework = framework_for(session, review)
    bound = {"review_id": review.id}
    rows = session.execute(_CAUSES, bound).all()
    links = session.execute(_LINKS, bound).all() if with_evidence else []
    evidence: dict[int, list[EvidenceRef]] = {}
    for cause_id, eid, kind, on, text, at, file_name, row in links:
        ref = EvidenceRef(eid, kind, on, excerpt(text), text or "", at, file_name, row)
        evidence.setdefault(cause_id, []).append(ref)
    nodes = {
        r.id: CauseNode(
            id=r.id,
            text=r.text,
            category=r.category,
            status=r.status,
            conclusion=r.conclusion,
            factor_code=r.factor_code,
            version=r.version,
            depth=0,
            evidence=evidence.get(r.id, []),
            parent_id=r.parent_id,
            position=r.position,
            factor_label=r.label,
        )
        for r in rows
    }
    roots: list[CauseNode] = []
    for r in rows:  # rows come in position order, so children land in order
        node = nodes[r.id]
        parent = nodes.get(r.parent_id) if r.parent_id else None
        (parent.children if parent else roots).append(node)
    order = {c.key: i for i, c in enumerate(framework.categories)}
    roots.sort(key=lambda n: (order.get(n.category, len(order)), n.category, n.position, n.id))
    stack = [(n, 0) for n in roots]
    while stack:
        node, depth = stack.pop()
        node.depth = depth
        stack.extend((c, depth + 1) for c in node.children)
    return roots


def flatten(tree: list[CauseNode]) -> list[CauseNode]:
    out: list[CauseNode] = []
    for root in tree:
        out.extend(root.walk())
    return out


def by_category(tree: list[CauseNode], framework: Framework) -> dict[str, list[CauseNode]]:
    """Roots per bone of the framework (a cause on an unknown bone is kept under its key)."""
    out: dict[str, list[CauseNode]] = {c.key: [] for c in framework.categories}
    for node in tree:
        out.setdefault(node.category, []).append(node)
    return out
