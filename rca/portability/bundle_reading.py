"""Opening a review bundle: a ZIP whose every entry must match its SHA-256 manifest before any of
it is read into the app (``rca.portability.manifest``), with limits on names and sizes so a
crafted file can neither escape its folder nor inflate without end."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from typing import IO, Any

from rca.portability import values
from rca.portability.bundle_export import FORMAT, FORMAT_VERSION, MANIFEST, file_name
from rca.portability.manifest import Damaged, compare, hash_stream

_ENTRY = re.compile(
    r"^(manifest\.json|registers\.json|data/[a-z0-9_]{1,63}\.json|files/[0-9a-f]{64})$"
)
#: Largest entry read: a data file of a very large review, or one stored file.
MAX_ENTRY_BYTES = 2 * 1024**3
MAX_MANIFEST_BYTES = 16 * 1024**2
#: All entries together, as the ZIP directory declares them (reading stops at a declared size).
MAX_TOTAL_BYTES = 16 * 1024**3


class BundleRefused(Exception):
    """The bundle was not imported; the message says where and why. Nothing was written."""


class Bundle:
    """An opened bundle whose every entry matched its manifest."""

    def __init__(self, source: IO[bytes] | Path, label: str = "the bundle"):
        self.label = label
        try:
            self.zip = zipfile.ZipFile(source)
            self._check()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError) as exc:
            raise BundleRefused(f"{label} is not a readable ZIP file ({exc}).") from None
        except Damaged as exc:
            raise BundleRefused(f"{exc} Nothing was imported.") from None

    def _check(self) -> None:
        names = [i.filename for i in self.zip.infolist()]
        if MANIFEST not in names:
            raise Damaged(f"{self.label} has no {MANIFEST}: it is not a review bundle.")
        for info in self.zip.infolist():
            if not _ENTRY.match(info.filename):
                raise Damaged(f"{self.label}: {info.filename!r} has no place in a review bundle.")
            if info.file_size > MAX_ENTRY_BYTES:
                raise Damaged(f"{self.label}: {info.filename} is too large to be read.")
        if sum(i.file_size for i in self.zip.infolist()) > MAX_TOTAL_BYTES:
            raise Damaged(f"{self.label} unpacks to more than {MAX_TOTAL_BYTES // 1024**3} GB.")
        if len(set(names)) != len(names):
            raise Damaged(f"{self.label} holds an entry twice.")
        with self.zip.open(MANIFEST) as fh:
            raw = fh.read(MAX_MANIFEST_BYTES + 1)
        try:
            self.manifest = json.loads(raw)
        except ValueError:
            raise Damaged(f"{self.label}: {MANIFEST} is not JSON.") from None
        if not isinstance(self.manifest, dict) or self.manifest.get("format") != FORMAT:
            raise Damaged(f"{self.label}: {MANIFEST} does not describe a review bundle.")
        version = self.manifest.get("format_version")
        if version != FORMAT_VERSION:
            raise Damaged(
                f"{self.label} is in bundle format {version}; this version of the workbench "
                f"reads format {FORMAT_VERSION}."
            )
        listed = self.manifest.get("files")
        if not isinstance(listed, dict):
            raise Damaged(f"{self.label}: {MANIFEST} lists no files.")
        found = {}
        for name in names:
            if name != MANIFEST:
                with self.zip.open(name) as fh:
                    found[name] = hash_stream(fh, MAX_ENTRY_BYTES, name)[0]
        compare(found, listed, self.label)
        for name in found:
            if name.startswith("files/") and found[name] != name[len("files/") :]:
                raise Damaged(f"{self.label}: {name} is not named by its content's SHA-256.")

    def json(self, name: str) -> Any:
        try:
            return json.loads(self.zip.read(name))
        except KeyError:
            return None
        except ValueError:
            raise BundleRefused(f"{self.label}: {name} is not JSON.") from None

    def file(self, digest: str) -> bytes:
        try:
            return self.zip.read(file_name(digest))
        except KeyError:
            raise values.ValueRefused(f"the file {digest} is not in the bundle") from None
