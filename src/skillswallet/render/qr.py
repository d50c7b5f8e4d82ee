"""QR codes for things a phone should pick up: a presentation request the employer shows
and the person scans, a small presentation, a link on a printed page. Pure: text in, an
image (SVG or PNG bytes) or an inline SVG element out; segno does the encoding.

The text is encoded as UTF-8 bytes (with an ECI header naming UTF-8 when it is not plain
ASCII, so a scanner need not guess). The smallest symbol that holds it is chosen at error
correction level L, and segno then raises the level as far as that symbol allows (a short
link gets H, a long request may stay at L). A QR code holds at most
:data:`QR_CAPACITY` bytes (version 40, level L); more raises :class:`QRTooLargeError`.
"""

from __future__ import annotations

import io
import unicodedata
from dataclasses import dataclass
from pathlib import PurePath
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from ..errors import QRCodeError, QRTooLargeError

if TYPE_CHECKING:
    import segno  # (imported when a code is made: start-up stays fast)

#: Bytes a QR code can hold: version 40 (177 x 177 modules), error correction L, byte mode.
QR_CAPACITY = 2953

ImageKind = Literal["svg", "png"]
_KINDS: dict[str, ImageKind] = {".svg": "svg", ".png": "png"}


@dataclass(frozen=True)
class QRImage:
    """A QR code image and how it was encoded (for a person: "version 12, 65 x 65")."""

    data: bytes
    kind: ImageKind
    version: int
    error: str
    modules: int


def qr_image(text: str, kind: ImageKind, *, scale: int = 8) -> QRImage:
    """``text`` as a QR code image: ``"svg"`` (a standalone SVG file) or ``"png"``, with
    ``scale`` pixels a module and the four-module quiet zone scanners need. Raises
    :class:`QRTooLargeError` when ``text`` is more than a QR code holds."""
    symbol = _make(text)
    out = io.BytesIO()
    if kind == "svg":
        symbol.save(out, kind="svg", scale=scale, border=4, xmldecl=True, title=_title(text))
    elif kind == "png":
        symbol.save(out, kind="png", scale=scale, border=4)
    else:
        raise QRCodeError(f"a QR code is written as svg or png, not {kind!r}")
    width, _ = symbol.symbol_size(border=0)
    return QRImage(out.getvalue(), kind, int(symbol.version), str(symbol.error), int(width))


def qr_svg_element(text: str, *, label: str, scale: int = 3) -> str:
    """``text`` as an ``<svg>`` element to put inside an HTML page (no namespace
    declaration or XML prolog, nothing fetched), titled ``label`` for screen readers."""
    symbol = _make(text)
    return str(symbol.svg_inline(scale=scale, border=4, title=label, svgclass="qr"))


def image_kind(path: str | PurePath) -> ImageKind:
    """Which image a file name asks for, by its ending (.svg or .png)."""
    kind = _KINDS.get(PurePath(path).suffix.lower())
    if kind is None:
        raise QRCodeError(f"a QR code file ends in .svg or .png, not {PurePath(path).name!r}")
    return kind


def check_link(url: str) -> str:
    """``url`` if it is an absolute http(s) URL a QR code can carry, else a
    :class:`QRCodeError` saying why."""
    example = f"a link is an http(s) URL, e.g. https://example.com/me, not {url!r}"
    try:
        parts = urlsplit(url)
    except ValueError:  # (an unclosed IPv6 bracket, for one)
        raise QRCodeError(example) from None
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise QRCodeError(example)
    if any(ch.isspace() or ord(ch) < 0x20 or unicodedata.category(ch) == "Cf" for ch in url):
        # Cf: invisible formatting (bidi overrides, zero widths) would make the address
        # written under the code read as another one
        raise QRCodeError("a link has no spaces, control or invisible formatting characters")
    if len(url.encode("utf-8")) > QR_CAPACITY:
        raise QRTooLargeError(len(url.encode("utf-8")), QR_CAPACITY, "the link")
    return url


def _title(text: str) -> str:
    return text if len(text) <= 80 else text[:77] + "..."


def _payload(text: str) -> tuple[bytes, bool]:
    return text.encode("utf-8"), not text.isascii()


#: Characters the largest QR code holds in its densest mode (numeric): anything longer is
#: refused before segno reads it (it analyses the whole input first: about 1 s a MB).
_MOST_ANY_MODE = 7089


def _make(text: str) -> segno.QRCode:
    if len(text) > _MOST_ANY_MODE:
        raise QRTooLargeError(len(text.encode("utf-8")), QR_CAPACITY)
    import segno

    payload, eci = _payload(text)
    try:
        return segno.make(payload, error="L", boost_error=True, micro=False, eci=eci)
    except segno.DataOverflowError:
        raise QRTooLargeError(len(payload), QR_CAPACITY) from None


__all__ = [
    "QR_CAPACITY",
    "ImageKind",
    "QRImage",
    "check_link",
    "image_kind",
    "qr_image",
    "qr_svg_element",
]
