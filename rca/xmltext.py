"""Text that XML can carry: the characters XML 1.0 forbids, found (to refuse typed text naming the
character), dropped (from imported cells, and from everything an SVG writer draws), escaped.

XML 1.0 allows tab, line feed and carriage return among the C0 controls, and nothing else below
U+0020; nor U+FFFE, U+FFFF or a surrogate on its own. One of them in a cause or a note made the
fishbone SVG invalid XML, so the browser drew nothing (and PostgreSQL refuses NUL in text).
"""

from __future__ import annotations

import re
from typing import Any

from markupsafe import Markup
from markupsafe import escape as _markup_escape

ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

_NAMES = {
    0x00: "NUL",
    0x07: "bell",
    0x08: "backspace",
    0x0B: "vertical tab",
    0x0C: "form feed",
    0x1B: "escape",
}


def first_illegal(text: str) -> str | None:
    """The first character of ``text`` XML cannot carry, or None."""
    if text.isprintable():  # the common case, without the regex (printable excludes them all)
        return None
    found = ILLEGAL.search(text)
    return found.group() if found else None


def describe(char: str) -> str:
    """A character as a person can look it up: "U+0000 (NUL)"."""
    code = ord(char)
    name = _NAMES.get(code)
    if name is None and code < 0x20:
        name = "a control character"
    elif name is None:
        name = "a non-character" if code in (0xFFFE, 0xFFFF) else "half of a surrogate pair"
    return f"U+{code:04X} ({name})"


def drop_illegal(text: str) -> str:
    """``text`` without the characters XML cannot carry."""
    return text if text.isprintable() else ILLEGAL.sub("", text)


def escape(value: Any) -> Markup:
    """markupsafe's escape, after dropping what XML cannot carry: for every string an SVG
    writer draws, so text stored before the input checks cannot break the picture."""
    if isinstance(value, Markup):  # already escaped, but perhaps built from stored text
        return Markup(drop_illegal(str(value)))  # noqa: S704
    return _markup_escape(drop_illegal(str(value)))
