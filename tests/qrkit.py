"""Reading a QR code back for tests, by machine, not by eye: the modules of an image (the
PNG's pixels, or the SVG's drawn lines) are compared with segno's own encoding of the
payload we expect, for the version the size gives and each error level and mask. A match
means the image is exactly that payload's QR code; any other text gives other modules.
(No well-kept pure-Python QR decoder is on PyPI; this checks the same thing for the
payloads we make.)"""

from __future__ import annotations

import re
import struct
import zlib

import segno

Modules = list[list[bool]]
BORDER = 4


def png_modules(data: bytes, scale: int) -> Modules:
    """The dark modules of a 1-bit greyscale PNG as segno writes it (quiet zone dropped)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    at, idat, width = 8, b"", 0
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        if kind == b"IHDR":
            width, _, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (1, 0), "a 1-bit greyscale PNG"
        elif kind == b"IDAT":
            idat += body
        at += 12 + length
    raw, stride = zlib.decompress(idat), (width + 7) // 8 + 1
    rows = _unfilter([raw[i : i + stride] for i in range(0, len(raw), stride)])

    def dark(x: int, y: int) -> bool:
        return not (rows[y][x // 8] >> (7 - x % 8)) & 1  # black is 0

    side = width // scale - 2 * BORDER
    half = scale // 2
    return [
        [dark((BORDER + c) * scale + half, (BORDER + r) * scale + half) for c in range(side)]
        for r in range(side)
    ]


def _unfilter(filtered: list[bytes]) -> list[bytes]:
    """PNG row filters (RFC 2083 section 6) undone, one byte a pixel step."""
    rows: list[bytes] = []
    above = bytes(len(filtered[0]) - 1)
    for line in filtered:
        kind, row = line[0], bytearray(line[1:])
        for i in range(len(row)):
            left = row[i - 1] if i else 0
            up, corner = above[i], above[i - 1] if i else 0
            if kind == 1:
                row[i] = (row[i] + left) & 0xFF
            elif kind == 2:
                row[i] = (row[i] + up) & 0xFF
            elif kind == 3:
                row[i] = (row[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                guess = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                row[i] = (row[i] + guess) & 0xFF
        rows.append(bytes(row))
        above = rows[-1]
    return rows


def svg_modules(svg: str) -> Modules:
    """The dark modules of segno's SVG: one path of horizontal lines (``M x y``, then
    ``h n`` to draw n modules and ``m dx dy`` to move), half a module below the row."""
    path = re.search(r'<path[^>]* d="([^"]+)"', svg)
    assert path is not None
    lines: list[tuple[int, int, int]] = []
    x = y = 0.0
    for command, args in re.findall(r"([Mmh])([-\d. ]+)", path.group(1)):
        numbers = [float(n) for n in args.replace("-", " -").split()]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            lines.append((int(y), int(x), int(x + numbers[0])))
            x += numbers[0]
    size = re.search(r'width="(\d+)"', svg)
    scale = re.search(r"scale\((\d+)\)", svg)
    assert size is not None
    side = int(size.group(1)) // (int(scale.group(1)) if scale else 1) - 2 * BORDER
    found = [[False] * side for _ in range(side)]
    for row, start, end in lines:
        for column in range(start, end):
            found[row - BORDER][column - BORDER] = True
    return found


def encoding_of(modules: Modules, payload: bytes) -> tuple[int, str] | None:
    """(version, error level) if ``modules`` are ``payload``'s QR code, else None."""
    version = (len(modules) - 17) // 4
    eci = not payload.isascii()
    for error in "LMQH":
        for mask in range(8):
            try:
                expected = segno.make(
                    payload, version=version, error=error, mask=mask, boost_error=False,
                    micro=False, eci=eci,
                )  # fmt: skip
            except segno.DataOverflowError:
                break
            if [[bool(m) for m in row] for row in expected.matrix] == modules:
                return version, error
    return None
