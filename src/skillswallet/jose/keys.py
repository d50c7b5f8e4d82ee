"""Keys for JWS: the algorithms accepted, the issuer's key (a ``kid`` DID URL resolved
with the DID resolver, or a key the caller pinned), signature checks through joserfc,
and signing with a :class:`~skillswallet.did.keys.Signer` (a vault key never leaves
the vault: the JWS signing input is handed to it)."""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError as JoserfcError
from joserfc.errors import SecurityWarning
from joserfc.jwk import ECKey, OKPKey, import_key

from ..did.keys import Signer, public_key_from_jwk, public_key_to_jwk
from ..did.multikey import KeyType, PublicKey
from ..did.resolver import DIDResolver, dereference_verification_method
from ..did.url import parse_did_url
from ..errors import InvalidKeyError, SkillsWalletError, UnsupportedDIDMethodError
from .compact import MAX_COMPACT_BYTES, JoseError, b64url_encode

# RFC 9864 deprecates "EdDSA" for "Ed25519"; both are accepted and "EdDSA" is still what
# most verifiers (and the SD-JWT reference implementation) read, so it is what we write.
warnings.filterwarnings("ignore", message=".*EdDSA is deprecated.*", category=SecurityWarning)

#: Accepted signature algorithms, by the key type each needs. Never "none", never HMAC:
#: the key type decides the algorithms, so a public key is never used as an HMAC secret.
ALGORITHMS: dict[str, KeyType] = {
    "ES256": KeyType.P256,
    "ES384": KeyType.P384,
    "EdDSA": KeyType.ED25519,
    "Ed25519": KeyType.ED25519,
}
_SIGNING_ALG = {KeyType.P256: "ES256", KeyType.P384: "ES384", KeyType.ED25519: "EdDSA"}


class KeyUnavailable(JoseError):
    """The issuer's key could not be found here (a DID method not resolved offline, no
    ``kid`` and no pinned key): verification cannot decide, which is never a pass."""


def signing_alg(key_type: KeyType) -> str:
    try:
        return _SIGNING_ALG[key_type]
    except KeyError:
        raise InvalidKeyError(f"{key_type.value} keys cannot sign JWTs") from None


class _Registry(jws.JWSRegistry):
    # joserfc's default payload bound (128 KB) is below ours; the input is bounded before.
    max_payload_length = MAX_COMPACT_BYTES


def _registry(alg: str) -> jws.JWSRegistry:
    return _Registry(algorithms=[alg])


@lru_cache(maxsize=512)
def _jose_key(key: PublicKey) -> ECKey | OKPKey:
    jwk: dict[str, str | list[str]] = dict(public_key_to_jwk(key))
    found = import_key(jwk)
    assert isinstance(found, ECKey | OKPKey)
    return found


def public_key_of_jwk(jwk: Any) -> PublicKey:
    """A public key from a JWK (Ed25519 OKP, or EC P-256/P-384); a private JWK, a
    symmetric one or anything else is refused."""
    if not isinstance(jwk, dict):
        raise InvalidKeyError("the JWK is not a JSON object")
    if "d" in jwk:
        raise InvalidKeyError("the JWK holds a private key; give its public half only")
    if not all(isinstance(jwk.get(name, ""), str) for name in ("kty", "crv", "x", "y")):
        raise InvalidKeyError("the JWK's members are not strings")
    try:
        key = public_key_from_jwk(jwk)
    except (KeyError, ValueError):
        raise InvalidKeyError("the JWK is incomplete or not base64url") from None
    if key.type is not KeyType.ED25519:
        try:  # the point must be on the curve, and the JWK's y must be its y
            if public_key_to_jwk(key) != {k: jwk[k] for k in ("kty", "crv", "x", "y")}:
                raise InvalidKeyError("the JWK's y coordinate does not match its x")
        except KeyError:
            raise InvalidKeyError("the JWK is incomplete") from None
    return key


def verify_jws(jwt: str, key: PublicKey, what: str = "the JWT") -> tuple[dict[str, Any], bytes]:
    """Check a compact JWS with ``key`` (joserfc): the header's ``alg`` must be one this
    key type signs, ``crit`` may name nothing we do not understand. Returns the
    protected header and the payload bytes; raises :class:`JoseError` saying why not."""
    header_alg = _header_alg(jwt, what)
    needed = ALGORITHMS.get(header_alg)
    if needed is None:
        raise JoseError(f"{what} uses the algorithm {header_alg!r}, which is not accepted")
    if needed is not key.type:
        raise JoseError(f"{what} uses {header_alg}, which a {key.type.value} key cannot verify")
    try:
        found = jws.deserialize_compact(jwt, _jose_key(key), registry=_registry(header_alg))
    except JoserfcError as exc:
        if exc.error == "bad_signature":
            raise JoseError(
                f"the signature of {what} does not match (tampered, or the wrong key)"
            ) from None
        raise JoseError(f"{what} was refused: {exc.description or exc.error}") from None
    except (ValueError, TypeError, KeyError):
        raise JoseError(f"{what} is malformed") from None
    return dict(found.protected), found.payload


def _header_alg(jwt: str, what: str) -> str:
    from .compact import unverified_header

    alg = unverified_header(jwt).get("alg")
    if not isinstance(alg, str):
        raise JoseError(f"{what} names no signature algorithm")
    if alg.lower() == "none":
        raise JoseError(f"{what} is unsigned (alg 'none'), which is never accepted")
    return alg


def sign_jws(header: dict[str, Any], payload: dict[str, Any], signer: Signer) -> str:
    """A compact JWS of ``payload`` (compact JSON) signed by ``signer``: the signature
    is the raw Ed25519 or IEEE P1363 r||s ECDSA signature that JWS uses."""
    alg = signing_alg(signer.key_type)
    protected = {"alg": alg, **header}
    signing_input = b64url_encode(_compact(protected)) + "." + b64url_encode(_compact(payload))
    return signing_input + "." + b64url_encode(signer.sign(signing_input.encode("ascii")))


def _compact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class IssuerKey:
    """The key a JWT is checked with and where it came from."""

    public: PublicKey
    #: The DID that controls it (a ``kid`` DID URL's DID), None for a pinned key.
    controller: str | None
    source: str


def find_issuer_key(
    header: dict[str, Any],
    resolver: DIDResolver,
    pinned: PublicKey | None,
    purpose: str = "assertionMethod",
) -> IssuerKey:
    """The issuer's key: the pinned key when the caller gave one, else the ``kid``
    header as a DID URL, dereferenced with ``resolver`` and authorized for ``purpose``.
    Raises :class:`JoseError` (fails) or :class:`KeyUnavailable` (cannot decide)."""
    if pinned is not None:
        return IssuerKey(pinned, None, "the pinned issuer key")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid.startswith("did:"):
        raise KeyUnavailable(
            "the issuer's key cannot be found: the JWT's kid is not a DID URL and no issuer "
            "key was pinned (give one: a public JWK)"
        )
    try:
        parse_did_url(kid)
        method = dereference_verification_method(kid, resolver)
    except UnsupportedDIDMethodError as exc:
        raise KeyUnavailable(f"could not resolve the key {kid}: {exc}") from None
    except SkillsWalletError as exc:
        raise JoseError(f"the key {kid} was rejected: {exc}") from None
    except Exception as exc:  # a caller's resolver failed (network, bug): undecided
        raise KeyUnavailable(f"the DID resolver failed for {kid}: {type(exc).__name__}") from None
    if purpose not in method.relationships:
        raise JoseError(f"the key {kid} is not authorized for {purpose} by its DID document")
    return IssuerKey(method.public_key, method.controller, kid)
