"""DID resolution and verification-method dereferencing. Offline by default."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import unquote

from ..errors import DIDError, InvalidKeyError, UnsupportedDIDMethodError
from .key import resolve_did_key
from .keys import public_key_from_jwk
from .multikey import KeyType, PublicKey
from .url import parse_did_url

#: Verification relationships; a proof purpose names the one it needs (Data Integrity §2.1).
VERIFICATION_RELATIONSHIPS = (
    "assertionMethod",
    "authentication",
    "capabilityInvocation",
    "capabilityDelegation",
    "keyAgreement",
)


class DIDResolver(Protocol):
    """Resolves a DID to its DID document, raising DIDError when it cannot."""

    def resolve(self, did: str) -> dict[str, Any]:
        """The DID document of ``did``; raises :class:`~skillswallet.errors.DIDError` when
        it cannot."""
        ...


class KeyResolver:
    """Resolves did:key, offline. Refuses other methods with UnsupportedDIDMethodError."""

    def resolve(self, did: str) -> dict[str, Any]:
        """The DID document of a did:key, made from the key itself (offline)."""
        parsed = parse_did_url(did)
        if parsed.method == "web":
            # did:web is supported, not offline by itself: say what to give instead
            host = unquote("".join(parsed.did.split(":")[2:3])).partition(":")[0]
            raise UnsupportedDIDMethodError(
                f"the DID document of {parsed.did} is on its web site, and nothing is "
                "fetched unless you allow it: give a folder of did:web documents "
                f"(--did-web-dir DIR) or allow its host (--allow-network {host})"
            )
        if parsed.method != "key":
            raise UnsupportedDIDMethodError(
                f"DID method {parsed.method!r} is not supported (only did:key is resolved "
                "offline)"
            )
        return resolve_did_key(parsed.did)


class StaticResolver:
    """Resolves from a fixed mapping of DID -> document, falling back to ``fallback``
    (did:key by default). Useful for did:web documents a verifier has pinned, and for
    tests."""

    def __init__(
        self, documents: Mapping[str, dict[str, Any]], fallback: DIDResolver | None = None
    ) -> None:
        self._documents = dict(documents)
        self._fallback: DIDResolver = fallback or KeyResolver()

    def resolve(self, did: str) -> dict[str, Any]:
        """The DID document given for ``did`` (did:key ones are made from the key)."""
        parsed = parse_did_url(did)
        doc = self._documents.get(parsed.did)
        if doc is not None:
            return doc
        return self._fallback.resolve(parsed.did)


@dataclass(frozen=True)
class ResolvedMethod:
    """A verification method found in its controller's DID document."""

    id: str
    controller: str
    public_key: PublicKey
    relationships: frozenset[str]


def _absolute(ref: str, did: str) -> str:
    return did + ref if ref.startswith("#") else ref


_DID_KEY_METHODS: dict[str, ResolvedMethod] = {}
_DID_KEY_CACHE_MAX = 1024


def dereference_verification_method(vm_url: str, resolver: DIDResolver) -> ResolvedMethod:
    """Resolve a verification method URL to its key and the relationships that authorize it.

    Raises :class:`DIDError` if the DID cannot be resolved or the method is not in the
    document. did:key results are cached: they are a pure function of the URL.
    """
    if type(resolver) is KeyResolver:
        cached = _DID_KEY_METHODS.get(vm_url)
        if cached is None:
            cached = _dereference(vm_url, resolver)
            if len(_DID_KEY_METHODS) >= _DID_KEY_CACHE_MAX:
                _DID_KEY_METHODS.clear()
            _DID_KEY_METHODS[vm_url] = cached
        return cached
    return _dereference(vm_url, resolver)


def _dereference(vm_url: str, resolver: DIDResolver) -> ResolvedMethod:
    parsed = parse_did_url(vm_url)
    if not parsed.fragment:
        raise DIDError(f"verification method {vm_url!r} has no fragment")
    document = resolver.resolve(parsed.did)
    doc_id = document.get("id")
    if doc_id != parsed.did:
        raise DIDError(f"DID document id {doc_id!r} does not match {parsed.did!r}")
    wanted = str(parsed)
    method: dict[str, Any] | None = None
    for candidate in document.get("verificationMethod", []) or []:
        if (
            isinstance(candidate, dict)
            and _absolute(str(candidate.get("id", "")), parsed.did) == wanted
        ):
            method = candidate
            break
    relationships: set[str] = set()
    for rel in VERIFICATION_RELATIONSHIPS:
        for entry in document.get(rel, []) or []:
            if isinstance(entry, str) and _absolute(entry, parsed.did) == wanted:
                relationships.add(rel)
            elif (
                isinstance(entry, dict)
                and _absolute(str(entry.get("id", "")), parsed.did) == wanted
            ):
                relationships.add(rel)
                method = method or entry
    if method is None:
        raise DIDError(f"verification method {wanted!r} is not in the DID document of {parsed.did}")
    controller = method.get("controller")
    if controller != parsed.did:
        raise DIDError(
            f"verification method {wanted!r} is controlled by {controller!r}, not {parsed.did}"
        )
    try:
        if method.get("type") == "Multikey" and "publicKeyMultibase" in method:
            key = PublicKey.from_multibase(method["publicKeyMultibase"])
        elif method.get("type") == "Ed25519VerificationKey2020" and "publicKeyMultibase" in method:
            # (the Ed25519 Signature 2020 key: a multicodec ed25519-pub key, as Multikey)
            key = PublicKey.from_multibase(method["publicKeyMultibase"])
            if key.type is not KeyType.ED25519:
                raise DIDError(
                    f"verification method {wanted!r} is an Ed25519VerificationKey2020 "
                    f"holding a {key.type.value} key"
                )
        elif method.get("type") == "JsonWebKey" and isinstance(method.get("publicKeyJwk"), dict):
            key = public_key_from_jwk(method["publicKeyJwk"])
        else:
            raise DIDError(
                f"verification method {wanted!r} has an unsupported type {method.get('type')!r}"
            )
    except (InvalidKeyError, KeyError) as exc:
        raise DIDError(f"verification method {wanted!r} has an invalid key: {exc}") from None
    return ResolvedMethod(wanted, parsed.did, key, frozenset(relationships))
