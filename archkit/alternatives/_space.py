"""Alternative spaces: the declared variants, or every placement generated from "may live on" choices.

A generated space is a list of *decisions*. Each decision moves one component, or a group of
components that must stay together, to one of a list of nodes. Nodes that cannot hold a
component on its own (its memory, storage or GPUs exceed the node's) are dropped from its
choices before enumeration, and the reason is kept. Alternative ``i`` of the space is the
mixed-radix number whose digits are the choice made in each decision (the first decision is the
most significant digit), so the whole space can be decoded in chunks without building it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

import numpy as np

from ..errors import UsageError
from ..model import System, suggest

__all__ = ["Decision", "Exclusion", "Space", "parse_vary", "declared_space", "generated_space"]


@dataclass(frozen=True)
class Decision:
    """One placement decision: these components (kept together) go to one of these nodes."""

    components: tuple[str, ...]
    nodes: tuple[str, ...]

    @property
    def label(self) -> str:
        """'ocr' or 'ocr+translator'."""
        return "+".join(self.components)


@dataclass(frozen=True)
class Exclusion:
    """A node taken out of a decision's choices because a component cannot fit on it."""

    component: str
    node: str
    reason: str


@dataclass
class Space:
    """A set of alternatives: declared variants (``variants``) or generated from ``decisions``.

    ``base`` is the placement every generated alternative starts from (the system's base
    placement, or a variant's) and ``links_down`` the links taken as down in all of them.
    """

    system: System
    base: dict[str, str]
    decisions: list[Decision] = field(default_factory=list)
    variants: list[str | None] = field(default_factory=list)
    links_down: frozenset[str] = frozenset()
    exclusions: list[Exclusion] = field(default_factory=list)
    generated: bool = False

    @property
    def size(self) -> int:
        """How many alternatives the space holds."""
        if not self.generated:
            return len(self.variants)
        n = 1
        for d in self.decisions:
            n *= len(d.nodes)
        return n

    @property
    def radices(self) -> np.ndarray:
        """Number of choices per decision."""
        return np.array([len(d.nodes) for d in self.decisions], dtype=np.int64)

    def digits(self, start: int, stop: int) -> np.ndarray:
        """Choice index per decision for alternatives start..stop-1, shape (stop-start, decisions)."""
        idx = np.arange(start, stop, dtype=np.int64)
        return self.digits_of(idx)

    def digits_of(self, idx: np.ndarray) -> np.ndarray:
        """Choice index per decision for the given alternative indices."""
        idx = np.asarray(idx, dtype=np.int64)
        out = np.empty((idx.shape[0], len(self.decisions)), dtype=np.int64)
        rest = idx.copy()
        for k in range(len(self.decisions) - 1, -1, -1):
            r = len(self.decisions[k].nodes)
            out[:, k] = rest % r
            rest //= r
        return out

    def index_of(self, placement: dict[str, str]) -> int | None:
        """The index of the generated alternative with this placement of the movable components, if any."""
        i = 0
        for d in self.decisions:
            node = placement.get(d.components[0])
            if node not in d.nodes or any(placement.get(c) != node for c in d.components):
                return None
            i = i * len(d.nodes) + d.nodes.index(node)
        return i

    def placement(self, i: int) -> dict[str, str]:
        """Component id -> node id of alternative ``i``."""
        if not self.generated:
            return self.system.placement_for(self.variants[i])
        out = dict(self.base)
        for d, choice in zip(self.decisions, self.digits_of(np.array([i]))[0]):
            for c in d.components:
                out[c] = d.nodes[int(choice)]
        return out

    def links_down_of(self, i: int) -> frozenset[str]:
        """Links down in alternative ``i``."""
        if not self.generated:
            return frozenset(self.system.links_down_for(self.variants[i]))
        return self.links_down

    def name(self, i: int) -> str:
        """A readable name: the variant's, or 'ocr=cloud, translator=phone' for a generated one."""
        if not self.generated:
            v = self.variants[i]
            return v if v is not None else "(base placement)"
        pl = self.placement(i)
        return ", ".join(f"{d.label}={pl[d.components[0]]}" for d in self.decisions)

    def chunks(self, size: int) -> Iterator[tuple[int, int]]:
        """(start, stop) ranges covering the space in pieces of at most ``size``."""
        for s in range(0, self.size, size):
            yield s, min(s + size, self.size)


def parse_vary(specs: list[str]) -> dict[str, list[str]]:
    """Read ``COMPONENT=node1,node2`` items (also ``a+b=n1,n2`` for components kept together).

    Raises:
        UsageError: when an item is not of that form.
    """
    out: dict[str, list[str]] = {}
    for s in specs:
        if "=" not in s:
            raise UsageError(f"cannot read --vary '{s}': write COMPONENT=node1,node2 (e.g. ocr=glasses,phone,cloud)")
        comp, nodes = s.split("=", 1)
        names = [n.strip() for n in nodes.split(",") if n.strip()]
        if not comp.strip() or not names:
            raise UsageError(f"cannot read --vary '{s}': write COMPONENT=node1,node2 (e.g. ocr=glasses,phone,cloud)")
        if comp.strip() in out:
            raise UsageError(f"--vary names '{comp.strip()}' twice; give all its nodes in one item")
        out[comp.strip()] = names
    return out


def _fit_reason(system: System, comp_id: str, node_id: str) -> str | None:
    """Why a component cannot live on a node on its own (memory, storage, GPU), or None if it can.

    One replica against what the node offers as the resource analysis counts it: one device, or a
    fleet's count times one node (so the space never drops a placement the analyses call feasible).
    """
    c, n = system.component(comp_id), system.node(node_id)
    k = 1 if n.per_user is not None else n.count
    need_mem = (c.memory.hi if c.memory else 0.0) + (c.model.memory.hi if c.model and c.model.memory else 0.0)
    need_sto = (c.storage.hi if c.storage else 0.0) + (c.model.size.hi if c.model and c.model.size else 0.0)
    where = node_id if k == 1 else f"{node_id} ({k:,} nodes)"
    if n.memory is not None and need_mem > n.memory.hi * k:
        return f"needs {need_mem / 1e6:,.0f} MB of memory, {where} has {n.memory.hi * k / 1e6:,.0f} MB"
    if n.storage is not None and need_sto > n.storage.hi * k:
        return f"needs {need_sto / 1e6:,.0f} MB of storage, {where} has {n.storage.hi * k / 1e6:,.0f} MB"
    gpus = c.gpus or (1.0 if c.model and c.model.requires_gpu else 0.0)
    if gpus > n.gpus * k:
        return f"needs {gpus:g} GPU(s), {where} has {n.gpus * k:g}"
    return None


def generated_space(
    system: System,
    vary: dict[str, list[str]],
    *,
    together: list[list[str]] | None = None,
    base_variant: str | None = None,
) -> Space:
    """The space of every placement of the varied components over their allowed nodes.

    Args:
        system: a validated system.
        vary: component id -> node ids it may live on (see :func:`parse_vary`).
        together: groups of component ids that must share a node; their allowed nodes intersect.
        base_variant: start from this variant's placement and links down instead of the base.

    Raises:
        UsageError: naming unknown components or nodes (with a suggestion), or a decision left
            with no node once the nodes that cannot hold a component are dropped.
    """
    comps = [c.id for c in system.components]
    nodes = [n.id for n in system.nodes]
    errors: list[str] = []
    groups: list[list[str]] = []
    for g in together or []:
        groups.append(list(g))
    for key, allowed in vary.items():
        members = key.split("+")
        for m in members:
            if m not in comps:
                close = suggest(m, comps)
                errors.append(f"unknown component '{m}'" + (f"; did you mean '{close}'?" if close else ""))
        for n in allowed:
            if n not in nodes:
                close = suggest(n, nodes)
                errors.append(
                    f"unknown node '{n}' for '{key}'"
                    + (f"; did you mean '{close}'?" if close else f"; nodes: {', '.join(nodes)}")
                )
        if len(members) > 1:
            groups.append(members)
    for g in together or []:
        for m in g:
            if m not in comps:
                errors.append(f"unknown component '{m}' in a group kept together")
    if errors:
        raise UsageError("; ".join(errors))
    # union-find over groups kept together
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for g in groups:
        for m in g[1:]:
            a, b = find(g[0]), find(m)
            if a != b:
                parent[b] = a
    allowed_by: dict[str, list[str]] = {}
    for key, allowed in vary.items():
        for m in key.split("+"):
            allowed_by[m] = allowed
    clusters: dict[str, list[str]] = {}
    for c in comps:  # declaration order keeps the output deterministic
        if c in allowed_by:
            clusters.setdefault(find(c), []).append(c)
    base = system.placement_for(base_variant)
    decisions: list[Decision] = []
    exclusions: list[Exclusion] = []
    for members in clusters.values():
        partners = [c for c in comps if find(c) == find(members[0]) and c not in members]
        choices = list(dict.fromkeys(allowed_by[members[0]]))
        for m in members[1:]:
            choices = [n for n in choices if n in allowed_by[m]]
        # a partner that is not varied pins the group to its node
        for p in partners:
            choices = [n for n in choices if n == base.get(p)]
        kept = []
        for n in choices:
            reasons = [(m, _fit_reason(system, m, n)) for m in members]
            bad = [(m, r) for m, r in reasons if r]
            for m, r in bad:
                exclusions.append(Exclusion(m, n, r))
            if not bad:
                kept.append(n)
        if not kept:
            raise UsageError(
                f"no node can hold {'+'.join(members)}: "
                + (
                    "; ".join(f"{e.node}: {e.component} {e.reason}" for e in exclusions if e.component in members)
                    or "the allowed nodes of the group do not overlap"
                )
            )
        decisions.append(Decision(tuple(members), tuple(kept)))
    if not decisions:
        raise UsageError("nothing to vary: give --vary COMPONENT=node1,node2")
    return Space(system, base, decisions, [], frozenset(system.links_down_for(base_variant)), exclusions, True)


def declared_space(system: System, variants: list[str] | None = None) -> Space:
    """The declared variants (all, or the named ones; the base placement if none are declared).

    Raises:
        UsageError: for a variant name that is not declared (with a suggestion).
    """
    names: list[str | None]
    if variants:
        bad = [v for v in variants if v not in system.variant_names]
        if bad:
            hints = []
            for v in bad:
                close = suggest(v, system.variant_names)
                hints.append(f"unknown variant '{v}'" + (f"; did you mean '{close}'?" if close else ""))
            raise UsageError("; ".join(hints) + f" (declared: {', '.join(system.variant_names) or 'none'})")
        names = list(dict.fromkeys(variants))
    else:
        names = list(system.variant_names) or [None]
    return Space(system, dict(system.placement), [], names, frozenset(), [], False)
