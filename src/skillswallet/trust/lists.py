"""A trusted-issuer list: which issuers a verifier (or the holder) accepts as accredited
for which kinds of claim, and when. One small JSON format, documented in
``schemas/trust-list.schema.json``::

    {
      "name": "Dutch vocational schools (example)",
      "entries": [
        {"issuer": "did:web:roc.example", "name": "ROC Example",
         "scopes": ["skill", "diploma"], "validFrom": "2024-01-01T00:00:00Z"}
      ]
    }

A scope is a kind of claim (``skill``, ``diploma``, ``badge``, ``endorsement``), a
framework URI prefix the issuer may accredit skills of (``http://data.europa.eu/esco/skill/``),
or ``*`` for any. Entries may carry ``validFrom``/``validUntil``: an issuer is trusted for
claims made within that window. Pure: parse once, ask many times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ..credentials.dates import parse_datetime
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


@dataclass(frozen=True)
class TrustList:
    """Trusted issuers, by DID."""

    name: str
    entries: tuple[TrustEntry, ...] = ()

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
        return cls(name, tuple(_entry(e, f"{source}: entries[{i}]") for i, e in enumerate(entries)))


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
    return TrustEntry(
        issuer,
        tuple(scopes),
        name,
        _when(data, "validFrom", where),
        _when(data, "validUntil", where),
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
