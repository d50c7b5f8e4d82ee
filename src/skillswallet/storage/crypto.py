"""Pure vault cryptography: Argon2id key derivation, XChaCha20-Poly1305 sealing, keyed
hashes. No I/O. Secrets are bytes that callers keep out of logs and messages."""

from __future__ import annotations

import hashlib
import hmac
import os
import unicodedata
from dataclasses import dataclass
from typing import Any

import nacl.bindings
import nacl.exceptions
import nacl.pwhash

from ..errors import InvalidPassphraseError, KDFParameterError

KEY_BYTES = 32
NONCE_BYTES = 24
TAG_BYTES = 16
SALT_BYTES = nacl.pwhash.argon2id.SALTBYTES

#: Never accept weaker than libsodium's INTERACTIVE profile (downgrade protection) ...
OPS_FLOOR, MEM_FLOOR = 2, 64 * 1024 * 1024
#: ... nor stronger than the strongest profile skillswallet creates (libsodium SENSITIVE,
#: ``init --kdf sensitive``), unless the caller raises the ceiling explicitly
#: (:class:`KdfCeiling`): a crafted header must not cost a reader memory or minutes.
OPS_CEILING, MEM_CEILING = 4, 1024 * 1024 * 1024
#: The highest ceiling a caller may ask for (libsodium's own limits are far above it).
OPS_MAX, MEM_MAX = 16, 4 * 1024 * 1024 * 1024
#: MODERATE: 3 passes over 256 MiB (about 0.4 s here).
DEFAULT_OPS, DEFAULT_MEM = 3, 256 * 1024 * 1024
#: SENSITIVE: 4 passes over 1 GiB.
SENSITIVE_OPS, SENSITIVE_MEM = 4, 1024 * 1024 * 1024


@dataclass(frozen=True)
class KdfCeiling:
    """The strongest Argon2id parameters a vault header may ask for before the KDF is run.
    The default is SENSITIVE; pass a higher one only for a vault you made stronger on
    purpose (at most :data:`OPS_MAX` passes and :data:`MEM_MAX` bytes)."""

    opslimit: int = OPS_CEILING
    memlimit: int = MEM_CEILING

    def __post_init__(self) -> None:
        if not (OPS_FLOOR <= self.opslimit <= OPS_MAX and MEM_FLOOR <= self.memlimit <= MEM_MAX):
            raise KDFParameterError(
                f"a KDF ceiling must lie between the floor ({OPS_FLOOR} passes, "
                f"{MEM_FLOOR // 2**20} MiB) and {OPS_MAX} passes, {MEM_MAX // 2**20} MiB"
            )


DEFAULT_CEILING = KdfCeiling()


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters, stored (authenticated) in the vault header."""

    opslimit: int = DEFAULT_OPS
    memlimit: int = DEFAULT_MEM
    salt: bytes = b""
    name: str = "argon2id"

    def check(self, ceiling: KdfCeiling | None = None) -> None:
        """Refuse parameters outside the floor/ceiling before any work is done."""
        ceiling = ceiling or DEFAULT_CEILING
        if self.name != "argon2id":
            raise KDFParameterError(f"unsupported key derivation function {self.name!r}")
        if not isinstance(self.opslimit, int) or not isinstance(self.memlimit, int):
            raise KDFParameterError("key derivation parameters must be integers")
        if self.opslimit < OPS_FLOOR or self.memlimit < MEM_FLOOR:
            raise KDFParameterError(
                "key derivation parameters are below the safety floor "
                f"(at least {OPS_FLOOR} passes and {MEM_FLOOR // 2**20} MiB)"
            )
        if self.opslimit > ceiling.opslimit or self.memlimit > ceiling.memlimit:
            raise KDFParameterError(
                f"key derivation parameters ({self.opslimit} passes, "
                f"{self.memlimit // 2**20} MiB) are above the ceiling "
                f"(at most {ceiling.opslimit} passes and {ceiling.memlimit // 2**20} MiB); "
                "the header may have been crafted to exhaust memory or time. Nothing was run."
            )
        if len(self.salt) != SALT_BYTES:
            raise KDFParameterError("key derivation salt has the wrong length")

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "opslimit": self.opslimit,
            "memlimit": self.memlimit,
            "salt": self.salt.hex(),
        }

    @classmethod
    def from_json(cls, data: Any) -> KdfParams:
        if not isinstance(data, dict):
            raise KDFParameterError("key derivation parameters are malformed")
        try:
            return cls(
                opslimit=data["opslimit"],
                memlimit=data["memlimit"],
                salt=bytes.fromhex(data["salt"]),
                name=data["name"],
            )
        except (KeyError, TypeError, ValueError):
            raise KDFParameterError("key derivation parameters are malformed") from None

    @classmethod
    def new(
        cls,
        opslimit: int | None = None,
        memlimit: int | None = None,
        *,
        ceiling: KdfCeiling | None = None,
    ) -> KdfParams:
        """Fresh salt; MODERATE unless stronger parameters are asked for."""
        params = cls(
            DEFAULT_OPS if opslimit is None else opslimit,
            DEFAULT_MEM if memlimit is None else memlimit,
            os.urandom(SALT_BYTES),
        )
        params.check(ceiling)
        return params


def normalize_passphrase(passphrase: str) -> str:
    """Unicode NFC (the same passphrase typed on any system gives the same key); an
    empty passphrase is refused."""
    if not isinstance(passphrase, str) or not passphrase:
        raise InvalidPassphraseError("the passphrase is empty")
    return unicodedata.normalize("NFC", passphrase)


def derive_key(passphrase: str, params: KdfParams, ceiling: KdfCeiling | None = None) -> bytes:
    """Argon2id(passphrase) -> 32-byte key. Checks the parameters first. The caller
    normalizes the passphrase (:func:`normalize_passphrase`)."""
    params.check(ceiling)
    secret = passphrase.encode("utf-8")
    return bytes(
        nacl.pwhash.argon2id.kdf(
            KEY_BYTES, secret, params.salt, opslimit=params.opslimit, memlimit=params.memlimit
        )
    )


def random_key() -> bytes:
    return os.urandom(KEY_BYTES)


def seal(key: bytes, plaintext: bytes, associated_data: bytes) -> bytes:
    """XChaCha20-Poly1305 with a fresh random nonce; returns nonce || ciphertext || tag."""
    nonce = os.urandom(NONCE_BYTES)
    ct = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, associated_data, nonce, key
    )
    return nonce + bytes(ct)


def open_sealed(key: bytes, sealed: bytes, associated_data: bytes) -> bytes | None:
    """Decrypt and authenticate; None when the ciphertext, key or associated data is wrong."""
    if len(sealed) < NONCE_BYTES + TAG_BYTES:
        return None
    try:
        return bytes(
            nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                sealed[NONCE_BYTES:], associated_data, sealed[:NONCE_BYTES], key
            )
        )
    except nacl.exceptions.CryptoError:
        return None


def subkey(key: bytes, purpose: str) -> bytes:
    """A key for one purpose, derived from the data key (BLAKE2b keyed hash)."""
    return hashlib.blake2b(purpose.encode(), key=key, digest_size=KEY_BYTES).digest()


def keyed_hash(key: bytes, *parts: bytes) -> bytes:
    """HMAC-SHA-256 over the parts, each prefixed with its 4-byte length (one-shot C call)."""
    message = b"".join(len(part).to_bytes(4, "big") + part for part in parts)
    return hmac.digest(key, message, hashlib.sha256)


def xor_bytes(a: bytes, b: bytes) -> bytes:
    if len(a) != len(b):
        raise ValueError("xor_bytes needs equal lengths")
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")
