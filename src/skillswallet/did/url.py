"""DID and DID URL parsing (DID Core §3)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import DIDError

_DID_RE = re.compile(
    r"^did:(?P<method>[a-z0-9]+):(?P<id>(?:[A-Za-z0-9._\-]|%[0-9A-Fa-f]{2}|:)*(?:[A-Za-z0-9._\-]|%[0-9A-Fa-f]{2}))$"
)


@dataclass(frozen=True)
class DIDURL:
    """A parsed DID URL: ``did:method:id[/path][?query][#fragment]``."""

    did: str
    method: str
    method_specific_id: str
    path: str = ""
    query: str = ""
    fragment: str = ""

    def __str__(self) -> str:
        out = self.did + self.path
        if self.query:
            out += "?" + self.query
        if self.fragment:
            out += "#" + self.fragment
        return out


def parse_did_url(value: str) -> DIDURL:
    """Parse a DID or DID URL; raises :class:`DIDError` with the reason when malformed."""
    if not isinstance(value, str) or not value.startswith("did:"):
        raise DIDError(f"not a DID: {str(value)[:80]!r}")
    if len(value) > 4096:
        raise DIDError("DID URL is too long")
    rest, _, fragment = value.partition("#")
    rest, _, query = rest.partition("?")
    did, slash, path = rest.partition("/")
    match = _DID_RE.match(did)
    if not match:
        raise DIDError(f"malformed DID: {did[:80]!r}")
    return DIDURL(
        did=did,
        method=match.group("method"),
        method_specific_id=match.group("id"),
        path=(slash + path) if slash else "",
        query=query,
        fragment=fragment,
    )
