"""The fishbone picture: escaped, labelled, readable at 150 causes."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from rca.fishbone.frameworks import FRAMEWORKS
from rca.fishbone.svg import render_fishbone
from rca.fishbone.tree import CauseNode

FRAMEWORK = FRAMEWORKS["care-default"]


def node(
    i: int,
    text: str,
    category: str = "staffing",
    *,
    status: str = "hypothesis",
    conclusion: str | None = None,
    children: list[CauseNode] | None = None,
    depth: int = 0,
    parent: int | None = None,
) -> CauseNode:
    return CauseNode(
        id=i,
        text=text,
        category=category,
        status=status,
        conclusion=conclusion,
        factor_code=None,
        version=1,
        depth=depth,
        children=children or [],
        parent_id=parent,
    )


def test_text_from_people_is_escaped():
    evil = node(1, "<script>alert(1)</script> & </svg><svg onload=x>")
    out = render_fishbone("Why </svg><script>", FRAMEWORK, [evil])
    assert "<script>" not in out and "</svg><svg" not in out
    assert "&lt;script&gt;" in out
    ET.fromstring(out)  # noqa: S314  (our own output)  # still one well-formed SVG document
    assert out.count("</svg>") == 1


def test_it_is_labelled_scalable_and_says_status_in_text():
    tree = [
        node(
            1,
            "Unclear thresholds",
            "guidance",
            status="supported",
            conclusion="root",
            children=[node(2, "Guidance has no examples", "guidance", depth=1, parent=1)],
        ),
        node(3, "Carer forgot", "staffing", status="ruled-out"),
    ]
    out = render_fishbone("Why was escalation late?", FRAMEWORK, tree, highlight=2)
    root = ET.fromstring(out)  # noqa: S314  (our own output)
    assert root.get("role") == "img" and root.get("viewBox")
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text == "Fishbone: Why was escalation late?"
    desc = root.find(f"{ns}desc").text
    assert (
        "3 causes" in desc and "1 supported, 1 ruled out" in desc and "Unclear thresholds" in desc
    )
    assert ">ROOT<" in out  # root causes marked in text, not colour alone
    assert "✓" in out and "✗" in out and "?" in out
    assert 'text-decoration="line-through"' in out
    assert 'id="fb-cause-2"' in out and "#fff3bf" in out  # the highlighted why
    for c in FRAMEWORK.categories:
        assert f'data-category="{c.key}"' in out


def test_150_causes_stay_legible():
    cats = [c.key for c in FRAMEWORK.categories]
    tree, i = [], 0
    for n in range(50):
        i += 1
        kids = []
        for k in range(2):
            i += 1
            kids.append(
                node(
                    i,
                    f"Why number {k} for cause {n}: a long explanation that must "
                    "wrap over several lines to stay readable",
                    cats[n % 9],
                    depth=1,
                    parent=i - k - 1,
                )
            )
        tree.append(node(i - 2, f"Cause {n}", cats[n % 9], children=kids))
    out = render_fishbone("Problem", FRAMEWORK, tree)
    root = ET.fromstring(out)  # noqa: S314  (our own output)
    assert out.count('class="fb-cause ') == 150
    texts = [t for t in re.findall(r"<text[^>]*>([^<]*)</text>", out) if "Why number" in t]
    assert texts and max(len(t) for t in texts) <= 40  # wrapped, never one endless line
    assert int(root.get("width")) < 2000  # nine bones in five columns, not 150 columns
    assert float(root.get("viewBox").split()[3]) > 1000  # grows down, keeps the type size


def _every_framework_tree(framework, per_bone: int = 3) -> list[CauseNode]:
    """Causes on every bone, some nested and concluded, text long enough to wrap."""
    tree, i = [], 0
    for b, c in enumerate(framework.categories):
        for k in range(per_bone):
            i += 1
            why = node(
                i + 1,
                f"Why {b}.{k}: the handover sheet had no line for the falls sensor check",
                c.key,
                status="supported",
                depth=1,
                parent=i,
            )
            tree.append(
                node(
                    i,
                    f"Cause {b}.{k} on {c.label}: agency staff unfamiliar with the MAR process",
                    c.key,
                    status=("hypothesis", "supported", "ruled-out")[k % 3],
                    conclusion=("root", "contributory", None)[k % 3],
                    children=[why],
                )
            )
            i += 1
    return tree


def _font_sizes(out: str) -> list[float]:
    return [float(v) for v in re.findall(r'font-size="([0-9.]+)"', out)]


def test_compact_layout_fits_a_900_px_box_with_type_of_12_px_or_more():
    from rca.fishbone.frameworks import FRAMEWORKS as ALL

    for framework in ALL.values():
        tree = _every_framework_tree(framework)
        out = render_fishbone("Why was the corridor poorly lit?", framework, tree, layout="compact")
        root = ET.fromstring(out)  # noqa: S314  (our own output)
        width = float(root.get("viewBox").split()[2])
        assert 900 <= width <= 1000, framework.key
        # Shown 900 px wide, every piece of text (causes, labels, tags, key) is at least 12 px.
        assert min(_font_sizes(out)) * 900 / width >= 12, framework.key
        # Every cause is drawn, each text whole across its wrapped lines, bones all present.
        drawn = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", out))
        for n in tree:
            for cause in n.walk():
                assert all(word in drawn for word in cause.text.split()), cause.text
        assert out.count('class="fb-cause ') == 2 * len(tree)
        for c in framework.categories:
            assert f'data-category="{c.key}"' in out
        # Status in text and colour, root causes marked, ruled-out struck through.
        assert ">ROOT<" in out and ">CF<" in out and "✓" in out and "✗" in out
        assert 'text-decoration="line-through"' in out


def test_compact_layout_escapes_and_stays_one_document():
    evil = node(1, "<script>alert(1)</script> & </svg><svg onload=x>", conclusion="root")
    out = render_fishbone("Why </svg><script>", FRAMEWORK, [evil], layout="compact")
    assert "<script>" not in out and "</svg><svg" not in out
    assert "&lt;script&gt;" in out and "&amp;" in out
    ET.fromstring(out)  # noqa: S314  (our own output)
    assert out.count("</svg>") == 1


def test_the_default_layout_is_what_the_pdf_always_had():
    """The compact option leaves the pane's and the PDF's picture alone: one band, wide."""
    tree = _every_framework_tree(FRAMEWORK, per_bone=1)
    default = render_fishbone("Problem", FRAMEWORK, tree)
    assert default == render_fishbone("Problem", FRAMEWORK, tree, layout="default")
    assert default.count('class="fb-spine"') == 1
    assert float(ET.fromstring(default).get("width")) > 1400  # noqa: S314  (our own output)
    compact = render_fishbone("Problem", FRAMEWORK, tree, layout="compact")
    assert compact.count('class="fb-spine"') == 3  # two bands and the line joining them


def test_a_remembered_picture_changes_with_everything_it_shows():
    """Pictures are kept by what they are drawn from: each thing the picture shows, changed,
    gives a new picture, and an equal tree gives the picture drawn before."""
    from dataclasses import replace

    from rca.fishbone.tree import EvidenceRef

    link = EvidenceRef(7, "care-notes", None, "Note")

    def tree(**changes: object) -> list[CauseNode]:
        why = node(2, "No handover sheet", parent=1, depth=1)
        fields = {"children": [why], "evidence": [link], **changes}
        cause = replace(node(1, "Handover missed"), **fields)
        return [cause, node(3, "Rota gap on evenings", "staffing")]

    first = render_fishbone("Fall in the lounge", FRAMEWORK, tree())
    assert render_fishbone("Fall in the lounge", FRAMEWORK, tree()) == first
    changed = [
        render_fishbone("Fall in the corridor", FRAMEWORK, tree()),
        render_fishbone("Fall in the lounge", FRAMEWORKS["yorkshire"], tree()),
        render_fishbone("Fall in the lounge", FRAMEWORK, tree(), highlight=1),
        render_fishbone("Fall in the lounge", FRAMEWORK, tree(), layout="compact"),
        render_fishbone("Fall in the lounge", FRAMEWORK, tree(text="Handover not given")),
        render_fishbone("Fall in the lounge", FRAMEWORK, tree(category="communication")),
        render_fishbone("Fall in the lounge", FRAMEWORK, tree(status="supported")),
        render_fishbone("Fall in the lounge", FRAMEWORK, tree(conclusion="root")),
        render_fishbone("Fall in the lounge", FRAMEWORK, tree(evidence=[link, link])),
        render_fishbone("Fall in the lounge", FRAMEWORK, tree(children=[])),
    ]
    assert len({first, *changed}) == len(changed) + 1
