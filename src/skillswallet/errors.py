"""The exception hierarchy. Every error the library raises on purpose derives from
:class:`SkillsWalletError`, so an embedding application can catch one type.

Verification of a *bad credential* never raises: it returns a failed
:class:`~skillswallet.result.VerificationResult`. These exceptions are for malformed
input, programmer misuse and environment problems.
"""

from __future__ import annotations


class SkillsWalletError(Exception):
    """Root of every error raised by skillswallet."""


class InvalidJSONError(SkillsWalletError):
    """Input is not acceptable JSON (syntax, duplicate keys, NaN, too large, too deep)."""


class InvalidDocumentError(SkillsWalletError):
    """A JSON document does not have the shape a credential or presentation needs."""


class ContextError(SkillsWalletError):
    """A JSON-LD context could not be used (unknown URL, digest mismatch, bad content)."""

    def __init__(self, message: str, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class UnknownContextError(ContextError):
    """A context URL is not bundled or allow-listed; nothing is fetched."""

    def __init__(self, url: str) -> None:
        super().__init__(
            f"unknown JSON-LD context {url!r}: it is not bundled and not allow-listed, "
            "and skillswallet does not fetch contexts from the network",
            url,
        )


class CanonicalizationError(SkillsWalletError):
    """A document could not be canonicalized (undefined terms, JSON-LD errors, unsafe values)."""


class DataLossError(CanonicalizationError):
    """JSON-LD expansion would drop data, which would then be unsigned."""


class WorkLimitError(CanonicalizationError):
    """RDF canonicalization exceeded its work limit (a 'poison' dataset)."""


class InvalidKeyError(SkillsWalletError):
    """A key or its encoding is invalid or unsupported."""


class DIDError(SkillsWalletError):
    """A DID or DID URL is malformed or cannot be resolved."""


class UnsupportedDIDMethodError(DIDError):
    """The DID method is not supported by the configured resolver."""


class DIDNotFoundError(DIDError):
    """A DID document could not be obtained (not in the directory given, the network was
    not allowed, or the fetch failed): resolution could not decide, which is not a
    verdict on the document."""


class CryptosuiteError(SkillsWalletError):
    """A cryptosuite is unknown or was used with an incompatible key (programmer misuse)."""


class ProofError(SkillsWalletError):
    """Creating a proof failed (bad options, missing verification method)."""


class PointerError(ProofError):
    """A JSON Pointer given for selective disclosure is malformed or names nothing in
    the document."""


class SelectableMandatoryWarning(UserWarning):
    """An ecdsa-sd-2023 base proof leaves fields selectable that we reveal always by
    default (issuer, validity, type, status): a holder could hide them."""


class KeyFileError(SkillsWalletError):
    """A key file could not be read or written."""


class UnsafeFileError(SkillsWalletError):
    """An output file or directory cannot be written safely (a symlink, another user's
    directory, a directory others may write to) or could not be written at all."""


class ImportWorkerError(SkillsWalletError):
    """A worker process verifying an import died; that batch was not stored."""


class BatchInputError(SkillsWalletError):
    """A batch's input cannot be used: its CSV file or template (not one row's values)."""


class BatchWorkerError(SkillsWalletError):
    """A worker process of a batch died; what was issued before is in the manifest."""


class VaultError(SkillsWalletError):
    """Something is wrong with a vault (base of the vault errors)."""


class WrongPassphraseError(VaultError):
    """The passphrase does not open this vault (or its header was deliberately altered)."""


class AgentError(VaultError):
    """The unlock agent cannot be started or used here (platform, runtime folder)."""


class WrongVaultKeyError(VaultError):
    """A data key (from the unlock agent) does not open this vault."""


class CorruptVaultError(VaultError):
    """The vault file is damaged, truncated, not a vault, or was tampered with."""


class UnsupportedVaultVersionError(VaultError):
    """The vault was written by a newer skillswallet; it is refused and never rewritten."""


class VaultIntegrityError(CorruptVaultError):
    """Records were deleted, duplicated or rolled back outside skillswallet."""


class RecordCorruptError(CorruptVaultError):
    """One record cannot be decrypted; other records are unaffected. ``record_id`` names
    it (when known)."""

    def __init__(self, message: str, record_id: str | None = None) -> None:
        super().__init__(message)
        self.record_id = record_id


class VaultBusyError(VaultError):
    """Another process is writing to the vault; try again later."""


class VaultExistsError(VaultError):
    """A vault (or another file) already exists where a new one would be created."""


class VaultNotFoundError(VaultError):
    """There is no vault at the given path."""


class BackupFileError(VaultError):
    """A backup to restore cannot be used: missing, not a regular file, or too large."""


class InsecureVaultError(VaultError):
    """The vault file may be written by other users: refused until its mode is fixed."""


class InvalidPassphraseError(VaultError):
    """A passphrase that can never be right (empty)."""


class InsecureFileWarning(UserWarning):
    """A vault or passphrase file may be read by other users (a warning: it is used)."""


class KDFParameterError(VaultError):
    """Key-derivation parameters are below the safety floor or above the ceiling."""


class RecordNotFoundError(VaultError):
    """No record with that id."""


class TrustListError(SkillsWalletError):
    """A trusted-issuer list cannot be read (the message names the entry and field)."""


class StatusListError(SkillsWalletError):
    """A status list (or a status entry) is malformed or unusable: not base64url GZIP,
    too short, too large once decompressed, an index outside it."""


class StatusRetrievalError(SkillsWalletError):
    """A status list could not be obtained (not in the directory given, not allowed, or
    the fetch failed)."""


class StatusRegistryError(SkillsWalletError):
    """The issuer's status registry cannot do what was asked (an unknown list or
    credential, a full list, a damaged registry file)."""


class StatusListFullError(StatusRegistryError):
    """Every index of the status list is given out: create another list."""


class RegistryUnavailableError(StatusRegistryError):
    """The registry's database cannot be reached now (gone away, busy): try again later;
    nothing was changed."""


class FetchError(SkillsWalletError):
    """An opt-in HTTPS fetch was refused (host not allowed, a private address, a redirect
    to another host, too large, too slow) or failed."""


class RequirementsError(SkillsWalletError):
    """A requirements (vacancy) file cannot be read (the message names the field)."""


class TaxonomyError(SkillsWalletError):
    """A taxonomy source (ESCO CSV files, a framework file, a stored index) is unusable.

    ``file``, ``line`` and ``column`` say where, when known (lines count from 1, the
    header being line 1; ``column`` is a column name or a JSON path)."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
    ) -> None:
        where = ", ".join(
            part
            for part in (
                file,
                f"line {line}" if line is not None else None,
                f"column {column!r}" if column is not None else None,
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)
        self.file = file
        self.line = line
        self.column = column


class BuilderError(InvalidDocumentError):
    """A credential builder was given a value it cannot turn into a valid credential.
    ``field`` names the input (``skills[0].level``, ``eqf_level``) when one is to blame."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(f"{field}: {message}" if field else message)
        self.field = field
        self.reason = message


class LevelError(BuilderError):
    """A proficiency or qualification level is not one of the allowed values."""


class AssessmentMethodError(BuilderError):
    """An assessment method is not one of the closed list skillswallet records."""


class SelfAssessmentError(BuilderError):
    """A self-assessment whose subject is not its issuer (it would not be a self-assessment)."""


class BakedImageError(SkillsWalletError):
    """An image cannot carry or yield a baked credential: not PNG or SVG, malformed,
    truncated, a bad checksum, too large, unsafe XML, or more than one credential."""


class AlreadyBakedError(BakedImageError):
    """The image already carries a credential and replacing it was not asked for."""


class QRCodeError(SkillsWalletError):
    """A QR code cannot be made as asked (file type, link)."""


class QRTooLargeError(QRCodeError):
    """The text is more than a QR code holds; ``size`` and ``limit`` are in bytes."""

    def __init__(self, size: int, limit: int, what: str = "it") -> None:
        super().__init__(
            f"{what} is {size:,} bytes and a QR code holds at most {limit:,}: "
            "share it as a file instead"
        )
        self.size = size
        self.limit = limit


class PresentationError(SkillsWalletError):
    """A presentation cannot be made as asked (a credential cannot be shown that way)."""


class NotDerivableError(PresentationError, PointerError):
    """JSON Pointers were given for a credential that cannot be selectively disclosed
    (only ecdsa-sd-2023 base credentials can): it can only be shown whole."""


class RequestError(InvalidDocumentError):
    """A presentation request (VPR) is malformed: the message names the field at fault."""


class UnsatisfiableRequestError(PresentationError):
    """No credential in the vault answers a required query of a presentation request.
    ``missing`` describes each query left unanswered."""

    def __init__(self, message: str, missing: list[str] | None = None) -> None:
        super().__init__(message)
        self.missing = list(missing or [])
