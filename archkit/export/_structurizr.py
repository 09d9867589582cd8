"""Structurizr DSL export: a workspace with the model, one deployment environment per placement, and views.

Mapping: the system is a ``softwareSystem``; each component a ``container`` (technology: the
model framework or language; tags: its kind, plus ``ML model`` for models); each connector a
relationship (description: kind and purpose; technology: protocol). Deployment environments:
``base`` and one per variant, each with a ``deploymentNode`` per node (technology and tag: its kind;
instances: the node count)
holding ``containerInstance``\\ s of the components placed there, and relationships between nodes
for the network links (down links are left out, with a comment). Views: a container view, a
deployment view per environment, a dynamic view per flow, and element styles by kind.

Identifiers are the model's ids made safe for the DSL (letters, digits, ``_``), unique across the
workspace. The output is deterministic.
"""

from __future__ import annotations

from .._escape import structurizr as _s
from .._escape import visible
from ..model import Component, Connector, System
from ..views import component_style, connector_style, tier_of
from ._ids import IdSpace

__all__ = ["to_structurizr"]

_SHAPES = {
    "cylinder": "Cylinder",
    "folder": "Folder",
    "hexagon": "Hexagon",
    "box3d": "Box",
    "note": "Box",
    "cds": "Pipe",
    "invhouse": "Box",
    "octagon": "Box",
}


def _comment(text: str) -> str:
    """Text for a ``//`` comment: one line, whatever it holds."""
    return visible(text.replace("\n", " "), lines=False)


def to_structurizr(system: System) -> str:
    """The Structurizr DSL workspace of a system (text)."""
    ids = IdSpace(r"[^A-Za-z0-9_]", reserved=("workspace", "model", "views", "this", "styles"))
    sys_id = ids("system", "system")
    out: list[str] = [f"workspace {_s(system.name)} {_s(system.description or 'archkit model')} {{", ""]
    out.append("    model {")
    out.append(f"        {sys_id} = softwareSystem {_s(system.name)} {_s(system.description)} {{")
    comp = {c.id: ids("c", c.id) for c in system.components}
    for c in system.components:
        out += _container(c, comp[c.id])
    out.append("        }")
    out.append("")
    out += [_relationship(e, comp) for e in system.connectors]
    envs = [("base", None)] + [(v.name, v.name) for v in system.variants]
    for env, variant in envs:
        out += _environment(system, env, variant, ids, comp)
    out.append("    }")
    out.append("")
    out.append("    views {")
    out += _views(system, sys_id, [env for env, _ in envs], ids, comp)
    out += _styles(system)
    out.append("    }")
    out.append("}")
    return "\n".join(out) + "\n"


def _container(c: Component, cid: str) -> list[str]:
    """A component as a container with its tags and properties."""
    tech = (c.model.framework if c.model is not None and c.model.framework else None) or c.language or c.kind
    tags = [c.kind] + (["ML model"] if c.kind == "model" else [])
    out = [f"            {cid} = container {_s(c.label)} {_s(c.description)} {_s(tech)} {{"]
    out.append(f"                tags {' '.join(_s(t) for t in tags)}")
    props = [("archkit.id", c.id), ("archkit.kind", c.kind)]
    if c.processing_time is not None:
        props.append(("processing_time", str(c.processing_time)))
    if c.model is not None:
        props += [(f"inference_time.{k}", str(v)) for k, v in sorted(c.model.inference_time.items())]
        if c.model.task:
            props.append(("task", c.model.task))
    out.append("                properties {")
    out += [f"                    {_s(k)} {_s(v)}" for k, v in props]
    out.append("                }")
    out.append("            }")
    return out


def _relationship(e: Connector, comp: dict[str, str]) -> str:
    """A connector as a relationship between two containers."""
    desc = f"{e.kind.replace('_', ' ')}, {e.purpose.replace('_', ' ')}"
    if e.request_size is not None and e.rate is not None:
        desc += f", {e.request_size} x {e.rate}"
    tags = [e.kind, e.purpose]
    return f"        {comp[e.source]} -> {comp[e.target]} {_s(desc)} {_s(e.protocol or e.kind)} {_s(','.join(tags))}"


def _environment(system: System, env: str, variant: str | None, ids: IdSpace, comp: dict[str, str]) -> list[str]:
    """One placement as a deployment environment: its nodes, their container instances, the links up."""
    placement = system.placement_for(variant)
    down = system.links_down_for(variant)
    out = [""]
    described = system.variant(variant).description if variant is not None else None
    if described:
        out.append(f"        // {_comment(described)}")
    out.append(f"        deploymentEnvironment {_s(env)} {{")
    nmap: dict[str, str] = {}
    for n in sorted(system.nodes, key=lambda n: (tier_of(n.kind)[0], n.id)):
        nid = ids("d", f"{env}_{n.id}")
        nmap[n.id] = nid
        # deploymentNode <name> [description] [technology] [tags] [instances]
        out.append(
            f"            {nid} = deploymentNode {_s(n.label)} {_s(n.description)} {_s(n.kind)} "
            f"{_s(n.kind)} {n.count} {{"
        )
        for c in system.components:
            if placement.get(c.id) == n.id:
                out.append(f"                containerInstance {comp[c.id]}")
        out.append("            }")
    for lk in system.links:
        a, b = lk.ends
        if lk.id in down:
            out.append(f"            // link {_comment(lk.id)} ({lk.medium}) is down in this environment")
            continue
        tech = " ".join(str(x) for x in (lk.bandwidth, lk.latency) if x is not None)
        out.append(f"            {nmap[a]} -> {nmap[b]} {_s(lk.medium + ' link ' + lk.id)} {_s(tech or lk.medium)}")
    out.append("        }")
    return out


def _views(system: System, sys_id: str, envs: list[str], ids: IdSpace, comp: dict[str, str]) -> list[str]:
    """The container view, one deployment view per environment, one dynamic view per flow."""
    out = [f"        container {sys_id} {_s('containers')} {_s('Components and connectors (logical view)')} {{"]
    out.append("            include *")
    out.append("            autoLayout lr")
    out.append("        }")
    for env in envs:
        key = ids("view", f"deployment-{env}").replace("_", "-")
        out.append(f"        deployment {sys_id} {_s(env)} {_s(key)} {_s('Deployment: ' + env)} {{")
        out.append("            include *")
        out.append("            autoLayout lr")
        out.append("        }")
    for f in system.flows:
        key = ids("view", f"flow-{f.id}").replace("_", "-")
        out.append(f"        dynamic {sys_id} {_s(key)} {_s(f.label)} {{")
        for step in f.steps:
            conn = system.connector(step)
            what = conn.description or conn.kind.replace("_", " ")
            out.append(f"            {comp[conn.source]} -> {comp[conn.target]} {_s(what)}")
        out.append("            autoLayout lr")
        out.append("        }")
    return out


def _styles(system: System) -> list[str]:
    """Element and relationship styles by kind, in the colours and shapes of archkit's views."""
    out = ["        styles {"]
    for kind in sorted({c.kind for c in system.components}):
        box = component_style(kind)
        out.append(f"            element {_s(kind)} {{")
        out.append(f"                background {box.fill}")
        out.append(f"                shape {_SHAPES.get(box.shape, 'RoundedBox' if 'rounded' in box.style else 'Box')}")
        out.append("            }")
    for kind in sorted({e.kind for e in system.connectors}):
        ls = connector_style(kind)
        out.append(f"            relationship {_s(kind)} {{")
        out.append(f"                dashed {'true' if ls.style in ('dashed', 'dotted') else 'false'}")
        out.append(f"                thickness {max(1, round(ls.penwidth * 2))}")
        out.append("            }")
    out.append("        }")
    return out
