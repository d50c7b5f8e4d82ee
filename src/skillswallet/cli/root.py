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
from typing import TYPE_CHECKING, Any

import typer
import typer.main
from typer.core import TyperCommand
from typer.models import CommandInfo, TyperInfo

from .batch import IssueBatchRouting

if TYPE_CHECKING:  # (typer vendors click in new releases, imports it in old ones)
    from typer._click import Command, Context, HelpFormatter

#: The sections of ``skillswallet --help``, in order, and their commands in order. A
#: command not named here is listed under "Other commands".
PANELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Start here", ("tour",)),
    ("Keys and DIDs", ("key", "did")),
    (
        "Your vault",
        ("init", "import", "list", "show", "delete", "export", "backup", "restore", "passphrase"),
    ),
    ("Your skills", ("new", "self-assess", "profile", "match", "taxonomy", "bake")),
    ("Sharing", ("present", "request", "respond", "disclosures")),
    ("Checking", ("verify", "report")),
    ("Issuing", ("issue", "status", "trust")),
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
