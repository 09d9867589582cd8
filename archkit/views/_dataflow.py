"""Dataflow view: what travels where and how much, under one placement.

Components sit in their deployment nodes as in the deployment view. Each connector is labelled
with payload x rate (bytes per event times events per second, see archkit.views._traffic), each
network link with the load it carries and is coloured by its utilisation (green, amber, red, grey
when unknown). When flow verdicts are given, the connectors of each flow are coloured by the
flow's latency verdict (a connector in several flows takes the worst).
"""

from __future__ import annotations

from ..model import Connector, Link
from ..model import SystemGraph
from ..model import System
from . import _style as st
from ._build import Canvas, connector_line, deployment, legend, rank_of
from ._graph import LegendEntry, View
from ._traffic import connector_traffic, fmt_bits, fmt_range, link_loads
from ._deployment import placement_title
from ._overlay import VERDICT_ORDER, Overlay

__all__ = ["dataflow_view", "payload_label"]



def payload_label(c: Connector) -> str:
    """'2.76 MB x 30 /s\\n= 82.9 MB/s' for a connector (what is unknown is said so)."""
    if c.request_size is None or c.rate is None:
        missing = " and ".join(x for x, v in (("size", c.request_size), ("rate", c.rate)) if v is None)
        return f"{missing} not declared"
    size = str(c.request_size)
    if c.kind == "sync_call" and c.response_size is not None:
        size = f"({size} + {c.response_size} back)"
    share = f" x {c.share:.3g}" if c.share is not None and c.share != 1 else ""
    t = connector_traffic(c)
    assert t is not None
    lo, hi = t.total
    return f"{size} x {c.rate}{share}\n= {fmt_range(lo, hi)}"


def _worst(verdicts: list[str]) -> str:
    return max(verdicts, key=lambda v: VERDICT_ORDER.index(v) if v in VERDICT_ORDER else 2)


def dataflow_view(system: System, variant: str | None = None, overlay: Overlay | None = None) -> View:
    """The dataflow view of a placement.

    Args:
        system: the model.
        variant: a variant name, or None for the base placement.
        overlay: analysis results (:func:`archkit.views._overlay.analysis_overlay`): flow verdicts colour
            the connectors of each flow, and link loads come from the link-load analysis (per link
            instance, over all users at peak). Without it, links show the per-device load computed
            here and flows are not coloured.
    """
    canvas = Canvas(links_coloured=True)
    graph = SystemGraph(system, variant)
    loads = link_loads(graph)
    verdicts = dict(overlay.verdicts) if overlay is not None else {}
    analysed = overlay.links if overlay is not None else {}

    def link_colour(lk: Link) -> str:
        if lk.id in analysed:
            return st.utilisation_colour(analysed[lk.id].utilisation)
        return st.utilisation_colour(loads[lk.id].utilisation)

    def link_extra(lk: Link) -> str:
        if lk.id in graph.down:
            return ""
        if lk.id in analysed:
            a = analysed[lk.id]
            if a.utilisation is None:
                return f"load {a.load_text}, utilisation unknown"
            return f"load {a.load_text}\n= {a.utilisation * 100:.3g} % of bandwidth, worst case ({a.verdict})"
        ld = loads[lk.id]
        load = f"load {fmt_bits(max(ld.forward_bits, ld.reverse_bits))} per device"
        if ld.utilisation is None:
            why = "no bandwidth" if lk.bandwidth is None else f"unknown traffic from {', '.join(ld.unknown)}"
            return f"{load}, utilisation unknown ({why})"
        return f"{load}\n= {ld.utilisation * 100:.3g} % of bandwidth, worst case"

    boxes = deployment(canvas, system, variant, link_colour=link_colour, link_extra=link_extra)
    rank = rank_of(system, graph.placement)
    flow_of: dict[str, list[str]] = {}
    for f in system.flows:
        for step in f.steps:
            flow_of.setdefault(step, []).append(f.id)
    seen_verdicts: set[str] = set()
    for e in sorted(system.connectors, key=lambda e: (e.source, e.target, e.id)):
        if e.source not in boxes or e.target not in boxes:
            continue
        colour = None
        pen = None
        if verdicts and e.id in flow_of:
            got = [verdicts.get(f, "unknown") for f in flow_of[e.id]]
            v = _worst(got)
            colour = st.VERDICT_COLOURS.get(v, st.UNKNOWN_COLOUR)
            seen_verdicts.add(v)
            pen = max(st.connector_style(e.kind).penwidth, 2.0)
        connector_line(canvas, e, f"e:{e.id}", boxes[e.source], boxes[e.target], label=payload_label(e),
                       colour=colour, penwidth=pen, constraint=rank[e.source] <= rank[e.target])
    extra = [LegendEntry("note", "connector label: bytes per event x events per second = traffic "
                                 "(best..worst case; sync calls add the response)")]
    if system.links:
        for bound, colour, text in st.UTILISATION_BANDS:
            extra.append(LegendEntry("colour", f"link colour: {text}", colour=colour))
        extra.append(LegendEntry("colour", "link colour: utilisation unknown (no bandwidth or traffic)",
                                 colour=st.UNKNOWN_COLOUR))
    for v in VERDICT_ORDER:
        if v in seen_verdicts:
            extra.append(LegendEntry("colour", f"thick connector in this colour: part of a flow whose latency "
                                               f"verdict is '{v}'", colour=st.VERDICT_COLOURS[v]))
    notes = [placement_title(system, variant)]
    if overlay is None:
        notes.append("no latency analysis: flows not coloured, link load per device")
    else:
        notes.append("flows: " + ", ".join(f"{f} {verdicts[f]}" for f in sorted(verdicts)))
    name = "dataflow" if variant is None else f"dataflow@{variant}"
    return View(name, f"{system.name}: dataflow view", canvas.boxes, canvas.groups, canvas.lines,
                legend(canvas, extra=extra), notes)
