"""Quality analyses of a system: pure functions from (system, variant, options) to typed results.

One private module per quality: ``_latency``, ``_links`` (link load), ``_cost``,
``_availability`` (offline, single points of failure, availability), ``_updates``,
``_resources`` (incl. battery), ``_capacity``, ``_privacy`` (incl. telemetry); ``_common`` holds
the :class:`Estimate` type (best/typical/worst, or unknown with what to declare) and the
:class:`Options`; ``_report`` assembles every analysis for one or all variants. Everything public
is imported from here. Formulas, units and assumptions: docs/analyses.md.

Per-element primitives for vectorised evaluators (stable): :func:`component_time`,
:func:`connector_time`, :func:`connector_time_parts`, :func:`queueing_delay`, :func:`mmc_wait`,
:func:`arrival_rate`, :func:`arrival_share`, :func:`connector_link_load`, :func:`node_monthly_cost`,
:func:`connector_volume`, :func:`component_plan`, :func:`replica_needs` (docs/analyses.md lists them).
"""

from __future__ import annotations

from ._availability import AvailabilityResult, FlowAvailability, availability, links_cutting_route
from ._capacity import (
    CapacityResult,
    ComponentCapacity,
    FlowCapacity,
    NodeCapacity,
    capacity,
    ceil_estimate,
    ceiling_verdict,
    component_plan,
    flow_capacity,
    flow_demand,
    step_ceiling,
)
from ._common import (
    ASSUMPTIONS,
    DAYS_PER_MONTH,
    DEFAULT_TARGET_UTILISATION,
    HOURS_PER_MONTH,
    SECONDS_PER_DAY,
    Estimate,
    Options,
    Point,
    Verdict,
    budget_verdict,
    connector_instances,
    connector_rate,
    device_ratio,
    devices,
    format_value,
    input_text,
    message_bits,
    missing_text,
    quantity_estimate,
    replica_memory,
    replica_storage,
)
from ._context import AnalysisContext, context_of
from ._cost import (
    CostItem,
    CostResult,
    connector_monthly_data_cost,
    connector_volume,
    cost,
    fleet_size,
    node_monthly_cost,
)
from ._latency import (
    ConnectorTime,
    FlowLatency,
    LatencyResult,
    Queueing,
    StepLatency,
    arrival_rate,
    arrival_share,
    component_time,
    connector_time,
    connector_time_parts,
    flow_latency,
    hop_at,
    latency,
    link_bandwidth,
    link_latency,
    mmc_wait,
    queueing_delay,
    servers_for,
)
from ._links import (
    ConnectorTraffic,
    LinkDirectionLoad,
    LinkLoadResult,
    LoadShare,
    connector_link_load,
    connector_traffic,
    link_load,
)
from ._privacy import DataExit, PrivacyResult, TelemetryVolume, connector_exits, privacy
from ._report import ANALYSES, SCHEMA, Report, VariantReport, analyze, analyze_all, every_placement, missing_inputs
from ._resources import NodeFit, ReplicaNeeds, ResourceCheck, ResourcesResult, node_capacity, replica_needs, resources
from ._tables import VERDICT_STYLES, estimate_text, variant_tables, verdict_text
from ._updates import ModelUpdate, UpdatesResult, link_price, model_update, updates
from ._verdicts import VERDICT_ORDER, VIOLATIONS, VariantVerdicts, variant_verdicts, worst_verdict

__all__ = [
    # whole analyses and the report
    "ANALYSES", "SCHEMA", "Report", "VariantReport", "analyze", "analyze_all", "every_placement", "missing_inputs",
    "latency", "link_load", "cost", "availability", "updates", "resources", "capacity", "privacy",
    # their results
    "LatencyResult", "FlowLatency", "StepLatency", "ConnectorTime", "Queueing",
    "LinkLoadResult", "LinkDirectionLoad", "LoadShare", "CostResult", "CostItem",
    "AvailabilityResult", "FlowAvailability", "UpdatesResult", "ModelUpdate", "ResourcesResult", "NodeFit",
    "ResourceCheck", "CapacityResult", "ComponentCapacity", "NodeCapacity", "FlowCapacity", "PrivacyResult",
    "DataExit", "TelemetryVolume", "VariantVerdicts", "variant_verdicts", "worst_verdict", "VERDICT_ORDER", "VIOLATIONS",
    # estimates, options, assumptions
    "Estimate",
    "Options",
    "Verdict",
    "ASSUMPTIONS",
    "HOURS_PER_MONTH",
    "DAYS_PER_MONTH",
    "SECONDS_PER_DAY",
    "DEFAULT_TARGET_UTILISATION",
    "budget_verdict",
    "quantity_estimate",
    "input_text",
    "missing_text",
    "format_value",
    "estimate_text",
    "verdict_text",
    "variant_tables",
    "VERDICT_STYLES",
    # per-element primitives
    "AnalysisContext", "context_of", "flow_latency", "model_update", "component_time", "connector_time",
    "connector_time_parts", "link_bandwidth", "link_latency", "hop_at", "Point", "queueing_delay", "mmc_wait", "arrival_rate", "servers_for",
    "connector_link_load", "connector_traffic", "ConnectorTraffic", "message_bits", "node_monthly_cost", "connector_monthly_data_cost", "connector_volume",
    "component_plan", "ceil_estimate", "step_ceiling", "flow_demand", "ceiling_verdict", "flow_capacity",
    "fleet_size", "node_capacity", "link_price", "devices", "device_ratio",
    "connector_instances", "connector_rate", "replica_memory", "replica_storage", "connector_exits",
    "links_cutting_route", "arrival_share", "replica_needs", "ReplicaNeeds",
]
