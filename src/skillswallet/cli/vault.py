"""Vault commands of the ``skillswallet`` CLI: thin wrappers over :class:`Wallet`."""

from __future__ import annotations

import getpass
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from platformdirs import user_data_dir

from .. import safefile
from ..errors import InsecureFileWarning, VaultExistsError
from .common import (
    EXIT_ERROR,
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    EXIT_USAGE,
    AllowNetworkOpt,
    ContextOpt,
    DidWebDirOpt,
    ImportFiles,
    IssuerKeyOpt,
    StatusDirOpt,
    badge_fetcher,
    confirm,
    context_loader,
    fail,
    is_interactive,
    issuer_keys,
    not_utf8,
    say,
    say_either,
    say_json,
    say_json_items,
    utf8_text,
    verifier_inputs,
    warnings_shown,
)

if TYPE_CHECKING:
    from ..credentials.loader import ContextLoader
    from ..wallet import ImportReport, Wallet

VaultOpt = Annotated[
    Path | None,
    typer.Option(
        "--vault",
        help="Vault file. Default: $SKILLSWALLET_VAULT, else your user data directory.",
        show_default=False,
    ),
]
PassFileOpt = Annotated[
    Path | None,
    typer.Option(
        "--passphrase-file",
        help="Read the passphrase from this file (else $SKILLSWALLET_PASSPHRASE, else a prompt).",
        show_default=False,
    ),
]
RecordIdArg = Annotated[
    str, typer.Argument(metavar="ID", help="Id (or unique prefix) from 'list'.")
]
LabelOpt = Annotated[
    str | None,
    typer.Option(help="A name to recognise the key by.", callback=utf8_text),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


class KdfProfile(StrEnum):
    moderate = "moderate"
    sensitive = "sensitive"


def vault_path(option: Path | None) -> Path:
    if option is not None:
        return option
    env = os.environ.get("SKILLSWALLET_VAULT")
    if env:
        return Path(env)
    return Path(user_data_dir("skillswallet")) / "vault.sqlite"


def _read_secret_file(path: Path) -> str:
    with warnings_shown(InsecureFileWarning):
        return safefile.read_secret_file(path)


def read_passphrase(
    file: Path | None,
    *,
    confirm: bool = False,
    env: str = "SKILLSWALLET_PASSPHRASE",
    what: str = "Vault passphrase",
) -> str:
    """Passphrase from a file, the environment, or a no-echo prompt; never an argument."""
    if file is not None:
        value = _read_secret_file(file)
    elif os.environ.get(env) is not None:
        value = os.environ[env]
    else:
        if not sys.stdin.isatty():
            fail(
                f"no passphrase: set ${env}, use --passphrase-file, or run in a terminal",
                EXIT_USAGE,
            )
        value = getpass.getpass(f"{what}: ")
        if confirm and getpass.getpass(f"{what} (again): ") != value:
            fail("the passphrases do not match", EXIT_USAGE)
    if not value:
        fail("the passphrase is empty", EXIT_USAGE)
    if not_utf8(value):  # bytes the shell or terminal passed that are not UTF-8
        fail("the passphrase is not valid UTF-8 text", EXIT_USAGE)
    if confirm:  # a new passphrase
        _check_new_passphrase(value)
    return value


#: A new passphrase shorter than this is refused; one shorter than
#: :data:`GOOD_PASSPHRASE` is accepted with a warning. Anyone with a copy of the vault
#: file can try passphrases offline, as fast as Argon2id lets them.
MIN_PASSPHRASE = 8
GOOD_PASSPHRASE = 12


def _check_new_passphrase(value: str) -> None:
    if len(value) < MIN_PASSPHRASE:
        fail(
            f"the passphrase is too short ({len(value)} characters): use at least "
            f"{MIN_PASSPHRASE}, better a few words ('correct horse battery staple')",
            EXIT_USAGE,
        )
    if len(value) < GOOD_PASSPHRASE or len(set(value)) < 4:
        say(
            f"warning: a short or repetitive passphrase ({len(value)} characters) can be "
            "guessed from a copy of the vault file; a few words are safer",
            err=True,
        )


@contextmanager
def opened(
    vault: Path | None,
    passphrase_file: Path | None,
    loader: ContextLoader | None = None,
    *,
    agent: bool = True,
) -> Iterator[Wallet]:
    """The vault, opened with the key of its unlock agent ('skillswallet unlock') when one
    runs (and ``agent``), else with the passphrase."""
    from ..wallet import Wallet

    path = vault_path(vault)
    if not path.exists():  # before asking for a passphrase
        fail(f"there is no vault at {path}; create one with 'skillswallet init'")
    # (--context: the caller's contexts besides the bundled ones)
    extra: dict[str, Any] = {} if loader is None else {"loader": loader}
    with warnings_shown(InsecureFileWarning):
        wallet = _from_agent(path, extra) if agent else None
        if wallet is None:
            wallet = Wallet.open(path, read_passphrase(passphrase_file), **extra)
    with wallet:
        yield wallet


def _from_agent(path: Path, extra: dict[str, Any]) -> Wallet | None:
    from ..agent import fetch_key
    from ..errors import WrongVaultKeyError
    from ..wallet import Wallet

    found = fetch_key(path)
    if found is None:
        return None
    vault_id, key = found
    try:
        wallet = Wallet.open_with_key(path, key, **extra)
    except WrongVaultKeyError:
        return None  # (an agent for a vault replaced at this path): ask for the passphrase
    if wallet.vault_key()[0] != vault_id:
        wallet.close()
        return None
    return wallet


@contextmanager
def _interruptible(received: list[int]) -> Iterator[None]:
    """SIGTERM interrupts like Ctrl-C (KeyboardInterrupt) while an import runs, so both
    end it at once with a report of what was stored; the signals go to ``received``."""

    def interrupt(signum: int, _frame: Any) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    saved = {s: signal.signal(s, interrupt) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


def _progress(total: int, label: str) -> Any:
    if total >= 50 and sys.stderr.isatty():
        return typer.progressbar(length=total, label=label, file=sys.stderr)
    return None


def register(app: typer.Typer) -> typer.Typer:
    """Add the vault commands to ``app``; returns the ``did`` group (for ``did web``)."""
    did_app = typer.Typer(
        help="Keys and DIDs kept inside your vault.", no_args_is_help=True, rich_markup_mode=None
    )
    passphrase_app = typer.Typer(
        help="Manage the vault passphrase.", no_args_is_help=True, rich_markup_mode=None
    )
    app.add_typer(did_app, name="did")
    app.add_typer(passphrase_app, name="passphrase")

    @app.command()
    def init(
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        kdf: Annotated[
            KdfProfile, typer.Option(help="Key-derivation strength (Argon2id).")
        ] = KdfProfile.moderate,
        json_output: JsonOpt = False,
    ) -> None:
        """Create a new encrypted vault (one file, readable by you only)."""
        from ..storage.crypto import KdfParams
        from ..wallet import Wallet

        path = vault_path(vault)
        passphrase = read_passphrase(passphrase_file, confirm=True, what="New vault passphrase")
        params = (
            KdfParams.new(4, 1024 * 1024 * 1024) if kdf is KdfProfile.sensitive else KdfParams.new()
        )
        Wallet.create(path, passphrase, kdf=params).close()
        say_either(json_output, {"vault": str(path)}, f"Created vault {path}")

    @app.command("import")
    def import_(
        files: Annotated[
            list[str],
            typer.Argument(
                help="Credential files: credentials, presentations or JSON arrays (- for stdin)."
            ),
        ],
        allow_unverified: Annotated[
            bool,
            typer.Option(
                "--allow-unverified",
                help="Store credentials that fail verification, marked unverified.",
            ),
        ] = False,
        status_dir: StatusDirOpt = None,
        did_web_dir: DidWebDirOpt = None,
        allow_network: AllowNetworkOpt = None,
        issuer_key: IssuerKeyOpt = None,
        recipient: Annotated[
            list[str] | None,
            typer.Option(
                "--recipient",
                help="One of your identities (e.g. your email address) that Open Badges 2.0 "
                "badges are awarded to: theirs then count in your profile (repeatable).",
                show_default=False,
            ),
        ] = None,
        context: ContextOpt = None,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Verify credentials and store them in the vault. Ones that fail are refused with
        the reasons (exit code 1), revoked ones too; expired ones are stored and marked, so
        are ones whose status could not be checked (give --status-dir: a credential with a
        valid status then counts as evidence of its skills). Open Badges 2.0 assertions are
        read too (JSON, JWS, baked PNG/SVG): signed ones are checked with --issuer-key;
        hosted ones are stored marked hosted-unverified, unless --allow-network HOST lets
        them be fetched from their host (then also a signed one's key)."""
        from ..skills.store import full_esco
        from ..wallet import ImportInterrupted

        status, resolver = verifier_inputs(status_dir, did_web_dir, allow_network)
        keys = issuer_keys(issuer_key)
        options: dict[str, Any] = {"issuer_keys": keys, "recipients": recipient or []}
        options["fetcher"] = badge_fetcher(allow_network)
        signals: list[int] = []
        try:
            with _interruptible(signals):
                inputs = ImportFiles(files)  # a bad file is named before any passphrase
                loader = context_loader(context)
                esco = full_esco()  # (only a full ESCO can tell an unknown skill)
                with opened(vault, passphrase_file, loader) as wallet:
                    bar = _progress(inputs.total, "Verifying and storing")
                    if bar is None:
                        report = wallet.import_credentials(
                            inputs.documents(),
                            allow_unverified=allow_unverified,
                            taxonomy=esco,
                            status=status,
                            resolver=resolver,
                            **options,
                        )
                    else:
                        with bar as progress:
                            report = wallet.import_credentials(
                                inputs.documents(),
                                allow_unverified=allow_unverified,
                                progress=progress.update,
                                taxonomy=esco,
                                status=status,
                                resolver=resolver,
                                **options,
                            )
        except KeyboardInterrupt as stop:
            stored = len(stop.report.stored) if isinstance(stop, ImportInterrupted) else 0
            say(
                f"interrupted: {stored} credential(s) stored before the interruption are "
                "kept; the rest were not imported",
                err=True,
            )
            raise typer.Exit(128 + (signals[0] if signals else signal.SIGINT)) from None
        _render_import(report, json_output)
        raise typer.Exit(EXIT_NOT_VERIFIED if report.refused else EXIT_OK)

    @app.command("list")
    def list_(
        type_: Annotated[
            str | None, typer.Option("--type", help="Only this credential type.")
        ] = None,
        issuer: Annotated[
            str | None, typer.Option(help="Only from this issuer (DID or URL).")
        ] = None,
        skill: Annotated[
            str | None, typer.Option(help="Only about this skill (ESCO URI or its id).")
        ] = None,
        text: Annotated[str | None, typer.Option(help="Only names containing this text.")] = None,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """List the credentials in your vault (optionally filtered)."""
        with opened(vault, passphrase_file) as wallet:
            items = wallet.scan(type=type_, issuer=issuer, skill=skill, text=text)
            if json_output:
                say_json_items(i.model_dump() for i in items)
            else:
                shown = 0
                for item in items:
                    flags = f" [{', '.join(item.flags)}]" if item.flags else ""
                    say(f"{item.id[:12]}  {item.name or '(no name)'}  from {item.issuer}{flags}")
                    shown += 1
                if not shown:
                    say("No credentials.")
        _exit_if_damaged(items.damaged)

    @app.command()
    def show(
        record_id: RecordIdArg,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Show one stored credential."""
        with opened(vault, passphrase_file) as wallet:
            summary, credential = wallet.get(wallet.resolve_id(record_id))
            damaged = wallet.damaged_summaries()
        if json_output:
            say_json({"summary": summary.model_dump(), "credential": credential})
            _exit_if_damaged(damaged)
            return
        say(f"id:       {summary.id}")
        say(f"name:     {summary.name or '(no name)'}")
        say(f"issuer:   {summary.issuer or '-'}")
        say(f"subject:  {summary.subject or '-'}")
        say(f"valid:    {summary.valid_from or '-'} .. {summary.valid_until or '-'}")
        say(f"skills:   {', '.join(summary.skills) or '-'}")
        say(f"flags:    {', '.join(summary.flags) or 'none'}")
        if summary.format is not None:  # a JWT credential: what it says is shown below
            say(f"format:   {summary.format} (kept as it was signed; 'export' writes it)")
        say_json(credential)
        _exit_if_damaged(damaged)

    @app.command()
    def delete(
        record_id: RecordIdArg,
        yes: Annotated[bool, typer.Option("--yes", "-y", help="Delete without asking.")] = False,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Delete a credential from the vault for good. In a terminal it asks first
        (--yes does not); without a terminal, --yes is needed."""
        if not yes and not is_interactive():
            fail("deleting needs --yes when no one can be asked (no terminal)", EXIT_USAGE)
        with opened(vault, passphrase_file) as wallet:
            full = wallet.resolve_id(record_id)
            if not yes and not confirm(f"Delete {full} ({_name_of(wallet, full)}) for good?"):
                fail("nothing deleted", EXIT_USAGE)
            wallet.delete(full)
        say_either(json_output, {"deleted": full}, f"Deleted {full}")

    @app.command()
    def backup(
        out: Annotated[
            Path, typer.Option("--out", "-o", help="Backup file to create (stays encrypted).")
        ],
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Write an encrypted backup of the whole vault (keys included)."""
        with opened(vault, passphrase_file) as wallet:
            wallet.backup(out)
            damaged = wallet.damaged_records()
        say_either(json_output, {"backup": str(out)}, f"Backup written to {out}")
        _exit_if_damaged(damaged, "(copied into the backup as they are)")

    @app.command()
    def restore(
        backup_file: Annotated[
            Path, typer.Argument(metavar="FILE", help="A backup made by 'skillswallet backup'.")
        ],
        force: Annotated[bool, typer.Option("--force", help="Replace an existing vault.")] = False,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Restore a backup as your vault (it is checked with the passphrase first)."""
        from ..wallet import Wallet

        path = vault_path(vault)
        try:
            report = Wallet.restore(
                backup_file, path, read_passphrase(passphrase_file), overwrite=force
            )
        except VaultExistsError:
            fail(f"a vault already exists at {path}; add --force to replace it with the backup")
        say_either(json_output, {"vault": str(path)}, f"Restored {path}")
        if report.replaced_another_vault:
            say(
                f"warning: the backup is of another vault (id {report.vault_id}) than the one "
                f"it replaced (id {report.replaced_vault_id})",
                err=True,
            )
        _exit_if_damaged(report.damaged, "(restored as they are)")

    @app.command()
    def export(
        out: Annotated[Path, typer.Option("--out", "-o", help="Directory for the JSON files.")],
        plaintext: Annotated[
            bool, typer.Option("--plaintext", help="Required: confirms you want UNENCRYPTED files.")
        ] = False,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Export every credential as standard JSON files: your data, UNENCRYPTED."""
        if not plaintext:
            fail("export writes unencrypted files; add --plaintext to confirm", EXIT_USAGE)
        with opened(vault, passphrase_file) as wallet:
            written = wallet.export_plaintext(out)
        say(f"warning: {len(written)} credential(s) written UNENCRYPTED to {out}", err=True)
        if json_output:
            say_json({"files": [str(p) for p in written]})
        _exit_if_damaged(written.damaged, "(not exported)")

    @did_app.command("create")
    def did_create(
        key_type: Annotated[
            str, typer.Option("--type", "-t", help="ed25519, p256 or p384.")
        ] = "ed25519",
        label: LabelOpt = None,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Create a key inside the vault and print its did:key DID."""
        if key_type not in ("ed25519", "p256", "p384"):
            fail("--type must be ed25519, p256 or p384", EXIT_USAGE)
        with opened(vault, passphrase_file) as wallet:
            did = wallet.create_did(key_type, label=label)
        say_either(json_output, {"did": did}, did)

    @did_app.command("import")
    def did_import(
        key_file: Annotated[
            Path, typer.Argument(metavar="KEYFILE", help="A key file from 'key generate'.")
        ],
        label: LabelOpt = None,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Move a key file's key into the vault (then delete the file yourself)."""
        with opened(vault, passphrase_file) as wallet:
            did = wallet.import_key_file(key_file, label=label)
        say_either(json_output, {"did": did}, did)

    @did_app.command("list")
    def did_list(
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """List the DIDs whose keys are in the vault (never the keys themselves)."""
        with opened(vault, passphrase_file) as wallet:
            keys = wallet.dids()
        if json_output:
            say_json([k.model_dump() for k in keys])
            return
        if not keys:
            say("No keys.")
        for key in keys:
            say(f"{key.did}  {key.type}  {key.label or ''}".rstrip())

    @app.command()
    def unlock(
        idle: Annotated[
            str,
            typer.Option(
                "--for",
                help="How long the vault stays unlocked after its last use: 90s, 15m, 2h "
                "(at most 12h).",
            ),
        ] = "15m",
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
    ) -> None:
        """Unlock your vault once for the commands that follow: a small background process
        of yours keeps its key in memory (never on disk) and hands it only to your own
        processes, so they skip the passphrase and its 0.7 s. It locks after the idle time
        given, or at 'skillswallet lock'."""
        from .. import agent

        try:
            seconds = agent.parse_duration(idle)
        except ValueError as exc:
            fail(f"--for: {exc}", EXIT_USAGE)
        with opened(vault, passphrase_file, agent=False) as wallet:
            vault_id, key = wallet.vault_key()
            path = wallet.path
        pid = agent.start(path, vault_id, key, seconds)
        say(
            f"Unlocked {path} until it is unused for {idle.strip()} (agent process {pid}); "
            "'skillswallet lock' locks it now."
        )

    @app.command()
    def lock(vault: VaultOpt = None) -> None:
        """Lock your vault now: ends the process 'skillswallet unlock' left with its key."""
        from .. import agent

        path = vault_path(vault)
        if agent.lock(path):
            say(f"Locked {path}.")
        else:
            say(f"{path} was not unlocked.")

    @passphrase_app.command("change")
    def passphrase_change(
        new_passphrase_file: Annotated[
            Path | None,
            typer.Option(
                "--new-passphrase-file",
                help="Read the new passphrase from this file "
                "(else $SKILLSWALLET_NEW_PASSPHRASE, else a prompt).",
            ),
        ] = None,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
    ) -> None:
        """Change the vault passphrase (one atomic step: afterwards only the new one works).
        It asks for the current passphrase even while the vault is unlocked."""
        with opened(vault, passphrase_file, agent=False) as wallet:
            new = read_passphrase(
                new_passphrase_file,
                confirm=True,
                env="SKILLSWALLET_NEW_PASSPHRASE",
                what="New passphrase",
            )
            wallet.change_passphrase(new)
        say("Passphrase changed.")

    return did_app


_LIST_EVERY_OUTCOME_UP_TO = 50
_LIST_AT_MOST = 200


def _name_of(wallet: Wallet, record_id: str) -> str:
    summary, _ = wallet.get(record_id)
    return summary.name or "no name"


def _exit_if_damaged(damaged: list[str], remark: str = "") -> None:
    """After the output: name damaged records on stderr and exit 3, never silently."""
    if damaged:
        say(
            f"warning: {len(damaged)} damaged record(s) cannot be read {remark}: "
            f"{', '.join(damaged)}".replace("  ", " "),
            err=True,
        )
        raise typer.Exit(EXIT_ERROR)


def _render_import(report: ImportReport, json_output: bool) -> None:
    if json_output:
        say_json(
            [
                {
                    "status": o.status,
                    "id": o.record_id,
                    "credentialId": o.credential_id,
                    "flags": o.flags,
                    "reasons": o.reasons,
                    "warnings": o.warnings,
                }
                for o in report.outcomes
            ]
        )
        return
    # A large import lists only what needs a look (refused, or stored with a flag), and
    # at most so many of those: a file of a million bad items is a summary, not a flood.
    quiet = len(report.outcomes) > _LIST_EVERY_OUTCOME_UP_TO
    unlisted = shown = 0
    for o in report.outcomes:
        label = o.credential_id or "(credential without id)"
        remarkable = o.status == "refused" or o.flags or o.warnings
        if (quiet and not remarkable) or shown >= _LIST_AT_MOST:
            unlisted += 1
            continue
        shown += 1
        if o.status == "stored":
            flags = f" [{', '.join(o.flags)}]" if o.flags else ""
            say(f"stored     {o.record_id[:12] if o.record_id else ''}  {label}{flags}")
            for warning in o.warnings:
                say(f"warning: {warning}", err=True)
        elif o.status == "duplicate":
            say(f"duplicate  {label} is already in the vault")
        else:
            say(f"refused    {label}")
            for reason in o.reasons:
                say(f"             {reason}")
    if unlisted and shown >= _LIST_AT_MOST:
        say(f"({unlisted} more not listed; --json lists all)")
    elif unlisted:
        say(f"({unlisted} stored or duplicate without remarks not listed; --json lists all)")
    say(
        f"{len(report.stored)} stored, {len(report.duplicates)} duplicate, "
        f"{len(report.refused)} refused"
    )
