"""The typer application. Each command group lives in its own module and registers itself here."""

from __future__ import annotations

import sys

from ._common import App

app = App(
    name="archkit",
    help="Architecture as code for ML-enabled systems: declare, check, analyse, compare, render and deploy.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

# One module per command group; each defines register(app). Heavy imports happen inside the commands.
from . import _analyze, _card, _catalog, _core, _deploy, _diff, _explore, _export, _render, _review, _verify, _watch  # noqa: E402

for _module in (_core, _review, _diff, _watch, _card, _catalog, _render, _export, _analyze, _explore, _deploy, _verify):
    _module.register(app)


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
