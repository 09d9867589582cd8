"""Output formats of a lint run: text (rich), JSON, SARIF 2.1.0 and JUnit XML. All deterministic."""

from __future__ import annotations

import json

from .._lint import LintResult
from .junit import to_junit
from .sarif import to_sarif

__all__ = ["to_json", "to_sarif", "to_junit"]


def to_json(result: LintResult) -> str:
    """The JSON document of a lint run (shape in docs/lint.md)."""
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"
