"""Open Badges 3.0 baking: a signed credential goes into a PNG or SVG and comes out the
same, still verifying; the image is otherwise unchanged."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import pytest

from skillswallet.errors import AlreadyBakedError
from skillswallet.skills.baking import OB_NAMESPACE, bake, extract
from skillswallet.verify import verify

from .imagekit import IDAT, IEND, IHDR, PNG, SIGNATURE, SVG
from .vaultkit import NOW, credential


@pytest.fixture(scope="module")
def signed() -> dict[str, Any]:
    return credential()


def _chunks(png: bytes) -> list[tuple[bytes, bytes, int]]:
    out, offset = [], 8
    while offset < len(png):
        (length,) = struct.unpack_from(">I", png, offset)
        kind, data = png[offset + 4 : offset + 8], png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack_from(">I", png, offset + 8 + length)
        out.append((kind, data, crc))
        offset += 12 + length
    return out


@pytest.mark.parametrize("image", [PNG, SVG], ids=["png", "svg"])
def test_baked_credential_comes_out_identical_and_verifies(
    image: bytes, signed: dict[str, Any]
) -> None:
    baked = bake(image, signed)
    assert extract(baked) == signed
    assert verify(extract(baked), now=NOW).verified


@pytest.mark.parametrize("image", [PNG, SVG], ids=["png", "svg"])
def test_image_without_credential_gives_none(image: bytes) -> None:
    assert extract(image) is None


def test_png_chunk_is_uncompressed_itxt_before_iend(signed: dict[str, Any]) -> None:
    baked = bake(PNG, signed)
    chunks = _chunks(baked)
    assert [kind for kind, _, _ in chunks] == [b"IHDR", b"IDAT", b"iTXt", b"IEND"]
    kind, data, crc = chunks[2]
    assert crc == zlib.crc32(kind + data)
    keyword, rest = data.split(b"\x00", 1)
    assert keyword == b"openbadgecredential"
    assert rest[:4] == b"\x00\x00\x00\x00"  # no compression, empty language and translation
    # the original chunks are kept byte for byte around it
    assert baked.startswith(SIGNATURE + IHDR + IDAT)
    assert baked.endswith(IEND)


@pytest.mark.parametrize("image", [PNG, SVG], ids=["png", "svg"])
def test_already_baked_is_refused_unless_replacing(image: bytes, signed: dict[str, Any]) -> None:
    baked = bake(image, signed)
    with pytest.raises(AlreadyBakedError):
        bake(baked, {"other": 1})
    again = bake(baked, {"other": 1}, replace=True)
    assert extract(again) == {"other": 1}
    assert len(again) < len(baked)  # the old credential is gone, not left beside


def test_svg_gets_namespace_and_cdata_and_keeps_the_rest(signed: dict[str, Any]) -> None:
    baked = bake(SVG, signed).decode("utf-8")
    head, _, tail = baked.partition("<openbadges:credential><![CDATA[")
    assert head.endswith(f' aria-label="a > b" xmlns:openbadges="{OB_NAMESPACE}">')
    assert head.startswith(SVG.decode()[: SVG.decode().index("<svg")])  # prolog kept
    json_text, _, rest = tail.partition("]]></openbadges:credential>")
    assert rest == SVG.decode().split('"a > b">', 1)[1]  # everything after, byte for byte
    assert json_text.startswith("{")


def test_svg_with_declared_prefix_and_self_closing_root() -> None:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB_NAMESPACE}"/>'
    baked = bake(svg.encode(), {"a": "]]>"}).decode()
    assert baked.count("xmlns:openbadges") == 1
    assert baked.endswith("]]></openbadges:credential></svg>")
    assert extract(baked.encode()) == {"a": "]]>"}


def test_svg_credential_written_by_another_tool_is_read() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:ob="https://purl.imsglobal.org/ob/v3p0">'
        '<g/><ob:credential>\n  <![CDATA[\n {"id": "urn:x"}\n ]]>\n</ob:credential></svg>'
    )
    assert extract(svg.encode()) == {"id": "urn:x"}
