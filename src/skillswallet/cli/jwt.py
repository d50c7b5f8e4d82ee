"""``skillswallet jwt issue``: issue a credential as an SD-JWT VC or a vc+jwt from a vault
key (verifying, holding and presenting them is what ``verify``, ``import`` and
``present`` already do). Thin: parse, one library call, render."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from .. import safefile
from .common import EXIT_USAGE, fail, load_input, say, say_json
from .vault import JsonOpt, PassFileOpt, VaultOpt, opened


class JwtFormat(StrEnum):
    sd_jwt = "sd-jwt"
    vc_jwt = "vc-jwt"


def register(app: typer.Typer) -> None:
    jwt = typer.Typer(
        help="JWT credentials: issue an SD-JWT VC (dc+sd-jwt) or a vc+jwt with a vault key.",
        no_args_is_help=True,
    )
    app.add_typer(jwt, name="jwt")

    @jwt.command("issue")
    def issue(
        file: Annotated[
            str,
            typer.Argument(
                help="For sd-jwt: the claims (a JSON object); for vc-jwt: the credential."
            ),
        ],
        as_did: Annotated[str, typer.Option("--as", help="The vault DID that signs it.")],
        out: Annotated[Path, typer.Option("--out", "-o", help="Where to write it.")],
        format_: Annotated[
            JwtFormat, typer.Option("--format", help="sd-jwt (default) or vc-jwt.")
        ] = JwtFormat.sd_jwt,
        vct: Annotated[
            str | None,
            typer.Option("--vct", help="For sd-jwt: the credential type (a URL), required."),
        ] = None,
        disclosable: Annotated[
            list[str] | None,
            typer.Option(
                "--disclosable",
                help="For sd-jwt: a claim the holder may hide (name, a.b, or name[] for each "
                "element of an array; repeatable).",
            ),
        ] = None,
        holder: Annotated[
            str | None,
            typer.Option(
                "--holder",
                help="For sd-jwt: the holder's did:key; every presentation then needs their "
                "key binding.",
            ),
        ] = None,
        vault: VaultOpt = None,
        passphrase_file: PassFileOpt = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Issue an SD-JWT VC or a vc+jwt signed by one of your vault's keys.

        Example: skillswallet jwt issue claims.json --as did:key:zDna... --vct
        https://school.example/skill --disclosable grade --holder did:key:z6Mk... --out
        skill.sd-jwt"""
        document = load_input(file, what="claims" if format_ is JwtFormat.sd_jwt else None)
        if not isinstance(document, dict):
            fail(f"{file}: expected a JSON object", EXIT_USAGE)
        if format_ is JwtFormat.sd_jwt and vct is None:
            fail("an SD-JWT VC needs --vct (the credential type, a URL)", EXIT_USAGE)
        if format_ is JwtFormat.vc_jwt and (vct or disclosable or holder):
            fail("--vct, --disclosable and --holder are for --format sd-jwt", EXIT_USAGE)
        with opened(vault, passphrase_file) as wallet:
            if format_ is JwtFormat.sd_jwt:
                assert vct is not None
                token = wallet.issue_sd_jwt(
                    document, as_did, vct=vct, disclosable=disclosable or [], holder=holder
                )
            else:
                token = wallet.issue_vc_jwt(document, as_did)
        safefile.replace(out, (token + "\n").encode("ascii"), mode=0o644)
        if json_output:
            say_json({"format": format_.value, "out": str(out)})
        else:
            say(f"Wrote the {format_.value} credential to {out}")
