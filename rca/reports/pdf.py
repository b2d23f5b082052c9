"""From report data to PDF bytes with WeasyPrint, the content-keyed draft cache and page images.

- ``content_key``: SHA-256 of the gathered data (already pseudonymised, so the mode is in it) and
  the template version (a hash of the template and both stylesheets, so editing the layout
  invalidates every cached draft by itself).
- ``render_pdf``: the HTML from ``reports/report.html``, the print CSS as a string, fonts from
  fontconfig (DejaVu/Liberation); no network: the URL fetcher answers only ``data:`` URLs.
- The cache lives under ``instance/reports/cache/<review id>/<key>.pdf``, with the page images
  (``pdftoppm``) beside it in ``<key>/page-N.png``. Written atomically (temp file + rename) so a
  reader never sees half a file. Issued versions are never here: their bytes are in the database.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from flask import Flask, render_template
from markupsafe import Markup
from weasyprint import CSS, HTML, URLFetcher
from weasyprint.text.fonts import FontConfiguration

TEMPLATE_DIR = Path(__file__).parent / "templates" / "reports"
#: The screen's stylesheet: its timeline marks (literal colours) are the PDF diagrams' too.
APP_CSS = Path(__file__).parent.parent / "static" / "css" / "app.css"
_MARKS = re.compile(
    r"^/\* timeline marks: .*?\*/\n(.*?)^/\* end of timeline marks \*/\n", re.M | re.S
)
_MARKS_HERE = re.compile(r"^/\* timeline marks: .*\*/\n", re.M)
#: Bump for a change in how data becomes a PDF that the template files do not show.
LAYOUT_VERSION = "1"
PAGE_DPI = 60


@cache
def _file(name: str) -> str:
    return (TEMPLATE_DIR / name).read_text(encoding="utf-8")


@cache
def svg_css() -> str:
    """The diagrams' print styles: svg.css with the screen's timeline marks (from app.css) where it
    names them, so both are written once. A data: image fetches nothing: the rules go in."""
    marks = _MARKS.search(APP_CSS.read_text(encoding="utf-8"))
    assert marks is not None, "app.css must mark its timeline marks"
    css, found = _MARKS_HERE.subn(lambda _: marks.group(1), _file("svg.css"))
    assert found == 1, "svg.css must name the place of the timeline marks once"
    return css


@cache
def template_version() -> str:
    digest = hashlib.sha256(LAYOUT_VERSION.encode())
    for text in (_file("report.html"), _file("print.css"), svg_css()):
        digest.update(text.encode())
    return digest.hexdigest()[:16]


def content_key(data: dict[str, Any]) -> str:
    body = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{template_version()}\n{body}".encode()).hexdigest()


def svg_data_uri(svg: str) -> Markup:
    """An SVG from a pure diagram function as a data: image, with the print styles inside it."""
    styled = re.sub(
        r"(<svg\b[^>]*>)",
        lambda m: m.group(1) + "<style><![CDATA[" + svg_css() + "]]></style>",
        svg,
        count=1,
    )
    encoded = base64.b64encode(styled.encode()).decode()
    return Markup(f"data:image/svg+xml;base64,{encoded}")  # noqa: S704 (base64 text only)


def working_days(n: int) -> str:
    """A count with its unit, as the report writes it: "1 working day", "6 working days"."""
    return f"{n} working day" if n == 1 else f"{n} working days"


_WATERMARK = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 420">'
    '<text x="300" y="250" text-anchor="middle" transform="rotate(-30 300 210)"'
    ' font-family="DejaVu Sans" font-weight="bold" font-size="150" letter-spacing="14"'
    ' fill="#b3261e" fill-opacity="0.07">DRAFT</text></svg>'
)
WATERMARK_URI = "data:image/svg+xml;base64," + base64.b64encode(_WATERMARK.encode()).decode()


def render_html(data: dict[str, Any]) -> str:
    """The report's HTML (inside an app context: Flask's template loader)."""
    return render_template("reports/report.html", r=data, watermark_uri=WATERMARK_URI)


#: Only the data: URLs the template itself writes; nothing from the network or the disk.
_FETCHER = URLFetcher(allowed_protocols={"data"})
_FONTS = FontConfiguration()


def html_to_pdf(html: str) -> bytes:
    """Bare WeasyPrint on the report's HTML and print CSS (the benchmark's baseline too)."""
    css = CSS(string=_file("print.css"), font_config=_FONTS)
    document = HTML(string=html, url_fetcher=_FETCHER, base_url="data:,")
    pdf = document.write_pdf(stylesheets=[css], font_config=_FONTS)
    assert pdf is not None
    return pdf


def render_pdf(data: dict[str, Any]) -> bytes:
    return html_to_pdf(render_html(data))


# --- the draft cache -------------------------------------------------------------------------
def cache_root(app: Flask) -> Path:
    configured = app.config.get("REPORTS_CACHE_DIR")
    return Path(configured) if configured else Path(app.instance_path) / "reports" / "cache"


def _safe_key(key: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{64}", key):
        raise ValueError("not a report key")
    return key


def cached_path(app: Flask, review_id: int, key: str) -> Path:
    return cache_root(app) / str(int(review_id)) / f"{_safe_key(key)}.pdf"


def cached_pdf(app: Flask, review_id: int, key: str) -> bytes | None:
    path = cached_path(app, review_id, key)
    return path.read_bytes() if path.is_file() else None


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".part")
    with os.fdopen(fd, "wb") as out:
        out.write(data)
    os.replace(tmp, path)


def store_pdf(app: Flask, review_id: int, key: str, pdf: bytes) -> Path:
    path = cached_path(app, review_id, key)
    _write_atomic(path, pdf)
    _prune(path.parent, keep=path.stem)
    return path


def _prune(folder: Path, keep: str, limit: int = 6) -> None:
    """Keep the review's few newest drafts: old keys are never asked for again."""
    drafts = sorted(folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in drafts[limit:]:
        if old.stem != keep:
            old.unlink(missing_ok=True)
            shutil.rmtree(folder / old.stem, ignore_errors=True)


def page_dir(app: Flask, review_id: int, key: str) -> Path:
    return cache_root(app) / str(int(review_id)) / _safe_key(key)


def page_images(app: Flask, review_id: int, key: str) -> list[Path]:
    folder = page_dir(app, review_id, key)
    if not (folder / "done").is_file():
        return []
    return sorted(folder.glob("page-*.png"), key=lambda p: int(p.stem.split("-")[1]))


def draw_pages(app: Flask, review_id: int, key: str, pdf: bytes) -> list[Path]:
    """Page images of a draft for the report pane (pdftoppm from poppler-utils)."""
    folder = page_dir(app, review_id, key)
    folder.mkdir(parents=True, exist_ok=True)
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        (folder / "done").write_text("no pdftoppm")
        return []
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        source = Path(tmp) / "draft.pdf"
        source.write_bytes(pdf)
        subprocess.run(  # noqa: S603 (fixed program, our own file)
            [pdftoppm, "-r", str(PAGE_DPI), "-png", str(source), str(Path(tmp) / "page")],
            check=True,
            capture_output=True,
            timeout=120,
        )
        for image in Path(tmp).glob("page-*.png"):
            number = int(image.stem.split("-")[1])
            os.replace(image, folder / f"page-{number}.png")
    (folder / "done").write_text("ok")
    return page_images(app, review_id, key)
