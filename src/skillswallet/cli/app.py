"""The ``skillswallet`` command. Thin: parse, one library call, render.

Exit codes: 0 ok / verified, 1 not verified, 2 usage error, 3 error.
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import jsonio, safefile
from ..errors import SelectableMandatoryWarning, SkillsWalletError
from ..result import Status
from .common import (
    EXIT_ERROR,
    EXIT_NOT_VERIFIED,
    EXIT_OK,
    EXIT_USAGE,
    RUN,
    AllowNetworkOpt,
    ContextOpt,
    DidWebDirOpt,
    IssuerKeyOpt,
    StatusDirOpt,
    badge_fetcher,
    context_loader,
    fail,
    issuer_keys,
    load_input,
    parse_import,
    pinned_jwk,
    read_input,
    say,
    say_either,
    say_json,
    say_traceback,
    verifier_inputs,
    verify_any,
    warnings_shown,
)
from .jwt import register as register_jwt_commands
from .present import register as register_present_commands
from .profile import register as register_profile_commands
from .report import register as register_report_commands
from .root import RootGroup, build_root
from .serve import register as register_serve_command
from .skills import register as register_skills_commands
from .status import RegistryOpt, open_status_issuer, registry_path
from .status import register as register_status_commands
from .taxonomy import register as register_taxonomy_commands
from .trust import register as register_trust_commands
from .vault import PassFileOpt, VaultOpt, opened
from .vault import register as register_vault_commands

if TYPE_CHECKING:
    from ..did.multikey import KeyType
    from ..result import VerificationResult
    from ..trust.lists import TrustList

app = typer.Typer(
    cls=RootGroup,  # sections in --help; 'issue batch ...' (many credentials) beside 'issue FILE'
    name="skillswallet",
    help="Issue, hold and verify W3C Verifiable Credentials for skills, diplomas and badges. "
    "Start with 'skillswallet tour'; every command has --help with an example.",
    epilog="Example: skillswallet verify diploma.json (and 'skillswallet COMMAND --help').",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
key_app = typer.Typer(
    help="Make and manage signing keys (did:key).", no_args_is_help=True, rich_markup_mode=None
)
app.add_typer(key_app, name="key")


def _show_version(value: bool) -> None:
    if value:
        from .. import __version__

        say(f"skillswallet {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print the version and exit.",
            callback=_show_version,
            is_eager=True,
        ),
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug",
            help="On an unexpected error, show the traceback (for a bug report) as well as "
            "the one-sentence message.",
        ),
    ] = False,
) -> None:
    """The options before the command (the app's help is the Typer's)."""
    RUN.debug = debug


register_status_commands(app, register_vault_commands(app))
register_taxonomy_commands(app)
register_trust_commands(app)
register_skills_commands(app)
register_profile_commands(app)
register_present_commands(app)
register_jwt_commands(app)
register_report_commands(app)
register_serve_command(app)


class KeyTypeChoice(StrEnum):
    ed25519 = "ed25519"
    p256 = "p256"
    p384 = "p384"


class SuiteChoice(StrEnum):
    eddsa_rdfc_2022 = "eddsa-rdfc-2022"
    eddsa_jcs_2022 = "eddsa-jcs-2022"
    ecdsa_rdfc_2019 = "ecdsa-rdfc-2019"
    ecdsa_jcs_2019 = "ecdsa-jcs-2019"
    ecdsa_sd_2023 = "ecdsa-sd-2023"
    ed25519_signature_2020 = "Ed25519Signature2020"


def _write_output(value: Any, out: Path | None) -> None:
    if out is None:
        say_json(value)
        return
    # atomically, replacing (never following) a symlink at that path
    safefile.replace(out, (jsonio.dumps(value) + "\n").encode("utf-8"), mode=0o644)


def _issued_line(signed: list[dict[str, Any]], one: bool, out: Path) -> str:
    """What ``issue --out`` wrote: how many, signed by whom, with which suite."""
    from ..credentials.model import as_list, issuer_id

    issuers = sorted({issuer_id(c) or "(no issuer)" for c in signed})
    suites = sorted(
        {
            str(p.get("cryptosuite") or p.get("type"))
            for c in signed
            for p in as_list(c.get("proof"))
            if isinstance(p, dict)
        }
    )
    what = "the signed credential" if one else f"{len(signed)} signed credentials (a JSON array)"
    return f"Wrote {what} to {out}: issuer {', '.join(issuers)}, {', '.join(suites)}"


_SYMBOLS = {
    Status.PASSED: "✓",
    Status.FAILED: "✗",
    Status.INCONCLUSIVE: "?",
    Status.SKIPPED: "-",
}


def render_report(result: VerificationResult, document: Any = None) -> list[str]:
    """The report's lines: the verdict alone on the first, then what the document claims
    (when given), then one line a check."""
    from ..render.report import claimed_lines

    lines = ["VERIFIED" if result.verified else "NOT VERIFIED"]
    claimed = claimed_lines(document)
    if claimed:
        lines += ["What it claims:", *claimed, "Checks:"]
    target = None
    for check in result.checks:
        if check.target != target:
            target = check.target
            lines.append(f"  {target}:")
        label = check.id.value.replace("_", " ")
        lines.append(f"    {_SYMBOLS[check.status]} {label:<16} {check.reason}")
    return lines


@app.command()
def tour(
    json_output: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Take a short tour: make a key, issue an Open Badges 3.0 skill credential, verify it,
    and see a tampered copy fail. Nothing is written to disk."""
    from ..tour import run_tour

    report = run_tour()
    if json_output:
        say_json(
            {
                "issuer": report.issuer_did,
                "holder": report.holder_did,
                "credential": report.credential,
                "verification": report.verification.to_json(),
                "tamperedVerification": report.tampered_verification.to_json(),
                "vaultImport": report.vault_import,
                "vaultListing": [c.model_dump() for c in report.vault_listing],
            }
        )
    else:
        say("1. Made an Ed25519 issuer key:", f"   {report.issuer_did}")
        say(
            "2. Issued an Open Badges 3.0 credential for the ESCO skill "
            "'give advice to others' (eddsa-rdfc-2022):"
        )
        say_json(report.credential)
        say("3. Verified it:", *render_report(report.verification))
        say(
            "4. Changed one word of the signed credential and verified again:",
            *render_report(report.tampered_verification),
        )
        say(
            "5. Imported both into a new encrypted vault (Argon2id + XChaCha20-Poly1305, "
            "a temporary file): " + ", ".join(report.vault_import)
        )
        for item in report.vault_listing:
            say(f"   in the vault: {item.name} from {item.issuer}, skills {item.skills}")
        say("Next: 'skillswallet init' makes your own vault; see --help.")
    ok = (
        report.verification.verified
        and not report.tampered_verification.verified
        and report.vault_import == ["stored", "refused"]
    )
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
    from ..did.key import did_from_public_key
    from ..did.keyfile import write_key_file
    from ..did.keys import KeyPair

    key_pair = KeyPair.generate(key_type.value)
    write_key_file(out, key_pair, overwrite=force)
    did = did_from_public_key(key_pair.public)
    say_either(json_output, {"did": did, "keyFile": str(out)}, did)


@app.command()
def issue(
    unsigned: Annotated[
        list[str],
        typer.Argument(
            help="Unsigned credentials: JSON files (- for stdin), each one credential or a "
            "JSON array of them.",
            show_default=False,
        ),
    ],
    key: Annotated[
        Path | None,
        typer.Option("--key", "-k", help="Key file made by 'skillswallet key generate'."),
    ] = None,
    as_did: Annotated[
        str | None, typer.Option("--as", help="Sign with this DID's key from your vault.")
    ] = None,
    suite: Annotated[
        SuiteChoice | None,
        typer.Option(
            "--suite",
            "-s",
            help="Data Integrity cryptosuite (default: eddsa-rdfc-2022 for Ed25519 keys, "
            "ecdsa-rdfc-2019 for P-256/P-384), or Ed25519Signature2020 for wallets that "
            "read nothing newer.",
            show_default=False,
        ),
    ] = None,
    mandatory: Annotated[
        list[str] | None,
        typer.Option(
            "--mandatory",
            "-m",
            help="With --suite ecdsa-sd-2023: a JSON Pointer every disclosure must reveal "
            "(repeat it; default: /issuer /validFrom /validUntil /type /credentialStatus).",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write the signed credential here.")
    ] = None,
    status_list: Annotated[
        list[str] | None,
        typer.Option(
            "--status-list",
            metavar="URL",
            help="Give the credential an entry in this status list of yours (made with "
            "'skillswallet status init'; repeat it for a revocation and a suspension list), "
            "so you can revoke it later.",
            show_default=False,
        ),
    ] = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    passphrase_file: PassFileOpt = None,
) -> None:
    """Sign a credential with a key file (--key) or a vault key (--as DID). Sets 'issuer'
    to the key's DID when absent and prints the signed credential (or writes it with --out).
    With --suite ecdsa-sd-2023 the result is a base credential for the holder to derive
    disclosures from. Several files, or a JSON array, are signed in one go (the vault
    unlocked once) and printed (or written with --out) as one JSON array. Many at once,
    from a CSV file: 'skillswallet issue batch --help'."""
    from ..credentials.issue import issue_credential
    from ..did.keyfile import read_key_file

    if (key is None) == (as_did is None):
        fail("give exactly one of --key KEYFILE or --as DID", EXIT_USAGE)
    if mandatory and suite is not SuiteChoice.ecdsa_sd_2023:
        fail("--mandatory is for --suite ecdsa-sd-2023", EXIT_USAGE)
    documents, one = _unsigned(unsigned)
    if status_list:
        with open_status_issuer(registry_path(registry, vault, key)) as status_issuer:
            documents = [status_issuer.add_status(d, status_list) for d in documents]
    with warnings_shown(SelectableMandatoryWarning):
        if key is not None:
            signer = read_key_file(key)
            signed = [
                issue_credential(
                    document,
                    signer,
                    cryptosuite=_suite_for(suite, signer.key_type, document),
                    mandatory_pointers=mandatory or None,
                )
                for document in documents
            ]
        else:
            assert as_did is not None
            with opened(vault, passphrase_file) as wallet:
                signed = [
                    wallet.issue(
                        document,
                        as_did,
                        cryptosuite=suite.value if suite else None,
                        mandatory_pointers=mandatory or None,
                    )
                    for document in documents
                ]
    _write_output(signed[0] if one else signed, out)
    if out is not None:
        say(_issued_line(signed, one, out))


def _unsigned(files: list[str]) -> tuple[list[dict[str, Any]], bool]:
    """The credentials to sign, and whether it is one (one file holding one object: the
    output is then that credential, not an array)."""
    documents: list[dict[str, Any]] = []
    for file in files:
        found = load_input(file)
        items = found if isinstance(found, list) else [found]
        for index, item in enumerate(items):
            if not isinstance(item, dict):
                where = f"item {index} of {file}" if isinstance(found, list) else file
                fail(f"{where}: a credential must be a JSON object, not {type(item).__name__}")
            documents.append(item)
    if not documents:
        fail("there is nothing to sign: the JSON array is empty", EXIT_USAGE)
    return documents, len(files) == 1 and not isinstance(found, list)


def _suite_for(suite: SuiteChoice | None, key_type: KeyType, document: Any) -> str:
    from ..credentials.suites import default_suite

    return suite.value if suite is not None else default_suite(key_type, document)


@app.command()
def verify(
    files: Annotated[
        list[str],
        typer.Argument(
            help="Credentials or presentations: files (- for stdin), each one document or "
            "a JSON array of them.",
            show_default=False,
        ),
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
    request: Annotated[
        str | None,
        typer.Option(
            "--request",
            help="The presentation request you sent ('request new'): checks the challenge "
            "and domain it holds, and that the answer satisfies it.",
            show_default=False,
        ),
    ] = None,
    trust: Annotated[
        list[Path] | None,
        typer.Option(
            "--trust",
            help="A trusted-issuer list ('skillswallet trust init'): each credential's "
            "issuer must be trusted for what it claims (repeatable; with --request it also "
            "decides the accredited level).",
            show_default=False,
        ),
    ] = None,
    status_dir: StatusDirOpt = None,
    did_web_dir: DidWebDirOpt = None,
    allow_network: AllowNetworkOpt = None,
    issuer_key: IssuerKeyOpt = None,
    html: Annotated[
        Path | None,
        typer.Option(
            "--html",
            help="Also write the report as a page to read and print (e.g. --html report.html).",
            show_default=False,
        ),
    ] = None,
    report_out: Annotated[
        Path | None,
        typer.Option(
            "--report-out",
            help="Also write an archivable report: the verdict with the document and every "
            "input it rested on (contexts, status lists, DID documents, trust lists), to "
            "re-check later with 'skillswallet report check'.",
            show_default=False,
        ),
    ] = None,
    as_did: Annotated[
        str | None,
        typer.Option(
            "--as", help="With --report-out: sign the report with this DID of your vault."
        ),
    ] = None,
    context: ContextOpt = None,
    vault: VaultOpt = None,
    passphrase_file: PassFileOpt = None,
) -> None:
    """Verify a credential or presentation offline and print a per-check report: JSON
    (Data Integrity), a compact JWT (vc+jwt), an SD-JWT VC (for an SD-JWT with key
    binding, --challenge is the nonce you gave the holder, --domain your audience), or an
    Open Badges 2.0 assertion (JSON, JWS, or a baked PNG/SVG like a baked 3.0 badge).
    A credential with a status entry is verified only if its status list can be checked
    (--status-dir, or --allow-network HOST). Several files, or a JSON array, get a report
    each (--json: an array of them). Exit code 0 all verified, 1 any not verified."""
    documents = _documents(files)
    several = len(documents) != 1 or documents[0][0] is not None
    if several and (html is not None or report_out is not None):
        fail("--html and --report-out take one document; verify the others apart", EXIT_USAGE)
    if context and (report_out is not None or request is not None):
        fail("--context is not taken with --report-out or --request yet", EXIT_USAGE)
    for _, document in documents:
        _check_verify_usage(document, challenge, request, issuer_key, as_did, report_out)
    lists = _trust_lists(trust)
    status, resolver = verifier_inputs(status_dir, did_web_dir, allow_network)
    asked = None
    if request is not None:
        from ..present.request import parse_request

        asked = parse_request(load_input(request, what="presentation request"))
        for name, given, expected in (
            ("--challenge", challenge, asked.challenge),
            ("--domain", domain, asked.domain),
        ):
            if given is not None and given != expected:
                fail(f"{name} differs from the request's; leave it out", EXIT_USAGE)
    options: dict[str, Any] = {"challenge": challenge, "domain": domain, "trust": lists}
    options |= {"status": status, "resolver": resolver}
    loader = context_loader(context)
    if loader is not None:
        options["loader"] = loader
    reports: list[tuple[str | None, VerificationResult, Any]] = []
    fetcher = badge_fetcher(allow_network)
    for label, document in documents:
        result, shown = _verify_one(document, asked, issuer_key, options, fetcher)
        reports.append((label, result, shown))
    if report_out is not None:
        _archive(documents[0][1], report_out, as_did, vault, passphrase_file, options)
    if html is not None:
        from ..render.report_html import report_html

        page = report_html(reports[0][1], reports[0][2], checked_at=datetime.now(UTC))
        safefile.replace(html, page.encode("utf-8"), mode=0o644)
    _say_reports(reports, json_output, several)
    if html is not None:  # (on stderr: --json output stays one document)
        say(
            f"Wrote the report as a page to {html}: open it in a browser to read or print", err=True
        )
    if report_out is not None:
        say(
            f"Wrote the archivable report to {report_out}: 'skillswallet report check "
            f"{report_out}' decides it again later",
            err=True,
        )
    verified = all(result.verified for _, result, _ in reports)
    raise typer.Exit(EXIT_OK if verified else EXIT_NOT_VERIFIED)


def _documents(files: list[str]) -> list[tuple[str | None, Any]]:
    """Every document the files hold, each with its label in a report: None for a file
    that is one document, else ``FILE`` or ``FILE[i]`` (an item of a JSON array)."""
    found: list[tuple[str | None, Any]] = []
    for file in files:
        document = parse_import(file, read_input(file))
        name = "standard input" if file == "-" else file
        if isinstance(document, list):
            found += [(f"{name}[{i}]", item) for i, item in enumerate(document)]
        else:
            found.append((None if len(files) == 1 else name, document))
    if not found:
        fail("there is nothing to verify: the JSON array is empty", EXIT_USAGE)
    return found


def _check_verify_usage(
    document: Any,
    challenge: str | None,
    request: str | None,
    issuer_key: list[Path] | None,
    as_did: str | None,
    report_out: Path | None,
) -> None:
    """What the options given cannot do with ``document`` (exit 2 before any check)."""
    from ..credentials.model import is_presentation
    from ..openbadges2 import is_openbadge2

    compact = isinstance(document, str) and not is_openbadge2(document)
    if as_did is not None and report_out is None:
        fail("--as signs the report of --report-out; give both", EXIT_USAGE)
    if report_out is not None and (request is not None or issuer_key or is_openbadge2(document)):
        fail(
            "--report-out archives the verification of a W3C credential or presentation "
            "(not with --request, --issuer-key or Open Badges 2.0)",
            EXIT_USAGE,
        )
    if compact and challenge is None and _has_key_binding(document):
        fail(
            "this SD-JWT carries a key binding JWT: give --challenge (the nonce you gave "
            "the holder) and --domain (your audience)",
            EXIT_USAGE,
        )
    if (
        request is None
        and isinstance(document, dict)
        and is_presentation(document)
        and challenge is None
    ):
        fail(
            "verifying a presentation needs --challenge (the one you gave the holder), "
            "or --request REQUEST.json",
            EXIT_USAGE,
        )


def _verify_one(
    document: Any,
    asked: Any,
    issuer_key: list[Path] | None,
    options: dict[str, Any],
    fetcher: Any = None,
) -> tuple[VerificationResult, Any]:
    """(the result, what the report shows as claimed) for one document."""
    from ..openbadges2 import is_openbadge2

    if asked is not None:
        from ..present.response import check_response
        from ..trust.lists import combined

        lists = options["trust"]
        result = check_response(
            document,
            asked,
            trust=combined(lists) if lists else None,
            status=options["status"],
            resolver=options["resolver"],
        )
        return result, _readable(document)
    compact = isinstance(document, str) and not is_openbadge2(document)
    jwt_key = {"issuer_key": pinned_jwk(issuer_key)} if compact else {}
    result, document = verify_any(
        document, [] if compact else issuer_keys(issuer_key), fetcher, **options, **jwt_key
    )
    return result, _readable(document)


def _archive(
    document: Any,
    report_out: Path,
    as_did: str | None,
    vault: Path | None,
    passphrase_file: Path | None,
    options: dict[str, Any],
) -> None:
    """--report-out: the archivable report (signed with --as)."""
    from ..audit import archive_verification

    archived = archive_verification(document, now=datetime.now(UTC), **options)
    if as_did is not None:
        with opened(vault, passphrase_file) as wallet:
            archived = wallet.sign_report(archived, as_did)
    safefile.replace(report_out, (jsonio.dumps(archived) + "\n").encode(), mode=0o644)


def _say_reports(
    reports: list[tuple[str | None, VerificationResult, Any]], json_output: bool, several: bool
) -> None:
    """One document: its report, as before. Several: each under its label (--json: an
    array of {file, verified, checks, claimed}), then how many were verified."""
    from ..render.report import claimed_json

    if not several:
        _, result, shown = reports[0]
        if json_output:
            say_json(_public_json(result) | {"claimed": claimed_json(shown)})
        else:
            say(*render_report(result, shown))
        return
    if json_output:
        say_json(
            [
                {"file": label} | _public_json(result) | {"claimed": claimed_json(shown)}
                for label, result, shown in reports
            ]
        )
        return
    for label, result, shown in reports:
        say(f"{label}:", *("  " + line for line in render_report(result, shown)), "")
    verified = sum(1 for _, result, _ in reports if result.verified)
    say(f"{verified} of {len(reports)} verified.")


def _has_key_binding(document: str) -> bool:
    from ..jose import has_key_binding

    return has_key_binding(document)


def _trust_lists(paths: list[Path] | None) -> list[TrustList]:
    if not paths:
        return []
    from ..trust.lists import load_trust_list

    return [load_trust_list(path) for path in paths]


def _readable(document: Any) -> Any:
    """What a report says the document claims: a JWT credential's own claims (in the
    shape of a credential for an SD-JWT VC); nothing when it cannot be read."""
    if not isinstance(document, str):
        return document
    from ..jose import SD_JWT_VC, as_credential, compact_format
    from ..jose import view as jose_view

    try:
        claims = jose_view(document)
    except SkillsWalletError:
        return None
    return as_credential(claims) if compact_format(document) == SD_JWT_VC else claims


def _public_json(result: VerificationResult) -> dict[str, Any]:
    return result.to_json()


def main() -> None:
    """Console entry point: typed errors become a message and exit code 3, never a
    traceback (unless --debug). The root group builds only the command that runs."""
    RUN.debug = False  # (set by the root's --debug once the command line is parsed)
    try:
        # Without standalone mode click returns the exit code of typer.Exit instead of exiting.
        code = build_root(app)(standalone_mode=False)
        sys.exit(code if isinstance(code, int) else EXIT_OK)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except SkillsWalletError as exc:
        say(f"error: {exc}", err=True)
        say_traceback()
        sys.exit(EXIT_ERROR)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # usage errors from the parser, and anything unexpected
        show = getattr(exc, "show", None)
        exit_code = getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            # click-style exceptions (typer vendors click in new releases, imports it in old);
            # their message can quote an argument, so it is rendered like any other text
            text = io.StringIO()
            show(file=text)
            say(*text.getvalue().splitlines(), err=True)
            sys.exit(EXIT_USAGE if exit_code == EXIT_USAGE else EXIT_ERROR)
        if type(exc).__name__ == "Abort":
            sys.exit(EXIT_ERROR)
        say(
            f"error: unexpected {type(exc).__name__}; please report this "
            "(run it again with --debug before the command to see where it happened)",
            err=True,
        )
        say_traceback()
        sys.exit(EXIT_ERROR)
