"""The ``skillswallet`` command. Thin: parse, one library call, render.

Exit codes: 0 ok / verified, 1 not verified, 2 usage error, 3 error.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from . import jsonio
from .credentials.issue import issue_credential
from .credentials.model import is_presentation
from .did.keyfile import read_key_file, write_key_file
from .did.keys import KeyPair
from .errors import SkillsWalletError
from .result import Status, VerificationResult
from .tour import run_tour
from .verify import verify as verify_document

EXIT_OK, EXIT_NOT_VERIFIED, EXIT_USAGE, EXIT_ERROR = 0, 1, 2, 3

app = typer.Typer(
    name="skillswallet",
    help="Issue, hold and verify W3C Verifiable Credentials for skills, diplomas and badges.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
key_app = typer.Typer(
    help="Make and manage signing keys (did:key).", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(key_app, name="key")


class KeyTypeChoice(StrEnum):
    ed25519 = "ed25519"
    p256 = "p256"
    p384 = "p384"


class SuiteChoice(StrEnum):
    eddsa_rdfc_2022 = "eddsa-rdfc-2022"
    eddsa_jcs_2022 = "eddsa-jcs-2022"
    ecdsa_rdfc_2019 = "ecdsa-rdfc-2019"
    ecdsa_jcs_2019 = "ecdsa-jcs-2019"


def _fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _read_input(path: str) -> bytes:
    if path == "-":
        return sys.stdin.buffer.read(jsonio.MAX_BYTES + 1)
    try:
        with open(path, "rb") as fh:
            return fh.read(jsonio.MAX_BYTES + 1)
    except OSError as exc:
        _fail(f"cannot read {path}: {exc.strerror}")


def _write_output(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text)
        return
    try:
        out.write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        _fail(f"cannot write {out}: {exc.strerror}")


_SYMBOLS = {
    Status.PASSED: "✓",
    Status.FAILED: "✗",
    Status.INCONCLUSIVE: "?",
    Status.SKIPPED: "-",
}


def render_report(result: VerificationResult) -> str:
    lines = ["VERIFIED" if result.verified else "NOT VERIFIED"]
    target = None
    for check in result.checks:
        if check.target != target:
            target = check.target
            lines.append(f"  {target}:")
        label = check.id.value.replace("_", " ")
        lines.append(f"    {_SYMBOLS[check.status]} {label:<16} {check.reason}")
    return "\n".join(lines)


@app.command()
def tour(
    json_output: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Take a short tour: make a key, issue an Open Badges 3.0 skill credential, verify it,
    and see a tampered copy fail. Nothing is written to disk."""
    report = run_tour()
    if json_output:
        typer.echo(
            jsonio.dumps(
                {
                    "issuer": report.issuer_did,
                    "holder": report.holder_did,
                    "credential": report.credential,
                    "verification": report.verification.to_json(),
                    "tamperedVerification": report.tampered_verification.to_json(),
                }
            )
        )
    else:
        typer.echo("1. Made an Ed25519 issuer key:")
        typer.echo(f"   {report.issuer_did}")
        typer.echo(
            "2. Issued an Open Badges 3.0 credential for the ESCO skill "
            "'give advice to others' (eddsa-rdfc-2022):"
        )
        typer.echo(jsonio.dumps(report.credential))
        typer.echo("3. Verified it:")
        typer.echo(render_report(report.verification))
        typer.echo("4. Changed one word of the signed credential and verified again:")
        typer.echo(render_report(report.tampered_verification))
    ok = report.verification.verified and not report.tampered_verification.verified
    raise typer.Exit(EXIT_OK if ok else EXIT_ERROR)


@key_app.command("generate")
def key_generate(
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Where to write the key file (created 0600).")
    ],
    key_type: Annotated[
        KeyTypeChoice, typer.Option("--type", "-t", help="Key type.")
    ] = KeyTypeChoice.ed25519,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    json_output: Annotated[bool, typer.Option("--json", help="Print the DID as JSON.")] = False,
) -> None:
    """Generate a signing key and its did:key DID, saved in a key file. Prints the DID.
    The file holds the private key: keep it safe."""
    key_pair = KeyPair.generate(key_type.value)
    write_key_file(out, key_pair, overwrite=force)
    from .did.key import did_from_public_key

    did = did_from_public_key(key_pair.public)
    typer.echo(jsonio.dumps({"did": did, "keyFile": str(out)}) if json_output else did)


@app.command()
def issue(
    unsigned: Annotated[
        str, typer.Argument(help="The unsigned credential (JSON file, or - for stdin).")
    ],
    key: Annotated[
        Path, typer.Option("--key", "-k", help="Key file made by 'skillswallet key generate'.")
    ],
    suite: Annotated[
        SuiteChoice, typer.Option("--suite", "-s", help="Data Integrity cryptosuite.")
    ] = SuiteChoice.eddsa_rdfc_2022,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the signed credential here.")
    ] = None,
) -> None:
    """Sign a credential with a key file. Sets 'issuer' to the key's DID when absent and
    prints the signed credential (or writes it with --out)."""
    signer = read_key_file(key)
    document = jsonio.loads_object(_read_input(unsigned), what="credential")
    signed = issue_credential(document, signer, cryptosuite=suite.value)
    _write_output(jsonio.dumps(signed), out)


@app.command()
def verify(
    file: Annotated[
        str, typer.Argument(help="Credential or presentation (JSON file, or - for stdin).")
    ],
    json_output: Annotated[
        bool, typer.Option("--json", help="Print {verified, checks} as JSON.")
    ] = False,
    challenge: Annotated[
        str | None,
        typer.Option(help="The challenge you gave the holder (needed for presentations)."),
    ] = None,
    domain: Annotated[
        str | None, typer.Option(help="Your domain, if the presentation must be bound to it.")
    ] = None,
) -> None:
    """Verify a credential or presentation offline and print a per-check report.
    Exit code 0 verified, 1 not verified."""
    document = jsonio.loads(_read_input(file))
    if isinstance(document, dict) and is_presentation(document) and challenge is None:
        _fail(
            "verifying a presentation needs --challenge (the one you gave the holder)", EXIT_USAGE
        )
    result = verify_document(document, challenge=challenge, domain=domain)
    if json_output:
        typer.echo(jsonio.dumps(_public_json(result)))
    else:
        typer.echo(render_report(result))
    raise typer.Exit(EXIT_OK if result.verified else EXIT_NOT_VERIFIED)


def _public_json(result: VerificationResult) -> dict[str, Any]:
    return result.to_json()


def main() -> None:
    """Console entry point: typed errors become a message and exit code 3, never a traceback."""
    try:
        # Without standalone mode click returns the exit code of typer.Exit instead of exiting.
        code = app(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else EXIT_OK)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except SkillsWalletError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # usage errors from the parser, and anything unexpected
        show = getattr(exc, "show", None)
        exit_code = getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            # click-style exceptions (typer vendors click in new releases, imports it in old)
            show()
            sys.exit(EXIT_USAGE if exit_code == EXIT_USAGE else EXIT_ERROR)
        if type(exc).__name__ == "Abort":
            sys.exit(EXIT_ERROR)
        typer.echo(f"error: unexpected {type(exc).__name__}; please report this", err=True)
        sys.exit(EXIT_ERROR)
