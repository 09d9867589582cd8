"""Bounds that the model and the command line share, kept apart so that the CLI can name them without
importing the model (its pydantic classes take a tenth of a second to build)."""

from __future__ import annotations

from typing import Final

__all__ = ["MAX_COUNT"]

MAX_COUNT: Final = 10**12
"""Largest count a model or a command line may give: counts, users, replicas, cores and GPUs."""
