"""Importing credentials into a vault: verify every one first, then seal and store it.

All the CPU work of an import (verification, serialization, encryption) is in
:func:`prepare`, a pure function of one credential and the vault's keys, so a large import
runs it on fork-based worker processes while this process writes the previous batch.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import itertools
import json
import multiprocessing
import os
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import process as futures_process
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from .credentials.dates import format_datetime
from .credentials.loader import ContextLoader
from .credentials.model import as_list, is_presentation, issuer_id, text_value, vc_version
from .credentials.types import type_terms
from .did.multikey import decode_multibase_base58, encode_multibase_base58
from .did.resolver import DIDResolver
from .errors import ImportWorkerError, InvalidKeyError, SkillsWalletError
from .jose.checks import has_key_binding
from .jose.holding import dedupe_content, summary_source
from .openbadges2 import (
    FORMAT,
    DocumentFetcher,
    IssuerKey,
    assertion_of,
    badge_class_of,
    credential_view,
    is_openbadge2,
    recipient_matches,
    recipient_text,
    verify_openbadge2,
)
from .result import CheckId, Status, VerificationResult
from .skills.evidence import (
    HOLDER_SUBJECT,
    HOSTED_FETCHED,
    KEY_FETCHED,
    claim_facts,
    skill_alignments,
)
from .status.sources import StatusSource
from .storage.vault import EncryptedStore, SealedRecord
from .verify import verify

CREDENTIAL = "credential"  # the record kind of a stored credential

_PR_SET_PDEATHSIG = 1  # prctl option (linux/prctl.h)


@dataclass
class ImportOutcome:
    """One credential's fate: ``stored``, ``duplicate`` or ``refused``."""

    status: str
    record_id: str | None = None
    credential_id: str | None = None
    flags: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    #: The skill URIs the credential is about (its summary's).
    skills: list[str] = field(default_factory=list)
    #: Remarks that do not stop the import, e.g. a skill the taxonomy does not know.
    warnings: list[str] = field(default_factory=list)


class ImportInterrupted(KeyboardInterrupt):
    """An import stopped by Ctrl-C (or a signal the caller turns into KeyboardInterrupt).
    ``report`` holds the outcomes of the batches committed before it: those credentials
    are stored and durable; nothing of the interrupted batch is."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__("the import was interrupted")
        self.report = report


@dataclass
class ImportReport:
    outcomes: list[ImportOutcome] = field(default_factory=list)

    @property
    def stored(self) -> list[ImportOutcome]:
        return [o for o in self.outcomes if o.status == "stored"]

    @property
    def duplicates(self) -> list[ImportOutcome]:
        return [o for o in self.outcomes if o.status == "duplicate"]

    @property
    def refused(self) -> list[ImportOutcome]:
        return [o for o in self.outcomes if o.status == "refused"]


def iter_credentials(document: Any) -> Iterator[Any]:
    """Credentials in an import: a credential, a presentation's credentials, or a JSON
    array of either."""
    if isinstance(document, list):
        for item in document:
            yield from iter_credentials(item)
    elif isinstance(document, dict) and is_presentation(document):
        yield from as_list(document.get("verifiableCredential"))
    else:
        yield document


_SKILL_RE = re.compile(
    r'"targetUrl":"((?:[^"\\]|\\.)*)"|"(http://data\.europa\.eu/esco/(?:[^"\\]|\\.)*)"'
)


def extract_skills(credential: Any) -> list[str]:
    """Skill URIs a credential is about: its skill alignments (not qualification levels,
    not occupations; :func:`skillswallet.skills.evidence.skill_alignments`)."""
    if not isinstance(credential, dict):
        return []
    return sorted(uri for uri, _ in skill_alignments(credential))


#: Group orders of the ECDSA curves (by signature length r||s): an ECDSA signature (r, s)
#: is as valid as (r, n - s), so the same signed credential exists in two spellings.
_ECDSA_ORDERS = {
    64: 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
    96: int(
        "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77A"
        "ECEC196ACCC52973",
        16,
    ),
}


def _dedupe_content(credential: dict[str, Any], encoded: bytes) -> bytes:
    """What the blind index of a stored credential is computed over: its compact JSON,
    with every ECDSA proofValue in low-S form, so that the high-S and low-S copies of
    one signed credential are one credential (stored once)."""
    proofs = as_list(credential.get("proof"))
    normalized = [_low_s_proof(p) for p in proofs]
    if normalized == proofs:
        return encoded
    copy = dict(credential)
    copy["proof"] = normalized if isinstance(credential.get("proof"), list) else normalized[0]
    return _compact_json(copy).encode("utf-8")


def _low_s_proof(proof: Any) -> Any:
    if not isinstance(proof, dict) or proof.get("cryptosuite") not in (
        "ecdsa-rdfc-2019",
        "ecdsa-jcs-2019",
    ):
        return proof
    value = proof.get("proofValue")
    if not isinstance(value, str):
        return proof
    try:
        signature = decode_multibase_base58(value)
    except (InvalidKeyError, ValueError):
        return proof
    order = _ECDSA_ORDERS.get(len(signature))
    if order is None:
        return proof
    half = len(signature) // 2
    s_value = int.from_bytes(signature[half:], "big")
    if not 0 < s_value < order or s_value <= order // 2:
        return proof
    low = signature[:half] + (order - s_value).to_bytes(half, "big")
    return {**proof, "proofValue": encode_multibase_base58(low)}


def _compact_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _summary_meta(credential: dict[str, Any], flags: list[str], now: datetime) -> dict[str, Any]:
    subject = as_list(credential.get("credentialSubject"))
    v1 = vc_version(credential) == 1
    issuer = credential.get("issuer")
    skills = sorted(skill_alignments(credential), key=lambda pair: pair[0])
    valid_from = credential.get("issuanceDate" if v1 else "validFrom")
    valid_until = credential.get("expirationDate" if v1 else "validUntil")
    return {
        "credential_id": credential.get("id") if isinstance(credential.get("id"), str) else None,
        "types": type_terms(credential.get("type")),
        "name": text_value(credential.get("name")),
        "issuer": issuer_id(credential),
        "issuer_name": text_value(issuer.get("name")) if isinstance(issuer, dict) else None,
        "skill_labels": [label for _, label in skills if label],
        "subject": subject[0].get("id") if subject and isinstance(subject[0], dict) else None,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "skills": [uri for uri, _ in skills],
        "flags": flags,
        "imported_at": format_datetime(now),
        # What the skills profile needs, so it never decrypts the credential itself nor
        # parses whole summaries (the vault indexes these apart): HeldFacts' form.
        "facts": [flags, valid_from, valid_until, claim_facts(credential).to_json()],
    }


#: Checks whose failure means "this is not what it claims to be": refused on import.
#: (A credential that fails its own schema is not what it claims to be either.)
_BLOCKING = (
    CheckId.STRUCTURE,
    CheckId.CONTEXTS,
    CheckId.PROOF,
    CheckId.ISSUER_BINDING,
    CheckId.SCHEMA,
)


def classify(result: VerificationResult) -> tuple[bool, list[str], list[str]]:
    """(acceptable, flags, reasons) for an import, from a verification result."""
    reasons = [
        f"{c.id.value}: {c.reason}"
        for c in result.checks
        if c.id in _BLOCKING and c.status in (Status.FAILED, Status.INCONCLUSIVE)
    ]
    flags: list[str] = []
    for check in result.checks:
        if check.id is CheckId.VALIDITY_PERIOD and check.status is Status.FAILED:
            flags.append(str(check.detail.get("problem", "outside-validity-period")))
        if check.id is CheckId.STATUS and check.status is Status.INCONCLUSIVE:
            flags.append("status-unchecked")
        if check.id is CheckId.STATUS and check.status is Status.FAILED:
            states = {e.get("state") for e in check.detail.get("entries", [])}
            if "revoked" in states:  # revoked for good: not a credential to hold
                reasons.append(f"{check.id.value}: {check.reason}")
            else:
                flags.append("suspended" if "suspended" in states else "status-invalid")
    return (not reasons, flags, reasons)


PARALLEL_MIN = 200


@dataclass(frozen=True)
class OpenBadges2Options:
    """What an import needs for Open Badges 2.0 assertions: the issuers' keys the holder
    pinned (signed assertions), and the holder's own recipient identities (e.g. email
    addresses): an assertion awarded to one of them is about the holder."""

    keys: tuple[IssuerKey, ...] = ()
    recipients: tuple[str, ...] = ()
    #: Opt-in network: hosted assertions fetched from their host, signed ones' keys from
    #: their ``verification.creator`` (None: offline).
    fetcher: DocumentFetcher | None = None


@dataclass(frozen=True)
class ImportContext:
    """What a worker needs to verify and seal one credential (inherited through fork)."""

    store: EncryptedStore
    loader: ContextLoader | None
    resolver: DIDResolver | None
    allow_unverified: bool
    openbadges: OpenBadges2Options = OpenBadges2Options()
    status: StatusSource | None = None


_POOL_CONTEXT: ImportContext | None = None  # set in worker processes only


def _classify_one(
    credential: Any, now: datetime, context: ImportContext
) -> tuple[bool, list[str], list[str]]:
    if not isinstance(credential, dict | str):
        return False, [], ["structure: a credential must be a JSON object or a JWT"]
    try:
        result = verify(
            credential,
            now=now,
            loader=context.loader,
            resolver=context.resolver,
            status=context.status,
            accept_base_proofs=True,
        )
    except MemoryError:
        raise
    except Exception as exc:  # a verifier error is this credential's failed check
        return False, [], [_failure_reason(exc)]
    return classify(result)


NESTED_PRESENTATION = (
    "structure: a presentation inside a presentation is not a credential "
    "(import the inner presentation on its own)"
)


def _failure_reason(exc: Exception) -> str:
    """A refusal reason for an exception raised while handling one item: typed errors
    have messages meant for people; anything else is named by its type only."""
    if isinstance(exc, SkillsWalletError):
        return f"structure: the credential could not be checked: {exc}"
    if isinstance(exc, RecursionError):
        return "structure: the credential is nested too deeply"
    return f"structure: the credential could not be checked ({type(exc).__name__})"


def prepare(
    context: ImportContext, credential: Any, now: datetime
) -> tuple[ImportOutcome, SealedRecord | None]:
    """Verify one credential and, if it is to be stored, seal it: all the CPU work of an
    import, so it can run in a worker process. Whatever goes wrong with one item (a
    verifier error, a value that cannot be serialized) refuses that item only: the
    other items of an import never depend on it."""
    try:
        return _prepare(context, credential, now)
    except MemoryError:
        raise  # an environment failure, not the item's
    except Exception as exc:
        reason = _failure_reason(exc)
        return ImportOutcome(
            "refused", credential_id=_credential_id(credential), reasons=[reason]
        ), None


def _credential_id(credential: Any) -> str | None:
    if isinstance(credential, dict) and isinstance(credential.get("id"), str):
        return str(credential["id"])
    return None


def _prepare(
    context: ImportContext, credential: Any, now: datetime
) -> tuple[ImportOutcome, SealedRecord | None]:
    if is_openbadge2(credential):
        return _prepare_openbadge2(context, credential, now)
    if isinstance(credential, dict) and is_presentation(credential):
        # never stored, not even with allow_unverified: it is not a credential
        return ImportOutcome(
            "refused", credential_id=_credential_id(credential), reasons=[NESTED_PRESENTATION]
        ), None
    if isinstance(credential, str) and not is_openbadge2(credential):
        return _prepare_compact(context, credential, now)
    verdict = _classify_one(credential, now, context)
    outcome = _outcome(credential, verdict, context.allow_unverified)
    if outcome.status != "stored":
        return outcome, None
    # One deterministic serialization serves the dedupe tag, the skill scan and the body.
    try:
        serialized = _compact_json(credential)
        encoded = serialized.encode("utf-8")
    except (RecursionError, TypeError, ValueError):
        reason = "structure: the credential cannot be stored as JSON (too deep or not JSON)"
        return ImportOutcome("refused", credential_id=outcome.credential_id, reasons=[reason]), None
    meta = _summary_meta(credential, outcome.flags, now)
    outcome.skills = list(meta["skills"])
    dedupe = _dedupe_content(credential, encoded)
    record = context.store.seal_record(CREDENTIAL, meta, None, dedupe, encoded_body=encoded)
    return outcome, record


#: The flag of an Open Badges 2.0 assertion issued by a host and not fetched: "issued by a
#: host, not verified offline". It is stored with ``unverified`` too: it counts for nothing.
HOSTED_UNVERIFIED = "hosted-unverified"


def _prepare_openbadge2(
    context: ImportContext, value: Any, now: datetime
) -> tuple[ImportOutcome, SealedRecord | None]:
    """An Open Badges 2.0 assertion: verified as far as it can be offline, stored as it
    came (the JWS of a signed one kept in its summary) with a summary derived from it."""
    options = context.openbadges
    result = verify_openbadge2(value, keys=options.keys, fetcher=options.fetcher, now=now)
    ok, flags, reasons = classify(result)
    proof = next((c for c in result.checks if c.id is CheckId.PROOF), None)
    found = proof.detail if proof is not None else {}
    if found.get("hostedUnverified") is True and all(
        r.startswith(f"{CheckId.PROOF.value}:") for r in reasons
    ):
        ok, flags = True, [HOSTED_UNVERIFIED, "unverified", *flags]
    elif ok and found.get("hostedFetched") is True:
        flags = [HOSTED_FETCHED, *flags]
    elif ok and found.get("keyFetched") is True:
        flags = [KEY_FETCHED, *flags]
    assertion = assertion_of(value)
    outcome = _outcome(assertion, (ok, flags, reasons), context.allow_unverified)
    if outcome.status != "stored":
        return outcome, None
    serialized = _compact_json(assertion)
    mine = recipient_matches(assertion, options.recipients)
    view = credential_view(badge_class_of(assertion, result), _RECIPIENT)
    meta = _summary_meta(view, outcome.flags, now)
    facts = claim_facts(view)
    if mine:
        facts = replace(facts, subjects=tuple((HOLDER_SUBJECT, s) for _, s in facts.subjects))
    meta["facts"][3] = facts.to_json()
    meta["subject"] = recipient_text(assertion)
    meta["format"] = FORMAT
    if isinstance(value, str):
        meta["jws"] = value.strip()
    if not mine and meta["skills"]:
        outcome.warnings.append(
            "the badge was awarded to a recipient you did not name as yours (--recipient): "
            "its skills do not count in your profile"
        )
    outcome.skills = list(meta["skills"])
    encoded = serialized.encode("utf-8")
    record = context.store.seal_record(CREDENTIAL, meta, None, encoded, encoded_body=encoded)
    return outcome, record


_RECIPIENT = "urn:skillswallet:openbadges2:recipient"


def _prepare_compact(
    context: ImportContext, text: str, now: datetime
) -> tuple[ImportOutcome, SealedRecord | None]:
    """A JWT credential (vc+jwt, SD-JWT VC): verified, then stored as it came (the body
    is its serialization) with a summary of what it says (:mod:`skillswallet.jose`)."""
    if has_key_binding(text):
        return ImportOutcome("refused", reasons=[HELD_PRESENTATION]), None
    verdict = _classify_one(text, now, context)
    outcome = _outcome(text, verdict, context.allow_unverified)
    if outcome.status != "stored":
        return outcome, None
    fmt, shaped = summary_source(text)
    meta = {**_summary_meta(shaped, outcome.flags, now), "format": fmt}
    outcome.credential_id, outcome.skills = meta["credential_id"], list(meta["skills"])
    body = json.dumps(text).encode("ascii")
    return outcome, context.store.seal_record(
        CREDENTIAL, meta, None, dedupe_content(text), encoded_body=body
    )


HELD_PRESENTATION = (
    "structure: this SD-JWT ends in a key binding JWT: it is a presentation made for a "
    "verifier, not a credential to hold (import the SD-JWT the issuer gave you)"
)


def _pool_prepare(
    chunk: list[Any], now: datetime
) -> list[tuple[ImportOutcome, SealedRecord | None]]:
    assert _POOL_CONTEXT is not None
    return [prepare(_POOL_CONTEXT, credential, now) for credential in chunk]


_CHUNK = 16  # credentials a worker task


def _make_pool(workers: int | None, context: ImportContext) -> ProcessPoolExecutor | None:
    """A fork-based process pool (each credential is independent, so verification scales
    with cores), or None where fork is unavailable or one worker is asked for. The workers
    inherit the open vault's keys through fork, as the same program, and never touch its
    database connection.

    (concurrent.futures rather than multiprocessing.Pool: the latter's worker-handler
    thread wakes on every result and spins until the result thread has read it, a tenth
    of an import's CPU on two cores; and a worker that dies makes it hang, where this
    pool reports it.)"""
    return fork_pool(workers, _start_worker, (os.getpid(), context))


def fork_pool(
    workers: int | None, initializer: Callable[..., None], initargs: tuple[Any, ...]
) -> ProcessPoolExecutor | None:
    """The pool of :func:`_make_pool`, for any work: ``initializer(*initargs)`` runs in
    each worker (``initargs`` are inherited through fork, never pickled; the initializer
    should call :func:`worker_started` with this process's id)."""
    count = workers if workers is not None else min(_usable_cpus(), 8)
    # fork is safe and cheap on Linux; elsewhere (macOS, Windows) work in-process.
    if count <= 1 or not sys.platform.startswith("linux"):
        return None
    pool = ProcessPoolExecutor(
        count,
        mp_context=multiprocessing.get_context("fork"),
        initializer=initializer,
        initargs=initargs,
    )
    # Freeze the parent's objects while the workers fork (the gc module's advice for fork
    # without exec): their collections then skip everything they inherited, instead of
    # walking, and copy-on-write copying, the caller's whole heap.
    gc.freeze()
    try:
        pool.submit(int).result()  # the first task starts every worker
    except BaseException:  # interrupted while the workers start: they must not outlive us
        kill_pool(pool)
        raise
    finally:
        gc.unfreeze()
    return pool


def _usable_cpus() -> int:
    """The CPUs this process may run on (its affinity mask, where the OS has one), not
    every CPU of the machine: a container pinned to two cores gets two workers."""
    if hasattr(os, "sched_getaffinity"):
        return max(1, len(os.sched_getaffinity(0)))
    return os.cpu_count() or 1


def _start_worker(parent: int, context: ImportContext) -> None:
    """In each worker (Linux): keep this import's context (each pool its own, so imports
    in several threads never mix their vaults). Ctrl-C is the importing process's to
    handle (it stops the pool and reports what is stored): a worker ignores it instead
    of dying with a traceback.
    And a worker is killed when the importing process dies, so that a killed import
    never leaves processes behind that hold the vault's keys in memory. (They would
    otherwise wait for work for ever: they hold their task pipe open themselves.)"""
    global _POOL_CONTEXT
    _POOL_CONTEXT = context
    worker_started(parent)


def worker_started(parent: int) -> None:
    """A fork worker's set-up (see :func:`_start_worker`): Ctrl-C ignored, SIGTERM
    quiet, and killed when ``parent`` dies."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # SIGTERM ends a worker quietly (the pool itself stops broken workers with it); the
    # importing process's own SIGTERM handler, inherited through fork, must not run here.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # it died before the line above took effect
        os._exit(1)


Prepared = list[tuple[ImportOutcome, SealedRecord | None]]


def _dispatch(
    pool: ProcessPoolExecutor, context: ImportContext, window: list[Any], now: datetime
) -> list[tuple[list[Any], Future[Prepared]]]:
    """Hand a window of credentials to the workers, a chunk a task."""
    chunks = [window[i : i + _CHUNK] for i in range(0, len(window), _CHUNK)]
    try:
        return [(chunk, pool.submit(_pool_prepare, chunk, now)) for chunk in chunks]
    except BrokenProcessPool:  # a worker died on the previous window, before we collected it
        raise _worker_died() from None


def _worker_died() -> ImportWorkerError:
    return ImportWorkerError(
        "a verification worker process died (killed, or out of memory); the "
        "credentials of earlier batches are stored, those of this batch are not"
    )


def _collect(
    context: ImportContext, tasks: list[tuple[list[Any], Future[Prepared]]], now: datetime
) -> Prepared:
    out: Prepared = []
    for chunk, future in tasks:
        try:
            out.extend(future.result())
        except BrokenProcessPool:
            raise _worker_died() from None
        except Exception:
            # The chunk could not reach a worker (e.g. a value that cannot be pickled):
            # prepare it here, where each item's failure refuses that item only.
            out.extend(prepare(context, credential, now) for credential in chunk)
    return out


def _outcome(
    credential: Any, verdict: tuple[bool, list[str], list[str]], allow_unverified: bool
) -> ImportOutcome:
    ok, flags, reasons = verdict
    cred_id = _credential_id(credential)
    if not ok:
        if not allow_unverified or not isinstance(credential, dict | str):
            return ImportOutcome("refused", credential_id=cred_id, reasons=reasons)
        flags = ["unverified", *flags]
    return ImportOutcome("stored", credential_id=cred_id, flags=flags, reasons=reasons)


def run_import(
    store: EncryptedStore,
    documents: Iterable[Any],
    context: ImportContext,
    *,
    clock: Callable[[], datetime],
    batch_size: int = 1000,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """The import pipeline behind :meth:`skillswallet.wallet.Wallet.import_credentials`."""
    report = ImportReport()
    credentials = iter(c for d in documents for c in iter_credentials(d))
    pool: ProcessPoolExecutor | None = None
    in_flight: tuple[list[tuple[list[Any], Future[Prepared]]], datetime] | None = None
    try:
        while True:
            window = list(itertools.islice(credentials, batch_size))
            if not window:
                break
            now = clock()
            if pool is None and len(window) >= PARALLEL_MIN:
                with deferring_signals():  # no interruption between fork and `pool =`
                    pool = _make_pool(workers, context)
            if pool is None:
                _commit(store, report, [prepare(context, c, now) for c in window], progress)
                continue
            # Workers verify and seal this window while we write the previous one.
            started = _dispatch(pool, context, window, now)
            if in_flight is not None:
                _commit(store, report, _collect(context, *in_flight), progress)
            in_flight = (started, now)
        if in_flight is not None:
            _commit(store, report, _collect(context, *in_flight), progress)
    except KeyboardInterrupt:
        if pool is not None:
            with deferring_signals(redeliver=False):  # a second Ctrl-C changes nothing
                kill_pool(pool)
            pool = None
        raise ImportInterrupted(report) from None
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    return report


def kill_pool(pool: ProcessPoolExecutor) -> None:
    """Stop the workers at once (they hold no database connection, only work that is
    thrown away): a graceful shutdown can wait for ever on a pool whose queues an
    interruption left half-used."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(OSError, ValueError):
            process.kill()
    for process in processes:
        with contextlib.suppress(OSError, ValueError, AssertionError):
            process.join(timeout=2)
    # A worker killed while writing a result leaves a partial message in the result pipe:
    # the pool's manager thread would wait for the rest for ever (and the interpreter,
    # exiting, for that thread). With every worker gone, closing our own write end makes
    # its read fail instead, and it ends.
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        with contextlib.suppress(OSError):
            writer.close()
    manager = getattr(pool, "_executor_manager_thread", None)  # (shutdown forgets it)
    pool.shutdown(wait=False, cancel_futures=True)
    if isinstance(manager, threading.Thread):  # it sees the workers gone, and ends
        manager.join(timeout=2)
        if not manager.is_alive():
            # concurrent.futures wakes every pool's manager at interpreter exit, through a
            # pipe this pool may have closed by then ("Exception ignored ... Bad file
            # descriptor" after an interrupted import): this one has nothing to wake.
            wakeups = getattr(futures_process, "_threads_wakeups", None)
            if wakeups is not None:
                with contextlib.suppress(Exception):
                    wakeups.pop(manager, None)


@contextlib.contextmanager
def deferring_signals(*, redeliver: bool = True) -> Iterator[None]:
    """Hold SIGINT and SIGTERM until the block is over (main thread only), then deliver
    the first one held (unless ``redeliver`` is false). So a batch's commit and its
    outcomes in the report are one step (the report counts exactly what is stored), and
    a pool's start and its bookkeeping are one too (no worker escapes being stopped)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    saved = {signum: signal.getsignal(signum) for signum in (signal.SIGINT, signal.SIGTERM)}
    for signum in saved:
        signal.signal(signum, lambda received, _frame: pending.append(received))
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        if pending and redeliver:
            signal.raise_signal(pending[0])  # now, to the handler the caller had


def _commit(
    store: EncryptedStore,
    report: ImportReport,
    prepared: list[tuple[ImportOutcome, SealedRecord | None]],
    progress: Callable[[int], None] | None,
) -> None:
    records = [(outcome, record) for outcome, record in prepared if record is not None]
    with deferring_signals():
        ids = store.put_sealed(r for _, r in records) if records else []
        for (outcome, _), record_id in zip(records, ids, strict=True):
            if record_id is None:
                outcome.status = "duplicate"
            else:
                outcome.record_id = record_id
        report.outcomes.extend(outcome for outcome, _ in prepared)
    if progress is not None:
        progress(len(prepared))
