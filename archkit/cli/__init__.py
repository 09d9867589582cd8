"""The ``archkit`` command line: a thin typer layer over the library functions.

``main`` (the ``archkit`` script) sets the process up before anything else is imported; the typer
application ``app`` lives in :mod:`archkit.cli._app` and is imported on first use.
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._app import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``archkit`` script."""
    # A command starts by importing its libraries and building the model's classes and validators:
    # many objects, nearly all of which live on. The cycle collector, run every 700 new objects by
    # default, would scan them again and again; every 10,000 keeps its work small, at start-up and
    # after. Set first, so that it holds while the command line itself is imported.
    gc.set_threshold(10_000, *gc.get_threshold()[1:])
    from ._app import main as run

    try:
        run()
    finally:
        # The process ends with the command. Python's shutdown would run the cycle collector over
        # everything the command built; frozen, it is left to the operating system instead (exit
        # handlers and the teardown of modules, which flush and close what is open, still run).
        gc.freeze()


def __getattr__(name: str) -> Any:
    if name == "app":
        from ._app import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
