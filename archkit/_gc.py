"""Python's cycle collector paused while a large model is read, analysed or linted.

Reading and analysing a model build many small objects that reference counting frees (or that
live on as the result); on a large model every automatic collection walks the whole model again,
so the work would grow faster than the model. :func:`collector_paused` turns the collector off for
a block and, when the block ends, moves what was built meanwhile to the oldest generation at once
(it mostly lives on) instead of letting the young generations scan it all again.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cycle collector for a block; restored (if it was on) however the block exits.

    Objects still alive afterwards are promoted to the oldest generation, unless objects are
    frozen already (``gc.freeze`` by the program): then they are left where they are.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()
