"""Key pairs, signers and signature verification. Private key bytes stay inside
:class:`KeyPair`; everything else gets a :class:`Signer`."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Protocol, runtime_checkable

import nacl.bindings
import nacl.exceptions
import nacl.signing
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from ..errors import InvalidKeyError
from .multikey import (
    KeyType,
    PublicKey,
    decode_secret_multibase,
    encode_secret_multibase,
)

_CURVES: dict[KeyType, tuple[ec.EllipticCurve, hashes.HashAlgorithm, int]] = {
    KeyType.P256: (ec.SECP256R1(), hashes.SHA256(), 32),
    KeyType.P384: (ec.SECP384R1(), hashes.SHA384(), 48),
}


@runtime_checkable
class Signer(Protocol):
    """Signs bytes with one key. Suites receive a signer, never a private key."""

    @property
    def verification_method(self) -> str:
        """The DID URL proofs name as their ``verificationMethod``."""
        ...

    @property
    def key_type(self) -> KeyType:
        """The key's type, which decides the cryptosuites it can sign."""
        ...

    def sign(self, data: bytes) -> bytes:
        """Sign ``data`` with the key (the secret never leaves the signer)."""
        ...


@lru_cache(maxsize=256)
def _ec_public(key: PublicKey) -> ec.EllipticCurvePublicKey:
    # Memoized: decoding a point costs a fifth of a verification, and one key verifies
    # many signatures (every statement of an ecdsa-sd-2023 proof, a batch of one issuer).
    curve = _CURVES[key.type][0]
    try:
        return ec.EllipticCurvePublicKey.from_encoded_point(curve, key.raw)
    except ValueError:
        raise InvalidKeyError("EC public key is not a valid point on its curve") from None


def verify_signature(key: PublicKey, data: bytes, signature: bytes) -> bool:
    """Verify a raw signature (Ed25519, or ECDSA in IEEE P1363 r||s form)."""
    if key.type is KeyType.ED25519:
        if len(signature) != 64:
            return False
        try:
            nacl.signing.VerifyKey(key.raw).verify(data, signature)
            return True
        except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError):
            return False
    if key.type in _CURVES:
        _, hash_alg, size = _CURVES[key.type]
        if len(signature) != 2 * size:
            return False
        r = int.from_bytes(signature[:size], "big")
        s = int.from_bytes(signature[size:], "big")
        try:
            _ec_public(key).verify(encode_dss_signature(r, s), data, ec.ECDSA(hash_alg))
            return True
        except InvalidSignature:
            return False
    raise InvalidKeyError(f"{key.type.value} keys cannot verify signatures")


def ed25519_to_x25519(public: PublicKey) -> PublicKey:
    """Derive the X25519 key-agreement key of an Ed25519 key (as did:key does)."""
    if public.type is not KeyType.ED25519:
        raise InvalidKeyError("only Ed25519 keys convert to X25519")
    try:
        raw = nacl.bindings.crypto_sign_ed25519_pk_to_curve25519(public.raw)
    except Exception:
        raise InvalidKeyError("Ed25519 public key is not a valid curve point") from None
    return PublicKey(KeyType.X25519, raw)


def public_key_from_jwk(jwk: dict[str, str]) -> PublicKey:
    """Read an OKP/EC public JWK (for legacy documents and tests)."""

    def b64(v: str) -> bytes:
        return base64.urlsafe_b64decode(v + "=" * (-len(v) % 4))

    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
        return PublicKey(KeyType.ED25519, b64(jwk["x"]))
    crv = {"P-256": KeyType.P256, "P-384": KeyType.P384}.get(jwk.get("crv", ""))
    if jwk.get("kty") == "EC" and crv is not None:
        size = _CURVES[crv][2]
        x, y = b64(jwk["x"]), b64(jwk["y"])
        if len(x) != size or len(y) != size:
            raise InvalidKeyError("JWK coordinates have the wrong length")
        return PublicKey(crv, bytes([2 + (y[-1] & 1)]) + x)
    raise InvalidKeyError("unsupported JWK")


def public_key_to_jwk(key: PublicKey) -> dict[str, str]:
    def b64(v: bytes) -> str:
        return base64.urlsafe_b64encode(v).rstrip(b"=").decode("ascii")

    if key.type is KeyType.ED25519:
        return {"kty": "OKP", "crv": "Ed25519", "x": b64(key.raw)}
    if key.type in _CURVES:
        numbers = _ec_public(key).public_numbers()
        size = _CURVES[key.type][2]
        crv = "P-256" if key.type is KeyType.P256 else "P-384"
        return {
            "kty": "EC",
            "crv": crv,
            "x": b64(numbers.x.to_bytes(size, "big")),
            "y": b64(numbers.y.to_bytes(size, "big")),
        }
    raise InvalidKeyError(f"{key.type.value} keys have no JWK form here")


@dataclass(frozen=True, repr=False)
class KeyPair:
    """A private key with its public key. ``repr`` never shows the secret."""

    type: KeyType
    public: PublicKey
    _secret: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f"KeyPair(type={self.type.value!r}, public={self.public.multibase!r})"

    @classmethod
    def generate(cls, key_type: KeyType | str = KeyType.ED25519) -> KeyPair:
        """A new key pair of ``key_type`` (Ed25519, P-256 or P-384) from the OS's random source."""
        key_type = KeyType(key_type)
        if key_type is KeyType.ED25519:
            return cls.from_secret(key_type, os.urandom(32))
        if key_type in _CURVES:
            curve, _, size = _CURVES[key_type]
            priv = ec.generate_private_key(curve)
            return cls.from_secret(
                key_type, priv.private_numbers().private_value.to_bytes(size, "big")
            )
        raise InvalidKeyError(f"cannot generate {key_type.value} signing keys")

    @classmethod
    def from_secret(cls, key_type: KeyType, secret: bytes) -> KeyPair:
        """The key pair of a raw secret key (32 bytes for Ed25519 and P-256, 48 for P-384)."""
        if key_type is KeyType.ED25519:
            if len(secret) == 64:  # seed || public key
                seed, claimed = secret[:32], secret[32:]
                pair = cls.from_secret(key_type, seed)
                if pair.public.raw != claimed:
                    raise InvalidKeyError("Ed25519 secret key does not match its public half")
                return pair
            if len(secret) != 32:
                raise InvalidKeyError("an Ed25519 seed is 32 bytes")
            verify_key = nacl.signing.SigningKey(secret).verify_key
            return cls(key_type, PublicKey(key_type, bytes(verify_key)), secret)
        if key_type in _CURVES:
            curve, _, size = _CURVES[key_type]
            if len(secret) != size:
                raise InvalidKeyError(f"a {key_type.value} secret is {size} bytes")
            try:
                priv = ec.derive_private_key(int.from_bytes(secret, "big"), curve)
            except ValueError:
                raise InvalidKeyError(f"invalid {key_type.value} secret scalar") from None
            point = priv.public_key().public_bytes(
                encoding=serialization.Encoding.X962,
                format=serialization.PublicFormat.CompressedPoint,
            )
            return cls(key_type, PublicKey(key_type, point), secret)
        raise InvalidKeyError(f"{key_type.value} is not a signing key type")

    @classmethod
    def from_secret_multibase(cls, value: str) -> KeyPair:
        """The key pair of a Multikey ``secretKeyMultibase`` value."""
        key_type, raw = decode_secret_multibase(value)
        return cls.from_secret(key_type, raw)

    def secret_multibase(self) -> str:
        """The secret in Multikey form. Only for key files and encrypted storage."""
        return encode_secret_multibase(self.type, self._secret)

    @cached_property
    def _signing_key(self) -> nacl.signing.SigningKey | ec.EllipticCurvePrivateKey:
        if self.type is KeyType.ED25519:
            return nacl.signing.SigningKey(self._secret)
        return ec.derive_private_key(int.from_bytes(self._secret, "big"), _CURVES[self.type][0])

    def sign(self, data: bytes) -> bytes:
        """Sign ``data`` (Ed25519, or ECDSA with SHA-256/384 as the curve asks; P1363 form)."""
        key = self._signing_key
        if isinstance(key, nacl.signing.SigningKey):
            return bytes(key.sign(data).signature)
        _, hash_alg, size = _CURVES[self.type]
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(hash_alg)))
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")

    def signer(self, verification_method: str) -> KeySigner:
        """A :class:`Signer` that signs as ``verification_method`` (a DID URL of this key)."""
        return KeySigner(self, verification_method)


@dataclass(frozen=True)
class KeySigner:
    """A :class:`Signer` backed by an in-memory :class:`KeyPair`."""

    key_pair: KeyPair = field(repr=False)
    verification_method: str

    @property
    def key_type(self) -> KeyType:
        return self.key_pair.type

    def sign(self, data: bytes) -> bytes:
        return self.key_pair.sign(data)
