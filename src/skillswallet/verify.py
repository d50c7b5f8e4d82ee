"""verify(): ordered, pure checks over a credential or presentation, returning a
:class:`~skillswallet.result.VerificationResult`. It never raises for a bad document;
it raises typed errors only for programmer misuse (e.g. a presentation without a
challenge to check)."""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from .credentials.contextpolicy import MAX_CONTEXTS as MAX_CONTEXT_ENTRIES
from .credentials.contextpolicy import context_problem, related_resource_problems
from .credentials.dates import parse_datetime
from .credentials.jsonld import canonicalize_expanded, expand, expanded_to_strict_quads
from .credentials.loader import ContextLoader, default_loader
from .credentials.model import (
    as_list,
    holder_id,
    is_presentation,
    issuer_id,
    validate_credential,
    validate_presentation,
    vc_version,
)
from .credentials.nquads import Quad
from .credentials.plainform import json_size, signed_data_disagreements
from .credentials.proofs import unsecured_copy, unsecured_for_proof
from .credentials.schema import JSON_SCHEMA_TYPES, SchemaRegistry, default_registry
from .credentials.sd.proofvalue import parse_base_proof_value
from .credentials.suites import ALL_SUITES, DEFAULT_SUITES, Cryptosuite, suite_name_of
from .credentials.suites.base import Canonicalizer
from .credentials.suites.ecdsa_sd_2023 import EcdsaSd2023, add_derived_proof
from .credentials.types import has_type, type_terms
from .did.multikey import PublicKey
from .did.resolver import DIDResolver, KeyResolver, dereference_verification_method
from .errors import (
    CanonicalizationError,
    DIDNotFoundError,
    ProofError,
    SkillsWalletError,
    UnsupportedDIDMethodError,
    WorkLimitError,
)
from .result import Check, CheckId, Status, VerificationResult
from .skills.claimed import what_is_claimed
from .status.check import check_status
from .status.sources import StatusSource
from .trust.assess import TrustVerdict, assess_trust
from .trust.lists import TrustList

#: Clock skew tolerated on validity periods and proof timestamps.
DEFAULT_SKEW = timedelta(minutes=5)


class NoChallenge(enum.Enum):
    """The verifier asked the holder for no challenge (see :data:`NO_CHALLENGE`)."""

    NO_CHALLENGE = "no challenge requested"


#: ``verify(presentation, challenge=NO_CHALLENGE)``: the verifier requested no challenge
#: (the W3C VC API makes ``options.challenge`` optional). The challenge check is then
#: skipped, "no challenge was requested", never passed; leaving ``challenge`` out stays
#: an error, so a verifier that forgets it is told rather than replayable.
NO_CHALLENGE = NoChallenge.NO_CHALLENGE


@dataclass(frozen=True)
class VerifyOptions:
    """Everything a verification depends on besides the document. Injected, never global."""

    suites: tuple[str, ...] = DEFAULT_SUITES
    resolver: DIDResolver = field(default_factory=KeyResolver)
    loader: ContextLoader = field(default_factory=default_loader)
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    skew: timedelta = DEFAULT_SKEW
    challenge: str | None = None
    domain: str | None = None
    schemas: SchemaRegistry = field(default_factory=default_registry)
    #: Where status lists come from (None: a status entry is inconclusive).
    status: StatusSource | None = None
    #: The work one verify() call may do, shared by a presentation and its credentials.
    work: WorkBudget = field(default_factory=lambda: WorkBudget(MAX_WORK))
    #: The holder's view: an ecdsa-sd-2023 base proof is checked in full (never for verifiers).
    accept_base_proofs: bool = False
    #: Trusted-issuer lists: with any, each credential gets a TRUST check.
    trust: tuple[TrustList, ...] = ()
    #: Require every credential of a presentation to be about its signer.
    subject_binding: bool = False
    #: Set for the credentials of a presentation: whether they are inside one, and its
    #: holder when the presentation's proof binds it (named and signed by the holder).
    #: A credential with no proof of its own is then secured by the presentation's proof
    #: if, and only if, it is that holder's own (VC DM 2.0 §4.13.4, holder claims).
    in_presentation: bool = False
    presentation_holder: str | None = None
    #: The verification methods of the presentation's proofs (for a holder's claim: one
    #: of the holder's must be authorized for assertions, not only for logging in).
    presentation_methods: tuple[str, ...] = ()
    #: A pinned issuer key (public JWK) for JWT credentials, instead of their kid.
    issuer_key: dict[str, Any] | None = None
    #: The purpose a credential's proofs must state (Data Integrity's
    #: expectedProofPurpose); credentials inside a presentation keep assertionMethod.
    proof_purpose: str = "assertionMethod"


#: Work one verify() call may do, shared by a presentation and its credentials: the JSON
#: values of each document (charged before it is processed at all) plus the statements of
#: every canonicalization. A real credential costs hundreds, a large presentation tens of
#: thousands; the bound keeps any input decided in a few seconds.
MAX_WORK = 300_000
#: More context entries than any real credential uses (VC, Open Badges, a few extensions).
MAX_CONTEXTS = MAX_CONTEXT_ENTRIES


class WorkBudget:
    """A countdown of work (JSON values, statements); refuses the document when it runs out."""

    def __init__(self, units: int) -> None:
        self.remaining = units

    def charge(self, units: int) -> None:
        self.remaining -= units
        if self.remaining < 0:
            raise WorkLimitError(
                "the document is too large to verify: it takes more than the "
                f"{MAX_WORK:,} values and statements one verification may process"
            )


def verify(
    document: Any,
    *,
    suites: Iterable[str] = DEFAULT_SUITES,
    resolver: DIDResolver | None = None,
    loader: ContextLoader | None = None,
    now: datetime | None = None,
    skew: timedelta = DEFAULT_SKEW,
    challenge: str | NoChallenge | None = None,
    domain: str | None = None,
    schemas: SchemaRegistry | None = None,
    accept_base_proofs: bool = False,
    trust: TrustList | Sequence[TrustList] | None = None,
    status: StatusSource | None = None,
    issuer_key: dict[str, Any] | None = None,
    subject_binding: bool = False,
    proof_purpose: str = "assertionMethod",
) -> VerificationResult:
    """Verify a credential or a presentation (and every credential inside it).

    ``suites`` lists the accepted cryptosuites; ``resolver`` resolves DIDs (did:key offline
    by default); ``loader`` serves pinned contexts; ``now`` is the clock; ``schemas`` holds
    the JSON Schemas that ``credentialSchema`` entries may name (bundled ones by default);
    ``status`` is where status list credentials come from (a
    :class:`~skillswallet.status.sources.DirectorySource`, a cache, opt-in HTTPS; without
    one a status entry is inconclusive, never passed).
    For a presentation, ``challenge`` is required; without it :class:`ValueError` is raised
    (misuse: a verifier that does not bind the presentation to its request can be replayed
    against). A verifier that requested no challenge says so with
    ``challenge=NO_CHALLENGE``: the challenge check is skipped, "no challenge was
    requested" (a proof's challenge is then not compared with anything, so never passed).

    ``proof_purpose`` is the purpose a credential's proofs must state, assertionMethod
    unless the verifier expects another (Data Integrity, Verify Proof: ``expectedProofPurpose``;
    a proof whose ``proofPurpose`` does not match fails). It applies to a credential
    verified on its own: a presentation's proof is checked for authentication and the
    credentials inside it for assertionMethod.

    ``accept_base_proofs`` is for a holder taking an ecdsa-sd-2023 base credential into a
    wallet: its base proof is checked in full (every statement's signature), which a
    verifier never does (a base proof where a derived one is expected fails). It does not
    apply to credentials inside a presentation.

    With ``trust`` (one or more trusted-issuer lists), every credential also gets a
    ``trust`` check: passed when a list trusts its issuer for what it claims (kind of
    claim, types, skills, EQF level, on the date it was issued), failed when the issuer is
    unknown to the lists or known but not for this claim, inconclusive when every list
    has expired (:mod:`skillswallet.trust.assess`).

    A presentation without ``holder`` (optional in VC DM 2.0) is bound to whoever signed
    its proof: holder binding is skipped and names the signer. ``subject_binding`` adds
    a check that every credential presented is about that signer.

    A string is a compact JWT credential (:mod:`skillswallet.jose`): VC-JOSE-COSE
    (``vc+jwt``) or an SD-JWT VC (``dc+sd-jwt``); the structure check names the format.
    Its issuer key is its ``kid`` DID URL, or ``issuer_key`` (a public JWK) when given.
    For an SD-JWT, ``challenge`` is the verifier's nonce and ``domain`` its audience:
    with a challenge, key binding (a KB-JWT by the holder key, over exactly these
    disclosures) is required; an SD-JWT+KB without one raises like a presentation.
    """
    if now is not None and now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    opts = VerifyOptions(
        suites=tuple(suites),
        resolver=resolver or KeyResolver(),
        loader=loader or default_loader(),
        now=now or datetime.now(UTC),
        skew=skew,
        challenge=None if challenge is NO_CHALLENGE else challenge,
        domain=domain,
        schemas=schemas or default_registry(),
        accept_base_proofs=accept_base_proofs,
        trust=(trust,) if isinstance(trust, TrustList) else tuple(trust or ()),
        subject_binding=subject_binding,
        status=status,
        issuer_key=issuer_key,
        proof_purpose=proof_purpose,
    )
    if isinstance(document, str):
        from .jose.checks import check_compact, has_key_binding  # (JWTs only: 30 ms to load)

        if challenge is None and has_key_binding(document):
            raise PresentationChallengeMissing(
                "verifying an SD-JWT with key binding needs the nonce you gave the holder"
            )
        return VerificationResult(tuple(_guarded(check_compact, document, "credential", opts)))
    if isinstance(document, dict) and is_presentation(document):
        if challenge is None:
            raise PresentationChallengeMissing(
                "verifying a presentation needs the challenge you issued to the holder"
            )
        return VerificationResult(
            tuple(_guarded(_verify_presentation, document, "presentation", opts))
        )
    return VerificationResult(tuple(_guarded(_verify_credential, document, "credential", opts)))


def _guarded(
    run: Callable[[Any, str, VerifyOptions], list[Check]],
    document: Any,
    target: str,
    opts: VerifyOptions,
) -> list[Check]:
    """verify() never raises for a document: an error we did not foresee (a defect) is a
    check that could not decide, never a pass, and the other targets are still checked."""
    try:
        return run(document, target, opts)
    except PresentationChallengeMissing:
        raise
    except Exception as exc:  # the contract: a value, never an exception
        return [
            Check(
                CheckId.STRUCTURE,
                target,
                Status.INCONCLUSIVE,
                f"could not be processed: unexpected {type(exc).__name__} (a defect in "
                "skillswallet; please report it with the document)",
            )
        ]


class PresentationChallengeMissing(SkillsWalletError, ValueError):
    """verify() was asked to check a presentation without a challenge."""


# --- credential ----------------------------------------------------------------------------


def _verify_credential(document: Any, target: str, opts: VerifyOptions) -> list[Check]:
    checks: list[Check] = []
    problems = validate_credential(document)
    if problems:
        checks.append(
            Check(
                CheckId.STRUCTURE,
                target,
                Status.FAILED,
                "; ".join(problems),
                {"problems": problems},
            )
        )
        return checks
    checks.append(Check(CheckId.STRUCTURE, target, Status.PASSED, "the credential is well-formed"))
    contexts = _check_contexts(document, target, opts)
    checks.append(contexts)
    methods: list[str] = []
    if contexts.status is not Status.PASSED:
        # Nothing is canonicalized under contexts we do not accept (bounded work, too).
        proof_check = Check(CheckId.PROOF, target, Status.SKIPPED, _NO_CONTEXTS)
    elif opts.in_presentation and "proof" not in document:
        proof_check, methods = _secured_by_presentation(document, target, opts)
    else:
        proof_check, methods = _check_proofs(document, target, opts.proof_purpose, opts)
    checks.append(proof_check)
    if proof_check.status is not Status.PASSED:
        reason = (
            _NO_CONTEXTS
            if contexts.status is not Status.PASSED
            else "not checked: the proof did not verify"
        )
        checks.extend(
            _skipped(
                target,
                reason,
                CheckId.ISSUER_BINDING,
                CheckId.VALIDITY_PERIOD,
                CheckId.STATUS,
                *((CheckId.TRUST,) if opts.trust else ()),
                CheckId.SCHEMA,
            )
        )
        return checks

    issuer = issuer_id(document)
    controllers = sorted(set(methods))
    if issuer in controllers:
        keys = [
            str(p["verificationMethod"])
            for p in proof_check.detail.get("proofs", [])
            if p.get("verificationMethod")
        ]
        checks.append(
            Check(
                CheckId.ISSUER_BINDING,
                target,
                Status.PASSED,
                f"signed with the issuer's key {', '.join(keys)}"
                if keys
                else f"signed with a key of the issuer {issuer}",
                {"issuer": issuer, "verificationMethods": keys},
            )
        )
    else:
        checks.append(
            Check(
                CheckId.ISSUER_BINDING,
                target,
                Status.FAILED,
                f"the proof's key belongs to {', '.join(controllers)}, not the issuer {issuer}",
                {"issuer": issuer, "signers": controllers},
            )
        )
    if not opts.in_presentation:  # (a presentation's challenge and domain are its own)
        checks.extend(_requested_of_credential(document, target, opts))
    checks.append(_check_validity(document, target, opts))
    checks.append(_check_status(document, target, opts))
    if opts.trust:
        checks.append(_check_trust(document, target, opts))
    checks.append(_check_schema(document, target, opts))
    return checks


_TRUST_STATUS = {
    TrustVerdict.TRUSTED: Status.PASSED,
    TrustVerdict.NOT_FOR_THIS: Status.FAILED,
    TrustVerdict.UNKNOWN: Status.FAILED,
    TrustVerdict.NO_LIST: Status.INCONCLUSIVE,
}


def _requested_of_credential(
    document: dict[str, Any], target: str, opts: VerifyOptions
) -> list[Check]:
    """A challenge or domain the verifier expects of a credential's proofs (Data
    Integrity, Verify Proof: a given domain or challenge that a proof does not state is an
    error); none asked for, no check."""
    proofs = [p for p in as_list(document.get("proof")) if isinstance(p, dict)]
    return [
        _match_all(proofs, name, expected, target)
        for name, expected in (("challenge", opts.challenge), ("domain", opts.domain))
        if isinstance(expected, str)
    ]


def _secured_by_presentation(
    document: dict[str, Any], target: str, opts: VerifyOptions
) -> tuple[Check, list[str]]:
    """A credential with no proof of its own, inside a presentation: a holder's claim,
    secured by the presentation's proof when the presentation names its holder, that
    holder signed it, and the credential's issuer is that holder (VC DM 2.0 §4.13.4)."""
    issuer = issuer_id(document)
    holder = opts.presentation_holder
    rule = "a credential secured only by the presentation must be its named holder's own"
    if holder is None:
        reason = (
            "it has no proof of its own, and the presentation's proof does not bind a named "
            f"holder: {rule} (VC DM 2.0 §4.13.4)"
        )
    elif issuer != holder:
        reason = (
            f"it has no proof of its own, and its issuer {issuer} is not the presentation's "
            f"holder {holder}: {rule} (VC DM 2.0 §4.13.4)"
        )
    else:
        status, reason = _asserting_key(holder, opts)
        if status is Status.PASSED:
            why = f"a claim of the holder {holder}, secured by the presentation's proof"
            detail = {"securedBy": "presentation", "verificationMethod": reason}
            return Check(CheckId.PROOF, target, Status.PASSED, why, detail), [holder]
        return Check(CheckId.PROOF, target, status, reason), []
    return Check(CheckId.PROOF, target, Status.FAILED, reason), []


def _asserting_key(holder: str, opts: VerifyOptions) -> tuple[Status, str]:
    """(PASSED, the method) when one of the holder's keys that signed the presentation is
    authorized for assertionMethod; else why not. The presentation's proof is checked for
    authentication, and a holder's claim is an assertion in the holder's name: a key its
    DID document authorizes only for logging in must not make one (for a did:key the same
    key is authorized for both)."""
    theirs = [m for m in opts.presentation_methods if m.split("#", 1)[0] == holder]
    undecided = None
    for method in theirs:
        try:
            relationships = dereference_verification_method(method, opts.resolver).relationships
        except Exception as exc:  # (resolved once already, for the presentation's proof)
            undecided = f"could not resolve {method}: {type(exc).__name__}"
            continue
        if "assertionMethod" in relationships:
            return Status.PASSED, method
    if undecided is not None:
        return Status.INCONCLUSIVE, undecided
    return Status.FAILED, (
        f"it has no proof of its own, and the holder signed the presentation with "
        f"{', '.join(theirs) or 'no key of its own'}, which its DID document does not "
        "authorize for assertionMethod: a holder's claim is an assertion (VC DM 2.0 §4.13.4)"
    )


def _check_trust(document: dict[str, Any], target: str, opts: VerifyOptions) -> Check:
    assessment = assess_trust(opts.trust, what_is_claimed(document), opts.now)
    detail: dict[str, Any] = {
        "verdict": assessment.verdict.value,
        "lists": list(assessment.lists),
    }
    if assessment.list_name is not None:
        detail["trustedBy"] = assessment.list_name
    return Check(
        CheckId.TRUST, target, _TRUST_STATUS[assessment.verdict], assessment.reason, detail
    )


_NO_CONTEXTS = "not checked: the contexts are not acceptable"


def _skipped(target: str, reason: str, *ids: CheckId) -> list[Check]:
    return [Check(i, target, Status.SKIPPED, reason) for i in ids]


def _check_contexts(document: dict[str, Any], target: str, opts: VerifyOptions) -> Check:
    entries = as_list(document.get("@context"))
    problem = _context_problem(entries, opts.loader)
    if problem is None:
        mismatched = related_resource_problems(document, opts.loader)
        if mismatched:
            return Check(
                CheckId.CONTEXTS,
                target,
                Status.FAILED,
                "; ".join(mismatched),
                {"related": mismatched},
            )
        added = {
            u: opts.loader.added[u]
            for u in entries
            if isinstance(u, str) and u in opts.loader.added
        }
        if added:  # the caller's own contexts: which, and the digests they are pinned by
            return Check(
                CheckId.CONTEXTS,
                target,
                Status.PASSED,
                f"all contexts are pinned and known ({len(added)} added by you, pinned by SHA-256)",
                {"added": [{"url": u, "sha256": digest} for u, digest in added.items()]},
            )
        return Check(CheckId.CONTEXTS, target, Status.PASSED, "all contexts are pinned and known")
    reason, detail = problem
    return Check(CheckId.CONTEXTS, target, Status.FAILED, reason, detail)


def _context_problem(
    entries: list[Any], loader: ContextLoader
) -> tuple[str, dict[str, Any]] | None:
    return context_problem(entries, loader)


#: A proof set larger than this is refused before any proof is checked: each proof costs
#: a signature check and a proof configuration, and no real credential needs more.
MAX_PROOFS = 16


def _check_proofs(
    document: dict[str, Any], target: str, purpose: str, opts: VerifyOptions
) -> tuple[Check, list[str]]:
    """Verify every proof (a proof set passes only if all pass). Returns the check and the
    DIDs that control the verifying keys."""
    proofs = as_list(document.get("proof"))
    if not proofs:
        return Check(CheckId.PROOF, target, Status.FAILED, "the document has no proof"), []
    if len(proofs) > MAX_PROOFS:
        return (
            Check(
                CheckId.PROOF,
                target,
                Status.FAILED,
                f"the document has {len(proofs)} proofs; at most {MAX_PROOFS} are accepted",
            ),
            [],
        )
    try:
        # Charged before any JSON-LD processing: expansion's cost follows the JSON's size.
        opts.work.charge(json_size(document))
        canonical = _SharedCanonicalization(unsecured_copy(document), opts.loader, opts.work)
    except WorkLimitError as exc:
        return Check(CheckId.PROOF, target, Status.FAILED, str(exc)), []
    except _Unreadable as exc:
        return Check(CheckId.PROOF, target, Status.FAILED, str(exc)), []
    controllers: list[str] = []
    details: list[dict[str, Any]] = []
    worst = Status.PASSED
    reasons: list[str] = []
    for index, proof in enumerate(proofs):
        status, reason, controller = _verify_one_proof(
            document, proof, proofs, purpose, opts, canonical
        )
        details.append(
            {
                "index": index,
                "status": status.value,
                "reason": reason,
                "cryptosuite": suite_name_of(proof),
                "verificationMethod": proof.get("verificationMethod")
                if isinstance(proof, dict) and status is Status.PASSED
                else None,
            }
        )
        if status is Status.PASSED and controller:
            controllers.append(controller)
        else:
            reasons.append(reason if len(proofs) == 1 else f"proof {index}: {reason}")
            if worst is not Status.FAILED:
                worst = status
    if worst is Status.PASSED:
        suites = ", ".join(str(d["cryptosuite"]) for d in details)
        reason = f"{len(proofs)} proof{'s' if len(proofs) > 1 else ''} verified ({suites})"
        return Check(CheckId.PROOF, target, Status.PASSED, reason, {"proofs": details}), controllers
    return Check(CheckId.PROOF, target, worst, "; ".join(reasons), {"proofs": details}), controllers


class _Unreadable(Exception):
    """The document has no single signed meaning that agrees with its JSON."""


class _SharedCanonicalization:
    """The document's expansion, computed once, checked against its JSON, and the
    canonical forms the proofs of a set need, each computed once: proofs over the same
    unsecured document (all but chained proofs) share one canonicalization."""

    def __init__(self, unsecured: dict[str, Any], loader: ContextLoader, work: WorkBudget) -> None:
        self.loader = loader
        self.work = work
        try:
            self.expanded = expand(unsecured, loader)
            disagreements, self.statements = signed_data_disagreements(unsecured, self.expanded)
        except SkillsWalletError as exc:  # data loss, an unknown context, a JSON-LD error
            raise _Unreadable(f"the document cannot be canonicalized: {exc}") from None
        except RecursionError:
            raise _Unreadable("the document is nested too deeply to process") from None
        if disagreements:
            raise _Unreadable(
                "the JSON and the signed data it stands for disagree, so the checks could "
                "not read what was signed: " + "; ".join(disagreements[:5])
            )
        self._memo: dict[tuple[str, str, str], str] = {}
        #: A canonicalization that failed (a poison graph, the work limit) fails them all:
        #: every unsecured document of a proof set holds the same graph.
        self._failure: CanonicalizationError | None = None
        self._quads: list[Quad] | None = None

    def quads_for(self, proof: dict[str, Any]) -> list[Quad] | None:
        """The RDF of the document for a proof that signed it without other proofs (all
        but chained ones): made once, its statements charged to the work budget."""
        if "previousProof" in proof:
            return None
        if self._quads is None:
            self.work.charge(self.statements)
            self._quads = expanded_to_strict_quads(self.expanded)
        return self._quads

    def for_proof(self, suite: Cryptosuite, proof: dict[str, Any]) -> Canonicalizer:
        """The canonicalizer for one proof: memoized by how its unsecured document is
        made (the suite's transformation, the chained proofs, a proof's own @context)."""
        key = (
            suite.canonicalization,
            _json_key(proof.get("previousProof")),
            _json_key(proof.get("@context")),
        )

        def canonical(document: dict[str, Any]) -> str:
            found = self._memo.get(key)
            if found is not None:
                return found
            if self._failure is not None:
                raise self._failure
            try:
                self.work.charge(self.statements)
                if key == ("rdfc", "", ""):
                    found = canonicalize_expanded(self.expanded)
                else:
                    found = suite.canonicalize(document, self.loader)
            except CanonicalizationError as exc:
                self._failure = exc
                raise
            self._memo[key] = found
            return found

        return canonical


def _json_key(value: Any) -> str:
    return "" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


def _verify_one_proof(
    document: dict[str, Any],
    proof: Any,
    all_proofs: list[Any],
    purpose: str,
    opts: VerifyOptions,
    shared: _SharedCanonicalization,
) -> tuple[Status, str, str | None]:
    if not isinstance(proof, dict):
        return Status.FAILED, "the proof is not an object", None
    suite_name = suite_name_of(proof)
    if proof.get("type") != "DataIntegrityProof" and suite_name is None:
        return Status.FAILED, f"unsupported proof type {proof.get('type')!r}", None
    if not isinstance(suite_name, str) or suite_name not in ALL_SUITES:
        return Status.FAILED, f"unknown cryptosuite {suite_name!r}", None
    if suite_name not in opts.suites:
        return Status.FAILED, f"cryptosuite {suite_name!r} is not on the accepted list", None
    needed = ALL_SUITES[suite_name].required_context
    if needed is not None and needed not in as_list(document.get("@context")):
        return Status.FAILED, f"a {suite_name} proof needs the context {needed}", None
    if proof.get("proofPurpose") != purpose:
        return (
            Status.FAILED,
            (f"proof purpose is {proof.get('proofPurpose')!r}, expected {purpose!r}"),
            None,
        )
    for name in ("created", "expires"):
        if name in proof and parse_datetime(proof[name]) is None:
            return Status.FAILED, f"proof {name} is not a valid date-time", None
    created = parse_datetime(proof.get("created"))
    if created is not None and created > opts.now + opts.skew:
        return Status.FAILED, f"the proof was created in the future ({proof['created']})", None
    expires = parse_datetime(proof.get("expires"))
    if expires is not None and expires < opts.now - opts.skew:
        return Status.FAILED, f"the proof expired at {proof['expires']}", None
    vm = proof.get("verificationMethod")
    if not isinstance(vm, str):
        return Status.FAILED, "the proof has no verificationMethod", None
    try:
        method = dereference_verification_method(vm, opts.resolver)
    except (UnsupportedDIDMethodError, DIDNotFoundError) as exc:
        return Status.INCONCLUSIVE, f"could not resolve the verification method: {exc}", None
    except SkillsWalletError as exc:  # a malformed DID, or a key that is not a valid point
        return Status.FAILED, f"verification method rejected: {exc}", None
    except Exception as exc:  # a caller's resolver failed (network, bug): could not decide
        return (
            Status.INCONCLUSIVE,
            f"the DID resolver failed for {vm}: {type(exc).__name__}",
            None,
        )
    if purpose not in method.relationships:
        return (
            Status.FAILED,
            (f"key {vm} is not authorized for {purpose} by its DID document"),
            None,
        )
    suite = ALL_SUITES[str(suite_name)]
    if method.public_key.type not in suite.key_types:
        return (
            Status.FAILED,
            (f"{suite_name} cannot be verified with a {method.public_key.type.value} key"),
            None,
        )
    try:
        unsecured = unsecured_for_proof(
            document, proof, [p for p in all_proofs if isinstance(p, dict)]
        )
        if isinstance(suite, EcdsaSd2023) and opts.accept_base_proofs and _is_base(proof):
            ok = _verify_base_proof(suite, unsecured, proof, method.public_key, opts.loader)
        elif isinstance(suite, EcdsaSd2023):
            ok = suite.verify_proof(
                unsecured, proof, method.public_key, opts.loader, quads=shared.quads_for(proof)
            )
        else:
            ok = suite.verify_proof(
                unsecured, proof, method.public_key, opts.loader, shared.for_proof(suite, proof)
            )
    except CanonicalizationError as exc:
        return Status.FAILED, f"the document cannot be canonicalized: {exc}", None
    except SkillsWalletError as exc:
        return Status.FAILED, str(exc), None
    except RecursionError:
        return Status.FAILED, "the document is nested too deeply to process", None
    if not ok:
        return (
            Status.FAILED,
            "the signature does not match the document (tampered, or wrong key)",
            None,
        )
    return Status.PASSED, "signature valid", method.controller


def _is_base(proof: dict[str, Any]) -> bool:
    try:
        parse_base_proof_value(proof.get("proofValue"))
    except ProofError:
        return False
    return True


def _verify_base_proof(
    suite: EcdsaSd2023,
    unsecured: dict[str, Any],
    proof: dict[str, Any],
    public_key: PublicKey,
    loader: ContextLoader,
) -> bool:
    """The holder's check of an ecdsa-sd-2023 base proof: derive the disclosure of
    everything (every statement's signature is then checked) and verify that."""
    every = ["/" + key.replace("~", "~0").replace("/", "~1") for key in unsecured]
    derived = add_derived_proof(unsecured, proof, [p for p in every if p != "/@context"], loader)
    return suite.verify_proof(unsecured_copy(derived), derived["proof"], public_key, loader)


#: (property, is it a start, what failing it means): VC 1.1 states issuanceDate and
#: expirationDate and may state validFrom/validUntil too (its context defines them).
_BOUNDS = (
    ("issuanceDate", True, "not-yet-valid"),
    ("validFrom", True, "not-yet-valid"),
    ("expirationDate", False, "expired"),
    ("validUntil", False, "expired"),
)


def _check_validity(document: dict[str, Any], target: str, opts: VerifyOptions) -> Check:
    v1 = vc_version(document) == 1
    detail: dict[str, Any] = {"now": opts.now.isoformat().replace("+00:00", "Z")}
    detail.update({name: document[name] for name, _, _ in _BOUNDS if name in document})
    for name, is_start, problem in _BOUNDS:  # every stated bound counts
        when = parse_datetime(document.get(name), require_timezone=not v1)
        if when is None:
            continue
        if is_start and when > opts.now + opts.skew:
            reason = f"not valid yet: valid from {document[name]}"
        elif not is_start and when < opts.now - opts.skew:
            reason = f"expired at {document[name]}"
        else:
            continue
        return Check(
            CheckId.VALIDITY_PERIOD, target, Status.FAILED, reason, {**detail, "problem": problem}
        )
    reason = "within its validity period" if len(detail) > 1 else "no validity period is stated"
    return Check(CheckId.VALIDITY_PERIOD, target, Status.PASSED, reason, detail)


def _check_status(document: dict[str, Any], target: str, opts: VerifyOptions) -> Check:
    """A status that cannot be checked fails closed (inconclusive): never a pass."""
    # a list's own status is not consulted, nor trust lists (they judge what credentials
    # claim; the list is the issuer's own, checked against the credential's issuer)
    list_opts = replace(opts, status=None, trust=())

    def verify_list(listed: dict[str, Any]) -> tuple[Status, str]:
        checks = _guarded(_verify_credential, listed, "status list", list_opts)
        for check in checks:
            if check.id is not CheckId.STATUS and check.status in _NOT_PASSED:
                return check.status, f"{check.id.value}: {check.reason}"
        return Status.PASSED, "verified"

    return check_status(
        document,
        target,
        opts.status,
        verify_list,
        now=opts.now,
        skew=opts.skew,
        memo_key=_memo_key(opts),
    )


_NOT_PASSED = (Status.FAILED, Status.INCONCLUSIVE)


def _memo_key(opts: VerifyOptions) -> Hashable | None:
    """What a list credential's verification depends on besides itself, or None when a
    caller's resolver cannot be told apart (then lists are verified every time)."""
    resolver: object = "did:key" if type(opts.resolver) is KeyResolver else opts.resolver
    try:
        hash(resolver)
        hash(opts.loader)
    except TypeError:
        return None
    return (opts.suites, resolver, opts.loader)


def _check_schema(document: dict[str, Any], target: str, opts: VerifyOptions) -> Check:
    entries = [s for s in as_list(document.get("credentialSchema")) if isinstance(s, dict)]
    if not entries:
        return Check(CheckId.SCHEMA, target, Status.SKIPPED, "the credential names no schema")
    checked: list[str] = []
    unavailable: list[str] = []
    errors: dict[str, list[str]] = {}
    for entry in entries:
        schema_id = entry.get("id")
        types = set(type_terms(entry.get("type")))
        if not isinstance(schema_id, str) or not types & JSON_SCHEMA_TYPES:
            unavailable.append(str(schema_id))
        elif schema_id not in opts.schemas:
            unavailable.append(schema_id)
        else:
            checked.append(schema_id)
            found = opts.schemas.errors(schema_id, document)
            if found:
                errors[schema_id] = found
    detail: dict[str, Any] = {"checked": checked, "notAvailable": unavailable}
    if errors:
        detail["errors"] = errors
        first = next(iter(errors.values()))[0]
        return Check(
            CheckId.SCHEMA, target, Status.FAILED, f"does not match its schema: {first}", detail
        )
    if checked:
        note = f"; not available offline: {', '.join(unavailable)}" if unavailable else ""
        return Check(
            CheckId.SCHEMA, target, Status.PASSED, f"matches {', '.join(checked)}{note}", detail
        )
    return Check(
        CheckId.SCHEMA,
        target,
        Status.SKIPPED,
        f"schema not available offline, not checked: {', '.join(unavailable)}",
        detail,
    )


# --- presentation --------------------------------------------------------------------------


def _verify_presentation(document: dict[str, Any], target: str, opts: VerifyOptions) -> list[Check]:
    checks: list[Check] = []
    problems = validate_presentation(document)
    if problems:
        checks.append(
            Check(
                CheckId.STRUCTURE,
                target,
                Status.FAILED,
                "; ".join(problems),
                {"problems": problems},
            )
        )
        return checks
    checks.append(
        Check(CheckId.STRUCTURE, target, Status.PASSED, "the presentation is well-formed")
    )
    contexts = _check_contexts(document, target, opts)
    checks.append(contexts)
    if contexts.status is not Status.PASSED:
        proof_check = Check(CheckId.PROOF, target, Status.SKIPPED, _NO_CONTEXTS)
        controllers: list[str] = []
    else:
        proof_check, controllers = _check_proofs(document, target, "authentication", opts)
    checks.append(proof_check)
    bound_holder: str | None = None  # named, and the presentation's proof is by it
    if proof_check.status is Status.PASSED and contexts.status is Status.PASSED:
        proofs = [p for p in as_list(document.get("proof")) if isinstance(p, dict)]
        checks.append(_match_all(proofs, "challenge", opts.challenge, target))
        checks.append(_match_all(proofs, "domain", opts.domain, target))
        holder = holder_id(document)
        if holder is None:
            # VC DM 2.0 makes holder optional: the proof still binds it to its signer.
            checks.append(
                Check(
                    CheckId.HOLDER_BINDING,
                    target,
                    Status.SKIPPED,
                    f"no holder named; signed by {', '.join(controllers)}",
                    {"signers": controllers},
                )
            )
        elif holder in controllers:
            bound_holder = holder
            checks.append(
                Check(
                    CheckId.HOLDER_BINDING, target, Status.PASSED, f"signed by the holder {holder}"
                )
            )
        else:
            checks.append(
                Check(
                    CheckId.HOLDER_BINDING,
                    target,
                    Status.FAILED,
                    f"signed by {', '.join(controllers)}, not the holder {holder}",
                )
            )
    else:
        checks.extend(
            _skipped(
                target,
                "the presentation proof did not verify",
                CheckId.CHALLENGE,
                CheckId.DOMAIN,
                CheckId.HOLDER_BINDING,
            )
        )
    if opts.subject_binding:
        checks.append(_check_subject_binding(document, target, controllers, proof_check))
    inner = replace(  # a verifier's view, always
        opts,
        accept_base_proofs=False,
        proof_purpose="assertionMethod",
        in_presentation=True,
        presentation_holder=bound_holder,
        presentation_methods=tuple(
            str(p["verificationMethod"])
            for p in as_list(document.get("proof"))
            if isinstance(p, dict) and isinstance(p.get("verificationMethod"), str)
        ),
    )
    for index, vc in enumerate(as_list(document.get("verifiableCredential"))):
        run = _verify_enveloped if _is_enveloped(vc) else _verify_credential
        checks.extend(_guarded(run, vc, f"credential[{index}]", inner))
    return checks


def _is_enveloped(vc: Any) -> bool:
    return isinstance(vc, dict) and has_type(vc, "EnvelopedVerifiableCredential")


def _said(vc: Any) -> Any:
    """A presented credential, or what an enveloped one says (its subject, types...)."""
    if not _is_enveloped(vc):
        return vc
    from .jose.envelope import content_of

    return content_of(vc)


def _verify_enveloped(vc: dict[str, Any], target: str, opts: VerifyOptions) -> list[Check]:
    """A JWT credential enveloped in the presentation (VC DM 2.0 §4.13.1; the data: URLs
    read are in :mod:`skillswallet.jose.envelope`): checked like the JWT on its own, an
    SD-JWT's key binding against the presentation's challenge and domain."""
    from .jose.checks import check_compact
    from .jose.compact import JoseError
    from .jose.envelope import unwrap

    try:
        fmt, text = unwrap(vc)
    except JoseError as exc:
        detail = {"format": "enveloped", "problems": [str(exc)]}
        return [Check(CheckId.STRUCTURE, target, Status.FAILED, str(exc), detail)]
    checks = check_compact(text, target, opts, binding_target=target)
    first = checks[0]
    return [
        replace(
            first,
            reason=f"enveloped in the presentation: {first.reason}",
            detail={**first.detail, "enveloped": True, "format": first.detail.get("format", fmt)},
        ),
        *checks[1:],
    ]


def _check_subject_binding(
    document: dict[str, Any], target: str, signers: list[str], proof: Check
) -> Check:
    """Every credential presented is about whoever signed the presentation (its subject
    ids include the signer): a verifier's policy when credentials must be the presenter's
    own, asked for with ``verify(..., subject_binding=True)``."""
    if proof.status is not Status.PASSED:
        return Check(
            CheckId.SUBJECT_BINDING, target, Status.SKIPPED, "the presentation proof did not verify"
        )
    strangers = []
    for index, vc in enumerate(as_list(document.get("verifiableCredential"))):
        said = _said(vc)
        subjects = [
            s.get("id")
            for s in (as_list(said.get("credentialSubject")) if isinstance(said, dict) else [])
            if isinstance(s, dict)
        ]
        if not set(signers).intersection(s for s in subjects if isinstance(s, str)):
            strangers.append(f"credential[{index}]")
    if strangers:
        return Check(
            CheckId.SUBJECT_BINDING,
            target,
            Status.FAILED,
            f"{', '.join(strangers)} not about the signer {', '.join(signers)}",
            {"notAboutTheSigner": strangers},
        )
    return Check(
        CheckId.SUBJECT_BINDING,
        target,
        Status.PASSED,
        f"every credential is about the signer {', '.join(signers)}",
    )


def _match_all(
    proofs: Sequence[dict[str, Any]], name: str, expected: str | None, target: str
) -> Check:
    check_id = CheckId.CHALLENGE if name == "challenge" else CheckId.DOMAIN
    if expected is None:
        return Check(check_id, target, Status.SKIPPED, f"no {name} was requested")
    values = [p.get(name) for p in proofs]
    if all(v == expected for v in values):
        return Check(check_id, target, Status.PASSED, f"{name} matches")
    if any(v is None for v in values):
        return Check(
            check_id, target, Status.FAILED, f"the proof has no {name}; expected {expected!r}"
        )
    return Check(
        check_id,
        target,
        Status.FAILED,
        f"the proof's {name} {values[0]!r} is not the expected {expected!r}",
    )
