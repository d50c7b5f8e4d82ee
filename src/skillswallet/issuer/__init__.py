"""Issuing many credentials at once: a template filled from the rows of a CSV file
(:mod:`.template`), every row checked before any is signed, signed on every core, written
one file a row with a manifest that lets an interrupted batch resume (:mod:`.batch`)."""

from .batch import (
    Batch,
    BatchInterrupted,
    BatchReport,
    ListRows,
    RowError,
    RowSource,
    file_name,
    issue_batch,
)
from .manifest import MANIFEST, Issued, Manifest
from .rows import CsvRows, Row
from .template import Template

__all__ = [
    "MANIFEST",
    "Batch",
    "BatchInterrupted",
    "BatchReport",
    "CsvRows",
    "Issued",
    "ListRows",
    "Manifest",
    "Row",
    "RowError",
    "RowSource",
    "Template",
    "file_name",
    "issue_batch",
]
