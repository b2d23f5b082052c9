"""What of the causes the fishbone picture shows, as a hashable shape, and the tree back from it.

``rca.fishbone.svg`` keeps pictures by this shape. The picture is drawn from the tree rebuilt
from the shape, never from the caller's tree, so a field the drawing comes to read but the
shape leaves out shows as missing in tests/fishbone/test_svg.py instead of a stale picture.
"""

from __future__ import annotations

from collections.abc import Hashable

from rca.fishbone.tree import CauseNode, EvidenceRef

#: The picture counts a cause's evidence links; it never reads one.
_LINK = EvidenceRef(0, "", None, "")


def picture_shape(tree: list[CauseNode]) -> tuple[Hashable, ...]:
    """The roots' shapes, in order."""
    return tuple(_drawn_from(n) for n in tree)


def _drawn_from(node: CauseNode) -> Hashable:
    """What of a cause the picture shows: every field the drawing in ``svg.py`` reads (add any field
    it comes to read here too: tests/fishbone/test_svg.py changes each one)."""
    return (
        node.id,
        node.parent_id,
        node.text,
        node.category,
        node.status,
        node.conclusion,
        len(node.evidence),
        tuple(_drawn_from(c) for c in node.children),
    )


def tree_of(shape: tuple[Hashable, ...], depth: int = 0) -> list[CauseNode]:
    """The tree back from its shape, so the drawing cannot read what the key left out."""
    out = []
    for cause_id, parent_id, text, category, status, conclusion, links, children in shape:  # type: ignore[misc]
        out.append(
            CauseNode(
                id=cause_id,
                text=text,
                category=category,
                status=status,
                conclusion=conclusion,
                factor_code=None,
                version=0,
                depth=depth,
                evidence=[_LINK] * links,
                children=tree_of(children, depth + 1),
                parent_id=parent_id,
            )
        )
    return out
