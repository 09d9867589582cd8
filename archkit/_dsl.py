"""The Python DSL: declare a system in a few lines, then build and check it in one explicit step.

Example::

    from archkit import System, Node, Component, Model, Link, Flow

    with System("AR translation") as s:
        with Node("glasses", kind="wearable", memory="2 GB"):
            camera = Component("camera", kind="sensor")
            ui = Component("overlay", kind="ui")
        with Node("phone", kind="mobile"):
            ocr = Model("ocr", task="text recognition", inference_time={"mobile": "80..200 ms"})
        Link("glasses", "phone", medium="bluetooth", bandwidth="3 Mbit/s", latency="40..200 ms")
        step = camera >> ocr
        Flow("overlay", steps=[step], latency_budget="200 ms")
    model = s.build()        # a validated archkit.model.System, or ValidationError listing every problem

Declarations only record what was said and where (file and line); nothing is checked until
:meth:`System.build`, so every mistake in a file is reported at once. The current system and node
are kept in context variables, and leaving a ``with`` block only restores them: nothing is built or
written on exit, least of all while an exception is on its way out.
"""

from __future__ import annotations

import os
import sys
from contextvars import ContextVar, Token
from typing import Any, Sequence

from . import model as _m
from .model import Location

__all__ = [
    "System",
    "Node",
    "Component",
    "Model",
    "Link",
    "Connector",
    "Flow",
    "Flag",
    "Variant",
    "connect",
    "current_system",
]

_SYSTEM: ContextVar["System | None"] = ContextVar("archkit_system", default=None)
_NODE: ContextVar["Node | None"] = ContextVar("archkit_node", default=None)
_PKG_DIR = os.path.dirname(os.path.abspath(__file__))


def _caller() -> Location:
    """File and line of the first frame outside the archkit package (the user's declaration)."""
    f = sys._getframe(1)
    while f is not None:
        fn = f.f_code.co_filename
        if not os.path.abspath(fn).startswith(_PKG_DIR + os.sep):
            return Location(_display_path(fn), f.f_lineno)
        f = f.f_back  # type: ignore[assignment]
    return Location()


def _display_path(fn: str) -> str:
    try:
        rel = os.path.relpath(fn)
    except ValueError:
        return fn
    return fn if rel.startswith("..") else rel


def current_system() -> "System | None":
    """The System whose ``with`` block is active, if any."""
    return _SYSTEM.get()


def _ref(x: Any) -> Any:
    """Declarations become their ids; containers are converted recursively."""
    if isinstance(x, _Decl):
        return x.id
    if isinstance(x, dict):
        return {_ref(k): _ref(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_ref(v) for v in x]
    return x


class _Decl:
    """Something declared in the DSL: its fields as given, and where."""

    _field: str = ""
    _id_attr: str = "id"

    def __init__(self, id: str, fields: dict[str, Any], system: "System | None" = None) -> None:
        self.id = id
        self.fields = {k: v for k, v in fields.items()}
        self.location = _caller()
        self.system = system if system is not None else _SYSTEM.get()
        if self.system is not None:
            self.system._add(self)

    def to_raw(self) -> dict[str, Any]:
        raw: dict[str, Any] = {self._id_attr: self.id}
        raw.update({k: _ref(v) for k, v in self.fields.items() if v is not None})
        return raw

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.id!r})"


class Component(_Decl):
    """Declare a component; inside ``with Node(...)`` it is placed on that node.

    Args:
        id: unique id.
        kind: component kind (model, ui, datastore, ...), required as in a model file.
        node: a Node (or id) to place it on, instead of the enclosing ``with Node``.
        **fields: the fields of :class:`archkit.model.Component` (quantities as text such as ``"2..5 ms"``).
    """

    _field = "components"

    def __init__(self, id: str, kind: str | None = None, *, node: "Node | str | None" = None, **fields: Any) -> None:
        super().__init__(id, {"kind": kind, **fields})
        target = node if node is not None else _NODE.get()
        self.node: str | None = _ref(target) if target is not None else None
        if self.system is not None and self.node is not None:
            self.system.placement[self.id] = self.node

    def __rshift__(self, other: Any) -> Any:
        if isinstance(other, (list, tuple)):
            return [connect(self, o) for o in other]
        return connect(self, other)

    def __rrshift__(self, other: Any) -> Any:
        if isinstance(other, (list, tuple)):
            return [connect(o, self) for o in other]
        return NotImplemented


_MODEL_FIELDS = set(_m.ModelInfo.model_fields)
_COMPONENT_FIELDS = set(_m.Component.model_fields)


class Model(Component):
    """Declare a machine-learned model: a component of kind 'model' with model metadata.

    Keyword arguments that are fields of :class:`archkit.model.ModelInfo` (task, size, memory,
    inference_time, update_period, accuracy, intended_use, limitations, ...) go into ``model``;
    the rest are component fields. ``memory`` is taken as the model's memory.
    """

    def __init__(self, id: str, *, node: "Node | str | None" = None, **fields: Any) -> None:
        info = {
            k: fields.pop(k)
            for k in list(fields)
            if k in _MODEL_FIELDS and (k not in _COMPONENT_FIELDS or k == "memory")
        }
        given = fields.pop("model", None) or {}
        super().__init__(id, "model", node=node, **fields, model={**given, **info})


class Node(_Decl):
    """Declare a deployment node; use it as a context so the components declared inside are placed on it.

    Args:
        id: unique id.
        kind: node kind (mobile, wearable, embedded, edge, cloud, ...), required as in a model file.
        **fields: the fields of :class:`archkit.model.Node`.
    """

    _field = "nodes"

    def __init__(self, id: str, kind: str | None = None, **fields: Any) -> None:
        super().__init__(id, {"kind": kind, **fields})
        self._tokens: list[Token] = []

    def __enter__(self) -> "Node":
        self._tokens.append(_NODE.set(self))
        return self

    def __exit__(self, *exc: Any) -> None:
        _NODE.reset(self._tokens.pop())


class Link(_Decl):
    """Declare a network link between two nodes (Node objects or ids); ``id`` defaults to 'a-b'."""

    _field = "links"

    def __init__(
        self, a: "Node | str", b: "Node | str", medium: str = "internet", *, id: str | None = None, **fields: Any
    ) -> None:
        a_id, b_id = _ref(a), _ref(b)
        super().__init__(id or f"{a_id}-{b_id}", {"ends": [a_id, b_id], "medium": medium, **fields})


class Connector(_Decl):
    """A declared connector (made by ``a >> b`` or :func:`connect`). ``c >> d`` connects c's target to d."""

    _field = "connectors"

    def __init__(self, source: Any, target: Any, *, id: str | None = None, **fields: Any) -> None:
        src, dst = _ref(source), _ref(target)
        system = _SYSTEM.get()
        if id is None:
            id = f"{src}->{dst}"
            if system is not None:
                taken = {c.id for c in system._decls["connectors"]}
                n = 2
                base = id
                while id in taken:
                    id = f"{base}#{n}"
                    n += 1
        super().__init__(id, {"source": src, "target": dst, **fields}, system)
        self.source, self.target = src, dst

    def __rshift__(self, other: Any) -> Any:
        if isinstance(other, (list, tuple)):
            return [connect(self.target, o) for o in other]
        return connect(self.target, other)

    def set(self, **fields: Any) -> "Connector":
        """Set more fields on this connector (kind, request_size, rate, ...) and return it."""
        self.fields.update(fields)
        return self


def connect(source: Any, target: Any, kind: str | None = None, **fields: Any) -> Connector:
    """Declare a connector from ``source`` to ``target`` (components or ids) with its fields."""
    if kind is not None:
        fields["kind"] = kind
    return Connector(source, target, **fields)


class Flow(_Decl):
    """Declare an end-to-end flow through connectors (Connector objects or connector ids)."""

    _field = "flows"

    def __init__(self, id: str, steps: Sequence[Any], **fields: Any) -> None:
        super().__init__(id, {"steps": list(steps), **fields})


class Flag(_Decl):
    """Declare a feature flag: ``Flag("trial", state="off", owner="search", since="2024-03-01", guards=[ranker_v2])``.

    ``guards`` lists the components and connectors (objects or ids) used only while the flag is on.
    """

    _field = "flags"

    def __init__(self, id: str, state: str, **fields: Any) -> None:
        super().__init__(id, {"state": state, **fields})


class Variant(_Decl):
    """Declare a named alternative placement: ``Variant("ocr-in-cloud", {"ocr": cloud})`` or ``ocr=cloud``."""

    _field = "variants"
    _id_attr = "name"

    def __init__(self, name: str, placement: dict[Any, Any] | None = None, **fields: Any) -> None:
        own = {k: fields.pop(k) for k in list(fields) if k not in _m.Variant.model_fields}
        mapping = {**(placement or {}), **own}
        super().__init__(name, {"placement": {_ref(k): _ref(v) for k, v in mapping.items()}, **fields})


_ORDER = ("components", "connectors", "nodes", "links", "variants", "flows", "flags")


class System:
    """Declare a system: use it as a context; everything declared inside belongs to it.

    Args:
        name: the system's name.
        **fields: fields of :class:`archkit.model.System` (description, version, users, requirements,
            objectives, properties).
    """

    def __init__(self, name: str, **fields: Any) -> None:
        self.name = name
        self.fields = fields
        self.location = _caller()
        self.placement: dict[str, str] = {}
        self._decls: dict[str, list[_Decl]] = {k: [] for k in _ORDER}
        self._tokens: list[Token] = []

    def __enter__(self) -> "System":
        self._tokens.append(_SYSTEM.set(self))
        return self

    def __exit__(self, *exc: Any) -> None:
        _SYSTEM.reset(self._tokens.pop())

    def _add(self, decl: _Decl) -> None:
        self._decls[decl._field].append(decl)

    def add(self, *decls: _Decl) -> "System":
        """Add declarations made outside the ``with`` block."""
        for d in decls:
            if d.system is not self:
                d.system = self
                self._add(d)
        return self

    def place(self, component: Any, node: Any) -> None:
        """Place a component on a node in the base placement."""
        self.placement[_ref(component)] = _ref(node)

    def variant(self, name: str, placement: dict[Any, Any] | None = None, **fields: Any) -> Variant:
        """Declare a variant of this system (see :class:`Variant`)."""
        token = _SYSTEM.set(self)
        try:
            return Variant(name, placement, **fields)
        finally:
            _SYSTEM.reset(token)

    # -- building --------------------------------------------------------------------------------
    def to_raw(self) -> dict[str, Any]:
        """The declared system as plain data (what a YAML file with the same content would hold)."""
        raw: dict[str, Any] = {"name": self.name}
        raw.update({k: _ref(v) for k, v in self.fields.items() if v is not None})
        for field in _ORDER:
            raw[field] = [d.to_raw() for d in self._decls[field]]
        raw["placement"] = dict(self.placement)
        return raw

    def locations(self) -> dict[tuple[str, int], Location]:
        """Where each declaration was made, keyed by (list field, index)."""
        return {(f, i): d.location for f in _ORDER for i, d in enumerate(self._decls[f])}

    def locate(self, path: tuple[Any, ...]) -> Location:
        """Map a key path in the raw data to the DSL line that declared it."""
        if len(path) >= 2 and path[0] in self._decls and isinstance(path[1], int):
            decls = self._decls[path[0]]
            if 0 <= path[1] < len(decls):
                loc = decls[path[1]].location
                return Location(loc.file, loc.line, tuple(path))
        if path and path[0] == "placement" and len(path) > 1:
            for d in self._decls["components"]:
                if d.id == path[1]:
                    return Location(d.location.file, d.location.line, tuple(path))
        return Location(self.location.file, self.location.line, tuple(path))

    def build(self) -> _m.System:
        """Validate everything declared and return the model; raises ValidationError listing every problem."""
        from ._validate import build_system

        return build_system(
            self.to_raw(), locate=self.locate, source=self.location.file, element_locations=self.locations()
        )

    @property
    def model(self) -> _m.System:
        """The built model (built anew on each access, so later declarations are included)."""
        return self.build()

    def __repr__(self) -> str:
        counts = ", ".join(f"{len(v)} {k}" for k, v in self._decls.items() if v)
        return f"System({self.name!r}: {counts or 'empty'})"
