"""The manifest of a batch: ``manifest.jsonl`` in its output folder, one JSON object a
line, appended and synced to disk as the batch goes, so an interrupted batch (Ctrl-C, a
kill, a power cut) resumes where it was and never issues a row twice.

- the first line, ``{"type": "batch", ...}``: the batch's id, issuer, template (SHA-256),
  cryptosuite and status lists; a re-run with other ones is refused;
- ``{"type": "planned", "rows": [[row, credentialId], ...]}``: rows about to get status
  entries and be signed (written before their status indices are allocated: the
  registry gives a credential id the same index again, so a resumed row keeps its index);
- ``{"type": "issued", "row", "line", "hash", "id", "file", "status": [{"list", "index"}]}``:
  one line a credential whose file is written and synced.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BatchInputError
from ..safefile import _fsync_dir

MANIFEST = "manifest.jsonl"
VERSION = 1
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class Issued:
    """One issued row, as its manifest line says."""

    row: int
    line: int
    hash: str
    id: str
    file: str
    status: tuple[tuple[str, int], ...] = ()

    def to_json(self) -> dict[str, Any]:
        """As the manifest's JSON line."""
        return {
            "type": "issued",
            "row": self.row,
            "line": self.line,
            "hash": self.hash,
            "id": self.id,
            "file": self.file,
            "status": [{"list": url, "index": index} for url, index in self.status],
        }


@dataclass
class Manifest:
    """An open manifest: what earlier runs planned and issued, and the file to add to."""

    path: Path
    header: dict[str, Any]
    fd: int
    issued: dict[int, Issued] = field(default_factory=dict)
    planned: dict[int, str] = field(default_factory=dict)

    @classmethod
    def open(cls, directory: Path, header: dict[str, Any]) -> Manifest:
        """Open (or start) the manifest of ``directory``. ``header`` describes this run
        (without ``batch``); an existing manifest must agree with it."""
        path = directory / MANIFEST
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o644)
        except OSError as exc:
            raise BatchInputError(f"cannot open {path}: {exc.strerror}") from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise BatchInputError(f"{path} is not a regular file")
            manifest = cls._load(path, fd, header)
        except BaseException:
            os.close(fd)
            raise
        return manifest

    @classmethod
    def _load(cls, path: Path, fd: int, header: dict[str, Any]) -> Manifest:
        with os.fdopen(os.dup(fd), "rb") as fh:
            data = fh.read()
        if not data.strip():
            start = {"type": "batch", "version": VERSION, "batch": os.urandom(16).hex(), **header}
            os.ftruncate(fd, 0)
            manifest = cls(path, start, fd)
            manifest._append([start])
            with contextlib.suppress(OSError):
                _fsync_dir(path.parent)
            return manifest
        end = data.rfind(b"\n") + 1
        if end < len(data):  # a line cut short by a crash: it never counted
            os.ftruncate(fd, end)
            data = data[:end]
        lines = data.splitlines()
        try:
            records = [json.loads(line) for line in lines if line.strip()]
        except (ValueError, UnicodeDecodeError):
            raise BatchInputError(
                f"{path} is damaged (a line is not JSON); issue into a new folder"
            ) from None
        head = records[0] if records else None
        if not isinstance(head, dict) or head.get("type") != "batch":
            raise BatchInputError(f"{path} is not a batch manifest")
        first: dict[str, Any] = head
        if first.get("version") != VERSION:
            raise BatchInputError(f"{path} is of a manifest version this release cannot read")
        for key, value in header.items():
            if first.get(key) != value:
                raise BatchInputError(
                    f"{path.parent} holds a batch issued with another {key} ({first.get(key)!r}, "
                    f"now {value!r}); issue into a new folder, or run it as before to resume"
                )
        manifest = cls(path, first, fd)
        for record in records[1:]:
            manifest._take(path, record)
        return manifest

    def _take(self, path: Path, record: Any) -> None:
        try:
            if record["type"] == "planned":
                for row, credential_id in record["rows"]:
                    self.planned[int(row)] = str(credential_id)
            elif record["type"] == "issued":
                status = tuple((str(s["list"]), int(s["index"])) for s in record["status"])
                row = int(record["row"])
                self.issued[row] = Issued(
                    row,
                    int(record["line"]),
                    str(record["hash"]),
                    str(record["id"]),
                    str(record["file"]),
                    status,
                )
        except (KeyError, TypeError, ValueError):
            raise BatchInputError(f"{path} is damaged (a line is not a manifest record)") from None

    @property
    def batch_id(self) -> str:
        """The batch's random id, kept in its manifest (each row's credential id derives from it,
        so a resumed run gives a row the same id)."""
        return str(self.header["batch"])

    def plan(self, rows: Iterable[tuple[int, str]]) -> None:
        """Record, before signing, which rows (number, hash) are about to be issued, so a crash
        cannot issue a row twice."""
        pairs = list(rows)
        if pairs:
            self._append([{"type": "planned", "rows": [list(pair) for pair in pairs]}])
            self.planned.update(pairs)

    def record(self, entries: list[Issued]) -> None:
        """Record issued rows (appended to the manifest and synced to disk)."""
        if entries:
            self._append([entry.to_json() for entry in entries])
            self.issued.update((entry.row, entry) for entry in entries)

    def _append(self, records: list[dict[str, Any]]) -> None:
        data = "".join(
            json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records
        ).encode("utf-8")
        os.lseek(self.fd, 0, os.SEEK_END)
        view = memoryview(data)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]
        os.fsync(self.fd)

    def close(self) -> None:
        """Close the manifest file."""
        with contextlib.suppress(OSError):
            os.close(self.fd)
