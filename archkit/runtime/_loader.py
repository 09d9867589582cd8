"""Import the classes that components name as their ``implementation`` ("module:Class")."""

from __future__ import annotations

import importlib
import sys
from typing import Any

from ..errors import UsageError

__all__ = ["load_class"]


def load_class(reference: str, roots: list[str] | tuple[str, ...] = ()) -> Any:
    """Import ``"package.module:Class"`` and return the class.

    Args:
        reference: the implementation reference from the model.
        roots: folders put in front of ``sys.path`` first (the model's folder, the project root).

    Raises:
        UsageError: the reference is malformed, the module cannot be imported or has no such name.
    """
    module_name, sep, attr = reference.partition(":")
    if not sep or not module_name or not attr:
        raise UsageError(f"implementation {reference!r} is not of the form 'module:Class'")
    for root in reversed(list(roots)):
        if root not in sys.path:
            sys.path.insert(0, root)
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise UsageError(
            f"implementation {reference!r}: module {module_name!r} cannot be imported ({exc}); "
            f"check the name and that its folder is on the import path"
        ) from None
    target: Any = module
    for part in attr.split("."):
        if not hasattr(target, part):
            raise UsageError(f"implementation {reference!r}: module {module_name!r} has no {attr!r}")
        target = getattr(target, part)
    return target
