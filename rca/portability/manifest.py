"""SHA-256 manifests: each file of an archive listed with its hash, checked before anything is used.

A manifest shows that an archive is whole and unchanged since it was written: a file edited,
swapped, added or left out is refused, naming the file and both hashes. It is not a signature
(whoever can edit the archive can write a new manifest too), which is why the export prints the
SHA-256 of the whole archive: compare it out of band to know it is the one you were sent.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import IO

CHUNK = 1024 * 1024


class Damaged(Exception):
    """The archive does not match its manifest (or is not one); nothing was read into the app."""


def hash_stream(fh: IO[bytes], limit: int | None = None, name: str = "") -> tuple[str, int]:
    """SHA-256 and size of a stream read to its end; over ``limit`` bytes is refused."""
    digest = hashlib.sha256()
    size = 0
    while chunk := fh.read(CHUNK):
        size += len(chunk)
        if limit is not None and size > limit:
            raise Damaged(f"{name} is larger than the {limit // (1024 * 1024)} MB allowed.")
        digest.update(chunk)
    return digest.hexdigest(), size


def compare(found: Mapping[str, str], listed: Mapping[str, str], what: str) -> None:
    """Refuse unless every listed file is there with its hash and nothing else is."""
    for name in sorted(listed):
        if name not in found:
            raise Damaged(f"{what}: {name} is listed in its manifest but is not in the archive.")
        if found[name] != listed[name]:
            raise Damaged(
                f"{what}: {name} has SHA-256 {found[name]}, but the manifest says "
                f"{listed[name]}: the file was changed after the export."
            )
    extra = sorted(set(found) - set(listed))
    if extra:
        raise Damaged(f"{what}: {extra[0]} is in the archive but not in its manifest.")
