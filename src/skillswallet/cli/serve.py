"""``skillswallet serve``: the VC API service (the ``[server]`` extra). The server
modules are imported inside the command, so ``skillswallet --help`` and every other
command run without the ASGI stack installed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from .common import EXIT_USAGE, AllowNetworkOpt, DidWebDirOpt, StatusDirOpt, fail, say
from .vault import PassFileOpt, VaultOpt, read_passphrase, vault_path


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        host: Annotated[
            str,
            typer.Option(help="Address to listen on (loopback by default; put TLS in front)."),
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
        workers: Annotated[
            int, typer.Option(help="Worker processes (one per core; each opens the vault).")
        ] = 1,
        as_did: Annotated[
            str | None,
            typer.Option(
                "--as",
                help="Issue as this DID of your vault (default: its only DID).",
                show_default=False,
            ),
        ] = None,
        status_base_url: Annotated[
            str | None,
            typer.Option(
                "--status-base-url",
                metavar="URL",
                help="Give every credential a revocation entry in a status list published "
                "under this URL (URL/1, URL/2...); the service serves each list at the path "
                "of its URL.",
                show_default=False,
            ),
        ] = None,
        suspension: Annotated[
            bool,
            typer.Option("--suspension", help="Also a suspension entry (with --status-base-url)."),
        ] = False,
        registry: Annotated[
            str | None,
            typer.Option(
                "--registry",
                metavar="postgresql://...|PATH",
                help="Where issuer state lives: a PostgreSQL database shared by several "
                "serve processes, or a SQLite file. Default: status-lists.sqlite beside "
                "the vault.",
                show_default=False,
            ),
        ] = None,
        token_file: Annotated[
            Path | None,
            typer.Option(
                "--token-file",
                help="The API token for issuing and status changes (else "
                "$SKILLSWALLET_API_TOKEN; with neither, the service only verifies).",
                show_default=False,
            ),
        ] = None,
        trust: Annotated[
            list[Path] | None,
            typer.Option(
                "--trust",
                help="A trusted-issuer list ('skillswallet trust init'): every credential "
                "the service verifies (API and page) gets a trust check (repeatable).",
                show_default=False,
            ),
        ] = None,
        status_dir: StatusDirOpt = None,
        did_web_dir: DidWebDirOpt = None,
        allow_network: AllowNetworkOpt = None,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
    ) -> None:
        """Run the W3C VC API service: issue, verify credentials and presentations,
        derive, revoke or suspend, and serve your status lists (JSON over HTTP).
        Verifying reads this service's own status lists; other issuers' lists with
        --status-dir or --allow-network HOST, and did:web issuers with --did-web-dir or
        --allow-network, as 'skillswallet verify' does (what is fetched is kept 5 minutes)."""
        try:
            from ..server import ServerConfig
            from ..server import serve as run
            from ..server.run import check
        except ImportError:
            fail("the service needs the server extra: pip install 'skillswallet[server]'")
        if workers < 1 or not 0 < port < 65536:
            fail("--workers must be at least 1 and --port 1-65535", EXIT_USAGE)
        if suspension and not status_base_url:
            fail("--suspension goes with --status-base-url", EXIT_USAGE)
        config = ServerConfig(
            vault=vault_path(vault),
            issuer=as_did,
            passphrase_file=passphrase_file,
            token_file=token_file,
            status_base_url=status_base_url,
            suspension=suspension,
            registry=registry,
            status_dir=status_dir.resolve() if status_dir else None,
            did_web_dir=did_web_dir.resolve() if did_web_dir else None,
            allow_network=tuple(allow_network or ()),
            trust=tuple(path.resolve() for path in trust or ()),
        )
        needs_passphrase = passphrase_file is None and config.token() is not None
        if needs_passphrase and "SKILLSWALLET_PASSPHRASE" not in os.environ:
            # A prompt: the workers read it from the environment they inherit.
            os.environ["SKILLSWALLET_PASSPHRASE"] = read_passphrase(None)
        issuing = check(config, host=host, port=port)
        say(
            f"skillswallet VC API on http://{host}:{port} ({workers} worker"
            f"{'s' if workers > 1 else ''}); "
            + ("issuing enabled" if issuing else "verify only: no API token configured"),
            err=True,
        )
        run(config, host=host, port=port, workers=workers)
