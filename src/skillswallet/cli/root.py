"""The root of the command line: commands grouped by role and task in ``--help``, and a
fast start.

Typer turns every command function into a click command (reading its signature and type
hints) before it runs anything: about 30 ms for the sixty commands here, a third of the
time ``skillswallet --help`` may take. :func:`build_root` makes the root group without
them; a command is built when it is run (or completed), and ``--help`` lists the commands
from their registrations (name and docstring) without building any.
"""

from __future__ import annotations

import copy
import inspect
from datetime import datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_args, get_origin

import typer
import typer.main
from typer.core import TyperCommand
from typer.models import CommandInfo, TyperInfo

from .batch import IssueBatchRouting
from .examples import example_for

if TYPE_CHECKING:  # (typer vendors click in new releases, imports it in old ones)
    from typer._click import Command, Context, HelpFormatter

#: The sections of ``skillswallet --help``, in order, and their commands in order. A
#: command not named here is listed under "Other commands".
PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Start here", ("tour",)),
    ("Keys and DIDs", ("key", "did")),
    (
        "Your vault",
        (
            *("init", "import", "list", "show", "delete", "export", "backup", "restore"),
            *("passphrase", "unlock", "lock"),
        ),
    ),
    ("Your skills", ("new", "self-assess", "profile", "match", "taxonomy", "bake")),
    ("Sharing", ("present", "request", "respond", "disclosures")),
    ("Checking", ("verify", "report")),
    ("Issuing", ("issue", "jwt", "status", "trust")),
    ("Serving", ("serve",)),
)
OTHER_PANEL = "Other commands"

#: An extra line under a command in ``--help`` (a command reached through another).
EXTRA_LINES = {"issue": ("issue batch", "Issue one credential per row of a CSV file.")}


def _panel_of(name: str) -> tuple[int, int]:
    for index, (_, names) in enumerate(PANELS):
        if name in names:
            return index, names.index(name)
    return len(PANELS), 0


class Registered:
    """One command or group as registered with typer: its name and help, read without
    building the click command (which is built on first use)."""

    def __init__(self, app: typer.Typer, info: CommandInfo | TyperInfo) -> None:
        self.app = app
        self.info = info
        if isinstance(info, CommandInfo):
            assert info.callback is not None
            self.name = info.name or typer.main.get_command_name(info.callback.__name__)
            self.stub: Command = TyperCommand(
                self.name,
                help=inspect.cleandoc(info.help)
                if info.help is not None
                else inspect.getdoc(info.callback),
                short_help=info.short_help,
                hidden=info.hidden,
                deprecated=info.deprecated,
            )
        else:
            solved = typer.main.solve_typer_info_defaults(info)
            self.name = solved.name or ""
            self.stub = TyperCommand(
                self.name,
                help=solved.help,
                short_help=solved.short_help,
                hidden=bool(solved.hidden),
                deprecated=bool(solved.deprecated),
            )

    def build(self) -> Command:
        settings: dict[str, Any] = {
            "pretty_exceptions_short": self.app.pretty_exceptions_short,
            "rich_markup_mode": self.app.rich_markup_mode,
        }
        if isinstance(self.info, CommandInfo):
            return typer.main.get_command_from_info(self.info, **settings)
        return typer.main.get_group_from_info(
            self.info, suggest_commands=self.app.suggest_commands, **settings
        )


#: Argument metavars by parameter name (others: the name in capitals).
ARGUMENT_METAVARS = {
    "unsigned": "FILE",
    "file": "FILE",
    "files": "FILE",
    "backup_file": "FILE",
    "key_file": "FILE",
    "request_file": "FILE",
    "source": "PATH",
}
_TYPE_METAVARS: dict[Any, str] = {
    str: "TEXT",
    Path: "PATH",
    int: "INTEGER",
    float: "NUMBER",
    datetime: "DATE",
}


def _metavar(param: Any) -> str | None:
    """A plain metavar (``FILE``, ``TEXT``, ``[a|b]``) for a parameter typer would show
    as ``<list[str]>`` or ``{file}`` (typer 0.29 and later describe the Python type)."""
    if type(param).__name__ == "TyperArgument":
        return ARGUMENT_METAVARS.get(param.name, str(param.name).upper())
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    descriptor = getattr(param, "type_descriptor", None)
    if descriptor is None:  # an older typer: click's TEXT, PATH... already
        return None
    annotation = descriptor.annotation
    if get_origin(annotation) is list:
        annotation = get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return "[" + "|".join(str(member.value) for member in annotation) + "]"
    return _TYPE_METAVARS.get(annotation)


def _no_type(ctx: Any = None) -> None:
    return None


def tidy(command: Command, path: str) -> None:
    """Plain metavars for ``command`` (and its subcommands), and an example at the end
    of its help when its docstring shows none (:mod:`.examples`). Once a command."""
    if getattr(command, "_skillswallet_tidy", False):
        return
    command._skillswallet_tidy = True  # type: ignore[attr-defined]
    for param in command.params:
        if param.metavar is None:
            param.metavar = _metavar(param)
        if type(param).__name__ == "TyperArgument" and hasattr(param, "display_type_rich"):
            # typer 0.29 adds the Python type after an argument's name ("FILE <list[str]>")
            param.display_type_rich = _no_type
    if command.epilog is None:
        command.epilog = example_for(path, command.help or "")
    for name, sub in (getattr(command, "commands", None) or {}).items():
        tidy(sub, f"{path} {name}")


class RootGroup(IssueBatchRouting):
    """The root group. Built by typer (tests, ``typer.main.get_command(app)``) it holds
    every command; built by :func:`build_root` it holds none and builds each on first
    use. Either way ``--help`` lists the commands in the sections of :data:`PANELS`."""

    lazy: dict[str, Registered] | None = None

    def list_commands(self, ctx: Context) -> list[str]:
        if self.lazy is None:
            return super().list_commands(ctx)
        return list(self.lazy)

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        if self.lazy is not None and cmd_name not in self.commands:
            registered = self.lazy.get(cmd_name)
            if registered is None:
                return None
            self.add_command(registered.build(), cmd_name)
        return super().get_command(ctx, cmd_name)

    def resolve_command(
        self, ctx: Context, args: list[str]
    ) -> tuple[str | None, Command | None, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if command is not None and name is not None:
            tidy(command, name)
        return name, command, rest

    def _listed(self, ctx: Context) -> list[tuple[str, Command]]:
        if self.lazy is not None:
            found = [(name, entry.stub) for name, entry in self.lazy.items()]
        else:
            found = [(name, self.commands[name]) for name in super().list_commands(ctx)]
        return [(name, command) for name, command in found if not command.hidden]

    def format_commands(self, ctx: Context, formatter: HelpFormatter) -> None:
        listed = sorted(self._listed(ctx), key=lambda item: _panel_of(item[0]))
        if not listed:
            return
        width = formatter.width - 6 - max(len(name) for name, _ in listed)
        titles = [title for title, _ in PANELS] + [OTHER_PANEL]
        for index, title in enumerate(titles):
            rows: list[tuple[str, str]] = []
            for name, command in listed:
                if _panel_of(name)[0] == index:
                    rows.append((name, command.get_short_help_str(width)))
                    extra = EXTRA_LINES.get(name)
                    if extra:
                        rows.append(extra)
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)


def build_root(app: typer.Typer) -> Command:
    """``app``'s root group with its commands built on first use (see the module)."""
    shell = copy.copy(app)  # the root's own settings and options, no commands
    shell.registered_commands = []
    shell.registered_groups = []
    root = typer.main.get_command(shell)
    assert isinstance(root, RootGroup), "the app's cls is RootGroup"
    entries = [Registered(app, info) for info in app.registered_commands]
    entries += [Registered(app, info) for info in app.registered_groups]
    root.lazy = {entry.name: entry for entry in entries}
    return root
