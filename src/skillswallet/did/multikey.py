"""Public and secret keys in Multikey form: multicodec header + key bytes, base58btc
multibase (``z...``), as used by did:key and the Data Integrity cryptosuites."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from ..errors import InvalidKeyError


class KeyType(StrEnum):
    ED25519 = "ed25519"
    P256 = "p256"
    P384 = "p384"
    X25519 = "x25519"


# multicodec varint headers (https://github.com/multiformats/multicodec table)
_PUBLIC_HEADERS: dict[KeyType, bytes] = {
    KeyType.ED25519: b"\xed\x01",  # ed25519-pub 0xed
    KeyType.X25519: b"\xec\x01",  # x25519-pub 0xec
    KeyType.P256: b"\x80\x24",  # p256-pub 0x1200 (compressed point)
    KeyType.P384: b"\x81\x24",  # p384-pub 0x1201 (compressed point)
}
_SECRET_HEADERS: dict[KeyType, bytes] = {
    KeyType.ED25519: b"\x80\x26",  # ed25519-priv 0x1300 (32-byte seed)
    KeyType.P256: b"\x86\x26",  # p256-priv 0x1306
    KeyType.P384: b"\x87\x26",  # p384-priv 0x1307
}
_PUBLIC_LENGTHS = {KeyType.ED25519: 32, KeyType.X25519: 32, KeyType.P256: 33, KeyType.P384: 49}
_SECRET_LENGTHS = {KeyType.ED25519: 32, KeyType.P256: 32, KeyType.P384: 48}


_BASE58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BASE58_VALUES = {char: value for value, char in enumerate(_BASE58_ALPHABET)}


def base58_decode(text: str) -> bytes:
    """Strict base58btc decoding: every character must be in the alphabet. (The base58
    package strips trailing whitespace, so it accepts non-canonical encodings, and it
    builds the bytes one divmod at a time: five times slower on a proof value.)"""
    number = 0
    values = _BASE58_VALUES
    try:
        for char in text:
            number = number * 58 + values[char]
    except KeyError:
        raise ValueError("invalid base58btc character") from None
    zeros = len(text) - len(text.lstrip("1"))  # each leading "1" is a zero byte
    return bytes(zeros) + number.to_bytes((number.bit_length() + 7) // 8, "big")


#: Keys and signatures are short (a P-384 signature is 132 characters). Decoding is
#: quadratic in the length, so a longer value is refused before it is decoded: a 7 MB
#: proofValue would otherwise take hours.
MAX_BASE58_CHARS = 1024


def decode_multibase_base58(value: str) -> bytes:
    """Decode a base58btc multibase string (``z`` prefix)."""
    if not isinstance(value, str) or not value.startswith("z") or len(value) < 2:
        raise InvalidKeyError("expected a base58btc multibase value starting with 'z'")
    if len(value) > MAX_BASE58_CHARS:
        raise InvalidKeyError(
            f"multibase value is {len(value)} characters long: too long for a key or signature"
        )
    try:
        return base58_decode(value[1:])
    except ValueError:
        raise InvalidKeyError("invalid base58btc characters in multibase value") from None


_B58_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
#: Base58 digits pairs, so a big-integer division yields two digits at a time.
_B58_PAIRS = [a + b for a in _B58_ALPHABET for b in _B58_ALPHABET]


def encode_multibase_base58(data: bytes) -> str:
    """``z`` + base58btc (every signature is encoded so: two digits per big division,
    twice as fast as one)."""
    number = int.from_bytes(data, "big")
    pairs: list[str] = []
    while number:
        number, pair = divmod(number, 58 * 58)
        pairs.append(_B58_PAIRS[pair])
    digits = "".join(reversed(pairs)).lstrip("1")
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "z" + "1" * zeros + digits


@dataclass(frozen=True)
class PublicKey:
    """A public key of a known type, with its raw bytes (compressed point for EC)."""

    type: KeyType
    raw: bytes

    @cached_property
    def multibase(self) -> str:
        return encode_multibase_base58(_PUBLIC_HEADERS[self.type] + self.raw)

    @classmethod
    def from_multibase(cls, value: str) -> PublicKey:
        """The public key of a Multikey ``publicKeyMultibase`` value (Ed25519, P-256, P-384)."""
        data = decode_multibase_base58(value)
        for key_type, header in _PUBLIC_HEADERS.items():
            if data.startswith(header):
                raw = data[len(header) :]
                if len(raw) != _PUBLIC_LENGTHS[key_type]:
                    raise InvalidKeyError(
                        f"{key_type.value} public key must be {_PUBLIC_LENGTHS[key_type]} bytes, "
                        f"got {len(raw)}"
                    )
                if key_type in (KeyType.P256, KeyType.P384) and raw[0] not in (2, 3):
                    raise InvalidKeyError("EC public key is not a compressed point")
                return cls(key_type, raw)
        raise InvalidKeyError(
            f"unsupported multicodec key header 0x{data[:2].hex()} in publicKeyMultibase"
        )


def decode_secret_multibase(value: str) -> tuple[KeyType, bytes]:
    data = decode_multibase_base58(value)
    for key_type, header in _SECRET_HEADERS.items():
        if data.startswith(header):
            raw = data[len(header) :]
            if key_type is KeyType.ED25519 and len(raw) == 64:
                # Some tools store seed || public key; the seed is what signs.
                return key_type, raw
            if len(raw) != _SECRET_LENGTHS[key_type]:
                raise InvalidKeyError(f"{key_type.value} secret key has the wrong length")
            return key_type, raw
    raise InvalidKeyError("unsupported multicodec header in secretKeyMultibase")


def encode_secret_multibase(key_type: KeyType, raw: bytes) -> str:
    return encode_multibase_base58(_SECRET_HEADERS[key_type] + raw)
