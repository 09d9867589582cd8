"""The ``archkit`` command line: a thin typer layer over the library functions."""

from __future__ import annotations

from ._app import app, main

__all__ = ["app", "main"]
