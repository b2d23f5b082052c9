"""People's words shortened for a label, a message, a calendar summary or a History line: the
one way the app cuts text, so every place cuts it alike (spaces collapsed, an ellipsis added)."""

from __future__ import annotations


def excerpt(text: str | None, limit: int) -> str:
    """``text`` on one line, at most ``limit`` characters, ending in "…" when cut."""
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
