"""What the service does, as plain synchronous calls over the library: issue (with a
status entry), verify, derive, change a status, serve a status list. The HTTP layer
(:mod:`.app`) runs these on one thread of its own per process, so the vault's and the
registry's connections are only ever used from that thread."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..credentials.derive import derive_credential
from ..credentials.jsoncopy import json_copy
from ..credentials.loader import ContextLoader, default_loader
from ..credentials.model import as_list, issuer_id, validate_credential, vc_version
from ..credentials.suites import ALL_SUITES, default_suite
from ..did.multikey import KeyType
from ..did.resolver import DIDResolver, KeyResolver, StaticResolver
from ..errors import (
    ContextError,
    CryptosuiteError,
    DataLossError,
    InvalidDocumentError,
    PointerError,
    ProofError,
    RegistryUnavailableError,
    SelectableMandatoryWarning,
    StatusListFullError,
    StatusRegistryError,
    StatusRetrievalError,
    WorkLimitError,
)
from ..net.fetch import Transport
from ..net.inputs import badge_fetcher, verifier_inputs
from ..result import VerificationResult
from ..status.issuer import StatusIssuer
from ..status.registry import SqliteStatusRegistry, StatusRegistry
from ..status.sources import FirstOf, StatusSource
from ..trust.lists import load_trust_list
from ..verify import NoChallenge, PresentationChallengeMissing, verify
from ..wallet import VaultSigner, Wallet
from .config import ServerConfig, ServerConfigError
from .problems import Problem, data_model_problem, invalid

REGISTRY_FILE = "status-lists.sqlite"
ISSUE_OPTIONS = frozenset({"cryptosuite", "mandatoryPointers", "credentialId"})
#: Suites an issuer key of each type can sign with.
_SUITES_FOR = {
    # Ed25519Signature2020: the legacy proof type the library and `issue --suite` sign too
    KeyType.ED25519: ("eddsa-rdfc-2022", "eddsa-jcs-2022", "Ed25519Signature2020"),
    KeyType.P256: ("ecdsa-rdfc-2019", "ecdsa-jcs-2019", "ecdsa-sd-2023"),
    KeyType.P384: ("ecdsa-rdfc-2019", "ecdsa-jcs-2019", "ecdsa-sd-2023"),
}


def open_registry(spec: str | None, vault: Path | None) -> StatusRegistry:
    """The registry a ``--registry`` value names: ``postgresql://...`` (the ``[postgres]``
    extra), or a SQLite file (default: beside the vault)."""
    if spec is not None and spec.startswith(("postgresql://", "postgres://")):
        from ..status.postgres import PostgresStatusRegistry

        return PostgresStatusRegistry(spec)
    if spec is not None:
        return SqliteStatusRegistry(Path(spec))
    if vault is None:
        raise ServerConfigError("status lists need a vault or --registry")
    return SqliteStatusRegistry(vault.parent / REGISTRY_FILE)


@dataclass
class _Signed:
    values: dict[int, int]
    made: datetime
    document: dict[str, Any]


class Issuer:
    """The issuing side: the vault's signer, and the status lists under a base URL."""

    def __init__(
        self,
        wallet: Wallet,
        did: str,
        *,
        registry: StatusRegistry | None,
        status_base_url: str | None,
        purposes: Sequence[str] = ("revocation",),
        list_ttl: timedelta = timedelta(hours=1),
        loader: ContextLoader | None = None,
    ) -> None:
        self.wallet = wallet
        self.did = did
        self.signer: VaultSigner = wallet.signer(did)
        self.loader = loader or default_loader()
        self.registry = registry
        self.status = StatusIssuer(registry) if registry is not None else None
        self.base = status_base_url.rstrip("/") if status_base_url else None
        self.purposes = tuple(purposes)
        self.list_ttl = list_ttl
        self._current: dict[str, str] = {}
        self._signed: dict[str, _Signed] = {}
        if self.status is not None and self.base is not None:
            for purpose in self.purposes:
                self._current[purpose] = self._open_list(purpose)

    # -- status lists -----------------------------------------------------------------------

    def _mine(self) -> list[Any]:
        assert self.registry is not None and self.base is not None
        return [
            info
            for info in self.registry.lists()
            if info.issuer == self.did and info.url.startswith(self.base + "/")
        ]

    def _open_list(self, purpose: str) -> str:
        """A list of ``purpose`` with room (the newest), created when there is none.
        Several workers may race to create one: the registry takes one URL once."""
        assert self.status is not None and self.base is not None
        for _ in range(8):
            mine = self._mine()
            usable = [i for i in mine if i.purpose == purpose and i.used < i.length]
            if usable:
                return str(usable[-1].url)
            url = f"{self.base}/{len(mine) + 1}"
            try:
                self.status.create_list(url, purpose, self.did)
                return url
            except StatusRegistryError as exc:
                if isinstance(exc, RegistryUnavailableError):
                    raise
                continue  # another worker took that URL: look again
        raise StatusRegistryError(f"could not create a {purpose} status list under {self.base}")

    def add_status(self, credential: dict[str, Any]) -> dict[str, Any]:
        assert self.status is not None
        for _ in range(4):
            try:
                return self.status.add_status(credential, [self._current[p] for p in self.purposes])
            except StatusListFullError:
                for purpose in self.purposes:
                    self._current[purpose] = self._open_list(purpose)
        raise StatusRegistryError("no status list with room could be found")

    def own_list(self, url: str) -> bool:
        return self.base is not None and url.startswith(self.base + "/")

    def list_credential(self, url: str) -> dict[str, Any] | None:
        """The signed list credential as it stands now (None if not one of ours). The
        entries are read every time; the list is signed again when they changed, or
        when half its validity has passed."""
        if self.status is None or self.registry is None or not self.own_list(url):
            return None
        try:
            values = self.registry.set_values(url)
        except RegistryUnavailableError:
            raise
        except StatusRegistryError:
            return None
        now = datetime.now(UTC).replace(microsecond=0)
        cached = self._signed.get(url)
        if cached is not None and cached.values == values and now - cached.made < self.list_ttl / 2:
            return cached.document
        document = self.status.list_credential(
            url, self.signer, now=now, valid_for=self.list_ttl, loader=self.loader
        )
        self._signed[url] = _Signed(values, now, document)
        return document

    def list_at_path(self, path: str) -> dict[str, Any] | None:
        """The list published at the URL whose path is ``path``."""
        if self.registry is None or self.base is None:
            return None
        for info in self._mine():
            if urlsplit(info.url).path == path:
                return self.list_credential(info.url)
        return None

    # -- issuing ----------------------------------------------------------------------------

    def issue(self, credential: Any, options: Any) -> dict[str, Any]:
        opts = _object(options, "/options", allow_none=True)
        unknown = sorted(set(opts) - ISSUE_OPTIONS)
        if unknown:
            raise invalid(
                f"/options/{unknown[0]}",
                f"unknown option; this service takes {', '.join(sorted(ISSUE_OPTIONS))}",
            )
        key_type = self.signer.key_type
        # none named: RDFC, or JCS for a text direction (which RDFC does not sign)
        if "cryptosuite" in opts:
            suite = opts["cryptosuite"]
        else:
            suite = default_suite(key_type, credential if isinstance(credential, dict) else None)
        if not isinstance(suite, str) or suite not in ALL_SUITES:
            raise invalid(
                "/options/cryptosuite",
                f"unknown cryptosuite {str(suite)[:60]!r}; known: {', '.join(ALL_SUITES)}",
            )
        if suite not in _SUITES_FOR[key_type]:
            raise invalid(
                "/options/cryptosuite",
                f"the issuer's {key_type.value} key cannot sign {suite}; it signs "
                + ", ".join(_SUITES_FOR[key_type]),
            )
        pointers = opts.get("mandatoryPointers")
        if pointers is not None:
            if suite != "ecdsa-sd-2023":
                raise invalid("/options/mandatoryPointers", "only for ecdsa-sd-2023")
            if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
                raise invalid("/options/mandatoryPointers", "must be a list of JSON Pointers")
        credential_id = opts.get("credentialId")
        if credential_id is not None and not isinstance(credential_id, str):
            raise invalid("/options/credentialId", "must be a string")

        doc = self._checked(credential)
        if self.status is not None and self.base is not None:
            borrowed = "id" not in doc and credential_id is not None
            if borrowed:
                doc["id"] = credential_id
            doc = self.add_status(doc)
            if borrowed:
                del doc["id"]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SelectableMandatoryWarning)
                signed: dict[str, Any] = self.wallet.issue(
                    doc, self.did, cryptosuite=suite, mandatory_pointers=pointers
                )
                return signed
        except PointerError as exc:
            raise invalid("/options/mandatoryPointers", str(exc)) from None
        except (
            ContextError,
            DataLossError,
            WorkLimitError,
            InvalidDocumentError,
            CryptosuiteError,
        ) as exc:
            raise Problem(400, "Invalid credential", str(exc), kind="invalid-credential") from None

    def _checked(self, credential: Any) -> dict[str, Any]:
        """The credential to sign (a copy, ``issuer`` set), or the 400 naming each
        member that breaks VC Data Model 2.0."""
        doc: dict[str, Any] = json_copy(_object(credential, "/credential"))
        if vc_version(doc) != 2:
            raise invalid(
                "/credential/@context",
                "must start with https://www.w3.org/ns/credentials/v2 (VC Data Model 2.0)",
            )
        if "proof" in doc:
            raise invalid("/credential/proof", "the credential to issue must not have a proof")
        if "issuer" not in doc:
            doc["issuer"] = self.did
        elif issuer_id(doc) != self.did:
            raise invalid(
                "/credential/issuer",
                f"this service issues as {self.did}, not {str(issuer_id(doc))[:100]!r}",
            )
        problems = validate_credential(doc)
        if problems:
            raise data_model_problem(problems, at="/credential")
        return doc

    # -- status changes -----------------------------------------------------------------------

    def update_status(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """``{"credentialId", "credentialStatus": [{"type", "status"}]}`` (the VC API's
        form; ``status`` is revoked, suspended or active), or the newer
        ``{"credentialId", "credentialStatus": {"statusPurpose"}, "status": bool}``."""
        assert self.status is not None
        credential_id = body.get("credentialId")
        if not isinstance(credential_id, str) or not credential_id:
            raise invalid("/credentialId", "the id of a credential this service issued")
        changes = _status_changes(body)
        done: list[dict[str, Any]] = []
        for verb in changes:
            try:
                changed = getattr(self.status, verb)(credential_id)
            except RegistryUnavailableError:
                raise
            except StatusRegistryError as exc:
                found = self.registry is not None and self.registry.allocations(credential_id)
                if not found:
                    raise Problem(
                        404,
                        "Credential not found",
                        f"this service holds no status entry of {credential_id[:200]!r}",
                        kind="not-found",
                    ) from None
                raise Problem(409, "Status not changed", str(exc), kind="conflict") from None
            done.extend(
                {
                    "statusPurpose": a.purpose,
                    "statusListCredential": a.list_url,
                    "statusListIndex": str(a.index),
                    "value": a.value,
                }
                for a in changed
            )
        return done


def _status_changes(body: dict[str, Any]) -> list[str]:
    entries = body.get("credentialStatus")
    verbs = {"revoked": "revoke", "suspended": "suspend", "active": "unsuspend"}
    if isinstance(entries, dict) and "statusPurpose" in entries:
        purpose, value = entries.get("statusPurpose"), body.get("status")
        if purpose not in ("revocation", "suspension") or not isinstance(value, bool):
            raise invalid(
                "/credentialStatus",
                "statusPurpose revocation or suspension, with status true or false",
            )
        if purpose == "revocation":
            if not value:
                raise invalid("/status", "a revocation cannot be undone")
            return ["revoke"]
        return ["suspend" if value else "unsuspend"]
    if not isinstance(entries, list) or not entries:
        raise invalid(
            "/credentialStatus",
            'a list like [{"type": "BitstringStatusListCredential", "status": "revoked"}]',
        )
    out = []
    for n, entry in enumerate(entries):
        if not isinstance(entry, dict) or entry.get("status") not in verbs:
            raise invalid(f"/credentialStatus/{n}/status", "must be revoked, suspended or active")
        kind = entry.get("type", "BitstringStatusListCredential")
        if kind not in ("BitstringStatusListCredential", "BitstringStatusListEntry"):
            raise invalid(
                f"/credentialStatus/{n}/type", "this service keeps Bitstring Status Lists"
            )
        out.append(verbs[entry["status"]])
    return out


def _object(value: Any, at: str, *, allow_none: bool = False) -> dict[str, Any]:
    if value is None and allow_none:
        return {}
    if not isinstance(value, dict):
        raise invalid(at, "missing" if value is None else "must be a JSON object")
    return value


class OwnLists:
    """The verifier's first status source: this issuer's own lists, from the registry
    (read at every check, so that a revocation by any worker counts at once)."""

    def __init__(self, issuer: Issuer | None) -> None:
        self.issuer = issuer

    def get(self, url: str) -> dict[str, Any]:
        document = self.issuer.list_credential(url) if self.issuer is not None else None
        if document is None:
            raise StatusRetrievalError(f"{url} is not a status list of this service")
        return document


class Service:
    """The whole service of one process: an optional issuer, and the verifier (with the
    inputs and trust lists the configuration allows; ``transport`` replaces its HTTPS
    connections, for tests)."""

    def __init__(
        self, config: ServerConfig, *, issuing: bool, transport: Transport | None = None
    ) -> None:
        self.config = config
        self.loader = default_loader()
        self.trust = tuple(load_trust_list(path) for path in config.trust)
        for option, folder in (
            ("--status-dir", config.status_dir),
            ("--did-web-dir", config.did_web_dir),
        ):
            if folder is not None and not folder.is_dir():
                raise ServerConfigError(f"{option} {folder}: not a folder")
        self.issuer: Issuer | None = None
        self.wallet: Wallet | None = None
        resolver: DIDResolver = KeyResolver()
        own: dict[str, dict[str, Any]] = {}
        if issuing:
            if config.vault is None or not config.vault.exists():
                raise ServerConfigError(
                    f"there is no vault at {config.vault}: issuing needs the issuer's key "
                    "(skillswallet init; skillswallet did create)"
                )
            self.wallet = Wallet.open(config.vault, config.passphrase(), loader=self.loader)
            try:
                did = config.issuer or self.wallet.default_did()
                registry = (
                    open_registry(config.registry, config.vault) if config.status_base_url else None
                )
                purposes = ("revocation", "suspension") if config.suspension else ("revocation",)
                self.issuer = Issuer(
                    self.wallet,
                    did,
                    registry=registry,
                    status_base_url=config.status_base_url,
                    purposes=purposes,
                    list_ttl=timedelta(seconds=config.status_list_ttl),
                    loader=self.loader,
                )
                if did.startswith("did:web:"):
                    own[did] = self.wallet.did_web_document(did)
                    resolver = StaticResolver(own)
            except BaseException:
                self.wallet.close()
                raise
        others, web = verifier_inputs(
            config.status_dir,
            config.did_web_dir,
            config.allow_network,
            cache_ttl=config.status_cache_ttl,
            transport=transport,
        )
        #: Open Badges 2.0 checks fetch (hosted assertions, issuer keys) from the same hosts.
        self.badge_fetcher = badge_fetcher(config.allow_network, transport=transport)
        if web is not None:  # (own did:web document first, from the vault)
            resolver = StaticResolver(own, web) if own else web
        self.resolver = resolver
        own_lists = OwnLists(self.issuer)
        self.status_source: StatusSource = (
            own_lists if others is None else FirstOf([own_lists, others])
        )

    def close(self) -> None:
        if self.issuer is not None and self.issuer.registry is not None:
            close = getattr(self.issuer.registry, "close", None)
            if close is not None:
                close()
        if self.wallet is not None:
            self.wallet.close()

    def verify(
        self,
        document: Any,
        *,
        challenge: str | NoChallenge | None = None,
        domain: str | None = None,
        expected_proof_purpose: Any = None,
    ) -> VerificationResult:
        """``expected_proof_purpose`` is a credential request's
        ``options.expectedProofPurpose`` (Data Integrity, Verify Proof): its proofs must
        state it; assertionMethod when not given."""
        purpose = "assertionMethod" if expected_proof_purpose is None else expected_proof_purpose
        if not isinstance(purpose, str):
            raise invalid("/options/expectedProofPurpose", "must be a string")
        try:
            return verify(
                document,
                resolver=self.resolver,
                loader=self.loader,
                status=self.status_source,
                trust=self.trust or None,
                challenge=challenge,
                domain=domain,
                proof_purpose=purpose,
            )
        except PresentationChallengeMissing:
            raise invalid(
                "/options/challenge", "verifying a presentation needs the challenge you gave"
            ) from None

    def check_answer(self, presentation: Any, request: Any) -> VerificationResult:
        """``presentation`` checked as the answer to ``request`` (a presentation
        request's JSON: its challenge and domain, and a ``request`` check per query;
        :class:`~skillswallet.errors.RequestError` if malformed), with this service's trust
        lists, status lists and DID documents, as ``verify --request`` does."""
        from ..present.response import check_response
        from ..trust.lists import combined

        return check_response(
            presentation,
            request,
            trust=combined(list(self.trust)) if self.trust else None,
            resolver=self.resolver,
            loader=self.loader,
            status=self.status_source,
        )

    def derive(self, credential: Any, options: Any) -> dict[str, Any]:
        doc = _object(credential, "/verifiableCredential")
        opts = _object(options, "/options", allow_none=True)
        pointers = opts.get("selectivePointers", [])
        if not isinstance(pointers, list) or not all(isinstance(p, str) for p in pointers):
            raise invalid("/options/selectivePointers", "must be a list of JSON Pointers")
        try:
            derived: dict[str, Any] = derive_credential(doc, pointers, loader=self.loader)
            return derived
        except PointerError as exc:
            raise invalid("/options/selectivePointers", str(exc)) from None
        except (InvalidDocumentError, ProofError, ContextError, DataLossError) as exc:
            raise Problem(400, "Cannot derive", str(exc), kind="invalid-credential") from None


def credential_targets(document: Any) -> list[Any]:
    """The credentials inside a presentation, in order (for the report)."""
    if not isinstance(document, dict):
        return []
    return as_list(document.get("verifiableCredential"))
