"""Compact serializations (RFC 7515 §7.1, SD-JWT §4): bounded splitting, base64url, and
reading a JWT's header and payload *before* its signature is checked (only to find the
key and the format; nothing read here is trusted until the signature verifies)."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Any

from .. import jsonio
from ..errors import InvalidJSONError, SkillsWalletError

#: The largest compact JWT or SD-JWT accepted (a credential with a photo stays well under).
MAX_COMPACT_BYTES = 1024 * 1024
#: More disclosures than any real credential carries; each costs a hash and a JSON parse.
MAX_DISCLOSURES = 1000
#: JSON nesting inside a JWT or a disclosure (a claims set is shallow).
MAX_JSON_DEPTH = 32

#: Media types, as the ``typ`` header names them.
VC_JWT = "vc+jwt"
SD_JWT_VC = "dc+sd-jwt"
#: The earlier SD-JWT VC drafts' type, still issued by many wallets: read as dc+sd-jwt.
SD_JWT_VC_LEGACY = "vc+sd-jwt"
KB_JWT = "kb+jwt"

_B64URL = r"[A-Za-z0-9_-]"
_JWT_RE = re.compile(rf"{_B64URL}+\.{_B64URL}+\.{_B64URL}*")
_COMPACT_RE = re.compile(rf"{_B64URL}+\.{_B64URL}+\.{_B64URL}*(~[A-Za-z0-9_.-]*)*")
_B64URL_RE = re.compile(rf"{_B64URL}*")


class JoseError(SkillsWalletError):
    """A JWT, SD-JWT or disclosure that cannot be accepted; the message says why."""


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str, what: str) -> bytes:
    """Strict base64url without padding (RFC 7515 §2): other alphabets and padding fail."""
    if not _B64URL_RE.fullmatch(text) or len(text) % 4 == 1:
        raise JoseError(f"{what} is not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise JoseError(f"{what} is not base64url") from None


def json_part(text: str, what: str) -> Any:
    """A base64url JSON part (a header, a payload, a disclosure), parsed with the
    project's strict bounded JSON reader (no duplicate keys, no NaN, bounded depth)."""
    raw = b64url_decode(text, what)
    try:
        return jsonio.loads(raw, max_bytes=MAX_COMPACT_BYTES, max_depth=MAX_JSON_DEPTH)
    except InvalidJSONError as exc:
        raise JoseError(f"{what} is not valid JSON: {exc}") from None


def sniff(data: bytes | str) -> str | None:
    """The compact serialization in an input, if it is one: a JWT (``a.b.c``) or an
    SD-JWT (``jwt~disclosure~...~``, with or without a KB-JWT), surrounding whitespace
    removed. None for anything else (JSON, images...)."""
    if isinstance(data, bytes):
        if not data[:64].lstrip().startswith(b"ey"):  # a JOSE header '{"...' is 'ey...'
            return None
        if len(data) > MAX_COMPACT_BYTES + 64:
            raise JoseError(
                f"the JWT is larger than {MAX_COMPACT_BYTES // 1024} KiB, the most accepted"
            )
        try:
            text = data.decode("ascii")
        except UnicodeDecodeError:
            return None
    else:
        text = data
    text = text.strip()
    if not text.startswith("ey") or len(text) > MAX_COMPACT_BYTES:
        return None
    return text if _COMPACT_RE.fullmatch(text) else None


@dataclass(frozen=True)
class Parts:
    """An SD-JWT (or a plain JWT, with no ``~``) split into its parts."""

    jwt: str
    disclosures: tuple[str, ...]
    #: The KB-JWT of an SD-JWT+KB ("" when there is none); None for a plain JWT.
    kb_jwt: str | None

    @property
    def is_sd_jwt(self) -> bool:
        return self.kb_jwt is not None

    @property
    def sd_hash_input(self) -> str:
        """What a KB-JWT's ``sd_hash`` is taken over: the SD-JWT without its KB-JWT."""
        return "~".join((self.jwt, *self.disclosures)) + "~"


def split(text: str) -> Parts:
    """Split a compact JWT or SD-JWT, refusing oversized input before any work."""
    if len(text) > MAX_COMPACT_BYTES:
        raise JoseError(
            f"the JWT is {len(text):,} bytes, more than the {MAX_COMPACT_BYTES:,} accepted"
        )
    if "~" not in text:
        if not _JWT_RE.fullmatch(text):
            raise JoseError("not a compact JWT (three base64url parts separated by dots)")
        return Parts(text, (), None)
    pieces = text.split("~")
    if len(pieces) - 2 > MAX_DISCLOSURES:
        raise JoseError(f"more than {MAX_DISCLOSURES} disclosures")
    jwt, *disclosures, last = pieces
    if not _JWT_RE.fullmatch(jwt):
        raise JoseError("the SD-JWT does not start with a compact JWT")
    for disclosure in disclosures:
        if not disclosure:
            raise JoseError("the SD-JWT has an empty disclosure (two '~' in a row)")
        if not _B64URL_RE.fullmatch(disclosure):  # (not empty: checked above)
            raise JoseError("a disclosure is not base64url")
    if last and not _JWT_RE.fullmatch(last):
        raise JoseError("the part after the last '~' is neither empty nor a KB-JWT")
    return Parts(jwt, tuple(disclosures), last)


def unverified_header(jwt: str) -> dict[str, Any]:
    """A JWT's protected header, read to find its key and type (not yet trusted)."""
    header = json_part(jwt.split(".", 1)[0], "the JWT header")
    if not isinstance(header, dict):
        raise JoseError("the JWT header is not a JSON object")
    return header


def unverified_payload(jwt: str) -> dict[str, Any]:
    """A JWT's payload, read before its signature is checked (never trusted as such)."""
    payload = json_part(jwt.split(".")[1], "the JWT payload")
    if not isinstance(payload, dict):
        raise JoseError("the JWT payload is not a JSON object")
    return payload


def media_type(text: str) -> str | None:
    """The ``typ`` of a compact JWT or of an SD-JWT's issuer-signed JWT (None if the
    input cannot be read or names none)."""
    try:
        typ = unverified_header(split(text).jwt).get("typ")
    except JoseError:
        return None
    if not isinstance(typ, str):
        return None
    typ = typ.lower().removeprefix("application/")
    return SD_JWT_VC if typ == SD_JWT_VC_LEGACY else typ
