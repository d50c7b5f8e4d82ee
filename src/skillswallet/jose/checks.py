"""The checks :func:`skillswallet.verify` runs on a compact JWT or SD-JWT, as
:class:`~skillswallet.result.Check` values: the format (structure), the signature
(proof), the disclosures, the issuer, the time claims, status and key binding. Nothing
here raises for a bad input: every problem is a failed check with its reason."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..credentials.model import issuer_id, validate_credential
from ..errors import InvalidKeyError
from ..result import Check, CheckId, Status
from .claims import time_problem
from .compact import (
    SD_JWT_VC,
    VC_JWT,
    JoseError,
    split,
    unverified_header,
    unverified_payload,
)
from .disclosures import hash_alg
from .keys import IssuerKey, KeyUnavailable, find_issuer_key, public_key_of_jwk, verify_jws
from .sdjwt import NEVER_DISCLOSABLE, SdJwt, check_key_binding, is_sd_jwt_vc_type, read_sd_jwt

if TYPE_CHECKING:
    from ..did.multikey import PublicKey
    from ..verify import VerifyOptions

#: ``typ`` values read as VC-JOSE-COSE (the last two from its earlier drafts).
VC_JWT_TYPES = frozenset({VC_JWT, "vc+ld+json+jwt", "vc+ld+jwt"})


def compact_format(text: str) -> str:
    """``dc+sd-jwt``, ``vc+jwt``, or the ``typ`` found, for routing and reports."""
    try:
        parts = split(text)
        typ = unverified_header(parts.jwt).get("typ")
    except JoseError:
        return "unreadable"
    if parts.is_sd_jwt or is_sd_jwt_vc_type(typ):
        return SD_JWT_VC
    if isinstance(typ, str) and typ.lower().removeprefix("application/") in VC_JWT_TYPES:
        return VC_JWT
    return str(typ) if isinstance(typ, str) else "jwt"


def has_key_binding(text: str) -> bool:
    """Whether the input is an SD-JWT+KB (a presentation: it needs a nonce to check)."""
    try:
        return bool(split(text).kb_jwt)
    except JoseError:
        return False


def check_compact(
    text: str, target: str, opts: VerifyOptions, binding_target: str = "presentation"
) -> list[Check]:
    """The checks of a compact JWT or SD-JWT; an SD-JWT's key binding checks (with a
    challenge) go to ``binding_target``: the presentation it is, or, enveloped in a
    presentation, the credential itself."""
    fmt = compact_format(text)
    if fmt == SD_JWT_VC:
        return _check_sd_jwt(text, target, opts, binding_target)
    if fmt == VC_JWT:
        return _check_vc_jwt(text, target, opts)
    reason = (
        "not a JWT or SD-JWT that can be read"
        if fmt == "unreadable"
        else f"a JWT of type {fmt!r}: only {VC_JWT} and {SD_JWT_VC} credentials are accepted"
    )
    try:
        split(text)
    except JoseError as exc:
        reason = str(exc)
    return [Check(CheckId.STRUCTURE, target, Status.FAILED, reason, {"format": fmt})]


def _pinned(opts: VerifyOptions) -> PublicKey | None:
    if opts.issuer_key is None:
        return None
    return public_key_of_jwk(opts.issuer_key)


def _signature(
    jwt: str, header: dict[str, Any], target: str, opts: VerifyOptions
) -> tuple[Check, IssuerKey | None]:
    try:
        key = find_issuer_key(header, opts.resolver, _pinned(opts))
    except KeyUnavailable as exc:
        return Check(CheckId.PROOF, target, Status.INCONCLUSIVE, str(exc)), None
    except (JoseError, InvalidKeyError) as exc:
        return Check(CheckId.PROOF, target, Status.FAILED, str(exc)), None
    try:
        verify_jws(jwt, key.public, "the issuer-signed JWT")
    except JoseError as exc:
        return Check(CheckId.PROOF, target, Status.FAILED, str(exc)), None
    detail = {"alg": header.get("alg"), "key": key.source}
    return (
        Check(
            CheckId.PROOF,
            target,
            Status.PASSED,
            f"signature valid ({header.get('alg')}, {key.source})",
            detail,
        ),
        key,
    )


def _issuer_binding(key: IssuerKey, issuer: str | None, iss: Any, target: str) -> Check:
    if iss is not None and issuer is not None and iss != issuer:
        return Check(
            CheckId.ISSUER_BINDING,
            target,
            Status.FAILED,
            f"the JWT's iss {iss!r} is not the credential's issuer {issuer!r}",
        )
    named = issuer if issuer is not None else iss
    if key.controller is None:
        who = f" for {named}" if isinstance(named, str) else ""
        return Check(
            CheckId.ISSUER_BINDING, target, Status.PASSED, f"signed with the pinned key{who}"
        )
    if named is None:
        return Check(
            CheckId.ISSUER_BINDING,
            target,
            Status.PASSED,
            f"no issuer is named; the key's controller {key.controller} signed it",
        )
    if named == key.controller:
        return Check(
            CheckId.ISSUER_BINDING,
            target,
            Status.PASSED,
            f"signed with a key of the issuer {named}",
        )
    return Check(
        CheckId.ISSUER_BINDING,
        target,
        Status.FAILED,
        f"the key belongs to {key.controller}, not the issuer {named}",
        {"issuer": named, "signer": key.controller},
    )


def _times(claims: dict[str, Any], target: str, opts: VerifyOptions) -> Check | None:
    problem = time_problem(claims, opts.now, opts.skew)
    if problem is None:
        return None
    reason, kind = problem
    return Check(CheckId.VALIDITY_PERIOD, target, Status.FAILED, reason, {"problem": kind})


def _skipped(target: str, reason: str, *ids: CheckId) -> list[Check]:
    return [Check(i, target, Status.SKIPPED, reason) for i in ids]


# --- SD-JWT VC -------------------------------------------------------------------------------


def _check_sd_jwt(text: str, target: str, opts: VerifyOptions, binding_target: str) -> list[Check]:
    checks: list[Check] = []
    try:
        read = read_sd_jwt(text)
        structure = _sd_jwt_structure(read, target)
    except JoseError as exc:
        return [Check(CheckId.STRUCTURE, target, Status.FAILED, str(exc), {"format": SD_JWT_VC})]
    except RecursionError:
        return [
            Check(
                CheckId.STRUCTURE, target, Status.FAILED, "nested too deeply", {"format": SD_JWT_VC}
            )
        ]
    checks.append(structure)
    if structure.status is not Status.PASSED:
        return checks
    signature, key = _signature(read.parts.jwt, read.header, target, opts)
    checks.append(signature)
    disclosed = sorted({".".join(p) for p in read.processed.paths.values()})
    checks.append(
        Check(
            CheckId.DISCLOSURES,
            target,
            Status.PASSED,
            f"{len(read.parts.disclosures)} disclosure(s), each matching one digest the issuer "
            f"signed ({', '.join(disclosed) or 'nothing hidden is disclosed'})",
            {"disclosed": disclosed, "undisclosed": read.processed.undisclosed},
        )
    )
    bound = _key_binding(read, opts, binding_target)
    if key is None:
        checks += _skipped(
            target,
            "not checked: the signature did not verify",
            CheckId.ISSUER_BINDING,
            CheckId.VALIDITY_PERIOD,
            CheckId.STATUS,
        )
        return checks + _skipped_binding(
            bound, "not checked: the issuer's signature did not verify"
        )
    claims = read.claims
    checks.append(_issuer_binding(key, None, claims.get("iss"), target))
    checks.append(
        _times(claims, target, opts)
        or Check(CheckId.VALIDITY_PERIOD, target, Status.PASSED, _validity_text(claims))
    )
    checks.append(_status(claims, target))
    if opts.trust:
        checks.append(_trust(sd_jwt_as_credential(claims), target, opts))
    return checks + bound


def _sd_jwt_structure(read: SdJwt, target: str) -> Check:
    target_fmt = {"format": SD_JWT_VC}
    typ = read.header.get("typ")
    reason = None
    if not is_sd_jwt_vc_type(typ):
        reason = f"the issuer-signed JWT's typ is {typ!r}, not {SD_JWT_VC!r}"
    elif not isinstance(read.signed.get("vct"), str):
        reason = "the SD-JWT VC has no vct (its type)"
    else:
        hidden = sorted(
            path[0]
            for d, path in read.processed.paths.items()
            if len(path) == 1
            and read.processed.parents.get(d) is None
            and path[0] in NEVER_DISCLOSABLE
        )
        if hidden:
            reason = f"the claim {hidden[0]!r} is selectively disclosable, which is not allowed"
    hash_alg(read.signed)
    if reason is not None:
        return Check(CheckId.STRUCTURE, target, Status.FAILED, reason, target_fmt)
    count = len(read.parts.disclosures)
    kb = " and a KB-JWT" if read.parts.kb_jwt else ""
    return Check(
        CheckId.STRUCTURE,
        target,
        Status.PASSED,
        f"an SD-JWT VC ({SD_JWT_VC}, vct {read.signed['vct']}) with {count} disclosure(s){kb}",
        {**target_fmt, "vct": read.signed["vct"], "keyBinding": bool(read.parts.kb_jwt)},
    )


def _validity_text(claims: dict[str, Any]) -> str:
    stated = [n for n in ("exp", "nbf", "iat") if n in claims]
    return (
        f"within its validity period ({', '.join(stated)})"
        if stated
        else "no validity period is stated"
    )


def _status(claims: dict[str, Any], target: str) -> Check:
    if "status" not in claims:
        return Check(CheckId.STATUS, target, Status.SKIPPED, "the credential has no status entry")
    return Check(
        CheckId.STATUS,
        target,
        Status.INCONCLUSIVE,
        "the credential has a status entry but no status list was available to check it",
        {"status": claims["status"]},
    )


def _key_binding(read: SdJwt, opts: VerifyOptions, target: str) -> list[Check]:
    """Key binding is required when the caller gives a challenge (a verifier's nonce),
    and always for an SD-JWT enveloped in a presentation (its KB-JWT is what binds it to
    the holder's key: without one, anyone who saw the SD-JWT could present it); never
    decided by whether a KB-JWT happens to be there (SD-JWT §7.3 step 1)."""
    if opts.challenge is None and not opts.in_presentation:
        return []
    try:
        binding = check_key_binding(read, opts.now, opts.skew)
    except JoseError as exc:
        return [
            Check(CheckId.HOLDER_BINDING, target, Status.FAILED, str(exc)),
            *_skipped(
                target, "not checked: the key binding failed", CheckId.CHALLENGE, CheckId.DOMAIN
            ),
        ]
    checks = [
        Check(
            CheckId.HOLDER_BINDING,
            target,
            Status.PASSED,
            "the KB-JWT is signed by the holder key the issuer bound (cnf.jwk), over exactly "
            "these disclosures (sd_hash)",
        )
    ]
    if opts.challenge is None:  # (a presentation whose verifier requested none)
        checks.append(
            Check(
                CheckId.CHALLENGE,
                target,
                Status.SKIPPED,
                "no challenge was requested: the KB-JWT's nonce was compared with nothing",
            )
        )
    else:
        checks.append(_matches(CheckId.CHALLENGE, "nonce", binding.nonce, opts.challenge, target))
    if opts.domain is None:
        checks.append(Check(CheckId.DOMAIN, target, Status.SKIPPED, "no audience was requested"))
    else:
        checks.append(_matches(CheckId.DOMAIN, "audience", binding.audience, opts.domain, target))
    return checks


def _matches(check_id: CheckId, name: str, found: Any, expected: str, target: str) -> Check:
    if found == expected:
        return Check(check_id, target, Status.PASSED, f"{name} matches")
    reason = f"the KB-JWT's {name} {found!r} is not the expected {expected!r}"
    return Check(check_id, target, Status.FAILED, reason)


def _skipped_binding(bound: list[Check], reason: str) -> list[Check]:
    return [
        Check(c.id, c.target, Status.SKIPPED, reason) if c.status is Status.PASSED else c
        for c in bound
    ]


def _trust(document: dict[str, Any], target: str, opts: VerifyOptions) -> Check:
    from ..verify import _check_trust

    return _check_trust(document, target, opts)


def sd_jwt_as_credential(claims: dict[str, Any]) -> dict[str, Any]:
    """What an SD-JWT VC's claims say, in the shape of a W3C credential, for the vault's
    summary, the skills profile and trust lists (never signed, never shown as a credential).
    See :func:`skillswallet.jose.holding.skills_of` for the skill claims read."""
    from .holding import as_credential

    return as_credential(claims)


# --- VC-JOSE-COSE ----------------------------------------------------------------------------


def _check_vc_jwt(text: str, target: str, opts: VerifyOptions) -> list[Check]:
    fmt = {"format": VC_JWT}
    try:
        parts = split(text)
        header = unverified_header(parts.jwt)
        payload = unverified_payload(parts.jwt)
    except JoseError as exc:
        return [Check(CheckId.STRUCTURE, target, Status.FAILED, str(exc), fmt)]
    problems = []
    if "vc" in payload or "vp" in payload:
        problems.append(
            "the JWT carries a 'vc' or 'vp' claim (the VC 1.1 JWT encoding), "
            "not a VC-JOSE-COSE credential"
        )
    else:
        problems = validate_credential(payload)
    if problems:
        return [Check(CheckId.STRUCTURE, target, Status.FAILED, "; ".join(problems), fmt)]
    checks = [
        Check(
            CheckId.STRUCTURE,
            target,
            Status.PASSED,
            f"a VC-JOSE-COSE credential ({VC_JWT}) that is well-formed",
            fmt,
        )
    ]
    from ..verify import _check_contexts, _check_schema, _check_status, _check_validity

    contexts = _check_contexts(payload, target, opts)
    checks.append(contexts)
    signature, key = _signature(parts.jwt, header, target, opts)
    checks.append(signature)
    if key is None:
        return checks + _skipped(
            target,
            "not checked: the signature did not verify",
            CheckId.ISSUER_BINDING,
            CheckId.VALIDITY_PERIOD,
            CheckId.STATUS,
            *((CheckId.TRUST,) if opts.trust else ()),
            CheckId.SCHEMA,
        )
    checks.append(_issuer_binding(key, issuer_id(payload), payload.get("iss"), target))
    checks.append(_times(payload, target, opts) or _check_validity(payload, target, opts))
    checks.append(_check_status(payload, target, opts))
    if opts.trust:
        checks.append(_trust(payload, target, opts))
    checks.append(_check_schema(payload, target, opts))
    return checks
