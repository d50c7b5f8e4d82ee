"""The Bitstring Status List 1.0 codec: a bitstring of status entries, GZIP-compressed and
multibase base64url encoded (``u`` prefix, no padding). Index 0 is the left-most (most
significant) bit of the first byte.

Decoding is bounded: the encoded text, the compressed bytes and the decompressed
bitstring each have a ceiling, and decompression stops as soon as the output would pass
its ceiling, so a gzip bomb is refused after a bounded amount of work and memory.
"""

from __future__ import annotations

import base64
import gzip
import zlib
from dataclasses import dataclass

from ..errors import StatusListError

#: The spec's minimum number of entries (herd privacy): 131,072 entries, 16 KB of 1-bit
#: statuses.
MIN_ENTRIES = 131_072
#: The most a decoded bitstring may hold: 16 MiB, 128 times the minimum at 1 bit an entry
#: (the spec sets no ceiling; a verifier must).
MAX_BITSTRING_BYTES = 16 * 1024 * 1024
#: The most encoded text accepted (a 16 MiB bitstring of random bits compresses to about
#: itself, and base64 adds a third).
MAX_ENCODED_CHARS = (MAX_BITSTRING_BYTES * 4) // 3 + 64


@dataclass(frozen=True)
class Bitstring:
    """A decoded status bitstring (immutable bytes)."""

    data: bytes

    @property
    def bits(self) -> int:
        return len(self.data) * 8

    def entries(self, status_size: int = 1) -> int:
        """How many entries of ``status_size`` bits the bitstring holds."""
        return self.bits // status_size

    def get(self, index: int, status_size: int = 1) -> int:
        """The value of entry ``index`` (``status_size`` bits, most significant first).
        Raises :class:`StatusListError` when the entry is outside the bitstring."""
        start = index * status_size
        if index < 0 or start + status_size > self.bits:
            raise StatusListError(
                f"index {index} is outside the status list ({self.entries(status_size):,} entries)"
            )
        if status_size == 1:
            return (self.data[start >> 3] >> (7 - (start & 7))) & 1
        value = 0
        for bit in range(start, start + status_size):
            value = (value << 1) | ((self.data[bit >> 3] >> (7 - (bit & 7))) & 1)
        return value

    def set_indices(self, status_size: int = 1) -> list[int]:
        """The indices whose value is not zero (for tests and reports)."""
        if status_size != 1:
            return [i for i in range(self.entries(status_size)) if self.get(i, status_size)]
        return [
            (byte_index << 3) + bit
            for byte_index, byte in enumerate(self.data)
            if byte
            for bit in range(8)
            if byte & (0x80 >> bit)
        ]


def build_bitstring(entries: int, values: dict[int, int], status_size: int = 1) -> Bitstring:
    """A bitstring of ``entries`` entries of ``status_size`` bits, all zero except
    ``values`` (index -> value)."""
    if status_size < 1:
        raise StatusListError("statusSize must be at least 1")
    total_bits = entries * status_size
    data = bytearray((total_bits + 7) // 8)
    limit = 1 << status_size
    for index, value in values.items():
        if not 0 <= index < entries:
            raise StatusListError(f"index {index} is outside a list of {entries:,} entries")
        if not 0 <= value < limit:
            raise StatusListError(f"value {value} does not fit in {status_size} bit(s)")
        if status_size == 1:
            if value:
                data[index >> 3] |= 0x80 >> (index & 7)
            continue
        start = index * status_size
        for offset in range(status_size):
            bit = start + offset
            if (value >> (status_size - 1 - offset)) & 1:
                data[bit >> 3] |= 0x80 >> (bit & 7)
    return Bitstring(bytes(data))


def encode_bitstring(bitstring: Bitstring) -> str:
    """The ``encodedList`` of a bitstring: multibase base64url (no padding) of its GZIP.
    Deterministic (no file name, modification time 0)."""
    compressed = gzip.compress(bitstring.data, compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode("ascii").rstrip("=")


def decode_bitstring(encoded: object, *, max_bytes: int = MAX_BITSTRING_BYTES) -> Bitstring:
    """Decode an ``encodedList``. Raises :class:`StatusListError` for anything that is not
    multibase base64url of one GZIP member, or that decompresses to more than
    ``max_bytes``."""
    if not isinstance(encoded, str):
        raise StatusListError("encodedList is not a string")
    if len(encoded) > MAX_ENCODED_CHARS:
        raise StatusListError(f"encodedList is longer than {MAX_ENCODED_CHARS:,} characters")
    if not encoded.startswith("u"):
        raise StatusListError("encodedList is not multibase base64url (it must start with 'u')")
    body = encoded[1:]
    if "=" in body or not body.isascii():
        raise StatusListError("encodedList is not base64url without padding")
    try:
        compressed = base64.b64decode(body + "=" * (-len(body) % 4), altchars=b"-_", validate=True)
    except ValueError:
        raise StatusListError("encodedList is not valid base64url") from None
    return _inflate(compressed, max_bytes)


def decode_legacy_bitstring(encoded: object, *, max_bytes: int = MAX_BITSTRING_BYTES) -> Bitstring:
    """Decode a StatusList2021 ``encodedList`` (the predecessor): base64 of the GZIP, with
    no multibase prefix; its spec says only "base64 [RFC4648]", and issuers write both
    the URL-safe alphabet (most) and the standard one, with or without padding."""
    if not isinstance(encoded, str):
        raise StatusListError("encodedList is not a string")
    if len(encoded) > MAX_ENCODED_CHARS:
        raise StatusListError(f"encodedList is longer than {MAX_ENCODED_CHARS:,} characters")
    body = encoded.rstrip("=")
    if not body.isascii():
        raise StatusListError("encodedList is not base64")
    altchars = b"-_" if ("-" in body or "_" in body) else b"+/"
    try:
        compressed = base64.b64decode(
            body + "=" * (-len(body) % 4), altchars=altchars, validate=True
        )
    except ValueError:
        raise StatusListError("encodedList is not valid base64") from None
    return _inflate(compressed, max_bytes)


def _inflate(compressed: bytes, max_bytes: int) -> Bitstring:
    """One GZIP member, decompressed to at most ``max_bytes`` (a bomb is refused early)."""
    if compressed[:2] != b"\x1f\x8b":
        raise StatusListError("encodedList is not GZIP-compressed")
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        data = inflater.decompress(compressed, max_bytes + 1)
    except zlib.error as exc:
        raise StatusListError(f"encodedList is not valid GZIP data ({exc})") from None
    if len(data) > max_bytes:
        raise StatusListError(
            f"the status list decompresses to more than {max_bytes:,} bytes (refused; "
            "a real list is far smaller)"
        )
    if not inflater.eof:
        raise StatusListError("encodedList is truncated GZIP data")
    if inflater.unused_data:
        raise StatusListError("encodedList has data after its GZIP member")
    return Bitstring(data)
