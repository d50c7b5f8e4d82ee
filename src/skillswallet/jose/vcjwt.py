"""VC-JOSE-COSE (``application/vc+jwt``): a compact JWS whose payload is the credential's
JSON itself. Issuing signs it with a key (a vault key never leaves the vault); checking is
in :mod:`skillswallet.jose.checks`."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..credentials.model import issuer_id
from ..did.keys import Signer
from ..did.url import parse_did_url
from ..errors import DIDError
from .claims import numeric
from .compact import VC_JWT, JoseError, split, unverified_payload
from .keys import sign_jws


def issue_vc_jwt(
    credential: dict[str, Any],
    signer: Signer,
    *,
    issued_at: datetime | None = None,
    expires: datetime | None = None,
) -> str:
    """Sign ``credential`` (a VC 2.0 JSON object, without a proof) as ``vc+jwt``: ``kid``
    is the signer's verification method, and ``issuer`` is set to its DID when absent
    (a different issuer is refused: the key must be the issuer's). ``iat``/``exp`` are
    the signature's issuance and expiry (VC-JOSE-COSE §3.1.2), when given."""
    if "proof" in credential:
        raise JoseError("the credential already has a proof; give it unsigned")
    try:
        did = parse_did_url(signer.verification_method).did
    except DIDError as exc:
        raise JoseError(f"the signer's key is not a DID URL: {exc}") from None
    payload = dict(credential)
    payload.setdefault("issuer", did)
    if issuer_id(payload) != did:
        raise JoseError(f"the credential's issuer is {issuer_id(payload)!r}, not the key's {did}")
    if issued_at is not None:
        payload["iat"] = numeric(issued_at)
    if expires is not None:
        payload["exp"] = numeric(expires)
    return sign_jws(
        {"typ": VC_JWT, "cty": "vc", "kid": signer.verification_method}, payload, signer
    )


def view(text: str) -> dict[str, Any]:
    """The credential a vc+jwt carries (its payload; checked when it was imported)."""
    return unverified_payload(split(text).jwt)
