"""Lint configuration: ``[tool.archkit.lint]`` in pyproject.toml, or ``[lint]`` in archkit.toml.

Example (pyproject.toml)::

    [tool.archkit.lint]
    fail-on = "warning"                      # info | warning | error
    disable = ["multiple-language-smell"]    # rules not run at all
    severity = { model-ip-exposure = "warning" }

    [[tool.archkit.lint.suppress]]
    rule = "privacy-locality"
    element = "connector:frame_selector->telemetry#2"   # type:id, or a bare id of any element type
    reason = "opt-in samples; consent is asked in the app"

The file is found by walking up from the model's folder: the first ``archkit.toml``, or the first
``pyproject.toml`` that has a ``[tool.archkit]`` table, wins. An explicit ``--config`` overrides.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import UsageError
from ._entry import Severity

__all__ = ["ConfigSuppression", "LintConfig", "find_config", "load_config"]


class ConfigSuppression(BaseModel):
    """A lint rule switched off for one element in the configuration file, with the reason why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str = Field(min_length=1, description="Id of the rule, e.g. 'privacy-locality'.")
    element: str = Field(
        min_length=1, description="The element: 'type:id' (component, connector, node, link, flow) or a bare id."
    )
    reason: str = Field(min_length=3, description="Why the finding does not apply; mandatory and kept in reports.")


class LintConfig(BaseModel):
    """Settings of ``archkit lint``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    fail_on: Severity = Field("warning", alias="fail-on", description="Lowest severity that makes lint exit 1.")
    disable: tuple[str, ...] = Field((), description="Rule ids not to run.")
    severity: dict[str, Severity] = Field(default_factory=dict, description="Severity overrides by rule id.")
    suppress: tuple[ConfigSuppression, ...] = Field((), description="Per-element suppressions with reasons.")
    source: str | None = Field(None, description="File the configuration was read from (filled by the loader).")


_KEYS = ("fail-on", "disable", "severity", "suppress")


def find_config(start: Path) -> Path | None:
    """The configuration file that applies to a model in folder ``start``, if any."""
    here = start.resolve()
    for folder in [here, *here.parents]:
        own = folder / "archkit.toml"
        if own.is_file():
            return own
        py = folder / "pyproject.toml"
        if py.is_file():
            try:
                data = tomllib.loads(py.read_text(encoding="utf-8"))
            except (tomllib.TOMLDecodeError, OSError, UnicodeDecodeError):  # not ours to judge: look further up
                continue
            if "archkit" in data.get("tool", {}):
                return py
    return None


def load_config(path: Path | None) -> LintConfig:
    """Read the lint table of a configuration file (defaults when ``path`` is None).

    Raises:
        UsageError: The file cannot be read or its lint table is invalid; the message names every problem.
    """
    if path is None:
        return LintConfig()
    from ..io import read_user_text

    try:
        data = tomllib.loads(read_user_text(path, "lint configuration"))
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: not valid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        table, where = data.get("tool", {}).get("archkit", {}).get("lint", {}), "[tool.archkit.lint]"
    else:
        table, where = data.get("lint", {}), "[lint]"
    if not isinstance(table, dict):
        raise UsageError(f"{path}: {where} must be a table")
    unknown = sorted(k for k in table if k not in _KEYS)
    if unknown:
        raise UsageError("\n".join(f"{path}: {where} {k}: unknown key (allowed: {', '.join(_KEYS)})" for k in unknown))
    try:
        return LintConfig.model_validate({**table, "source": str(path)})
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            key = ".".join(str(p) for p in err["loc"])
            msg = (
                "unknown key (allowed: fail-on, disable, severity, suppress)"
                if err["type"] == "extra_forbidden"
                else err["msg"]
            )
            if err["type"] == "missing" and "suppress" in key:
                msg = "missing; every suppression needs rule, element and reason"
            lines.append(f"{path}: {where} {key}: {msg}")
        raise UsageError("\n".join(lines)) from None
