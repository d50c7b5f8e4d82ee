"""Small images for baking tests: a valid 1x1 PNG built chunk by chunk, and SVGs."""

from __future__ import annotations

import struct
import zlib


def png_chunk(kind: bytes, data: bytes, crc: int | None = None) -> bytes:
    """One PNG chunk: length, type, data, CRC (the right one unless ``crc`` is given)."""
    checksum = zlib.crc32(kind + data) if crc is None else crc
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", checksum)


SIGNATURE = b"\x89PNG\r\n\x1a\n"
IHDR = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0))
IDAT = png_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00\xff"))
IEND = png_chunk(b"IEND", b"")
#: A 1x1 red RGBA PNG.
PNG = SIGNATURE + IHDR + IDAT + IEND

SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" '
    b'"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" aria-label="a > b">\n'
    b'  <circle cx="32" cy="32" r="30" fill="#c00"/>\n'
    b"</svg>\n"
)


def itxt(text: bytes, keyword: bytes = b"openbadgecredential", compressed: bool = False) -> bytes:
    """An iTXt chunk as Open Badges bakes it (or compressed, which it forbids)."""
    flag = b"\x01\x00" if compressed else b"\x00\x00"
    return png_chunk(b"iTXt", keyword + b"\x00" + flag + b"\x00\x00" + text)
