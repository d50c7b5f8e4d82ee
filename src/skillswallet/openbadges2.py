"""Open Badges 2.0 assertions (IMS Final Release, 2018): recognised, verified offline as far
as they can be, and described in the shape of our credentials' summaries.

* **Signed** assertions (``verification.type`` ``SignedBadge``) come as a compact JWS whose
  payload is the assertion. Only RS256 and ES256 are accepted (``none``, HMAC and every other
  algorithm are refused), no ``crit`` header, and the key must be one the caller pinned
  (:func:`load_issuer_key`: the issuer's ``CryptographicKey`` document, or a PEM public
  key) whose ``owner`` is the assertion's issuer; ``verification.creator``, when given, must
  name that key and lie on the issuer's host.
* **Hosted** assertions (``HostedBadge``) are verified by fetching their ``id`` from the
  issuer's host. Offline (the default) that is not done: the proof check is inconclusive,
  and an import stores them flagged ``hosted-unverified`` ("issued by a host, not verified
  offline"), never as verified. Their ``id`` (and a legacy ``verify.url``) must still lie
  on the issuer's host (or an origin the issuer's ``verification`` allows).

**Network, opt-in**: given a ``fetcher`` (a :class:`~skillswallet.net.HttpsFetcher`, with
its allow-list, size and time limits and private-address refusal), a hosted assertion is
fetched from its ``id`` and must match what was presented (a badge or issuer embedded on
one side and linked by the same id on the other counts as the same; the host's
``revoked`` is its status), and a signed assertion whose key was not pinned gets its key
from ``verification.creator``: a ``CryptographicKey`` whose ``id`` is that URL and whose
``owner`` is the issuer. Nothing off the issuer's host is fetched: such a URL fails with
the reason. A badge given only by its URL is fetched too (its BadgeClass names the issuer).

The result is a :class:`~skillswallet.result.VerificationResult` like ``verify()``'s, its
structure check naming the format. :func:`credential_view` describes an assertion as a
VC-shaped document (issuer, dates, a badge achievement with its alignments and criteria)
so summaries, the profile and reports treat it like any credential.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import urlsplit

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from . import jsonio
from .credentials.dates import parse_datetime
from .credentials.model import as_list
from .errors import FetchError, InvalidDocumentError, InvalidJSONError, SkillsWalletError
from .result import Check, CheckId, Status, VerificationResult

FORMAT = "openbadges-2.0"
CONTEXT = "https://w3id.org/openbadges/v2"
#: A compact JWS larger than this is refused before it is decoded.
MAX_JWS_BYTES = 1024 * 1024
#: RSA keys shorter than this are refused (RFC 7518 §3.3 requires 2048 bits).
MIN_RSA_BITS = 2048

_COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$")
_ACCEPTED_ALGS = ("RS256", "ES256")
_SIGNED_TYPES = frozenset({"SignedBadge", "signed"})
_HOSTED_TYPES = frozenset({"HostedBadge", "hosted"})


@dataclass(frozen=True)
class IssuerKey:
    """A public key the caller trusts to sign an issuer's assertions."""

    public_key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey
    #: The key's id (``CryptographicKey.id``), which ``verification.creator`` may name.
    id: str | None = None
    #: The issuer Profile's id it belongs to; None for a bare PEM (trusted for any issuer).
    owner: str | None = None


class DocumentFetcher(Protocol):
    """Obtains a JSON object from a URL (opt-in network): what
    :class:`~skillswallet.net.HttpsFetcher` does, or a test's stand-in."""

    def get_object(self, url: str, what: str, error: type[SkillsWalletError]) -> dict[str, Any]: ...


def load_issuer_key(data: bytes) -> IssuerKey:
    """An issuer key from a pinned file: the issuer's OB 2.0 ``CryptographicKey`` JSON
    (``id``, ``owner``, ``publicKeyPem``) or a PEM public key. InvalidDocumentError else."""
    text = data.decode("utf-8", "replace").strip()
    if text.startswith("{"):
        try:
            document = jsonio.loads_object(data, what="CryptographicKey")
        except InvalidJSONError as exc:
            raise InvalidDocumentError(f"the issuer key is not valid JSON: {exc}") from None
        return key_of_document(document)
    return _pem_key(text, None, None)


def key_of_document(document: dict[str, Any]) -> IssuerKey:
    """The key of an OB 2.0 ``CryptographicKey`` document (``id``, ``owner``,
    ``publicKeyPem``); InvalidDocumentError if it holds no acceptable key."""
    pem = document.get("publicKeyPem")
    if not isinstance(pem, str):
        raise InvalidDocumentError("the CryptographicKey has no publicKeyPem")
    key_id = document.get("id") if isinstance(document.get("id"), str) else None
    owner = document.get("owner") if isinstance(document.get("owner"), str) else None
    return _pem_key(pem, key_id, owner)


def _pem_key(text: str, key_id: str | None, owner: str | None) -> IssuerKey:
    try:
        key = serialization.load_pem_public_key(text.encode("utf-8"))
    except (ValueError, UnsupportedAlgorithm):
        raise InvalidDocumentError("the issuer key is not a PEM public key") from None
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise InvalidDocumentError(f"the issuer's RSA key has fewer than {MIN_RSA_BITS} bits")
    elif not (isinstance(key, ec.EllipticCurvePublicKey) and key.curve.name == "secp256r1"):
        raise InvalidDocumentError("the issuer key must be RSA (RS256) or P-256 (ES256)")
    return IssuerKey(key, key_id, owner)


# --- recognising ------------------------------------------------------------------------------


def _b64url(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise InvalidDocumentError("the JWS is not base64url") from None


def is_compact_jws(value: Any) -> bool:
    return (
        isinstance(value, str)
        and len(value) <= MAX_JWS_BYTES
        and _COMPACT_JWS.match(value.strip()) is not None
    )


def _jws_payload(token: str) -> Any:
    try:
        return jsonio.loads(_b64url(token.strip().split(".")[1]))
    except (InvalidDocumentError, InvalidJSONError):
        return None


def is_assertion(value: Any) -> bool:
    """Whether a JSON value is an OB 2.0 (or 1.x) assertion: its context, or the type
    ``Assertion`` with a ``badge`` and a ``recipient``."""
    if not isinstance(value, dict):
        return False
    if CONTEXT in as_list(value.get("@context")):
        return True
    return "Assertion" in as_list(value.get("type")) and "badge" in value and "recipient" in value


def is_openbadge2(value: Any) -> bool:
    """An assertion as JSON, or a compact JWS whose payload is one (a signed assertion)."""
    if is_compact_jws(value):
        return is_assertion(_jws_payload(value))
    return is_assertion(value)


def assertion_of(value: Any) -> dict[str, Any]:
    """The assertion itself (a JWS's payload)."""
    found = _jws_payload(value) if isinstance(value, str) else value
    if not isinstance(found, dict):
        raise InvalidDocumentError("not an Open Badges 2.0 assertion")
    return found


# --- reading an assertion -------------------------------------------------------------------


def _verification(assertion: dict[str, Any]) -> dict[str, Any]:
    found = assertion.get("verification", assertion.get("verify"))
    return found if isinstance(found, dict) else {}


def verification_kind(assertion: dict[str, Any]) -> str | None:
    """``signed``, ``hosted`` or None (no or an unknown verification type)."""
    types = set(as_list(_verification(assertion).get("type")))
    if types & _SIGNED_TYPES:
        return "signed"
    if types & _HOSTED_TYPES:
        return "hosted"
    return None


def _badge(assertion: dict[str, Any]) -> dict[str, Any]:
    badge = assertion.get("badge")
    return badge if isinstance(badge, dict) else {}


def _issuer(assertion: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    issuer = _badge(assertion).get("issuer")
    if isinstance(issuer, str):
        return issuer, {}
    if isinstance(issuer, dict):
        found = issuer.get("id")
        return (found if isinstance(found, str) else None), issuer
    return None, {}


def _host(url: Any) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    return host.lower() if parts.scheme in ("http", "https") and host else None


def _off_host(urls: Iterable[tuple[str, Any]], issuer: str, profile: dict[str, Any]) -> list[str]:
    """The named URLs that are not on the issuer's host (or its allowed origins/prefixes)."""
    found = profile.get("verification")
    rules: dict[str, Any] = found if isinstance(found, dict) else {}
    allowed = {h.lower() for h in as_list(rules.get("allowedOrigins")) if isinstance(h, str)}
    home = _host(issuer)
    if home is not None:
        allowed.add(home)
    prefixes = [p for p in as_list(rules.get("startsWith")) if isinstance(p, str)]
    problems = []
    for name, url in urls:
        host = _host(url)
        if host is None or host not in allowed:
            problems.append(f"{name} {url!r} is not on the issuer's host ({home or issuer})")
        elif prefixes and not any(str(url).startswith(p) for p in prefixes):
            problems.append(f"{name} {url!r} is outside the issuer's allowed paths")
    return problems


def _structure_problems(assertion: dict[str, Any]) -> list[str]:
    problems = []
    if not isinstance(assertion.get("id"), str):
        problems.append("id is missing")
    if "Assertion" not in as_list(assertion.get("type")):
        problems.append("type is not Assertion")
    recipient = assertion.get("recipient")
    if not isinstance(recipient, dict) or not isinstance(recipient.get("identity"), str):
        problems.append("recipient.identity is missing")
    if not isinstance(assertion.get("badge"), str | dict):
        problems.append("badge is missing")
    if parse_datetime(assertion.get("issuedOn"), require_timezone=False) is None:
        problems.append("issuedOn is missing or not a date-time")
    if verification_kind(assertion) is None:
        problems.append("verification.type is neither SignedBadge nor HostedBadge")
    return problems


# --- JWS --------------------------------------------------------------------------------------


def _check_jws(token: str, keys: Sequence[IssuerKey]) -> tuple[Status, str, dict[str, Any]]:
    """Verify a compact JWS with the candidate keys: (status, reason, detail)."""
    head, payload, signature_text = token.strip().split(".")
    try:
        header = jsonio.loads_object(_b64url(head), what="JWS header")
    except (InvalidDocumentError, InvalidJSONError):
        return Status.FAILED, "the JWS header is not a JSON object", {}
    alg = header.get("alg")
    detail: dict[str, Any] = {"alg": alg}
    if isinstance(alg, str) and alg.lower() == "none":
        return Status.FAILED, "the JWS is unsigned (alg 'none')", detail
    if isinstance(alg, str) and alg.upper().startswith("HS"):
        return (
            Status.FAILED,
            f"the JWS uses {alg}, a shared-secret MAC: an issuer's public key cannot check it",
            detail,
        )
    if alg not in _ACCEPTED_ALGS:
        return Status.FAILED, f"JWS algorithm {alg!r} is not accepted (RS256, ES256)", detail
    if "crit" in header:
        return Status.FAILED, "the JWS has a crit header, which skillswallet does not know", detail
    if not keys:
        return (
            Status.INCONCLUSIVE,
            "no key of the issuer was pinned to check the signature (give its key file)",
            detail,
        )
    try:
        signature = _b64url(signature_text)
    except InvalidDocumentError:
        return Status.FAILED, "the JWS signature is not base64url", detail
    data = f"{head}.{payload}".encode("ascii")
    for key in keys:
        if _signature_valid(alg, key.public_key, data, signature):
            detail["key"] = key.id
            return Status.PASSED, f"JWS {alg} signature valid (Open Badges 2.0 signed)", detail
    return (
        Status.FAILED,
        f"the JWS {alg} signature does not match the assertion (tampered, or wrong key)",
        detail,
    )


def _signature_valid(
    alg: str, key: rsa.RSAPublicKey | ec.EllipticCurvePublicKey, data: bytes, signature: bytes
) -> bool:
    try:
        if alg == "RS256" and isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
            return True
        if alg == "ES256" and isinstance(key, ec.EllipticCurvePublicKey) and len(signature) == 64:
            der = encode_dss_signature(
                int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
            )
            key.verify(der, data, ec.ECDSA(hashes.SHA256()))
            return True
    except InvalidSignature:
        return False
    return False


# --- verifying --------------------------------------------------------------------------------


def verify_openbadge2(
    value: Any,
    *,
    keys: Sequence[IssuerKey] = (),
    fetcher: DocumentFetcher | None = None,
    now: datetime | None = None,
    target: str = "credential",
) -> VerificationResult:
    """Verify an OB 2.0 assertion (JSON) or signed assertion (compact JWS): offline, or,
    with a ``fetcher`` (opt-in network), a hosted one against its host's copy and a
    signed one with the key its ``verification.creator`` names when none was pinned.
    Never raises for a bad document: every problem is a failed check with its reason."""
    when = now or datetime.now(UTC)
    jws = value.strip() if isinstance(value, str) else None
    if jws is not None and not is_compact_jws(jws):
        return _failed(target, "not a compact JWS (or larger than 1 MiB)")
    try:
        assertion = assertion_of(value)
    except InvalidDocumentError:
        return _failed(target, "the JWS payload is not an Open Badges 2.0 assertion")
    problems = _structure_problems(assertion)
    kind = verification_kind(assertion)
    form = "signed (JWS)" if jws is not None else (kind or "unknown verification")
    detail = {"format": FORMAT, "verification": kind}
    if problems:
        return _failed(target, "; ".join(problems), {**detail, "problems": problems})
    checks = [
        Check(
            CheckId.STRUCTURE,
            target,
            Status.PASSED,
            f"an Open Badges 2.0 assertion, {form}, well-formed",
            detail,
        )
    ]
    issuer, profile = _issuer(assertion)
    linked: dict[str, Any] | None = None  # the BadgeClass fetched for a linked badge
    if issuer is None and fetcher is not None:
        issuer, profile, linked = _linked_issuer(assertion, fetcher)
    elif fetcher is not None:
        profile = _served_rules(issuer, profile, fetcher)
    verification = _verification(assertion)
    creator = verification.get("creator")
    candidates = [
        k
        for k in keys
        if (k.owner is None or issuer is None or k.owner == issuer)
        and (creator is None or k.id is None or k.id == creator)
    ]
    if issuer is None:  # the badge is only linked: its key's owner says who issued it
        owners = {k.owner for k in candidates if k.owner is not None}
        issuer = owners.pop() if len(owners) == 1 else None
    hosted_copy: dict[str, Any] | None = None
    if kind == "signed" and jws is None:
        proof = Check(
            CheckId.PROOF, target, Status.FAILED, "a signed assertion without its JWS signature"
        )
    elif kind == "signed":
        assert jws is not None
        status, reason, jws_detail = _check_jws(jws, candidates)
        if status is Status.INCONCLUSIVE and fetcher is not None:
            status, reason, jws_detail = _check_with_fetched_key(
                jws, creator, issuer, profile, fetcher
            )
        proof = Check(CheckId.PROOF, target, status, reason, {**jws_detail, "format": FORMAT})
    elif jws is not None:
        proof = Check(
            CheckId.PROOF, target, Status.FAILED, "a JWS whose assertion says it is hosted"
        )
    elif fetcher is not None:
        proof, hosted_copy = _check_hosted(assertion, issuer, profile, fetcher, target)
    else:
        proof = Check(
            CheckId.PROOF,
            target,
            Status.INCONCLUSIVE,
            "issued by a host, not verified offline: the assertion at "
            f"{assertion.get('id')} is the source of truth (fetching it needs the network)",
            {"format": FORMAT, "hostedUnverified": True},
        )
    checks.append(proof)
    binding = _issuer_binding(assertion, kind, issuer, profile, creator, target)
    served = hosted_copy.get("badge") if hosted_copy is not None else None
    badge_class = linked or (served if isinstance(served, dict) else None)
    if badge_class is not None and binding.status is Status.PASSED:
        # What the issuer's host says the badge is (its name, criteria, alignments), for
        # describing a badge the assertion only links: see badge_class_of().
        binding = Check(
            binding.id,
            binding.target,
            binding.status,
            binding.reason,
            {**binding.detail, "badgeClass": badge_class},
        )
    checks.append(binding)
    checks.append(_validity(assertion, when, target))
    checks.append(_status(hosted_copy or assertion, profile, target))
    return VerificationResult(tuple(checks))


# --- opt-in network -----------------------------------------------------------------------------

#: What a host may change in the copy it serves without it being another assertion: its
#: revocation (the status check reads it from the host's copy).
_HOST_MAY_CHANGE = frozenset({"revoked", "revocationReason"})


def _served_rules(
    issuer: str | None, profile: dict[str, Any], fetcher: DocumentFetcher
) -> dict[str, Any]:
    """The issuer profile whose ``verification`` rules (``allowedOrigins``, ``startsWith``)
    decide what lies on the issuer's host, when the network decides: the rules as the
    issuer's own Profile serves them from its id, never as a presented assertion (or a
    BadgeClass it links to) states them, for those would let a forger name his own host.
    Without them only the issuer id's own host counts."""
    plain = {k: v for k, v in profile.items() if k != "verification"}
    if issuer is None or not isinstance(profile.get("verification"), dict):
        return plain
    try:
        served = fetcher.get_object(issuer, "the issuer's Profile", FetchError)
    except FetchError:
        return plain
    rules = served.get("verification")
    if served.get("id") != issuer or not isinstance(rules, dict):
        return plain
    return {**plain, "verification": rules}


def _linked_issuer(
    assertion: dict[str, Any], fetcher: DocumentFetcher
) -> tuple[str | None, dict[str, Any], dict[str, Any] | None]:
    """The issuer a linked BadgeClass names, its profile and the BadgeClass (fetched;
    Nones when it cannot be had). The BadgeClass must lie on that issuer's host."""
    url = assertion.get("badge")
    if not isinstance(url, str) or _host(url) is None:
        return None, {}, None
    try:
        badge = fetcher.get_object(url, "the BadgeClass", FetchError)
    except FetchError:
        return None, {}, None
    if badge.get("id") != url:
        return None, {}, None
    issuer, profile = _issuer({"badge": badge})
    profile = _served_rules(issuer, profile, fetcher)
    if issuer is None or _off_host([("the BadgeClass", url)], issuer, profile):
        return None, {}, None
    return issuer, profile, badge


def badge_class_of(assertion: dict[str, Any], result: VerificationResult) -> dict[str, Any]:
    """The assertion with its badge described: as it came when it embeds its BadgeClass;
    with the BadgeClass its issuer's host served (opt-in network, ``result`` of
    :func:`verify_openbadge2` having bound it to the issuer) when it only links it."""
    if isinstance(assertion.get("badge"), dict):
        return assertion
    binding = next((c for c in result.checks if c.id is CheckId.ISSUER_BINDING), None)
    found = binding.detail.get("badgeClass") if binding is not None else None
    if not isinstance(found, dict) or found.get("id") != assertion.get("badge"):
        return assertion
    return {**assertion, "badge": found}


def _check_with_fetched_key(
    jws: str, creator: Any, issuer: str | None, profile: dict[str, Any], fetcher: DocumentFetcher
) -> tuple[Status, str, dict[str, Any]]:
    """The JWS checked with the key fetched from ``verification.creator``: a
    ``CryptographicKey`` at that URL, on the issuer's host, owned by the issuer."""
    detail: dict[str, Any] = {"keyUrl": creator}
    if not isinstance(creator, str):
        return (
            Status.INCONCLUSIVE,
            "the assertion names no verification.creator to fetch its key from "
            "(pin the issuer's key)",
            detail,
        )
    if issuer is None:
        return Status.INCONCLUSIVE, "the issuer is not named: its key cannot be fetched", detail
    off = _off_host([("verification.creator", creator)], issuer, profile)
    if off:
        return Status.FAILED, f"{off[0]}: its key is not fetched", detail
    try:
        document = fetcher.get_object(creator, "the issuer's key", FetchError)
    except FetchError as exc:
        return Status.INCONCLUSIVE, str(exc), detail
    if document.get("id") != creator:
        return (
            Status.FAILED,
            f"the document at {creator} is not that key (its id is {document.get('id')!r})",
            detail,
        )
    if document.get("owner") != issuer:
        return (
            Status.FAILED,
            f"the key at {creator} is owned by {document.get('owner')!r}, not by the issuer "
            f"{issuer}",
            detail,
        )
    try:
        key = key_of_document(document)
    except InvalidDocumentError as exc:
        return Status.FAILED, f"the key at {creator}: {exc}", detail
    status, reason, jws_detail = _check_jws(jws, [key])
    if status is Status.PASSED:
        reason += f"; the key fetched from {creator}"
    return status, reason, {**jws_detail, **detail, "keyFetched": True}


def _check_hosted(
    assertion: dict[str, Any],
    issuer: str | None,
    profile: dict[str, Any],
    fetcher: DocumentFetcher,
    target: str,
) -> tuple[Check, dict[str, Any] | None]:
    """A hosted assertion fetched from its id and compared with what was presented: (the
    proof check, the host's copy when it matched)."""
    url = assertion.get("id")
    detail: dict[str, Any] = {"format": FORMAT, "fetchedFrom": url}
    if issuer is None:
        reason = "the issuer is not named: the hosted assertion's host cannot be checked"
        return Check(CheckId.PROOF, target, Status.INCONCLUSIVE, reason, detail), None
    off = _off_host([("the hosted assertion id", url)], issuer, profile)
    if off:
        return Check(CheckId.PROOF, target, Status.FAILED, f"{off[0]}: not fetched", detail), None
    assert isinstance(url, str)  # a structure check
    try:
        served = fetcher.get_object(url, "the hosted assertion", FetchError)
    except FetchError as exc:
        return Check(CheckId.PROOF, target, Status.INCONCLUSIVE, str(exc), detail), None
    differences = _differences(assertion, served)
    mine, theirs = assertion.get("badge"), served.get("badge")
    problem = None
    if not differences and isinstance(mine, dict) and isinstance(theirs, str):
        # the host links the badge the presentation embeds: the embedded one must be
        # what the issuer's host serves at that id (its alignments feed the profile)
        problem = _embedded_badge_problem(mine, theirs, issuer, profile, fetcher)
    elif not differences and isinstance(mine, dict) and isinstance(theirs, dict):
        problem = _embedded_issuer_problem(mine, theirs, issuer, fetcher)
    if problem is not None:
        status, reason = problem
        return Check(CheckId.PROOF, target, status, reason, detail), None
    if differences:
        reason = (
            f"the assertion its host serves at {url} differs from the one presented "
            f"({', '.join(differences)})"
        )
        return Check(
            CheckId.PROOF, target, Status.FAILED, reason, {**detail, "differ": differences}
        ), None
    reason = f"fetched from its host ({url}): the same assertion as presented"
    return Check(
        CheckId.PROOF, target, Status.PASSED, reason, {**detail, "hostedFetched": True}
    ), served


def _embedded_badge_problem(
    badge: dict[str, Any],
    url: str,
    issuer: str,
    profile: dict[str, Any],
    fetcher: DocumentFetcher,
) -> tuple[Status, str] | None:
    """Why an embedded BadgeClass cannot be taken for the one at ``url`` on the issuer's
    host (None: it is that one)."""
    off = _off_host([("the BadgeClass", url)], issuer, profile)
    if off:
        return Status.FAILED, f"{off[0]}: not fetched"
    try:
        served = fetcher.get_object(url, "the BadgeClass", FetchError)
    except FetchError as exc:
        return Status.INCONCLUSIVE, f"the embedded badge cannot be checked: {exc}"
    if not _same(badge, served, "badge"):
        return Status.FAILED, f"the embedded badge differs from the BadgeClass at {url}"
    return _embedded_issuer_problem(badge, served, issuer, fetcher)


def _embedded_issuer_problem(
    badge: dict[str, Any], served: dict[str, Any], issuer: str, fetcher: DocumentFetcher
) -> tuple[Status, str] | None:
    """Why an issuer profile the presented badge embeds, where the host's copy only links
    the issuer, cannot be taken for the issuer's own (None: it is, or nothing is embedded).
    Its name and contacts are shown as the issuer's: they must be what the issuer's host
    serves at its id."""
    embedded, linked = badge.get("issuer"), served.get("issuer")
    if not isinstance(embedded, dict) or not isinstance(linked, str):
        return None
    try:
        own = fetcher.get_object(issuer, "the issuer's Profile", FetchError)
    except FetchError as exc:
        return Status.INCONCLUSIVE, f"the embedded issuer profile cannot be checked: {exc}"
    if _without_context(embedded) != _without_context(own):
        return Status.FAILED, f"the embedded issuer profile differs from the one at {issuer}"
    return None


def _without_context(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "@context"}


def _differences(presented: dict[str, Any], served: dict[str, Any]) -> list[str]:
    """The members in which two assertions differ (a badge, or a badge's issuer, embedded
    in one and linked by the same id in the other is the same)."""
    names = (set(presented) | set(served)) - _HOST_MAY_CHANGE
    return sorted(n for n in names if not _same(presented.get(n), served.get(n), n))


def _same(a: Any, b: Any, name: str) -> bool:
    if a == b:
        return True
    if name not in ("badge", "issuer"):
        return False
    if isinstance(a, dict) and isinstance(b, dict):
        if name == "badge":  # the issuer inside may be linked on one side
            rest = (set(a) | set(b)) - {"issuer"}
            return all(a.get(k) == b.get(k) for k in rest) and _same(
                a.get("issuer"), b.get("issuer"), "issuer"
            )
        return False
    ids = [v.get("id") if isinstance(v, dict) else v for v in (a, b)]
    return isinstance(ids[0], str) and ids[0] == ids[1]


def _failed(target: str, reason: str, detail: dict[str, Any] | None = None) -> VerificationResult:
    return VerificationResult(
        (Check(CheckId.STRUCTURE, target, Status.FAILED, reason, detail or {"format": FORMAT}),)
    )


def _issuer_binding(
    assertion: dict[str, Any],
    kind: str | None,
    issuer: str | None,
    profile: dict[str, Any],
    creator: Any,
    target: str,
) -> Check:
    if issuer is None:
        return Check(
            CheckId.ISSUER_BINDING,
            target,
            Status.INCONCLUSIVE,
            "the issuer is not named in the assertion (its BadgeClass is only linked)",
        )
    urls: list[tuple[str, Any]] = []
    legacy_url = _verification(assertion).get("url")
    if kind == "hosted":
        urls.append(("the hosted assertion id", assertion.get("id")))
    if legacy_url is not None:
        urls.append(("verify.url", legacy_url))
    if creator is not None:
        urls.append(("verification.creator", creator))
    problems = _off_host(urls, issuer, profile)
    if problems:
        return Check(
            CheckId.ISSUER_BINDING,
            target,
            Status.FAILED,
            "; ".join(problems),
            {"issuer": issuer, "problems": problems},
        )
    return Check(
        CheckId.ISSUER_BINDING,
        target,
        Status.PASSED,
        f"issued by {issuer}" + ("; verification points at its host" if urls else ""),
        {"issuer": issuer},
    )


def _validity(assertion: dict[str, Any], now: datetime, target: str) -> Check:
    issued = parse_datetime(assertion.get("issuedOn"), require_timezone=False)
    expires = parse_datetime(assertion.get("expires"), require_timezone=False)
    detail = {"issuedOn": assertion.get("issuedOn"), "expires": assertion.get("expires")}
    if issued is not None and issued.replace(tzinfo=issued.tzinfo or UTC) > now:
        return Check(
            CheckId.VALIDITY_PERIOD,
            target,
            Status.FAILED,
            f"issued in the future ({assertion['issuedOn']})",
            {**detail, "problem": "not-yet-valid"},
        )
    if expires is not None and expires.replace(tzinfo=expires.tzinfo or UTC) < now:
        return Check(
            CheckId.VALIDITY_PERIOD,
            target,
            Status.FAILED,
            f"expired at {assertion['expires']}",
            {**detail, "problem": "expired"},
        )
    return Check(CheckId.VALIDITY_PERIOD, target, Status.PASSED, "not expired", detail)


def _status(assertion: dict[str, Any], profile: dict[str, Any], target: str) -> Check:
    if assertion.get("revoked") is True:
        reason = assertion.get("revocationReason")
        return Check(
            CheckId.STATUS,
            target,
            Status.FAILED,
            "revoked" + (f": {reason}" if isinstance(reason, str) else ""),
        )
    if profile.get("revocationList") is not None:
        return Check(
            CheckId.STATUS,
            target,
            Status.INCONCLUSIVE,
            "the issuer publishes a revocation list, not checked offline",
            {"revocationList": profile["revocationList"]},
        )
    return Check(CheckId.STATUS, target, Status.SKIPPED, "the issuer names no revocation list")


# --- the holder's side ------------------------------------------------------------------------


def recipient_matches(assertion: dict[str, Any], identities: Iterable[str]) -> bool:
    """Whether the assertion's recipient is one of ``identities`` (e.g. the holder's email
    addresses): plain, or hashed (``sha256$`` / ``md5$``, with its salt)."""
    recipient = assertion.get("recipient")
    if not isinstance(recipient, dict) or not isinstance(recipient.get("identity"), str):
        return False
    identity: str = recipient["identity"]
    salt = recipient.get("salt") if isinstance(recipient.get("salt"), str) else ""
    for mine in identities:
        if recipient.get("hashed") is True and "$" in identity:
            algorithm, _, digest = identity.partition("$")
            if algorithm.lower() not in ("sha256", "md5"):
                continue
            for candidate in {mine, mine.lower()}:
                found = hashlib.new(algorithm.lower(), (candidate + str(salt)).encode("utf-8"))
                if found.hexdigest() == digest.lower():
                    return True
        elif identity.strip().lower() == mine.strip().lower():
            return True
    return False


def recipient_text(assertion: dict[str, Any]) -> str:
    recipient = assertion.get("recipient")
    if not isinstance(recipient, dict):
        return "(no recipient)"
    kind = recipient.get("type") if isinstance(recipient.get("type"), str) else "identity"
    if recipient.get("hashed") is True:
        return f"{kind} (hashed)"
    return f"{kind}:{recipient.get('identity')}"


def credential_view(assertion: dict[str, Any], subject: str) -> dict[str, Any]:
    """The assertion as a VC-shaped document about ``subject``: issuer, validity, and a
    ``Badge`` achievement with the BadgeClass's name, description, criteria and
    alignments. For summaries and reports only: never signed, never verified."""
    badge = _badge(assertion)
    issuer, profile = _issuer(assertion)
    achievement: dict[str, Any] = {"type": ["Achievement"], "achievementType": "Badge"}
    for name in ("id", "name", "description", "criteria", "alignment", "tags"):
        if name in badge:
            achievement[name] = badge[name]
    if isinstance(assertion.get("badge"), str):
        achievement["id"] = assertion["badge"]
    view: dict[str, Any] = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": assertion.get("id"),
        "type": [t for t in as_list(assertion.get("type")) if isinstance(t, str)],
        "name": badge.get("name"),
        "issuer": {"id": issuer, "name": profile.get("name")} if profile else issuer,
        "validFrom": assertion.get("issuedOn"),
        "credentialSubject": {"id": subject, "achievement": achievement},
    }
    if "expires" in assertion:
        view["validUntil"] = assertion["expires"]
    return view
