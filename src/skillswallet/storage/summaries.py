"""The summary index: every record's summary (its ``meta``) packed into sealed pages of
:data:`PAGE_ENTRIES`, so that listing, searching and the skills profile of a large vault
decrypt and parse a few hundred pages instead of one row per record.

The records table stays the authority; the index is a copy kept in step with it inside
the same write transactions. A sealed *state* row names the manifest the pages match
(record count and accumulator) and every page's authentication tag, so a page that was
removed, replaced or rolled back outside skillswallet, or an index that an older
skillswallet did not update, is noticed before it is read: readers then fall back to the
records themselves (slower, same answer) and the next write rebuilds the index.

Each page holds records of one kind (so the few keys beside 100,000 credentials are one
page away) and has two parts, each a JSON array packed (:mod:`.packing`) and sealed with
associated data binding the vault id, page number and part: the *summaries*, entries
``[id, kind, version, seq, meta]`` in ``seq`` order (``meta`` without its ``facts``; null
for a record whose own summary cannot be decrypted), and in the same order the *facts*,
``[id, kind, seq, facts]``: a meta's ``facts`` value, kept apart so that a reader that
needs only those (the skills profile) parses a fraction of the bytes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ..gcpause import collector_paused
from .crypto import TAG_BYTES, open_sealed, seal
from .packing import pack, unpack

#: Entries a page holds: large enough that per-page costs vanish, small enough that
#: rewriting the last page on every import batch stays under a few milliseconds.
PAGE_ENTRIES = 256

SCHEMA = """
CREATE TABLE IF NOT EXISTS summary_pages (
    page INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    first_seq INTEGER NOT NULL,
    sealed BLOB NOT NULL,
    facts BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS summary_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    sealed BLOB NOT NULL
);
"""

_PAGE_NUMBER = 8
_PAGE_TAGS = 2 * TAG_BYTES  # the summaries' tag, then the facts'

#: The meta key whose value is indexed apart (see the module's docstring).
FACTS = "facts"


@dataclass(frozen=True)
class IndexState:
    """What the pages were written for: the manifest then, and each page's tags."""

    count: int
    acc: bytes
    tags: dict[int, bytes]

    def encode(self) -> bytes:
        parts = [self.count.to_bytes(8, "big"), self.acc]
        for page, tag in sorted(self.tags.items()):
            parts += [page.to_bytes(_PAGE_NUMBER, "big"), tag]
        return b"".join(parts)

    @classmethod
    def decode(cls, plain: bytes) -> IndexState | None:
        head, rest = plain[:40], plain[40:]
        step = _PAGE_NUMBER + _PAGE_TAGS
        if len(head) != 40 or len(rest) % step:
            return None
        tags = {
            int.from_bytes(rest[i : i + _PAGE_NUMBER], "big"): rest[i + _PAGE_NUMBER : i + step]
            for i in range(0, len(rest), step)
        }
        return cls(int.from_bytes(head[:8], "big"), head[8:], tags)


@dataclass(frozen=True)
class Entry:
    """One record's entry, as JSON texts for the two parts of a page."""

    kind: str
    seq: int
    summary: str
    facts: str


def split_meta(meta: Any) -> tuple[str, str]:
    """A meta's JSON text without its ``facts``, and the facts' JSON text ("null")."""
    if isinstance(meta, dict) and FACTS in meta:
        rest = {k: v for k, v in meta.items() if k != FACTS}
        return _dump(rest), _dump(meta[FACTS])
    return _dump(meta), "null"


def join_meta(summary: str, facts: str) -> str:
    """The JSON text of the whole meta that :func:`split_meta` split."""
    if facts == "null":
        return summary
    middle = "" if summary == "{}" else ","
    return f"{summary[:-1]}{middle}{json.dumps(FACTS)}:{facts}}}"


def make_entry(
    record_id: str, kind: str, version: int, seq: int, summary: str, facts: str
) -> Entry:
    """A record's entry from its meta's parts (:func:`split_meta`; "null": damaged)."""
    rid, rkind = json.dumps(record_id), json.dumps(kind)
    return Entry(
        kind, seq, f"[{rid},{rkind},{version},{seq},{summary}]", f"[{rid},{rkind},{seq},{facts}]"
    )


#: Which part of a page to read.
SUMMARIES, FACTS_PART = "summaries", "facts"


class SummaryIndex:
    """The pages of one open vault. Methods that write run inside the store's transaction."""

    def __init__(self, conn: sqlite3.Connection, data_key: bytes, vault_id: bytes):
        self._conn = conn
        self._key = data_key
        self._vault_id = vault_id

    def _aad(self, page: int, kind: str, part: str) -> bytes:
        return b"\x00".join(
            [b"skw-summary-page", self._vault_id, str(page).encode(), kind.encode(), part.encode()]
        )

    def _state_aad(self) -> bytes:
        return b"skw-summary-state\x00" + self._vault_id

    def has_tables(self) -> bool:
        row = self._conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'summary_state'"
        ).fetchone()
        return bool(row[0])

    def create_tables(self) -> None:
        for statement in SCHEMA.split(";"):
            if statement.strip():
                self._conn.execute(statement)

    def current_state(self, manifest: tuple[int, bytes]) -> IndexState | None:
        """The state, if the index matches ``manifest`` (the records'); else None."""
        if not self.has_tables():
            return None
        row = self._conn.execute("SELECT sealed FROM summary_state WHERE id = 1").fetchone()
        if row is None or not isinstance(row[0], bytes):
            return None
        plain = open_sealed(self._key, row[0], self._state_aad())
        state = IndexState.decode(plain) if plain is not None else None
        if state is None or (state.count, state.acc) != manifest:
            return None
        return state

    # -- reading ------------------------------------------------------------------------

    def read(
        self, manifest: tuple[int, bytes], kind: str, part: str
    ) -> Iterator[list[list[Any]]] | None:
        """Inside one read transaction: the entries of one part of every page of a kind,
        in order, parsed one page at a time as they are consumed (memory holds one parsed
        page). None when the index does not match ``manifest``, or a page is not the one
        the state names or does not decrypt: every page is authenticated before the first
        entry is given, so a reader falls back whole, never half-way."""
        state = self.current_state(manifest)
        if state is None:
            return None
        tags = self._conn.execute(
            "SELECT page, CAST(substr(sealed, -16) AS BLOB), CAST(substr(facts, -16) AS BLOB) "
            "FROM summary_pages"
        ).fetchall()
        if {page: bytes(a) + bytes(b) for page, a, b in tags} != state.tags:
            return None
        column = "sealed" if part == SUMMARIES else "facts"
        rows = self._conn.execute(
            f"SELECT page, CAST({column} AS BLOB) FROM summary_pages WHERE kind = ? ORDER BY page",
            (kind,),
        ).fetchall()
        plains = []
        for page, sealed in rows:
            plain = open_sealed(self._key, sealed, self._aad(page, kind, part))
            if plain is None:  # (a page changed under its old tag, or moved to another kind)
                return None
            plains.append(plain)

        def parsed() -> Iterator[list[list[Any]]]:
            for plain in plains:
                entries = _entries(plain)
                if entries is None:  # authenticated, so only a bug of ours gets here
                    raise ValueError("a summary page does not parse")
                yield entries

        return parsed()

    # -- writing (inside the store's transaction) ---------------------------------------

    def _write_page(self, page: int, entries: Sequence[Entry], state: IndexState) -> None:
        kind = entries[0].kind
        summaries, facts = (
            seal(
                self._key,
                pack(("[" + ",".join(texts) + "]").encode("utf-8")),
                self._aad(page, kind, part),
            )
            for part, texts in (
                (SUMMARIES, [e.summary for e in entries]),
                (FACTS_PART, [e.facts for e in entries]),
            )
        )
        self._conn.execute(
            "INSERT OR REPLACE INTO summary_pages VALUES (?, ?, ?, ?, ?)",
            (page, kind, entries[0].seq, summaries, facts),
        )
        state.tags[page] = summaries[-TAG_BYTES:] + facts[-TAG_BYTES:]

    def _load_page(self, page: int, kind: str, state: IndexState) -> list[Entry] | None:
        row = self._conn.execute(
            "SELECT CAST(sealed AS BLOB), CAST(facts AS BLOB) FROM summary_pages "
            "WHERE page = ? AND kind = ?",
            (page, kind),
        ).fetchone()
        if row is None or not all(isinstance(x, bytes) for x in row):
            return None
        summaries, facts = row
        if state.tags.get(page) != summaries[-TAG_BYTES:] + facts[-TAG_BYTES:]:
            return None
        parts = []
        for part, sealed in ((SUMMARIES, summaries), (FACTS_PART, facts)):
            plain = open_sealed(self._key, sealed, self._aad(page, kind, part))
            parts.append(None if plain is None else _entries(plain))
        if parts[0] is None or parts[1] is None or len(parts[0]) != len(parts[1]):
            return None
        return [
            Entry(kind, int(summary[3]), _dump(summary), _dump(fact))
            for summary, fact in zip(parts[0], parts[1], strict=True)
        ]

    def append(self, state: IndexState, entries: Sequence[Entry]) -> bool:
        """Add the entries of new records, in seq order, after every indexed record of
        their kind. False when the index turns out unusable (the caller rebuilds it)."""
        by_kind: dict[str, list[Entry]] = {}
        for entry in entries:
            by_kind.setdefault(entry.kind, []).append(entry)
        for kind, pending in by_kind.items():
            (last,) = self._conn.execute(
                "SELECT max(page) FROM summary_pages WHERE kind = ?", (kind,)
            ).fetchone()
            if last is not None:
                current = self._load_page(last, kind, state)
                if current is None:
                    return False
                room = PAGE_ENTRIES - len(current)
                if room > 0:
                    self._write_page(last, current + pending[:room], state)
                    pending = pending[room:]
            for start in range(0, len(pending), PAGE_ENTRIES):
                self._write_page(
                    max(state.tags, default=0) + 1, pending[start : start + PAGE_ENTRIES], state
                )
        return True

    def change(self, state: IndexState, kind: str, seq: int, entry: Entry | None) -> bool:
        """Replace (``entry``) or remove (None) the entry of the record of ``kind`` at
        ``seq``. False when the index turns out unusable (the caller rebuilds it)."""
        row = self._conn.execute(
            "SELECT page FROM summary_pages WHERE kind = ? AND first_seq <= ? "
            "ORDER BY first_seq DESC LIMIT 1",
            (kind, seq),
        ).fetchone()
        if row is None:
            return False
        page = int(row[0])
        current = self._load_page(page, kind, state)
        if current is None or seq not in {e.seq for e in current}:
            return False
        if entry is None:
            kept = [e for e in current if e.seq != seq]
        else:
            kept = [entry if e.seq == seq else e for e in current]
        if kept:
            self._write_page(page, kept, state)
        else:
            self._conn.execute("DELETE FROM summary_pages WHERE page = ?", (page,))
            del state.tags[page]
        return True

    def rebuild(self, entries: Iterator[Entry]) -> IndexState:
        """Drop every page and write them anew from entries in seq order."""
        if not self.has_tables():
            self.create_tables()
        self._conn.execute("DELETE FROM summary_pages")
        state = IndexState(0, bytes(32), {})
        chunks: dict[str, list[Entry]] = {}
        for entry in entries:
            chunk = chunks.setdefault(entry.kind, [])
            chunk.append(entry)
            if len(chunk) == PAGE_ENTRIES:
                self._write_page(len(state.tags) + 1, chunk, state)
                chunks[entry.kind] = []
        for chunk in chunks.values():
            if chunk:
                self._write_page(len(state.tags) + 1, chunk, state)
        return state

    def commit(self, state: IndexState, manifest: tuple[int, bytes]) -> None:
        """Record that the pages now match ``manifest`` (the one being committed)."""
        state = IndexState(manifest[0], manifest[1], state.tags)
        self._conn.execute(
            "INSERT OR REPLACE INTO summary_state VALUES (1, ?)",
            (seal(self._key, state.encode(), self._state_aad()),),
        )


def _entries(plain: bytes) -> list[list[Any]] | None:
    try:
        with collector_paused():
            entries = json.loads(unpack(plain))
    except ValueError:
        return None
    return entries if isinstance(entries, list) else None


def _dump(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
