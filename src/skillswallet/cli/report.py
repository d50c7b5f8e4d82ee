"""``skillswallet report check``: decide an archived verification again, offline.

Thin wrapper over :mod:`skillswallet.audit`: parse, one library call, render.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from .common import EXIT_NOT_VERIFIED, EXIT_OK, load_input, say, say_json

if TYPE_CHECKING:
    pass


def register(app: typer.Typer) -> None:
    report = typer.Typer(
        help="Archived verification reports ('verify --report-out FILE [--as DID]').",
        no_args_is_help=True,
    )
    app.add_typer(report, name="report")

    @report.command("check")
    def check(
        file: Annotated[str, typer.Argument(help="A report written by 'verify --report-out'.")],
        json_output: Annotated[
            bool, typer.Option("--json", help="Print JSON for scripts.")
        ] = False,
    ) -> None:
        """Decide the archived verification again from the inputs the report holds, at the
        time it records, and check the verifier's signature. Exit code 0 when the decision
        (and the signature, if any) holds, 1 when not.

        Example: skillswallet report check report.json"""
        from ..audit import check_report

        found = check_report(load_input(file, what="verification report"))
        signature = None if found.signature is None else found.signature.verified
        if json_output:
            say_json(
                {
                    "holds": found.holds,
                    "recordedVerified": found.recorded_verified,
                    "signatureVerified": signature,
                    "differences": list(found.differences),
                }
            )
        else:
            verdict = "verified" if found.recorded_verified else "not verified"
            say(
                f"The decision {'holds' if found.holds else 'does NOT hold'}: the document "
                f"was {verdict}."
            )
            if signature is None:
                say("The report is not signed.")
            else:
                say(f"The verifier's signature {'verifies' if signature else 'does NOT verify'}.")
            for difference in found.differences:
                say(f"  - {difference}")
        raise typer.Exit(EXIT_OK if found.holds else EXIT_NOT_VERIFIED)
