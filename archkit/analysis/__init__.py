"""Quality analyses of a system: pure functions from (system, variant, options) to typed results.

One module per quality: :mod:`.latency`, :mod:`.links` (link load), :mod:`.cost`,
:mod:`.availability`, :mod:`.updates`, :mod:`.resources`, :mod:`.capacity`, :mod:`.privacy`;
:mod:`.common` holds the :class:`Estimate` type (best/typical/worst, or unknown with what to
declare) and the :class:`Options`; :mod:`.report` assembles every analysis for one or all
variants. Formulas and assumptions: docs/analyses.md.
"""

from __future__ import annotations

from .common import ASSUMPTIONS, Estimate, Options
from .latency import (
    arrival_rate,
    component_time,
    connector_time,
    connector_time_parts,
    flow_latency,
    latency,
    mmc_wait,
    queueing_delay,
)

__all__ = [
    "ASSUMPTIONS",
    "Estimate",
    "Options",
    "arrival_rate",
    "component_time",
    "connector_time",
    "connector_time_parts",
    "flow_latency",
    "latency",
    "mmc_wait",
    "queueing_delay",
]
