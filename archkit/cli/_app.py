"""The typer application: every command, built only when it is run or listed.

Each command lives in a module of its group; :data:`COMMANDS` names them. A command's module is
imported, and its parameters built, when the command runs (or when ``--help`` lists every
command), so ``archkit validate`` pays for validate alone.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import Iterator, MutableMapping
from typing import Any

from typer.core import TyperGroup

from ._common import App

# command name -> "module:attribute" (a command function, or a Typer of subcommands), in the order
# `archkit --help` lists them: the commands, then the groups of subcommands
COMMANDS: dict[str, str] = {
    "validate": "_core:validate_cmd",
    "show": "_core:show_cmd",
    "convert": "_core:convert_cmd",
    "schema": "_core:schema_cmd",
    "review": "_review:review_cmd",
    "diff": "_diff:diff_cmd",
    "watch": "_watch:watch_cmd",
    "card": "_card:card_cmd",
    "lint": "_catalog:lint_cmd",
    "render": "_render:render_cmd",
    "export": "_export:export_cmd",
    "analyze": "_analyze:analyze_cmd",
    "compare": "_explore:compare_cmd",
    "explore": "_explore:explore_cmd",
    "deploy": "_deploy:deploy_cmd",
    "status": "_deploy:status_cmd",
    "undeploy": "_deploy:undeploy_cmd",
    "serve-config": "_deploy:serve_config_cmd",
    "load": "_deploy:load_cmd",
    "verify": "_verify:verify_cmd",
    "calibrate": "_verify:calibrate_cmd",
    "patterns": "_catalog:patterns_app",
}


def _build(name: str, spec: str) -> Any:
    """The click command (or group) of one entry of :data:`COMMANDS`."""
    import typer
    import typer.main
    from typer.models import TyperInfo

    module, attr = spec.split(":")
    target = getattr(importlib.import_module(f"{__package__}.{module}"), attr)
    short, markup = app.pretty_exceptions_short, app.rich_markup_mode
    if isinstance(target, typer.Typer):
        return typer.main.get_group_from_info(
            TyperInfo(target, name=name),
            pretty_exceptions_short=short,
            rich_markup_mode=markup,
            suggest_commands=app.suggest_commands,
        )
    holder = App()
    holder.command(name)(target)
    return typer.main.get_command_from_info(
        holder.registered_commands[0], pretty_exceptions_short=short, rich_markup_mode=markup
    )


class _Commands(MutableMapping[str, Any]):
    """The root group's commands by name: each built on first use, listed without building any."""

    def __init__(self) -> None:
        self._names = list(COMMANDS)
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in COMMANDS:
                raise KeyError(name)
            self._built[name] = _build(name, COMMANDS[name])
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        if name not in self._names:
            self._names.append(name)
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        self._names.remove(name)
        self._built.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._names))

    def __len__(self) -> int:
        return len(self._names)


# pydantic looks through every installed package's entry points for plugins when it builds its first
# validator; archkit uses none, and the commands that read a model and report are run on every save.
# They turn the search off unless the environment sets this variable (docs/cli.md). The commands
# that run the system (their modules below) start processes of their own: they leave it alone.
PLUGINS_VARIABLE = "PYDANTIC_DISABLE_PLUGINS"
_RUNS_THE_SYSTEM = ("_deploy:", "_verify:")


class _Group(TyperGroup):
    """The root group, whose commands are built when first used (:class:`_Commands`)."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _Commands()

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name in COMMANDS and not COMMANDS[name].startswith(_RUNS_THE_SYSTEM):
            os.environ.setdefault(PLUGINS_VARIABLE, "__all__")
        return name, command, rest


def _root() -> None:
    """Nothing to do before a command (it makes the application a group of commands)."""


app = App(
    name="archkit",
    help="Architecture as code for ML-enabled systems: declare, check, analyse, compare, render and deploy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    cls=_Group,
    callback=_root,
)


def main() -> None:
    """Run the command line (the ``archkit`` script is :func:`archkit.cli.main`)."""
    for stream in (sys.stdout, sys.stderr):  # text from Python models may hold unpaired surrogates
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.stderr.write("interrupted\n")
        sys.exit(130)
