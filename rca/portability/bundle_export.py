"""Write one review, with everything that hangs off it, as a bundle: a ZIP of JSON and files.

Layout (the public format, ``format_version`` 1):

- ``manifest.json``: the format, when and from which schema revision it was exported, the review
  it holds, and ``files``: every other entry's SHA-256;
- ``data/<table>.json``: ``{"table", "columns", "rows"}`` for each carried table (see
  ``rca.portability.tables``), rows in id order, values as ``rca.portability.values`` writes
  them. Ids are this instance's: the importer gives every row a new one. A reference to a row
  the bundle does not carry (a deleted cause in History, a mapping profile) is written empty;
- ``registers.json``: the services, users, staff and people the rows point at, by id, with the
  natural keys the receiving instance matches them by (code, email, name, reference);
- ``files/<sha256>``: the stored uploads the rows name (evidence files, completion evidence)
  and binary values (issued PDFs), each named by its content's SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import MetaData, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from rca.db import db, utcnow
from rca.portability import tables, values
from rca.portability.manifest import CHUNK

FORMAT = "rca-review-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
REGISTERS = "registers.json"
#: Columns that name a stored upload by its SHA-256 (``rca.evidence.uploads``): the file travels.
UPLOAD_COLUMNS = frozenset({"file_sha256"})
#: Every entry gets the same timestamp, so one review's content always zips the same way.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class ExportRefused(Exception):
    """The bundle cannot be written (a stored upload is damaged); the message says which."""


@dataclass
class ExportSummary:
    reference: str
    rows: dict[str, int]
    files: int
    #: Uploads the rows name that this server no longer stores (their rows still travel).
    missing_files: list[str] = field(default_factory=list)


def data_name(table: str) -> str:
    return f"data/{table}.json"


def file_name(digest: str) -> str:
    return f"files/{digest}"


class _Writer:
    """The ZIP being written, with the hash of every entry for the manifest."""

    def __init__(self, out: IO[bytes]):
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        self.hashes: dict[str, str] = {}

    def _info(self, name: str) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, _ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        return info

    def add_json(self, name: str, data: Any) -> None:
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
        self.add_bytes(name, raw)

    def add_bytes(self, name: str, raw: bytes) -> None:
        if name in self.hashes:
            return
        self.hashes[name] = values.sha256(raw)
        self.zip.writestr(self._info(name), raw)

    def add_upload(self, digest: str, path: Path) -> None:
        """A stored upload, streamed; refused if the file no longer matches its name."""
        name = file_name(digest)
        if name in self.hashes:
            return
        hasher = hashlib.sha256()
        with path.open("rb") as src, self.zip.open(self._info(name), "w", force_zip64=True) as dst:
            while chunk := src.read(CHUNK):
                hasher.update(chunk)
                dst.write(chunk)
        if hasher.hexdigest() != digest:
            raise ExportRefused(
                f"The stored upload {digest} is damaged on this server (its content no longer "
                "matches its SHA-256); no bundle was written."
            )
        self.hashes[name] = digest

    def close(self, manifest: dict[str, Any]) -> None:
        manifest["files"] = dict(sorted(self.hashes.items()))
        raw = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
        self.zip.writestr(self._info(MANIFEST), raw)
        self.zip.close()


def export_bundle(
    session: Session,
    review_id: int,
    out: IO[bytes],
    upload_dir: Path,
    metadata: MetaData | None = None,
) -> ExportSummary:
    """Write the review's bundle to ``out``. The caller has checked access (``rca.access``)."""

    plan = tables.plan(metadata or db.metadata)
    conn = session.connection()
    rows = {c.name: _read(conn, plan, c, review_id) for c in plan.tables}
    ids = {name: {r["id"] for r in found} for name, found in rows.items()}
    needed: dict[str, set[int]] = defaultdict(set)
    writer = _Writer(out)
    summary = ExportSummary(rows["review"][0]["reference"], {}, 0)
    uploads: set[str] = set()

    def store(data: bytes) -> str:
        digest = values.sha256(data)
        writer.add_bytes(file_name(digest), data)
        return digest

    for carried in plan.tables:
        columns = [c.name for c in carried.table.columns]
        out_rows = []
        for row in rows[carried.name]:
            row = dict(row)
            for ref in carried.references:
                row[ref.column] = _keep(ref, row[ref.column], ids, needed)
            if carried.name == tables.HISTORY:
                _history_row(plan, row, ids, needed)
            for name in UPLOAD_COLUMNS & row.keys():
                if row[name]:
                    uploads.add(row[name])
            out_rows.append([values.dump(carried.table.c[c], row[c], store) for c in columns])
        summary.rows[carried.name] = len(out_rows)
        writer.add_json(
            data_name(carried.name),
            {"table": carried.name, "columns": columns, "rows": out_rows},
        )
    for digest in sorted(uploads):
        path = upload_dir / digest
        if path.is_file():
            writer.add_upload(digest, path)
        else:
            summary.missing_files.append(digest)
    writer.add_json(REGISTERS, _registers(conn, plan.metadata, needed))
    summary.files = sum(1 for name in writer.hashes if name.startswith("files/"))
    review = rows["review"][0]
    writer.close(
        {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "exported_at": utcnow().isoformat(),
            "schema_revision": _revision(conn),
            "review": {
                "reference": review["reference"],
                "title": review["title"],
                "created_at": review["created_at"].isoformat(),
            },
            "missing_files": summary.missing_files,
        }
    )
    return summary


def _read(conn: Connection, plan: tables.Plan, carried: tables.Carried, review_id: int) -> list:
    table = carried.table
    stmt = select(table).where(table.c.id.in_(plan.row_ids(carried.name, review_id)))
    return list(conn.execute(stmt.order_by(table.c.id)).mappings())


def _keep(
    ref: tables.Reference, value: Any, ids: dict[str, set[int]], needed: dict[str, set[int]]
) -> Any:
    """A reference as the bundle writes it: kept when it can be followed, else empty."""
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    if ref.kind == "register":
        needed[ref.target].add(value)
        return value
    if ref.kind == "carried" and value in ids.get(ref.target, ()):
        return value
    return None


def _history_row(
    plan: tables.Plan, row: dict[str, Any], ids: dict[str, set[int]], needed: dict[str, set[int]]
) -> None:
    """An audit entry's own references: the row it is about and any ids among its values."""
    entity = row["entity"]
    if entity not in ids or row["entity_id"] not in ids[entity]:
        row["entity_id"] = None
    if entity not in plan.names:
        return
    carried = plan.table(entity)
    changes = {}
    for name, pair in (row["changes"] or {}).items():
        ref = carried.reference(name)
        if ref is not None and isinstance(pair, list):
            pair = [_keep(ref, v, ids, needed) for v in pair]
        changes[name] = pair
    row["changes"] = changes


def _registers(conn: Connection, metadata: MetaData, needed: dict[str, set[int]]) -> dict:
    """The register rows the bundle points at; staff and people name their service too."""
    found: dict[str, list[dict[str, Any]]] = {}
    for name in ("staff_member", "person_supported", "user_account", "service"):
        table = metadata.tables[name]
        wanted = sorted(needed.get(name, ()))
        columns = [table.c.id, *(table.c[c] for c in tables.REGISTERS[name])]
        entries = []
        for chunk in range(0, len(wanted), 500):
            part = wanted[chunk : chunk + 500]
            stmt = select(*columns).where(table.c.id.in_(part)).order_by(table.c.id)
            for row in conn.execute(stmt).mappings():
                entry = {k: values.dump(table.c[k], v, _no_bytes) for k, v in row.items()}
                if "service_id" in entry:
                    needed["service"].add(entry["service_id"])
                entries.append(entry)
        found[name] = entries
    return found


def _no_bytes(data: bytes) -> str:
    raise TypeError("registers hold no binary values")


def _revision(conn: Connection) -> str | None:
    return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
