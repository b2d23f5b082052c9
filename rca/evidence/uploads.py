"""Uploaded files, kept by content: ``<instance>/uploads/<sha256>``.

A background job reads the file from here after the request that received it has ended. Files
are named by their SHA-256, so the same export uploaded twice is stored once and a name from a
form can never point outside the folder.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from flask import Flask

from rca.evidence.sheet_size import SheetLimits

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class UploadMissing(Exception):
    """The stored upload is gone (deleted, or stored on another machine's disk)."""


def upload_dir(app: Flask) -> Path:
    folder = app.config.get("EVIDENCE_UPLOAD_DIR") or Path(app.instance_path) / "uploads"
    return Path(folder)


def max_upload_bytes(app: Flask) -> int:
    """The largest evidence file accepted (``EVIDENCE_MAX_BYTES``, default 50 MB)."""
    return int(app.config.get("EVIDENCE_MAX_BYTES", 50 * 1024 * 1024))


def max_upload_mb(app: Flask) -> int:
    """The same in whole megabytes, as the upload form says it."""
    return max_upload_bytes(app) // (1024 * 1024)


def sheet_limits(app: Flask) -> SheetLimits:
    """The largest workbook sheet read: ``EVIDENCE_MAX_SHEET_CELLS`` (rows x columns of its used
    range, default 10,000,000) and ``EVIDENCE_MAX_SHEET_COLUMNS`` (default 1,000)."""
    default = SheetLimits()
    return SheetLimits(
        cells=int(app.config.get("EVIDENCE_MAX_SHEET_CELLS", default.cells)),
        columns=int(app.config.get("EVIDENCE_MAX_SHEET_COLUMNS", default.columns)),
    )


def store_upload(folder: Path, data: bytes) -> str:
    """Write the bytes once, atomically, and return their SHA-256 (the stored name)."""
    digest = hashlib.sha256(data).hexdigest()
    path = folder / digest
    if path.exists():
        return digest
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def read_upload(folder: Path, sha256: str) -> bytes:
    if not _SHA256.match(sha256 or ""):
        raise UploadMissing("The stored upload's name is not a SHA-256.")
    path = folder / sha256
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise UploadMissing(
            "The uploaded file is no longer stored on this server; upload it again."
        ) from None
