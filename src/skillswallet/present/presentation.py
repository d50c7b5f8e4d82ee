"""Building a verifiable presentation: the holder as ``holder``, the credentials (whole or
derived), and an ``authentication`` proof bound to the verifier's challenge and domain
that expires shortly. Pure: the signer, the clock and the loader are passed in.

Why the proof's ``expires`` and not the presentation's ``validUntil``: VC Data Model 2.0
defines ``validFrom``/``validUntil`` for credentials only (the v2 context scopes them to
``VerifiableCredential``; on a presentation they would be undefined terms, which Data
Integrity's data-loss check refuses), while Data Integrity 1.0 §2.1 gives every proof an
optional ``expires``: "when the proof expires". A replayed presentation is refused by
the proof check once it has expired (plus the verifier's clock skew)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from ..credentials.jcs import canonicalize
from ..credentials.loader import ContextLoader
from ..credentials.model import VC_V2_CONTEXT, is_url
from ..credentials.proofs import add_proof
from ..did.keys import Signer
from ..did.multikey import KeyType
from ..errors import PresentationError

#: The holder proof's suite for each key type (Ed25519 keys: eddsa-rdfc-2022).
HOLDER_SUITES = {
    KeyType.ED25519: "eddsa-rdfc-2022",
    KeyType.P256: "ecdsa-rdfc-2019",
    KeyType.P384: "ecdsa-rdfc-2019",
}


def build_presentation(
    credentials: Sequence[dict[str, Any]],
    *,
    holder: str,
    signer: Signer,
    challenge: str,
    domain: str,
    created: datetime,
    expires: datetime | None,
    loader: ContextLoader | None = None,
) -> dict[str, Any]:
    """A signed presentation of ``credentials`` by ``holder`` (the signer's DID)."""
    check_binding(challenge, domain)
    if not is_url(holder):
        raise PresentationError(f"the holder must be a DID, not {holder!r}")
    if expires is not None and expires <= created:
        raise PresentationError("the presentation must expire after it is made")
    vp: dict[str, Any] = {
        "@context": [VC_V2_CONTEXT],
        "type": ["VerifiablePresentation"],
        "holder": holder,
    }
    if credentials:
        vp["verifiableCredential"] = list(credentials)
    return add_proof(
        vp,
        signer,
        cryptosuite=HOLDER_SUITES[signer.key_type],
        proof_purpose="authentication",
        created=created,
        expires=expires,
        challenge=challenge,
        domain=domain,
        loader=loader,
        copy_input=False,
    )


def check_binding(challenge: Any, domain: Any) -> None:
    """PresentationError unless challenge and domain are non-empty strings."""
    for name, value in (("challenge", challenge), ("domain", domain)):
        if not isinstance(value, str) or not value.strip():
            raise PresentationError(
                f"a presentation needs the verifier's {name} (a non-empty string): it binds "
                "the presentation to that verifier and that request, so it cannot be replayed"
            )


def presentation_digest(presentation: dict[str, Any]) -> str:
    """SHA-256 (hex) of the presentation's JCS form (RFC 8785): the same for any
    pretty-printing of the same presentation."""
    return hashlib.sha256(canonicalize(presentation)).hexdigest()
