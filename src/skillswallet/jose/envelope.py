"""JWT credentials inside a Data Integrity presentation: enveloped verifiable credentials
(VC Data Model 2.0 §4.13.1, VC-JOSE-COSE §3.3): ``{"@context": VC v2, "type":
"EnvelopedVerifiableCredential", "id": "data:application/vc+jwt,<jwt>"}``.

What is read and made here, and the choices where the specifications leave room:

* ``data:application/vc+jwt,<jwt>``: a VC-JOSE-COSE credential, exactly as VC-JOSE-COSE
  §3.3's example writes it (the compact JWT as it is: its characters need no escaping in a
  data: URL).
* ``data:application/dc+sd-jwt,<sd-jwt>~<kb-jwt>``: an SD-JWT VC. VC Data Model 2.0 asks
  for "a secured verifiable credential using an enveloping security scheme, such as"
  VC-JOSE-COSE, and the SD-JWT VC draft registers ``application/dc+sd-jwt`` for its
  credentials; no specification shows one inside a W3C presentation, so this is our
  choice, and a verifier other than skillswallet may not read it. Its key binding is
  required (SD-JWT §4.3, §7.3): the KB-JWT's ``nonce`` is the presentation's challenge
  and its ``aud`` the presentation's domain, so it cannot be lifted into another
  presentation.
* ``data:application/vc+sd-jwt,...`` (VC-JOSE-COSE's SD-JWT media type, and the older
  SD-JWT VC drafts' ``typ``) is read like an SD-JWT: what it holds decides (a VC-JOSE-COSE
  ``vc+sd-jwt`` without ``vct`` fails with that reason). COSE (``vc+cose``) is not read.
* A ``;base64`` or percent-encoded data: URL is accepted when read; the media type of the
  URL must agree with what it holds (a ``vc+jwt`` URL holding an SD-JWT fails).
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import unquote

from ..credentials.model import VC_V2_CONTEXT
from ..credentials.types import has_type
from .compact import MAX_COMPACT_BYTES, SD_JWT_VC, SD_JWT_VC_LEGACY, VC_JWT, JoseError, sniff

ENVELOPED = "EnvelopedVerifiableCredential"
#: The data: URL media type written for each format held.
MEDIA_TYPES = {VC_JWT: "application/vc+jwt", SD_JWT_VC: "application/dc+sd-jwt"}
#: The media types read, and the format each is checked as.
_READ = {
    "application/vc+jwt": VC_JWT,
    "application/dc+sd-jwt": SD_JWT_VC,
    f"application/{SD_JWT_VC_LEGACY}": SD_JWT_VC,
}


def is_enveloped(value: Any) -> bool:
    """Whether a ``verifiableCredential`` entry is an enveloped credential."""
    return isinstance(value, dict) and has_type(value, ENVELOPED)


def envelope(text: str, fmt: str) -> dict[str, Any]:
    """The enveloped credential that carries ``text`` (a vc+jwt, or an SD-JWT VC with
    its KB-JWT) in a presentation."""
    if fmt not in MEDIA_TYPES:
        raise JoseError(f"a {fmt} credential cannot be enveloped in a presentation")
    return {
        "@context": [VC_V2_CONTEXT],
        "type": ENVELOPED,
        "id": f"data:{MEDIA_TYPES[fmt]},{text}",
    }


def unwrap(value: dict[str, Any]) -> tuple[str, str]:
    """(the format the data: URL names, the compact serialization it holds); JoseError
    saying what is wrong (not a data: URL, an unknown media type, not a compact JWT)."""
    url = value.get("id")
    if not isinstance(url, str) or not url.startswith("data:"):
        raise JoseError("an enveloped credential's id must be a data: URL")
    if len(url) > MAX_COMPACT_BYTES + 256:
        raise JoseError(f"the enveloped credential is larger than {MAX_COMPACT_BYTES:,} bytes")
    head, comma, data = url[5:].partition(",")
    if not comma:
        raise JoseError("the data: URL has no ',' before its content")
    media, *parameters = head.split(";")
    fmt = _READ.get(media.strip().lower())
    if fmt is None:
        read = ", ".join(sorted(_READ))
        raise JoseError(f"an enveloped credential of type {media or '(none)'!r}: only {read}")
    if "base64" in (p.strip().lower() for p in parameters):
        try:
            text = base64.b64decode(unquote(data), validate=True).decode("ascii")
        except (binascii.Error, ValueError):
            raise JoseError("the data: URL's base64 content cannot be decoded") from None
    else:
        text = unquote(data)
    compact = sniff(text)
    if compact is None:
        raise JoseError(f"the data: URL ({media}) does not hold a compact JWT or SD-JWT")
    if fmt == VC_JWT and "~" in compact:
        raise JoseError("the data: URL says application/vc+jwt but holds an SD-JWT")
    if fmt == SD_JWT_VC and "~" not in compact:
        raise JoseError(f"the data: URL says {media} but holds a JWT without disclosures")
    return fmt, compact


def said(value: dict[str, Any]) -> dict[str, Any]:
    """What an enveloped credential says, in a W3C credential's shape (a vc+jwt's payload,
    an SD-JWT VC's disclosed claims as :func:`~skillswallet.jose.holding.as_credential`
    reads them), for matching a request or a subject; ``{}`` when it cannot be read.
    Nothing here is checked: only a credential that verified may be read this way."""
    from .holding import summary_source

    try:
        return summary_source(unwrap(value)[1])[1]
    except JoseError:
        return {}


def content_of(value: Any) -> Any:
    """A presented credential as it reads: itself, or what an enveloped one says (members
    beside an envelope's data: URL are the presenter's words, never the issuer's)."""
    return said(value) if is_enveloped(value) else value
