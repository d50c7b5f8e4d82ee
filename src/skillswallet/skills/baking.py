"""Open Badges 3.0 baking: a credential carried inside its badge image (OB 3.0 §5.3,
"Baked Badge"). Pure functions over bytes; the caller reads and writes files.

* **PNG**: one ``iTXt`` chunk with keyword ``openbadgecredential``, uncompressed, empty
  language tag and translated keyword, the credential's JSON as its text, placed before
  ``IEND``. Every chunk's CRC is checked; the keyword may appear only once.
* **SVG**: an ``<openbadges:credential>`` element, namespace
  ``https://purl.imsglobal.org/ob/v3p0`` declared on the ``<svg>`` root, directly after
  the root's start tag, the JSON in a CDATA section. The rest of the file is kept byte for
  byte. XML is parsed with expat under a guard: any entity declaration (billion laughs,
  external entities) is refused, parameter entities and external DTDs are never read.

Credentials signed as VC-JWT (the ``verify`` attribute, or a compact JWS as the text) are
recognised and refused: skillswallet verifies embedded Data Integrity proofs only.
Every size is bounded: the image (:data:`MAX_IMAGE_BYTES`), a chunk, and the credential
(:data:`skillswallet.jsonio.MAX_BYTES`).
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from .. import jsonio
from ..errors import AlreadyBakedError, BakedImageError, InvalidJSONError

MAX_IMAGE_BYTES = 32 * 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
SVG_NAMESPACE = "http://www.w3.org/2000/svg"
_CREDENTIAL_TAG = f"{OB_NAMESPACE} credential"
#: Open Badges 2.0 baking: iTXt keyword ``openbadges``; ``<openbadges:assertion>`` in SVG.
OB2_PNG_KEYWORD = b"openbadges"
OB2_NAMESPACE = "http://openbadges.org"
_ASSERTION_TAG = f"{OB2_NAMESPACE} assertion"
_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$")
_VC_JWT = "it carries a VC-JWT; skillswallet verifies credentials with embedded proofs only"


def bake(image: bytes, credential: dict[str, Any], *, replace: bool = False) -> bytes:
    """The PNG or SVG ``image`` with ``credential`` baked in. An image that already carries
    a credential is refused (:class:`AlreadyBakedError`) unless ``replace``; a malformed
    one raises :class:`BakedImageError`. The credential is not checked here: verify it
    first (the ``bake`` command does)."""
    if not isinstance(credential, dict):
        raise BakedImageError("only a credential (a JSON object) can be baked")
    text = jsonio.dumps(credential, indent=None)
    if len(text.encode("utf-8")) > jsonio.MAX_BYTES:
        raise BakedImageError(f"the credential is larger than {jsonio.MAX_BYTES // 2**20} MiB")
    baked = (_bake_png if _is_png(_bounded(image)) else _bake_svg)(bytes(image), text, replace)
    if extract(baked) != credential:  # what a reader gets back is exactly what was given
        raise BakedImageError("the credential did not survive baking")  # pragma: no cover
    return baked


def extract(image: bytes) -> dict[str, Any] | None:
    """The credential baked into a PNG or SVG ``image``, or ``None`` when it carries none.
    Raises :class:`BakedImageError` for an image that is not PNG or SVG, is malformed
    (truncated, a bad CRC, an oversized chunk, unsafe XML), carries more than one
    credential, or whose credential is not a JSON object. The credential is not verified."""
    if _is_png(_bounded(image)):
        found = [text for _, text in _png_credentials(_png_chunks(image))]
    else:
        found = [c.text for c in _scan_svg(image).credentials]
    if not found:
        return None
    if len(found) > 1:
        raise BakedImageError("the image carries more than one credential")
    return _credential(found[0])


def is_image(data: bytes) -> bool:
    """Whether ``data`` is a PNG or an SVG (XML) document, by its first bytes."""
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return data.startswith(PNG_SIGNATURE) or head.startswith(b"<")


def badge_in(image: bytes) -> dict[str, Any] | str:
    """:func:`extract_badge`, with an image that carries no badge refused
    (:class:`BakedImageError`) like a malformed one."""
    found = extract_badge(image)
    if found is None:
        raise BakedImageError("the image carries no Open Badges credential")
    return found


def extract_badge(image: bytes) -> dict[str, Any] | str | None:
    """The badge baked into a PNG or SVG ``image``: an Open Badges 3.0 credential, or an
    Open Badges 2.0 assertion (a JSON object, or a signed assertion as a compact JWS
    string); ``None`` when it carries none. An image carrying two badges (of either
    version) is refused, like everything :func:`extract` refuses. Nothing is verified."""
    if _is_png(_bounded(image)):
        chunks = _png_chunks(image)
        ob3 = [text for _, text in _png_credentials(chunks)]
        ob2 = [text for _, text in _png_credentials(chunks, OB2_PNG_KEYWORD)]
        if any(c.type == b"tEXt" and c.data.startswith(OB2_PNG_KEYWORD + b"\0") for c in chunks):
            ob2.append("")  # a pre-2013 badge: only the URL of its hosted assertion
    else:
        scan = _scan_svg(image)
        ob3 = [c.text for c in scan.credentials]
        ob2 = [a.verify if not a.text.strip() and a.verify else a.text for a in scan.assertions]
    if len(ob3) + len(ob2) > 1:
        raise BakedImageError("the image carries more than one badge")
    if ob3:
        return _credential(ob3[0])
    if not ob2:
        return None
    text = ob2[0].strip()
    if _COMPACT_JWS.match(text):
        return text  # a signed Open Badges 2.0 assertion
    if not text.startswith("{"):
        raise BakedImageError(
            "the image carries only the address of a hosted Open Badges assertion; "
            "fetching it needs the network"
        )
    try:
        return jsonio.loads_object(text, what="baked assertion")
    except InvalidJSONError as exc:
        raise BakedImageError(f"the baked assertion is not valid JSON: {exc}") from None


# --- shared -------------------------------------------------------------------------------


def _bounded(image: bytes) -> bytes:
    if not isinstance(image, bytes | bytearray):
        raise BakedImageError("an image is bytes")
    if len(image) > MAX_IMAGE_BYTES:
        raise BakedImageError(f"the image is larger than {MAX_IMAGE_BYTES // 2**20} MiB")
    return bytes(image)


def _is_png(image: bytes) -> bool:
    if image.startswith(PNG_SIGNATURE):
        return True
    if image.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BakedImageError("the image is UTF-16 text; an SVG must be UTF-8")
    if image.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return False
    raise BakedImageError("the image is neither PNG nor SVG")


def _credential(text: str) -> dict[str, Any]:
    stripped = text.strip()
    if _COMPACT_JWS.match(stripped):
        raise BakedImageError(_VC_JWT)
    try:
        return jsonio.loads_object(stripped, what="baked credential")
    except InvalidJSONError as exc:
        raise BakedImageError(f"the baked credential is not valid JSON: {exc}") from None


# --- PNG ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Chunk:
    type: bytes
    data: bytes
    start: int  # offset of the length field
    end: int  # offset just past the CRC


def _png_chunks(png: bytes) -> list[_Chunk]:
    """Every chunk, each CRC checked; IHDR first, IEND last, nothing after it."""
    chunks: list[_Chunk] = []
    offset = len(PNG_SIGNATURE)
    while True:
        if offset + 8 > len(png):
            raise BakedImageError("the PNG is truncated: it ends before its IEND chunk")
        length, kind = struct.unpack_from(">I4s", png, offset)
        name = kind.decode("latin-1")
        if length > MAX_IMAGE_BYTES:  # also beyond the PNG limit of 2**31 - 1
            raise BakedImageError(
                f"the PNG chunk {name!r} at byte {offset} claims {length} bytes, more than "
                f"an image may have ({MAX_IMAGE_BYTES // 2**20} MiB)"
            )
        end = offset + 12 + length
        if end > len(png):
            raise BakedImageError(
                f"the PNG is truncated: chunk {name!r} at byte {offset} needs {length} bytes"
            )
        data = png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack_from(">I", png, offset + 8 + length)
        if zlib.crc32(kind + data) != crc:
            raise BakedImageError(f"the PNG chunk {name!r} at byte {offset} has a wrong CRC")
        if not chunks and kind != b"IHDR":
            raise BakedImageError("the PNG does not start with an IHDR chunk")
        chunks.append(_Chunk(kind, data, offset, end))
        offset = end
        if kind == b"IEND":
            break
    if offset != len(png):
        raise BakedImageError(f"the PNG has {len(png) - offset} bytes after its IEND chunk")
    return chunks


def _png_credentials(
    chunks: list[_Chunk], keyword: bytes = PNG_KEYWORD
) -> list[tuple[_Chunk, str]]:
    """The iTXt chunks with this keyword (``openbadgecredential``) with their text."""
    found = []
    name = keyword.decode("ascii")
    for chunk in chunks:
        if chunk.type != b"iTXt" or not chunk.data.startswith(keyword + b"\0"):
            continue
        rest = chunk.data[len(keyword) + 1 :]
        if len(rest) < 2 or rest[0] != 0:
            raise BakedImageError(
                f"the PNG's {name} chunk is compressed, which Open Badges forbids"
            )
        parts = rest[2:].split(b"\0", 2)  # language tag, translated keyword, text
        if len(parts) != 3:
            raise BakedImageError(f"the PNG's {name} chunk is malformed")
        try:
            found.append((chunk, parts[2].decode("utf-8")))
        except UnicodeDecodeError:
            raise BakedImageError(f"the PNG's {name} chunk is not UTF-8 text") from None
    return found


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _bake_png(png: bytes, text: str, replace: bool) -> bytes:
    chunks = _png_chunks(png)
    existing = {chunk.start for chunk, _ in _png_credentials(chunks)}
    if existing and not replace:
        raise AlreadyBakedError("the PNG already carries a credential (replace it to re-bake)")
    # keyword, NUL, compression flag 0 and method 0, empty language tag and translation
    chunk = _png_chunk(b"iTXt", PNG_KEYWORD + b"\0\0\0\0\0" + text.encode("utf-8"))
    kept = [png[c.start : c.end] for c in chunks[:-1] if c.start not in existing]
    return b"".join([PNG_SIGNATURE, *kept, chunk, png[chunks[-1].start :]])


# --- SVG ----------------------------------------------------------------------------------


@dataclass
class _SvgCredential:
    start: int
    end: int = -1
    parts: list[str] = field(default_factory=list)  # joined once: no quadratic +=
    verify: str | None = None  # an OB 2.0 assertion's verify attribute

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class _SvgScan:
    root_tag_end: int = -1
    root_self_closing: bool = False
    prefix_declared: bool = False
    credentials: list[_SvgCredential] = field(default_factory=list)
    assertions: list[_SvgCredential] = field(default_factory=list)  # OB 2.0


def _tag_end(data: bytes, start: int) -> int:
    """The offset just past the ``>`` closing the tag that starts at ``start``."""
    quote = 0
    for index in range(start, len(data)):
        byte = data[index]
        if quote:
            if byte == quote:
                quote = 0
        elif byte in b"\"'":
            quote = byte
        elif byte == ord(">"):
            return index + 1
    raise BakedImageError("the SVG is malformed: a tag does not end")


def _refuse_entities(*_: Any) -> int:
    raise BakedImageError(
        "the SVG declares an XML entity; skillswallet does not expand entities "
        "(they can fetch files or grow without bound)"
    )


def _scan_svg(data: bytes) -> _SvgScan:
    """Parse the SVG safely; where its root and credential elements are."""
    scan = _SvgScan()
    depth = 0
    inside: _SvgCredential | None = None
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.EntityDeclHandler = _refuse_entities
    parser.UnparsedEntityDeclHandler = _refuse_entities
    parser.ExternalEntityRefHandler = _refuse_entities

    def xml_decl(_version: str | None, encoding: str | None, _standalone: int) -> None:
        if encoding and encoding.lower().replace("_", "-") not in ("utf-8", "utf8", "us-ascii"):
            raise BakedImageError(f"the SVG is encoded as {encoding}; only UTF-8 is supported")

    def namespace(prefix: str | None, uri: str | None) -> None:
        if depth == 0 and prefix == "openbadges" and uri != OB2_NAMESPACE:
            if uri != OB_NAMESPACE:
                raise BakedImageError(f"the SVG binds the prefix openbadges to {uri!r}")
            scan.prefix_declared = True

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth, inside
        where = parser.CurrentByteIndex
        tag_end = _tag_end(data, where)
        empty = data[tag_end - 2 : tag_end] == b"/>"
        if depth == 0:
            if name != f"{SVG_NAMESPACE} svg":
                raise BakedImageError("the image is not an SVG: its root is not <svg>")
            scan.root_tag_end, scan.root_self_closing = tag_end, empty
        elif name == _CREDENTIAL_TAG:
            if "verify" in attributes:
                raise BakedImageError(_VC_JWT)
            inside = _SvgCredential(where, tag_end if empty else -1)
            scan.credentials.append(inside)
        elif name == _ASSERTION_TAG:
            inside = _SvgCredential(
                where, tag_end if empty else -1, verify=attributes.get("verify")
            )
            scan.assertions.append(inside)
        depth += 1

    def end(name: str) -> None:
        nonlocal depth, inside
        depth -= 1
        if inside is not None and name in (_CREDENTIAL_TAG, _ASSERTION_TAG) and depth > 0:
            if inside.end < 0:  # the end tag starts at the current index
                inside.end = _tag_end(data, parser.CurrentByteIndex)
            inside = None

    def text(content: str) -> None:
        if inside is not None:
            inside.parts.append(content)

    parser.XmlDeclHandler = xml_decl
    parser.StartNamespaceDeclHandler = namespace
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    try:
        parser.Parse(data, True)
    except expat.ExpatError as exc:
        raise BakedImageError(f"the SVG is not well-formed XML: {exc}") from None
    return scan


def _bake_svg(svg: bytes, text: str, replace: bool) -> bytes:
    scan = _scan_svg(svg)
    if scan.credentials and not replace:
        raise AlreadyBakedError("the SVG already carries a credential (replace it to re-bake)")
    # '>' only occurs inside JSON strings, where \u003e means the same: no ']]>' can end
    # the CDATA section early.
    element = (
        "<openbadges:credential><![CDATA["
        + text.replace(">", "\\u003e")
        + "]]></openbadges:credential>"
    ).encode("utf-8")
    tag_end = scan.root_tag_end
    # <svg ...> gets the namespace; <svg .../> becomes <svg ...>credential</svg>
    head = svg[: tag_end - 2].rstrip() if scan.root_self_closing else svg[: tag_end - 1]
    closing = b"</svg>" if scan.root_self_closing else b""
    if not scan.prefix_declared:
        head += f' xmlns:openbadges="{OB_NAMESPACE}"'.encode()
    body = svg[tag_end:]
    for old in sorted(scan.credentials, key=lambda c: c.start, reverse=True):
        body = body[: old.start - tag_end] + body[old.end - tag_end :]
    return head + b">" + element + closing + body
