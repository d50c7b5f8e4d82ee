"""SD-JWT VCs (IETF SD-JWT and SD-JWT VC drafts, ``dc+sd-jwt``): issue one from a key
with chosen selectively disclosable claims, bound to the holder's key (``cnf.jwk``);
present one with chosen disclosures and a Key Binding JWT for a verifier's nonce and
audience; and check one (:func:`check_sd_jwt`, the checks behind ``verify``)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..did.keys import Signer, public_key_to_jwk
from ..did.multikey import PublicKey
from ..did.url import parse_did_url
from ..errors import DIDError, InvalidKeyError, PresentationError
from .claims import numeric, numeric_date, stamp
from .compact import (
    KB_JWT,
    SD_JWT_VC,
    SD_JWT_VC_LEGACY,
    JoseError,
    Parts,
    b64url_encode,
    split,
    unverified_header,
    unverified_payload,
)
from .disclosures import HASHES, Processed, conceal, hash_alg, process
from .keys import public_key_of_jwk, sign_jws, verify_jws

#: Claims an SD-JWT VC never hides (SD-JWT VC §3.2.2.2): they control its validity.
NEVER_DISCLOSABLE = frozenset({"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"})
#: How old a Key Binding JWT may be (its ``iat``), besides the clock skew.
KB_MAX_AGE = timedelta(minutes=5)


@dataclass(frozen=True)
class IssuedSdJwt:
    """An issued SD-JWT VC: the serialization for the holder, and what can be hidden."""

    serialization: str
    disclosable: tuple[str, ...]


def issue_sd_jwt_vc(
    claims: dict[str, Any],
    signer: Signer,
    *,
    vct: str,
    disclosable: Sequence[str],
    holder_key: PublicKey | None = None,
    issuer: str | None = None,
    issued_at: datetime,
    expires: datetime | None = None,
    decoys: int = 0,
) -> IssuedSdJwt:
    """Sign an SD-JWT VC with ``signer`` (its ``kid`` is the signer's verification method;
    ``iss`` is ``issuer``, default the method's DID). ``disclosable`` names the claims
    the holder may hide (paths as :func:`~skillswallet.jose.disclosures.conceal` takes);
    ``holder_key`` becomes ``cnf.jwk`` so presentations must carry a KB-JWT by it."""
    reserved = sorted({p.split(".")[0].removesuffix("[]") for p in disclosable} & NEVER_DISCLOSABLE)
    if reserved:
        raise JoseError(f"{reserved[0]} controls the credential's validity: it cannot be hidden")
    clash = sorted(set(claims) & {"iss", "iat", "exp", "vct", "cnf", "_sd", "_sd_alg"})
    if clash:
        raise JoseError(f"the claims set {clash[0]!r} itself; pass it as an argument instead")
    try:
        did = parse_did_url(signer.verification_method).did
    except DIDError as exc:
        raise JoseError(f"the signer's key is not a DID URL: {exc}") from None
    payload: dict[str, Any] = {"iss": issuer or did, "iat": numeric(issued_at), "vct": vct}
    if expires is not None:
        payload["exp"] = numeric(expires)
    if holder_key is not None:
        payload["cnf"] = {"jwk": public_key_to_jwk(holder_key)}
    hidden, disclosures = conceal(claims, list(disclosable), decoys=decoys)
    payload.update(hidden)
    payload["_sd_alg"] = "sha-256"
    header = {"typ": SD_JWT_VC, "kid": signer.verification_method}
    jwt = sign_jws(header, payload, signer)
    serialization = "~".join((jwt, *(d.encoded for d in disclosures))) + "~"
    return IssuedSdJwt(serialization, tuple(disclosable))


# --- reading ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SdJwt:
    """An SD-JWT read (its signature not yet checked) and processed with its disclosures."""

    parts: Parts
    header: dict[str, Any]
    signed: dict[str, Any]
    processed: Processed

    @property
    def claims(self) -> dict[str, Any]:
        """The Processed SD-JWT Payload: what the disclosures given reveal."""
        return self.processed.payload


def read_sd_jwt(text: str) -> SdJwt:
    """Split and process an SD-JWT. Raises :class:`JoseError` for anything malformed
    (the issuer's signature is checked apart: :func:`check_sd_jwt`)."""
    parts = split(text)
    if not parts.is_sd_jwt:
        raise JoseError("not an SD-JWT (no '~' separated disclosures)")
    header = unverified_header(parts.jwt)
    signed = unverified_payload(parts.jwt)
    return SdJwt(parts, header, signed, process(signed, parts.disclosures))


def view(text: str) -> dict[str, Any]:
    """The claims an SD-JWT VC discloses (for display; checked when it was imported)."""
    return read_sd_jwt(text).claims


def disclosable_claims(text: str) -> list[str]:
    """The claim paths (dotted) the holder can choose among, in the SD-JWT's order."""
    found = read_sd_jwt(text).processed.paths
    return list(dict.fromkeys(".".join(path) for path in found.values()))


# --- presenting ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SdJwtPresentation:
    """An SD-JWT+KB for one verifier, and what it reveals and withholds."""

    serialization: str
    disclosed: list[str]
    withheld: list[str]
    sd_hash: str


def present_sd_jwt(
    text: str,
    disclose: Sequence[str],
    *,
    nonce: str,
    audience: str,
    holder: Signer,
    now: datetime,
) -> SdJwtPresentation:
    """Keep the disclosures of the claims named in ``disclose`` (a name, or ``a.b`` for a
    nested claim: the disclosures inside a disclosed claim and those on the way to it are
    kept; the rest are left out) and sign a KB-JWT over the result with ``holder``, which
    must be the key the SD-JWT binds (``cnf.jwk``)."""
    if not nonce or not audience:
        raise PresentationError("an SD-JWT presentation needs the verifier's nonce and audience")
    chosen = select_disclosures(text, disclose)
    return key_bind(chosen, nonce=nonce, audience=audience, holder=holder, now=now)


@dataclass(frozen=True)
class SdJwtSelection:
    """An SD-JWT cut down to the chosen disclosures, not yet key-bound."""

    sd_jwt: str
    disclosed: list[str]
    withheld: list[str]


def select_disclosures(text: str, disclose: Sequence[str] | None) -> SdJwtSelection:
    """The SD-JWT with only the disclosures of the claims in ``disclose`` (see
    :func:`present_sd_jwt`; None keeps them all), ending in ``~`` for a KB-JWT."""
    read = read_sd_jwt(text)
    if read.parts.kb_jwt:
        raise PresentationError("this is already a presentation (it ends in a KB-JWT)")
    paths = read.processed.paths
    names = {".".join(p) for p in paths.values()}
    if disclose is None:
        keep = list(read.parts.disclosures)
    else:
        wanted = [tuple(name.split(".")) for name in dict.fromkeys(disclose)]
        for want in wanted:
            if not any(_starts(path, want) or _starts(want, path) for path in paths.values()):
                top = set(read.claims)
                if ".".join(want) in top or (want[0] in top and len(want) == 1):
                    continue  # always disclosed: nothing to choose
                raise PresentationError(
                    f"the credential has no claim {'.'.join(want)!r}; selectively disclosable: "
                    + (", ".join(sorted(names)) or "none")
                )
        keep = [
            encoded
            for encoded in read.parts.disclosures
            if _kept(paths.get(_digest_of(encoded, read)), wanted)
        ]
    kept_paths = {".".join(paths[_digest_of(e, read)]) for e in keep}
    return SdJwtSelection(
        "~".join((read.parts.jwt, *keep)) + "~", sorted(kept_paths), sorted(names - kept_paths)
    )


def key_bind(
    chosen: SdJwtSelection, *, nonce: str, audience: str, holder: Signer, now: datetime
) -> SdJwtPresentation:
    """Sign a KB-JWT (``nonce``, ``aud``, ``iat``, ``sd_hash``) over the chosen SD-JWT with
    ``holder``, which must be the key it binds (``cnf.jwk``)."""
    signed = unverified_payload(chosen.sd_jwt.split("~", 1)[0])
    try:
        bound = holder_key(signed)
    except JoseError as exc:
        raise PresentationError(str(exc)) from None
    if public_key_to_jwk(bound) != _public_jwk_of(holder):
        raise PresentationError("the SD-JWT is bound to another key than the one given")
    alg = hash_alg(signed)
    sd_hash = b64url_encode(HASHES[alg](chosen.sd_jwt.encode("ascii")).digest())
    kb = sign_jws(
        {"typ": KB_JWT},
        {"iat": numeric(now), "aud": audience, "nonce": nonce, "sd_hash": sd_hash},
        holder,
    )
    return SdJwtPresentation(chosen.sd_jwt + kb, chosen.disclosed, chosen.withheld, sd_hash)


def _public_jwk_of(signer: Signer) -> dict[str, str]:
    from ..did.resolver import KeyResolver, dereference_verification_method

    method = dereference_verification_method(signer.verification_method, KeyResolver())
    return public_key_to_jwk(method.public_key)


def _digest_of(encoded: str, read: SdJwt) -> str:
    from .disclosures import digest

    return digest(encoded, hash_alg(read.signed))


def _starts(path: tuple[str, ...], prefix: tuple[str, ...]) -> bool:
    return path[: len(prefix)] == prefix


def _kept(path: tuple[str, ...] | None, wanted: list[tuple[str, ...]]) -> bool:
    if path is None:
        return False
    return any(_starts(path, want) or _starts(want, path) for want in wanted)


# --- key binding -----------------------------------------------------------------------------


def holder_key(signed: dict[str, Any]) -> PublicKey:
    """The holder key an SD-JWT binds (``cnf.jwk``); :class:`JoseError` if none is usable."""
    bound = signed.get("cnf")
    jwk = bound.get("jwk") if isinstance(bound, dict) else None
    if jwk is None:
        raise JoseError("the SD-JWT binds no holder key (cnf.jwk), so no KB-JWT can prove it")
    try:
        return public_key_of_jwk(jwk)
    except InvalidKeyError as exc:
        raise JoseError(f"the holder key (cnf.jwk) is unusable: {exc}") from None


@dataclass(frozen=True)
class KeyBinding:
    nonce: Any
    audience: Any
    issued: datetime | None


def check_key_binding(read: SdJwt, now: datetime, skew: timedelta) -> KeyBinding:
    """SD-JWT §7.3 step 5: the KB-JWT is signed by the key in ``cnf.jwk``, typed
    ``kb+jwt``, recent, and its ``sd_hash`` is over exactly this SD-JWT. Returns its nonce
    and audience (compared by the caller); raises :class:`JoseError` saying what is wrong."""
    kb = read.parts.kb_jwt
    if not kb:
        raise JoseError("key binding is required but the SD-JWT has no KB-JWT")
    header, raw = verify_jws(kb, holder_key(read.signed), "the KB-JWT")
    if header.get("typ") != KB_JWT:
        raise JoseError(f"the KB-JWT's typ is {header.get('typ')!r}, not {KB_JWT!r}")
    from .compact import json_part

    claims = json_part(b64url_encode(raw), "the KB-JWT payload")
    if not isinstance(claims, dict):
        raise JoseError("the KB-JWT payload is not a JSON object")
    expected = b64url_encode(
        HASHES[hash_alg(read.signed)](read.parts.sd_hash_input.encode("ascii")).digest()
    )
    if claims.get("sd_hash") != expected:
        raise JoseError(
            "the KB-JWT's sd_hash does not match this SD-JWT (disclosures were added, "
            "removed or changed after the holder signed)"
        )
    issued = numeric_date(claims, "iat")
    if issued is None:
        raise JoseError("the KB-JWT has no iat")
    if issued > now + skew:
        raise JoseError(f"the KB-JWT was made in the future ({stamp(issued)})")
    if issued < now - KB_MAX_AGE - skew:
        raise JoseError(f"the KB-JWT is too old: made at {stamp(issued)}")
    return KeyBinding(claims.get("nonce"), claims.get("aud"), issued)


def is_sd_jwt_vc_type(typ: Any) -> bool:
    return isinstance(typ, str) and typ.lower().removeprefix("application/") in (
        SD_JWT_VC,
        SD_JWT_VC_LEGACY,
    )


def sd_hash_of(text: str) -> str:
    """The ``sd_hash`` a KB-JWT over this SD-JWT (without KB-JWT) must carry (sha-256)."""
    return b64url_encode(hashlib.sha256(text.encode("ascii")).digest())
