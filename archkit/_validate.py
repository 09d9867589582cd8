"""Validation that reports every problem at once.

Two layers:

* :func:`build_system` turns raw data (from YAML, JSON or the DSL) into a :class:`System`,
  element by element, so that one bad field does not hide the problems elsewhere. An element
  with a bad optional field is kept without that field, so references to it still resolve and
  produce no follow-on noise.
* :func:`check` looks at a built system as a whole: duplicate ids, dangling references,
  connectors between nodes with no link route, flows whose steps do not chain, cycles of
  synchronous calls.

Both produce :class:`~archkit.errors.Problem` objects; :class:`~archkit.errors.ValidationError`
carries all of them.
"""

from __future__ import annotations

import re
import typing
from functools import partial
from typing import Any, Callable, Iterable

import pydantic
from pydantic import BaseModel

from .errors import Problem, ValidationError
from .model import (
    Component,
    Connector,
    Flag,
    Flow,
    Link,
    Location,
    Node,
    System,
    Variant,
    find_sync_cycles,
    suggest,
)

__all__ = ["build_system", "build_valid", "check", "validate", "Locator"]

Locator = Callable[[tuple[Any, ...]], Location | None]

_LISTS: dict[str, tuple[type[BaseModel], str, str]] = {
    # field -> (class, id attribute, what to call it)
    "components": (Component, "id", "component"),
    "connectors": (Connector, "id", "connector"),
    "nodes": (Node, "id", "node"),
    "links": (Link, "id", "link"),
    "variants": (Variant, "name", "variant"),
    "flows": (Flow, "id", "flow"),
    "flags": (Flag, "id", "flag"),
}

_TYPE_TO_CODE = {
    "quantity_dimension": "wrong-unit",
    "quantity_unit": "wrong-unit",
    "quantity_order": "min-greater-than-max",
    "quantity_negative": "negative-value",
    "quantity_syntax": "invalid-value",
    "unknown_kind": "unknown-kind",
    "extra_forbidden": "unknown-field",
    "missing": "missing-field",
}


def _default_locator(source: str | None) -> Locator:
    return lambda path: Location(source, None, tuple(path))


# --------------------------------------------------------------------------------------------
# pydantic errors -> problems
# --------------------------------------------------------------------------------------------


def _model_at(cls: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """The pydantic class that owns the last part of ``loc`` (for 'did you mean' on field names)."""
    current: Any = cls
    for part in loc[:-1]:
        if isinstance(part, int) or not (isinstance(current, type) and issubclass(current, BaseModel)):
            if isinstance(current, type) and issubclass(current, BaseModel):
                continue
            return None
        info = current.model_fields.get(part)
        if info is None:
            return None
        ann = info.annotation
        # unwrap Optional / list / dict to the model inside
        while True:
            args = typing.get_args(ann)
            origin = typing.get_origin(ann)
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                break
            if origin is None or not args:
                break
            inner = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
            if inner:
                ann = inner[0]
                break
            ann = args[-1]
        current = ann
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _element_label(what: str, raw: Any, id_attr: str, index: int | None) -> str:
    if isinstance(raw, dict) and isinstance(raw.get(id_attr), str):
        return f"{what} '{raw[id_attr]}'"
    return f"{what} #{index + 1}" if index is not None else what


def _problems_from_pydantic(
    exc: pydantic.ValidationError,
    cls: type[BaseModel],
    prefix: tuple[Any, ...],
    label: str,
    locate: Locator,
    element: str | None,
) -> list[Problem]:
    out = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        etype = err["type"]
        ctx = err.get("ctx") or {}
        field = ".".join(str(p) for p in loc) or "(whole element)"
        name = _TYPE_TO_CODE.get(etype, "invalid-value")
        hint = str(ctx.get("hint", ""))
        if etype == "extra_forbidden":
            owner = _model_at(cls, loc)
            fields = list(owner.model_fields) if owner else []
            close = suggest(str(loc[-1]), fields) if fields else None
            message = f"{label} has an unknown field '{loc[-1]}'"
            hint = (
                f"did you mean '{close}'?"
                if close
                else (f"known fields: {', '.join(fields)}" if fields else "remove it")
            )
        elif etype == "missing":
            message = f"{label} lacks the required field '{field}'"
            owner = _model_at(cls, loc)
            desc = owner.model_fields[loc[-1]].description if owner and loc[-1] in owner.model_fields else None
            hint = f"add '{loc[-1]}'" + (f": {desc}" if desc else "")
        elif etype.startswith("quantity_") or etype in ("unknown_kind", "self_link"):
            message = f"{label}: {field}: {ctx.get('message', err['msg'])}"
        else:
            value = err.get("input")
            if (
                isinstance(value, (int, float))
                and not isinstance(value, bool)
                and value < 0
                and etype in ("greater_than_equal", "greater_than")
            ):
                name = "negative-value"
            shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
            if len(shown) > 60:
                shown = shown[:57] + "..."
            message = f"{label}: {field}: {err['msg'].rstrip('.')} (got {shown})"
            owner = _model_at(cls, loc)
            info = owner.model_fields.get(loc[-1]) if owner and loc and isinstance(loc[-1], str) else None
            if info is not None and info.description:
                hint = f"'{loc[-1]}' is: {info.description}"
            if etype == "literal_error" and isinstance(value, str):
                choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
                close = suggest(value, choices)
                message = f"{label}: {field}: '{value}' is not one of {', '.join(choices)}"
                hint = f"did you mean '{close}'?" if close else hint
        out.append(Problem.of(name, message, hint, locate(prefix + loc), element))
    return out


def _validate_element(
    cls: type[BaseModel],
    raw: Any,
    prefix: tuple[Any, ...],
    label: str,
    locate: Locator,
    element: str | None,
    problems: list[Problem],
) -> BaseModel | None:
    """Validate one element; on errors, record them and try again without the offending optional fields."""
    try:
        return cls.model_validate(raw)
    except pydantic.ValidationError as exc:
        problems.extend(_problems_from_pydantic(exc, cls, prefix, label, locate, element))
        if not isinstance(raw, dict):
            return None
        bad = {e["loc"][0] for e in exc.errors() if e["loc"]}
        required = {k for k, f in cls.model_fields.items() if f.is_required()}
        if bad & required:
            return None
        try:
            return cls.model_validate({k: v for k, v in raw.items() if k not in bad})
        except pydantic.ValidationError:
            return None


def build_system(
    raw: Any,
    locate: Locator | None = None,
    source: str | None = None,
    element_locations: dict[tuple[str, int], Location] | None = None,
    json_text: str | bytes | None = None,
    whole_failed: bool = False,
) -> System:
    """Build and check a System from raw data (mappings and lists), reporting every problem at once.

    A valid model is validated whole, in one pass of pydantic's validator (of ``json_text``, when
    given, by pydantic's own JSON parser); only a model with problems is taken apart element by
    element, so that every problem is found and one bad field hides nothing else.

    Args:
        raw: the data, as read from YAML/JSON or assembled by the DSL.
        locate: maps a key path (e.g. ``("links", 2, "bandwidth")``) to a location for messages.
        source: file name for messages when no locator is given.
        element_locations: where each element was declared, keyed by (list field, index);
            attached to the built elements so later reports (lint, analyses) can point at them.
        json_text: the same data as JSON text (already checked for duplicate keys and depth).
        whole_failed: :func:`build_valid` already said the model has problems: go straight to
            taking it apart.

    Raises:
        ValidationError: listing every problem found.
    """
    locate = locate or _default_locator(source)
    if json_text is not None or not whole_failed:
        valid = build_valid(raw, locate, element_locations=element_locations, json_text=json_text)
        if valid is not None:
            return valid
    problems: list[Problem] = []
    if not isinstance(raw, dict):
        raise ValidationError(
            [
                Problem.of(
                    "invalid-value",
                    f"a model is a mapping of fields (name, components, ...), got {type(raw).__name__}",
                    "start the file with 'name: <system name>' and lists such as 'components:'",
                    locate(()),
                )
            ],
            source,
        )
    built: dict[str, list[Any]] = {}
    broken: set[str] = set()
    for field, (cls, id_attr, what) in _LISTS.items():
        items = raw.get(field, [])
        if items is None:
            items = []
        if not isinstance(items, list):
            problems.append(
                Problem.of(
                    "invalid-value",
                    f"'{field}' must be a list, got {type(items).__name__}",
                    f"write '{field}:' followed by '- ...' entries",
                    locate((field,)),
                )
            )
            built[field] = []
            continue
        good = []
        for i, item in enumerate(items):
            label = _element_label(what, item, id_attr, i)
            ident = item.get(id_attr) if isinstance(item, dict) and isinstance(item.get(id_attr), str) else None
            obj = _validate_element(cls, item, (field, i), label, locate, ident, problems)
            if obj is None:
                if ident:
                    broken.add(ident)
                continue
            loc = (element_locations or {}).get((field, i)) or locate((field, i))
            obj.at(loc)  # type: ignore[attr-defined]
            good.append((i, obj))
        built[field] = good
    scalars = {k: v for k, v in raw.items() if k not in _LISTS}
    head = _validate_element(System, scalars, (), "system", locate, None, problems)
    if not isinstance(head, System):
        head = System.model_validate({"name": str(raw.get("name") or "unnamed")})
    system = head.model_copy(update={f: [o for _, o in built[f]] for f in _LISTS})
    system.at(locate(()))
    indices = {f: [i for i, _ in built[f]] for f in _LISTS}
    problems.extend(_duplicates_in_raw(raw, locate))
    problems.extend(_whole_system_problems(system, locate, broken, indices, duplicates=False))
    if problems:
        raise ValidationError(problems, source)
    return system


def build_valid(
    raw: Any,
    locate: Locator,
    *,
    element_locations: dict[tuple[str, int], Location] | None = None,
    json_text: str | bytes | None = None,
) -> System | None:
    """The model validated whole and checked, with its elements located; None if it has any problem.

    The fast path of :func:`build_system`: one pass of pydantic's validator over the whole model
    (over ``json_text`` with pydantic's JSON parser, when given), then the whole-system rules of
    :func:`check`. It says nothing about problems: :func:`build_system` finds and reports them.
    """
    if not isinstance(raw, dict):
        return None
    try:
        system = System.model_validate_json(json_text) if json_text is not None else System.model_validate(raw)
    except pydantic.ValidationError:
        return None
    _attach_locations(system, locate, element_locations)
    return None if _whole_system_problems(system, locate) else system


def _attach_locations(
    system: System, locate: Locator, element_locations: dict[tuple[str, int], Location] | None
) -> None:
    """Tell every top-level element (and the system) where it was declared."""
    known = element_locations or {}
    for field in _LISTS:
        for i, obj in enumerate(getattr(system, field)):
            obj.at(known.get((field, i)) or locate((field, i)))
    system.at(locate(()))


# --------------------------------------------------------------------------------------------
# whole-system checks
# --------------------------------------------------------------------------------------------


def validate(system: System) -> System:
    """Check a system built in code; return it unchanged, or raise ValidationError with every problem."""
    problems = check(system)
    if problems:
        raise ValidationError(problems)
    return system


def _duplicates_in_raw(raw: dict[str, Any], locate: Locator) -> list[Problem]:
    """Duplicate ids among the raw entries, including entries that failed validation."""
    out = []
    for field, (_, id_attr, what) in _LISTS.items():
        items = raw.get(field)
        if not isinstance(items, list):
            continue
        first: dict[str, int] = {}
        for i, item in enumerate(items):
            ident = item.get(id_attr) if isinstance(item, dict) else None
            if not isinstance(ident, str):
                continue
            if ident in first:
                out.append(
                    Problem.of(
                        "duplicate-id",
                        f"{what} '{ident}' is declared more than once",
                        f"give each {what} its own {id_attr}; the first one is at {locate((field, first[ident]))}",
                        locate((field, i, id_attr)),
                        ident,
                        related=[x for x in (locate((field, first[ident])),) if x is not None],
                    )
                )
            else:
                first[ident] = i
    return out


def _link_parts(system: System, nodes: set[str]) -> dict[str, str]:
    """Node id -> one node of its linked part (nodes joined by any chain of declared links)."""
    parent = {n: n for n in nodes}

    def root(n: str) -> str:
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for lk in system.links:
        a, b = lk.ends
        if a in parent and b in parent:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    return {n: root(n) for n in nodes}


def check(system: System) -> list[Problem]:
    """Every whole-system problem of a system built in code (duplicates, references, routes, flows, cycles).

    The problems are located at each element's own location; :func:`validate` raises them instead.
    """
    return _whole_system_problems(system)


def _whole_system_problems(
    system: System,
    locate: Locator | None = None,
    broken: Iterable[str] = (),
    indices: dict[str, list[int]] | None = None,
    duplicates: bool = True,
) -> list[Problem]:
    """The problems of :func:`check`, for the builders that know more than the system does.

    The rules run in the order of :data:`_RULES`; each reports into one list, so problems come out in
    the same order every time.

    Args:
        system: the system to check.
        locate: maps key paths to locations; default: each element's own location.
        broken: ids of elements that failed field validation (references to them are not reported again).
        indices: original list positions of the elements (when some were dropped while building).
        duplicates: whether to look for duplicate ids (the builder has looked at the raw entries).
    """
    ck = _Check(system, locate, set(broken), indices)
    for rule in _RULES:
        if duplicates or rule is not _duplicate_ids:
            rule(ck)
    return ck.problems


class _Check:
    """What the rules of :func:`check` share: the system, the declared ids, locating, reporting."""

    def __init__(
        self, system: System, locate: Locator | None, broken: set[str], indices: dict[str, list[int]] | None
    ) -> None:
        self.system = system
        self.locate = locate
        self.broken = broken
        self.indices = indices
        self.problems: list[Problem] = []
        self.comps = {c.id for c in system.components}
        self.nodes = {n.id for n in system.nodes}
        self.links = {lk.id for lk in system.links}
        self.conns = {c.id: c for c in system.connectors}

    def index(self, field: str, pos: int) -> int:
        """The position the element had where it was declared."""
        return self.indices[field][pos] if self.indices else pos

    def where(self, field: str, pos: int, *more: Any) -> Location | None:
        """Where element ``pos`` of list ``field`` (or a key path inside it) was declared."""
        idx = self.index(field, pos)
        if self.locate is not None:
            return self.locate((field, idx) + more)
        loc = getattr(self.system, field)[pos].location
        return loc.with_path(*more) if loc is not None else Location(None, None, (field, idx) + more)

    def top(self, *path: Any) -> Location | None:
        """Where a key path of the system itself was declared."""
        if self.locate is not None:
            return self.locate(path)
        loc = self.system.location
        return loc.with_path(*path) if loc is not None else Location(None, None, path)

    def report(self, code: str, message: str, hint: str, location: Location | None, element: str) -> None:
        self.problems.append(Problem.of(code, message, hint, location, element))

    def ref(
        self,
        kind: str,
        value: str,
        known: set[str] | dict[str, Any],
        at: Callable[[], Location | None],
        owner: str,
        element: str,
    ) -> bool:
        """Whether ``value`` names a declared ``kind``; reports a dangling reference if not."""
        if value in known:
            return True
        loc = at()  # located only when reported: a large valid model has hundreds of thousands of references
        if value in self.broken:
            return False
        close = suggest(value, sorted(known))
        hint = f"did you mean '{close}'?" if close else f"declare a {kind} '{value}' or fix the reference"
        self.report(
            "dangling-reference", f"{owner} refers to {kind} '{value}', which is not declared", hint, loc, element
        )
        return False


def _duplicate_ids(ck: _Check) -> None:
    """Each element's id is declared once in its list."""
    for field, (_, id_attr, what) in _LISTS.items():
        first: dict[str, int] = {}
        for pos, el in enumerate(getattr(ck.system, field)):
            ident = getattr(el, id_attr)
            if ident not in first:
                first[ident] = pos
                continue
            earlier = ck.where(field, first[ident])
            ck.problems.append(
                Problem.of(
                    "duplicate-id",
                    f"{what} '{ident}' is declared more than once",
                    f"give each {what} its own {id_attr}; the first one is at {earlier}",
                    ck.where(field, pos, id_attr),
                    ident,
                    related=[earlier] if earlier is not None else [],
                )
            )


def _connector_ends(ck: _Check) -> None:
    """A connector's source, target and consumers are declared components, and it joins two of them."""
    comps = ck.comps
    for pos, c in enumerate(ck.system.connectors):
        if c.source in comps and c.target in comps and c.source != c.target and all(x in comps for x in c.consumers):
            continue  # nothing to report: the usual connector, of which a large model has tens of thousands
        owner = f"connector '{c.id}'"
        ck.ref("component", c.source, comps, partial(ck.where, "connectors", pos, "source"), owner, c.id)
        ck.ref("component", c.target, comps, partial(ck.where, "connectors", pos, "target"), owner, c.id)
        for j, consumer in enumerate(c.consumers):
            at = partial(ck.where, "connectors", pos, "consumers", j)
            ck.ref("component", consumer, comps, at, f"{owner} (consumers)", c.id)
        if c.source == c.target:
            ck.report(
                "self-connector",
                f"connector '{c.id}' joins component '{c.source}' to itself",
                "a component's internal steps are not connectors; remove it or split the component",
                ck.where("connectors", pos),
                c.id,
            )


def _component_relations(ck: _Check) -> None:
    """The components a component corrects or influences are declared, and are others."""
    for pos, comp in enumerate(ck.system.components):
        for rel in ("corrects", "influences"):
            for j, other in enumerate(getattr(comp, rel)):
                at = partial(ck.where, "components", pos, rel, j)
                declared = ck.ref("component", other, ck.comps, at, f"component '{comp.id}' ({rel})", comp.id)
                if declared and other == comp.id:
                    ck.report(
                        "invalid-value",
                        f"component '{comp.id}' names itself in '{rel}'",
                        f"'{rel}' lists other components; remove '{comp.id}'",
                        at(),
                        comp.id,
                    )


def _flag_guards(ck: _Check) -> None:
    """What a flag guards is a declared component or connector."""
    guardable = ck.comps | set(ck.conns) if ck.system.flags else set()
    for pos, flag in enumerate(ck.system.flags):
        for j, guarded in enumerate(flag.guards):
            at = partial(ck.where, "flags", pos, "guards", j)
            ck.ref("component or connector", guarded, guardable, at, f"flag '{flag.id}'", flag.id)


def _link_ends(ck: _Check) -> None:
    """A link's ends are declared nodes."""
    for pos, lk in enumerate(ck.system.links):
        for j, end in enumerate(lk.ends):
            ck.ref("node", end, ck.nodes, partial(ck.where, "links", pos, "ends", j), f"link '{lk.id}'", lk.id)


def _placements(ck: _Check) -> None:
    """Placements (the base and each variant's) map declared components to declared nodes; links down exist."""

    def placed(mapping: dict[str, str], path: tuple[Any, ...], owner: str) -> None:
        for comp, node in mapping.items():
            ck.ref("component", comp, ck.comps, partial(ck.top, *path, comp), owner, comp)
            ck.ref("node", node, ck.nodes, partial(ck.top, *path, comp), f"{owner} of '{comp}'", comp)

    placed(ck.system.placement, ("placement",), "the placement")
    for pos, v in enumerate(ck.system.variants):
        placed(v.placement, ("variants", ck.index("variants", pos), "placement"), f"variant '{v.name}'")
        for j, lid in enumerate(v.links_down):
            at = partial(ck.where, "variants", pos, "links_down", j)
            ck.ref("link", lid, ck.links, at, f"variant '{v.name}'", v.name)


def _routes(ck: _Check) -> None:
    """A connector between two nodes has a chain of links between them, in every placement.

    Whether the links are up or down in a variant does not matter here: a link that is down is an
    analysis question, not a modelling error.
    """
    system = ck.system
    part = _link_parts(system, ck.nodes)
    if len(set(part.values())) <= 1:  # with every node in one linked part, every connector has a route
        return
    by_id_pos = {c.id: pos for pos, c in enumerate(system.connectors)}
    reported: set[tuple[str, ...]] = set()
    for scen in [None, *(v.name for v in system.variants)]:
        placement = system.placement_for(scen)
        for c in system.connectors:
            a, b = placement.get(c.source), placement.get(c.target)
            if a is None or b is None or a == b or a not in ck.nodes or b not in ck.nodes or part[a] == part[b]:
                continue
            key = (c.id, *sorted((a, b)))
            if key in reported:
                continue
            reported.add(key)
            in_what = f" in variant '{scen}'" if scen else ""
            ck.report(
                "no-route",
                f"connector '{c.id}' joins '{c.source}' on node '{a}' and '{c.target}' on node '{b}'"
                f"{in_what}, but no chain of links joins those nodes",
                f"declare a link between '{a}' and '{b}' (or via a node linked to both), "
                f"or place both components on one node",
                ck.where("connectors", by_id_pos[c.id]),
                c.id,
            )


def _flows(ck: _Check) -> None:
    """A flow has steps, each a declared connector, and each starting where control is after the last."""
    for pos, f in enumerate(ck.system.flows):
        if not f.steps:
            ck.report(
                "empty-flow",
                f"flow '{f.id}' has no steps",
                "list the connectors the scenario goes through, in order",
                ck.where("flows", pos, "steps"),
                f.id,
            )
            continue
        ok = True
        for j, sid in enumerate(f.steps):
            if sid not in ck.conns:
                at = partial(ck.where, "flows", pos, "steps", j)
                ok = ck.ref("connector", sid, ck.conns, at, f"flow '{f.id}'", f.id) and ok
        if ok:
            _flow_chains(ck, pos, f)


def _flow_chains(ck: _Check, pos: int, f: Flow) -> None:
    """Report the first step of flow ``f`` that does not start where control is."""
    conns = ck.conns
    stack: list[str] = []  # components holding control; callers below callees
    for j, sid in enumerate(f.steps):
        c = conns[sid]
        if j > 0 and c.source not in stack:
            prev = conns[f.steps[j - 1]]
            can = " or ".join(f"'{s}'" for s in reversed(stack))
            ck.report(
                "flow-does-not-chain",
                f"flow '{f.id}': step {j + 1} '{sid}' starts at '{c.source}', but after step {j} "
                f"'{prev.id}' control is at {can}",
                f"the next step must start where the previous one ended (or, after a sync call, "
                f"at a caller waiting for its response): start it at {can}, or add the missing connector",
                ck.where("flows", pos, "steps", j),
                f.id,
            )
            return
        if j > 0:
            while stack and stack[-1] != c.source:
                stack.pop()
        else:
            stack = [c.source]
        if c.synchronous:
            stack.append(c.target)
        else:
            stack = [c.target]


def _sync_cycles(ck: _Check) -> None:
    """Synchronous calls form no cycle (a caller waits for its callee, so a cycle can deadlock)."""
    conns = ck.conns
    if not _any_sync_cycle(ck.system.connectors):
        return
    cycles = find_sync_cycles(ck.system.connectors)
    by_id_pos = {c.id: pos for pos, c in enumerate(ck.system.connectors)} if cycles else {}
    for cyc in cycles:
        path = " -> ".join([conns[cyc[0]].source] + [conns[x].target for x in cyc])
        ck.report(
            "sync-call-cycle",
            f"synchronous calls form a cycle: {path}",
            "a caller waits for its callee, so a cycle can deadlock; make one of these connectors "
            "an async_message, or break the cycle",
            ck.where("connectors", by_id_pos[cyc[0]]),
            cyc[0],
        )


def _any_sync_cycle(connectors: Iterable[Connector]) -> bool:
    """Whether synchronous calls form any cycle: peel off callers nobody calls until none is left
    (Kahn's order), a cheap test before :func:`find_sync_cycles` names the cycles."""
    callees: dict[str, list[str]] = {}
    calls_in: dict[str, int] = {}
    for e in connectors:
        if e.synchronous:
            callees.setdefault(e.source, []).append(e.target)
            calls_in[e.target] = calls_in.get(e.target, 0) + 1
    ready = [n for n in callees if n not in calls_in]
    left = len(callees.keys() | calls_in.keys())
    while ready:
        left -= 1
        for m in callees.get(ready.pop(), ()):
            calls_in[m] -= 1
            if calls_in[m] == 0:
                ready.append(m)
    return left > 0


def _autoscaling_bounds(ck: _Check) -> None:
    """A component's autoscaling bounds are in order."""
    for pos, comp in enumerate(ck.system.components):
        bounds = comp.autoscaling
        if bounds is not None and bounds.min_replicas > bounds.max_replicas:
            ck.report(
                "min-greater-than-max",
                f"component '{comp.id}': autoscaling min_replicas {bounds.min_replicas} > max_replicas "
                f"{bounds.max_replicas}",
                "set min_replicas <= max_replicas",
                ck.where("components", pos, "autoscaling"),
                comp.id,
            )


_RULES: tuple[Callable[[_Check], None], ...] = (
    _duplicate_ids,
    _connector_ends,
    _component_relations,
    _flag_guards,
    _link_ends,
    _placements,
    _routes,
    _flows,
    _sync_cycles,
    _autoscaling_bounds,
)
"""The whole-system rules, in the order their problems are reported."""
