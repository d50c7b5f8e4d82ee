"""``skillswallet status ...`` (an issuer's status lists: revoke, suspend, publish) and
``skillswallet did web ...`` (an institution's did:web identity)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import jsonio, safefile
from ..status.bitstring import MIN_ENTRIES
from .common import EXIT_USAGE, fail, load_input, say, say_either, say_json
from .vault import JsonOpt, PassFileOpt, VaultOpt, opened, vault_path

if TYPE_CHECKING:
    from ..did.keys import Signer
    from ..status.issuer import StatusIssuer
    from ..status.registry import Allocation

REGISTRY_FILE = "status-lists.sqlite"

RegistryOpt = Annotated[
    Path | None,
    typer.Option(
        "--registry",
        help=f"The issuer's status registry (SQLite). Default: {REGISTRY_FILE} beside the "
        "vault (or beside --key).",
        show_default=False,
    ),
]


def registry_path(option: Path | None, vault: Path | None, key: Path | None = None) -> Path:
    """The registry file: the option, else beside the key file, else beside the vault."""
    if option is not None:
        return option
    if key is not None:
        return key.parent / REGISTRY_FILE
    return vault_path(vault).parent / REGISTRY_FILE


def _group(parent: typer.Typer, name: str, text: str) -> typer.Typer:
    group = typer.Typer(help=text, no_args_is_help=True, rich_markup_mode=None)
    parent.add_typer(group, name=name)
    return group


class Purpose(StrEnum):
    revocation = "revocation"
    suspension = "suspension"


@contextmanager
def open_status_issuer(path: Path) -> Iterator[StatusIssuer]:
    from ..status.issuer import StatusIssuer
    from ..status.registry import SqliteStatusRegistry

    registry = SqliteStatusRegistry(path)
    try:
        yield StatusIssuer(registry)
    finally:
        registry.close()


def _say_changes(changed: list[Allocation], verb: str, json_output: bool) -> None:
    say_either(
        json_output,
        [
            {"credential": a.credential_id, "list": a.list_url, "index": a.index, "value": a.value}
            for a in changed
        ],
        *(f"{verb} {a.credential_id} (list {a.list_url}, index {a.index})" for a in changed),
        "Publish the lists again ('skillswallet status publish') for verifiers to see it.",
    )


def register(app: typer.Typer, did_app: typer.Typer) -> None:
    """Add ``status ...`` to ``app`` and ``web ...`` to its ``did`` group."""
    register_did_web(did_app)
    status_app = _group(
        app,
        "status",
        "Issuers: status lists (Bitstring Status List 1.0) to revoke or suspend "
        "credentials you issued, and publish the signed lists.",
    )

    @status_app.command("init")
    def status_init(
        url: Annotated[
            str,
            typer.Option(
                "--url", help="Where the list will be published (https://...); also its id."
            ),
        ],
        issuer: Annotated[
            str, typer.Option("--issuer", help="The DID that issues your credentials.")
        ],
        purpose: Annotated[
            Purpose, typer.Option(help="What a set entry means.")
        ] = Purpose.revocation,
        length: Annotated[
            int, typer.Option(help="Entries (at least 131,072, for herd privacy).")
        ] = MIN_ENTRIES,
        registry: RegistryOpt = None,
        vault: VaultOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Create an empty status list in your registry. Then issue with --status-list URL
        and publish the list with 'skillswallet status publish'."""
        path = registry_path(registry, vault)
        with open_status_issuer(path) as issuer_:
            info = issuer_.create_list(url, purpose.value, issuer, length)
        say_either(
            json_output,
            {
                "url": info.url,
                "purpose": info.purpose,
                "length": info.length,
                "registry": str(path),
            },
            f"Created the {info.purpose} list {info.url} ({info.length:,} entries) in {path}",
        )

    @status_app.command("lists")
    def status_lists(
        registry: RegistryOpt = None, vault: VaultOpt = None, json_output: JsonOpt = False
    ) -> None:
        """Show the status lists of your registry and how many entries each has given."""
        with open_status_issuer(registry_path(registry, vault)) as issuer_:
            infos = issuer_.registry.lists()
        if json_output:
            say_json([info.__dict__ for info in infos])
            return
        say(
            *(
                f"{i.url}  {i.purpose}  {i.used:,} of {i.length:,} entries given  by {i.issuer}"
                for i in infos
            )
        )
        if not infos:
            say("No status lists; create one with 'skillswallet status init'.")

    def _credential_id(given: str) -> str:
        """The id given, or the id of the credential file given (as 'issue' wrote it)."""
        if not Path(given).is_file():
            if ":" not in given:  # an id is a URL (urn:uuid:..., https://...)
                fail(f"{given} is neither a file nor a credential id (urn:uuid:...)", EXIT_USAGE)
            return given
        credential = load_input(given, what="credential")
        found = credential.get("id") if isinstance(credential, dict) else None
        if not isinstance(found, str):
            fail(f"{given} is not a credential with an id", EXIT_USAGE)
        return found

    def _changer(verb: str, doc: str) -> Any:
        def command(
            credential: Annotated[
                str,
                typer.Argument(
                    metavar="CREDENTIAL",
                    help="The credential's id (urn:uuid:...), or its file (the id is read "
                    "from it).",
                ),
            ],
            registry: RegistryOpt = None,
            vault: VaultOpt = None,
            json_output: JsonOpt = False,
        ) -> None:
            credential_id = _credential_id(credential)
            with open_status_issuer(registry_path(registry, vault)) as issuer_:
                changed = getattr(issuer_, verb)(credential_id)
            _say_changes(changed, f"{verb}d" if verb.endswith("e") else f"{verb}ed", json_output)

        command.__doc__ = doc
        return command

    status_app.command("revoke")(
        _changer("revoke", "Revoke a credential you issued, for good (by its id or file).")
    )
    status_app.command("suspend")(
        _changer("suspend", "Suspend a credential you issued (undo with 'unsuspend').")
    )
    status_app.command("unsuspend")(_changer("unsuspend", "Lift a credential's suspension."))

    @status_app.command("publish")
    def status_publish(
        out: Annotated[
            Path, typer.Option("--out", "-o", help="Folder to write the signed lists to.")
        ],
        as_did: Annotated[
            str | None, typer.Option("--as", help="Sign with this DID's key from your vault.")
        ] = None,
        key: Annotated[
            Path | None, typer.Option("--key", "-k", help="Or sign with this key file.")
        ] = None,
        valid_days: Annotated[
            int | None,
            typer.Option(
                "--valid-days",
                help="The lists expire after this many days (verifiers then refuse stale "
                "copies); publish again before. Default: no expiry.",
                show_default=False,
            ),
        ] = None,
        registry: RegistryOpt = None,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Sign every status list of the issuer as it stands now and write it to --out.
        Serve each file at its list's URL (or hand the folder to verifiers)."""
        if (key is None) == (as_did is None):
            fail("give exactly one of --as DID or --key KEYFILE", EXIT_USAGE)
        valid_for = timedelta(days=valid_days) if valid_days else None
        path = registry_path(registry, vault, key)
        now = datetime.now(UTC)
        with (
            open_status_issuer(path) as issuer_,
            _signer(as_did, key, vault, passphrase_file) as signer,
        ):
            written = issuer_.publish(out, signer, now=now, valid_for=valid_for)
        say_either(
            json_output,
            {"files": [str(p) for p in written]},
            *(f"wrote {p}" for p in written),
        )


@contextmanager
def _signer(
    as_did: str | None, key: Path | None, vault: Path | None, passphrase_file: Path | None
) -> Iterator[Signer]:
    from ..did.keyfile import read_key_file

    if key is not None:
        yield read_key_file(key)
        return
    assert as_did is not None
    with opened(vault, passphrase_file) as wallet:
        yield wallet.signer(as_did)


def register_did_web(did_app: typer.Typer) -> None:
    web_app = _group(
        did_app, "web", "did:web identities for institutions: a DID your web site publishes."
    )

    @web_app.command("create")
    def did_web_create(
        domain: Annotated[
            str, typer.Option("--domain", help="Your web site's host (example.edu[:port]).")
        ],
        out: Annotated[
            Path,
            typer.Option("--out", "-o", help="Folder mirroring the site; did.json goes inside."),
        ],
        path: Annotated[
            str | None,
            typer.Option("--path", help="A path on the site (dept/x), for several DIDs on one."),
        ] = None,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Create a did:web identity with a new key in your vault, and write its DID
        document (did.json) to publish on your site."""
        with opened(vault, passphrase_file) as wallet:
            did = wallet.create_did_web(domain, path)
            document = wallet.did_web_document(did)
        _write_did_document(did, document, out, json_output)

    @web_app.command("add-key")
    def did_web_add_key(
        did: Annotated[str, typer.Argument(help="A did:web identity of your vault.")],
        out: Annotated[
            Path,
            typer.Option("--out", "-o", help="Folder mirroring the site; did.json goes inside."),
        ],
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Key rotation: add a new key, which signs from now on. The earlier keys stay in
        the document, so credentials they signed still verify. Publish did.json again."""
        with opened(vault, passphrase_file) as wallet:
            wallet.add_did_web_key(did)
            document = wallet.did_web_document(did)
        _write_did_document(did, document, out, json_output)


def _write_did_document(did: str, document: dict[str, Any], out: Path, json_output: bool) -> None:
    from ..did.web import did_web_file, did_web_url

    target = did_web_file(out, did)
    target.parent.mkdir(parents=True, exist_ok=True)
    safefile.replace(target, (jsonio.dumps(document) + "\n").encode("utf-8"), mode=0o644)
    keys = [m["id"] for m in document["verificationMethod"]]
    say_either(
        json_output,
        {"did": did, "file": str(target), "publishAt": did_web_url(did), "keys": keys},
        did,
        f"wrote {target}",
        f"publish it at {did_web_url(did)}",
    )
