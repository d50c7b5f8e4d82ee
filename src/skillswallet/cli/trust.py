"""Trusted-issuer list commands of the ``skillswallet`` CLI: init, add, remove, show.

Thin wrappers over :mod:`skillswallet.trust.lists`: parse, one library call, render.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ..credentials.dates import format_datetime, parse_datetime
from ..errors import TrustListError
from .common import EXIT_USAGE, fail, say, say_either, say_json

if TYPE_CHECKING:
    from ..trust.lists import TrustEntry

FileArg = Annotated[Path, typer.Argument(help="The trust list file (JSON).", show_default=False)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
IssuerOpt = Annotated[
    str, typer.Option("--issuer", help="The issuer's DID (e.g. did:web:school.example).")
]


def _date(value: str | None, option: str) -> str | None:
    if value is None:
        return None
    found = parse_datetime(value)
    if found is None:
        fail(f"{option} wants a date-time with a time zone, e.g. 2026-01-01T00:00:00Z", EXIT_USAGE)
    return format_datetime(found)


def _entry_line(entry: TrustEntry) -> str:
    parts = [f"{entry.name or entry.issuer}: {', '.join(entry.scopes)}"]
    if entry.types:
        parts.append(f"types {', '.join(entry.types)}")
    if entry.eqf_levels:
        parts.append(f"EQF {', '.join(str(n) for n in entry.eqf_levels)}")
    if entry.valid_from or entry.valid_until:
        start = format_datetime(entry.valid_from) if entry.valid_from else "..."
        end = format_datetime(entry.valid_until) if entry.valid_until else "..."
        parts.append(f"{start} to {end}")
    return "; ".join(parts) + (f"  <{entry.issuer}>" if entry.name else "")


def register(app: typer.Typer) -> None:
    trust = typer.Typer(
        help="Trusted-issuer lists: which schools and assessors you accept, and for what "
        "(use with 'verify --trust FILE' and 'profile --trust FILE').",
        no_args_is_help=True,
    )
    app.add_typer(trust, name="trust")

    @trust.command("init")
    def init(
        file: FileArg,
        name: Annotated[str, typer.Option("--name", help="What the list is, in words.")],
        valid_until: Annotated[
            str | None,
            typer.Option("--valid-until", help="Do not rely on the list after this date-time."),
        ] = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Start an empty trust list in FILE (refuses to replace an existing file)."""
        from ..trust.lists import TrustList, save_trust_list

        data = {"name": name, "entries": []}
        until = _date(valid_until, "--valid-until")
        if until is not None:
            data["validUntil"] = until
        trust_list = TrustList.from_json(data)
        save_trust_list(trust_list, file, new=True)
        say_either(json_output, trust_list.to_json(), f"Started the trust list {name!r} in {file}")

    @trust.command("add")
    def add(
        file: FileArg,
        issuer: IssuerOpt,
        scope: Annotated[
            list[str],
            typer.Option(
                "--scope",
                help="What the issuer may attest: skill, diploma, badge, endorsement, * (any), "
                "or a skill framework's URI prefix (http://data.europa.eu/esco/skill/). "
                "Repeat for several.",
            ),
        ],
        name: Annotated[str | None, typer.Option("--name", help="The issuer's name.")] = None,
        type_: Annotated[
            list[str] | None,
            typer.Option("--type", help="Only credentials of this type (repeatable)."),
        ] = None,
        eqf: Annotated[
            list[int] | None,
            typer.Option("--eqf", help="Only these EQF levels, 1-8 (repeatable)."),
        ] = None,
        valid_from: Annotated[
            str | None, typer.Option("--valid-from", help="Accredited from this date-time.")
        ] = None,
        valid_until: Annotated[
            str | None, typer.Option("--valid-until", help="Accredited until this date-time.")
        ] = None,
        json_output: JsonOpt = False,
    ) -> None:
        """Add an issuer to the list (replacing its entry if it has one)."""
        from ..trust.lists import TrustList, load_trust_list, save_trust_list

        data: dict[str, object] = {"issuer": issuer, "scopes": scope}
        for key, value in (
            ("name", name),
            ("types", type_),
            ("eqfLevels", eqf),
            ("validFrom", _date(valid_from, "--valid-from")),
            ("validUntil", _date(valid_until, "--valid-until")),
        ):
            if value:
                data[key] = value
        try:
            [entry] = TrustList.from_json({"entries": [data]}, "the new entry").entries
        except TrustListError as exc:
            fail(str(exc).replace("entries[0].", "--"), EXIT_USAGE)
        updated = load_trust_list(file).with_entry(entry)
        save_trust_list(updated, file)
        say_either(json_output, entry.to_json(), f"Added {_entry_line(entry)}")

    @trust.command("remove")
    def remove(file: FileArg, issuer: IssuerOpt, json_output: JsonOpt = False) -> None:
        """Remove an issuer from the list."""
        from ..trust.lists import load_trust_list, save_trust_list

        updated = load_trust_list(file).without(issuer)
        save_trust_list(updated, file)
        say_either(json_output, {"removed": issuer}, f"Removed {issuer}")

    @trust.command("show")
    def show(file: FileArg, json_output: JsonOpt = False) -> None:
        """Show who the list trusts, and for what."""
        from ..trust.lists import load_trust_list

        trust_list = load_trust_list(file)
        if json_output:
            say_json(trust_list.to_json())
            return
        until = (
            f" (until {format_datetime(trust_list.valid_until)})" if trust_list.valid_until else ""
        )
        say(f"{trust_list.name or '(unnamed list)'}{until}: {len(trust_list.entries)} issuer(s)")
        for entry in trust_list.entries:
            say(f"  {_entry_line(entry)}")
