"""Realistic exports of care, rota and HR systems, generated: the test corpus, the demo
provider's evidence files and the benchmarks' large files. Deterministic for a seed; every name
is fictional.

- :func:`corpus` / :func:`corpus_export`: one file per source system, with bad rows and repeats;
- :func:`demo_exports`: each demo review's evidence files, by review reference;
- :func:`big_care_notes_csv` / :func:`big_care_notes_xlsx`: large files streamed to disk.

Every :class:`Export` carries the rows it wrote and the row numbers of its bad and repeated rows.
"""

from rca.demo.exports.catalogue import demo_exports, review_references
from rca.demo.exports.corpus import (
    ALL_FAULTS,
    big_care_notes,
    big_care_notes_csv,
    big_care_notes_xlsx,
    corpus,
    corpus_export,
)
from rca.demo.exports.systems import BY_NAME, SYSTEMS, file_name, systems_for
from rca.demo.exports.writing import Export, System

__all__ = [
    "ALL_FAULTS",
    "BY_NAME",
    "SYSTEMS",
    "Export",
    "System",
    "big_care_notes",
    "big_care_notes_csv",
    "big_care_notes_xlsx",
    "corpus",
    "corpus_export",
    "demo_exports",
    "file_name",
    "review_references",
    "systems_for",
]
