"""The rows of a batch: a CSV file read as UTF-8 (a leading byte-order mark is not part of
the first header), one record a row, quoted fields may hold newlines, blank lines are
skipped. Each row knows the line it starts on, for errors people can find."""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import BatchInputError

#: The largest field a CSV cell may hold (csv's own default limit is 128 KiB).
MAX_FIELD = 1024 * 1024


@dataclass(frozen=True)
class Row:
    """One data row: its number (1 for the first row after the header), the CSV line it
    starts on, and its cells by column. ``problem`` says what is wrong with its shape
    (fields missing or too many), naming the column; the cells are then incomplete."""

    number: int
    line: int
    cells: dict[str, str]
    problem: tuple[str | None, str] | None = None

    @property
    def hash(self) -> str:
        """SHA-256 of the row's cells: a re-run tells a row it issued from a changed one."""
        data = json.dumps(self.cells, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


class CsvRows:
    """The rows of a CSV file, read again each time they are iterated (a batch reads
    them twice: to check every row, then to sign; never all in memory)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.header = self._read_header()

    def _open(self) -> Generator[tuple[int, list[str]], None, None]:
        """(starting line, fields) of each non-blank record, the header first."""
        try:
            fh = open(self.path, encoding="utf-8-sig", newline="")  # noqa: SIM115
        except OSError as exc:
            raise BatchInputError(f"cannot read {self.path}: {exc.strerror}") from None
        limit = csv.field_size_limit()
        csv.field_size_limit(MAX_FIELD)
        with fh:
            reader = csv.reader(fh, strict=True)
            line = 1
            try:
                for fields in reader:
                    start, line = line, reader.line_num + 1
                    if fields and any(f.strip() for f in fields):
                        yield start, fields
            except csv.Error as exc:
                raise BatchInputError(f"{self.path} line {line}: not valid CSV ({exc})") from None
            except UnicodeDecodeError:
                raise BatchInputError(
                    f"{self.path} near line {line}: not UTF-8 text; save the file as UTF-8"
                ) from None
            finally:
                csv.field_size_limit(limit)

    def _read_header(self) -> list[str]:
        records = self._open()
        try:
            first = next(records, None)
        finally:
            records.close()
        if first is None:
            raise BatchInputError(f"{self.path} is empty: it needs a header line naming columns")
        header = [name.strip() for name in first[1]]
        seen: set[str] = set()
        for position, name in enumerate(header, 1):
            if not name:
                raise BatchInputError(f"{self.path} line 1: column {position} has no name")
            if name in seen:
                raise BatchInputError(f"{self.path} line 1: two columns are named {name!r}")
            seen.add(name)
        return header

    def __iter__(self) -> Iterator[Row]:
        header = self.header
        records = self._open()
        next(records, None)  # the header
        for number, (line, fields) in enumerate(records, 1):
            problem: tuple[str | None, str] | None = None
            if len(fields) < len(header):
                missing = header[len(fields)]
                problem = (
                    missing,
                    f"the row has {len(fields)} of the {len(header)} columns: "
                    f"{missing!r} and after it are missing",
                )
            elif len(fields) > len(header):
                problem = (
                    None,
                    f"the row has {len(fields)} fields, the header names {len(header)} columns",
                )
            yield Row(number, line, dict(zip(header, fields, strict=False)), problem)
