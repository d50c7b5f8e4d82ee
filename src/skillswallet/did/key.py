"""The did:key method: a DID that *is* a public key, resolved offline."""

from __future__ import annotations

from typing import Any

from ..errors import DIDError, InvalidKeyError
from .keys import ed25519_to_x25519
from .multikey import KeyType, PublicKey
from .url import parse_did_url

#: The DID document context the current did:key specification uses.
DID_CONTEXT_V1_1 = "https://www.w3.org/ns/did/v1.1"


def did_from_public_key(key: PublicKey) -> str:
    """The did:key of a public key (``did:key:`` and its Multikey encoding)."""
    if key.type is KeyType.X25519:
        raise InvalidKeyError("did:key for signing needs an Ed25519 or P-256/P-384 key")
    return f"did:key:{key.multibase}"


def verification_method_id(key: PublicKey) -> str:
    """The did:key verification method of a public key (``did:key:z...#z...``)."""
    mb = key.multibase
    return f"did:key:{mb}#{mb}"


def public_key_from_did(did: str) -> PublicKey:
    """Decode the public key inside a did:key DID (or DID URL)."""
    parsed = parse_did_url(did)
    if parsed.method != "key":
        raise DIDError(f"not a did:key DID: {parsed.did}")
    msid = parsed.method_specific_id
    try:
        key = PublicKey.from_multibase(msid)
    except InvalidKeyError as exc:
        raise DIDError(f"invalid did:key {parsed.did[:80]}: {exc}") from None
    if key.type is KeyType.X25519:
        raise DIDError("did:key with an X25519 key cannot sign; it is not supported here")
    return key


def resolve_did_key(did: str) -> dict[str, Any]:
    """Build the DID document of a did:key DID (did:key spec v0.9, Multikey form)."""
    key = public_key_from_did(did)
    parsed_did = parse_did_url(did).did
    vm_id = f"{parsed_did}#{key.multibase}"
    document: dict[str, Any] = {
        "@context": [DID_CONTEXT_V1_1],
        "id": parsed_did,
        "verificationMethod": [
            {
                "id": vm_id,
                "type": "Multikey",
                "controller": parsed_did,
                "publicKeyMultibase": key.multibase,
            }
        ],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityDelegation": [vm_id],
        "capabilityInvocation": [vm_id],
    }
    if key.type is KeyType.ED25519:
        x_key = ed25519_to_x25519(key)
        document["keyAgreement"] = [
            {
                "id": f"{parsed_did}#{x_key.multibase}",
                "type": "Multikey",
                "controller": parsed_did,
                "publicKeyMultibase": x_key.multibase,
            }
        ]
    return document
