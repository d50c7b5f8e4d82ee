"""Hostile input against the storage and import side, data-driven: each case says how the
hostile input is built, what is done with it, and the exact outcome (typed error or exit
code, a phrase of the message, bounded time, what the vault holds afterwards)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from skillswallet import importing
from skillswallet import wallet as wallet_module
from skillswallet.did.key import did_from_public_key, verification_method_id
from skillswallet.did.keyfile import write_key_file
from skillswallet.did.keys import KeyPair
from skillswallet.did.multikey import KeyType, PublicKey
from skillswallet.storage import crypto
from skillswallet.storage import vault as storage_vault
from skillswallet.wallet import Wallet

from ..conftest import invoke_main
from ..vaultkit import NOW, PASSPHRASE, credential, fast_kdf

V2 = "https://www.w3.org/ns/credentials/v2"


def _presentation(*credentials: Any) -> dict[str, Any]:
    return {
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "verifiableCredential": list(credentials),
    }


def _with_key(raw: bytes) -> dict[str, Any]:
    """A credential whose issuer is a did:key with these (invalid) Ed25519 key bytes."""
    vc = credential("Bad key")
    key = PublicKey(KeyType.ED25519, raw)
    vc["issuer"] = did_from_public_key(key)
    vc["proof"]["verificationMethod"] = verification_method_id(key)
    return vc


def _lone_surrogate() -> dict[str, Any]:
    vc = credential("Surrogate")
    vc["name"] = "bad \ud800 name"
    return vc


# -- imports: one hostile item among good ones refuses that item only ----------------------


@dataclass(frozen=True)
class ImportCase:
    id: str
    #: The documents to import; "good" marks where good credentials go.
    build: Callable[[], list[Any]]
    #: The outcome of each credential, in order.
    statuses: list[str]
    #: A phrase of the refusal (or flag) reason of the hostile item.
    phrase: str
    allow_unverified: bool = False
    #: Import on worker processes (the pool path) instead of in-process.
    parallel: bool = False
    #: Replace verify() by one that raises for credentials named "explode".
    verify_raises: bool = False
    max_seconds: float = 10.0
    flags: list[list[str]] = field(default_factory=list)


IMPORT_CASES = [
    ImportCase(
        "presentation-nested-in-presentation",
        lambda: [_presentation(credential("A"), _presentation(credential("B")))],
        ["stored", "refused"],
        "presentation inside a presentation",
    ),
    ImportCase(
        "nested-presentation-refused-even-allow-unverified",
        lambda: [_presentation(_presentation(credential("B")), credential("A"))],
        ["refused", "stored"],
        "presentation inside a presentation",
        allow_unverified=True,
    ),
    ImportCase(
        "did-key-all-zero-point",
        lambda: [credential("A"), _with_key(bytes(32))],
        ["stored", "refused"],
        "",  # verify() reports it as its own failed check, or the import as unverifiable
    ),
    ImportCase(
        "did-key-all-zero-point-allow-unverified",
        lambda: [credential("A"), _with_key(bytes(32))],
        ["stored", "stored"],
        "",
        allow_unverified=True,
        flags=[[], ["unverified"]],
    ),
    ImportCase(
        "did-key-small-order-point-first",
        lambda: [_with_key(b"\x01" + bytes(31)), credential("A")],
        ["refused", "stored"],
        "",
    ),
    ImportCase(
        "lone-surrogate-cannot-be-stored",
        lambda: [_lone_surrogate(), credential("A")],
        ["refused", "stored"],
        "cannot be stored as JSON",
        allow_unverified=True,
    ),
    ImportCase(
        "verifier-raises-unexpectedly",
        lambda: [credential("A"), credential("explode"), credential("C")],
        ["stored", "refused", "stored"],
        "could not be checked (RuntimeError)",
        verify_raises=True,
    ),
    ImportCase(
        "verifier-raises-on-a-worker",
        lambda: [credential("A"), credential("explode"), credential("C")],
        ["stored", "refused", "stored"],
        "could not be checked (RuntimeError)",
        verify_raises=True,
        parallel=True,
    ),
    ImportCase(
        "unpicklable-item-on-the-pool-path",
        lambda: [credential("A"), {"type": ["VerifiableCredential"], "x": lambda: 0}],
        ["stored", "refused"],
        "structure",
        parallel=True,
    ),
    ImportCase(
        "nested-presentation-on-a-worker",
        lambda: [_presentation(credential("A"), _presentation(credential("B"))), credential("C")],
        ["stored", "refused", "stored"],
        "presentation inside a presentation",
        parallel=True,
    ),
]


@pytest.mark.parametrize("case", IMPORT_CASES, ids=lambda c: c.id)
def test_one_hostile_item_never_aborts_an_import(
    case: ImportCase, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if case.verify_raises:
        real_verify = importing.verify

        def exploding(document: Any, **kwargs: Any) -> Any:
            if document.get("name") == "explode":
                raise RuntimeError("boom")
            return real_verify(document, **kwargs)

        monkeypatch.setattr(importing, "verify", exploding)
    if case.parallel:
        monkeypatch.setattr(importing, "PARALLEL_MIN", 1)
    documents = case.build()
    wallet = Wallet.create(tmp_path / "v.sqlite", PASSPHRASE, kdf=fast_kdf(), clock=lambda: NOW)
    with wallet:
        started = time.monotonic()
        report = wallet.import_credentials(
            documents,
            allow_unverified=case.allow_unverified,
            workers=2 if case.parallel else 1,
        )
        assert time.monotonic() - started < case.max_seconds
        assert [o.status for o in report.outcomes] == case.statuses
        hostile = [o for o in report.outcomes if o.status == "refused" or "unverified" in o.flags]
        assert hostile and all(case.phrase in " ".join(o.reasons) for o in hostile)
        if case.flags:
            assert [o.flags for o in report.outcomes] == case.flags
        stored = {o.record_id for o in report.stored}
        assert {s.id for s in wallet.credentials()} == stored
        wallet._store.check_integrity()


# -- hostile files: vault headers, backups, paths ------------------------------------------


def _craft_header(vault: Path, **kdf_changes: Any) -> None:
    """Rewrite the vault header's KDF parameters with a valid (unkeyed) checksum, as an
    attacker who can write the file would."""
    conn = sqlite3.connect(vault, isolation_level=None)
    try:
        magic, version, vault_id, kdf, wrapped = conn.execute(
            "SELECT magic, format_version, vault_id, kdf, wrapped_key FROM header"
        ).fetchone()
        kdf = json.dumps(json.loads(kdf) | kdf_changes, sort_keys=True)
        checksum = storage_vault._header_checksum(magic, version, vault_id, kdf, wrapped)
        conn.execute("UPDATE header SET kdf = ?, checksum = ?", (kdf, checksum))
    finally:
        conn.close()


def _crafted_backup(tmp: Path, vault: Path) -> Path:
    backup = tmp / "crafted.skw"
    shutil.copyfile(vault, backup)
    _craft_header(backup, opslimit=16, memlimit=4 * 2**30)
    return backup


def _deeply_nested_kdf(tmp: Path, vault: Path) -> None:
    """A header whose KDF parameters are JSON nested 100,000 deep (with a valid unkeyed
    checksum): parsing it must be a typed damage error, not a RecursionError."""
    conn = sqlite3.connect(vault, isolation_level=None)
    try:
        magic, version, vault_id, wrapped = conn.execute(
            "SELECT magic, format_version, vault_id, wrapped_key FROM header"
        ).fetchone()
        kdf = "[" * 100_000 + "]" * 100_000
        checksum = storage_vault._header_checksum(magic, version, vault_id, kdf, wrapped)
        conn.execute("UPDATE header SET kdf = ?, checksum = ?", (kdf, checksum))
    finally:
        conn.close()


def _journal_symlink(tmp: Path, vault: Path) -> None:
    (tmp / "elsewhere").write_text("keep me")
    Path(f"{vault}-shm").symlink_to(tmp / "elsewhere")


def _backup_and_a_document_at_the_target(tmp: Path, vault: Path) -> Path:
    backup = tmp / "good.skw"
    shutil.copyfile(vault, backup)
    (tmp / "target").mkdir()
    (tmp / "target" / "vault.sqlite").write_text("my thesis, chapter 1")
    return backup


def _tiny_items(tmp: Path, vault: Path) -> Path:
    path = tmp / "zeros.json"
    path.write_text("[" + ",".join(["0"] * 200_000) + "]")
    return path


def _fifo(tmp: Path, vault: Path) -> Path:
    os.mkfifo(tmp / "fifo")
    return tmp / "fifo"


def _sparse(tmp: Path, vault: Path) -> Path:
    big = tmp / "big.skw"
    with open(big, "wb") as fh:
        fh.truncate(2 * 2**20)  # over the (lowered) limit of the test
    return big


def _random_bytes(tmp: Path, vault: Path) -> Path:
    (tmp / "noise.skw").write_bytes(os.urandom(4096))
    return tmp / "noise.skw"


@dataclass(frozen=True)
class FileCase:
    id: str
    #: Make the hostile file (given the test's directory and the vault); returns its path.
    build: Callable[[Path, Path], Path | None]
    #: The command; {file} is the hostile file, {target} a vault path to restore to.
    args: list[str]
    exit_code: int
    phrase: str
    #: The key derivation must not run at all (the refusal comes first).
    kdf_must_not_run: bool = False
    #: Restore onto the existing vault instead of a new path.
    onto_vault: bool = False
    max_seconds: float = 5.0
    #: A phrase that must NOT be in the message (e.g. a temporary file's name).
    not_phrase: str | None = None


FILE_CASES = [
    FileCase(
        "header-kdf-json-nested-100000-deep",
        _deeply_nested_kdf,
        ["list"],
        3,
        "header is damaged",
        kdf_must_not_run=True,
    ),
    FileCase(
        "a-symlink-planted-where-the-journal-goes",
        _journal_symlink,
        ["list"],
        3,
        "is a symbolic link",
        kdf_must_not_run=True,
    ),
    FileCase(
        "the-vault-path-is-a-fifo",
        _fifo,
        ["list", "--vault", "{file}"],
        3,
        "not a regular file",
        kdf_must_not_run=True,
    ),
    FileCase(
        "restore-force-onto-a-document-that-is-not-a-vault",
        _backup_and_a_document_at_the_target,
        ["restore", "{file}", "--vault", "{target}", "--force"],
        3,
        "not a skillswallet vault; restore will not replace it",
    ),
    FileCase(
        "import-of-200000-tiny-items",
        _tiny_items,
        ["import", "{file}"],
        3,
        "more than 100,000 items",
        kdf_must_not_run=True,  # the file is refused before the vault is opened
    ),
    FileCase(
        "header-kdf-16-passes-4-gib",
        lambda tmp, vault: _craft_header(vault, opslimit=16, memlimit=4 * 2**30),
        ["list"],
        3,
        "above the ceiling",
        kdf_must_not_run=True,
    ),
    FileCase(
        "header-kdf-2-gib-memory",
        lambda tmp, vault: _craft_header(vault, memlimit=2 * 2**30),
        ["list"],
        3,
        "above the ceiling",
        kdf_must_not_run=True,
    ),
    FileCase(
        "header-kdf-5-passes",
        lambda tmp, vault: _craft_header(vault, opslimit=5),
        ["list"],
        3,
        "above the ceiling",
        kdf_must_not_run=True,
    ),
    FileCase(
        "restore-crafted-backup-header",
        _crafted_backup,
        ["restore", "{file}", "--vault", "{target}"],
        3,
        "above the ceiling",
        kdf_must_not_run=True,
    ),
    FileCase(
        "restore-dev-zero",
        lambda tmp, vault: Path("/dev/zero"),
        ["restore", "{file}", "--vault", "{target}"],
        3,
        "/dev/zero is not a regular file",
    ),
    FileCase(
        "restore-fifo-does-not-block",
        _fifo,
        ["restore", "{file}", "--vault", "{target}"],
        3,
        "is not a regular file",
    ),
    FileCase(
        "restore-a-directory",
        lambda tmp, vault: tmp,
        ["restore", "{file}", "--vault", "{target}"],
        3,
        "is not a regular file",
    ),
    FileCase(
        "restore-missing-file",
        lambda tmp, vault: tmp / "missing.skw",
        ["restore", "{file}", "--vault", "{target}"],
        3,
        "no backup file at",
    ),
    FileCase(
        "restore-over-the-size-limit",
        _sparse,
        ["restore", "{file}", "--vault", "{target}"],
        3,
        "larger than a backup may be",
    ),
    FileCase(
        "restore-not-a-vault-names-the-input",
        _random_bytes,
        ["restore", "{file}", "--vault", "{target}"],
        3,
        "noise.skw is not a skillswallet vault",
        not_phrase=".restore-",
    ),
    FileCase(
        "restore-dev-zero-onto-a-vault",
        lambda tmp, vault: Path("/dev/zero"),
        ["restore", "--force", "{file}", "--vault", "{target}"],
        3,
        "is not a regular file",
        onto_vault=True,
    ),
    FileCase(
        "restore-onto-a-vault-needs-force",
        lambda tmp, vault: vault,
        ["restore", "{file}", "--vault", "{target}"],
        3,
        "--force to replace it",
        onto_vault=True,
    ),
]


@pytest.fixture
def cheap_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A vault with one credential, made with the cheapest KDF, as the CLI's default."""
    monkeypatch.setattr(crypto, "DEFAULT_OPS", crypto.OPS_FLOOR)
    monkeypatch.setattr(crypto, "DEFAULT_MEM", crypto.MEM_FLOOR)
    monkeypatch.setattr(wallet_module, "MAX_BACKUP_BYTES", 2**20, raising=False)
    vault = tmp_path / "home" / "vault.sqlite"
    with Wallet.create(vault, PASSPHRASE, kdf=fast_kdf(), clock=lambda: NOW) as wallet:
        wallet.add(credential("Kept"))
    monkeypatch.setenv("SKILLSWALLET_VAULT", str(vault))
    monkeypatch.setenv("SKILLSWALLET_PASSPHRASE", PASSPHRASE)
    return vault


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir()) if p.is_file()}


@pytest.mark.parametrize("case", FILE_CASES, ids=lambda c: c.id)
def test_hostile_files(
    case: FileCase,
    cheap_cli: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    hostile = case.build(tmp_path, cheap_cli)
    if case.kdf_must_not_run:

        def must_not_run(*_: Any) -> bytes:
            raise AssertionError("the KDF ran on parameters above the ceiling")

        monkeypatch.setattr(storage_vault, "derive_key", must_not_run)
    target = cheap_cli if case.onto_vault else tmp_path / "target" / "vault.sqlite"
    target.parent.mkdir(exist_ok=True)
    watched = [cheap_cli.parent, target.parent]
    before = [_snapshot(d) for d in watched]
    args = [a.format(file=hostile, target=target) for a in case.args]
    started = time.monotonic()
    code, _, err = invoke_main(monkeypatch, capsys, *args)
    assert time.monotonic() - started < case.max_seconds
    assert code == case.exit_code, err
    assert case.phrase in err
    if case.not_phrase:
        assert case.not_phrase not in err
    # Nothing written, nothing left behind, the vault untouched.
    assert [_snapshot(d) for d in watched] == before


# -- damaged records are reported, never silently dropped -----------------------------------


def _damage(vault: Path, record_id: str, parts: str) -> None:
    """Flip one byte inside a record's sealed metadata or body (not its nonce or tag,
    which the manifest covers): only that record fails to decrypt. ``summary`` flips one
    in every page of the summary index (``meta+summary``: both)."""
    conn = sqlite3.connect(vault, isolation_level=None)
    try:
        for part in parts.split("+"):
            if part == "summary":
                for page, sealed in conn.execute("SELECT page, sealed FROM summary_pages"):
                    conn.execute(
                        "UPDATE summary_pages SET sealed = ? WHERE page = ?",
                        (_flip(sealed), page),
                    )
                continue
            (sealed,) = conn.execute(
                f"SELECT {part} FROM records WHERE id = ?", (record_id,)
            ).fetchone()
            conn.execute(f"UPDATE records SET {part} = ? WHERE id = ?", (_flip(sealed), record_id))
    finally:
        conn.close()


def _flip(sealed: bytes) -> bytes:
    damaged = bytearray(sealed)
    damaged[30] ^= 0x01
    return bytes(damaged)


@dataclass(frozen=True)
class DamageCase:
    id: str
    part: str  # "meta" or "body" of the second of three credentials
    #: {damaged} is the damaged record's id, {healthy} another's, {out} a fresh path,
    #: {backup} a backup made before the damage... or after it (see the test).
    args: list[str]
    exit_code: int
    phrases: list[str]
    #: Files the command must have written into {out} (a directory), if it writes any.
    exported: int | None = None


DAMAGE_CASES = [
    # The summary index holds every record's summary: a damaged record's own copy does
    # not stop it being listed ...
    DamageCase("list-damaged-meta-from-the-index", "meta", ["list"], 0, []),
    # ... a damaged index is read past (record by record) ...
    DamageCase("list-damaged-summary-index", "summary", ["list"], 0, []),
    # ... and with both damaged, the record that cannot be summarized is named.
    DamageCase(
        "list-damaged-meta", "meta+summary", ["list"], 3, ["1 damaged record(s)", "{damaged}"]
    ),
    DamageCase(
        "list-json-damaged-meta", "meta+summary", ["list", "--json"], 3, ["1 damaged", "{damaged}"]
    ),
    DamageCase(
        "show-healthy-names-the-damaged", "meta+summary", ["show", "{healthy}"], 3, ["{damaged}"]
    ),
    DamageCase("show-the-damaged-one", "meta", ["show", "{damaged}"], 3, ["{damaged} is damaged"]),
    DamageCase("show-damaged-body", "body", ["show", "{damaged}"], 3, ["{damaged} is damaged"]),
    DamageCase(
        "export-damaged-body-exports-the-rest",
        "body",
        ["export", "--plaintext", "--out", "{out}"],
        3,
        ["not exported", "{damaged}"],
        exported=2,
    ),
    DamageCase(
        "export-damaged-meta-exports-the-rest",
        "meta",
        ["export", "--plaintext", "--out", "{out}"],
        3,
        ["not exported", "{damaged}"],
        exported=2,
    ),
    DamageCase("backup-of-a-damaged-vault", "body", ["backup", "--out", "{out}"], 3, ["{damaged}"]),
    DamageCase(
        "restore-of-a-damaged-backup",
        "body",
        ["restore", "{vault}", "--vault", "{out}"],
        3,
        ["restored as they are", "{damaged}"],
    ),
]


@pytest.mark.parametrize("case", DAMAGE_CASES, ids=lambda c: c.id)
def test_damaged_records_are_named_and_fail_the_command(
    case: DamageCase,
    cheap_cli: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Wallet.open(cheap_cli, PASSPHRASE) as wallet:
        wallet.add(credential("Second"))
        wallet.add(credential("Third"))
        ids = [s.id for s in wallet.credentials()]
    _damage(cheap_cli, ids[1], case.part)
    out = tmp_path / "out"
    names = {"damaged": ids[1], "healthy": ids[2], "out": out, "vault": cheap_cli}
    code, stdout, err = invoke_main(monkeypatch, capsys, *[a.format(**names) for a in case.args])
    assert code == case.exit_code, err
    for phrase in case.phrases:
        assert phrase.format(**names) in err
    if case.args[0] == "list":
        assert stdout.count(ids[0][:12]) == 1 and stdout.count(ids[2][:12]) == 1
        assert stdout.count(ids[1][:12]) == (1 if case.exit_code == 0 else 0)
    if case.exported is not None:
        assert len(list(out.iterdir())) == case.exported


# -- files: modes, symlinks, passphrase files ----------------------------------------------

VICTIM = b"someone else's file\n"


def _victim(tmp: Path) -> Path:
    victim = tmp / "victim.txt"
    victim.write_bytes(VICTIM)
    victim.chmod(0o644)
    return victim


def _plant_export_link(tmp: Path, vault: Path) -> None:
    with Wallet.open(vault, PASSPHRASE) as wallet:
        [summary] = wallet.credentials()
    (tmp / "out").mkdir(mode=0o700)
    (tmp / "out" / f"{summary.id}.json").symlink_to(_victim(tmp))


def _link_to_victim(tmp: Path, vault: Path) -> None:
    (tmp / "out").symlink_to(_victim(tmp))


def _passphrase_file(content: bytes, mode: int = 0o600) -> Callable[[Path, Path], None]:
    def build(tmp: Path, vault: Path) -> None:
        (tmp / "pass").write_bytes(content)
        (tmp / "pass").chmod(mode)

    return build


def _unsigned(tmp: Path, vault: Path) -> None:
    unsigned = credential("Unsigned")
    del unsigned["proof"], unsigned["issuer"]
    (tmp / "unsigned.json").write_text(json.dumps(unsigned))
    write_key_file(tmp / "key.json", KeyPair.generate("ed25519"))
    _link_to_victim(tmp, vault)


def _victim_untouched(tmp: Path) -> None:
    assert (tmp / "victim.txt").read_bytes() == VICTIM


def _out_is_private_file(tmp: Path) -> None:
    _victim_untouched(tmp)
    info = (tmp / "out").lstat()
    assert stat.S_ISREG(info.st_mode) and stat.S_IMODE(info.st_mode) == 0o600


@dataclass(frozen=True)
class SafetyCase:
    id: str
    build: Callable[[Path, Path], None]
    #: {tmp} is the test's directory, {vault} the vault.
    args: list[str]
    exit_code: int
    phrase: str
    check: Callable[[Path], None] = lambda tmp: None
    vault_mode: int = 0o600


SAFETY_CASES = [
    SafetyCase(
        "vault-writable-by-group-is-refused",
        lambda tmp, vault: None,
        ["list"],
        3,
        "chmod 600",
        vault_mode=0o660,
    ),
    SafetyCase(
        "vault-writable-by-anyone-is-refused",
        lambda tmp, vault: None,
        ["list"],
        3,
        "may be written by other users",
        vault_mode=0o602,
    ),
    SafetyCase(
        "vault-readable-by-others-warns",
        lambda tmp, vault: None,
        ["list"],
        0,
        "warning: {vault} may be read by other users",
        vault_mode=0o644,
    ),
    SafetyCase(
        "passphrase-file-readable-by-others-warns",
        _passphrase_file(PASSPHRASE.encode() + b"\n", 0o644),
        ["list", "--passphrase-file", "{tmp}/pass"],
        0,
        "warning: passphrase file {tmp}/pass may be read by other users",
    ),
    SafetyCase(
        "passphrase-file-with-bom",
        _passphrase_file(b"\xef\xbb\xbf" + PASSPHRASE.encode() + b"\r\n"),
        ["list", "--passphrase-file", "{tmp}/pass"],
        0,
        "",
    ),
    SafetyCase(
        "passphrase-file-not-utf8",
        _passphrase_file(b"\xff\xfe\x00p"),
        ["list", "--passphrase-file", "{tmp}/pass"],
        3,
        "{tmp}/pass is not UTF-8",
    ),
    SafetyCase(
        "passphrase-not-nfc-still-opens",  # the vault was made with the NFC form
        _passphrase_file(unicodedata.normalize("NFD", PASSPHRASE + " café").encode()),
        ["list", "--passphrase-file", "{tmp}/pass"],
        0,
        "",
    ),
    SafetyCase(
        "export-into-a-planted-symlink",
        _plant_export_link,
        ["export", "--plaintext", "--out", "{tmp}/out"],
        0,
        "UNENCRYPTED",
        check=_victim_untouched,
    ),
    SafetyCase(
        "export-dir-is-a-symlink",
        lambda tmp, vault: (tmp / "out").symlink_to(tmp),
        ["export", "--plaintext", "--out", "{tmp}/out"],
        3,
        "is a symbolic link",
    ),
    SafetyCase(
        "export-dir-writable-by-others",
        lambda tmp, vault: (tmp / "out").mkdir(mode=0o777) or (tmp / "out").chmod(0o777),
        ["export", "--plaintext", "--out", "{tmp}/out"],
        3,
        "chmod go-w",
    ),
    SafetyCase(
        "export-out-is-an-existing-file",
        lambda tmp, vault: _victim(tmp) and (tmp / "out").write_bytes(b"x"),
        ["export", "--plaintext", "--out", "{tmp}/out"],
        3,
        "exists and is not a directory",
    ),
    SafetyCase(
        "key-generate-force-replaces-a-symlink",
        _link_to_victim,
        ["key", "generate", "--force", "--out", "{tmp}/out"],
        0,
        "",
        check=_out_is_private_file,
    ),
    SafetyCase(
        "key-generate-refuses-a-dangling-symlink",
        lambda tmp, vault: (tmp / "out").symlink_to(tmp / "nowhere"),
        ["key", "generate", "--out", "{tmp}/out"],
        3,
        "already exists",
        check=lambda tmp: os.path.lexists(tmp / "nowhere") or None,
    ),
    SafetyCase(
        "issue-out-replaces-a-symlink",
        _unsigned,
        ["issue", "--key", "{tmp}/key.json", "{tmp}/unsigned.json", "--out", "{tmp}/out"],
        0,
        "",
        check=lambda tmp: _victim_untouched(tmp) or None,
    ),
]


@pytest.mark.parametrize("case", SAFETY_CASES, ids=lambda c: c.id)
def test_file_safety(
    case: SafetyCase,
    cheap_cli: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    if "nfc" in case.id:  # a vault whose passphrase has an accent, made with its NFC form
        cheap_cli.unlink()
        Wallet.create(cheap_cli, unicodedata.normalize("NFC", PASSPHRASE + " café"), kdf=fast_kdf())
    case.build(tmp_path, cheap_cli)
    cheap_cli.chmod(case.vault_mode)
    before = cheap_cli.read_bytes()
    if "--passphrase-file" in case.args:
        monkeypatch.delenv("SKILLSWALLET_PASSPHRASE")
    names = {"tmp": tmp_path, "vault": cheap_cli}
    code, _, err = invoke_main(monkeypatch, capsys, *[a.format(**names) for a in case.args])
    assert code == case.exit_code, err
    assert case.phrase.format(**names) in err
    if case.exit_code:
        assert cheap_cli.read_bytes() == before
    case.check(tmp_path)
