"""Design alternatives: declared variants and generated placements, their trade-offs, and a recommendation.

"Where should the model live?" is answered by enumerating alternatives, estimating each with the
analyses, and making the trade-off explicit:

* :mod:`._spec` reads requirements (``latency(overlay) <= 200 ms``, ``offline(overlay)``) and
  objectives (``minimize cost``);
* :mod:`._space` builds the alternatives (declared variants, or every placement of "this component
  may live on these nodes" with components kept together and nodes that cannot hold them left out);
* :mod:`._quality` defines the quality vector from the full analyses; :mod:`._vector` computes it for
  a whole space with numpy lookup tables;
* :mod:`._pareto` finds the exact Pareto front; :mod:`._run` assembles feasibility, dominance and the
  recommendation with its justification; :mod:`._presets` holds Hulten's five placements.
"""

from __future__ import annotations

from ._pareto import dominates, nondominated
from ._presets import PRESETS, Preset, infer_preset
from ._quality import better_sign, key_metric, quality_keys, quality_of
from ._result import SCHEMA, Dominance, Exploration, Row
from ._run import compare, explore, explore_space, resolve_spec
from ._space import Space, declared_space, generated_space, parse_vary
from ._spec import METRICS, Objective, Requirement, SpecError, parse_objective, parse_requirement
from ._view import renderables

__all__ = [
    "PRESETS",
    "Preset",
    "infer_preset",
    "quality_keys",
    "quality_of",
    "SCHEMA",
    "Dominance",
    "Exploration",
    "Row",
    "compare",
    "explore",
    "explore_space",
    "resolve_spec",
    "Space",
    "declared_space",
    "generated_space",
    "parse_vary",
    "METRICS",
    "Objective",
    "Requirement",
    "SpecError",
    "parse_objective",
    "parse_requirement",
    "renderables",
    "dominates",
    "nondominated",
    "better_sign",
    "key_metric",
]
