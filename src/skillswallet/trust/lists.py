"""A trusted-issuer list: which issuers a verifier (or the holder) accepts as accredited
for which kinds of claim, and when. One small JSON format, documented in
``schemas/trust-list.schema.json``::

    {
      "name": "Dutch vocational schools (example)",
      "validUntil": "2027-01-01T00:00:00Z",
      "entries": [
        {"issuer": "did:web:roc.example", "name": "ROC Example",
         "scopes": ["skill", "diploma"], "types": ["OpenBadgeCredential"],
         "eqfLevels": [2, 3, 4], "validFrom": "2024-01-01T00:00:00Z"}
      ]
    }

A scope is a kind of claim (``skill``, ``diploma``, ``badge``, ``endorsement``), a
framework URI prefix the issuer may accredit skills of (``http://data.europa.eu/esco/skill/``),
or ``*`` for any. An entry may also narrow what it covers: ``types`` (the credential must
have one of these types), ``eqfLevels`` (every EQF level it states must be one of these),
and ``validFrom``/``validUntil`` (the accreditation's period: claims made within it). A
list with ``validUntil`` is not to be relied on after that date. Pure: parse once, ask
many times.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from .. import safefile
from ..credentials.dates import format_datetime, parse_datetime
from ..errors import TrustListError
from ..jsonio import read_file

#: The kinds of claim a scope may name.
CLAIM_KINDS = frozenset({"skill", "diploma", "badge", "endorsement", "*"})


@dataclass(frozen=True)
class TrustEntry:
    """One trusted issuer and what it is trusted for."""

    issuer: str
    scopes: tuple[str, ...]
    name: str | None = None
    valid_from: datetime | None = None
    valid_until: datetime | None = None
    types: tuple[str, ...] = ()
    eqf_levels: tuple[int, ...] = ()

    def covers(self, kind: str, subject: str | None = None, at: datetime | None = None) -> bool:
        """Whether this entry trusts its issuer for a claim of ``kind`` (about ``subject``,
        e.g. a skill URI) made at ``at``."""
        if at is not None:
            if self.valid_from is not None and at < self.valid_from:
                return False
            if self.valid_until is not None and at > self.valid_until:
                return False
        for scope in self.scopes:
            if scope in ("*", kind):
                return True
            if subject is not None and ":" in scope and subject.startswith(scope):
                return True
        return False

    def to_json(self) -> dict[str, Any]:
        """As JSON, as it is written in a trust list file."""
        out: dict[str, Any] = {"issuer": self.issuer}
        if self.name is not None:
            out["name"] = self.name
        out["scopes"] = list(self.scopes)
        if self.types:
            out["types"] = list(self.types)
        if self.eqf_levels:
            out["eqfLevels"] = list(self.eqf_levels)
        for key, value in (("validFrom", self.valid_from), ("validUntil", self.valid_until)):
            if value is not None:
                out[key] = format_datetime(value)
        return out


@dataclass(frozen=True)
class TrustList:
    """Trusted issuers, by DID."""

    name: str
    entries: tuple[TrustEntry, ...] = ()
    #: After this, the list is not to be relied on (its maintainer stopped vouching).
    valid_until: datetime | None = None

    def to_json(self) -> dict[str, Any]:
        """The trust list as JSON (the file format)."""
        out: dict[str, Any] = {"name": self.name}
        if self.valid_until is not None:
            out["validUntil"] = format_datetime(self.valid_until)
        out["entries"] = [entry.to_json() for entry in self.entries]
        return out

    def with_entry(self, entry: TrustEntry) -> TrustList:
        """This list with ``entry`` added (replacing the issuer's entry, if any)."""
        kept = tuple(e for e in self.entries if e.issuer != entry.issuer)
        return replace(self, entries=(*kept, entry))

    def without(self, issuer: str) -> TrustList:
        """This list without the issuer's entry; :class:`TrustListError` if it has none."""
        kept = tuple(e for e in self.entries if e.issuer != issuer)
        if len(kept) == len(self.entries):
            raise TrustListError(f"{issuer} is not in the trust list {self.name!r}")
        return replace(self, entries=kept)

    def trusts(
        self, issuer: str | None, kind: str, subject: str | None = None, at: datetime | None = None
    ) -> TrustEntry | None:
        """The entry that trusts ``issuer`` for this claim, or None."""
        if issuer is None:
            return None
        for entry in self.entries:
            if entry.issuer == issuer and entry.covers(kind, subject, at):
                return entry
        return None

    @classmethod
    def from_json(cls, data: Any, source: str = "the trust list") -> TrustList:
        """Parse the documented format; :class:`TrustListError` names what is wrong where."""
        if not isinstance(data, dict):
            raise TrustListError(f"{source}: expected a JSON object")
        name = data.get("name", "")
        if not isinstance(name, str):
            raise TrustListError(f"{source}: name must be a string")
        entries = data.get("entries")
        if not isinstance(entries, list):
            raise TrustListError(f"{source}: entries must be a list")
        return cls(
            name,
            tuple(_entry(e, f"{source}: entries[{i}]") for i, e in enumerate(entries)),
            _when(data, "validUntil", source),
        )


def _entry(data: Any, where: str) -> TrustEntry:
    if not isinstance(data, dict):
        raise TrustListError(f"{where}: expected an object")
    issuer = data.get("issuer")
    if not isinstance(issuer, str) or ":" not in issuer:
        raise TrustListError(f"{where}.issuer: expected a DID or URL, found {issuer!r}")
    scopes = data.get("scopes")
    if not isinstance(scopes, list) or not scopes or not all(isinstance(s, str) for s in scopes):
        raise TrustListError(f"{where}.scopes: expected a non-empty list of strings")
    for scope in scopes:
        if scope not in CLAIM_KINDS and ":" not in scope:
            raise TrustListError(
                f"{where}.scopes: {scope!r} is neither a kind of claim "
                f"({', '.join(sorted(CLAIM_KINDS))}) nor a framework URI prefix"
            )
    name = data.get("name")
    if name is not None and not isinstance(name, str):
        raise TrustListError(f"{where}.name: expected a string")
    types = data.get("types", [])
    if not isinstance(types, list) or not all(isinstance(t, str) and t for t in types):
        raise TrustListError(f"{where}.types: expected a list of credential types")
    levels = data.get("eqfLevels", [])
    if not isinstance(levels, list) or not all(type(n) is int and 1 <= n <= 8 for n in levels):
        raise TrustListError(f"{where}.eqfLevels: expected a list of EQF levels (1 to 8)")
    return TrustEntry(
        issuer,
        tuple(scopes),
        name,
        _when(data, "validFrom", where),
        _when(data, "validUntil", where),
        tuple(types),
        tuple(levels),
    )


def _when(data: dict[str, Any], key: str, where: str) -> datetime | None:
    if key not in data:
        return None
    found = parse_datetime(data[key])
    if found is None:
        raise TrustListError(f"{where}.{key}: expected a date-time with a time zone")
    return found


def load_trust_list(path: Path | str) -> TrustList:
    """Read a trust list file (UTF-8 JSON)."""
    path = Path(path)
    data = read_file(path, what="the trust list", error=TrustListError)
    return TrustList.from_json(data, str(path))


def combined(lists: Sequence[TrustList]) -> TrustList:
    """One list holding the entries of several (for readers that take one)."""
    if len(lists) == 1:
        return lists[0]
    return TrustList(" + ".join(t.name for t in lists), tuple(e for t in lists for e in t.entries))


def save_trust_list(trust_list: TrustList, path: Path | str, *, new: bool = False) -> None:
    """Write the list as JSON (atomically; ``new``: refuse to replace an existing file).
    The file is not secret: mode 0644, so that it can be published."""
    data = (json.dumps(trust_list.to_json(), indent=2, ensure_ascii=False) + "\n").encode()
    write = safefile.write_new if new else safefile.replace
    write(Path(path), data, mode=0o644, error=TrustListError)
