"""Presentation commands: ``present``, ``request new``, ``respond`` and ``disclosures``.
Thin: parse, call the wallet (or :mod:`skillswallet.present`), render."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from .. import jsonio, safefile
from ..errors import PointerError
from .common import (
    EXIT_NOT_VERIFIED,
    EXIT_USAGE,
    confirm,
    fail,
    is_interactive,
    load_input,
    qr_option,
    say,
    say_json,
    utf8_text,
    write_qr,
)
from .profile import TrustOpt
from .vault import JsonOpt, PassFileOpt, VaultOpt, opened

if TYPE_CHECKING:
    from ..present.disclosure import CredentialDisclosure
    from ..present.linkability import LinkabilityWarning
    from ..wallet import DisclosureEntry, Presentation, PresentationPlan, SdJwtPresented, Wallet

AsOpt = Annotated[
    str | None,
    typer.Option(
        "--as",
        help="Present as this DID of your vault (default: the vault's only DID).",
        show_default=False,
    ),
]
PurposeOpt = Annotated[
    str | None,
    typer.Option(help="Why you are showing it, for your disclosure log.", callback=utf8_text),
]
ExpiresOpt = Annotated[
    int,
    typer.Option(
        "--expires-in",
        min=1,
        max=24 * 60,
        help="Minutes until the presentation expires (a replay after that fails).",
    ),
]
OutOpt = Annotated[
    Path, typer.Option("--out", "-o", help="Where to write the signed presentation (JSON).")
]
PresentationQrOpt = Annotated[
    Path | None, qr_option("the presentation, if it fits (at most 2,953 bytes)")
]


def _write_text(out: Path, text: str) -> None:
    safefile.replace(out, (text + "\n").encode("ascii"), mode=0o644)


def _say_sd_jwt(made: SdJwtPresented, out: Path, json_output: bool) -> None:
    shown = made.presentation
    if json_output:
        say_json(
            {
                "presentation": str(out),
                "format": "dc+sd-jwt",
                "disclosed": shown.disclosed,
                "withheld": shown.withheld,
                "disclosureLog": made.disclosure_id,
            }
        )
        return
    say(
        *(f"reveals   {name}" for name in shown.disclosed),
        *(f"withholds {name}" for name in shown.withheld),
        f"Wrote the SD-JWT presentation (with key binding) to {out}; "
        f"logged as {made.disclosure_id[:8]}.",
        "Every presentation of this SD-JWT carries the same issuer signature: verifiers "
        "who compare notes can link them.",
    )


def register(app: typer.Typer) -> None:
    request_app = typer.Typer(
        help="Ask someone for credentials (as an employer or other verifier).",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    disclosures_app = typer.Typer(
        help="Your disclosure log: every presentation your wallet made. With no command, "
        "lists them.",
        invoke_without_command=True,
        rich_markup_mode=None,
    )
    app.add_typer(request_app, name="request")
    app.add_typer(disclosures_app, name="disclosures")

    @app.command()
    def present(
        credential: Annotated[
            list[str],
            typer.Option(
                "--credential",
                "-c",
                help="A credential to show: its id or unique prefix from 'list' (repeat it).",
            ),
        ],
        challenge: Annotated[
            str, typer.Option(help="The challenge the verifier gave you.", callback=utf8_text)
        ],
        domain: Annotated[
            str,
            typer.Option(help="The verifier's domain, e.g. jobs.example.com.", callback=utf8_text),
        ],
        out: OutOpt,
        disclose: Annotated[
            list[str] | None,
            typer.Option(
                "--disclose",
                "-d",
                help="A JSON Pointer to reveal from the selectively disclosable (ecdsa-sd-2023) "
                "credential(s), e.g. /credentialSubject/achievement/alignment/0 (repeat it). "
                "Without it they are shown whole; other credentials always are.",
                show_default=False,
            ),
        ] = None,
        purpose: PurposeOpt = None,
        as_did: AsOpt = None,
        expires_in: ExpiresOpt = 5,
        qr: PresentationQrOpt = None,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Show credentials from your vault to a verifier: writes a presentation signed by
        your DID for its challenge and domain, expiring in a few minutes, and records it
        in your disclosure log. Says exactly what is revealed and what is withheld.
        An SD-JWT VC is presented on its own: --disclose names its claims (e.g.
        given_name, address.street), --challenge is the verifier's nonce and --domain its
        audience; the file written is the SD-JWT with a key binding JWT. With other
        credentials, JWT credentials go inside the presentation (enveloped; an SD-JWT VC
        with the claims --disclose names, bound to the challenge and domain)."""
        from ..jose import SD_JWT_VC

        with opened(vault, passphrase_file) as wallet:
            if len(credential) == 1 and wallet.credential_format(credential[0]) == SD_JWT_VC:
                sd = wallet.present_sd_jwt(
                    credential[0],
                    disclose=disclose or [],
                    nonce=challenge,
                    audience=domain,
                    purpose=purpose,
                )
                _write_text(out, sd.presentation.serialization)
                _say_sd_jwt(sd, out, json_output)
                _say_qr(qr, sd.presentation.serialization, out, json_output)
                return
            made = wallet.present(
                credential,
                challenge=challenge,
                domain=domain,
                disclose=disclose or None,
                purpose=purpose,
                did=as_did,
                expires_in=timedelta(minutes=expires_in),
            )
        _write(out, made.presentation)
        _say_warnings(made.warnings)
        if json_output:
            say_json(_made_json(made, out))
        else:
            say(*_plan_lines(made.plan), *_made_lines(made, out))
        _say_qr(qr, made.presentation, out, json_output)

    @request_app.command("new")
    def request_new(
        domain: Annotated[
            str,
            typer.Option(
                help="Your domain: the presentation must be made for it.", callback=utf8_text
            ),
        ],
        skill: Annotated[
            list[str] | None,
            typer.Option(
                "--skill",
                help="A skill the person must hold, by URI (e.g. an ESCO skill; repeat it).",
                show_default=False,
            ),
        ] = None,
        min_level: Annotated[
            str | None,
            typer.Option(
                "--min-level",
                help="Lowest evidence level accepted for the skills: self, endorsed, "
                "assessed or accredited (default: any).",
                show_default=False,
            ),
        ] = None,
        credential_type: Annotated[
            list[str] | None,
            typer.Option(
                "--type",
                help="A credential type asked for, e.g. OpenBadgeCredential (repeat it).",
                show_default=False,
            ),
        ] = None,
        issuer: Annotated[
            list[str] | None,
            typer.Option(
                "--issuer",
                help="Accept credentials only from this issuer DID (repeat it).",
                show_default=False,
            ),
        ] = None,
        field: Annotated[
            list[str] | None,
            typer.Option(
                "--field",
                help="A credentialSubject field that must be shown, e.g. name or "
                "achievement.name (repeat it).",
                show_default=False,
            ),
        ] = None,
        challenge: Annotated[
            str | None,
            typer.Option(
                help="The challenge (default: a fresh random one). Never reuse one.",
                show_default=False,
                callback=utf8_text,
            ),
        ] = None,
        reason: Annotated[
            str | None,
            typer.Option(help="Why you ask, shown to the person.", callback=utf8_text),
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option(
                "--out", "-o", help="Write the request to this file instead of printing it."
            ),
        ] = None,
        qr: Annotated[Path | None, qr_option("the request, for the person to scan")] = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Make a presentation request (W3C VPR, QueryByExample) and print it as JSON:
        send it to the person, keep it, and check their answer with
        'skillswallet verify VP.json --request REQUEST.json'. Each --skill is one
        required credential query (one credential may answer several)."""
        from ..present.request import SkillRequirement, new_request
        from ..skills.evidence import EvidenceLevel

        if not (skill or credential_type or field):
            fail("ask for something: --skill, --type or --field", EXIT_USAGE)
        if min_level is not None and not skill:
            fail("--min-level is for --skill", EXIT_USAGE)
        try:
            level = EvidenceLevel.parse(min_level) if min_level is not None else None
        except ValueError as exc:
            fail(str(exc), EXIT_USAGE)
        request = new_request(
            domain=domain,
            challenge=challenge,
            skills=[SkillRequirement(uri, level) for uri in skill or []],
            types=credential_type or [],
            issuers=issuer or [],
            subject_fields=field or [],
            reason=reason,
        )
        qr_line = write_qr(qr, request, "the request") if qr is not None else None
        if out is None:
            say_json(request)
            if qr_line:
                say(qr_line, err=True)
        else:
            safefile.replace(out, (jsonio.dumps(request) + "\n").encode("utf-8"), mode=0o644)
            if json_output:
                written = {"written": str(out), "challenge": request["challenge"]}
                say_json({**written, "qr": str(qr)} if qr is not None else written)
            else:
                say(f"Wrote the request to {out} (challenge {request['challenge']})")
                if qr_line:
                    say(qr_line)
        if not json_output:
            say(
                "note: keep this request; check the answer with "
                "'skillswallet verify VP.json --request REQUEST.json'",
                err=True,
            )

    @app.command()
    def respond(
        request_file: Annotated[
            str,
            typer.Argument(
                metavar="REQUEST", help="The presentation request (JSON file, or - for stdin)."
            ),
        ],
        out: OutOpt,
        yes: Annotated[
            bool, typer.Option("--yes", "-y", help="Sign without asking (for scripts).")
        ] = False,
        as_did: AsOpt = None,
        purpose: PurposeOpt = None,
        trust: TrustOpt = None,
        expires_in: ExpiresOpt = 5,
        qr: PresentationQrOpt = None,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Answer a presentation request: finds the credentials of your vault that
        satisfy it, proposes the smallest disclosure that does, shows exactly what will
        and will not be revealed, and asks before signing (unless --yes)."""
        from ..present.request import parse_request
        from ..trust.lists import load_trust_list

        if not yes and not is_interactive():
            fail("respond asks before signing: run it in a terminal, or add --yes", EXIT_USAGE)
        if request_file == "-" and not yes:
            fail("a request from standard input needs --yes (the prompt reads it)", EXIT_USAGE)
        request = parse_request(load_input(request_file, what="presentation request"))
        trust_list = load_trust_list(trust) if trust is not None else None
        with opened(vault, passphrase_file) as wallet:
            plan = wallet.plan_response(request, did=as_did, trust=trust_list)
            _say_warnings(plan.warnings)
            if not json_output or not yes:
                say(*_plan_lines(plan, wallet))
            if not yes and not confirm(f"Sign this presentation for {plan.domain}?"):
                say("Nothing was signed or written.", err=True)
                raise typer.Exit(EXIT_NOT_VERIFIED)
            made = wallet.sign_presentation(
                plan,
                challenge=request.challenge,
                purpose=purpose,
                expires_in=timedelta(minutes=expires_in),
            )
        _write(out, made.presentation)
        if json_output:
            say_json(_made_json(made, out))
        else:
            say(*_made_lines(made, out))
        _say_qr(qr, made.presentation, out, json_output)

    @disclosures_app.callback()
    def disclosures(
        ctx: typer.Context,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Your disclosure log: what you showed, to whom, when and why. 'disclosures
        show ID' shows one entry; --receipt writes it with the presentation itself."""
        if ctx.invoked_subcommand is not None:
            return
        with opened(vault, passphrase_file) as wallet:
            entries = wallet.disclosures()
        if json_output:
            say_json([_entry_json(e) for e in entries])
            return
        if not entries:
            say("No disclosures yet.")
        for entry in entries:
            count = len(entry.credential_ids)
            purpose = f" ({entry.purpose})" if entry.purpose else ""
            say(
                f"{entry.id[:8]}  {entry.at}  to {entry.verifier}{purpose}: "
                f"{count} credential{'s' if count != 1 else ''}"
            )

    @disclosures_app.command("show")
    def disclosures_show(
        entry_id: Annotated[
            str, typer.Argument(metavar="ID", help="Id (or prefix) from 'disclosures'.")
        ],
        receipt: Annotated[
            Path | None,
            typer.Option(
                help="Write a receipt: the entry, the presentation as sent and the request.",
                show_default=False,
            ),
        ] = None,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Show one disclosure: when, to whom, which credentials, what was revealed and
        withheld, the request it answered, and the presentation's SHA-256."""
        with opened(vault, passphrase_file) as wallet:
            entry, body = wallet.disclosure(entry_id)
        if receipt is not None:
            _write(receipt, {"disclosure": _entry_json(entry), **body})
        if json_output:
            say_json(_entry_json(entry))
            return
        say(*_entry_lines(entry))
        if receipt is not None:
            say(f"Receipt written to {receipt}")


def _write(path: Path, value: Any) -> None:
    safefile.replace(path, (jsonio.dumps(value) + "\n").encode("utf-8"), mode=0o600)


def _say_qr(qr: Path | None, presentation: Any, out: Path, json_output: bool) -> None:
    """Write the presentation's QR code when asked (the presentation file is written
    either way); on stderr with --json, whose stdout is the result."""
    from ..errors import QRTooLargeError

    if qr is None:
        return
    try:
        line = write_qr(qr, presentation, "the presentation", private=True)
    except QRTooLargeError as exc:
        fail(f"{exc} ({out} is written)")
    say(line, err=json_output)


def _say_warnings(found: list[LinkabilityWarning]) -> None:
    for warning in found:
        say(f"warning: {warning.message}", f"  to avoid it: {warning.advice}", err=True)


def _preview(document: dict[str, Any], pointer: str) -> str:
    from ..credentials.sd.select import resolve_pointer

    try:
        value = resolve_pointer(document, pointer)
    except PointerError:
        return ""
    text = jsonio.dumps(value, indent=None)
    return " = " + (text if len(text) <= 70 else text[:67] + "...")


def _words(pointer: str) -> str:
    """`` (the achievement's skill 1)`` after a pointer: what it is, in words."""
    from ..present.words import pointer_words

    said = pointer_words(pointer)
    return f" ({said})" if said != pointer else ""


def _is_mandatory(pointer: str, item: CredentialDisclosure) -> bool:
    return any(pointer == m or pointer.startswith(m + "/") for m in item.mandatory)


def _plan_lines(plan: PresentationPlan, wallet: Wallet | None = None) -> list[str]:
    lines = []
    if plan.match is not None:
        lines.append(f"Request from {plan.domain}:")
        for outcome in plan.match.outcomes:
            answered = (
                f"answered by credential {outcome.chosen[:8]}"
                if outcome.chosen
                else str(outcome.reason)
            )
            lines.append(f"  {outcome.query.describe()}: {answered}")
    lines.append(f"Presenting as {plan.holder} to {plan.domain}:")
    for item in plan.disclosures:
        shown = item.said()
        how = "derived (ecdsa-sd-2023)" if item.derived else "whole"
        if item.format is not None:
            how = f"enveloped {item.format}" + (", chosen claims" if item.withheld else "")
        name = f" {shown.get('name')!r}" if isinstance(shown.get("name"), str) else ""
        lines.append(f"  credential {item.record_id}{name}: {how}")
        source = shown
        if wallet is not None and item.record_id is not None:
            source = wallet.get(item.record_id)[1]
        for pointer in item.revealed:
            note = "  (mandatory)" if _is_mandatory(pointer, item) else ""
            lines.append(
                f"    reveals   {pointer}{_words(pointer)}{_preview(source, pointer)}{note}"
            )
        for pointer in item.withheld:
            lines.append(f"    withholds {pointer}{_words(pointer)}")
        if not item.withheld:
            lines.append("    withholds nothing")
    return lines


def _made_lines(made: Presentation, out: Path) -> list[str]:
    proof = made.presentation.get("proof", {})
    return [
        f"Wrote {out}: signed for {proof.get('domain')} (challenge {proof.get('challenge')}), "
        f"expires {proof.get('expires')}",
        f"Logged as disclosure {made.disclosure_id} (SHA-256 {made.sha256})",
    ]


def _made_json(made: Presentation, out: Path) -> dict[str, Any]:
    return {
        "out": str(out),
        "disclosureId": made.disclosure_id,
        "sha256": made.sha256,
        **made.plan.to_json(),
    }


def _entry_json(entry: DisclosureEntry) -> dict[str, Any]:
    return entry.model_dump(exclude={"links"})


def _entry_lines(entry: DisclosureEntry) -> list[str]:
    lines = [
        f"Disclosure {entry.id}",
        f"  when:        {entry.at}",
        f"  to:          {entry.verifier}",
    ]
    if entry.purpose:
        lines.append(f"  purpose:     {entry.purpose}")
    if entry.holder:
        lines.append(f"  as:          {entry.holder}")
    if entry.challenge:
        lines.append(f"  challenge:   {entry.challenge} (expires {entry.expires})")
    for line in entry.request or []:
        lines.append(f"  request:     {line}")
    lines.append(f"  credentials: {', '.join(entry.credential_ids) or '-'}")
    lines.extend(f"  revealed:    {item}" for item in entry.disclosed)
    lines.extend(f"  withheld:    {item}" for item in entry.withheld)
    if entry.presentation_sha256:
        lines.append(f"  SHA-256:     {entry.presentation_sha256}")
    return lines
