"""The Wallet: the one stateful facade a person (or an embedding app) uses. It holds an
open encrypted vault, verifies before it stores, signs with vault keys, and keeps the
disclosure log. Everything else in the library is pure. (Importing is in
:mod:`skillswallet.importing`; its public names are re-exported here.)"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sqlite3
import stat
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO, TypeVar

from pydantic import BaseModel, ConfigDict

from . import safefile
from .credentials.dates import format_datetime, parse_datetime
from .credentials.issue import issue_credential
from .credentials.loader import ContextLoader
from .credentials.suites import default_suite
from .did.key import did_from_public_key, public_key_from_did, verification_method_id
from .did.keyfile import read_key_file
from .did.keys import KeyPair, KeySigner
from .did.multikey import KeyType
from .did.resolver import DIDResolver
from .did.url import parse_did_url
from .did.web import did_web, did_web_document
from .errors import (
    BackupFileError,
    DIDError,
    InvalidDocumentError,
    PointerError,
    PresentationError,
    RecordCorruptError,
    RecordNotFoundError,
    UnsatisfiableRequestError,
    VaultError,
    VaultExistsError,
)
from .gcpause import collector_paused
from .importing import (
    CREDENTIAL,
    ImportContext,
    ImportInterrupted,
    ImportOutcome,
    ImportReport,
    OpenBadges2Options,
    extract_skills,
    iter_credentials,
    run_import,
)
from .jose import (
    SD_JWT_VC,
    SdJwtPresentation,
    as_credential,
    issue_sd_jwt_vc,
    issue_vc_jwt,
    present_sd_jwt,
)
from .jose import view as jose_view
from .jose.envelope import envelope
from .jose.holding import COMPACT_FORMATS, SKILL_CLAIMS, summary_source
from .jose.sdjwt import SdJwtSelection, disclosable_claims, key_bind
from .openbadges2 import DocumentFetcher, IssuerKey
from .present.disclosure import CredentialDisclosure, disclose_compact, spread_pointers
from .present.disclosure import disclose as disclose_credential
from .present.linkability import (
    EarlierPresentation,
    LinkabilityWarning,
    handles,
    handles_json,
    warnings_for,
)
from .present.matching import HeldDocument, RequestMatch, match_request
from .present.presentation import build_presentation, check_binding, presentation_digest
from .present.request import PresentationRequest, parse_request
from .render.passport import CredentialNote, passport_html
from .result import VerificationResult
from .skills.builders import Profile, Skill, self_assessment
from .skills.evidence import (
    HOLDER_SUBJECT,
    ClaimFacts,
    HeldCredential,
    SkillClaim,
    checked_by,
    claim_facts,
    skill_claims,
)
from .skills.matching import match, occupation_requirements
from .skills.profile import SkillsProfile, build_profile
from .skills.taxonomy import Taxonomy, normalize, skill_group, unknown_skills
from .status.sources import StatusSource
from .storage.crypto import KdfCeiling, KdfParams
from .storage.vault import (
    APPLICATION_ID,
    DEFAULT_BUSY_TIMEOUT,
    SQLITE_MAGIC,
    EncryptedStore,
    Record,
)
from .trust.lists import TrustList
from .verify import verify

__all__ = [
    "CredentialSummary",
    "DisclosureEntry",
    "ImportInterrupted",
    "ImportOutcome",
    "ImportReport",
    "KeySummary",
    "Listing",
    "Presentation",
    "PresentationPlan",
    "RestoreReport",
    "SdJwtPresented",
    "VaultSigner",
    "Wallet",
    "extract_skills",
    "iter_credentials",
]

KEY = "key"
#: A did:web identity: its DID and the vault keys of its document, oldest first.
DID_WEB = "did-web"
DISCLOSURE = "disclosure"

#: The largest backup ``restore`` reads (a vault this size holds millions of credentials).
MAX_BACKUP_BYTES = 4 * 1024**3


def _make_folder(path: Path, failure: str) -> None:
    """``mkdir -p`` (0700 for what it creates); an OS error becomes a VaultError that
    names the folder."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        why = "it is not a directory" if isinstance(exc, FileExistsError) else exc.strerror
        raise VaultError(f"{failure} {path}: {why}") from None


_T = TypeVar("_T")


class Listing(list[_T]):
    """A list of results, plus ``damaged``: the ids of records that could not be read
    (so one damaged record never silently shortens a listing or an export)."""

    def __init__(self, items: Iterable[_T] = (), *, damaged: Iterable[str] = ()) -> None:
        super().__init__(items)
        self.damaged: list[str] = list(damaged)


class CredentialSummary(BaseModel):
    """What the vault knows about a stored credential without decrypting its body."""

    model_config = ConfigDict(frozen=True)

    id: str
    credential_id: str | None = None
    types: list[str]
    name: str | None = None
    issuer: str | None = None
    issuer_name: str | None = None
    subject: str | None = None
    valid_from: str | None = None
    valid_until: str | None = None
    skills: list[str] = []
    skill_labels: list[str] = []
    flags: list[str] = []
    imported_at: str
    #: ``vc+jwt`` or ``dc+sd-jwt`` for a JWT credential (stored as it came); None for a
    #: JSON credential with Data Integrity proofs.
    format: str | None = None

    @property
    def verified(self) -> bool:
        return "unverified" not in self.flags


#: Summary fields whose values repeat across credentials (issuers, dates; types, skills).
_SHARED_TEXT = ("issuer", "subject", "issuer_name", "imported_at", "valid_from")
_SHARED_LISTS = ("types", "skills", "skill_labels")


def summary_of(record: Record) -> CredentialSummary:
    """A stored record's summary, its repeated strings shared (``sys.intern``): a listing
    of 100,000 from a few issuers holds each issuer, type and skill URI once, not once a
    credential (peak 247 -> 175 MiB for 100,000; about 0.1 s more). The values are the
    same, so the record's own meta is updated in place."""
    meta = record.meta
    intern = sys.intern
    for key in _SHARED_TEXT:
        value = meta.get(key)
        if value.__class__ is str:
            meta[key] = intern(value)
    for key in _SHARED_LISTS:
        value = meta.get(key)
        if value.__class__ is list:
            meta[key] = [intern(v) if v.__class__ is str else v for v in value]
    return CredentialSummary(id=record.id, **meta)


@dataclass(frozen=True)
class SummaryFilter:
    """The filters of :meth:`Wallet.search`, applied to stored summaries before any
    model is built (a search of 100,000 builds models for its matches only)."""

    type: str | None = None
    issuer: str | None = None
    issuer_text: str = ""
    skill: str | None = None
    skill_text: str = ""
    text: str | None = None
    valid_on: datetime | None = None
    imported_after: datetime | None = None
    #: Skill URIs already judged (a search of 100,000 sees the same few again and again).
    _skill_seen: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(
        cls,
        *,
        type: str | None,
        issuer: str | None,
        skill: str | None,
        text: str | None,
        valid_on: datetime | None,
        imported_after: datetime | None,
    ) -> SummaryFilter:
        if valid_on is not None and valid_on.tzinfo is None:
            valid_on = valid_on.replace(tzinfo=UTC)
        if imported_after is not None and imported_after.tzinfo is None:
            imported_after = imported_after.replace(tzinfo=UTC)
        return cls(
            type=type,
            issuer=issuer,
            issuer_text=normalize(issuer) if issuer is not None else "",
            skill=skill,
            skill_text=normalize(skill) if skill is not None else "",
            text=normalize(text) if text is not None else None,
            valid_on=valid_on,
            imported_after=imported_after,
        )

    def _is_the_skill(self, uri: str) -> bool:
        seen = self._skill_seen.get(uri)
        if seen is None:
            skill = str(self.skill)
            seen = uri == skill or uri.endswith("/" + skill)
            if len(self._skill_seen) < 4096:
                self._skill_seen[uri] = seen
        return seen

    def _has_the_skill(self, meta: dict[str, Any]) -> bool:
        return any(self._is_the_skill(s) for s in meta.get("skills") or ()) or bool(
            self.skill_text
            and any(self.skill_text in normalize(x) for x in meta.get("skill_labels") or ())
        )

    def matches(self, meta: dict[str, Any]) -> bool:
        if self.type is not None and self.type not in (meta.get("types") or ()):
            return False
        if self.issuer is not None and not (
            meta.get("issuer") == self.issuer
            or (self.issuer_text and self.issuer_text in normalize(meta.get("issuer_name") or ""))
        ):
            return False
        if self.skill is not None and not self._has_the_skill(meta):
            return False
        if self.text is not None and self.text not in normalize(meta.get("name") or ""):
            return False
        if self.valid_on is not None:
            start = parse_datetime(meta.get("valid_from"), require_timezone=False)
            end = parse_datetime(meta.get("valid_until"), require_timezone=False)
            if (start and start > self.valid_on) or (end and end < self.valid_on):
                return False
        if self.imported_after is not None:
            imported = parse_datetime(meta.get("imported_at"))
            if imported is None or imported < self.imported_after:
                return False
        return True


class Scan:
    """Credential summaries produced as the vault's pages are read (:meth:`Wallet.scan`).
    Iterate it once; then ``damaged`` holds the ids of records that could not be read."""

    def __init__(self, records: Iterable[Record | RecordCorruptError], match: SummaryFilter):
        self._records = records
        self._match = match
        self.damaged: list[str] = []

    def __iter__(self) -> Iterator[CredentialSummary]:
        for record in self._records:
            if not isinstance(record, Record):
                self.damaged.append(record.record_id or "?")
            elif self._match.matches(record.meta):
                yield summary_of(record)


class KeySummary(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    did: str
    verification_method: str
    type: str
    label: str | None = None
    created_at: str


class DisclosureEntry(BaseModel):
    """One entry of the disclosure log: what was shown, to whom, when and why. Entries
    of presentations the wallet made carry the rest (``present``/``respond``); the
    presentation and the request themselves are kept in the record's body
    (:meth:`Wallet.disclosure`)."""

    model_config = ConfigDict(frozen=True)

    id: str
    at: str
    #: The verifier: the presentation's domain (or what ``log_disclosure`` was told).
    verifier: str
    purpose: str | None = None
    credential_ids: list[str] = []
    #: What was revealed (``record-id: /pointer`` for presentations) and withheld.
    disclosed: list[str] = []
    withheld: list[str] = []
    domain: str | None = None
    challenge: str | None = None
    holder: str | None = None
    expires: str | None = None
    #: Per credential: recordId, credentialId, derived, pointers, revealed, withheld.
    credentials: list[dict[str, Any]] = []
    #: What the request asked (one line per query), when the presentation answered one.
    request: list[str] | None = None
    #: SHA-256 (hex) of the presentation's JCS form.
    presentation_sha256: str | None = None
    #: Linkability handles (kind -> SHA-256 digests), see skillswallet.present.linkability.
    links: dict[str, list[str]] = {}


@dataclass(frozen=True)
class PresentationPlan:
    """A presentation before it is signed: who presents, to which domain, each
    credential as it will be shown (:class:`CredentialDisclosure`: what is revealed and
    what withheld), and the linkability warnings; ``match`` when it answers a request."""

    holder: str
    domain: str
    disclosures: list[CredentialDisclosure]
    warnings: list[LinkabilityWarning]
    request: PresentationRequest | None = None
    match: RequestMatch | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "holder": self.holder,
            "domain": self.domain,
            "credentials": [d.to_json() for d in self.disclosures],
            "warnings": [w.to_json() for w in self.warnings],
            "request": self.match.to_json() if self.match is not None else None,
        }


@dataclass(frozen=True)
class Presentation:
    """A signed presentation, as written to the verifier, and its disclosure log entry."""

    presentation: dict[str, Any]
    disclosure_id: str
    sha256: str
    plan: PresentationPlan

    @property
    def warnings(self) -> list[LinkabilityWarning]:
        return self.plan.warnings


class VaultSigner:
    """A :class:`~skillswallet.did.keys.Signer` whose key never leaves the vault."""

    def __init__(self, wallet: Wallet, record_id: str, verification_method: str, key_type: KeyType):
        self._wallet = wallet
        self._record_id = record_id
        self.verification_method = verification_method
        self.key_type = key_type

    def __repr__(self) -> str:
        return f"VaultSigner({self.verification_method!r})"

    def sign(self, data: bytes) -> bytes:
        return self._wallet._sign_with(self._record_id, data)


#: Import flags of credentials that do not verify today for a reason other than expiry.
_NOT_COUNTED = frozenset({"not-yet-valid", "status-unchecked", "status-invalid", "suspended"})


class Wallet:
    """A person's encrypted skills wallet. Use as a context manager::

    with Wallet.open(path, passphrase) as wallet:
        wallet.import_credentials([credential])
    """

    def __init__(
        self,
        store: EncryptedStore,
        *,
        loader: ContextLoader | None = None,
        resolver: DIDResolver | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._store = store
        self._loader = loader
        self._resolver = resolver
        self._clock = clock or (lambda: datetime.now(UTC))

    # -- lifecycle --------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path | str,
        passphrase: str,
        *,
        kdf: KdfParams | None = None,
        kdf_ceiling: KdfCeiling | None = None,
        **kwargs: Any,
    ) -> Wallet:
        """Create a new vault at ``path``, encrypted under a key derived from ``passphrase``;
        refuses a path that exists."""
        _make_folder(Path(path).parent, "cannot create the vault in")
        return cls(EncryptedStore.create(path, passphrase, kdf, kdf_ceiling=kdf_ceiling), **kwargs)

    @classmethod
    def open(
        cls,
        path: Path | str,
        passphrase: str,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        kdf_ceiling: KdfCeiling | None = None,
        **kwargs: Any,
    ) -> Wallet:
        """Open a vault. KDF parameters in its header above ``kdf_ceiling`` (default:
        SENSITIVE, the strongest ``init`` makes) are refused before the KDF runs."""
        store = EncryptedStore.open(
            path, passphrase, busy_timeout=busy_timeout, kdf_ceiling=kdf_ceiling
        )
        return cls(store, **kwargs)

    @classmethod
    def open_with_key(
        cls,
        path: Path | str,
        data_key: bytes,
        *,
        busy_timeout: float = DEFAULT_BUSY_TIMEOUT,
        **kwargs: Any,
    ) -> Wallet:
        """Open a vault with its data key (from the unlock agent, :mod:`skillswallet.agent`)
        instead of the passphrase: no KDF. A key that does not open it raises
        :class:`~skillswallet.errors.WrongVaultKeyError`."""
        return cls(
            EncryptedStore.open_with_key(path, data_key, busy_timeout=busy_timeout), **kwargs
        )

    def vault_key(self) -> tuple[bytes, bytes]:
        """The vault's id and data key, for the unlock agent only: whoever holds the key
        reads and writes the vault without the passphrase. Never write it anywhere."""
        return self._store.vault_id, self._store.data_key()

    @property
    def path(self) -> Path:
        """The vault file."""
        return self._store.path

    def close(self) -> None:
        """Close the vault (also done when a ``with`` block ends)."""
        self._store.close()

    def __enter__(self) -> Wallet:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Wallet({str(self.path)!r})"

    # -- credentials ------------------------------------------------------------------------

    def verify(
        self, credential: Any, now: datetime | None = None, *, status: StatusSource | None = None
    ) -> VerificationResult:
        """Verify as the holder: an ecdsa-sd-2023 base credential's proof is checked in
        full (a verifier would refuse it: it gets derived credentials)."""
        return verify(
            credential,
            now=now or self._clock(),
            loader=self._loader,
            resolver=self._resolver,
            accept_base_proofs=True,
            status=status,
        )

    def import_credentials(
        self,
        documents: Iterable[Any],
        *,
        allow_unverified: bool = False,
        batch_size: int = 1000,
        workers: int | None = None,
        progress: Callable[[int], None] | None = None,
        taxonomy: Taxonomy | None = None,
        status: StatusSource | None = None,
        resolver: DIDResolver | None = None,
        issuer_keys: Sequence[IssuerKey] = (),
        recipients: Sequence[str] = (),
        fetcher: DocumentFetcher | None = None,
    ) -> ImportReport:
        """Verify, then store. Refused credentials are reported, never stored (unless
        ``allow_unverified``, which stores them flagged ``unverified``). Expired ones and
        ones whose status cannot be checked are stored and flagged ``status-unchecked``
        (they give no evidence); with a ``status`` source (and a ``resolver`` for did:web
        issuers) the status is checked: a valid one counts, a revoked credential is refused,
        a suspended one is stored flagged ``suspended``. A credential already in the vault
        is reported as ``duplicate``.

        The input is consumed as a stream, a batch at a time, and every batch is committed
        in one transaction, so memory stays bounded and every ``stored`` outcome is durable
        when this returns. Large imports verify and encrypt on ``workers`` processes
        (default: every core; Linux) while this process writes the previous batch; if one
        of them dies, :class:`~skillswallet.errors.ImportWorkerError` is raised and the
        batches committed before it stay stored.

        With a ``taxonomy`` that knows every ESCO skill (a full ESCO download; see
        :func:`~skillswallet.skills.unknown_skills`), a stored credential about an ESCO
        skill it does not know gets a warning; the credential is kept.

        Open Badges 2.0 assertions (JSON, or a compact JWS string for a signed one) are
        imported too: a signed one is verified with ``issuer_keys`` (pinned
        :class:`~skillswallet.openbadges2.IssuerKey`); a hosted one cannot be verified
        offline and is stored flagged ``hosted-unverified`` (and ``unverified``). With a
        ``fetcher`` (opt-in network, e.g. :class:`~skillswallet.net.HttpsFetcher`) a hosted
        one is fetched from its host and, if it matches, stored verified and flagged
        ``hosted-fetched``; a signed one whose key was not pinned is checked with the key
        its ``verification.creator`` names (flagged ``key-fetched``); the evidence of their
        skills says so (``SkillClaim.checked``). One awarded to one of ``recipients`` (the
        holder's email addresses, say; hashed identities are matched too) counts in the
        profile like any credential about the holder."""
        context = ImportContext(
            self._store,
            self._loader,
            resolver or self._resolver,
            allow_unverified,
            OpenBadges2Options(tuple(issuer_keys), tuple(recipients), fetcher),
            status,
        )
        report = run_import(
            self._store,
            documents,
            context,
            clock=self._clock,
            batch_size=batch_size,
            workers=workers,
            progress=progress,
        )
        if taxonomy is not None:
            for outcome in report.stored:
                outcome.warnings.extend(
                    f"{uri} is not an ESCO skill this taxonomy knows; the credential is kept"
                    for uri in unknown_skills(outcome.skills, taxonomy)
                )
        return report

    def add(self, credential: dict[str, Any], *, allow_unverified: bool = False) -> ImportOutcome:
        """Import one credential (see :meth:`import_credentials`)."""
        return self.import_credentials([credential], allow_unverified=allow_unverified).outcomes[0]

    def _summary(self, record: Record) -> CredentialSummary:
        return summary_of(record)

    def credentials(self) -> Listing[CredentialSummary]:
        """Every readable credential, oldest first. Records whose summary is damaged
        cannot be listed: their ids are in the result's ``damaged``."""
        return self.search()

    def damaged_records(self) -> list[str]:
        """Ids of every record (credentials, keys, disclosures) whose summary or body
        cannot be decrypted: a full scan (backup and restore report it)."""
        return self._store.damaged()

    def damaged(self) -> list[str]:
        """Messages for records that cannot be decrypted."""
        return [
            str(r) for r in self._store.records(CREDENTIAL) if isinstance(r, RecordCorruptError)
        ]

    def damaged_summaries(self) -> list[str]:
        """Ids of the credentials whose summary cannot be read (what a listing would name
        in ``damaged``), without building the listing."""
        return [
            r.record_id or "?"
            for r in self._store.records(CREDENTIAL)
            if isinstance(r, RecordCorruptError)
        ]

    def search(
        self,
        *,
        type: str | None = None,
        issuer: str | None = None,
        skill: str | None = None,
        text: str | None = None,
        valid_on: datetime | None = None,
        imported_after: datetime | None = None,
    ) -> Listing[CredentialSummary]:
        """Filter credentials by type, issuer (its DID, or part of its name), skill (its
        URI, a URI suffix such as an ESCO UUID, or part of its label), name text, validity
        on a date, or import date. All filters must match; names and labels match ignoring
        case and accents ("zespol" finds "Zespół"). Naive datetimes are taken as UTC.
        Damaged records (which no filter can read) are in the result's ``damaged``.
        :meth:`scan` gives the same results one at a time."""
        found = self.scan(
            type=type,
            issuer=issuer,
            skill=skill,
            text=text,
            valid_on=valid_on,
            imported_after=imported_after,
        )
        with collector_paused():  # (a list of 100,000 summaries: see gcpause)
            return Listing(found, damaged=found.damaged)

    def scan(
        self,
        *,
        type: str | None = None,
        issuer: str | None = None,
        skill: str | None = None,
        text: str | None = None,
        valid_on: datetime | None = None,
        imported_after: datetime | None = None,
    ) -> Scan:
        """The credentials :meth:`search` finds, produced as they are read, so that a
        listing of 100,000 never sits in memory; the ids of damaged records are in the
        result's ``damaged`` once it has been iterated."""
        match = SummaryFilter.of(
            type=type,
            issuer=issuer,
            skill=skill,
            text=text,
            valid_on=valid_on,
            imported_after=imported_after,
        )
        return Scan(self._store.records(CREDENTIAL), match)

    def get(self, record_id: str) -> tuple[CredentialSummary, dict[str, Any]]:
        """A credential's summary and document. For a JWT credential the document is what
        it says (a vc+jwt's credential, an SD-JWT VC's claims); :meth:`serialization`
        gives the JWT itself."""
        record, body = self._get_kind(record_id, CREDENTIAL)
        return self._summary(record), jose_view(body) if isinstance(body, str) else body

    def credential_format(self, record_id: str) -> str | None:
        """``vc+jwt`` or ``dc+sd-jwt`` for a JWT credential (by id or unique prefix),
        None for a JSON one."""
        record, _ = self._get_kind(self.resolve_id(record_id), CREDENTIAL)
        return self._summary(record).format

    def serialization(self, record_id: str) -> str | None:
        """The JWT or SD-JWT of a JWT credential, as it was imported (None for JSON)."""
        _, body = self._get_kind(record_id, CREDENTIAL)
        return body if isinstance(body, str) else None

    def _get_kind(self, record_id: str, kind: str) -> tuple[Record, Any]:
        record, body = self._store.get(record_id)
        if record.kind != kind:
            raise RecordNotFoundError(f"no {kind} {record_id}")
        return record, body

    def resolve_id(self, prefix: str) -> str:
        """Accept a unique prefix (4+ characters) of a record id, as ``list`` shows, or a
        credential's own id."""
        if len(prefix) < 4:
            exact = [s.id for s in self.credentials() if prefix and s.credential_id == prefix]
            if len(exact) == 1:
                return exact[0]
            raise RecordNotFoundError("give at least 4 characters of the id from 'list'")
        every = self.credentials()
        matches = [
            s.id
            for s in every
            if s.id.startswith(prefix)
            or (s.credential_id is not None and s.credential_id == prefix)
        ]
        damaged = [rid for rid in every.damaged if rid.startswith(prefix)]
        if len(matches) == 1 and not damaged:
            return matches[0]
        if damaged and not matches and len(damaged) == 1:
            raise RecordCorruptError(
                f"record {damaged[0]} is damaged and cannot be read", damaged[0]
            )
        if not matches:
            raise RecordNotFoundError(f"no credential matches {prefix!r}")
        raise RecordNotFoundError(
            f"{prefix!r} matches {len(matches)} credentials; give more of the id"
        )

    def delete(self, record_id: str) -> None:
        """Delete a credential for good (the row is zeroed and the file compacted)."""
        self._get_kind(record_id, CREDENTIAL)
        self._store.delete(record_id)

    def export_plaintext(self, directory: Path | str) -> Listing[Path]:
        """Write every credential as standard JSON into ``directory`` (UNENCRYPTED).
        Returns the files written; damaged records are skipped and their ids are in the
        result's ``damaged``."""
        directory = Path(directory)
        safefile.private_directory(directory)  # made 0700, or checked: ours, not shared
        every = self.credentials()
        written: Listing[Path] = Listing(damaged=every.damaged)
        for summary in every:
            try:
                _, body = self._get_kind(summary.id, CREDENTIAL)
            except RecordCorruptError:
                written.damaged.append(summary.id)
                continue
            if isinstance(body, str):  # a JWT credential, written as it came
                path = directory / f"{summary.id}.{'sd-jwt' if '~' in body else 'jwt'}"
                text = body + "\n"
            else:
                path = directory / f"{summary.id}.json"
                text = json.dumps(body, indent=2, ensure_ascii=False) + "\n"
            safefile.replace(path, text.encode("utf-8"))  # 0600; a planted link is replaced
            written.append(path)
        return written

    # -- keys and DIDs -----------------------------------------------------------------------

    def create_did(
        self, key_type: KeyType | str = KeyType.ED25519, *, label: str | None = None
    ) -> str:
        """Generate a key inside the vault and return its did:key DID."""
        return self._store_key(KeyPair.generate(key_type), label)

    def import_key_file(self, path: Path | str, *, label: str | None = None) -> str:
        """Move a key file's key into the vault (the file itself is left for you to delete)."""
        signer = read_key_file(Path(path))
        return self._store_key(signer.key_pair, label)

    def _store_key(self, pair: KeyPair, label: str | None) -> str:
        did = did_from_public_key(pair.public)
        meta = {
            "did": did,
            "verification_method": verification_method_id(pair.public),
            "type": pair.type.value,
            "label": label,
            "created_at": format_datetime(self._clock()),
        }
        body = {"secretKeyMultibase": pair.secret_multibase()}
        stored = self._store.put(KEY, meta, body, dedupe=did.encode())
        if stored is None:
            raise VaultExistsError(f"{did} is already in the vault")
        return did

    def create_did_web(
        self,
        domain: str,
        path: str | Sequence[str] | None = None,
        *,
        key_type: KeyType | str = KeyType.ED25519,
    ) -> str:
        """A did:web identity (``did:web:domain[:path]``) signed by a new vault key. Publish
        :meth:`did_web_document` at its URL (:func:`~skillswallet.did.web.did_web_url`)."""
        did = did_web(domain, path)
        if self._did_web_record(did, missing_ok=True) is not None:
            raise VaultExistsError(f"{did} is already in the vault")
        key_did = self.create_did(key_type, label=did)
        meta = {"did": did, "keys": [key_did], "created_at": format_datetime(self._clock())}
        self._store.put(DID_WEB, meta, {}, dedupe=did.encode())
        return did

    def add_did_web_key(self, did: str, key_type: KeyType | str = KeyType.ED25519) -> str:
        """Key rotation: a new vault key for ``did``, which signs from now on; the earlier
        keys stay in its document, so credentials they signed still verify. Returns the
        new key's verification method id; publish :meth:`did_web_document` again."""
        record = self._did_web_record(did)
        assert record is not None
        keys = [*record.meta["keys"], self.create_did(key_type, label=did)]
        self._store.update_meta(record.id, {**record.meta, "keys": keys})
        return f"{did}#key-{len(keys)}"

    def did_web_document(self, did: str) -> dict[str, Any]:
        """The DID document to publish for a did:web identity of this vault."""
        record = self._did_web_record(did)
        assert record is not None
        return did_web_document(did, [public_key_from_did(k) for k in record.meta["keys"]])

    def web_dids(self) -> list[str]:
        """The did:web DIDs kept in this vault."""
        return [r.meta["did"] for r in self._store.records(DID_WEB) if isinstance(r, Record)]

    def _did_web_record(self, did: str, *, missing_ok: bool = False) -> Record | None:
        for record in self._store.records(DID_WEB):
            if isinstance(record, Record) and record.meta.get("did") == did:
                return record
        if missing_ok:
            return None
        raise RecordNotFoundError(f"no did:web identity {did} in this vault")

    def dids(self) -> list[KeySummary]:
        """The DIDs (did:key and did:web keys) kept in this vault, without their secrets."""
        return [
            KeySummary(id=r.id, **r.meta) for r in self._store.records(KEY) if isinstance(r, Record)
        ]

    def signer(self, did_or_method: str) -> VaultSigner:
        """A signer for a vault key, looked up by DID or verification method."""
        try:
            parsed = parse_did_url(did_or_method)
        except DIDError as exc:
            raise VaultError(str(exc)) from None
        did = parsed.did
        if parsed.method == "web":
            return self._web_signer(did, parsed.fragment)
        for key in self.dids():
            if key.did == did and did_or_method in (key.did, key.verification_method):
                return VaultSigner(self, key.id, key.verification_method, KeyType(key.type))
        raise RecordNotFoundError(f"no key for {did_or_method} in this vault")

    def _web_signer(self, did: str, fragment: str) -> VaultSigner:
        """The signer of a did:web identity: its newest key, or the ``#key-N`` named."""
        record = self._did_web_record(did)
        assert record is not None
        keys: list[str] = record.meta["keys"]
        number = len(keys)
        if fragment:
            if not fragment.startswith("key-") or not fragment[4:].isdigit():
                raise RecordNotFoundError(f"no key #{fragment} for {did} in this vault")
            number = int(fragment[4:])
            if not 1 <= number <= len(keys):
                raise RecordNotFoundError(f"no key #{fragment} for {did} in this vault")
        key = self.signer(keys[number - 1])
        return VaultSigner(self, key._record_id, f"{did}#key-{number}", key.key_type)

    def unlocked_signer(self, did_or_method: str) -> KeySigner:
        """A signer for a vault key (as :meth:`signer`) whose key is decrypted once and
        kept in memory only, for a batch that signs many credentials, in worker processes
        too (which inherit it through fork, and never open the vault). It is never
        written anywhere; drop it when the batch is done."""
        signer = self.signer(did_or_method)
        _, body = self._get_kind(signer._record_id, KEY)
        key_pair = KeyPair.from_secret_multibase(body["secretKeyMultibase"])
        return key_pair.signer(signer.verification_method)

    def _sign_with(self, record_id: str, data: bytes) -> bytes:
        _, body = self._get_kind(record_id, KEY)
        return KeyPair.from_secret_multibase(body["secretKeyMultibase"]).sign(data)

    def issue(
        self,
        credential: dict[str, Any],
        did: str,
        *,
        cryptosuite: str | None = None,
        mandatory_pointers: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """Sign a credential with a vault key (the issuer side); ``mandatory_pointers`` as
        for :func:`~skillswallet.credentials.issue.issue_credential` (ecdsa-sd-2023)."""
        signer = self.signer(did)
        if not isinstance(credential, dict):
            raise InvalidDocumentError("a credential must be a JSON object")
        suite = cryptosuite or default_suite(signer.key_type, credential)
        return issue_credential(
            credential,
            signer,
            cryptosuite=suite,
            created=self._clock(),
            loader=self._loader,
            mandatory_pointers=mandatory_pointers,
        )

    def issue_vc_jwt(
        self, credential: dict[str, Any], did: str, *, expires_in: timedelta | None = None
    ) -> str:
        """Sign a credential as VC-JOSE-COSE (``vc+jwt``) with a vault key."""
        now = self._clock()
        return issue_vc_jwt(
            credential,
            self.signer(did),
            issued_at=now,
            expires=now + expires_in if expires_in is not None else None,
        )

    def issue_sd_jwt(
        self,
        claims: dict[str, Any],
        did: str,
        *,
        vct: str,
        disclosable: Sequence[str],
        holder: str | None = None,
        expires_in: timedelta | None = None,
    ) -> str:
        """Issue an SD-JWT VC (``dc+sd-jwt``) signed by a vault key (``did``): the claims
        at ``disclosable`` (``name``, ``a.b``, ``name[]`` for array elements) can be
        hidden by the holder; ``holder`` (a did:key) is bound as ``cnf.jwk``, so every
        presentation needs a KB-JWT by that key. Returns the SD-JWT for the holder."""
        now = self._clock()
        holder_key = None
        if holder is not None:
            try:
                holder_key = public_key_from_did(parse_did_url(holder).did)
            except DIDError as exc:
                raise PresentationError(f"the holder must be a did:key: {exc}") from None
        return issue_sd_jwt_vc(
            claims,
            self.signer(did),
            vct=vct,
            disclosable=disclosable,
            holder_key=holder_key,
            issued_at=now,
            expires=now + expires_in if expires_in is not None else None,
        ).serialization

    # -- skills ---------------------------------------------------------------------------------

    def skill_claims(
        self, *, trust: TrustList | None = None, now: datetime | None = None
    ) -> list[SkillClaim]:
        """Every skill claim of the vault's credentials, with its evidence level
        (:mod:`skillswallet.skills.evidence`). Only what verifies counts: unverified,
        not-yet-valid credentials and ones whose status could not be checked give none
        (until status lists can be checked); a credential past its ``validUntil`` now
        gives expired claims."""
        with collector_paused():
            return self._skill_claims(trust, now or self._clock())

    def _skill_claims(self, trust: TrustList | None, when: datetime) -> list[SkillClaim]:
        held = []
        for record_id, stored in self._store.record_facts(CREDENTIAL):
            facts = _held_facts(stored)
            if facts is None:  # stored before summaries kept them: read the credential
                summary, document = self.get(record_id)
                claims = claim_facts(document)
                facts = (summary.flags, summary.valid_from, summary.valid_until, claims)
            flags, valid_from, valid_until, claims = facts
            end = parse_datetime(valid_until, require_timezone=False)
            start = parse_datetime(valid_from, require_timezone=False)
            counts = "unverified" not in flags and not _NOT_COUNTED.intersection(flags)
            counts = counts and (start is None or start <= when)
            expired = end is not None and end < when
            held.append(HeldCredential(record_id, claims, counts, expired, checked_by(flags)))
        holders = {key.did for key in self.dids()} | {HOLDER_SUBJECT}
        return skill_claims(held, holders, trust)

    def profile(
        self,
        *,
        taxonomy: Taxonomy | None = None,
        trust: TrustList | None = None,
        lang: str = "en",
        now: datetime | None = None,
    ) -> SkillsProfile:
        """The skills profile of everything in the vault; labels in ``lang`` where the
        taxonomy has them, transversal skills marked as the taxonomy says."""
        return build_profile(
            self.skill_claims(trust=trust, now=now),
            label=(lambda uri: taxonomy.label(uri, lang)) if taxonomy is not None else None,
            is_transversal=taxonomy.is_transversal if taxonomy is not None else None,
        )

    def passport(
        self,
        *,
        taxonomy: Taxonomy,
        occupation: str | None = None,
        trust: TrustList | None = None,
        lang: str = "en",
        now: datetime | None = None,
        link: str | None = None,
        name: str | None = None,
    ) -> str:
        """The skills profile as a self-contained HTML page (a "skills passport": skills
        by skill group, evidence shown, how they grew, the credentials behind them, the
        gap to ``occupation`` when given, and ``link``, an http(s) address, written out
        and as a QR code), headed with ``name`` when given (else the holder's DIDs
        alone). See :mod:`skillswallet.render.passport`."""
        profile = self.profile(taxonomy=taxonomy, trust=trust, lang=lang, now=now)
        mine = [key.did for key in self.dids()]
        notes = {
            s.id: CredentialNote(
                s.name or "(no name)",
                "yourself" if s.issuer in mine else s.issuer_name or s.issuer or "unknown",
            )
            for s in self.scan()
        }
        gap = None
        if occupation is not None:
            gap = match(profile, occupation_requirements(taxonomy, occupation, lang=lang))
        return passport_html(
            profile,
            holder=", ".join(mine) or None,
            generated=now or self._clock(),
            group_of=lambda uri: skill_group(taxonomy, uri, lang),
            credentials=notes,
            gap=gap,
            link=link,
            name=name,
        )

    def sign_report(self, report: dict[str, Any], did: str) -> dict[str, Any]:
        """Sign an archivable verification report (:mod:`skillswallet.audit`) as its
        verifier: ``did`` becomes its issuer."""
        return self.issue({**report, "issuer": did}, did)

    def default_did(self) -> str:
        """The vault's only DID (the holder's), for commands that sign as the holder."""
        dids = self.dids()
        if len(dids) != 1:
            raise VaultError(
                "the vault holds no DID; make one with 'skillswallet did create'"
                if not dids
                else f"the vault holds {len(dids)} DIDs; say which one to use (--as DID; "
                "'skillswallet did list' shows them)"
            )
        return dids[0].did

    def self_assess(
        self, skills: Sequence[Skill], *, did: str | None = None, name: str | None = None
    ) -> ImportOutcome:
        """Build a self-assessment of ``skills``, sign it with the holder's vault key
        (``did``, or the vault's only DID) and store it, in one step."""
        holder = did or self.default_did()
        unsigned = self_assessment(
            skills, issuer=Profile(holder), subject=holder, valid_from=self._clock(), name=name
        )
        return self.add(self.issue(unsigned, holder))

    # -- disclosure log -------------------------------------------------------------------------

    def log_disclosure(
        self,
        verifier: str,
        *,
        credential_ids: list[str],
        disclosed: list[str] | None = None,
        purpose: str | None = None,
        withheld: list[str] | None = None,
    ) -> str:
        """Record (encrypted) that credentials were shown to a verifier, and why.
        (Presentations the wallet makes are logged by :meth:`present` itself.)"""
        meta = {
            "at": format_datetime(self._clock()),
            "verifier": verifier,
            "purpose": purpose,
            "credential_ids": credential_ids,
            "disclosed": disclosed or [],
            "withheld": withheld or [],
        }
        record_id = self._store.put(DISCLOSURE, meta, {})
        assert record_id is not None
        return record_id

    def disclosures(self) -> list[DisclosureEntry]:
        """The disclosure log, oldest first."""
        return [
            DisclosureEntry(id=r.id, **r.meta)
            for r in self._store.records(DISCLOSURE)
            if isinstance(r, Record)
        ]

    def disclosure(self, record_id: str) -> tuple[DisclosureEntry, dict[str, Any]]:
        """One log entry (by id or unique prefix of 4+ characters) and its body: the
        ``presentation`` as sent and the ``request`` it answered (None when not kept)."""
        matches = [
            e for e in self.disclosures() if len(record_id) >= 4 and e.id.startswith(record_id)
        ]
        if len(matches) != 1:
            raise RecordNotFoundError(
                f"no disclosure {record_id!r} in the log ('skillswallet disclosures' lists them)"
                if not matches
                else f"{record_id!r} matches {len(matches)} disclosures; give more of the id"
            )
        _, body = self._get_kind(matches[0].id, DISCLOSURE)
        body = body if isinstance(body, dict) else {}
        return matches[0], {
            "presentation": body.get("presentation"),
            "request": body.get("request"),
        }

    # -- presentations --------------------------------------------------------------------------

    def plan_presentation(
        self,
        credential_ids: Sequence[str],
        *,
        domain: str,
        disclose: Mapping[str, Sequence[str]] | Sequence[str] | None = None,
        did: str | None = None,
        request: PresentationRequest | None = None,
        match: RequestMatch | None = None,
    ) -> PresentationPlan:
        """What :meth:`present` would show (nothing is signed or logged): each credential
        whole or derived, what is revealed and withheld, and linkability warnings."""
        holder = did or self.default_did()
        self.signer(holder)  # the holder's key must be in the vault
        record_ids = list(dict.fromkeys(self.resolve_id(c) for c in credential_ids))
        documents: dict[str, Any] = {}
        for record_id in record_ids:
            summary, documents[record_id] = self.get(record_id)
            if summary.format in COMPACT_FORMATS:
                documents[record_id] = self.serialization(record_id)
            elif summary.format is not None:
                raise PresentationError(
                    f"{record_id} is a {summary.format} credential: it cannot be presented"
                )
        if disclose is None:
            asked: dict[str, list[str]] = {}
        elif isinstance(disclose, Mapping):
            asked = {self.resolve_id(key): list(value) for key, value in disclose.items()}
            unknown = sorted(set(asked) - set(record_ids))
            if unknown:
                raise PresentationError(
                    "pointers were given for credentials not presented: " + ", ".join(unknown)
                )
        else:
            asked = _spread(disclose, documents)
        shown = [
            disclose_compact(document, asked.get(record_id), record_id=record_id)
            if isinstance(document, str)
            else disclose_credential(
                document, asked.get(record_id), record_id=record_id, loader=self._loader
            )
            for record_id, document in documents.items()
        ]
        for item in shown:  # an SD-JWT VC is key-bound when signed: by a key of this vault
            if item.format == SD_JWT_VC and item.compact is not None:
                self._bound_signer(item.compact)
        warnings = warnings_for(handles(holder, shown), domain, self._earlier_presentations())
        return PresentationPlan(holder, domain, shown, warnings, request, match)

    def present(
        self,
        credential_ids: Sequence[str],
        *,
        challenge: str,
        domain: str,
        disclose: Mapping[str, Sequence[str]] | Sequence[str] | None = None,
        purpose: str | None = None,
        did: str | None = None,
        expires_in: timedelta = timedelta(minutes=5),
    ) -> Presentation:
        """Present credentials of the vault to a verifier, and log it.

        ``credential_ids`` are record ids (or unique prefixes, as ``list`` prints);
        ``disclose`` maps some of them to JSON Pointers: an ecdsa-sd-2023 base credential
        is derived revealing those (and what its issuer made mandatory; everything when
        it has no entry), any other credential is shown whole (pointers for it raise
        :class:`~skillswallet.errors.NotDerivableError`). A plain list of pointers
        applies to every ecdsa-sd-2023 base credential presented
        (:func:`~skillswallet.present.disclosure.spread_pointers`); in that list, names that
        are not JSON Pointers (``given_name``) choose the claims of the SD-JWT VCs presented.
        JWT credentials go in enveloped (``data:`` URLs, :mod:`skillswallet.jose.envelope`):
        a vc+jwt whole, an SD-JWT VC with the disclosures of the claims its ``disclose``
        entry names (every one without an entry) and a KB-JWT for ``challenge`` and
        ``domain``, signed by the vault key it is bound to. The presentation's ``holder`` is
        ``did`` (default: the vault's only DID), whose vault key signs an
        ``authentication`` proof with ``challenge`` and ``domain`` that expires after
        ``expires_in`` (the proof's ``expires``: see :mod:`skillswallet.present.presentation`)."""
        check_binding(challenge, domain)
        plan = self.plan_presentation(credential_ids, domain=domain, disclose=disclose, did=did)
        return self.sign_presentation(
            plan, challenge=challenge, purpose=purpose, expires_in=expires_in
        )

    def sign_presentation(
        self,
        plan: PresentationPlan,
        *,
        challenge: str,
        purpose: str | None = None,
        expires_in: timedelta = timedelta(minutes=5),
    ) -> Presentation:
        """Sign a planned presentation with the holder's vault key and log it."""
        check_binding(challenge, plan.domain)
        if expires_in <= timedelta(0):
            raise PresentationError("expires_in must be positive")
        now = self._clock()
        vp = build_presentation(
            [self._bound(d, challenge, plan.domain, now) for d in plan.disclosures],
            holder=plan.holder,
            signer=self.signer(plan.holder),
            challenge=challenge,
            domain=plan.domain,
            created=now,
            expires=now + expires_in,
            loader=self._loader,
        )
        digest = presentation_digest(vp)
        meta = {
            "at": format_datetime(now),
            "verifier": plan.domain,
            "purpose": purpose,
            "credential_ids": [d.record_id for d in plan.disclosures],
            "disclosed": [f"{d.record_id}: {p}" for d in plan.disclosures for p in d.revealed],
            "withheld": [f"{d.record_id}: {p}" for d in plan.disclosures for p in d.withheld],
            "domain": plan.domain,
            "challenge": challenge,
            "holder": plan.holder,
            "expires": format_datetime(now + expires_in),
            "credentials": [d.to_json() for d in plan.disclosures],
            "request": [f"{q.path}: {q.describe()}" for q in plan.request.queries]
            if plan.request is not None
            else None,
            "presentation_sha256": digest,
            "links": handles_json(handles(plan.holder, plan.disclosures)),
        }
        body = {
            "presentation": vp,
            "request": plan.request.source if plan.request is not None else None,
        }
        record_id = self._store.put(DISCLOSURE, meta, body)
        assert record_id is not None
        return Presentation(vp, record_id, digest, plan)

    def match_request(
        self,
        request: PresentationRequest | dict[str, Any],
        *,
        did: str | None = None,
        trust: TrustList | None = None,
    ) -> RequestMatch:
        """Which credentials of the vault answer a presentation request (a parsed one
        or its JSON), and the smallest disclosure that does
        (:func:`skillswallet.present.match_request`). Credentials that would not verify
        today (unverified, expired, not yet valid, status not checkable) are never
        proposed; they are named when a query stays unanswered because of them."""
        parsed = request if isinstance(request, PresentationRequest) else parse_request(request)
        holder = did or self.default_did()
        now = self._clock()
        held = []
        passed_over: dict[str, list[str]] = {q.path: [] for q in parsed.queries}
        for summary in self.credentials():
            reasons = [(q.path, _why_not(summary, q)) for q in parsed.queries]
            for path, reason in reasons:
                if reason is not None:
                    passed_over[path].append(reason)
            if all(reason is not None for _, reason in reasons):
                continue  # never decrypted: its summary says it cannot answer
            if summary.format in COMPACT_FORMATS:  # what the JWT says, as a credential
                document = summary_source(self.serialization(summary.id) or "")[1]
            else:
                _, document = self.get(summary.id)
            held.append(HeldDocument(summary.id, document, _unusable(summary, now)))
        return match_request(
            parsed,
            held,
            holder=holder,
            holder_dids=frozenset(k.did for k in self.dids()),
            trust=trust,
            passed_over=passed_over,
        )

    def plan_response(
        self,
        request: PresentationRequest | dict[str, Any],
        *,
        did: str | None = None,
        trust: TrustList | None = None,
    ) -> PresentationPlan:
        """The presentation that answers ``request`` with the smallest disclosure, not
        yet signed; :class:`~skillswallet.errors.UnsatisfiableRequestError` (naming what
        is missing) when no answer satisfies it."""
        parsed = request if isinstance(request, PresentationRequest) else parse_request(request)
        holder = did or self.default_did()
        found = self.match_request(parsed, did=holder, trust=trust)
        if not found.satisfied:
            raise UnsatisfiableRequestError(
                "your vault cannot answer this request: " + "; ".join(found.unanswered),
                found.unanswered,
            )
        disclose = {k: v for k, v in found.disclose.items() if v is not None}
        for record_id in found.disclose:
            if self.credential_format(record_id) == SD_JWT_VC:
                disclose[record_id] = self._sd_jwt_answer(record_id, found)
        return self.plan_presentation(
            list(found.disclose),
            domain=parsed.domain,
            disclose=disclose,
            did=holder,
            request=parsed,
            match=found,
        )

    def _sd_jwt_answer(self, record_id: str, found: RequestMatch) -> list[str]:
        """The claims of a held SD-JWT VC that answer the queries it was chosen for: its
        skill claims when one asks for skills (the whole claim: every skill in it), else
        none of its selectively disclosable claims (data minimisation)."""
        asks_skills = any(
            outcome.chosen == record_id and outcome.query.skills for outcome in found.outcomes
        )
        if not asks_skills:
            return []
        names = {n.split(".")[0] for n in disclosable_claims(self.serialization(record_id) or "")}
        return [n for n in SKILL_CLAIMS if n in names]

    def respond(
        self,
        request: PresentationRequest | dict[str, Any],
        *,
        did: str | None = None,
        trust: TrustList | None = None,
        purpose: str | None = None,
        expires_in: timedelta = timedelta(minutes=5),
    ) -> Presentation:
        """Answer a presentation request: :meth:`plan_response`, then sign and log it
        with the request's challenge and domain."""
        plan = self.plan_response(request, did=did, trust=trust)
        assert plan.request is not None
        return self.sign_presentation(
            plan, challenge=plan.request.challenge, purpose=purpose, expires_in=expires_in
        )

    def present_sd_jwt(
        self,
        record_id: str,
        *,
        disclose: Sequence[str],
        nonce: str,
        audience: str,
        purpose: str | None = None,
    ) -> SdJwtPresented:
        """Present a held SD-JWT VC: only the disclosures of the claims in ``disclose``
        (names, or ``a.b`` for nested ones), with a KB-JWT for the verifier's ``nonce``
        and ``audience`` signed by the vault key the credential is bound to; logged in
        the disclosure log. (Every presentation of one SD-JWT carries the same issuer
        signature, so verifiers who compare notes can link them.)"""
        resolved = self.resolve_id(record_id)
        record, body = self._get_kind(resolved, CREDENTIAL)
        if not isinstance(body, str) or record.meta.get("format") != SD_JWT_VC:
            raise PresentationError(f"{resolved} is not an SD-JWT VC")
        holder = self._bound_signer(body)
        now = self._clock()
        made = present_sd_jwt(
            body, disclose, nonce=nonce, audience=audience, holder=holder, now=now
        )
        digest = hashlib.sha256(made.serialization.encode("ascii")).hexdigest()
        meta = {
            "at": format_datetime(now),
            "verifier": audience,
            "purpose": purpose,
            "credential_ids": [resolved],
            "disclosed": [f"{resolved}: {name}" for name in made.disclosed],
            "withheld": [f"{resolved}: {name}" for name in made.withheld],
            "domain": audience,
            "challenge": nonce,
            "holder": parse_did_url(holder.verification_method).did,
            "presentation_sha256": digest,
        }
        log_id = self._store.put(DISCLOSURE, meta, {"presentation": made.serialization})
        assert log_id is not None
        return SdJwtPresented(made, log_id, digest)

    def _bound(
        self, item: CredentialDisclosure, challenge: str, domain: str, now: datetime
    ) -> dict[str, Any]:
        """What a planned credential is in the signed presentation: an SD-JWT VC gets its
        key binding JWT for the presentation's challenge (nonce) and domain (audience),
        signed by the vault key it is bound to, and is enveloped."""
        if item.format != SD_JWT_VC or item.compact is None:
            return item.credential
        chosen = SdJwtSelection(item.compact, [], [])
        made = key_bind(
            chosen,
            nonce=challenge,
            audience=domain,
            holder=self._bound_signer(item.compact),
            now=now,
        )
        return envelope(made.serialization, SD_JWT_VC)

    def _bound_signer(self, sd_jwt: str) -> VaultSigner:
        """The vault key an SD-JWT is bound to (its ``cnf.jwk``)."""
        cnf = jose_view(sd_jwt).get("cnf")
        if not isinstance(cnf, dict) or "jwk" not in cnf:
            raise PresentationError("the SD-JWT binds no holder key (cnf.jwk)")
        bound = as_credential({"cnf": cnf}).get("credentialSubject", {}).get("id")
        for key in self.dids():
            if key.did == bound:
                return VaultSigner(self, key.id, key.verification_method, KeyType(key.type))
        raise PresentationError("the SD-JWT is bound to a key that is not in this vault")

    def _earlier_presentations(self) -> list[EarlierPresentation]:
        return [
            EarlierPresentation(e.id, e.at, e.domain or e.verifier, e.links)
            for e in self.disclosures()
            if e.links
        ]

    # -- passphrase, backup, restore ----------------------------------------------------------

    def change_passphrase(
        self,
        new_passphrase: str,
        *,
        kdf: KdfParams | None = None,
        kdf_ceiling: KdfCeiling | None = None,
    ) -> None:
        """Rewrap the vault's data key under a new passphrase, in one transaction: the old
        passphrase works until it commits."""
        self._store.change_passphrase(new_passphrase, kdf, kdf_ceiling=kdf_ceiling)

    def backup(self, destination: Path | str) -> Path:
        """An encrypted, consistent copy of the whole vault (restorable with the passphrase)."""
        self._store.backup(destination)
        return Path(destination)

    @staticmethod
    def restore(
        backup: Path | str,
        vault_path: Path | str,
        passphrase: str,
        *,
        overwrite: bool = False,
        kdf_ceiling: KdfCeiling | None = None,
        max_bytes: int | None = None,
    ) -> RestoreReport:
        """Restore a backup to ``vault_path``: checked with the passphrase first, then moved
        into place atomically. An existing vault is replaced only with ``overwrite``.

        The backup must be a regular file of at most ``max_bytes`` (default
        :data:`MAX_BACKUP_BYTES`, checked as it is copied); its KDF parameters are
        checked against ``kdf_ceiling`` before the KDF runs. On any error nothing is left behind
        and the existing vault is untouched."""
        backup, vault_path = Path(backup), Path(vault_path)
        max_bytes = MAX_BACKUP_BYTES if max_bytes is None else max_bytes
        if vault_path.exists() and not overwrite:
            raise VaultExistsError(
                f"{vault_path} exists; use --force (overwrite=True) to replace it with the backup"
            )
        if vault_path.exists() or vault_path.is_symlink():
            _check_replaceable(vault_path)
        with _open_backup(backup, max_bytes) as src:
            _make_folder(vault_path.parent, "cannot create the vault in")
            try:
                fd, tmp_name = tempfile.mkstemp(prefix=".restore-", dir=vault_path.parent)
            except OSError as exc:
                raise VaultError(f"cannot write in {vault_path.parent}: {exc.strerror}") from None
            tmp = Path(tmp_name)
            try:
                with open(fd, "wb") as dst:
                    os.fchmod(dst.fileno(), 0o600)
                    _copy_bounded(src, dst, backup, max_bytes)
                    dst.flush()
                    os.fsync(dst.fileno())
                report = _restore_checked(tmp, backup, passphrase, kdf_ceiling)
                report.replaced_vault_id = _vault_id_of(vault_path)
                for suffix in ("-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        os.unlink(f"{vault_path}{suffix}")
                os.replace(tmp, vault_path)
            except OSError as exc:
                raise VaultError(
                    f"could not restore {backup} to {vault_path}: {exc.strerror}; "
                    "the existing vault (if any) was not changed"
                ) from None
            finally:
                for suffix in ("", "-wal", "-shm"):
                    with contextlib.suppress(OSError):
                        os.unlink(f"{tmp}{suffix}")
        return report


@dataclass
class RestoreReport:
    """What a restore put in place: its vault id, the damaged records it holds, and the
    id of the vault it replaced (None when there was none, or it was unreadable)."""

    vault_id: str
    damaged: list[str]
    replaced_vault_id: str | None = None

    @property
    def replaced_another_vault(self) -> bool:
        return self.replaced_vault_id is not None and self.replaced_vault_id != self.vault_id


def _spread(disclose: Sequence[str], documents: dict[str, Any]) -> dict[str, list[str]]:
    """A list given for a whole presentation: JSON Pointers go to its ecdsa-sd-2023 base
    credentials (:func:`spread_pointers`), claim names (``given_name``, ``address.street``)
    to its SD-JWT VCs, each to those that have the claim."""
    json_docs = {k: v for k, v in documents.items() if isinstance(v, dict)}
    sd_jwts = {
        k: set(disclosable_claims(v)) | set(jose_view(v))
        for k, v in documents.items()
        if isinstance(v, str) and "~" in v
    }
    if not sd_jwts:
        return spread_pointers(disclose, json_docs)
    if isinstance(disclose, str):
        raise PointerError("give the JSON Pointers or claim names as a list")
    pointers = [d for d in disclose if d.startswith("/")]
    names = [d for d in disclose if not d.startswith("/")]
    asked = spread_pointers(pointers, json_docs) if pointers else {}
    for record_id, claims in sd_jwts.items():
        asked[record_id] = [n for n in names if n in claims or n.split(".")[0] in claims]
    for name in names:
        if not any(name in asked[r] for r in sd_jwts):
            raise PointerError(f"no SD-JWT VC presented has the claim {name!r}")
    return asked


@dataclass(frozen=True)
class SdJwtPresented:
    """An SD-JWT+KB made for a verifier (``presentation.serialization``: what to send),
    and its disclosure log entry."""

    presentation: SdJwtPresentation
    disclosure_id: str
    sha256: str


def _why_not(summary: CredentialSummary, query: Any) -> str | None:
    """Why a credential cannot answer a query, by its summary alone (so it need not be
    decrypted): its types, issuer and skills; None when it might."""
    if summary.format is not None and summary.format not in COMPACT_FORMATS:
        return f"a {summary.format} credential cannot answer a request"
    missing = [t for t in query.types if t not in summary.types]
    if missing:
        return f"not of type {', '.join(missing)}"
    if query.trusted_issuers and summary.issuer not in query.trusted_issuers:
        return f"issued by {summary.issuer}, not one of the trusted issuers"
    for skill in query.skills:
        if skill.uri not in summary.skills:
            return f"claims no skill {skill.uri}"
    return None


def _unusable(summary: CredentialSummary, now: datetime) -> str | None:
    """Why a stored credential would not verify for a verifier today, or None."""
    flags = set(summary.flags)
    end = parse_datetime(summary.valid_until, require_timezone=False)
    start = parse_datetime(summary.valid_from, require_timezone=False)
    if "unverified" in flags:
        return "it did not verify when imported"
    if "expired" in flags or (end is not None and end < now):
        return f"expired {summary.valid_until}"
    if "not-yet-valid" in flags and (start is None or start > now):
        return f"not valid before {summary.valid_from}"
    if "status-unchecked" in flags:
        return "its status cannot be checked offline"
    return None


def _held_facts(stored: Any) -> tuple[list[str], Any, Any, ClaimFacts] | None:
    """(flags, valid from, valid until, claim facts) from a summary's ``facts`` as the
    import writes them; None for a record stored without them."""
    if not isinstance(stored, list) or len(stored) != 4 or not isinstance(stored[0], list):
        return None
    claims = ClaimFacts.from_json(stored[3])
    return None if claims is None else (stored[0], stored[1], stored[2], claims)


def _vault_id_of(path: Path) -> str | None:
    """The id in a vault file's header (it is not secret), or None."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT vault_id FROM header").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0].hex() if row and isinstance(row[0], bytes) else None


def _check_replaceable(path: Path) -> None:
    """Even with ``overwrite``, restore replaces only a vault: never a document, a device
    or a link that happens to be at that path (a mistyped --vault would destroy it)."""
    if path.is_symlink() or not path.is_file():
        raise VaultError(f"{path} is not a regular file; restore will not replace it")
    try:
        with open(path, "rb") as fh:
            start = fh.read(72)
    except OSError as exc:
        raise VaultError(f"cannot read {path}: {exc.strerror}") from None
    if (
        len(start) < 72
        or not start.startswith(SQLITE_MAGIC)
        or start[68:72] != (APPLICATION_ID.to_bytes(4, "big"))
    ):
        raise VaultError(
            f"{path} is not a skillswallet vault; restore will not replace it (give the "
            "path of your vault, or a new one)"
        )


@contextlib.contextmanager
def _open_backup(backup: Path, max_bytes: int) -> Iterator[BinaryIO]:
    """The backup file, opened for reading: a regular file no larger than ``max_bytes``
    (not a directory, a device such as /dev/zero, or a FIFO, which could block)."""
    try:
        fd = os.open(backup, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise BackupFileError(f"no backup file at {backup}") from None
    except OSError as exc:
        raise BackupFileError(f"cannot read the backup {backup}: {exc.strerror}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
        os.close(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BackupFileError(
                f"{backup} is not a regular file (a directory, device or pipe); "
                "give the backup file made by 'skillswallet backup'"
            )
        raise BackupFileError(_too_large(backup, max_bytes))
    with open(fd, "rb") as src:
        yield src


def _too_large(backup: Path, max_bytes: int) -> str:
    return (
        f"{backup} is larger than a backup may be ({max_bytes // 2**20} MiB); "
        "it is not a skillswallet backup (nothing was restored)"
    )


def _copy_bounded(src: BinaryIO, dst: BinaryIO, backup: Path, max_bytes: int) -> None:
    copied = 0
    while chunk := src.read(1024 * 1024):
        copied += len(chunk)
        if copied > max_bytes:  # the file grew while we copied it
            raise BackupFileError(_too_large(backup, max_bytes))
        dst.write(chunk)


def _restore_checked(
    tmp: Path, backup: Path, passphrase: str, kdf_ceiling: KdfCeiling | None
) -> RestoreReport:
    """Open the copied backup with the passphrase (integrity checked). Errors name the
    backup the user gave, not the temporary copy."""
    conn = sqlite3.connect(tmp, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
    except sqlite3.DatabaseError:
        pass  # not a database: EncryptedStore.open below says so clearly
    finally:
        conn.close()
    try:
        store = EncryptedStore.open(tmp, passphrase, kdf_ceiling=kdf_ceiling)
    except VaultError as exc:
        raise type(exc)(str(exc).replace(str(tmp), str(backup))) from None
    try:
        return RestoreReport(store.vault_id.hex(), store.damaged())
    finally:
        store.close()
