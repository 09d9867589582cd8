"""The typer application. Each command group lives in its own module and registers itself here."""

from __future__ import annotations

import importlib
import sys

import typer

app = typer.Typer(
    name="archkit",
    help="Architecture as code for ML-enabled systems: declare, check, analyse, compare, render and deploy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

# One line per command module; each defines register(app).
COMMAND_MODULES = [
    "archkit.cli.core",
    "archkit.cli.review",
    "archkit.cli.card",
    "archkit.cli.catalog",
    "archkit.cli.render",
    "archkit.cli.export",
    "archkit.cli.analyze",
    "archkit.cli.explore",
    "archkit.cli.deploy",
]

for _name in COMMAND_MODULES:
    importlib.import_module(_name).register(app)


def main() -> None:
    """Entry point of the ``archkit`` script."""
    for stream in (sys.stdout, sys.stderr):  # text from Python models may hold unpaired surrogates
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.stderr.write("interrupted\n")
        sys.exit(130)
