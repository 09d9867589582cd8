"""Quality analyses of a system: pure functions from (system, variant, options) to typed results.

One module per quality: :mod:`.latency`, :mod:`.links` (link load), :mod:`.cost`,
:mod:`.availability` (offline, single points of failure, availability), :mod:`.updates`,
:mod:`.resources` (incl. battery), :mod:`.capacity`, :mod:`.privacy` (incl. telemetry);
:mod:`.common` holds the :class:`Estimate` type (best/typical/worst, or unknown with what to
declare) and the :class:`Options`; :mod:`.report` assembles every analysis for one or all
variants. Formulas, units and assumptions: docs/analyses.md.

Per-element primitives for vectorised evaluators (stable): :func:`component_time`,
:func:`connector_time`, :func:`connector_time_parts`, :func:`queueing_delay`, :func:`mmc_wait`,
:func:`arrival_rate`, :func:`connector_link_load`, :func:`node_monthly_cost`,
:func:`connector_volume`, :func:`component_plan` (docs/analyses.md lists them).
"""

from __future__ import annotations

from .availability import availability
from .capacity import capacity, component_plan
from .common import ASSUMPTIONS, Estimate, Options
from .cost import connector_monthly_data_cost, connector_volume, cost, node_monthly_cost
from .latency import (
    analysis_graph,
    arrival_rate,
    as_graph,
    component_time,
    connector_time,
    connector_time_parts,
    flow_latency,
    forget,
    latency,
    mmc_wait,
    queueing_delay,
    servers_for,
)
from .links import connector_link_load, link_load
from .privacy import privacy
from .report import Report, VariantReport, analyze, analyze_all
from .resources import resources
from .updates import model_update, updates

__all__ = [
    "ASSUMPTIONS",
    "Estimate",
    "Options",
    "Report",
    "VariantReport",
    "analyze",
    "analyze_all",
    "latency",
    "link_load",
    "cost",
    "availability",
    "updates",
    "resources",
    "capacity",
    "privacy",
    "flow_latency",
    "model_update",
    "as_graph",
    "analysis_graph",
    "forget",
    "component_time",
    "connector_time",
    "connector_time_parts",
    "queueing_delay",
    "mmc_wait",
    "arrival_rate",
    "servers_for",
    "connector_link_load",
    "node_monthly_cost",
    "connector_monthly_data_cost",
    "connector_volume",
    "component_plan",
]
