"""``skillswallet issue batch``: one credential per row of a CSV file (thin: the work is
:mod:`skillswallet.issuer`). ``issue FILE`` stays the command for one credential; the
root group routes ``issue batch`` here (:class:`IssueBatchRouting`)."""

from __future__ import annotations

import signal
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from .common import EXIT_NOT_VERIFIED, EXIT_OK, EXIT_USAGE, fail, load_input, say, say_json
from .status import RegistryOpt, open_status_issuer, registry_path
from .vault import JsonOpt, PassFileOpt, VaultOpt, _interruptible, _progress, opened

if TYPE_CHECKING:
    from ..did.keys import Signer
    from ..issuer import BatchReport, CsvRows
    from ..status.issuer import StatusIssuer

#: Bad rows listed in the text summary (all of them are in --json).
SHOWN_ERRORS = 50

batch_app = typer.Typer(rich_markup_mode=None, add_completion=False)

HELP = """Issue one credential per row of a CSV file, from a template.

The template is an unsigned credential (JSON). A column goes into it in two ways:

\b
  "{{name}}"               the row's 'name' cell (also inside text: "Diploma of {{name}}");
                           {{credits:number}}, {{year:integer}}, {{passed:boolean}} convert;
                           an empty cell leaves such a property out
  credentialSubject.id     a column named by a dotted path sets that value
                           (credentialSubject.achievement.alignment.0.targetUrl: a list item)
  {{$issuer}} {{$now}} {{$row}}   the signing DID, the batch's start time, the row number

Without an "id" in the template each credential gets a urn:uuid. Every row is checked (VC
data model and the schema the template names) before anything is signed; a bad row is
reported with its line and column and the rest are issued (--strict: nothing is). Each
credential is written to OUT/row-000001.json ...; OUT/manifest.jsonl records what was
issued, so running the same command again resumes an interrupted batch without issuing a
row twice. Exit code 0 all issued, 1 some rows not issued, 3 error.

Example:

\b
  cohort.csv:
    name,credentialSubject.id,grade
    Ada Lovelace,did:key:z6Mk...,A
  skillswallet issue batch --as did:web:school.example --template diploma.json \\
      --csv cohort.csv --out diplomas/ --status-list https://school.example/status/1
"""


@batch_app.command(help=HELP)
def batch(
    template: Annotated[
        Path, typer.Option("--template", "-t", help="The unsigned credential with placeholders.")
    ],
    csv_file: Annotated[
        Path, typer.Option("--csv", help="The rows (UTF-8 CSV; the first line names columns).")
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="Folder for the credentials and manifest.jsonl (made 0700)."
        ),
    ],
    key: Annotated[
        Path | None,
        typer.Option("--key", "-k", help="Key file made by 'skillswallet key generate'."),
    ] = None,
    as_did: Annotated[
        str | None,
        typer.Option("--as", metavar="DID", help="Sign with this DID's key from your vault."),
    ] = None,
    status_list: Annotated[
        list[str] | None,
        typer.Option(
            "--status-list",
            metavar="URL",
            help="Give each credential an entry in this status list of yours (repeatable).",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict", help="Sign nothing if any row is bad.")
    ] = False,
    suite: Annotated[
        str | None,
        typer.Option(
            "--suite",
            "-s",
            metavar="SUITE",
            help="Data Integrity cryptosuite (default: eddsa-rdfc-2022 for Ed25519 keys, "
            "ecdsa-rdfc-2019 for P-256/P-384).",
            show_default=False,
        ),
    ] = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    passphrase_file: PassFileOpt = None,
    json_output: JsonOpt = False,
) -> None:
    from ..issuer import Batch, BatchInterrupted, CsvRows

    if (key is None) == (as_did is None):
        fail("give exactly one of --key KEYFILE or --as DID", EXIT_USAGE)
    if suite is not None and suite not in SUITES:
        fail(f"--suite: use one of {', '.join(SUITES)}", EXIT_USAGE)
    document = load_input(str(template), what="template")
    rows = CsvRows(csv_file)
    signer = _signer(key, as_did, vault, passphrase_file)
    signals: list[int] = []
    path = registry_path(registry, vault, key)
    registry_cm: AbstractContextManager[StatusIssuer | None] = (
        open_status_issuer(path) if status_list else nullcontext(None)
    )
    try:
        with (
            _interruptible(signals),
            registry_cm as status,
            Batch(
                document,
                rows,
                out,
                signer,
                cryptosuite=suite,
                status=status,
                status_lists=status_list or (),
            ) as job,
        ):
            report = _with_bar(job.check, _count(rows), "Checking rows")
            if strict and report.errors:
                report.aborted = True
            else:
                report = _with_bar(job.sign, job.to_sign, "Signing")
    except BatchInterrupted as stop:
        done = len(stop.report.issued) + len(stop.report.recovered)
        say(
            f"interrupted: {done} credential(s) issued by this run are written and in the "
            "manifest; run the same command again to resume",
            err=True,
        )
        raise typer.Exit(128 + (signals[0] if signals else signal.SIGINT)) from None
    _render(report, json_output)
    raise typer.Exit(EXIT_NOT_VERIFIED if report.errors else EXIT_OK)


SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022", "ecdsa-rdfc-2019", "ecdsa-jcs-2019")


def _signer(
    key: Path | None, as_did: str | None, vault: Path | None, passphrase_file: Path | None
) -> Signer:
    from ..did.keyfile import read_key_file

    if key is not None:
        return read_key_file(key)
    assert as_did is not None
    with opened(vault, passphrase_file) as wallet:  # unlocked once, for every row
        return wallet.unlocked_signer(as_did)


def _count(rows: CsvRows) -> int:
    """Rows for the progress bar (only read when a bar is shown)."""
    return sum(1 for _ in rows) if sys.stderr.isatty() else 0


def _with_bar(step: Any, total: int, label: str) -> BatchReport:
    bar = _progress(total, label)
    if bar is None:
        report: BatchReport = step()
        return report
    with bar as progress:
        report = step(progress=progress.update)
    return report


def _render(report: BatchReport, json_output: bool) -> None:
    if json_output:
        say_json(report.to_json())
        return
    for warning in report.warnings:
        say(f"warning: {warning}", err=True)
    for error in report.errors[:SHOWN_ERRORS]:
        say(f"{error}", err=True)
    if len(report.errors) > SHOWN_ERRORS:
        say(f"... and {len(report.errors) - SHOWN_ERRORS} more (all of them with --json)", err=True)
    failed = len({e.row for e in report.errors})
    if report.aborted:
        say(f"Nothing signed (--strict): {failed} of {report.rows} row(s) are not valid.")
        return
    lines = [f"Issued {len(report.issued)} credential(s) into {report.directory}."]
    if report.skipped:
        lines.append(f"{report.skipped} row(s) were issued before (skipped).")
    if report.recovered:
        lines.append(
            f"{len(report.recovered)} row(s) signed by an interrupted run are now recorded."
        )
    if failed:
        lines.append(f"{failed} of {report.rows} row(s) not issued (listed above).")
    lines.append(f"Manifest: {report.manifest}")
    say(*lines)


class IssueBatchRouting(TyperGroup):
    """The root group: ``issue batch ...`` goes to the batch command; ``issue FILE`` (and
    everything else) as before."""

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        if len(args) >= 2 and args[0] == "issue" and args[1] == "batch":
            return "issue batch", typer.main.get_command(batch_app), args[2:]
        return super().resolve_command(ctx, args)
