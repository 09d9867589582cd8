"""Loading a model defined in Python: a ``.py`` file or an importable ``module:attr``.

The file is the user's own code and runs as such; what comes out of it is a DSL
:class:`archkit.System` or a model :class:`archkit.model.System`. An exception raised by the
file is reported as one problem at the file's own line, not as a traceback.
"""

from __future__ import annotations

import importlib
import os
import runpy
import sys
import traceback
from typing import Any

from ..errors import ArchkitError, LoadError, Problem
from ..model import Location
from ..model import System as ModelSystem

__all__ = ["load_python_file", "load_module_attr", "find_system"]


def _is_system(x: Any) -> bool:
    from .._dsl import System as DslSystem

    return isinstance(x, (DslSystem, ModelSystem))


def find_system(namespace: dict[str, Any], attr: str | None, source: str) -> Any:
    """Pick the system named ``attr``, or the only system in ``namespace``."""
    if attr:
        if attr not in namespace:
            names = sorted(k for k, v in namespace.items() if _is_system(v))
            raise LoadError([Problem.of(
                "no-system", f"'{source}' defines no variable '{attr}'",
                f"systems defined there: {', '.join(names)}" if names else "define a System in it",
                Location(source))], source)
        if not _is_system(namespace[attr]):
            raise LoadError([Problem.of(
                "no-system", f"'{attr}' in '{source}' is a {type(namespace[attr]).__name__}, not a System",
                "point at a variable that holds an archkit System", Location(source))], source)
        return namespace[attr]
    found: dict[int, tuple[str, Any]] = {}
    for k, v in namespace.items():
        if _is_system(v) and not k.startswith("_") and id(v) not in found:
            found[id(v)] = (k, v)
    if len(found) == 1:
        return next(iter(found.values()))[1]
    if not found:
        raise LoadError([Problem.of(
            "no-system", f"'{source}' defines no System",
            "declare one with 'with System(\"name\") as s:' at module level", Location(source))], source)
    names = sorted(k for k, _ in found.values())
    raise LoadError([Problem.of(
        "no-system", f"'{source}' defines several systems: {', '.join(names)}",
        f"choose one, e.g. '{source}:{names[0]}'", Location(source))], source)


def _user_frame(tb: Any, path: str) -> tuple[str, int | None]:
    want = os.path.abspath(path)
    line = None
    for frame in traceback.extract_tb(tb):
        if os.path.abspath(frame.filename) == want:
            line = frame.lineno
    return path, line


def load_python_file(path: str, attr: str | None = None) -> Any:
    """Run a Python model file and return the System it defines (DSL or model)."""
    if not os.path.isfile(path):
        raise LoadError([Problem.of("file-not-found", f"no such file: '{path}'",
                                    "check the path (relative to the current directory)", Location(path))], path)
    folder = os.path.dirname(os.path.abspath(path))
    added = folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    try:
        namespace = runpy.run_path(path, run_name="__archkit_model__")
    except ArchkitError:
        raise
    except SyntaxError as exc:
        raise LoadError([Problem.of("syntax-error", f"Python syntax error: {exc.msg}",
                                    "fix the code at this line", Location(path, exc.lineno))], path) from None
    except BaseException as exc:  # the user's code failed: say where, not how deep
        if isinstance(exc, KeyboardInterrupt):
            raise
        file, line = _user_frame(exc.__traceback__, path)
        raise LoadError([Problem.of(
            "model-code-error", f"running the model file raised {type(exc).__name__}: {exc}",
            "fix the code at this line; the model file must run on its own", Location(file, line))], path) from None
    finally:
        if added and folder in sys.path:
            sys.path.remove(folder)
    return find_system(namespace, attr, path)


def load_module_attr(spec: str) -> Any:
    """Import ``module:attr`` (or ``module`` holding one System) and return the System."""
    module_name, _, attr = spec.partition(":")
    if "" not in sys.path and os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise LoadError([Problem.of("file-not-found", f"cannot import module '{module_name}': {exc}",
                                    "check the module name and that it is on the Python path", Location(spec))],
                        spec) from None
    except ArchkitError:
        raise
    except Exception as exc:
        raise LoadError([Problem.of("model-code-error", f"importing '{module_name}' raised {type(exc).__name__}: {exc}",
                                    "fix the module so that it imports on its own", Location(spec))], spec) from None
    return find_system(vars(module), attr or None, spec)
