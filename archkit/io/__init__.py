"""Loading and saving models: Python DSL files, YAML, JSON, and the JSON Schema for editors.

* :func:`load` reads ``system.py``, ``system.py:var``, ``model.yaml``, ``model.json`` or
  ``package.module:attr`` and returns a validated :class:`archkit.model.System`.
* :func:`to_yaml` / :func:`to_json` write the canonical text: the same model always gives the
  same bytes, and reading it back gives an equal model.
* :func:`json_schema` is the JSON Schema of the file format.
"""

from __future__ import annotations

import functools
import json
import os
from typing import TYPE_CHECKING, Any, Callable

from .._gc import collector_paused
from ..errors import LoadError, Problem
from ..model import Location, System
from ._files import MAX_TEXT_BYTES, os_error_text, read_user_text, write_atomic
from ._pyfile import ModelOutputWarning

if TYPE_CHECKING:
    import yaml

# PyYAML is imported by the functions that read or write YAML or JSON text: loading a .py model needs none of it.

__all__ = [
    "load",
    "load_data",
    "loads",
    "to_data",
    "to_yaml",
    "to_json",
    "save",
    "json_schema",
    "write_atomic",
    "read_user_text",
    "os_error_text",
    "MAX_TEXT_BYTES",
    "ModelOutputWarning",
]

_PY_SUFFIXES = (".py",)
_YAML_SUFFIXES = (".yaml", ".yml")
_JSON_SUFFIXES = (".json",)


def _split_spec(spec: str) -> tuple[str, str | None]:
    """'file.py:var' -> ('file.py', 'var'); other specs unchanged."""
    head, sep, tail = spec.rpartition(":")
    if sep and head.endswith(_PY_SUFFIXES) and tail.isidentifier():
        return head, tail
    return spec, None


def load(spec: str | os.PathLike[str]) -> System:
    """Load and validate a model from a file or module.

    Args:
        spec: ``path.py`` (a file defining one System), ``path.py:variable``, ``path.yaml``,
            ``path.json``, or ``package.module:attr``.

    Raises:
        LoadError: the file is missing, unreadable, unsafe or not a model.
        ValidationError: the model has problems (all of them are listed).
    """
    spec = os.fspath(spec)
    path, attr = _split_spec(spec)
    lower = path.lower()
    if lower.endswith(_PY_SUFFIXES):
        from ._pyfile import load_python_file

        found = load_python_file(path, attr)
        return _as_model(found)
    if lower.endswith(_YAML_SUFFIXES + _JSON_SUFFIXES):
        if not os.path.isfile(path):
            raise LoadError(
                [
                    Problem.of(
                        "file-not-found",
                        f"no such file: '{path}'",
                        "check the path (relative to the current directory)",
                        Location(path),
                    )
                ],
                path,
            )
        from ._safe_yaml import MAX_BYTES

        try:
            with open(path, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)  # read_text refuses more: a device or pipe cannot exhaust memory
        except OSError as exc:
            raise LoadError(
                [
                    Problem.of(
                        "file-not-found",
                        f"cannot read '{path}': {exc.strerror}",
                        "check the path and its permissions",
                        Location(path),
                    )
                ],
                path,
            ) from None
        return loads(data, path, fmt="json" if lower.endswith(_JSON_SUFFIXES) else "yaml")
    if ":" in spec and not os.path.exists(spec):
        from ._pyfile import load_module_attr

        return _as_model(load_module_attr(spec))
    if not os.path.exists(path):
        raise LoadError(
            [
                Problem.of(
                    "file-not-found",
                    f"no such file: '{path}'",
                    "give a .py, .yaml or .json model file, or module:attr",
                    Location(path),
                )
            ],
            path,
        )
    raise LoadError(
        [
            Problem.of(
                "not-a-model",
                f"'{path}' is not a model file archkit reads",
                "give a .py, .yaml, .yml or .json file, or module:attr",
                Location(path),
            )
        ],
        path,
    )


def _as_model(found: Any) -> System:
    from .._dsl import System as DslSystem
    from .._validate import validate

    if isinstance(found, DslSystem):
        return found.build()
    return validate(found)


def loads(data: bytes | str, source: str = "<text>", fmt: str = "yaml") -> System:
    """Load and validate a model from YAML or JSON text (``fmt`` 'yaml' or 'json')."""
    with collector_paused():
        return _loads(data, source, fmt)


def _loads(data: bytes | str, source: str, fmt: str) -> System:
    from .._validate import build_system, build_valid
    from ._safe_yaml import check_json_depth, parse_json, parse_yaml, read_text

    text = read_text(data if isinstance(data, bytes) else data.encode("utf-8"), source)
    if fmt == "json":
        # Parsed here to refuse duplicate keys (pydantic's parser keeps the last of two); a valid
        # model is then validated straight from the text in one pass. Anything deeper than the
        # model's own nesting fails that validation, so only then is the depth measured.
        raw = parse_json(text, source)
        locate = _locator(source, {})
        valid = build_valid(raw, locate, json_text=text)
        if valid is not None:
            return valid
        check_json_depth(raw, source)
        return build_system(raw, locate=locate, source=source, whole_failed=True)
    # Block YAML, as models are written, is read line by line with the lines of its elements; a
    # valid model needs no more. Any other YAML, and any model with a problem, is read again by the
    # full reader, which locates each problem at its own line.
    from ._block_yaml import read_block

    block = read_block(text)
    if block is not None:
        valid = build_valid(block[0], _locator(source, block[1]))
        if valid is not None:
            return valid
    raw, lines = parse_yaml(text, source)
    return build_system(raw, locate=_locator(source, lines), source=source, whole_failed=block is not None)


def _locator(source: str, lines: dict[tuple[Any, ...], int]) -> Callable[[tuple[Any, ...]], Location]:
    """Key path -> location: the line of the path's nearest part that has one."""

    def locate(path: tuple[Any, ...]) -> Location:
        p = tuple(path)
        line = lines.get(p)
        if line is None and lines:
            while p and p not in lines:
                p = p[:-1]
            line = lines.get(p)
        return Location(source, line, tuple(path))

    return locate


def load_data(raw: Any, source: str = "<data>", lines: dict[tuple[Any, ...], int] | None = None) -> System:
    """Validate plain data (as from YAML/JSON) into a System, with line numbers for messages if known."""
    from .._validate import build_system

    return build_system(raw, locate=_locator(source, lines or {}), source=source)


def to_data(system: System) -> dict[str, Any]:
    """The model as plain data: defaults left out, quantities as canonical text."""
    return system.model_dump(mode="json", exclude_defaults=True)


def _str_presenter(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


@functools.cache
def _dumper() -> type[yaml.SafeDumper]:
    """PyYAML's safe dumper, writing text with line breaks as literal blocks."""
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    Dumper.add_representer(str, _str_presenter)
    return Dumper


def to_yaml(system: System) -> str:
    """Canonical YAML text of the model (deterministic; reads back to an equal model)."""
    import yaml

    return yaml.dump(
        to_data(system), Dumper=_dumper(), sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
    )


def to_json(system: System) -> str:
    """Canonical JSON text of the model (deterministic; reads back to an equal model)."""
    from .._escape import json_safe

    return json_safe(json.dumps(to_data(system), indent=2, ensure_ascii=False)) + "\n"


def save(system: System, path: str | os.PathLike[str]) -> None:
    """Write the model as YAML or JSON, chosen by the file's suffix."""
    p = os.fspath(path)
    if p.lower().endswith(_JSON_SUFFIXES):
        write_atomic(p, to_json(system))
    elif p.lower().endswith(_YAML_SUFFIXES):
        write_atomic(p, to_yaml(system))
    else:
        from ..errors import UsageError

        raise UsageError(f"cannot tell the format of '{p}': name it .yaml, .yml or .json")


def json_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of archkit model files, for editors and validators."""
    schema = System.model_json_schema(mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "urn:archkit:schema:system:1"
    schema["title"] = "archkit system"
    return schema
